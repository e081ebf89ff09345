"""A condition's plain syntax tree (checker/rules/condition_tree.py) is Lark's tree, and survives
the store of compiled sets (JSON) unchanged.

The compiler reads only these trees, so "the same tree as Lark's" is compared in full: rule names,
children in order (the `None` of a missing `where` or `satisfies` included), each token's type,
text and column, and each rule's column.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
import yaml
from hypothesis import given, settings
from hypothesis import strategies as st
from lark import Token, Tree

from checker.rules.condition_tree import Node, Word, from_data, from_lark, to_data
from checker.rules.conditions import ConditionError, condition_parser, parse_condition

ROOT = Path(__file__).resolve().parents[1]


def lark_shape(node: Any) -> Any:
    """What the compiler may read of Lark's tree, as plain values; a chain of one operator
    (`a and b and c`, which Lark nests one level per operator) as one node."""
    if node is None:
        return None
    if isinstance(node, Tree):
        column = 1 if node.meta.empty else node.meta.column
        children = []
        for child in node.children:
            shape = lark_shape(child)
            chained = node.data in ("and_", "or_") and shape is not None and shape[1] == node.data
            children += shape[3] if chained else [shape]
        return ("node", node.data, column, children)
    assert isinstance(node, Token)
    return ("word", node.type, str(node), node.column)


def plain_shape(node: Any) -> Any:
    if node is None:
        return None
    if isinstance(node, Node):
        return ("node", node.rule, node.column, [plain_shape(c) for c in node.children])
    assert isinstance(node, Word)
    return ("word", node.type, node.value, node.column)


def assert_faithful(text: str) -> None:
    """The plain tree is Lark's, and JSON and back gives the very same tree."""
    lark_tree = condition_parser().parse(text)
    plain = from_lark(lark_tree)
    assert plain_shape(plain) == lark_shape(lark_tree)
    assert parse_condition(text) == plain
    assert from_data(json.loads(json.dumps(to_data(plain)))) == plain


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
def test_every_condition_of_the_project_has_lark_s_tree_and_survives_json(text: str) -> None:
    assert_faithful(text)


def test_text_the_grammar_refuses_is_worded_by_lark() -> None:
    with pytest.raises(ConditionError) as caught:
        parse_condition("x is is stated")
    assert caught.value.message == "condition does not parse"
    assert caught.value.column == 6
    with pytest.raises(ConditionError) as caught:
        parse_condition("x and every y")
    assert caught.value.column == 13


def test_a_long_chain_converts_without_recursing() -> None:
    # Lark nests `a and b and c` one level per operator; 20,000 levels would exhaust Python's
    # recursion if any of the three conversions recursed.
    text = " and ".join(["x is stated"] * 20_000)
    tree = parse_condition(text)
    assert from_data(json.loads(json.dumps(to_data(tree)))) == tree


JSON = st.recursive(
    st.none() | st.booleans() | st.integers(-2, 40) | st.text(max_size=4),
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=2), inner),
    max_leaves=20,
)


@settings(max_examples=300, deadline=None)
@given(JSON)
def test_anything_else_read_back_is_refused_with_value_or_type_error(data: Any) -> None:
    try:
        node = from_data(data)
    except (ValueError, TypeError):
        return
    assert to_data(node) == data  # only what `to_data` writes is accepted


# --- Valid conditions generated from the grammar --------------------------------------------

KEYWORDS = ["every", "some", "no", "not", "is", "in", "includes", "and", "or", "where"]
KEYWORDS += ["satisfies", "stated", "unstated", "encoded", "known", "all", "undecided"]
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
    choice = draw(st.integers(-1, 2 if depth > 0 else 1))
    if choice == -1:
        return ["undecided"]
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
def test_generated_conditions_have_lark_s_tree_and_survive_json(text: str) -> None:
    assert_faithful(text)
