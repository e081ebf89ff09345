"""The fast path of stage 1: a hand-written scanner and parser for valid policy text.

grammar/policy.lark is the definition of the language and the source of every syntax error
message. Most files linted are valid, though, and for them Lark's general LALR machinery costs
more than the whole rest of the pipeline; the grammar is LL(1) (blocks, `key = value` fields,
`cite "label" "quote"` with an optional `line N`, one-line strings, flat lists), so a line
scanner and a stack of open blocks build the very same syntax nodes, and collect the comments on
the way. At the first thing this parser does not expect it gives up (returns None) and
`checker.language.syntax.parse_syntax` hands the text to Lark, which either accepts it (then the
two disagree, which the tests rule out) or reports the error.

No token spans lines (strings are one line, a comment ends its line), so the text is read line by
line. Files are mostly in the formatter's layout, one statement per line, and one regular
expression recognises such a line whole: a field with a value or a one-line list, a citation, a
block's opening `kind name {`, or its `}`, each with an optional comment. Any other line is split
into tokens by a second expression, and the tokens are read one at a time; a statement begun on
one line may end on another.
"""

from __future__ import annotations

import re

from checker.language.tree import (
    Block,
    Cite,
    Comment,
    Field,
    Item,
    ListValue,
    Scalar,
    SyntaxTree,
    unquote,
)
from checker.spans import Span

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

# `line` is a keyword right after a citation's quote (`cite "a" "b" line 3`) and a name elsewhere;
# a statement that begins with the word `line` is left to the token scanner, which knows whether
# a citation precedes it. After the quote, `line` is the keyword only as a whole NAME token
# (`line3` and `line.x` are names), hence the look-ahead.
#
# A whole line in the formatter's layout. Groups: 1 the indentation; 2 key and 3 value of a field;
# 4 label, 5 quote and 6 line number of a citation; 7 kind and 8 name of a block's opening; 9 a
# closing brace; 10 a comment. The pattern must match the line to its end (fullmatch): every
# character is accounted for, and a token directly followed by another (`14abc`) leaves the line
# to the token scanner.
_LINE = re.compile(
    rf"({_WS}*+)(?:"
    rf"(?!(?:cite|line)\b)({_NAME}){_WS}*+={_WS}*+({_SCALAR}|{_LIST})"
    rf"|cite{_WS}*+({_STRING}){_WS}*+({_STRING})"
    rf"(?:{_WS}*+line(?![A-Za-z0-9_.]){_WS}*+({_NUMBER}))?"
    rf"|(?!(?:cite|line)\b)({_NAME})(?:{_WS}++({_NAME}))?{_WS}*+\{{"
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

# Spans and syntax nodes are named tuples; tuple.__new__ makes the same value without the
# keyword-argument constructor's Python-level call, which matters at one span per token.
_new = tuple.__new__


class _GiveUp(Exception):
    """Not the happy path: let Lark parse (and explain) this text."""


class _Frame:
    """A block being read (or the file itself, at the bottom of the stack): its items so far."""

    __slots__ = ("deepest", "items", "kind", "kind_span", "name", "name_span")

    def __init__(self, kind: str, kind_span: Span, name: str | None, name_span: Span | None):
        self.kind = kind
        self.kind_span = kind_span
        self.name = name
        self.name_span = name_span
        self.items: list[Item] = []
        self.deepest = 0  # the depth of the deepest block among the items


def _close(stack: list[_Frame], line: int, column: int) -> None:
    """The `}` at `line`, `column` ends the innermost open block."""
    if len(stack) == 1:
        raise _GiveUp  # nothing to close
    frame = stack.pop()
    start = frame.kind_span
    block = Block(
        frame.kind,
        start,
        frame.name,
        frame.name_span,
        tuple(frame.items),
        _new(Span, (start[0], start[1], line, column + 1)),
        frame.deepest + 1,
    )
    parent = stack[-1]
    parent.items.append(block)
    parent.deepest = max(parent.deepest, block.depth)


def _scalar(raw: str, line: int, column: int) -> Scalar:
    """The scalar of one token `raw` of a line that _LINE accepted (so its kind shows in its
    first character: a quote, a digit, or a letter or '_' of a NAME)."""
    span = _new(Span, (line, column, line, column + len(raw)))
    first = raw[0]
    if first == '"':
        return Scalar("string", _unquote(raw), span)
    if first.isdigit():
        return Scalar("date" if "-" in raw else "number", raw, span)
    return Scalar("name", raw, span)


def _unquote(raw: str) -> str:
    # Most strings hold no escape, and then unquoting is only taking the quotes off.
    return raw[1:-1] if "\\" not in raw else unquote(raw)


def _comment(line: str, start: int, number: int) -> Comment:
    # The same values as checker.language.syntax.comments_of: U+FEFF is whitespace to the grammar
    # but not to str.strip.
    trailing = bool(line[:start].strip().strip("\ufeff"))
    return Comment(line[start:].rstrip(), number, start + 1, trailing)


def _parse(text: str) -> SyntaxTree:
    """The syntax tree of `text`, or _GiveUp."""
    stack = [_Frame("", _new(Span, (1, 1, 1, 1)), None, None)]  # the file
    items = stack[-1].items  # where the next statement goes
    pending: list[_Tok] = []  # the tokens of a statement begun on a line read token by token
    comments: list[Comment] = []
    match_line = _LINE.fullmatch
    for number, line in enumerate(text.split("\n"), 1):
        if not line:
            continue  # a blank line: nothing to match
        m = match_line(line)
        if m is None or pending:  # a line that begins a new statement only if none is pending
            _read_tokens(line, number, stack, pending, comments)
            items = stack[-1].items
            continue
        indent, key, value, label, quote, number_hint, kind, name, rbrace, comment = m.groups()
        if key is not None:
            start = len(indent) + 1
            at = m.start(3) + 1
            end = at + len(value)
            first = value[0]
            result: Scalar | ListValue
            if first == '"':
                result = _new(
                    Scalar, ("string", _unquote(value), _new(Span, (number, at, number, end)))
                )
            elif first == "[":
                values = tuple(
                    [
                        _scalar(v.group(), number, v.start() + 1)
                        for v in _LIST_ITEM.finditer(line, at, end - 1)
                    ]
                )
                result = _new(ListValue, (values, _new(Span, (number, at, number, end))))
            elif first.isdigit():
                result = _scalar(value, number, at)
            else:
                result = _new(Scalar, ("name", value, _new(Span, (number, at, number, end))))
            items.append(
                _new(
                    Field,
                    (
                        key,
                        _new(Span, (number, start, number, start + len(key))),
                        result,
                        _new(Span, (number, start, number, end)),
                    ),
                )
            )
        elif label is not None:
            start = len(indent) + 1
            at = m.start(4) + 1
            label_span = _new(Span, (number, at, number, at + len(label)))
            at = m.start(5) + 1
            end = at + len(quote)
            quote_span = _new(Span, (number, at, number, end))
            hint: int | None = None
            hint_span = None
            if number_hint is not None:
                at = m.start(6) + 1
                end = at + len(number_hint)
                hint = int(number_hint)
                hint_span = _new(Span, (number, at, number, end))
            items.append(
                _new(
                    Cite,
                    (
                        _unquote(label),
                        _unquote(quote),
                        label_span,
                        quote_span,
                        _new(Span, (number, start, number, end)),
                        hint,
                        hint_span,
                    ),
                )
            )
        elif kind is not None:
            start = len(indent) + 1
            kind_span = _new(Span, (number, start, number, start + len(kind)))
            name_span = None
            if name is not None:
                at = m.start(8) + 1
                name_span = _new(Span, (number, at, number, at + len(name)))
            stack.append(_Frame(kind, kind_span, name, name_span))
            items = stack[-1].items
        elif rbrace is not None:
            _close(stack, number, len(indent) + 1)
            items = stack[-1].items
        if comment is not None:
            comments.append(_comment(line, m.start(10), number))
    if pending or len(stack) != 1:
        raise _GiveUp  # the text ends inside a statement or a block
    return SyntaxTree(tuple(stack[0].items), tuple(comments))


def _read_tokens(
    line: str, number: int, stack: list[_Frame], pending: list[_Tok], comments: list[Comment]
) -> None:
    """Read a line that is not in the formatter's layout token by token."""
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
        _step(stack, pending, (kind, value, number, start, start + len(value)))  # type: ignore[arg-type]


def _span(first: _Tok, last: _Tok) -> Span:
    return _new(Span, (first[2], first[3], last[2], last[4]))


def _token_scalar(tok: _Tok) -> Scalar:
    kind = _SCALARS.get(tok[0])
    if kind is None:
        raise _GiveUp
    value = _unquote(tok[1]) if kind == "string" else tok[1]
    return Scalar(kind, value, _span(tok, tok))


def _step(stack: list[_Frame], pending: list[_Tok], tok: _Tok) -> None:
    """Take the next token: `pending` holds the tokens of the statement it continues, if any.
    This is the grammar, LL(1): a statement is `}`, or begins with `cite` (a citation) or a NAME,
    which is followed by '=' (a field) or by a name and '{' or '{' alone (a block)."""
    kind = tok[0]
    if not pending:
        if kind == "}":
            _close(stack, tok[2], tok[3])
        elif kind == "NAME" and tok[1] == "line" and _open_cite(stack):
            pending.append(("LINE", "line", tok[2], tok[3], tok[4]))
        elif kind == "NAME" or kind == "CITE":
            pending.append(tok)
        else:
            raise _GiveUp
        return
    first = pending[0]
    if first[0] == "LINE":  # `line N` after a citation's quote
        if kind != "NUMBER":
            raise _GiveUp
        items = stack[-1].items
        cite = items[-1]
        assert isinstance(cite, Cite)
        span = cite.span
        items[-1] = cite._replace(
            span=_new(Span, (span[0], span[1], tok[2], tok[4])),
            line=int(tok[1]),
            line_span=_span(tok, tok),
        )
        pending.clear()
        return
    if first[0] == "CITE":  # cite "label" "quote"
        if kind != "STRING":
            raise _GiveUp
        if len(pending) == 1:
            pending.append(tok)
            return
        label = pending[1]
        cite = Cite(
            _unquote(label[1]),
            _unquote(tok[1]),
            _span(label, label),
            _span(tok, tok),
            _span(first, tok),
        )
        stack[-1].items.append(cite)
        pending.clear()
        return
    if len(pending) == 1:  # NAME
        if kind == "=" or kind == "NAME" or kind == "CITE":
            pending.append(tok)  # a field's '=', or a block's name (`cite` is a name there)
        elif kind == "{":
            stack.append(_Frame(first[1], _span(first, first), None, None))
            pending.clear()
        else:
            raise _GiveUp
        return
    second = pending[1]
    if second[0] != "=":  # kind name
        if kind != "{":
            raise _GiveUp
        stack.append(_Frame(first[1], _span(first, first), second[1], _span(second, second)))
        pending.clear()
        return
    if len(pending) == 2:  # key =
        if kind == "[":
            pending.append(tok)
            return
        field = Field(first[1], _span(first, first), _token_scalar(tok), _span(first, tok))
        stack[-1].items.append(field)
        pending.clear()
        return
    # key = [ ...: values and commas take turns, and ']' may follow either.
    if kind == "]":
        values = tuple([_token_scalar(t) for t in pending[3::2]])
        value = ListValue(values, _span(pending[2], tok))
        stack[-1].items.append(Field(first[1], _span(first, first), value, _span(first, tok)))
        pending.clear()
        return
    if pending[-1][0] == "[" or pending[-1][0] == ",":
        if kind not in _SCALARS:
            raise _GiveUp
    elif kind != ",":
        raise _GiveUp
    pending.append(tok)


def _open_cite(stack: list[_Frame]) -> bool:
    """Whether the statement just read is a citation that may still take `line N`: then `line`
    is the keyword, as it is to Lark's contextual lexer after a quote."""
    items = stack[-1].items
    return bool(items) and isinstance(items[-1], Cite) and items[-1].line is None


def fast_parse(text: str) -> SyntaxTree | None:
    """The syntax tree of valid `text` (items exactly as the Lark parser builds them, comments as
    `checker.language.syntax.comments_of` finds them); else None."""
    try:
        return _parse(text)
    except _GiveUp:
        return None
