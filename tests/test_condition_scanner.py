"""The fast condition parser agrees with grammar/condition.lark: Lark's very tree, or it steps aside.

"The very tree" is compared in full: rule names and children (the `None` of a missing `where` or
`satisfies` included), token types, values and positions, and every attribute of each tree's
`meta` (the positions the compiler reads, and the container positions Lark keeps besides).
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest
import yaml
from hypothesis import given, settings
from hypothesis import strategies as st
from lark import Token, Tree
from lark.exceptions import UnexpectedInput

from checker.rules.condition_scanner import scan_condition
from checker.rules.conditions import ConditionError, condition_parser, parse_condition

ROOT = Path(__file__).resolve().parents[1]
TOKEN_FIELDS = ("type", "value", "start_pos", "line", "column", "end_line", "end_column", "end_pos")


def shape(node: Any) -> Any:
    """Everything of a tree that can be read, as plain values that compare with ==."""
    if node is None:
        return None
    if isinstance(node, Tree):
        assert type(node) is Tree
        meta = dict(vars(node.meta))
        return ("tree", node.data, meta, [shape(c) for c in node.children])
    assert type(node) is Token
    return ("token", *(getattr(node, f) for f in TOKEN_FIELDS))


def lark_shape(text: str) -> Any:
    """The reference: Lark's tree, or None where the grammar refuses the text."""
    try:
        return shape(condition_parser().parse(text))
    except UnexpectedInput:
        return None


def assert_fast_and_same(text: str) -> None:
    fast = scan_condition(text)
    assert fast is not None, f"{text!r} did not take the fast path"
    assert shape(fast) == lark_shape(text)


def assert_same_or_gave_up(text: str) -> None:
    fast = scan_condition(text)
    if fast is not None:
        assert shape(fast) == lark_shape(text), text


# --- Every condition written in the project ------------------------------------------------


def _conditions(data: Any) -> list[str]:
    """The conditions in a loaded requirement (or case) file: `applies`, `require`, predicates."""
    found: list[str] = []
    if isinstance(data, dict):
        for key, value in data.items():
            if key in ("applies", "require") and isinstance(value, str):
                found.append(value)
            elif key == "predicates" and isinstance(value, dict):
                found += [v for v in value.values() if isinstance(v, str)]
            else:
                found += _conditions(value)
    elif isinstance(data, list):
        for value in data:
            found += _conditions(value)
    return found


YAML_FILES = sorted(
    [
        *ROOT.glob("requirements/*.yaml"),
        *ROOT.glob("requirements/cases/*.yaml"),
        *ROOT.glob("tests/data/*.yaml"),
        *ROOT.glob("tests/integration/data/*.yaml"),
    ]
)
CONDITIONS = sorted(
    {c for path in YAML_FILES for c in _conditions(yaml.safe_load(path.read_text("utf-8")))}
)


def test_the_project_has_conditions_to_compare() -> None:
    assert len(CONDITIONS) > 100


@pytest.mark.parametrize("text", CONDITIONS)
def test_every_condition_of_the_project_takes_the_fast_path_to_the_same_tree(text: str) -> None:
    assert_fast_and_same(text)
    assert shape(parse_condition(text)) == lark_shape(text)


@pytest.mark.parametrize(
    "text",
    [
        "x",
        "(x)",
        "((x))",
        "not (a)",
        "not not a",
        "(a) and (b or c)",
        "a or b or c and d",
        "a and b and c",
        "(a or b) and not (c)",
        "no x",
        "(every x) or y",
        "(some x where (a) satisfies (b))",
        'every x where a and b satisfies c in [x, 1, "s",]',
        "some x where not a or b satisfies every y where c satisfies d == 1",
        "every x satisfies some y satisfies z",
        "every x where (some y) satisfies z",
        "x is stated",
        "x is not unstated",
        "data is all",
        "x is encoded",
        "x == no",  # no quantifier can follow '==': `no` is a value
        "x != every",
        "x in [no, some, not, is, and, or, where, satisfies, stated, all]",
        "x includes includes",
        "x not in [a]",
        "x<1",
        "x<=1",
        "x>=007",
        "x>1and y",  # after a value only keywords may follow: Lark reads `and` at once
        "x==1",
        "x in[a,b,]",
        "(a)and(b)",
        "x.y.z",
        "nothing and android or order and isx and every_x and no.x",
        'x == "say \\"hi\\""',
        'x == "a\\\\"',
        'x == ""',
        "x\n  is   not\n stated and\r\n(y in [a,\n b])",
        "\n\n  x\t==\ty  \n",
        "\r\nx",
    ],
)
def test_valid_conditions_at_the_edges_take_the_fast_path_to_the_same_tree(text: str) -> None:
    assert_fast_and_same(text)


@pytest.mark.parametrize(
    "text",
    [
        "",
        "   ",
        "x and",
        "x and every y",  # a quantifier after `and` needs parentheses
        "x is",
        "x is is stated",
        "x isnot stated",  # Lark reads `is` `not` here; too clever to follow
        "a and and",  # Lark reads the second `and` as a name; never a working condition
        "every every",
        "x where y",
        "x satisfies y",
        "every x where every y",
        "x in []",
        "x in [,]",
        "x in [a,,]",
        "x in [a b]",
        "x == ",
        "x = 1",
        "x === 1",
        "x <> 1",
        "x == 'a'",
        'x == "a',
        'x == "a\\n"',
        "x.",
        "x..y",
        "1 == x",
        "(x",
        "x)",
        "()",
        "x\fand y",
        "x\u00a0and y",
        "é",
    ],
)
def test_other_text_is_handed_to_lark(text: str) -> None:
    assert scan_condition(text) is None


def test_text_the_grammar_refuses_is_worded_by_lark_as_before() -> None:
    with pytest.raises(ConditionError) as caught:
        parse_condition("x is is stated")
    assert caught.value.message == "condition does not parse"
    assert caught.value.column == 6
    with pytest.raises(ConditionError) as caught:
        parse_condition("x and every y")
    assert caught.value.column == 13


# --- Valid conditions generated from the grammar --------------------------------------------

KEYWORDS = ["every", "some", "no", "not", "is", "in", "includes", "and", "or", "where"]
KEYWORDS += ["satisfies", "stated", "unstated", "encoded", "known", "all"]
PARTS = st.sampled_from(["a", "Z9", "_", "_1", "id", "is", "no", "in", "all", "or"])
NAMES = st.one_of(
    st.sampled_from(
        ["x", "_", "consent", "recipient.legal_name", "a.b.c", "_a1.B_2", "nothing", "order"]
        + ["isx", "every_x", "no.x", "not_", "all.x", "android", "inx", "stated1", "whereas"]
    ),
    # Dotted words, keywords among the parts (`no.x` is a name, not the quantifier `no`).
    st.lists(PARTS, min_size=1, max_size=3).map(".".join).filter(lambda name: name not in KEYWORDS),
)
VALUES = st.one_of(
    NAMES,
    st.sampled_from(KEYWORDS + ["yes"]),  # any word is a value
    st.sampled_from(["0", "1", "007", "42", "1234567890123"]),
    st.sampled_from(['""', '"a b"', '"say \\"hi\\""', '"x\\\\"', '"\\\\\\""', '"é\t"']),
)
OPERATORS = st.sampled_from(["==", "!=", "<", "<=", ">", ">="])
STATES = st.sampled_from(["stated", "unstated", "encoded", "known", "all"])

# A condition is built as a list of tokens; `layout` puts whitespace between them.
Tokens = list[str]


@st.composite
def value_lists(draw: st.DrawFn) -> Tokens:
    values = draw(st.lists(VALUES, min_size=1, max_size=4))
    tokens = ["["]
    for i, value in enumerate(values):
        tokens += [",", value] if i else [value]
    if draw(st.booleans()):
        tokens.append(",")
    return [*tokens, "]"]


@st.composite
def condition_tests(draw: st.DrawFn) -> Tokens:
    path = draw(NAMES)
    form = draw(st.sampled_from(["state", "state_not", "compare", "in", "not_in", "includes"]))
    if form == "state":
        return [path, "is", draw(STATES)]
    if form == "state_not":
        return [path, "is", "not", draw(STATES)]
    if form == "compare":
        return [path, draw(OPERATORS), draw(VALUES)]
    if form == "in":
        return [path, "in", *draw(value_lists())]
    if form == "not_in":
        return [path, "not", "in", *draw(value_lists())]
    return [path, "includes", draw(VALUES)]


@st.composite
def atoms(draw: st.DrawFn, depth: int) -> Tokens:
    choice = draw(st.integers(0, 2 if depth > 0 else 1))
    if choice == 0:
        return [draw(NAMES)]  # a truth test
    if choice == 1:
        return draw(condition_tests())
    return ["(", *draw(exprs(depth - 1)), ")"]


@st.composite
def or_exprs(draw: st.DrawFn, depth: int) -> Tokens:
    """`or_expr` or, after `where`, `filter_or`: the same tokens."""
    tokens: Tokens = []
    for i in range(draw(st.integers(1, 2))):
        if i:
            tokens.append("or")
        for j in range(draw(st.integers(1, 2))):
            if j:
                tokens.append("and")
            tokens += ["not"] * draw(st.integers(0, 2))
            tokens += draw(atoms(depth))
    return tokens


@st.composite
def quantifieds(draw: st.DrawFn, depth: int) -> Tokens:
    tokens = [draw(st.sampled_from(["every", "some", "no"])), draw(NAMES)]
    if draw(st.booleans()):
        tokens += ["where", *draw(or_exprs(depth))]
    if draw(st.booleans()):
        tokens += ["satisfies", *draw(exprs(depth))]
    return tokens


@st.composite
def exprs(draw: st.DrawFn, depth: int = 2) -> Tokens:
    if draw(st.booleans()):
        return draw(quantifieds(depth))
    return draw(or_exprs(depth))


WORD_CHARS = frozenset("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_")
SPACES = st.sampled_from([" ", " ", " ", "  ", "\t", "\n", "\r\n", " \n\t", "\r"])


@st.composite
def layout(draw: st.DrawFn, tokens: Tokens) -> str:
    """The tokens with whitespace between them, none at all where the lexer needs none (not
    between two word characters, nor between two operator characters)."""
    text = draw(st.sampled_from(["", "", " ", "\n  "]))
    for i, token in enumerate(tokens):
        if i:
            before = tokens[i - 1][-1]
            glued = (before in WORD_CHARS and token[0] in WORD_CHARS | {"."}) or (
                before in "<>=!" and token[0] in "<>=!"
            )
            text += draw(SPACES) if glued else draw(st.one_of(st.just(""), SPACES))
        text += token
    return text + draw(st.sampled_from(["", "", " ", "\n"]))


VALID = exprs().flatmap(layout)


# At least 500 examples; more under `--hypothesis-profile=fuzz` (profiles: tests/conftest.py).
MANY = settings(max_examples=max(500, settings().max_examples), deadline=None)


@MANY
@given(VALID)
def test_valid_conditions_take_the_fast_path_to_lark_s_tree(text: str) -> None:
    assert lark_shape(text) is not None, "the generator made a condition the grammar refuses"
    assert_fast_and_same(text)


# --- Anything else: the same tree, or Lark decides -------------------------------------------

PIECES = st.sampled_from(
    [*KEYWORDS, "x", "a.b", "yes", "1", "12", '"s"', '"\\"', '"\\n"', '"a\\""', "(", ")"]
    + ["[", "]", ","]
    + ["==", "!=", "<", "<=", ">", ">=", "=", "!", ".", " ", "\n", "\t", "\f", "é", "#", "'"]
)


@MANY
@given(st.lists(PIECES, max_size=25).flatmap(lambda pieces: st.just(" ".join(pieces))))
def test_pieces_glued_with_spaces_parse_as_the_grammar_says(text: str) -> None:
    assert_same_or_gave_up(text)


@MANY
@given(st.lists(PIECES, max_size=25).map("".join))
def test_pieces_glued_together_parse_as_the_grammar_says(text: str) -> None:
    assert_same_or_gave_up(text)


@st.composite
def mutated(draw: st.DrawFn) -> str:
    """A valid condition with a few characters deleted, inserted or replaced."""
    text = draw(VALID)
    for _ in range(draw(st.integers(1, 3))):
        at = draw(st.integers(0, len(text)))
        edit = draw(st.sampled_from(["delete", "insert", "replace"]))
        piece = draw(PIECES) if edit != "delete" else ""
        end = at if edit == "insert" else min(len(text), at + draw(st.integers(1, 4)))
        text = text[:at] + piece + text[end:]
    return text


@MANY
@given(mutated())
def test_mutated_conditions_parse_as_the_grammar_says(text: str) -> None:
    assert_same_or_gave_up(text)


TOKENS = st.sampled_from([*KEYWORDS, "x", "1", '"s"', '"\\n"', "(", ")", "[", "]", ",", "=="])


@st.composite
def token_mutated(draw: st.DrawFn) -> str:
    """A valid condition with a few tokens deleted, inserted, replaced or swapped: text near the
    grammar's edges (`x and every y`, `x in []`, `every x where a satisfies`, `x is not`)."""
    tokens = draw(exprs())
    for _ in range(draw(st.integers(1, 2))):
        at = draw(st.integers(0, len(tokens) - 1))
        edit = draw(st.sampled_from(["delete", "insert", "replace", "swap"]))
        if edit == "delete" and len(tokens) > 1:
            del tokens[at]
        elif edit == "insert":
            tokens.insert(at, draw(TOKENS))
        elif edit == "replace":
            tokens[at] = draw(TOKENS)
        elif at + 1 < len(tokens):
            tokens[at], tokens[at + 1] = tokens[at + 1], tokens[at]
    return draw(layout(tokens))


@MANY
@given(token_mutated())
def test_conditions_with_tokens_mutated_parse_as_the_grammar_says(text: str) -> None:
    assert_same_or_gave_up(text)


# Every single-token edit of these, checked exhaustively: the near misses of each construct.
SEEDS = [
    "every x where a and not b satisfies c in [d, 1]",
    "some x where (a or b) satisfies not (c is not stated)",
    "no x satisfies y includes z",
    "x not in [a] or y != 1 and z is all",
    'x == "s" and (y) and every z',  # not valid: `every` needs parentheses here
]
WORD = r'"(?:[^"\\]|\\.)*"|[A-Za-z_][A-Za-z0-9_.]*|[0-9]+|[=!<>]=|[<>()\[\],]'
EDIT_TOKENS = [*KEYWORDS, "x", "1", '"s"', '"\\n"', "'s'", "(", ")", "[", "]", ",", "==", "="]


@pytest.mark.parametrize("seed", SEEDS)
def test_every_single_token_edit_of_a_condition_parses_as_the_grammar_says(seed: str) -> None:
    tokens = re.findall(WORD, seed)
    assert "".join(tokens) == seed.replace(" ", "")
    edits = [tokens[:i] + tokens[i + 1 :] for i in range(len(tokens))]
    for new in EDIT_TOKENS:
        edits += [tokens[:i] + [new] + tokens[i + 1 :] for i in range(len(tokens))]
        edits += [tokens[:i] + [new] + tokens[i:] for i in range(len(tokens) + 1)]
    for edited in edits:
        assert_same_or_gave_up(" ".join(edited))
        assert_same_or_gave_up("".join(edited))


@settings(max_examples=300, deadline=None)
@given(st.text(alphabet=st.sampled_from('ab ()[],=<>!"\\.\n\t0ínotsd_'), max_size=40))
def test_arbitrary_text_is_either_parsed_identically_or_handed_to_lark(text: str) -> None:
    assert_same_or_gave_up(text)
