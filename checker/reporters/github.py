"""`--format github`: GitHub Actions workflow commands, shown as annotations on the pull request.

    ::error file=policies/shop.policy,line=14,col=17,endLine=14,endColumn=24,title=PIPL-39 \
Personal information sent abroad needs separate consent::transfer overseas sends personal \
information abroad with consent bundled [PIPL Art. 39]

Errors are `::error`, warnings `::warning`, info `::notice`. Input errors are `::error` titled with
their code. Waived findings are not annotated (they are accepted, and annotations are scarce:
GitHub shows only a few per step). A plain summary line ends the output, for the log.

Escaping follows the runner's rules (actions/toolkit `command.ts`): in the message `%`, CR and
LF become `%25`, `%0D`, `%0A`; in properties `:` and `,` also become `%3A` and `%2C`. Columns are
only sent when the annotation starts and ends on the same line, as the runner requires.
"""

from __future__ import annotations

import sys
from collections.abc import Iterator

from checker.errors import CATALOGUE, CheckerError, terminal_safe
from checker.reporters.run import LintRun
from checker.reporters.sarif import repository_path
from checker.reporters.stream import Chunk, ChunkContext, RunEnd, Sections, assemble
from checker.reporters.text import summary
from checker.rules.results import DocumentReport, Finding
from checker.spans import Span

COMMANDS = {"error": "error", "warning": "warning", "info": "notice"}


def escape_data(text: str) -> str:
    return text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def escape_property(text: str) -> str:
    return escape_data(text).replace(":", "%3A").replace(",", "%2C")


def command(name: str, properties: list[tuple[str, str | int]], message: str) -> str:
    """One workflow command: `::name key=value,key=value::message`, escaped."""
    props = ",".join(f"{key}={escape_property(str(value))}" for key, value in properties)
    return f"::{name}{' ' + props if props else ''}::{escape_data(message)}"


def _shown(properties: list[tuple[str, str | int]]) -> list[tuple[str, str | int]]:
    """Properties whose text came from the inputs, escaped as `terminal_safe` does: control
    characters would reach the log, a terminal, as they are."""
    return [
        (key, terminal_safe(value) if isinstance(value, str) else value)
        for key, value in properties
    ]


def _position(path: str, span: Span | None) -> list[tuple[str, str | int]]:
    if not path:
        return []
    props: list[tuple[str, str | int]] = [("file", repository_path(path))]
    if span is None:
        return props
    line = max(1, span.line)
    end_line = max(line, span.end_line)
    props.append(("line", line))
    if end_line == line:
        props += [
            ("col", max(1, span.column)),
            ("endLine", end_line),
            ("endColumn", max(span.column, span.end_column)),
        ]
    else:
        props.append(("endLine", end_line))
    return props


def annotation(finding: Finding) -> str:
    props = _position(finding.path, finding.span)
    props.append(("title", f"{finding.id} {finding.title}"))
    message = f"{finding.message} [{finding.law} {finding.article}]"
    return command(COMMANDS[finding.severity], _shown(props), terminal_safe(message))


def error_annotation(error: CheckerError) -> str:
    props = _position(error.path, error.span)
    props.append(("title", f"{error.code} {CATALOGUE[error.code]}"))
    message = error.message
    if error.expected:
        message += f"\nexpected: {error.expected}"
    if error.hint:
        message += f"\nhelp: {error.hint}"
    return command("error", _shown(props), terminal_safe(message))


def render(run: LintRun, color: bool = False) -> str:
    return assemble(sys.modules[__name__], run, color)


STREAMED = False
"""Input errors come first, and they are known only at the end: the annotations wait aside."""
SEPARATOR = ""


def start(context: ChunkContext) -> str:
    return ""


def chunk(
    report: DocumentReport, text: str | None, context: ChunkContext, settled: frozenset[str]
) -> Chunk:
    lines = [annotation(f) for f in report.findings() if f.status != "waived"]
    return Chunk(("".join(line + "\n" for line in lines),))


def finish(end: RunEnd, sections: Sections) -> Iterator[str]:
    yield "".join(error_annotation(e) + "\n" for e in end.errors)
    yield from sections(0)
    yield terminal_safe(summary(end)) + "\n"
