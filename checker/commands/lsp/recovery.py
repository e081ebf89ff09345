"""Parsing an edited file that does not parse: the statements around the syntax errors are set
aside, so the rest of the file still gets its meaning and quote diagnostics.

The parser stops at the first syntax error. While someone types, that is almost always inside the
one statement being edited; the other statements are fine. So the top-level statement around the
error is blanked (its characters become spaces, its lines stay, so every position elsewhere is
unchanged) and the text is parsed again, up to a bound. A top-level statement starts on a line
that begins, unindented, with a name: the formatter's layout, which nearly every file has.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from checker.errors import CheckerError
from checker.syntax import SyntaxTree, parse_syntax

MAX_ERRORS = 20
"""Syntax errors reported per file; past this many, the rest of the file is not read."""

_STATEMENT_START = re.compile(r"^[A-Za-z_]", re.MULTILINE)
_BRACES = re.compile(r'"(?:[^"\\\n]|\\.)*"|#[^\n]*|[{}]')


@dataclass(frozen=True)
class Recovered:
    """The syntax tree of the text with `blanked` line ranges set aside (None if nothing could be
    read), and the syntax errors that made them be set aside."""

    tree: SyntaxTree | None
    errors: tuple[CheckerError, ...]
    blanked: tuple[tuple[int, int], ...]
    """First and last line (1-based, inclusive) of each statement set aside."""


def parse_recovering(text: str) -> Recovered:
    errors: list[CheckerError] = []
    blanked: list[tuple[int, int]] = []
    current = text
    for _ in range(MAX_ERRORS):
        try:
            return Recovered(parse_syntax(current), tuple(errors), tuple(blanked))
        except CheckerError as exc:
            errors.append(exc)
            region = _region(current, exc)
            if region is None or region in blanked:
                break
            blanked.append(region)
            current = _blank(current, region)
    return Recovered(None, tuple(errors), tuple(blanked))


def _region(text: str, error: CheckerError) -> tuple[int, int] | None:
    """The lines of the top-level statement the error is in."""
    if error.span is None:
        return None
    line = error.span.line
    if error.code == "E102":  # reported at the end of the file: the block left open is the cause
        line = _unclosed_line(text) or line
    starts = []
    number, counted = 1, 0
    for m in _STATEMENT_START.finditer(text):
        number += text.count("\n", counted, m.start())
        counted = m.start()
        starts.append(number)
    first = max((s for s in starts if s <= line), default=1)
    after = [s for s in starts if s > line]
    last = after[0] - 1 if after else text.count("\n") + 1
    return first, last


def _unclosed_line(text: str) -> int | None:
    """The line of the outermost '{' never closed, skipping strings and comments."""
    stack: list[int] = []
    for m in _BRACES.finditer(text):
        if m.group() == "{":
            stack.append(m.start())
        elif m.group() == "}" and stack:
            stack.pop()
    return text.count("\n", 0, stack[0]) + 1 if stack else None


def _blank(text: str, region: tuple[int, int]) -> str:
    lines = text.split("\n")
    first, last = region
    for i in range(first - 1, min(last, len(lines))):
        lines[i] = " " * len(lines[i])
    return "\n".join(lines)
