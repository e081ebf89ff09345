"""`policycheck lint` end to end: exit codes, selection, thresholds, jobs, cache, configuration."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from checker.cli import main

DATA = Path(__file__).parent / "data"
RULES = str(DATA / "house_rules.yaml")

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
def corpus(tmp_path: Path) -> Path:
    for i in range(4):
        (tmp_path / f"shop{i}.policy").write_text(POLICY, encoding="utf-8")
    shutil.copy(DATA / "notice.txt", tmp_path / "notice.txt")
    return tmp_path


def lint(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    code = main(["lint", *args])
    out, err = capsys.readouterr()
    return code, out, err


def test_findings_exit_1_with_path_line_col_lines(
    corpus: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code, out, _ = lint(capsys, str(corpus / "shop0.policy"), "--requirements", RULES, "--no-cache")
    assert code == 1
    assert (
        f"{corpus / 'shop0.policy'}:7:17: error HOUSE-1 transfer abroad goes abroad with consent "
        "bundled [HOUSE Rule 1]" in out
    )
    assert "    = fix: Obtain separate consent and name the recipient." in out
    # HOUSE-1, -2 and -4 fail; HOUSE-3 (sensitive data) does not apply.
    assert out.rstrip().endswith(
        "1 document, 4 requirements: 3 failed, 0 incomplete, 0 waived, 0 passed, 1 not applicable"
    )


def test_fail_on_and_ignore_decide_the_exit_code(
    corpus: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = str(corpus / "shop0.policy")
    base = [path, "--requirements", RULES, "--no-cache"]
    quiet = ["--ignore", "HOUSE-1,HOUSE-4"]
    assert lint(capsys, *base, *quiet)[0] == 0  # only the HOUSE-2 warning is left
    assert lint(capsys, *base, *quiet, "--fail-on", "warning")[0] == 1
    code, out, _ = lint(capsys, *base, "--select", "HOUSE-2")
    assert "HOUSE-1" not in out and "HOUSE-2" in out
    assert code == 0


def test_jobs_do_not_change_the_output(corpus: Path, capsys: pytest.CaptureFixture[str]) -> None:
    one = lint(capsys, str(corpus), "--requirements", RULES, "--no-cache", "--jobs", "1")
    two = lint(capsys, str(corpus), "--requirements", RULES, "--no-cache", "--jobs", "2")
    assert one == two
    assert one[1].count("error HOUSE-1") == 4


def test_a_second_run_is_served_from_the_cache(
    corpus: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(corpus)
    first = lint(capsys, ".", "--requirements", RULES, "--jobs", "1")
    assert list((corpus / ".policycheck_cache").rglob("*.json"))

    import checker.notice.loading

    def no_parsing(*args: object, **kwargs: object) -> None:
        raise AssertionError("parsed although the corpus is unchanged")

    monkeypatch.setattr(checker.notice.loading, "load_policy", no_parsing)
    assert lint(capsys, ".", "--requirements", RULES, "--jobs", "1") == first


def test_a_changed_notice_misses_the_cache(
    corpus: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(corpus)
    assert lint(capsys, ".", "--requirements", RULES, "--jobs", "1")[0] == 1
    (corpus / "notice.txt").write_text("A different notice.\n", encoding="utf-8")
    code, _, err = lint(capsys, ".", "--requirements", RULES, "--jobs", "1")
    assert code == 2 and "error[E302]" in err


def test_a_corrupted_cache_entry_is_ignored(
    corpus: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(corpus)
    first = lint(capsys, ".", "--requirements", RULES, "--jobs", "1")
    for entry in (corpus / ".policycheck_cache").rglob("*.json"):
        entry.write_text(entry.read_text(encoding="utf-8")[:-40], encoding="utf-8")
    assert lint(capsys, ".", "--requirements", RULES, "--jobs", "1") == first


def test_an_edited_cache_entry_is_ignored(
    corpus: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    """A verdict changed in an entry still parses, but its digest no longer matches."""
    monkeypatch.chdir(corpus)
    first = lint(capsys, ".", "--requirements", RULES, "--jobs", "1")
    edited = 0
    for entry in (corpus / ".policycheck_cache").rglob("*.json"):
        text = entry.read_text(encoding="utf-8")
        entry.write_text(text.replace('"fail"', '"pass"'), encoding="utf-8")
        edited += '"fail"' in text
    assert edited
    assert lint(capsys, ".", "--requirements", RULES, "--jobs", "1") == first


def test_configuration_sets_requirements_and_threshold(
    corpus: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    (corpus / ".policycheck.toml").write_text(
        f'[tool.policycheck]\nrequirements = ["{RULES}"]\nignore = ["HOUSE-1", "HOUSE-4"]\nfail-on = "warning"\n',
        encoding="utf-8",
    )
    monkeypatch.chdir(corpus)
    code, out, _ = lint(capsys, "shop0.policy", "--no-cache")
    assert code == 1 and "HOUSE-2" in out and "HOUSE-1" not in out
    # flags override the file
    assert lint(capsys, "shop0.policy", "--no-cache", "--fail-on", "error")[0] == 0


def test_an_unknown_configuration_key_is_an_error_with_its_line(
    corpus: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    (corpus / ".policycheck.toml").write_text(
        '[tool.policycheck]\nfail-on = "warning"\nselekt = ["X"]\n', encoding="utf-8"
    )
    monkeypatch.chdir(corpus)
    code, _, err = lint(capsys, "shop0.policy")
    assert code == 2
    assert ".policycheck.toml:3:1: error[E501] unknown configuration key 'selekt'" in err
    assert "did you mean 'select'?" in err


def test_an_unknown_requirement_set_is_a_usage_error(
    corpus: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code, _, err = lint(
        capsys, str(corpus / "shop0.policy"), "--requirements", "pipll", "--no-cache"
    )
    assert code == 2 and "error[E605] unknown requirement set 'pipll'" in err


def test_a_missing_path_is_an_input_error(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    code, _, err = lint(capsys, str(tmp_path / "nope.policy"), "--no-cache")
    assert code == 2 and "error[E601]" in err and "Traceback" not in err


def test_bad_flags_exit_2(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as caught:
        main(["lint", "--format", "yaml"])
    assert caught.value.code == 2
    assert "error[E604]" in capsys.readouterr().err


def test_a_lone_carriage_return_does_not_shift_the_excerpt(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    """Lines are counted at line feeds; the excerpt must show the line the position names."""
    (tmp_path / "lone.policy").write_bytes(
        b'document {\r  title = "T"\n  source = "n.txt"\n  jurisdictions = [cn]\n  bad = = 1\n}\n'
    )
    (tmp_path / "n.txt").write_text("x\n", encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    code, _, err = lint(capsys, "lone.policy", "--no-cache")
    assert code == 2
    assert "lone.policy:4:" in err
    assert "4 |   bad = = 1" in err
