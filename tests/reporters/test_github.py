"""`--format github` writes workflow commands the Actions runner turns into annotations."""

from __future__ import annotations

import re
from collections.abc import Callable

from hypothesis import given
from hypothesis import strategies as st
from reporting_demo import POLICY, line_of

from checker.errors import CheckerError
from checker.reporters import FORMATS
from checker.reporters.github import annotation, command, escape_data, escape_property, render
from checker.reporters.run import LintRun
from checker.spans import Span

# `::name key=value,...::message`, as the runner parses it.
COMMAND = re.compile(r"^::(error|warning|notice)(?: ([^:]*))?::(.*)$")


def _unescape(text: str) -> str:
    for escaped, raw in (("%0D", "\r"), ("%0A", "\n"), ("%3A", ":"), ("%2C", ","), ("%25", "%")):
        text = text.replace(escaped, raw)
    return text


def _parse(line: str) -> tuple[str, dict[str, str], str]:
    match = COMMAND.match(line)
    assert match, line
    name, props, message = match.groups()
    properties = dict(p.split("=", 1) for p in props.split(",")) if props else {}
    return name, {k: _unescape(v) for k, v in properties.items()}, _unescape(message)


def _annotations(run: LintRun) -> list[tuple[str, dict[str, str], str]]:
    return [_parse(line) for line in render(run, False).splitlines() if line.startswith("::")]


def test_the_github_format_is_registered() -> None:
    assert FORMATS["github"] is render


def test_a_failure_is_an_error_annotation_at_the_field(demo_run: LintRun) -> None:
    line = line_of(POLICY, "consent     = bundled")
    column = POLICY.splitlines()[line - 1].index("bundled") + 1
    expected = (
        f"::error file=policies/demo.policy,line={line},col={column},endLine={line},"
        f"endColumn={column + len('bundled')},"
        "title=DEMO-39 Personal information sent abroad needs separate consent"
        "::transfer overseas sends personal information abroad with consent bundled [PIPL Art. 39]"
    )
    assert expected in render(demo_run, False).splitlines()


def test_severity_chooses_the_command(demo_run: LintRun) -> None:
    commands = {props["title"].split()[0]: name for name, props, _ in _annotations(demo_run)}
    assert commands["DEMO-39"] == "error"
    assert commands["DEMO-31"] == "warning"
    assert commands["DEMO-17-1-2b"] == "notice"
    assert commands["WAIVER-UNUSED"] == "warning"
    assert commands["WAIVER-EXPIRED"] == "error"


def test_a_span_over_several_lines_sends_no_columns(demo_run: LintRun) -> None:
    # DEMO-31 (incomplete) points at the `document` header; over lines 1 to 5 it sends no columns.
    [finding] = [f for f in demo_run.findings() if f.id == "DEMO-31"]
    assert (finding.span.line, finding.span.end_line) == (1, 1)
    _, props, message = _parse(annotation(finding._replace(span=Span(1, 1, 5, 2))))
    assert (props["line"], props["endLine"]) == ("1", "5")
    assert "col" not in props and "endColumn" not in props
    assert message.startswith("cannot decide: not encoded: minors block")


def test_waived_findings_are_not_annotated(demo_run: LintRun) -> None:
    titles = [props["title"] for _, props, _ in _annotations(demo_run)]
    assert not any(t.startswith("DEMO-17-1-2c") for t in titles)
    open_findings = [f for f in demo_run.findings() if f.status != "waived"]
    assert len(titles) == len(open_findings) + len(demo_run.errors)


def test_input_errors_are_error_annotations_with_their_code(demo_run: LintRun) -> None:
    errors = [a for a in _annotations(demo_run) if re.match(r"E\d{3} ", a[1]["title"])]
    assert len(errors) == len(demo_run.errors)
    name, props, message = next(a for a in errors if a[1]["title"].startswith("E202"))
    assert name == "error"
    assert props == {
        "file": "policies/broken.policy",
        "line": "3",
        "col": "3",
        "endLine": "3",
        "endColumn": "8",
        "title": "E202 unknown field",
    }
    assert message.splitlines()[0] == "unknown field 'titel' in a document"
    assert "help: did you mean 'title'?" in message.splitlines()
    _, no_path, _ = next(a for a in errors if a[1]["title"].startswith("E605"))
    assert no_path == {"title": "E605 unknown requirement set"}


def test_every_line_is_a_command_except_the_closing_summary(demo_run: LintRun) -> None:
    lines = render(demo_run, False).splitlines()
    assert all(COMMAND.match(line) for line in lines[:-1])
    assert lines[-1].startswith("1 document, 6 requirements")


def test_data_and_properties_are_escaped_as_the_runner_expects() -> None:
    assert escape_data("100% sure\r\nnext") == "100%25 sure%0D%0Anext"
    assert escape_property("a:b,c%\n") == "a%3Ab%2Cc%25%0A"
    assert escape_data("a:b,c") == "a:b,c", "the message may hold ':' and ','"


def test_a_path_with_a_comma_and_a_message_with_newlines_stay_one_command(
    make_run: Callable[..., LintRun],
) -> None:
    run = make_run(path="policies/a,b: c.policy")
    error = CheckerError(
        "E601", "cannot read\nthe file: 100%", "policies/x,y.policy", Span.point(2, 1)
    )
    run.errors.append(error)
    lines = render(run, False).splitlines()
    assert all(COMMAND.match(line) for line in lines[:-1])
    files = {props.get("file") for _, props, _ in _annotations(run)}
    assert "policies/a,b: c.policy" in files
    [(_, _, message)] = [a for a in _annotations(run) if a[1].get("file") == "policies/x,y.policy"]
    assert message == "cannot read\nthe file: 100%"


@given(st.text())
def test_escaped_properties_hold_no_separator_and_unescape_to_the_original(text: str) -> None:
    escaped = escape_property(text)
    assert not set(escaped) & set(":,\r\n")
    assert _unescape(escaped) == text


@given(st.text(), st.text())
def test_a_command_is_one_line_that_parses_back(title: str, message: str) -> None:
    line = command("warning", [("file", "p.policy"), ("title", title)], message)
    assert "\n" not in line and "\r" not in line
    name, props, parsed = _parse(line)
    assert (name, props["title"], parsed) == ("warning", title, message)
