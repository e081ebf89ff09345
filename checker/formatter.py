"""The formatter: one canonical layout for `.policy` files, keeping every comment.

Layout rules (documented in README.md, "Formatting"):

* statements stay in the order written (they follow the notice's sections);
* two-space indentation; one item per line; `=` aligned within a block;
* exactly one blank line between top-level statements; inside a block, a blank line is kept
  where the author left one (never more than one, never right after `{` or before `}`);
* lists stay on one line unless it would pass 100 columns or a comment sits inside the list;
* strings are written with `"` and the only escapes `\\"` and `\\\\`;
* a comment keeps its place: on its own line before the item it preceded, or after the item
  it followed on the same line (two spaces, then `#`).

`format_text` refuses (raises) rather than lose anything: the result must contain every comment of
the input and parse back to the same syntax tree, spans aside.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from checker.errors import CheckerError
from checker.syntax import (
    Block,
    Cite,
    Comment,
    Field,
    Item,
    ListValue,
    Scalar,
    SyntaxTree,
    parse_syntax,
    quote,
)

INDENT = "  "
WIDTH = 100


def format_text(text: str) -> str:
    """The canonical form of a policy text. Raises `CheckerError` if the text does not parse."""
    tree = parse_syntax(text)
    result = format_tree(tree, text.splitlines())
    _check_nothing_lost(tree, result)
    return result


def format_tree(tree: SyntaxTree, lines: list[str] | None = None) -> str:
    writer = _Writer(list(tree.comments), lines or [])
    writer.items(tree.items, depth=0, end_line=10**9)
    return writer.finish()


@dataclass
class _Writer:
    comments: list[Comment]
    source_lines: list[str]
    out: list[str] = field(default_factory=list)
    last_line: int = 0
    """Source line of the last thing written (for keeping blank lines)."""

    def blank_before(self, line: int) -> bool:
        """Whether the source had a blank line between what was last written and `line`."""
        if not self.source_lines or self.last_line == 0:
            return False
        between = self.source_lines[self.last_line : line - 1]
        return any(not s.strip() for s in between)

    def emit(self, depth: int, text: str, line: int, blank: bool = False) -> None:
        if blank and self.out and self.out[-1] != "" and not self.out[-1].endswith("{"):
            self.out.append("")
        self.out.append(INDENT * depth + text if text else "")
        self.last_line = max(self.last_line, line)

    def leading(self, depth: int, before: int, top: bool = False) -> None:
        """Write the own-line comments that come before source line `before`."""
        first = True
        while self.comments and self.comments[0].line < before and not self.comments[0].trailing:
            c = self.comments.pop(0)
            blank = (top and first) or self.blank_before(c.line)
            self.emit(depth, c.text, c.line, blank=blank)
            first = False

    def trailing(self, line: int) -> str:
        """The comment that ends source line `line`, if any, formatted to append."""
        for i, c in enumerate(self.comments):
            if c.line > line:
                break
            if c.line == line and c.trailing:
                self.comments.pop(i)
                return "  " + c.text
        return ""

    def items(self, items: tuple[Item, ...], depth: int, end_line: int) -> None:
        keys = [i.key for i in items if isinstance(i, Field)]
        width = max((len(k) for k in keys), default=0)
        for index, item in enumerate(items):
            top = depth == 0 and index > 0
            had_comment = bool(self.comments) and self.comments[0].line < item.span.line
            self.leading(depth, item.span.line, top=top)
            blank = (top and not had_comment) or (
                not had_comment and index > 0 and self.blank_before(item.span.line)
            )
            if isinstance(item, Block):
                self.block(item, depth, blank)
            elif isinstance(item, Field):
                self.field(item, depth, width, blank)
            else:
                self.cite(item, depth, blank)
        # Comments left inside this block (after its last item) stay inside it.
        while self.comments and self.comments[0].line < end_line:
            c = self.comments.pop(0)
            self.emit(depth, c.text, c.line, blank=self.blank_before(c.line))

    def block(self, block: Block, depth: int, blank: bool) -> None:
        head = block.kind + (f" {block.name}" if block.name else "") + " {"
        self.emit(depth, head, block.span.line, blank=blank)
        self.out[-1] += self.trailing(block.span.line)
        self.items(block.items, depth + 1, block.span.end_line)
        self.emit(depth, "}", block.span.end_line)
        self.out[-1] += self.trailing(block.span.end_line)

    def field(self, item: Field, depth: int, width: int, blank: bool) -> None:
        head = f"{item.key.ljust(width)} = "
        value = item.value
        if isinstance(value, Scalar):
            self.emit(depth, head + _scalar(value), item.span.line, blank=blank)
            self.out[-1] += self.trailing(item.span.end_line)
            return
        inline = head + "[" + ", ".join(_scalar(v) for v in value.items) + "]"
        inner = [c for c in self.comments if value.span.line <= c.line < value.span.end_line]
        if not inner and len(INDENT * depth + inline) <= WIDTH:
            self.emit(depth, inline, item.span.line, blank=blank)
            self.out[-1] += self.trailing(item.span.end_line)
            return
        self.emit(depth, head + "[", item.span.line, blank=blank)
        self.out[-1] += self.trailing(value.span.line)
        for v in value.items:
            self.leading(depth + 1, v.span.line)
            self.emit(depth + 1, _scalar(v) + ",", v.span.line)
            if v.span.line < value.span.end_line:
                self.out[-1] += self.trailing(v.span.line)
        self.leading(depth + 1, value.span.end_line)
        self.emit(depth, "]", value.span.end_line)
        self.out[-1] += self.trailing(value.span.end_line)

    def cite(self, item: Cite, depth: int, blank: bool) -> None:
        self.emit(depth, f"cite {quote(item.label)} {quote(item.quote)}", item.span.line, blank)
        self.out[-1] += self.trailing(item.span.end_line)

    def finish(self) -> str:
        for c in self.comments:  # comments after the last statement
            self.emit(0, c.text, c.line, blank=self.blank_before(c.line) or c.line > 0)
        while self.out and self.out[0] == "":
            self.out.pop(0)
        return "\n".join(self.out).rstrip() + "\n" if self.out else ""


def _scalar(value: Scalar) -> str:
    return quote(value.value) if value.kind == "string" else value.value


def _check_nothing_lost(before: SyntaxTree, result: str) -> None:
    after = parse_syntax(result)
    if strip_spans(after.items) != strip_spans(before.items):
        raise CheckerError("E100", "internal formatter error: the result would change the facts")
    if sorted(c.text for c in after.comments) != sorted(c.text for c in before.comments):
        raise CheckerError("E100", "internal formatter error: the result would lose a comment")


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
            shaped.append(("cite", item.label, item.quote))
    return shaped
