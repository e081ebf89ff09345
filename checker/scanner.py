"""The fast path of stage 1: a hand-written scanner and recursive descent for valid policy text.

grammar/policy.lark is the definition of the language and the source of every syntax error
message. Most files linted are valid, though, and for them Lark's general LALR machinery costs
more than the whole rest of the pipeline; the grammar is LL(1) (blocks, `key = value` fields,
`cite "label" "quote"`, one-line strings, flat lists), so one compiled regular expression and a
small descent build the very same syntax nodes. At the first thing this parser does not expect it
gives up (returns None) and `checker.syntax.parse_syntax` hands the text to Lark, which either
accepts it (then the two disagree, which the tests rule out) or reports the error.
"""

from __future__ import annotations

import re

from checker.spans import Span
from checker.syntax import Block, Cite, Field, Item, ListValue, Scalar, unquote

# The terminals of grammar/policy.lark in one pattern. A newline is its own token so lines are
# counted in the same pass. `cite` is a keyword (Lark gives string literals priority over NAME).
_TOKEN = re.compile(
    r"(?P<WS>[ \t\f\r\ufeff]+)|(?P<NL>\n+)|(?P<COMMENT>#[^\n]*)"
    r'|(?P<STRING>"(?:[^"\\\n]|\\["\\])*")'
    r"|(?P<DATE>[0-9]{4}-[0-9]{2}-[0-9]{2})|(?P<NUMBER>[0-9]+)"
    r"|(?P<NAME>[A-Za-z_][A-Za-z0-9_]*(?:\.[A-Za-z_][A-Za-z0-9_]*)*)"
    r"|(?P<PUNCT>[{}\[\]=,])|(?P<BAD>.)",
    re.DOTALL,
)
_SCALARS = {"STRING": "string", "NAME": "name", "NUMBER": "number", "DATE": "date"}

# type, text, line, column, end column (tokens never span lines)
_Tok = tuple[str, str, int, int, int]


class _GiveUp(Exception):
    """Not the happy path: let Lark parse (and explain) this text."""


def _scan(text: str) -> list[_Tok]:
    tokens: list[_Tok] = []
    line, line_start = 1, 0
    for m in _TOKEN.finditer(text):
        kind = m.lastgroup
        if kind == "WS" or kind == "COMMENT":
            continue
        if kind == "NL":
            line += m.end() - m.start()
            line_start = m.end()
            continue
        if kind == "BAD":
            raise _GiveUp
        value = m.group()
        if kind == "PUNCT":
            kind = value
        elif kind == "NAME" and value == "cite":
            kind = "CITE"
        start = m.start() - line_start + 1
        tokens.append((kind, value, line, start, start + len(value)))  # type: ignore[arg-type]
    tokens.append(("$END", "", line, 0, 0))
    return tokens


def _span(first: _Tok, last: _Tok) -> Span:
    return Span(line=first[2], column=first[3], end_line=last[2], end_column=last[4])


class _Descent:
    def __init__(self, tokens: list[_Tok]) -> None:
        self.tokens = tokens
        self.pos = 0

    def scalar(self, tok: _Tok) -> Scalar:
        kind = _SCALARS.get(tok[0])
        if kind is None:
            raise _GiveUp
        value = unquote(tok[1]) if kind == "string" else tok[1]
        return Scalar(kind, value, _span(tok, tok))

    def items(self) -> list[Item]:
        tokens = self.tokens
        found: list[Item] = []
        while True:
            tok = tokens[self.pos]
            kind = tok[0]
            if kind == "CITE":
                label, quote = tokens[self.pos + 1], tokens[self.pos + 2]
                if label[0] != "STRING" or quote[0] != "STRING":
                    raise _GiveUp
                self.pos += 3
                found.append(
                    Cite(
                        unquote(label[1]),
                        unquote(quote[1]),
                        _span(label, label),
                        _span(quote, quote),
                        _span(tok, quote),
                    )
                )
            elif kind == "NAME" and tokens[self.pos + 1][0] == "=":
                found.append(self.field(tok))
            elif kind == "NAME":
                found.append(self.block(tok))
            else:
                return found

    def field(self, key: _Tok) -> Field:
        tokens = self.tokens
        self.pos += 2
        first = tokens[self.pos]
        value: Scalar | ListValue
        if first[0] == "[":
            self.pos += 1
            values = []
            while tokens[self.pos][0] != "]":
                values.append(self.scalar(tokens[self.pos]))
                self.pos += 1
                if tokens[self.pos][0] == ",":
                    self.pos += 1
                elif tokens[self.pos][0] != "]":
                    raise _GiveUp
            last = tokens[self.pos]
            value = ListValue(tuple(values), _span(first, last))
        else:
            value, last = self.scalar(first), first
        self.pos += 1
        return Field(key[1], _span(key, key), value, _span(key, last))

    def block(self, kind: _Tok) -> Block:
        tokens = self.tokens
        name = tokens[self.pos + 1] if tokens[self.pos + 1][0] == "NAME" else None
        self.pos += 2 if name else 1
        if tokens[self.pos][0] != "{":
            raise _GiveUp
        self.pos += 1
        inner = self.items()
        close = tokens[self.pos]
        if close[0] != "}":
            raise _GiveUp
        self.pos += 1
        depth = 1 + max((i.depth for i in inner if isinstance(i, Block)), default=0)
        return Block(
            kind[1],
            _span(kind, kind),
            name[1] if name else None,
            _span(name, name) if name else None,
            tuple(inner),
            _span(kind, close),
            depth,
        )


def fast_parse(text: str) -> tuple[Item, ...] | None:
    """The syntax items of valid `text`, exactly as the Lark parser builds them; else None."""
    try:
        descent = _Descent(_scan(text))
        items = descent.items()
        if descent.tokens[descent.pos][0] != "$END":
            return None
        return tuple(items)
    except (_GiveUp, RecursionError, IndexError):  # IndexError: text ends mid-statement
        return None
