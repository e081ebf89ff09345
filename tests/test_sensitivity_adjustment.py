"""A policy may adjust a taxonomy key's sensitivity for its own notice, with a reason; the
adjustment changes the verdicts that read sensitivity and is reported on every lint."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from checker.cli import main
from checker.language.formatter import format_text

NOTICE = (
    "4. Membership fees\n"
    "We record the amount and the date of each membership fee you pay by bank transfer.\n"
)
REASON = "only the amount and date of a fee; the account number is not kept"


def _policy(adjustment: str) -> str:
    return (
        "document {\n"
        '  title         = "Club notice"\n'
        '  source        = "notice.txt"\n'
        "  jurisdictions = [cn]\n"
        "}\n\n"
        f"{adjustment}"
        "collection fees {\n"
        "  data    = [user.financial]\n"
        "  consent = bundled\n"
        '  cite "4" "We record the amount and the date of each membership fee"\n'
        "}\n"
    )


ADJUSTED = _policy(
    f'category user.financial {{\n  pipl_sensitive = no\n  reason         = "{REASON}"\n}}\n\n'
)


@pytest.fixture
def club(tmp_path: Path) -> Path:
    (tmp_path / "notice.txt").write_text(NOTICE, encoding="utf-8")
    return tmp_path


def _lint_json(path: Path, capsys: pytest.CaptureFixture[str]) -> dict[str, object]:
    main(["lint", "--no-cache", "--requirements", "pipl", "--format", "json", str(path)])
    document: dict[str, object] = json.loads(capsys.readouterr().out)["documents"][0]
    return document


def test_the_adjustment_takes_pipl_29_and_30_off_the_key_and_says_so_in_json(
    club: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    plain, adjusted = club / "plain.policy", club / "adjusted.policy"
    plain.write_text(_policy(""), encoding="utf-8")
    adjusted.write_text(ADJUSTED, encoding="utf-8")

    before = _lint_json(plain, capsys)
    after = _lint_json(adjusted, capsys)
    status = {o["id"]: o["status"] for o in after["outcomes"]}  # type: ignore[attr-defined]
    assert {o["id"]: o["status"] for o in before["outcomes"]}["PIPL-29"] == "fail"  # type: ignore[attr-defined]
    assert status["PIPL-29"] == status["PIPL-30"] == "not_applicable"
    assert not before["waiver_findings"]
    [note] = after["waiver_findings"]  # type: ignore[misc]
    assert note["id"] == "SENSITIVITY-ADJUSTED"
    assert note["severity"] == "info"
    assert note["span"]["line"] == 9  # at the reason
    assert REASON in note["message"] and "financial account" in note["message"]


def test_the_text_report_shows_the_adjustment_and_counts_it(
    club: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = club / "adjusted.policy"
    path.write_text(ADJUSTED, encoding="utf-8")
    args = ["lint", "--no-cache", "--requirements", "pipl", str(path)]
    main(args)
    out = capsys.readouterr().out
    assert f"{path}:9:20: info SENSITIVITY-ADJUSTED" in out
    assert out.rstrip().endswith("; 1 sensitivity adjustment")
    # a note, not a failure, unless the project asks to stop on notes
    assert main([*args, "--select", "SENSITIVITY-ADJUSTED"]) == 0
    assert main([*args, "--select", "SENSITIVITY-ADJUSTED", "--fail-on", "info"]) == 1


def test_a_taxonomy_key_without_a_reason_is_e212_at_the_key(
    club: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = club / "bare.policy"
    path.write_text(_policy("category user.financial {\n  pipl_sensitive = no\n}\n\n"), "utf-8")
    assert main(["lint", "--no-cache", str(path)]) == 2
    err = capsys.readouterr().err
    assert f"{path}:7:10: error[E212] 'user.financial' is already a taxonomy category" in err
    assert "reason" in err


def test_fmt_keeps_the_adjustment_as_it_is_laid_out() -> None:
    assert format_text(ADJUSTED) == ADJUSTED
