"""Source positions: one 1-based span type shared by syntax nodes, facts, findings and errors."""

from __future__ import annotations

from typing import NamedTuple


class Span(NamedTuple):
    """A region of a file; lines and columns start at 1, the end column is exclusive.

    A named tuple rather than a model: a policy has one span per token, and a tuple is four times
    cheaper to make than a validated model. Pydantic models hold it as a typed field all the same.
    """

    line: int
    column: int
    end_line: int
    end_column: int

    @classmethod
    def point(cls, line: int, column: int) -> Span:
        return cls(line, column, line, column + 1)

    def __str__(self) -> str:
        return f"{self.line}:{self.column}"


def position_at(text: str, offset: int) -> tuple[int, int]:
    """The 1-based (line, column) of a character offset in `text`."""
    offset = max(0, min(offset, len(text)))
    line = text.count("\n", 0, offset) + 1
    start = text.rfind("\n", 0, offset) + 1
    return line, offset - start + 1


def end_of_text(text: str) -> Span:
    """The position just after the last character (where an unexpected end of file is reported)."""
    line, column = position_at(text, len(text))
    return Span.point(line, column)
