"""The syntax tree of a policy: blocks, fields, citations and comments, each with its span.

Both parsers of stage 1 build these nodes: the hand-written scanner (`checker.language.scanner`)
for valid text and the Lark grammar (`checker.language.syntax`), which defines the language and
words its errors.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import NamedTuple

from checker.spans import Span

# The syntax nodes are named tuples: immutable and hashable like frozen dataclasses, and half as
# costly to make (a policy has about as many nodes as tokens, so this shows in the parse time).


class Scalar(NamedTuple):
    """A single value: kind is 'string', 'name', 'number' or 'date'; `value` is unescaped."""

    kind: str
    value: str
    span: Span


class ListValue(NamedTuple):
    items: tuple[Scalar, ...]
    span: Span


Value = Scalar | ListValue


class Field(NamedTuple):
    key: str
    key_span: Span
    value: Value
    span: Span


class Cite(NamedTuple):
    label: str
    quote: str
    label_span: Span
    quote_span: Span
    span: Span
    line: int | None = None
    """`line N` after the quote: the notice line where the quote's place begins (or None)."""
    line_span: Span | None = None


class Block(NamedTuple):
    kind: str
    kind_span: Span
    name: str | None
    name_span: Span | None
    items: tuple[Item, ...]
    span: Span
    depth: int = 1


Item = Block | Field | Cite


class Comment(NamedTuple):
    text: str
    line: int
    column: int
    trailing: bool
    """True when code precedes the comment on its line."""


@dataclass(frozen=True, slots=True)
class SyntaxTree:
    items: tuple[Item, ...]
    comments: tuple[Comment, ...] = field(default=())


def unquote(raw: str) -> str:
    return raw[1:-1].replace('\\"', '"').replace("\\\\", "\\")


def quote(text: str) -> str:
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"') + '"'
