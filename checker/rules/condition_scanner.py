"""The fast path of parsing conditions: a hand-written tokenizer and parser for valid conditions.

grammar/condition.lark is the definition of the condition language and, through Lark, the source
of every syntax error message. Loading the shipped requirement sets parses some 140 distinct
conditions in each fresh process (every pre-commit run), and Lark's general LALR machinery, with
its parser to load first, was a quarter of the cost of loading them. The grammar is small and LL(1),
so a recursive-descent parser builds the very tree Lark builds: the same `lark.Tree` rule names
and children (with `None` for a quantifier's missing `where` or `satisfies`), the same
`lark.Token` types, values and positions, and the same `meta` positions, `container_*` included.
At the first thing it does not expect it gives up (returns None) and `parse_condition` hands the
text to Lark, which either accepts it (then the two disagree, which the tests rule out) or reports
the error.

Words are where the two could part. Lark's lexer is contextual: a keyword is a keyword only where
the parser can take it, and elsewhere the same word is a NAME (`consent == no`: no quantifier can
follow `==`, so `no` is a value). Where both a keyword and a NAME could follow, Lark reads the
longest NAME and then checks whether it is a keyword; where no NAME can follow, it matches the
keyword's letters even at the start of a longer word (`x isnot stated` parses). This parser always
reads the longest word and then decides:

- a value (after an operator, `includes`, `[` or `,`) is any word, keywords included, as in Lark;
- where a test or a quantifier's path starts, a word that is a keyword is taken only as the
  keyword that may stand there (`not`; `every`, `some`, `no` where a quantifier may start), and
  any other keyword gives up, although Lark reads it as a name (`a and and` tests a path `and`):
  such text never compiles into a working condition, so following Lark there is not worth a risk;
- anywhere else a word must be exactly one of the keywords expected, or the parser gives up.
"""

from __future__ import annotations

import re
from typing import Any

from lark import Token, Tree
from lark.tree import Meta

# The tokens of grammar/condition.lark, with its `%ignore`d whitespace before each. The word is the
# grammar's NAME (keywords are words too, told apart by the parser); STRING is the grammar's
# pattern written as runs of plain characters between escapes. The quantifiers are possessive, as
# Lark's lexer takes the longest match of a token and never a shorter one. Anything else is BAD.
# Tokens follow one another with nothing skipped: every character not in a token is matched as BAD,
# except whitespace at the very end, which the possessive `*+` keeps from being taken as BAD.
_TOKEN = re.compile(
    r"[ \t\r\n]*+(?:"
    r"([A-Za-z_][A-Za-z0-9_]*+(?:\.[A-Za-z_][A-Za-z0-9_]*+)*+)"
    r"|([0-9]++)"
    r'|("[^"\\\n]*+(?:\\["\\][^"\\\n]*+)*+")'
    r"|(==|!=|<=|>=|<|>)"
    r"|([()\[\],])"
    r"|(.))",
    re.DOTALL,
)
# The kind of a token by its group in _TOKEN; punctuation is its own kind, BAD gives up.
_KINDS = (None, "WORD", "NUMBER", "STRING", "OPERATOR", None, None)
_BAD = 6

_QUANTIFIERS = {"every": "EVERY", "some": "SOME", "no": "NO"}
_STATES = {
    "stated": "STATED",
    "unstated": "UNSTATED",
    "encoded": "ENCODED",
    "known": "KNOWN",
    "all": "ALL",
}
_KEYWORDS = frozenset(
    {"not", "is", "in", "includes", "and", "or", "where", "satisfies"}
    | set(_QUANTIFIERS)
    | set(_STATES)
)
_VALUES = {"WORD": "name_value", "NUMBER": "number_value", "STRING": "string_value"}
_VALUE_TYPES = {"WORD": "NAME", "NUMBER": "NUMBER", "STRING": "STRING"}


# A Meta made without its __init__, whose attributes are then set at once (see _Parser.tree).
_new_meta = object.__new__


class _GiveUp(Exception):
    """Not the happy path: let Lark parse (and explain) this text."""


MAX_NESTING = 32
"""Parentheses, `not`s and quantifiers nest at most this deep (far more than any shipped set)."""


class TooDeep(Exception):
    """A condition nested past MAX_NESTING, at `column` (this parser recurses once per level)."""

    def __init__(self, column: int) -> None:
        super().__init__(column)
        self.column = column


def scan_condition(text: str) -> Tree[Token] | None:
    """The tree Lark's parser of grammar/condition.lark builds for `text`, or None where this
    parser cannot tell (the text may or may not be valid)."""
    try:
        return _Parser(text).parse()
    except _GiveUp:
        return None


# A node being built and the indices of the first and last tokens of its container: itself, or
# the outermost parentheses around it. A parent starts where its first child's container starts,
# and ends where its last child's container ends (lark.parse_tree_builder.PropagatePositions).
_Node = tuple[Any, int, int]


class _Parser:
    """One condition: its tokens, and a cursor. Each method reads one construct of the grammar."""

    def __init__(self, text: str) -> None:
        self.kinds: list[str] = []  # WORD, NUMBER, STRING, OPERATOR, the punctuation, $END
        self.values: list[str] = []
        # Where each token begins (line, column, offset) and ends (the same, just past it), as
        # Lark counts: lines and columns 1-based, only "\n" ends a line, and no token holds one.
        self.begins: list[tuple[int, int, int]] = []
        self.ends: list[tuple[int, int, int]] = []
        self.i = 0
        self.depth = 0
        lines = "\n" in text
        for m in _TOKEN.finditer(text):
            group = m.lastindex
            assert group is not None
            if group == _BAD:
                raise _GiveUp
            value = m.group(group)
            start = m.start(group)
            kind = _KINDS[group]
            self.kinds.append(value if kind is None else kind)
            self.values.append(value)
            if lines:
                line = text.count("\n", 0, start) + 1
                column = start - text.rfind("\n", 0, start)
            else:
                line, column = 1, start + 1
            self.begins.append((line, column, start))
            self.ends.append((line, column + len(value), start + len(value)))
        self.kinds.append("$END")
        self.values.append("")

    # --- Tokens and nodes ----------------------------------------------------------------------

    def word(self) -> str | None:
        """The word at the cursor, or None if the token there is not a word."""
        i = self.i
        return self.values[i] if self.kinds[i] == "WORD" else None

    def expect(self, kind: str) -> int:
        """Step over a token of `kind` (punctuation or `$END`) and return its index."""
        i = self.i
        if self.kinds[i] != kind:
            raise _GiveUp
        self.i = i + 1
        return i

    def token(self, type_: str) -> Token:
        """The token at the cursor as a Lark token of `type_`; the cursor steps over it."""
        i = self.i
        self.i = i + 1
        line, column, start = self.begins[i]
        end_line, end_column, end = self.ends[i]
        return Token(type_, self.values[i], start, line, column, end_line, end_column, end)

    def tree(self, data: str, children: list[Any], first: int, last: int) -> Tree[Token]:
        """A tree spanning the tokens `first` to `last`, with the meta Lark gives it."""
        line, column, start = self.begins[first]
        end_line, end_column, end = self.ends[last]
        meta = _new_meta(Meta)
        meta.__dict__ = {
            "empty": False,
            "line": line,
            "column": column,
            "start_pos": start,
            "container_line": line,
            "container_column": column,
            "container_start_pos": start,
            "end_line": end_line,
            "end_column": end_column,
            "end_pos": end,
            "container_end_line": end_line,
            "container_end_column": end_column,
            "container_end_pos": end,
        }
        return Tree(data, children, meta)

    def contain(self, tree: Tree[Token], first: int, last: int) -> None:
        """Record that `tree` stands in parentheses at tokens `first` and `last`."""
        line, column, start = self.begins[first]
        end_line, end_column, end = self.ends[last]
        tree.meta.__dict__.update(
            container_line=line,
            container_column=column,
            container_start_pos=start,
            container_end_line=end_line,
            container_end_column=end_column,
            container_end_pos=end,
        )

    # --- The grammar ---------------------------------------------------------------------------

    def parse(self) -> Tree[Token]:
        tree, _, _ = self.expr()
        self.expect("$END")
        result: Tree[Token] = tree
        return result

    def deeper(self) -> None:
        """Enter one more level of nesting (a parenthesis, a `not`, a quantifier)."""
        self.depth += 1
        if self.depth > MAX_NESTING:
            raise TooDeep(self.begins[self.i][1] if self.i < len(self.begins) else 1)

    def expr(self) -> _Node:
        """`?expr: quantified | or_expr`: where a quantifier may start."""
        self.deeper()
        try:
            if self.word() in _QUANTIFIERS:
                return self.quantified()
            return self.or_expr()
        finally:
            self.depth -= 1

    def quantified(self) -> _Node:
        first = self.i
        quantifier = self.token(_QUANTIFIERS[self.values[first]])
        path, _, last = self.path()
        where = satisfies = None
        if self.word() == "where":
            at = self.i
            self.i += 1
            condition, _, last = self.or_expr()  # a filter: no bare quantifier
            where = self.tree("where", [condition], at, last)
        if self.word() == "satisfies":
            at = self.i
            self.i += 1
            body, _, last = self.expr()
            satisfies = self.tree("satisfies", [body], at, last)
        tree = self.tree("quantified", [quantifier, path, where, satisfies], first, last)
        return tree, first, last

    # `filter_or` and friends are the same rules with the same tree names as `or_expr` and
    # friends; they differ only in what may follow (`satisfies`), which the callers check.

    def or_expr(self) -> _Node:
        left, first, last = self.and_expr()
        while self.word() == "or":
            self.i += 1
            right, _, last = self.and_expr()
            left = self.tree("or_", [left, right], first, last)
        return left, first, last

    def and_expr(self) -> _Node:
        left, first, last = self.not_expr()
        while self.word() == "and":
            self.i += 1
            right, _, last = self.not_expr()
            left = self.tree("and_", [left, right], first, last)
        return left, first, last

    def not_expr(self) -> _Node:
        if self.word() == "not":
            first = self.i
            self.i += 1
            self.deeper()
            inner, _, last = self.not_expr()
            self.depth -= 1
            return self.tree("not_", [inner], first, last), first, last
        return self.atom()

    def atom(self) -> _Node:
        if self.kinds[self.i] == "(":
            first = self.expect("(")
            inner, _, _ = self.expr()
            last = self.expect(")")
            self.contain(inner, first, last)
            return inner, first, last
        return self.test()

    def test(self) -> _Node:
        path, first, last = self.path()
        word = self.word()
        if word == "is":
            self.i += 1
            data = "state_test"
            if self.word() == "not":
                self.i += 1
                data = "state_test_not"
            state = self.word()
            if state not in _STATES:
                raise _GiveUp
            last = self.i
            token = self.token(_STATES[state])
            return self.tree(data, [path, token], first, last), first, last
        if word == "in" or word == "not":
            self.i += 1
            data = "member"
            if word == "not":
                if self.word() != "in":
                    raise _GiveUp
                self.i += 1
                data = "not_member"
            values, _, last = self.value_list()
            return self.tree(data, [path, values], first, last), first, last
        if word == "includes":
            self.i += 1
            value, _, last = self.value()
            return self.tree("includes", [path, value], first, last), first, last
        if self.kinds[self.i] == "OPERATOR":
            operator = self.token("OPERATOR")
            value, _, last = self.value()
            return self.tree("compare", [path, operator, value], first, last), first, last
        return self.tree("truth", [path], first, last), first, last

    def path(self) -> _Node:
        word = self.word()
        if word is None or word in _KEYWORDS:
            raise _GiveUp  # Lark reads some keywords as names here; see the module docstring
        at = self.i
        return self.tree("path", [self.token("NAME")], at, at), at, at

    def value(self) -> _Node:
        at = self.i
        kind = self.kinds[at]
        data = _VALUES.get(kind)
        if data is None:
            raise _GiveUp
        return self.tree(data, [self.token(_VALUE_TYPES[kind])], at, at), at, at

    def value_list(self) -> _Node:
        first = self.expect("[")
        values = [self.value()[0]]
        while self.kinds[self.i] == ",":
            self.i += 1
            if self.kinds[self.i] == "]":
                break  # a trailing comma
            values.append(self.value()[0])
        last = self.expect("]")
        return self.tree("value_list", values, first, last), first, last
