"""Between the checker's positions and the protocol's: spans (1-based lines, columns counted in
characters) to ranges (0-based, columns in the client's code units, UTF-16 unless it chose
another), and errors and findings to diagnostics.
"""

from __future__ import annotations

from collections.abc import Sequence
from functools import cache

from lsprotocol import types
from pygls.workspace import PositionCodec

from checker.errors import CATALOGUE, CheckerError
from checker.resources import shipped_dir
from checker.rules.results import Finding
from checker.spans import Span

SOURCE = "policycheck"
MAX_EVIDENCE = 10
MAX_CITES = 2
_SEVERITY = {
    "error": types.DiagnosticSeverity.Error,
    "warning": types.DiagnosticSeverity.Warning,
    "info": types.DiagnosticSeverity.Information,
}


class Lines:
    """A text's lines as the parser numbers them (split at line feeds only), to place spans."""

    def __init__(self, text: str, codec: PositionCodec) -> None:
        self.text = text
        self.lines = text.split("\n")
        self.codec = codec

    def position(self, line: int, column: int) -> types.Position:
        """The protocol position of a 1-based line and column."""
        index = min(max(line - 1, 0), len(self.lines) - 1)
        if line - 1 > index:  # past the end: the end of the last line
            return types.Position(index, self.codec.client_num_units(self.lines[index]))
        before = self.lines[index][: max(column - 1, 0)]
        units = len(before) if before.isascii() else self.codec.client_num_units(before)
        return types.Position(index, units)

    def range(self, span: Span | None) -> types.Range:
        if span is None:
            return types.Range(types.Position(0, 0), types.Position(0, 0))
        return types.Range(
            self.position(span.line, span.column), self.position(span.end_line, span.end_column)
        )

    def column(self, position: types.Position) -> tuple[int, int]:
        """The 1-based line and column of a protocol position."""
        index = min(max(position.line, 0), len(self.lines) - 1)
        line = self.lines[index]
        if line.isascii() or position.character == 0:
            return index + 1, min(position.character, len(line)) + 1
        point = self.codec.position_from_client_units([line], types.Position(0, position.character))
        return index + 1, point.character + 1

    def offset(self, position: types.Position) -> int:
        """The character offset in the text of a protocol position."""
        line, column = self.column(position)
        return sum(len(x) + 1 for x in self.lines[: line - 1]) + column - 1


@cache
def _errors_doc() -> str | None:
    path = shipped_dir("docs") / "errors.md"
    return path.resolve().as_uri() if path.is_file() else None


def explain_link(code: str) -> types.CodeDescription | None:
    """The error's section of docs/errors.md (what `policycheck explain CODE` prints)."""
    doc = _errors_doc()
    if doc is None or code not in CATALOGUE:
        return None
    title = f"{code} {CATALOGUE[code]}".lower()
    anchor = "".join(c for c in title if c.isalnum() or c in " -_").replace(" ", "-")
    return types.CodeDescription(href=f"{doc}#{anchor}")


def error_diagnostic(error: CheckerError, lines: Lines) -> types.Diagnostic:
    message = error.message
    if error.expected:
        message += f"\nexpected: {error.expected}"
    if error.hint:
        message += f"\nhelp: {error.hint}"
    message += f"\n(policycheck explain {error.code})"
    return types.Diagnostic(
        range=lines.range(error.span),
        message=message,
        severity=types.DiagnosticSeverity.Error,
        code=error.code,
        code_description=explain_link(error.code),
        source=SOURCE,
        data={"hint": error.hint, "kind": "error"},
    )


def finding_diagnostic(
    finding: Finding,
    lines: Lines,
    uri: str,
    notice_uri: str | None,
    help_uri: str | None = None,
) -> types.Diagnostic:
    """A requirement finding; its related information points at the facts the rule looked at
    and at the notice lines they cite (the first few: a rule on the whole notice can look at
    hundreds of facts, and an editor lists every entry)."""
    related: list[types.DiagnosticRelatedInformation] = []
    for evidence in finding.evidence[:MAX_EVIDENCE]:
        related.append(
            types.DiagnosticRelatedInformation(
                types.Location(uri, lines.range(evidence.span)), f"evidence: {evidence.label}"
            )
        )
        for cite in evidence.cites[:MAX_CITES]:
            if notice_uri is not None and cite.notice_line is not None:
                at = types.Position(cite.notice_line - 1, 0)
                related.append(
                    types.DiagnosticRelatedInformation(
                        types.Location(notice_uri, types.Range(at, at)),
                        f'notice {cite.label}: "{_short(cite.quote)}"',
                    )
                )
    message = finding.message
    if finding.status == "incomplete":
        message = f"cannot decide: {message}"
    message += f" [{finding.law} {finding.article}]"
    if finding.remedy:
        message += f"\nfix: {finding.remedy}"
    return types.Diagnostic(
        range=lines.range(finding.span),
        message=message,
        severity=_SEVERITY[finding.severity],
        code=finding.id,
        code_description=types.CodeDescription(href=help_uri) if help_uri else None,
        source=SOURCE,
        related_information=related or None,
        data={"kind": "finding", "subject": finding.subject},
    )


def _short(text: str, limit: int = 80) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"


def shift(
    diagnostics: Sequence[types.Diagnostic], change: types.TextDocumentContentChangeEvent
) -> list[types.Diagnostic]:
    """Diagnostics kept across an edit: those below it move with their lines, those it touches
    are dropped (a whole-text change drops all)."""
    if not isinstance(change, types.TextDocumentContentChangePartial):
        return []
    start, end = change.range.start.line, change.range.end.line
    delta = change.text.count("\n") - (end - start)
    kept = []
    for d in diagnostics:
        if d.range.end.line < start:
            kept.append(d)
        elif d.range.start.line > end:
            moved = types.Range(
                types.Position(d.range.start.line + delta, d.range.start.character),
                types.Position(d.range.end.line + delta, d.range.end.character),
            )
            kept.append(
                types.Diagnostic(
                    range=moved,
                    message=d.message,
                    severity=d.severity,
                    code=d.code,
                    code_description=d.code_description,
                    source=d.source,
                    related_information=None,  # their lines may have moved too
                    data=d.data,
                )
            )
    return kept
