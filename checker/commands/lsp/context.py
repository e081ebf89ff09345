"""Where the cursor is, read from the text around it: the block it is in, the field or citation
it is writing. The text being edited rarely parses, so this reads braces and the current line
rather than the syntax tree.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from checker.language.tree import unquote

_BRACES = re.compile(r'"(?:[^"\\\n]|\\.)*"|#[^\n]*|[{}]')
_HEADER = re.compile(r"([A-Za-z_][A-Za-z0-9_.]*)(?:[ \t]+([A-Za-z_][A-Za-z0-9_.]*))?[ \t]*\Z")
_STRING = r'"(?:[^"\\\n]|\\.)*"'
_IN_QUOTE = re.compile(rf'^\s*cite\s+({_STRING})\s+"((?:[^"\\\n]|\\.)*)\Z')
_IN_VALUE = re.compile(
    r"^\s*([A-Za-z_][A-Za-z0-9_]*)\s*=\s*(\[(?:[^\]\"]|" + _STRING + r")*?)?([A-Za-z0-9_.]*)\Z"
)
_AT_KEY = re.compile(r"^\s*([A-Za-z_][A-Za-z0-9_]*)?\Z")
_AFTER_KIND = re.compile(r"^([A-Za-z_][A-Za-z0-9_]*)[ \t]+([A-Za-z0-9_.]*)\Z")
WORD = re.compile(r"[A-Za-z0-9_.-]+")


@dataclass(frozen=True)
class Cursor:
    """What is being written at the cursor.

    `place` is one of: `statement` (a statement kind at the top level), `name` (the word after a
    statement's kind), `key` (a field or `cite` inside a block), `value` (the value of `key`),
    `quote` (the quote of a citation), or `other`.
    """

    place: str
    block: str | None
    """The kind of the innermost block open at the cursor."""
    key: str | None = None
    typed: str = ""
    """What is typed of the word (or quote) so far."""
    start: int = 0
    """Offset in the text where what is typed begins."""
    in_list: bool = False
    """The value is an item of a [list] (where `all` and `unstated` cannot stand)."""


def open_block(text: str, offset: int) -> tuple[str, int] | None:
    """The kind of the innermost block open at `offset`, and where its header starts."""
    stack: list[int] = []
    for m in _BRACES.finditer(text, 0, offset):
        if m.group() == "{":
            stack.append(m.start())
        elif m.group() == "}" and stack:
            stack.pop()
    if not stack:
        return None
    brace = stack[-1]
    line_start = text.rfind("\n", 0, brace) + 1
    header = _HEADER.search(text, line_start, brace)
    if header is None:
        return None
    return header.group(1), line_start


def cursor_at(text: str, offset: int) -> Cursor:
    line_start = text.rfind("\n", 0, offset) + 1
    before = text[line_start:offset]
    opened = open_block(text, offset)
    block = opened[0] if opened else None
    if m := _IN_QUOTE.match(before):
        return Cursor("quote", block, None, m.group(2), line_start + m.start(2))
    if block is None:
        if m := _AFTER_KIND.match(before):
            return Cursor("name", m.group(1), None, m.group(2), line_start + m.start(2))
        if m := _AT_KEY.match(before):
            typed = m.group(1) or ""
            return Cursor("statement", None, None, typed, offset - len(typed))
        return Cursor("other", None)
    if m := _IN_VALUE.match(before):
        return Cursor(
            "value", block, m.group(1), m.group(3), line_start + m.start(3), m.group(2) is not None
        )
    if m := _AT_KEY.match(before):
        typed = m.group(1) or ""
        return Cursor("key", block, None, typed, offset - len(typed))
    return Cursor("other", block)


def word_at(text: str, offset: int) -> tuple[str, int, int] | None:
    """The name-like word (letters, digits, '_', '.', '-') around `offset`, and its bounds."""
    line_start = text.rfind("\n", 0, offset) + 1
    line_end = text.find("\n", offset)
    line_end = len(text) if line_end == -1 else line_end
    for m in WORD.finditer(text, line_start, line_end):
        if m.start() <= offset <= m.end():
            return m.group(), m.start(), m.end()
    return None


def string_at(text: str, offset: int) -> tuple[str, int, int] | None:
    """The string literal around `offset` (its value unescaped), and its bounds with quotes."""
    line_start = text.rfind("\n", 0, offset) + 1
    line_end = text.find("\n", offset)
    line_end = len(text) if line_end == -1 else line_end
    for m in re.finditer(_STRING + r"|#[^\n]*", text[line_start:line_end]):
        if m.group().startswith("#"):
            break
        if line_start + m.start() <= offset < line_start + m.end():
            return unquote(m.group()), line_start + m.start(), line_start + m.end()
    return None


def declared_names(text: str, kind: str) -> list[tuple[str, int]]:
    """Names of the `kind name {` statements in the text, with the offset of each name."""
    pattern = re.compile(
        rf"^[ \t]*{re.escape(kind)}[ \t]+([A-Za-z_][A-Za-z0-9_.]*)[ \t]*\{{", re.MULTILINE
    )
    return [(m.group(1), m.start(1)) for m in pattern.finditer(text)]
