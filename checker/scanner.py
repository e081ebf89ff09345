"""The fast path of stage 1: a hand-written scanner and recursive descent for valid policy text.

grammar/policy.lark is the definition of the language and the source of every syntax error
message. Most files linted are valid, though, and for them Lark's general LALR machinery costs
more than the whole rest of the pipeline; the grammar is LL(1) (blocks, `key = value` fields,
`cite "label" "quote"`, one-line strings, flat lists), so a line scanner and a small descent build
the very same syntax nodes, and collect the comments on the way. At the first thing this parser
does not expect it gives up (returns None) and `checker.syntax.parse_syntax` hands the text to
Lark, which either accepts it (then the two disagree, which the tests rule out) or reports the
error.

No token spans lines (strings are one line, a comment ends its line), so the text is scanned line
by line. Files are mostly in the formatter's layout, one statement per line, and one regular
expression recognises such a line whole: a field with a value or a one-line list, a citation, a
block's opening `kind name {`, or its `}`, each with an optional comment. Any other line is split
into tokens by a second expression. The descent then reads one token stream in which a whole-line
field or citation is a single ready-made item.
"""

from __future__ import annotations

import re

from checker.spans import Span
from checker.syntax import Block, Cite, Comment, Field, Item, ListValue, Scalar, SyntaxTree, unquote

# The terminals of grammar/policy.lark. `cite` is a keyword where a statement starts (Lark gives
# string literals priority over NAME, so a NAME that reads exactly `cite` is CITE there), but a
# name where only a name may stand, after `=`, in a list or after a block's kind (Lark's lexer is
# contextual). `(?!cite\b)` keeps the keyword out of the line pattern where a statement starts.
# It also refuses `cite.x`, a valid NAME: such a line is then scanned token by token, which is
# slower but exact. Like Lark's lexer, the patterns take the first and longest match of a token
# and never try a shorter one: the quantifiers `*+` are possessive, the group `(?>...)` atomic.
# That also spares the engine futile backtracking.
_WS = r"[ \t\f\r\ufeff]"
_NAME = r"[A-Za-z_][A-Za-z0-9_]*+(?:\.[A-Za-z_][A-Za-z0-9_]*+)*+"
# The grammar's `"([^"\\\n]|\\["\\])*"` written as runs of plain characters between escapes,
# which the regular expression engine matches much faster than one alternative per character.
_STRING = r'"[^"\\\n]*+(?:\\["\\][^"\\\n]*+)*+"'
_DATE = r"[0-9]{4}-[0-9]{2}-[0-9]{2}"
_NUMBER = r"[0-9]++"
# In the order of Lark's lexer, which tries DATE (priority 2) before NUMBER.
_SCALAR = rf"(?>{_STRING}|{_DATE}|{_NUMBER}|{_NAME})"
_LIST = rf"\[{_WS}*+(?:{_SCALAR}{_WS}*+(?:,{_WS}*+{_SCALAR}{_WS}*+)*+(?:,{_WS}*+)?)?\]"

# A whole line in the formatter's layout. Groups: 1 the indentation; 2 key and 3 value of a field;
# 4 label and 5 quote of a citation; 6 kind, 7 name and 8 opening brace of a block; 9 a closing
# brace; 10 a comment. The pattern must match the line to its end (fullmatch): every character
# is accounted for, and a token directly followed by another (`14abc`) leaves the line to the
# token scanner.
_LINE = re.compile(
    rf"({_WS}*+)(?:"
    rf"(?!cite\b)({_NAME}){_WS}*+={_WS}*+({_SCALAR}|{_LIST})"
    rf"|cite{_WS}*+({_STRING}){_WS}*+({_STRING})"
    rf"|(?!cite\b)({_NAME})(?:{_WS}++({_NAME}))?{_WS}*+(\{{)"
    rf"|(\}})"
    rf")?{_WS}*+(#.*)?"
)

# The scalars of a list that _LINE accepted, in order: between them are only spaces and commas.
_LIST_ITEM = re.compile(rf"{_STRING}|{_DATE}|{_NUMBER}|{_NAME}")

# Any other line, token by token.
_TOKEN = re.compile(
    rf"(?P<WS>{_WS}+)|(?P<COMMENT>#.*)|(?P<STRING>{_STRING})|(?P<DATE>{_DATE})"
    rf"|(?P<NUMBER>{_NUMBER})|(?P<NAME>{_NAME})|(?P<PUNCT>[{{}}\[\]=,])|(?P<BAD>.)"
)
# CITE is a name where a value stands (see above).
_SCALARS = {"STRING": "string", "NAME": "name", "CITE": "name", "NUMBER": "number", "DATE": "date"}

# type, text, line, column, end column (tokens never span lines)
_Tok = tuple[str, str, int, int, int]
# Stands in the token stream for the next run of ready-made items: fields and citations that
# had a line each.
_RUN: _Tok = ("RUN", "", 0, 0, 0)

# Span is a named tuple; tuple.__new__ makes the same value without the keyword-argument
# constructor's Python-level call, which matters at one span per token.
_new = tuple.__new__


class _GiveUp(Exception):
    """Not the happy path: let Lark parse (and explain) this text."""


def _scalar(raw: str, line: int, column: int) -> Scalar:
    """The scalar of one token `raw` of a line that _LINE accepted (so its kind shows in its
    first character: a quote, a digit, or a letter or '_' of a NAME)."""
    span = _new(Span, (line, column, line, column + len(raw)))
    first = raw[0]
    if first == '"':
        return Scalar("string", _unquote(raw), span)
    if first > "9":
        return Scalar("name", raw, span)
    return Scalar("date" if "-" in raw else "number", raw, span)


def _unquote(raw: str) -> str:
    # Most strings hold no escape, and then unquoting is only taking the quotes off.
    return raw[1:-1] if "\\" not in raw else unquote(raw)


def _comment(line: str, start: int, number: int) -> Comment:
    # The same values as checker.syntax.comments_of: U+FEFF is whitespace to the grammar but
    # not to str.strip.
    trailing = bool(line[:start].strip().strip("\ufeff"))
    return Comment(line[start:].rstrip(), number, start + 1, trailing)


def _scan(text: str) -> tuple[list[_Tok], list[list[Item]], list[Comment]]:
    """The token stream, the runs of ready-made items its _RUN tokens stand for (in order), and
    the comments."""
    tokens: list[_Tok] = []
    runs: list[list[Item]] = []
    run: list[Item] = []  # whole-line fields and citations since the last token
    comments: list[Comment] = []
    match_line = _LINE.fullmatch
    for number, line in enumerate(text.split("\n"), 1):
        m = match_line(line)
        if m is None:
            if run:
                tokens.append(_RUN)
                runs.append(run)
                run = []
            _scan_tokens(line, number, tokens, comments)
            continue
        indent, key, value, label, quote, kind, name, _brace, rbrace, comment = m.groups()
        if key is not None:
            start = len(indent) + 1
            at = m.start(3) + 1
            end = at + len(value)
            first = value[0]
            result: Scalar | ListValue
            if first == '"':
                result = Scalar("string", _unquote(value), _new(Span, (number, at, number, end)))
            elif first == "[":
                values = tuple(
                    [
                        _scalar(v.group(), number, v.start() + 1)
                        for v in _LIST_ITEM.finditer(line, at, end - 1)
                    ]
                )
                result = ListValue(values, _new(Span, (number, at, number, end)))
            else:
                result = _scalar(value, number, at)
            run.append(
                Field(
                    key,
                    _new(Span, (number, start, number, start + len(key))),
                    result,
                    _new(Span, (number, start, number, end)),
                )
            )
        elif label is not None:
            start = len(indent) + 1
            at = m.start(4) + 1
            label_span = _new(Span, (number, at, number, at + len(label)))
            at = m.start(5) + 1
            end = at + len(quote)
            run.append(
                Cite(
                    _unquote(label),
                    _unquote(quote),
                    label_span,
                    _new(Span, (number, at, number, end)),
                    _new(Span, (number, start, number, end)),
                )
            )
        elif kind is not None or rbrace is not None:
            if run:
                tokens.append(_RUN)
                runs.append(run)
                run = []
            start = len(indent) + 1
            if kind is None:
                tokens.append(("}", "}", number, start, start + 1))
            else:
                tokens.append(("NAME", kind, number, start, start + len(kind)))
                if name is not None:
                    at = m.start(7) + 1
                    tokens.append(("NAME", name, number, at, at + len(name)))
                at = m.start(8) + 1
                tokens.append(("{", "{", number, at, at + 1))
        if comment is not None:
            comments.append(_comment(line, m.start(10), number))
    if run:
        tokens.append(_RUN)
        runs.append(run)
    tokens.append(("$END", "", number, 0, 0))
    return tokens, runs, comments


def _scan_tokens(line: str, number: int, tokens: list[_Tok], comments: list[Comment]) -> None:
    """Split a line that is not in the formatter's layout into tokens."""
    for m in _TOKEN.finditer(line):
        kind = m.lastgroup
        if kind == "WS":
            continue
        if kind == "COMMENT":
            comments.append(_comment(line, m.start(), number))
            continue
        if kind == "BAD":
            raise _GiveUp
        value = m.group()
        if kind == "PUNCT":
            kind = value
        elif kind == "NAME" and value == "cite":
            kind = "CITE"
        start = m.start() + 1
        tokens.append((kind, value, number, start, start + len(value)))  # type: ignore[arg-type]


def _span(first: _Tok, last: _Tok) -> Span:
    return _new(Span, (first[2], first[3], last[2], last[4]))


class _Descent:
    def __init__(self, tokens: list[_Tok], runs: list[list[Item]]) -> None:
        self.tokens = tokens
        self.pos = 0
        self.runs = iter(runs)

    def scalar(self, tok: _Tok) -> Scalar:
        kind = _SCALARS.get(tok[0])
        if kind is None:
            raise _GiveUp
        value = unquote(tok[1]) if kind == "string" else tok[1]
        return Scalar(kind, value, _span(tok, tok))

    def items(self) -> tuple[list[Item], int]:
        """The items up to the next token that cannot start one, and the depth of the deepest
        block among them (0 if none)."""
        tokens = self.tokens
        found: list[Item] = []
        deepest = 0
        while True:
            tok = tokens[self.pos]
            kind = tok[0]
            if kind == "RUN":
                # Lines that each were a field or a citation: in a valid text such a line
                # stands here and nowhere else, since only a field has '=' and a string never
                # follows a `cite` that is a name.
                self.pos += 1
                found += next(self.runs)
            elif kind == "CITE":
                label, quote = tokens[self.pos + 1], tokens[self.pos + 2]
                if label[0] != "STRING" or quote[0] != "STRING":
                    raise _GiveUp
                self.pos += 3
                found.append(
                    Cite(
                        _unquote(label[1]),
                        _unquote(quote[1]),
                        _span(label, label),
                        _span(quote, quote),
                        _span(tok, quote),
                    )
                )
            elif kind == "NAME" and tokens[self.pos + 1][0] == "=":
                found.append(self.field(tok))
            elif kind == "NAME":
                block = self.block(tok)
                deepest = max(deepest, block.depth)
                found.append(block)
            else:
                return found, deepest

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
        # After a block's kind, `cite` is a name too (see above).
        name = tokens[self.pos + 1] if tokens[self.pos + 1][0] in ("NAME", "CITE") else None
        self.pos += 2 if name else 1
        if tokens[self.pos][0] != "{":
            raise _GiveUp
        self.pos += 1
        inner, deepest = self.items()
        close = tokens[self.pos]
        if close[0] != "}":
            raise _GiveUp
        self.pos += 1
        return Block(
            kind[1],
            _span(kind, kind),
            name[1] if name else None,
            _span(name, name) if name else None,
            tuple(inner),
            _span(kind, close),
            deepest + 1,
        )


def fast_parse(text: str) -> SyntaxTree | None:
    """The syntax tree of valid `text` (items exactly as the Lark parser builds them, comments as
    `checker.syntax.comments_of` finds them); else None."""
    try:
        tokens, runs, comments = _scan(text)
        descent = _Descent(tokens, runs)
        items, _ = descent.items()
        if tokens[descent.pos][0] != "$END":
            return None
        return SyntaxTree(tuple(items), tuple(comments))
    except (_GiveUp, RecursionError, IndexError):  # IndexError: text ends mid-statement
        return None
