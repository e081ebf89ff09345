"""Stage 1 through Lark: the parser that defines the policy language, and every syntax error.

grammar/policy.lark is compiled once (LALR; checked strictly by the tests) and the tree is built by
an inline transformer, so no intermediate Lark tree is made. Valid text is parsed by the
hand-written scanner (checker/language/scanner.py); `parse_syntax` hands this module the rest, so
a run over valid policies does not load Lark. Lark exceptions become `CheckerError`s here and
nowhere else; typical mistakes are labelled by example (`match_examples`).
"""

from __future__ import annotations

import re
from functools import cache
from typing import Any

from lark import Lark, Token, Transformer
from lark.exceptions import UnexpectedCharacters, UnexpectedEOF, UnexpectedInput

from checker.errors import CheckerError, did_you_mean, escaped, is_invisible
from checker.language.syntax import STRING_PATTERN
from checker.language.tree import Block, Cite, Field, Item, ListValue, Scalar, unquote
from checker.resources import grammar_text
from checker.spans import Span, end_of_text, position_at


def _span(first: Token, last: Token | None = None) -> Span:
    last = last or first
    # Lark sets every position on the tokens it lexes; its stubs allow None.
    return Span(first.line or 0, first.column or 0, last.end_line or 0, last.end_column or 0)


_SCALAR_KIND = {"STRING": "string", "NAME": "name", "NUMBER": "number", "DATE": "date"}


def _scalar(tok: Token) -> Scalar:
    kind = _SCALAR_KIND[tok.type]
    value = unquote(tok) if kind == "string" else str(tok)
    return Scalar(kind, value, _span(tok))


class _Build(Transformer[Token, Any]):
    """Builds syntax nodes directly while parsing (passed to Lark as an inline transformer)."""

    def start(self, items: list[Item]) -> tuple[Item, ...]:
        return tuple(items)

    def block(self, children: list[Any]) -> Block:
        kind, name, _lbrace, *items, rbrace = children
        depth = 1 + max((i.depth for i in items if isinstance(i, Block)), default=0)
        return Block(
            str(kind),
            _span(kind),
            str(name) if name is not None else None,
            _span(name) if name is not None else None,
            tuple(items),
            _span(kind, rbrace),
            depth,
        )

    def field(self, children: list[Any]) -> Field:
        key, value = children
        value = _scalar(value) if isinstance(value, Token) else value
        return Field(
            str(key),
            _span(key),
            value,
            Span(key.line, key.column, value.span.end_line, value.span.end_column),
        )

    def cite(self, children: list[Token | None]) -> Cite:
        kw, label, text, _line, number = children
        assert kw is not None and label is not None and text is not None
        if number is None:
            return Cite(unquote(label), unquote(text), _span(label), _span(text), _span(kw, text))
        return Cite(
            unquote(label),
            unquote(text),
            _span(label),
            _span(text),
            _span(kw, number),
            int(number),
            _span(number),
        )

    def list(self, children: list[Any]) -> ListValue:
        lsqb, *items, rsqb = children
        return ListValue(tuple(_scalar(t) for t in items if t is not None), _span(lsqb, rsqb))


@cache
def policy_parser() -> Lark:
    """The policy parser, built once per process (Lark caches its tables on disk).

    Not built with `strict=True`: strict mode needs the optional `interegular` package at run time,
    and it only checks the grammar, which is fixed. tests/test_grammars.py builds both grammars
    strictly, so a collision is caught there.
    """
    return Lark(
        grammar_text("policy.lark"),
        parser="lalr",
        lexer="contextual",
        transformer=_Build(),
        cache=True,
    )


# --- Syntax errors --------------------------------------------------------------------------

_TOKEN_WORDS = {
    "NAME": "a name",
    "STRING": 'a quoted string ("...")',
    "NUMBER": "a number",
    "DATE": "a date (YYYY-MM-DD)",
    "LBRACE": "'{'",
    "RBRACE": "'}'",
    "LSQB": "'['",
    "RSQB": "']'",
    "COMMA": "','",
    "EQUAL": "'='",
    "CITE": "'cite'",
    "LINE": "'line'",
    "$END": "the end of the file",
}

# Typical mistakes, labelled by example (the idea of lark's `match_examples`). Each label is a
# code; each example fails at the token the label is about. An error gets a label when it fails
# in the same parser state, with the same tokens acceptable, at the same kind of token as an
# example; labels in _ANY_TOKEN also match any token there (after `=`, any token but a value
# means a missing value). The acceptable tokens tell apart states that LALR merges: after a
# string inside a list and after a string that ends a field.
_EXAMPLES: dict[str, list[str]] = {
    "E102": [
        'handler {\n  name = "x"\n',
        'handler { name = "x" cite "a" "b"',
        "handler {",
        "a { b { }",
        'handler { name = ["a", "b"] ',
        "handler { age = 18",
        "handler { name = x",
        "handler { since = 2020-01-01",
    ],
    "E104": [
        "handler = {",
        'handler { name = { "x" } }',
        "transfer t = {",
    ],
    "E105": [
        "handler { name = }",
        "name =",
        'handler { name = ,"x" }',
        "handler { name = ] }",
    ],
    "E107": [
        'handler { cit "a" "b" }',
        'cites "a" "b"',
        'handler { citation "a" "b" }',
    ],
    "E108": [
        "}",
        "a { } }",
        'a { b = "c" } }',
    ],
    "E110": [
        'handler { name "x" }',
        'name "x"',
        "minors { threshold 14 }",
        "document { effective 2020-01-01 }",
        "handler { contact [a] }",
    ],
    "E111": [
        'handler { cite "only a label" }',
        'cite "only a label"',
        'handler { cite "a" }',
        "handler { cite }",
        "handler { cite label quote }",
        'handler { cite "a" "b" line }',
        'cite "a" "b" line',
    ],
    "E112": [
        'handler { name = ["a" "b"] }',
        "handler { data = [a b] }",
    ],
    "E114": [
        'purpose service "x" {',
        "purpose service description",
        "purpose service",
        "purpose service }",
        "transfer overseas abroad {",
    ],
}
_ANY_TOKEN = frozenset({"E105", "E111", "E112", "E114"})
_MESSAGES = {
    "E102": ("missing closing brace", "'}' to close the block"),
    "E104": (
        "a block is written `kind name { ... }`, without '='",
        "a value after '=' (a string, a name, a number, a date or a [list])",
    ),
    "E105": ("missing value after '='", "a string, a name, a number, a date or a [list]"),
    "E107": ("misspelt keyword", '\'cite "label" "quote"\', a field `key = value`, or a block'),
    "E108": ("unmatched closing brace", "a field, a citation, or a new block"),
    "E110": ("missing '=' between a field and its value", "'='"),
    "E111": (
        "a citation needs a clause label and a quote",
        'cite "clause label" "verbatim quote from the notice"',
    ),
    "E112": ("missing ',' between list items", "',' or ']'"),
    "E114": (
        "missing '{' after the statement's kind and name",
        "'{' (a statement is written `kind name { ... }`)",
    ),
}


def syntax_error(text: str, exc: UnexpectedInput) -> CheckerError:
    """Turn a Lark exception into one plain-words `CheckerError` (the only place that does)."""
    if isinstance(exc, UnexpectedEOF) or getattr(exc, "line", -1) < 1:
        span = end_of_text(text)
    else:
        span = Span.point(exc.line, exc.column)

    if isinstance(exc, UnexpectedCharacters):
        return _character_error(text, exc, span)

    found: Token | None = getattr(exc, "token", None)
    token = None if found is None or found.type == "$END" else found  # None: the end of the file
    if token is None:  # lark places the end-of-input token at the last real token
        span = end_of_text(text)
    elif len(token):
        span = _span(token)
    label = _label(exc)
    if label is None and token is None and _unclosed_brace(text):
        label = "E102"  # any state: the file ends while a block is open
    if label == "E104" and token is not None and token.type == "EQUAL":
        stray = _stray_word(text, token)
        if stray is not None:  # `oops legal_name = ...`: not a block at all
            return CheckerError(
                "E100", "unexpected '='", span=span, expected=_expected_words(exc), hint=stray
            )
    if label is None:
        return CheckerError(
            "E100",
            f"unexpected {_describe_token(token)}",
            span=span,
            expected=_expected_words(exc),
            hint=_generic_hint(text, token),
        )
    message, expected = _MESSAGES[label]
    hint = None
    if label == "E102":
        opened = _unclosed_brace(text)
        span = end_of_text(text)
        if opened:
            hint = f"the block opened at line {opened[0]} is never closed; add '}}'"
    elif label in ("E107", "E110"):
        # `name "x"` and `cit "a" "b"` leave the parser in the same state: a name followed by a
        # string. A name close to `cite` is a misspelt keyword; any other lacks its '='.
        previous = _previous_name(text, exc) or ""
        is_string = token is not None and token.type == "STRING"
        hint = did_you_mean(previous, ["cite"]) if is_string else None
        if is_string and hint is None and previous.lower().startswith("cit"):
            hint = "did you mean 'cite'?"
        label = "E107" if hint else "E110"
        message, expected = _MESSAGES[label]
        if label == "E107":
            message = f"unknown keyword '{previous}'"
        elif previous and token is not None:
            value = "[...]" if token.type == "LSQB" else _short(str(token))
            hint = f"write `{previous} = {value}`"
    elif label == "E114" and token is not None:
        line_start = text.rfind("\n", 0, _start(token)) + 1
        if text[line_start : _start(token)].strip():
            hint = "a block's name is one word; fields go inside the braces"
        else:
            hint = "open the block with '{' after its name, on the line above"
        field = _field_without_equals(text, token)
        if field is not None:  # `language en` and the next line: a field that lost its '='
            key, value, value_span = field
            return CheckerError(
                "E110",
                _MESSAGES["E110"][0],
                span=value_span,
                expected=_MESSAGES["E110"][1],
                hint=f"write `{key} = {value}`",
            )
    elif label in ("E105", "E111"):
        # Point at what is incomplete (the '=' or the citation), not at the next line's token.
        span = _incomplete(text, token, "=" if label == "E105" else "cite") or span
        if label == "E111" and set(getattr(exc, "expected", ()) or ()) == {"NUMBER"}:
            message = "`line` after a quote needs the notice line where the quote begins"
            expected = 'cite "clause label" "verbatim quote" line 12'
    return CheckerError(label, message, span=span, expected=expected, hint=hint)


def _start(token: Token) -> int:
    return token.start_pos or 0


def _incomplete(text: str, token: Token | None, opener: str) -> Span | None:
    """The span from the last `opener` ('=' or 'cite') before `token` to the end of its line."""
    end = len(text) if token is None else _start(token)
    window = max(0, end - 4096)  # a bounded look back: the opener is a line or two above
    before = text[window:end]
    pattern = r"=" if opener == "=" else r"\bcite\b"
    found = None
    for found in re.finditer(pattern, before):  # noqa: B007 - the last match is wanted
        continue
    if found is None:
        return None
    start = window + found.start()
    line, column = position_at(text, start)
    line_end = text.find("\n", start)
    line_end = len(text) if line_end == -1 else line_end
    stop = start + len(text[start : min(line_end, end)].rstrip())
    return Span(line=line, column=column, end_line=line, end_column=column + max(1, stop - start))


def _field_without_equals(text: str, token: Token) -> tuple[str, str, Span] | None:
    """`key value` ending a line, then a token on the next: the '=' of a field was left out."""
    before = text[max(0, _start(token) - 256) : _start(token)]
    m = re.search(
        r"([A-Za-z_][A-Za-z0-9_.]*)[ \t]+([A-Za-z_][A-Za-z0-9_.]*)[ \t]*(#[^\n]*)?\n\s*\Z", before
    )
    if m is None or _unclosed_brace(text[: _start(token)]) is None:
        return None  # at the top level, `purpose account` on its own line lacks its '{'
    start = _start(token) - len(before) + m.start(2)
    line, column = position_at(text, start)
    span = Span(line=line, column=column, end_line=line, end_column=column + len(m.group(2)))
    return m.group(1), m.group(2), span


def _stray_word(text: str, token: Token) -> str | None:
    """For `kind name =`: when no '{' follows, the two names are a stray word and a field."""
    after = text[(token.end_pos or 0) : (token.end_pos or 0) + 256].lstrip()
    if after.startswith("{"):
        return None
    before = text[max(0, _start(token) - 256) : _start(token)]
    m = re.search(r"([A-Za-z_][A-Za-z0-9_.]*)\s+([A-Za-z_][A-Za-z0-9_.]*)\s*\Z", before)
    if m is None:
        return None
    return (
        f"'{m.group(1)} {m.group(2)}' reads as the start of a block: is '{m.group(1)}' left over?"
    )


def _parser_state(exc: UnexpectedInput) -> tuple[Any, frozenset[str]]:
    """The LALR state an error happened in and the tokens that could have come next. Only the
    top of the stack is compared: lark's own `match_examples` also compares the stack depth, so
    an example written at the start of a file would never match the same mistake after a block."""
    state = getattr(exc, "state", None)
    return getattr(state, "position", state), frozenset(getattr(exc, "accepts", None) or ())


@cache
def _example_table() -> tuple[dict[tuple[Any, str], str], dict[Any, str]]:
    """(state, token type) -> label, and state -> label for labels that take any token."""
    exact: dict[tuple[Any, str], str] = {}
    by_state: dict[Any, str] = {}
    for label, examples in _EXAMPLES.items():
        for example in examples:
            try:
                policy_parser().parse(example)
            except UnexpectedInput as exc:
                state = _parser_state(exc)
                token = getattr(exc, "token", None)
                kind = token.type if token is not None else "$END"
                exact.setdefault((state, kind), label)
                if label in _ANY_TOKEN:
                    by_state.setdefault(state, label)
    return exact, by_state


def _label(exc: UnexpectedInput) -> str | None:
    exact, by_state = _example_table()
    state = _parser_state(exc)
    token = getattr(exc, "token", None)
    kind = token.type if token is not None else "$END"
    return exact.get((state, kind)) or by_state.get(state)


def _describe_token(token: Token | None) -> str:
    if token is None or token.type == "$END":
        return "end of file"
    words = {"NAME": "name", "STRING": "string", "NUMBER": "number", "DATE": "date"}
    if token.type in words:
        return f"{words[token.type]} {_short(str(token))}"
    return f"'{token}'"


def _short(text: str, limit: int = 40) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _generic_hint(text: str, token: Token | None) -> str | None:
    if token is None:
        return None
    if token.type == "EQUAL":
        return "a field is `key = value`, with one value (a [list] for several)"
    if token.type == "LSQB" and getattr(token, "start_pos", None) is not None:
        before = text[max(0, _start(token) - 200) : _start(token)].rstrip()
        if before.endswith(("[", ",")):
            return "a list holds single values; lists do not nest"
    return None


def _character_error(text: str, exc: UnexpectedCharacters, span: Span) -> CheckerError:
    char = exc.char
    at = int(exc.pos_in_stream or 0)
    line_start = text.rfind("\n", 0, at) + 1
    if char == '"':
        return _string_error(text, at, line_start, span)
    before = text[line_start:at]
    if char == ":" and "=" not in before and '"' not in before:
        return CheckerError(
            "E103",
            "':' used between a field and its value",
            span=span,
            expected="'=' (fields are written `key = value`)",
            hint="replace ':' with '='",
        )
    shown = escaped(char) if is_invisible(char) or not char.isprintable() else char
    # What the parser could take next is exact; the lexer's `allowed` comes from merged states.
    parser = getattr(exc, "interactive_parser", None)
    names = parser.accepts() if parser is not None else exc.allowed
    allowed = sorted(_TOKEN_WORDS.get(t, t) for t in (names or ()))
    return CheckerError(
        "E106",
        f"unexpected character '{shown}'",
        span=span,
        expected=", ".join(allowed) if allowed else None,
        hint=_character_hint(char, before),
    )


def _character_hint(char: str, before: str) -> str | None:
    if is_invisible(char):
        return "remove the invisible character (zero-width, bidirectional or control)"
    if char in "“”„‟":
        return 'use straight double quotes ("...") around strings'
    if char in "'‘’":
        return 'strings are written in double quotes ("...")'
    if char == ";":
        return "remove the ';' (statements end at the end of a line or a block)"
    if char == "/" and "=" not in before:
        return "comments start with '#'"
    if "=" in before:
        return 'put text in double quotes: `key = "words"`'
    if not char.isascii():
        return "names use ASCII letters, digits, '_' and '.'; other text goes in double quotes"
    return None


def _string_error(text: str, at: int, line_start: int, span: Span) -> CheckerError:
    """A '"' that does not begin a valid string: it is not closed on its line, or holds an
    escape other than \\" and \\\\."""
    end = text.find("\n", at)
    end = len(text) if end == -1 else end
    i = at + 1
    while i < end:
        ch = text[i]
        if ch == '"':
            break
        if ch == "\\":
            if i + 1 < end and text[i + 1] in '"\\':
                i += 2
                continue
            shown = text[i : i + 2] if i + 1 < end else "\\"
            column = i - line_start + 1
            return CheckerError(
                "E115",
                f"invalid escape '{shown}' in a string",
                span=Span(
                    line=span.line,
                    column=column,
                    end_line=span.line,
                    end_column=column + len(shown),
                ),
                expected='\\" for a double quote, \\\\ for a backslash',
                hint="write \\\\ for a backslash (a Windows path: write / instead)",
            )
        i += 1
    return CheckerError(
        "E101",
        "unterminated string",
        span=Span(
            line=span.line,
            column=span.column,
            end_line=span.line,
            end_column=max(span.column + 1, end - line_start + 1),
        ),
        expected="a closing '\"' on the same line",
        hint='strings end on the line they start; write \\" for a quote inside a string',
    )


def _expected_words(exc: UnexpectedInput) -> str | None:
    # `accepts` (tokens that let the parse go on) is exact; `expected` lists every token with an
    # action in the LALR state, which merged states make too generous.
    names = getattr(exc, "accepts", None) or getattr(exc, "expected", None) or ()
    words = sorted({_TOKEN_WORDS.get(n, n.lower()) for n in names})
    return ", ".join(words) if words else None


def _previous_name(text: str, exc: UnexpectedInput) -> str | None:
    token = getattr(exc, "token", None)
    if token is None or getattr(token, "start_pos", None) is None:
        return None
    # Only the last few hundred characters: a regex anchored at the end of a long prefix
    # would be tried from every position in it.
    before = text[max(0, _start(token) - 256) : _start(token)].rstrip()
    m = re.search(r"[A-Za-z_][A-Za-z0-9_.]*\Z", before)
    return m.group() if m else None


def _unclosed_brace(text: str) -> tuple[int, int] | None:
    """Line and column of the innermost '{' that is never closed, skipping strings and comments."""
    stack: list[int] = []
    for m in re.finditer(STRING_PATTERN + r"|#[^\n]*|[{}]", text):
        if m.group() == "{":
            stack.append(m.start())
        elif m.group() == "}" and stack:
            stack.pop()
    return position_at(text, stack[-1]) if stack else None
