"""Output a person can read: the text report, `explain` and `rules`, help, colour.

Findings two sets raise at one place for one fact share a line; no notice quote or advice is
repeated; `--statistics` counts per requirement; `--quiet` leaves the summary; the summary comes
last, after the input errors it counts; an undecidable finding says how to complete the encoding
and points at the statement it concerns; every option has help; FORCE_COLOR beside NO_COLOR.
"""

from __future__ import annotations

import argparse
import datetime
import os
import re
import shutil
import subprocess
import sys
from collections import Counter
from pathlib import Path

import pytest

from checker.cli import build_parser, main, use_color
from checker.commands.lint import run_lint
from checker.notice.loading import parse_policy
from checker.reporters.run import LintOptions
from checker.rules.engine import evaluate
from checker.rules.requirements import load_requirement_file

ROOT = Path(__file__).resolve().parents[1]
DATA = Path(__file__).parent / "data"
RULES = str(DATA / "house_rules.yaml")
HEADER_LINE = re.compile(r"^\S+\.policy:\d+:\d+: (error|warning|info) ")


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    capsys.readouterr()
    try:
        code = main(list(argv))
    except SystemExit as stopped:
        code = int(stopped.code or 0)
    out, err = capsys.readouterr()
    return code, out, err


@pytest.fixture(scope="module")
def bundled() -> str:
    """`policycheck lint policies` on the bundled notices, as a person reads it."""
    done = subprocess.run(
        [sys.executable, "-m", "checker", "lint", "policies", "--no-cache", "--color", "never"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=False,
    )
    assert done.returncode == 1, done.stderr
    return done.stdout


def places(output: str) -> list[list[str]]:
    """The report cut into places: a run of finding lines and the lines indented under them."""
    found: list[list[str]] = []
    for line in output.splitlines():
        if HEADER_LINE.match(line):
            if found and not found[-1][-1].startswith(" "):
                found[-1].append(line)  # another finding line at the same place
            else:
                found.append([line])
        elif line.startswith(" ") and found:
            found[-1].append(line)
    return found


# --- grouping ---------------------------------------------------------------------------------


def test_two_sets_saying_the_same_at_one_place_share_one_line(bundled: str) -> None:
    lines = [line for line in bundled.splitlines() if HEADER_LINE.match(line)]
    joined = [line for line in lines if " NDSR-21-1-2-sensitive, PIPL-30 " in line]
    assert joined, "no place where PIPL-30 and NDSR-21-1-2-sensitive share a line"
    for line in joined:
        assert line.endswith("[NDSR Art. 21(1)(2); PIPL Art. 30]")
    # Neither is also shown on a line of its own at those places.
    alone = {
        line.split(": ")[0]
        for line in lines
        if line not in joined and re.search(r" (PIPL-30|NDSR-21-1-2-sensitive) ", line)
    }
    assert not alone & {line.split(": ")[0] for line in joined}


def test_each_place_is_shown_once_with_one_excerpt(bundled: str) -> None:
    for place in places(bundled):
        excerpts = [line for line in place if re.match(r"^\s+\d+ \| ", line)]
        assert len(excerpts) == 1, place
        spots = {HEADER_LINE.match(line) and line.split(": ")[0] for line in place}
        assert len(spots - {None}) == 1, place


def test_no_notice_line_or_advice_is_repeated_at_a_place(bundled: str) -> None:
    for place in places(bundled):
        notes = [line for line in place if line.lstrip().startswith("= ")]
        assert len(notes) == len(set(notes)), place
        # `= notice Preamble (line 3): "..."`: each line of the notice once, whatever the quote
        lines = [note.split('"')[0] for note in notes if note.lstrip().startswith("= notice")]
        assert len(lines) == len(set(lines)), place


# --- --statistics, --quiet, summary -----------------------------------------------------------


def test_statistics_count_the_findings_of_each_requirement(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(ROOT)
    path = "policies/company_app.policy"
    _, out, _ = run(capsys, "lint", path, "--no-cache")
    _, quiet, _ = run(capsys, "lint", path, "--no-cache", "-q")
    _, both, _ = run(capsys, "lint", path, "--no-cache", "--statistics", "-q")
    run_ = run_lint(LintOptions(paths=(Path(path),)))
    expected = Counter(f.id for f in run_.findings() if f.status != "waived")
    rows = [line.split() for line in both.splitlines()[:-1] if line]
    assert {rule: int(n) for n, rule, *_ in rows} == expected
    assert [int(n) for n, *_ in rows] == sorted(expected.values(), reverse=True)
    assert both.splitlines()[-1] == out.splitlines()[-1]
    assert quiet.splitlines() == [out.splitlines()[-1]]
    assert quiet.startswith("1 document, ")


def test_quiet_and_statistics_are_for_the_text_format(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(ROOT)
    code, _, err = run(capsys, "lint", "policies", "--quiet", "--format", "json")
    assert code == 2 and "error[E604] --quiet applies to the text format only" in err


def test_the_summary_comes_last_after_the_input_errors(tmp_path: Path) -> None:
    shutil.copy(ROOT / "policies" / "company_app.policy", tmp_path)
    (tmp_path / "sources").mkdir()
    for notice in (ROOT / "policies" / "sources").iterdir():
        shutil.copy(notice, tmp_path / "sources")
    (tmp_path / "broken.policy").write_text('document {\n  title = "x"\n', encoding="utf-8")
    done = subprocess.run(
        [sys.executable, "-m", "checker", "lint", ".", "--no-cache"],
        cwd=tmp_path,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        check=False,
        env={**os.environ, "PYTHONPATH": str(ROOT)},
    )
    lines = done.stdout.splitlines()
    assert done.returncode == 2
    assert lines[-1].startswith("1 document, ") and lines[-1].endswith("; 1 input error")
    error = next(i for i, line in enumerate(lines) if "error[E102]" in line)
    finding = max(i for i, line in enumerate(lines) if HEADER_LINE.match(line))
    assert finding < error < len(lines) - 1


def test_a_run_of_input_errors_only_counts_no_documents(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    (tmp_path / "broken.policy").write_text("document {\n", encoding="utf-8")
    code, out, err = run(capsys, "lint", "broken.policy", "--no-cache")
    assert code == 2 and "error[E102]" in err
    assert "0 documents" not in out + err and "0 requirements" not in out + err
    assert out == "no document checked: 1 input error\n"


# --- incomplete findings ----------------------------------------------------------------------

POLICY = """\
document {
  title = "Shop"
  source = "notice.txt"
  jurisdictions = [other]
}
handler {
  legal_name = "Shop Ltd"
  cite "1" "We are Shop Ltd."
}
recipient partner { legal_name = "P" cite "4" "our partner abroad" }
transfer abroad {
  destination = outside_cn
  recipient   = partner
  cite "4" "We may send your data to our partner abroad."
}
"""


def test_an_incomplete_finding_says_how_to_complete_the_encoding(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    (tmp_path / "shop.policy").write_text(POLICY, encoding="utf-8")
    shutil.copy(DATA / "notice.txt", tmp_path)
    _, out, _ = run(capsys, "lint", "shop.policy", "--requirements", RULES, "--no-cache")
    assert (
        "shop.policy:11:10: error HOUSE-1 (incomplete) cannot decide: not encoded: "
        "transfer abroad: consent [HOUSE Rule 1]" in out
    )
    assert (
        "    = help: add consent = ... to transfer abroad, "
        "or write consent = unstated if the notice is silent" in out
    )
    # HOUSE-2 reads handler.contact: it points at the handler statement, not at the document.
    assert "shop.policy:6:1: warning HOUSE-2 (incomplete)" in out
    assert "    = help: add contact = ... to handler" in out
    # A notice-wide finding points at the `document` keyword, not the whole block.
    assert "shop.policy:1:1: info HOUSE-4 " in out
    assert "     1 | document {\n       | ^^^^^^^^\n" in out


def test_a_missing_statement_is_completed_by_adding_it(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    (tmp_path / "shop.policy").write_text(POLICY.split("handler")[0], encoding="utf-8")
    shutil.copy(DATA / "notice.txt", tmp_path)
    _, out, _ = run(capsys, "lint", "shop.policy", "--requirements", RULES, "--no-cache")
    assert "not encoded: handler block" in out
    assert (
        "    = help: add handler { ... }, with fields = unstated where the notice is silent" in out
    )


UNRELATED = """\
set: house
law: HOUSE
title: House rules
requirements:
  - id: HOUSE-9
    title: A named handler or a stated contact
    article: Rule 9
    quote: q
    severity: error
    require: document.title == "Other" or handler.contact is stated
    message: m
    remedy: r
"""


def test_an_incomplete_finding_points_at_the_statement_not_encoded_not_one_read_before() -> None:
    rules = load_requirement_file(UNRELATED, "h.yaml")
    text = (
        'document { title = "S" source = "n.txt" jurisdictions = [other] }\n'
        'recipient partner { legal_name = "P" cite "4" "p" }\n'
        'handler { legal_name = "S" cite "1" "s" }\n'
    )
    (outcome,) = evaluate(
        parse_policy(text, "s.policy"), [rules], datetime.date(2026, 1, 1)
    ).outcomes
    assert outcome.status == "incomplete"
    (finding,) = outcome.findings
    # document.title was read (and is not "Other"), but the gap is the handler's contact.
    assert (finding.span.line, finding.span.column, finding.span.end_column) == (3, 1, 8)


# --- help, colour ---------------------------------------------------------------------------


def _options(parser: argparse.ArgumentParser) -> list[tuple[str, argparse.Action]]:
    found = []
    for action in parser._actions:
        if isinstance(action, argparse._SubParsersAction):
            for name, sub in action.choices.items():
                found += [(f"{name} {n}", a) for n, a in _options(sub)]
        elif not isinstance(action, argparse._HelpAction):
            found.append((action.dest, action))
    return found


def test_every_option_of_every_command_has_help() -> None:
    options = _options(build_parser())
    assert len(options) > 20
    missing = [name for name, action in options if not action.help]
    assert not missing, f"options without help text: {missing}"


@pytest.mark.parametrize(
    ("flag", "terminal", "environ", "expected"),
    [
        ("auto", True, {}, True),
        ("auto", False, {}, False),
        ("auto", False, {"FORCE_COLOR": "1"}, True),
        ("auto", False, {"FORCE_COLOR": ""}, False),
        ("auto", True, {"NO_COLOR": "1"}, False),
        ("auto", True, {"NO_COLOR": ""}, True),
        ("auto", False, {"NO_COLOR": "1", "FORCE_COLOR": "1"}, False),
        ("always", False, {"NO_COLOR": "1"}, True),
        ("never", True, {"FORCE_COLOR": "1"}, False),
    ],
)
def test_colour_follows_the_flag_then_no_color_then_force_color(
    flag: str, terminal: bool, environ: dict[str, str], expected: bool
) -> None:
    assert use_color(flag, terminal, environ) is expected


def test_force_color_colours_a_piped_report(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(ROOT)
    monkeypatch.delenv("NO_COLOR", raising=False)
    monkeypatch.setenv("FORCE_COLOR", "1")
    _, out, _ = run(capsys, "lint", "policies/company_app.policy", "--select", "PIPL-39")
    assert "\033[31m" in out
    monkeypatch.setenv("NO_COLOR", "1")
    _, out, _ = run(capsys, "lint", "policies/company_app.policy", "--select", "PIPL-39")
    assert "\033[" not in out
