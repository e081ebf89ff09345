"""Committing a policy that is still being encoded: `--exit-zero` and the findings baseline."""

from __future__ import annotations

import json
import shutil
import tempfile
from pathlib import Path

import jsonschema
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from checker.cli import main
from checker.commands.lint import run_lint
from checker.errors import CheckerError
from checker.reporters.run import LintOptions
from checker.rules.baseline import apply_baseline, read_baseline, write_baseline

DATA = Path(__file__).parent / "data"
RULES = str(DATA / "house_rules.yaml")
ROOT = Path(__file__).resolve().parents[1]
REPORT_SCHEMA = ROOT / "docs" / "report.schema.json"
SARIF_SCHEMA = ROOT / "tests" / "data" / "sarif" / "sarif-schema-2.1.0.json"

POLICY = """\
document { title = "Shop" source = "notice.txt" jurisdictions = [other] }
handler { legal_name = "Shop Ltd" contact = unstated cite "1" "We are Shop Ltd." }
recipient partner { legal_name = unstated cite "4" "our partner abroad" }
transfer abroad {
  destination = outside_cn
  recipient   = partner
  consent     = bundled
  cite "4" "We may send your data to our partner abroad."
}
"""


@pytest.fixture()
def shop(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.chdir(tmp_path)
    (tmp_path / "shop.policy").write_text(POLICY, encoding="utf-8")
    shutil.copy(DATA / "notice.txt", tmp_path / "notice.txt")
    return tmp_path / "shop.policy"


def lint(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    code = main(["lint", *args, "--requirements", RULES, "--no-cache"])
    out, err = capsys.readouterr()
    return code, out, err


def test_exit_zero_reports_the_findings_and_exits_0(
    shop: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert lint(capsys, "shop.policy")[0] == 1
    code, out, _ = lint(capsys, "shop.policy", "--exit-zero")
    assert code == 0
    assert "shop.policy:7:17: error HOUSE-1 transfer abroad goes abroad" in out


def test_exit_zero_still_exits_2_on_an_input_error(
    shop: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    shop.write_text(POLICY.replace("consent     =", "consent     :"), encoding="utf-8")
    code, _, err = lint(capsys, "shop.policy", "--exit-zero")
    assert code == 2
    assert "shop.policy:7:15: error[E103]" in err


# --- The baseline ------------------------------------------------------------------------------


def write(capsys: pytest.CaptureFixture[str], baseline: str = "baseline.json") -> None:
    code, _, err = lint(capsys, "shop.policy", "--write-baseline", baseline)
    assert code == 0, err
    assert f"recorded 3 findings in {baseline}" in err


def test_a_written_baseline_hides_todays_findings_and_says_how_many(
    shop: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    write(capsys)
    code, out, err = lint(capsys, "shop.policy", "--baseline", "baseline.json")
    assert code == 0
    assert "HOUSE-" not in out
    assert out.rstrip().endswith("; 3 baselined")
    assert "no longer occurs" not in err


def test_edits_that_move_lines_keep_the_findings_matched(
    shop: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    write(capsys)
    lines = POLICY.splitlines()
    # Comments and blank lines above and inside the statements, and the transfer moved up.
    moved = [
        "# Shop's notice, encoded",
        "",
        lines[0],
        "",
        *lines[3:9],
        "# the partner",
        lines[2],
        "",
        "  # who we are",
        lines[1],
    ]
    shop.write_text("\n".join(moved) + "\n", encoding="utf-8")
    assert lint(capsys, "shop.policy")[1].count("error HOUSE-1 ") == 1  # still there, elsewhere
    code, out, err = lint(capsys, "shop.policy", "--baseline", "baseline.json")
    assert (code, "HOUSE-" in out, err) == (0, False, "")
    assert "; 3 baselined" in out


def test_a_changed_fact_is_a_new_finding_and_its_old_entry_no_longer_occurs(
    shop: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    write(capsys)
    shop.write_text(
        "# edited\n" + POLICY.replace("consent     = bundled", "consent     = deemed_by_use"),
        encoding="utf-8",
    )
    code, out, err = lint(capsys, "shop.policy", "--baseline", "baseline.json")
    assert code == 1
    assert (
        "shop.policy:8:17: error HOUSE-1 transfer abroad goes abroad with consent deemed_by_use"
        in (out)
    )
    assert "HOUSE-2" not in out and "HOUSE-4" not in out
    assert "; 2 baselined, 1 baseline entry no longer occurs" in out
    # The stale entry, at its line in the baseline file, so it can be deleted.
    entry_line = Path("baseline.json").read_text(encoding="utf-8").splitlines().index("    {") + 1
    assert (
        f"baseline.json:{entry_line}:5: no longer occurs: shop.policy HOUSE-1 (transfer abroad) "
        "transfer abroad goes abroad with consent bundled" in err
    )


def test_the_exit_code_counts_only_new_findings_at_or_above_fail_on(
    shop: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    write(capsys)
    # The contact left out: HOUSE-2, a warning, cannot be decided now, a new finding that does
    # not fail the run at the default threshold.
    shop.write_text(POLICY.replace(" contact = unstated", ""), encoding="utf-8")
    code, out, _ = lint(capsys, "shop.policy", "--baseline", "baseline.json")
    new = [line for line in out.splitlines() if ": warning HOUSE-2 " in line]
    assert new, out
    assert code == 0
    assert (
        lint(capsys, "shop.policy", "--baseline", "baseline.json", "--fail-on", "warning")[0] == 1
    )


def test_the_baseline_file_is_sorted_deterministic_and_relative_to_its_directory(
    shop: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    (shop.parent / "ci").mkdir()
    write(capsys, "ci/baseline.json")
    first = Path("ci/baseline.json").read_text(encoding="utf-8")
    write(capsys, "ci/baseline.json")
    assert Path("ci/baseline.json").read_text(encoding="utf-8") == first
    data = json.loads(first)
    assert data["schema"] == "policycheck-baseline/1"
    assert [(e["path"], e["id"]) for e in data["findings"]] == [
        ("../shop.policy", "HOUSE-1"),
        ("../shop.policy", "HOUSE-2"),
        ("../shop.policy", "HOUSE-4"),
    ]
    assert data["findings"][0]["statement"] == "transfer abroad"
    assert "statement" not in data["findings"][1]  # a notice-wide finding
    assert all("line" not in e and "column" not in e for e in data["findings"])
    # Used from another directory, with the policy named another way, it still matches.
    code, out, _ = lint(capsys, str(shop), "--baseline", "ci/baseline.json")
    assert (code, "; 3 baselined" in out) == (0, True)


def test_the_configured_baseline_is_relative_to_the_configuration_file(
    shop: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    write(capsys, "recorded.json")
    (shop.parent / ".policycheck.toml").write_text('baseline = "recorded.json"\n', encoding="utf-8")
    (shop.parent / "elsewhere").mkdir()
    monkeypatch.chdir(shop.parent / "elsewhere")
    code, out, _ = lint(capsys, "../shop.policy")
    assert code == 0
    assert "; 3 baselined" in out
    # --baseline on the command line wins over the configuration.
    Path("empty.json").write_text(
        '{"schema": "policycheck-baseline/1", "findings": []}', encoding="utf-8"
    )
    assert lint(capsys, "../shop.policy", "--baseline", "empty.json")[0] == 1


def test_a_missing_baseline_file_is_a_located_input_error(
    shop: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code, _, err = lint(capsys, "shop.policy", "--baseline", "nowhere.json")
    assert code == 2
    assert err.startswith("nowhere.json: error[E601] no such file or directory")
    assert "Traceback" not in err


def test_a_malformed_baseline_file_is_a_located_input_error(
    shop: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    write(capsys)
    text = Path("baseline.json").read_text(encoding="utf-8")
    Path("baseline.json").write_text(text.replace('"fingerprint": "', '"fingerprint": "x'))
    code, _, err = lint(capsys, "shop.policy", "--baseline", "baseline.json")
    assert code == 2
    assert "baseline.json:4:5: error[E502] finding 1: the fingerprint is not 64" in err


def test_no_baseline_is_written_when_a_policy_has_an_input_error(
    shop: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    shop.write_text(POLICY.replace("consent     =", "consent     :"), encoding="utf-8")
    code, _, err = lint(capsys, "shop.policy", "--write-baseline", "baseline.json")
    assert code == 2
    assert "error[E103]" in err and "not written" in err
    assert not Path("baseline.json").exists()


def test_entries_of_files_not_linted_are_not_reported_as_gone(
    shop: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    shutil.copy(shop, shop.parent / "other.policy")
    code, _, _ = lint(capsys, "shop.policy", "other.policy", "--write-baseline", "baseline.json")
    assert code == 0
    shop.write_text(POLICY.replace("= bundled", "= deemed_by_use"), encoding="utf-8")
    code, out, err = lint(capsys, "shop.policy", "--baseline", "baseline.json")
    assert code == 1
    assert "; 2 baselined, 1 baseline entry no longer occurs" in out
    assert "other.policy" not in err
    # Nor entries of requirements left out of the run.
    code, out, err = lint(
        capsys, "shop.policy", "--baseline", "baseline.json", "--ignore", "HOUSE-1"
    )
    assert (code, err) == (0, "")
    assert out.rstrip().endswith("; 2 baselined")


@pytest.mark.parametrize("fmt", ["json", "sarif", "github", "junit"])
def test_every_format_leaves_the_baselined_findings_out(
    fmt: str, shop: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    write(capsys)
    shop.write_text(POLICY.replace("= bundled", "= deemed_by_use"), encoding="utf-8")
    code, out, err = lint(capsys, "shop.policy", "--baseline", "baseline.json", "--format", fmt)
    assert code == 1
    assert "deemed_by_use" in out, "the new finding is reported"
    assert "no longer occurs: shop.policy HOUSE-1" in err
    if fmt == "json":
        report = json.loads(out)
        schema = json.loads(REPORT_SCHEMA.read_text(encoding="utf-8"))
        jsonschema.Draft202012Validator(schema).validate(report)
        findings = [
            f["id"] for d in report["documents"] for o in d["outcomes"] for f in o["findings"]
        ]
        assert findings == ["HOUSE-1"]
        assert report["baseline"]["baselined"] == 2
        [gone] = report["baseline"]["no_longer_occurring"]
        assert (gone["id"], gone["line"]) == ("HOUSE-1", 4)
    elif fmt == "sarif":
        log = json.loads(out)
        jsonschema.Draft7Validator(json.loads(SARIF_SCHEMA.read_text(encoding="utf-8"))).validate(
            log
        )
        assert [r["ruleId"] for r in log["runs"][0]["results"]] == ["HOUSE-1"]
    elif fmt == "github":
        assert [
            line.split("title=")[1].split(" ")[0]
            for line in out.splitlines()
            if line.startswith("::")
        ] == ["HOUSE-1"]
        assert "; 2 baselined, 1 baseline entry no longer occurs" in out
    else:
        # HOUSE-1 fails anew; HOUSE-2 and HOUSE-4, all of whose findings are recorded, are skipped.
        assert out.count("<failure") == 1
        assert out.count('<skipped message="baselined') == 2


@settings(max_examples=25, deadline=None)
@given(
    inserted=st.lists(
        st.tuples(st.integers(0, len(POLICY.splitlines())), st.sampled_from(["", "# note", "  "])),
        max_size=6,
    )
)
def test_no_insertion_of_blank_or_comment_lines_unmatches_a_finding(
    inserted: list[tuple[int, str]],
) -> None:
    with tempfile.TemporaryDirectory() as folder:
        policy = Path(folder) / "shop.policy"
        shutil.copy(DATA / "notice.txt", Path(folder) / "notice.txt")
        policy.write_text(POLICY, encoding="utf-8")
        options = LintOptions(paths=(policy,), requirements=(RULES,))
        before = run_lint(options)
        file = Path(folder) / "baseline.json"
        write_baseline(file, before.findings())
        lines = POLICY.splitlines()
        for at, text in sorted(inserted, reverse=True):
            lines.insert(at, text)
        policy.write_text("\n".join(lines) + "\n", encoding="utf-8")
        after = run_lint(options)
        assert not after.errors
        reports, applied = apply_baseline(after.reports, read_baseline(file), file, lambda _: True)
        assert [f for r in reports for f in r.findings()] == []
        assert (applied.baselined, applied.gone) == (len(before.findings()), ())


def test_writing_a_baseline_records_every_finding_even_with_one_configured(
    shop: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    write(capsys)
    (shop.parent / ".policycheck.toml").write_text('baseline = "baseline.json"\n', encoding="utf-8")
    shop.write_text(POLICY.replace("= bundled", "= deemed_by_use"), encoding="utf-8")
    assert lint(capsys, "shop.policy")[0] == 1  # the changed fact is new
    write(capsys)  # all three findings again, the configured baseline not applied
    code, out, err = lint(capsys, "shop.policy")
    assert (code, err) == (0, "")
    assert out.rstrip().endswith("; 3 baselined")


JSON = st.recursive(
    st.none() | st.booleans() | st.integers() | st.text(max_size=5),
    lambda inner: (
        st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=5), inner, max_size=3)
    ),
    max_leaves=8,
)
ENTRY = st.fixed_dictionaries(
    {"path": st.text(max_size=5), "id": st.text(max_size=5), "message": st.text(max_size=5)},
    optional={
        "fingerprint": st.sampled_from(["0" * 64, "x"]),
        "statement": JSON,
        "extra": JSON,
    },
)


@settings(max_examples=200, deadline=None)
@given(
    data=st.fixed_dictionaries(
        {},
        optional={
            "schema": st.sampled_from(["policycheck-baseline/1", "other"]) | JSON,
            "findings": st.lists(ENTRY | JSON, max_size=3) | JSON,
            "other": JSON,
        },
    ),
    indent=st.sampled_from([None, 0, 2, "\t"]),
)
def test_any_json_object_is_read_as_a_baseline_or_refused_with_a_located_error(
    data: dict[str, object], indent: int | str | None
) -> None:
    with tempfile.TemporaryDirectory() as folder:
        file = Path(folder) / "baseline.json"
        file.write_text(json.dumps(data, indent=indent), encoding="utf-8")
        try:
            found = read_baseline(file)
        except CheckerError as exc:
            assert exc.code == "E502"
            assert exc.span is not None
        else:
            assert len(found) == len(data["findings"])  # type: ignore[arg-type]


@settings(max_examples=200, deadline=None)
@given(text=st.text(max_size=40) | JSON.map(json.dumps))
def test_any_text_is_read_as_a_baseline_or_refused_with_a_located_error(text: str) -> None:
    with tempfile.TemporaryDirectory() as folder:
        file = Path(folder) / "baseline.json"
        file.write_text(text, encoding="utf-8", newline="")
        try:
            read_baseline(file)
        except CheckerError as exc:
            assert exc.code in ("E502", "E602")
            assert exc.span is not None
