"""The fast parser agrees with the Lark grammar: same syntax tree, or it steps aside. Its comments
are the ones `comments_of` finds."""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from lark.exceptions import UnexpectedInput
from typed_values import typed

from checker.language.lark_syntax import policy_parser
from checker.language.scanner import fast_parse
from checker.language.syntax import comments_of
from checker.language.tree import SyntaxTree

ROOT = Path(__file__).resolve().parents[1]
FILES = sorted(ROOT.glob("policies/*.policy")) + sorted(ROOT.glob("tests/examples/**/*.policy"))


def lark_tree(text: str) -> SyntaxTree | None:
    """The reference: Lark's items and the comments `comments_of` finds."""
    try:
        return SyntaxTree(policy_parser().parse(text), comments_of(text))
    except UnexpectedInput:
        return None


@pytest.mark.parametrize(
    "text",
    [
        "x = cite",  # after '=', in a list and after a block's kind, `cite` is a name
        "k = [cite, a]",
        "purpose cite {\n}",
        "purpose\ncite {\n}",
        "k = [\n  a,\n  b,\n]",
        "b {} # c",
        "b {\n  k = 1 }",
        'cite\n"a"\n"b"',
        "\ufeffdocument {\r\n  k = v\r\n}\r\n",
        "\ufeff \ufeff# str.strip keeps U+FEFF: comments_of calls this comment trailing",
        "b {\n" * 40 + "}\n" * 40,
    ],
)
def test_valid_text_at_the_edges_takes_the_fast_path_to_the_same_tree(text: str) -> None:
    fast = fast_parse(text)
    assert fast is not None
    assert typed(fast) == typed(lark_tree(text))


@pytest.mark.parametrize("path", FILES, ids=[p.stem for p in FILES])
def test_every_shipped_policy_takes_the_fast_path_to_the_same_tree(path: Path) -> None:
    text = path.read_text(encoding="utf-8")
    fast = fast_parse(text)
    assert fast is not None
    assert typed(fast) == typed(lark_tree(text))


# Pieces of policy text, glued at random: most results are valid, many are not.
PIECES = st.sampled_from(
    [
        "handler",
        "collection c",
        "right access",
        " ",
        "\n",
        "\t",
        "\r\n",
        "{",
        "}",
        "[",
        "]",
        ",",
        "=",
        "cite",
        '"a"',
        '"b \\" c"',
        '"x\\\\"',
        "yes",
        "unstated",
        "all",
        "12",
        "2024-01-31",
        "2024-1-31",
        "user.contact.email",
        "a.b.",
        "# note\n",
        "\ufeff",
        "\f",
        ":",
        '"unterminated',
        'cite "l" "q"',
        "k = v",
        "k = [a, b,]",
        "x = cite",
    ]
)


@settings(max_examples=400, deadline=None)
@given(st.lists(PIECES, max_size=40).map(" ".join))
def test_the_fast_parser_never_disagrees_with_the_grammar(text: str) -> None:
    fast = fast_parse(text)
    if fast is not None:
        assert typed(fast) == typed(lark_tree(text))


@settings(max_examples=200, deadline=None)
@given(st.text(max_size=200))
def test_arbitrary_text_is_either_parsed_identically_or_handed_to_lark(text: str) -> None:
    fast = fast_parse(text)
    if fast is not None:
        assert typed(fast) == typed(lark_tree(text))


# Whole lines, most in the formatter's layout (which the scanner reads a line at a time) and some
# not, with the spellings that sit at the edges of the tokens: `cite` where a name may stand,
# dotted names, a date followed by a digit, escapes, the whitespace the grammar ignores.
SPACES = st.sampled_from(["", " ", "  ", "\t", "\f", "\r", "\ufeff", " \ufeff "])
NAMES = st.sampled_from(
    ["k", "_x1", "user.contact.email", "cite", "cite.x", "citex", "a.b.", "a..b", "é", "x-y"]
    + ["line", "line.x", "lines"]  # `line` is a keyword only right after a citation's quote
)
SCALARS = st.sampled_from(
    [
        '"a"',
        '""',
        '"# not a comment"',
        '"say \\"hi\\""',
        '"x\\\\"',
        '"bad \\n escape"',
        '"unterminated',
        "14",
        "007",
        "2024-01-31",
        "2024-01-311",
        "2024-1-31",
        "12abc",
        "yes",
        "cite",
        "cite.x",
        "user.name",
    ]
)
LISTS = st.lists(SCALARS, max_size=4).flatmap(
    lambda items: st.tuples(st.sampled_from([", ", ",", " , ", " "]), st.booleans()).map(
        lambda sep_comma: (
            "[" + sep_comma[0].join(items) + ("," if sep_comma[1] and items else "") + "]"
        )
    )
)
STATEMENTS = st.one_of(
    st.tuples(NAMES, SPACES, st.one_of(SCALARS, LISTS, st.just("[")), SPACES).map(
        lambda t: f"{t[0]}{t[1]}={t[3]}{t[2]}"
    ),
    st.tuples(SPACES, SCALARS, SPACES, SCALARS).map(lambda t: f"cite{t[0]}{t[1]}{t[2]}{t[3]}"),
    st.tuples(
        SPACES, SCALARS, SCALARS, SPACES, st.sampled_from(["line", "line.x", "lines"])
    ).flatmap(lambda t: SCALARS.map(lambda n: f"cite {t[1]}{t[0]}{t[2]}{t[3]}{t[4]} {n}")),
    st.sampled_from(["line 3", "line", "line3", "line 2024-01-01", "line = 3"]),
    st.tuples(NAMES, st.sampled_from(["", " "]), NAMES, SPACES).map(
        lambda t: f"{t[0]} {t[1]}{t[2]}{t[3]}{{"
    ),
    st.tuples(NAMES, SPACES).map(lambda t: f"{t[0]}{t[1]}{{"),
    st.sampled_from(["}", "{", "]", "} }", "{}", "", "=", ",", "cite"]),
    SCALARS,
    PIECES,
)
COMMENTS = st.sampled_from(["", "# c", "#", "#x ", "# a \r", "# # \u3000", '# "q"'])
LINES = st.tuples(SPACES, STATEMENTS, SPACES, COMMENTS).map("".join)


# At least 500 examples; more under `--hypothesis-profile=fuzz` (profiles: tests/conftest.py).
MANY = settings(max_examples=max(500, settings().max_examples), deadline=None)


@MANY
@given(st.lists(LINES, max_size=30).map("\n".join))
def test_lines_in_any_layout_parse_as_the_grammar_says(text: str) -> None:
    fast = fast_parse(text)
    reference = lark_tree(text)
    if fast is not None:
        assert typed(fast) == typed(reference)
    else:  # valid text always takes the fast path
        assert reference is None


# Valid statements, token by token, laid out mostly one statement per line (as the formatter
# writes them, which the scanner reads a line at a time) and sometimes broken or joined anywhere.
VALID_SCALARS = st.sampled_from(
    ['"a"', '""', '"# no"', '"say \\"hi\\""', '"x\\\\"', "14", "007", "2024-01-31"]
    + ["yes", "cite", "cite.x", "user.name", "_"]
)
VALID_NAMES = st.sampled_from(["k", "_x1", "user.contact.email", "cite.x", "citex", "lines"])
INSIDE = st.sampled_from([*[" "] * 6, "  ", "\t", "\f", "\ufeff", "\n", " # c\n"])
BETWEEN = st.sampled_from(["\n", "\n", "\n  ", "\r\n", "  # note \n", "\n\n", " ", "\n\ufeff"])


@st.composite
def statements(draw: st.DrawFn, depth: int = 0) -> list[str]:
    """The tokens of one statement, each ending in the separator that follows it."""
    kind = draw(st.sampled_from(["field", "list", "cite", "block"] if depth < 3 else ["field"]))
    if kind == "field":
        tokens = [draw(VALID_NAMES), "=", draw(VALID_SCALARS)]
    elif kind == "list":
        values = draw(st.lists(VALID_SCALARS, max_size=4))
        tokens = [draw(VALID_NAMES), "=", "["]
        for value in values:
            tokens += [value, ","]
        if values and draw(st.booleans()):
            tokens.pop()  # no trailing comma
        tokens.append("]")
    elif kind == "cite":
        tokens = ["cite", draw(VALID_SCALARS.filter(lambda v: v.startswith('"')))]
        tokens.append(draw(VALID_SCALARS.filter(lambda v: v.startswith('"'))))
        if draw(st.booleans()):  # the place meant, when the words occur more than once
            tokens += ["line", draw(st.sampled_from(["1", "12", "007"]))]
    else:
        tokens = [draw(st.sampled_from(["b", "purpose", "a.b"]))]
        tokens += draw(st.sampled_from([[], ["x"], ["cite"], ["user.name"]]))
        tokens.append("{" + draw(BETWEEN))
        for _ in range(draw(st.integers(0, 4))):
            tokens += draw(statements(depth + 1))
        tokens.append("}")
    spaced = [
        token if token.endswith(("\n", " ")) else token + draw(INSIDE) for token in tokens[:-1]
    ]
    return [*spaced, tokens[-1] + draw(BETWEEN)]


@MANY
@given(st.lists(statements(), max_size=5).map(lambda s: "".join(t for tokens in s for t in tokens)))
def test_valid_text_in_any_layout_takes_the_fast_path_to_the_same_tree(text: str) -> None:
    fast = fast_parse(text)
    assert fast is not None
    assert typed(fast) == typed(lark_tree(text))
