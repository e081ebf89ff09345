"""The fast parser agrees with the Lark grammar: same syntax tree, or it steps aside."""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from lark.exceptions import UnexpectedInput

from checker.scanner import fast_parse
from checker.syntax import policy_parser

ROOT = Path(__file__).resolve().parents[1]
FILES = sorted(ROOT.glob("policies/*.policy")) + sorted(ROOT.glob("tests/examples/**/*.policy"))


def lark_items(text: str) -> object:
    try:
        return policy_parser().parse(text)
    except UnexpectedInput:
        return None


@pytest.mark.parametrize("path", FILES, ids=[p.stem for p in FILES])
def test_every_shipped_policy_takes_the_fast_path_to_the_same_tree(path: Path) -> None:
    text = path.read_text(encoding="utf-8")
    fast = fast_parse(text)
    assert fast is not None
    assert fast == lark_items(text)


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
        assert fast == lark_items(text)


@settings(max_examples=200, deadline=None)
@given(st.text(max_size=200))
def test_arbitrary_text_is_either_parsed_identically_or_handed_to_lark(text: str) -> None:
    fast = fast_parse(text)
    if fast is not None:
        assert fast == lark_items(text)
