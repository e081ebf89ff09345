"""Parsing an edited file that does not parse: the statements with syntax errors are set aside,
so the rest of the file still gets its meaning and quote diagnostics.

The parser stops at the first syntax error. While someone types, that is almost always inside the
one statement being edited; the other statements are fine. So a text that does not parse is cut
into its top-level statements, each statement is parsed alone (cheap: the fast scanner, and Lark
on a failing statement only), the failing ones are blanked (their characters become spaces, their
lines stay, so every position elsewhere is unchanged) and the rest is parsed as one text.

A top-level statement starts on a line that begins, unindented, with a name that is not a field's
key (`kind name {`): the formatter's layout, which nearly every file has. In a file that breaks
it (a block written unindented inside another) the cut falls inside a statement, and the parts
are reported as broken statements of their own.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from checker.errors import CheckerError
from checker.language.scanner import fast_parse
from checker.language.syntax import MAX_DEPTH, parse_syntax
from checker.language.tree import Block, SyntaxTree

MAX_ERRORS = 20
"""Syntax errors reported per file; past this many, the other broken statements are set aside
without being parsed for their message."""

# An unindented name that is neither `cite` nor a field's key, or a closing brace.
_STATEMENT_START = re.compile(
    r"^(?:(?!cite\b)[A-Za-z_][A-Za-z0-9_.]*(?![A-Za-z0-9_.]|[ \t]*=)|\})", re.MULTILINE
)


@dataclass(frozen=True)
class Recovered:
    """The syntax tree of the text with `blanked` line ranges set aside (None if nothing could be
    read), and the syntax errors that made them be set aside."""

    tree: SyntaxTree | None
    errors: tuple[CheckerError, ...]
    blanked: tuple[tuple[int, int], ...]
    """First and last line (1-based, inclusive) of each statement set aside."""


def parse_recovering(text: str) -> Recovered:
    # The fast scanner first: on a text with an error, `parse_syntax` would hand the whole text to
    # Lark just to find it, which on a long file costs more than everything else here.
    tree = fast_parse(text)
    if tree is not None and not _too_deep(tree):
        return Recovered(tree, (), ())
    lines = text.split("\n")
    errors: list[CheckerError] = []
    blanked: list[tuple[int, int]] = []
    for first, last in _statements(text, len(lines)):
        region = "\n".join(lines[first - 1 : last])
        try:
            parse_syntax(region)
            continue
        except CheckerError as exc:
            error = exc
        if len(errors) < MAX_ERRORS:
            # Parsed again where it stands, so the error has the position it has in the file
            # (the lines before it are empty, which costs the parser next to nothing).
            try:
                parse_syntax("\n" * (first - 1) + region)
            except CheckerError as exc:
                error = exc
            errors.append(error)
        blanked.append((first, last))
    # Statements that parse alone parse together.
    return Recovered(fast_parse(_blank(text, blanked)), tuple(errors), tuple(blanked))


def _too_deep(tree: SyntaxTree) -> bool:
    """Blocks nested deeper than the parser allows (it refuses them, E109)."""
    return any(isinstance(item, Block) and item.depth > MAX_DEPTH for item in tree.items)


def _statements(text: str, count: int) -> list[tuple[int, int]]:
    """First and last line of each top-level statement (and of any text before the first)."""
    starts = []
    number, counted = 1, 0
    for m in _STATEMENT_START.finditer(text):
        number += text.count("\n", counted, m.start())
        counted = m.start()
        if m.group() != "}":  # a brace at the start of a line closes a block, it starts nothing
            starts.append(number)
    if not starts or starts[0] != 1:
        starts.insert(0, 1)
    ends = [s - 1 for s in starts[1:]] + [count]
    return list(zip(starts, ends, strict=True))


def _blank(text: str, regions: list[tuple[int, int]]) -> str:
    lines = text.split("\n")
    for first, last in regions:
        for i in range(first - 1, min(last, len(lines))):
            lines[i] = " " * len(lines[i])
    return "\n".join(lines)
