"""The formatter: one canonical layout for `.policy` files, keeping every comment in its order.

Layout rules (README.md, "Formatting"):

* statements stay in the order written (they follow the notice's sections);
* two-space indentation; one item per line; `=` aligned within a block;
* exactly one blank line between top-level statements (before their leading comments); elsewhere
  a blank line is kept where the author left one (never more than one, never right after `{` or
  `[`, never before `}` or `]`, never inside a list);
* an empty block with no comment inside is written `kind name {}`;
* lists stay on one line unless it would pass 100 columns or a comment sits inside the list;
* strings are written with `"` and the only escapes `\\"` and `\\\\`;
* a comment keeps its place. An own-line comment is written on its own line before the element
  that followed it (or before the `}` / `]` / end of file it preceded); a comment that ended a
  line of code is written at the end of the output line holding the element it followed. When
  several comments land on one output line, all but the last go on their own lines before it.

Comments are attached to the elements of the syntax tree whose positions are known (keywords,
names, keys, values, list brackets, closing braces) before anything is written, so the layout can
move code between lines without reordering comments. `format_text` refuses (raises) rather than
lose anything: the result must hold every comment of the input in the same order and parse back
to the same syntax tree, spans aside.
"""

from __future__ import annotations

import bisect
from dataclasses import dataclass, field

from checker.errors import CheckerError
from checker.language.syntax import parse_syntax
from checker.language.tree import Block, Comment, Field, Item, ListValue, Scalar, SyntaxTree, quote
from checker.spans import Span

INDENT = "  "
WIDTH = 100

Position = tuple[int, int]
Slot = tuple[str, int]
"""An output line of code, named by what it holds and the identity of its syntax node."""


def format_text(text: str) -> str:
    """The canonical form of a policy text. Raises `CheckerError` if the text does not parse."""
    tree = parse_syntax(text)
    result = format_tree(tree, text)
    _check_nothing_lost(tree, result)
    return result


def format_tree(tree: SyntaxTree, source: str = "") -> str:
    """Lay out a syntax tree; `source` (the text it came from) tells where blank lines were."""
    layout = _Layout(tree.comments)
    layout.plan(tree.items, depth=0)
    layout.assign(tree.comments)
    writer = _Writer(layout, source.split("\n") if source else [])
    writer.items(tree.items, depth=0)
    writer.end_of_file()
    return writer.text()


def _start(span: Span) -> Position:
    return (span.line, span.column)


def _last_char(span: Span) -> Position:
    """Position of the last character of a span (a closing `}` or `]`)."""
    return (span.end_line, span.end_column - 1)


@dataclass
class _Layout:
    """Decisions taken before writing: which lists stay inline, which blocks are empty, and the
    output line each comment belongs to."""

    comments: tuple[Comment, ...]
    positions: list[Position] = field(default_factory=list)
    inline_lists: set[int] = field(default_factory=set)
    compact_blocks: set[int] = field(default_factory=set)
    element_at: list[Position] = field(default_factory=list)
    element_slot: list[Slot] = field(default_factory=list)
    attached: dict[Slot, list[tuple[Comment, bool]]] = field(default_factory=dict)
    """Comments per output line, in source order; the flag says the comment followed code."""
    end_of_file: list[Comment] = field(default_factory=list)

    def __post_init__(self) -> None:
        self.positions = sorted((c.line, c.column) for c in self.comments)

    def comment_between(self, start: Position, end: Position) -> bool:
        i = bisect.bisect_right(self.positions, start)
        return i < len(self.positions) and self.positions[i] < end

    def element(self, at: Position, slot: Slot) -> None:
        self.element_at.append(at)
        self.element_slot.append(slot)

    def plan(self, items: tuple[Item, ...], depth: int) -> None:
        width = _key_width(items)
        for item in items:
            if isinstance(item, Block):
                head: Slot = ("head", id(item))
                self.element(_start(item.kind_span), head)
                if item.name_span is not None:
                    self.element(_start(item.name_span), head)
                closing = _last_char(item.span)
                close: Slot = ("close", id(item))
                if not item.items and not self.comment_between(_start(item.kind_span), closing):
                    self.compact_blocks.add(id(item))
                    close = head
                self.plan(item.items, depth + 1)
                self.element(closing, close)
            elif isinstance(item, Field):
                line: Slot = ("field", id(item))
                self.element(_start(item.key_span), line)
                value = item.value
                if isinstance(value, Scalar):
                    self.element(_start(value.span), line)
                    continue
                opening, closing = _start(value.span), _last_char(value.span)
                one_line = INDENT * depth + _field_head(item, width) + _inline(value)
                inline = not self.comment_between(opening, closing) and len(one_line) <= WIDTH
                if inline:
                    self.inline_lists.add(id(item))
                self.element(opening, line)
                for v in value.items:
                    self.element(_start(v.span), line if inline else ("item", id(v)))
                self.element(closing, line if inline else ("list_close", id(item)))
            else:
                line = ("cite", id(item))
                for span in (item.span, item.label_span, item.quote_span):
                    self.element(_start(span), line)

    def assign(self, comments: tuple[Comment, ...]) -> None:
        """A comment that followed code goes with the element before it, any other with the
        element after it (or the end of the file)."""
        for c in comments:
            i = bisect.bisect_left(self.element_at, (c.line, c.column))
            if c.trailing and i > 0:
                self.attached.setdefault(self.element_slot[i - 1], []).append((c, True))
            elif i < len(self.element_at):
                self.attached.setdefault(self.element_slot[i], []).append((c, False))
            else:
                self.end_of_file.append(c)


@dataclass
class _Line:
    depth: int
    text: str
    first: int
    """First and last source line of what the output line holds (for keeping blank lines)."""
    last: int
    opens: bool = False


@dataclass
class _Writer:
    layout: _Layout
    source_lines: list[str]
    out: list[_Line | None] = field(default_factory=list)
    """Output lines; None is a blank line."""
    statement_start: bool = False
    """The next line begins a top-level statement (or the comments at the end of the file)."""

    def blank_in_source(self, after: int, before: int) -> bool:
        """Whether a whitespace-only source line lies strictly between two source lines."""
        return any(not s.strip(" \t\f\r\ufeff") for s in self.source_lines[after : before - 1])

    def put(
        self,
        depth: int,
        text: str,
        first: int,
        last: int,
        *,
        opens: bool = False,
        closes: bool = False,
        in_list: bool = False,
    ) -> None:
        previous = self.out[-1] if self.out else None
        if self.statement_start:
            blank = previous is not None
            self.statement_start = False
        elif previous is None or previous.opens or closes or in_list:
            blank = False
        else:
            blank = self.blank_in_source(previous.last, first)
        if blank:
            self.out.append(None)
        self.out.append(_Line(depth, text, first, last, opens))

    def line(
        self,
        slot: Slot,
        depth: int,
        text: str,
        first: int,
        last: int,
        *,
        opens: bool = False,
        closes: bool = False,
        in_list: bool = False,
    ) -> None:
        """Write one output line of code with the comments attached to it."""
        attached = self.layout.attached.pop(slot, [])
        trailing = attached.pop()[0] if attached and attached[-1][1] else None
        for c, followed_code in attached:
            # Own-line comments before a closing `}` or `]` stay inside the block or list.
            inside = closes and not followed_code
            self.put(
                depth + 1 if inside else depth,
                c.text,
                c.line,
                c.line,
                in_list=in_list or (inside and slot[0] == "list_close"),
            )
        if trailing is not None:
            text += "  " + trailing.text
        self.put(depth, text, first, last, opens=opens, closes=closes, in_list=in_list)

    def items(self, items: tuple[Item, ...], depth: int) -> None:
        width = _key_width(items)
        for item in items:
            if depth == 0:
                self.statement_start = True
            if isinstance(item, Block):
                self.block(item, depth)
            elif isinstance(item, Field):
                self.field(item, depth, width)
            else:
                text = f"cite {quote(item.label)} {quote(item.quote)}"
                if item.line is not None:
                    text += f" line {item.line}"
                self.line(("cite", id(item)), depth, text, item.span.line, item.span.end_line)

    def block(self, block: Block, depth: int) -> None:
        head = block.kind + (f" {block.name}" if block.name else "")
        head_last = (block.name_span or block.kind_span).end_line
        if id(block) in self.layout.compact_blocks:
            self.line(
                ("head", id(block)), depth, head + " {}", block.span.line, block.span.end_line
            )
            return
        self.line(("head", id(block)), depth, head + " {", block.span.line, head_last, opens=True)
        self.items(block.items, depth + 1)
        end = block.span.end_line
        self.line(("close", id(block)), depth, "}", end, end, closes=True)

    def field(self, item: Field, depth: int, width: int) -> None:
        head = _field_head(item, width)
        value = item.value
        slot: Slot = ("field", id(item))
        if isinstance(value, Scalar):
            self.line(slot, depth, head + _scalar(value), item.span.line, item.span.end_line)
            return
        if id(item) in self.layout.inline_lists:
            self.line(slot, depth, head + _inline(value), item.span.line, item.span.end_line)
            return
        self.line(slot, depth, head + "[", item.span.line, value.span.line, opens=True)
        for v in value.items:
            line = v.span.line
            self.line(("item", id(v)), depth + 1, _scalar(v) + ",", line, line, in_list=True)
        end = value.span.end_line
        self.line(("list_close", id(item)), depth, "]", end, end, closes=True)

    def end_of_file(self) -> None:
        self.statement_start = True
        for c in self.layout.end_of_file:
            self.put(0, c.text, c.line, c.line)

    def text(self) -> str:
        lines = ["" if line is None else INDENT * line.depth + line.text for line in self.out]
        return "\n".join(lines) + "\n" if lines else ""


def _key_width(items: tuple[Item, ...]) -> int:
    return max((len(i.key) for i in items if isinstance(i, Field)), default=0)


def _field_head(item: Field, width: int) -> str:
    return f"{item.key.ljust(width)} = "


def _inline(value: ListValue) -> str:
    return "[" + ", ".join(_scalar(v) for v in value.items) + "]"


def _scalar(value: Scalar) -> str:
    return quote(value.value) if value.kind == "string" else value.value


def _check_nothing_lost(before: SyntaxTree, result: str) -> None:
    after = parse_syntax(result)
    if strip_spans(after.items) != strip_spans(before.items):
        raise CheckerError("E100", "internal formatter error: the result would change the facts")
    if [c.text for c in after.comments] != [c.text for c in before.comments]:
        raise CheckerError(
            "E100", "internal formatter error: the result would lose or reorder a comment"
        )


def strip_spans(items: tuple[Item, ...]) -> list[object]:
    """A span-free picture of a syntax tree, for comparing two parses."""
    shaped: list[object] = []
    for item in items:
        if isinstance(item, Block):
            shaped.append(("block", item.kind, item.name, strip_spans(item.items)))
        elif isinstance(item, Field):
            value = item.value
            if isinstance(value, ListValue):
                shaped.append(("field", item.key, [(v.kind, v.value) for v in value.items]))
            else:
                shaped.append(("field", item.key, (value.kind, value.value)))
        else:
            shaped.append(("cite", item.label, item.quote, item.line))
    return shaped
