"""Stage 1, text -> syntax tree: exact 1-based spans, comments, string escapes, nesting limit."""

from __future__ import annotations

import pytest

from checker.errors import CheckerError
from checker.language.syntax import MAX_DEPTH, parse_syntax
from checker.language.tree import Block, Cite, Comment, Field, ListValue, Scalar, quote, unquote
from checker.spans import Span

TEXT = """\
# heading
transfer overseas {  # why
  destination = outside_cn
  data = [user.contact.email,
          user.name]
  cite "IX.1" "separate consent"
}
"""


def span(line: int, column: int, end_line: int, end_column: int) -> Span:
    return Span(line=line, column=column, end_line=end_line, end_column=end_column)


@pytest.fixture(scope="module")
def block() -> Block:
    (only,) = parse_syntax(TEXT).items
    assert isinstance(only, Block)
    return only


def test_a_block_spans_from_its_keyword_to_its_closing_brace(block: Block) -> None:
    assert block.kind == "transfer"
    assert block.kind_span == span(2, 1, 2, 9)
    assert block.name == "overseas"
    assert block.name_span == span(2, 10, 2, 18)
    assert block.span == span(2, 1, 7, 2)


def test_a_field_spans_from_its_key_to_the_end_of_its_value(block: Block) -> None:
    destination = block.items[0]
    assert isinstance(destination, Field)
    assert destination.key_span == span(3, 3, 3, 14)
    assert destination.value == Scalar("name", "outside_cn", span(3, 17, 3, 27))
    assert destination.span == span(3, 3, 3, 27)


def test_a_list_and_each_item_have_their_own_span(block: Block) -> None:
    data = block.items[1]
    assert isinstance(data, Field)
    assert isinstance(data.value, ListValue)
    assert data.value.span == span(4, 10, 5, 21)
    assert data.value.items == (
        Scalar("name", "user.contact.email", span(4, 11, 4, 29)),
        Scalar("name", "user.name", span(5, 11, 5, 20)),
    )
    assert data.span == span(4, 3, 5, 21)


def test_a_citation_spans_the_keyword_label_and_quote(block: Block) -> None:
    cite = block.items[2]
    assert cite == Cite(
        label="IX.1",
        quote="separate consent",
        label_span=span(6, 8, 6, 14),
        quote_span=span(6, 15, 6, 33),
        span=span(6, 3, 6, 33),
    )


def test_values_keep_their_lexical_kind() -> None:
    (block,) = parse_syntax('b {\n  s = "x"\n  n = 14\n  d = 2024-05-01\n  k = yes\n}').items
    assert isinstance(block, Block)
    values = [i.value for i in block.items if isinstance(i, Field)]
    kinds = [(v.kind, v.value) for v in values if isinstance(v, Scalar)]
    assert kinds == [("string", "x"), ("number", "14"), ("date", "2024-05-01"), ("name", "yes")]


def test_comments_are_collected_with_position_and_trailing_flag() -> None:
    text = '# own line\nb {  # after code\n  k = "a # not a comment"\n    # indented\n}\n#end'
    assert parse_syntax(text).comments == (
        Comment("# own line", 1, 1, trailing=False),
        Comment("# after code", 2, 6, trailing=True),
        Comment("# indented", 4, 5, trailing=False),
        Comment("#end", 6, 1, trailing=False),
    )


def test_a_comment_loses_trailing_whitespace_and_carriage_return() -> None:
    (comment,) = parse_syntax("b {}  # windows \r\n").comments
    assert comment.text == "# windows"
    assert comment.trailing


@pytest.mark.parametrize(
    ("raw", "value"),
    [
        (r'"plain"', "plain"),
        (r'"say \"hi\""', 'say "hi"'),
        (r'"back\\slash"', "back\\slash"),
        (r'"\\\""', '\\"'),
        (r'"中文，全角"', "中文，全角"),
        (r'""', ""),
    ],
)
def test_strings_are_unescaped(raw: str, value: str) -> None:
    (block,) = parse_syntax(f"b {{ s = {raw} }}").items
    assert isinstance(block, Block)
    field = block.items[0]
    assert isinstance(field, Field)
    assert isinstance(field.value, Scalar)
    assert field.value == Scalar("string", value, field.value.span)
    assert unquote(raw) == value
    assert quote(value) == raw


def test_a_citation_unescapes_label_and_quote() -> None:
    (block,) = parse_syntax(r'b { cite "§ \"1\"" "a \\ b" }').items
    assert isinstance(block, Block)
    cite = block.items[0]
    assert isinstance(cite, Cite)
    assert (cite.label, cite.quote) == ('§ "1"', "a \\ b")


def nested(depth: int) -> str:
    return "b {\n" * depth + "}\n" * depth


def test_nesting_up_to_the_limit_is_accepted() -> None:
    (block,) = parse_syntax(nested(MAX_DEPTH)).items
    assert isinstance(block, Block)
    assert block.depth == MAX_DEPTH


@pytest.mark.parametrize("depth", [MAX_DEPTH + 1, 5000])
def test_deeper_nesting_is_refused_with_e109(depth: int) -> None:
    with pytest.raises(CheckerError) as caught:
        parse_syntax(nested(depth))
    assert caught.value.code == "E109"
    assert caught.value.span == span(1, 1, 1, 2)


def test_an_empty_file_has_no_items() -> None:
    tree = parse_syntax("")
    assert tree.items == ()
    assert tree.comments == ()
