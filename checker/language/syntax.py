"""Stage 1: text -> syntax tree. Blocks, fields, citations and comments, each with its span.

Valid text is parsed by the hand-written scanner (checker/language/scanner.py), which also
collects the comments; anything else goes to the Lark grammar (checker/language/lark_syntax.py),
which defines the language and words every syntax error. Lark is loaded only then.
"""

from __future__ import annotations

import re
from typing import cast

from checker.errors import CheckerError
from checker.language.scanner import fast_parse
from checker.language.tree import Block, Comment, Item, SyntaxTree

MAX_DEPTH = 32
"""Blocks nest at most this deep; deeper input is refused (no fact kind nests at all)."""


# Strings are matched as runs of plain characters between escapes: one alternative per character
# would cost the regular expression engine memory for every character of a long string.
STRING_PATTERN = r'"[^"\\\n]*(?:\\.[^"\\\n]*)*"'
_COMMENT_OR_STRING = re.compile(STRING_PATTERN + r"|#[^\n]*")


def comments_of(text: str) -> tuple[Comment, ...]:
    """Every `#` comment with its position; a `#` inside a string is not a comment."""
    found = []
    # Lines are counted from one comment to the next: counting from the start of the text for
    # each comment made a file of many comments quadratic.
    line, counted = 1, 0
    for m in _COMMENT_OR_STRING.finditer(text):
        if m.group().startswith("#"):
            line += text.count("\n", counted, m.start())
            counted = m.start()
            start = text.rfind("\n", 0, m.start()) + 1
            # U+FEFF is whitespace to the grammar but not to str.strip.
            trailing = bool(text[start : m.start()].strip().strip("\ufeff"))
            found.append(Comment(m.group().rstrip(), line, m.start() - start + 1, trailing))
    return tuple(found)


def parse_syntax(text: str) -> SyntaxTree:
    """Parse policy text into a syntax tree, or raise a `CheckerError` at the first mistake."""
    # Valid text takes the hand-written fast path, which also collects the comments; anything
    # else goes to the Lark grammar, which defines the language and words every syntax error.
    tree = fast_parse(text)
    if tree is None:
        from lark.exceptions import UnexpectedInput

        from checker.language.lark_syntax import policy_parser, syntax_error

        try:
            # The inline transformer's `start` returns the items; lark's stubs say Tree.
            items = cast("tuple[Item, ...]", policy_parser().parse(text))
        except UnexpectedInput as exc:
            raise syntax_error(text, exc) from None
        tree = SyntaxTree(items, comments_of(text))
    too_deep = _deepest(tree.items)
    if too_deep is not None:
        raise CheckerError(
            "E109",
            f"blocks nested more than {MAX_DEPTH} deep",
            span=too_deep.kind_span,
            expected="statements at the top level of the file, each with fields and citations",
        )
    return tree


def _deepest(items: tuple[Item, ...]) -> Block | None:
    for item in items:
        if isinstance(item, Block) and item.depth > MAX_DEPTH:
            return item
    return None
