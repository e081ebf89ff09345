"""Options never fail silently: selection entries, configuration files and paths that name nothing
are refused with a position and exit code 2, never read as "check nothing" and a clean pass."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from checker.cli import main
from checker.rules.selection import ids_in_force, matches, unknown_entries

DATA = Path(__file__).parent / "data"
RULES = str(DATA / "house_rules.yaml")
POLICY = """\
document { title = "Shop" source = "notice.txt" jurisdictions = [other] }
handler { legal_name = "Shop Ltd" contact = unstated cite "1" "We are Shop Ltd." }
"""
CN_POLICY = POLICY.replace("[other]", "[cn]")


@pytest.fixture()
def shop(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    (tmp_path / "shop.policy").write_text(POLICY, encoding="utf-8")
    (tmp_path / "cn.policy").write_text(CN_POLICY, encoding="utf-8")
    shutil.copy(DATA / "notice.txt", tmp_path / "notice.txt")
    monkeypatch.chdir(tmp_path)
    return tmp_path


def lint(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    capsys.readouterr()
    try:
        code = main(["lint", *args, "--no-cache", "--jobs", "1"])
    except SystemExit as stopped:
        code = int(stopped.code or 0)
    out, err = capsys.readouterr()
    assert "Traceback" not in out + err
    return code, out, err


# --- --select and --ignore -------------------------------------------------------------------


def test_a_misspelt_select_is_refused_with_a_did_you_mean(
    shop: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code, out, err = lint(capsys, "shop.policy", "--requirements", RULES, "--select", "HOUSE-9")
    assert code == 2
    assert "policycheck: error[E604] --select 'HOUSE-9' names no requirement" in err
    assert "did you mean 'HOUSE-" in err
    assert "0 requirements" not in out + err


def test_a_misspelt_ignore_is_refused_too(shop: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, _, err = lint(capsys, "shop.policy", "--requirements", RULES, "--ignore", "HOSUE-2")
    assert code == 2 and "error[E604] --ignore 'HOSUE-2'" in err
    assert "did you mean 'HOUSE-2'?" in err


def test_ids_and_prefixes_are_matched_ignoring_case(
    shop: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code, out, _ = lint(capsys, "shop.policy", "--requirements", RULES, "--select", "house-2")
    assert code == 0  # HOUSE-2 is a warning
    assert "warning HOUSE-2 " in out and "HOUSE-4" not in out
    assert "1 document, 1 requirement:" in out


def test_a_shipped_id_in_lower_case_selects_it(
    shop: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    _, out, err = lint(capsys, "cn.policy", "--select", "pipl-17-1-1")
    assert "PIPL-17-1-1 " in out, err
    assert "PIPL-50 " not in out


def test_a_prefix_is_whole_id_segments(shop: Path, capsys: pytest.CaptureFixture[str]) -> None:
    # PIPL-3 is no segment prefix of PIPL-39: it names nothing.
    code, _, err = lint(capsys, "cn.policy", "--select", "PIPL-3")
    assert code == 2 and "--select 'PIPL-3' names no requirement" in err
    code, out, _ = lint(capsys, "cn.policy", "--select", "PIPL-17")
    assert "PIPL-17-1-1 " in out and "PIPL-50 " not in out


def test_the_policys_own_check_codes_are_known_ids(
    shop: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code, _, err = lint(capsys, "cn.policy", "--ignore", "WAIVER-UNUSED,waiver,quote-ambiguous")
    assert code in (0, 1), err


def test_entries_are_checked_against_the_sets_in_force(
    shop: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    # With --requirements only those sets are in force: a PIPL id names nothing.
    code, _, err = lint(capsys, "shop.policy", "--requirements", RULES, "--ignore", "PIPL-52")
    assert code == 2 and "--ignore 'PIPL-52' names no requirement of the sets in force" in err


def test_a_misspelt_configuration_entry_is_refused_at_its_line(
    shop: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    (shop / ".policycheck.toml").write_text(
        f'requirements = ["{RULES}"]\nignore = [\n  "HOUSE-1",\n  "house-4",\n  "HOUSE-7",\n]\n',
        encoding="utf-8",
    )
    code, _, err = lint(capsys, "shop.policy")
    assert code == 2
    assert ".policycheck.toml:5:3: error[E501] ignore 'HOUSE-7' names no requirement" in err
    assert "house-4" not in err


@given(st.sampled_from(["PIPL-39", "GDPR-13-1-f", "NDSR-21-1-2-sensitive", "WAIVER-UNUSED"]))
def test_every_id_and_each_of_its_segment_prefixes_choose_it_in_any_case(rule: str) -> None:
    parts = rule.split("-")
    for n in range(1, len(parts) + 1):
        prefix = "-".join(parts[:n])
        for entry in (prefix, prefix.lower(), prefix.upper(), prefix + "-"):
            assert matches(rule, entry)
            assert not unknown_entries([entry], [rule])
    assert not matches(rule, rule + "0")
    assert not matches(rule, parts[0] + "-" + parts[1][:-1]) or len(parts[1]) == 1


# --- configuration files ---------------------------------------------------------------------


@pytest.mark.parametrize(
    "table",
    [
        '[ tool.policycheck ]\nfail-on = "warning"\n',
        '[tool]\npolicycheck = { fail-on = "warning" }\n',
        'tool.policycheck.fail-on = "warning"\n',
        '[tool . "policycheck"]\nfail-on = "warning"\n',
    ],
)
def test_pyproject_is_read_as_toml_however_the_table_is_written(
    table: str, shop: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    (shop / "pyproject.toml").write_text(table + '[project]\nname = "x"\n', encoding="utf-8")
    # HOUSE-2 is a warning: it fails the run only if fail-on = "warning" was read.
    assert lint(capsys, "shop.policy", "--requirements", RULES, "--select", "HOUSE-2")[0] == 1


@pytest.mark.parametrize(
    ("content", "line"),
    [
        (b'[project]\nname = "x"\n[tool.policycheck\n', 3),
        (b'[project]\nname = "caf\xe9"\n', 2),
        (b"[tool.policycheck]\npaths = " + b"[" * 500 + b"]" * 500 + b"\n", 2),
        (b'[tool.policycheck]\nexclude = ["drafts/*", ""]\n', 2),
    ],
    ids=["not TOML", "not UTF-8", "nested 500 deep", "empty exclude pattern"],
)
def test_a_broken_pyproject_is_a_located_configuration_error(
    content: bytes, line: int, shop: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    (shop / "pyproject.toml").write_bytes(content)
    code, _, err = lint(capsys, "shop.policy", "--requirements", RULES)
    assert code == 2
    assert err.startswith(f"pyproject.toml:{line}:"), err
    assert "error[E501]" in err.splitlines()[0]


def test_a_pyproject_without_the_table_is_passed_over(
    shop: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    sub = shop / "sub"
    sub.mkdir()
    shutil.copy(shop / "shop.policy", sub)
    shutil.copy(shop / "notice.txt", sub)
    (sub / "pyproject.toml").write_text("[tool.other]\npolicycheck = 1\n", encoding="utf-8")
    (shop / ".policycheck.toml").write_text('fail-on = "info"\n', encoding="utf-8")
    # The search goes on upward, to a configuration that makes the info finding fail the run.
    assert lint(capsys, "sub/shop.policy", "--requirements", RULES)[0] == 1


# --- paths -----------------------------------------------------------------------------------


def test_a_directory_without_policy_files_is_an_error(
    shop: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    (shop / "empty").mkdir()
    code, out, err = lint(capsys, "empty")
    assert code == 2
    assert "empty: error[E606] no .policy files in this directory or under it" in err
    assert "0 documents" not in out + err


def test_a_file_that_is_not_a_policy_says_so(
    shop: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    (shop / "notes.txt").write_text("Shop notice, draft.\n", encoding="utf-8")
    code, _, err = lint(capsys, "notes.txt")
    assert code == 2
    assert err.startswith("notes.txt: error[E606] not a .policy file")
    assert "E114" not in err


def test_excluded_files_are_no_error(shop: Path, capsys: pytest.CaptureFixture[str]) -> None:
    (shop / ".policycheck.toml").write_text('exclude = ["shop.policy"]\n', encoding="utf-8")
    code, _, err = lint(capsys, "shop.policy")
    assert code == 0, err


def test_the_quick_id_scan_finds_every_shipped_id() -> None:
    assert ids_in_force([], []) == ids_in_force([], [], exact=True)


def test_an_id_written_another_way_is_still_known(
    shop: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    # `id` not the first key of its entry: the quick scan misses it, the YAML reading does not.
    rules = (DATA / "house_rules.yaml").read_text(encoding="utf-8")
    moved = rules.replace("  - id: HOUSE-2\n    title:", "  - title:").replace(
        "    article: Rule 2\n", "    article: Rule 2\n    id: HOUSE-2\n"
    )
    assert moved != rules
    (shop / "rules.yaml").write_text(moved, encoding="utf-8")
    code, out, err = lint(
        capsys, "shop.policy", "--requirements", "rules.yaml", "--select", "HOUSE-2"
    )
    assert code == 0 and "warning HOUSE-2 " in out, err


def test_a_select_choosing_nothing_for_these_documents_says_so(
    shop: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    # GDPR-13-1-a is a shipped id, but a [cn] document is checked against PIPL and NDSR only.
    code, out, err = lint(capsys, "cn.policy", "--select", "GDPR-13-1-a")
    assert code == 0
    assert "0 requirements" in out
    assert (
        "select GDPR-13-1-a chose no requirement of the sets these documents are checked "
        "against (ndsr, pipl)" in err
    )
