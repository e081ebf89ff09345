"""Quotes whose words occur in more than one place of the notice: the warning, `line N`, E303, and
where `coverage` says each quote landed."""

from __future__ import annotations

import datetime
import json
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from checker.cli import main
from checker.commands.lint_cache import decode, encode
from checker.errors import ErrorList
from checker.language.formatter import format_text
from checker.language.lark_syntax import policy_parser
from checker.language.scanner import fast_parse
from checker.language.syntax import parse_syntax
from checker.notice.anchoring import anchor, chosen_place, places, prepare
from checker.notice.loading import parse_policy
from checker.rules.engine import evaluate

NOTICE = """\
Example Shop Privacy Notice

1. Contact. Write to privacy@shop.example.

2. Your rights. To see or delete your data, write to privacy@shop.example.
3. Contact us again: write to privacy@shop.example. Or write to privacy@shop.example.
"""

HEAD = """\
document {
  title         = "Example Shop Privacy Notice"
  source        = "notice.txt"
  jurisdictions = [cn]
}
"""


def handler(cite: str) -> str:
    return HEAD + f'handler {{\n  legal_name = "Example Shop Ltd."\n  {cite}\n}}\n'


def test_every_place_is_found_once_per_line_it_begins_on() -> None:
    found = places(prepare(NOTICE), "WRITE TO privacy@shop.example")
    # line 6 holds the words twice: one place
    assert [(p.first, p.last) for p in found] == [(3, 3), (5, 5), (6, 6)]
    assert places(prepare(NOTICE), "nowhere in the notice") == ()


def test_a_place_spanning_lines_ends_on_the_line_the_words_end() -> None:
    (place,) = places(prepare(NOTICE), "privacy@shop.example. 3. Contact us again")
    assert (place.first, place.last) == (5, 6)


def test_an_ambiguous_quote_is_anchored_at_the_first_place_and_remembers_the_others() -> None:
    policy = anchor(parse_policy(handler('cite "1" "write to privacy@shop.example"'), "s"), NOTICE)
    (cite,) = policy.of_kind("handler")[0].cites
    assert (cite.notice_line, cite.places, cite.ambiguous) == (3, (3, 5, 6), True)


def test_line_n_chooses_the_place_and_settles_the_ambiguity() -> None:
    text = handler('cite "2" "write to privacy@shop.example" line 5')
    policy = anchor(parse_policy(text, "s"), NOTICE)
    (cite,) = policy.of_kind("handler")[0].cites
    assert (cite.notice_line, cite.places, cite.ambiguous) == (5, (3, 5, 6), False)
    assert evaluate(policy, [], datetime.date(2026, 1, 1)).extra == ()


@pytest.mark.parametrize("line", [0, 1, 4, 99])
def test_line_n_where_the_quote_does_not_begin_is_e303_at_the_number(line: int) -> None:
    text = handler(f'cite "2" "write to privacy@shop.example" line {line}')
    with pytest.raises(ErrorList) as caught:
        anchor(parse_policy(text, "shop.policy"), NOTICE)
    (error,) = caught.value.errors
    assert error.code == "E303"
    assert error.span is not None and error.span.line == 8
    number = text.split("\n")[7][error.span.column - 1 : error.span.end_column - 1]
    assert number == str(line)
    assert "lines 3, 5, 6" in error.message
    assert error.hint == "write the line of the place meant: `line 3` or `line 5`, …"


def test_line_n_on_a_quote_that_occurs_once_must_still_be_right() -> None:
    text = handler('cite "1" "Example Shop Privacy Notice" line 2')
    with pytest.raises(ErrorList) as caught:
        anchor(parse_policy(text, "shop.policy"), NOTICE)
    (error,) = caught.value.errors
    assert error.code == "E303" and "begins on line 1" in error.message
    assert error.hint is not None and "leave `line` out" in error.hint


def test_the_engine_warns_at_each_ambiguous_quote_naming_its_places() -> None:
    text = handler('cite "1" "write to privacy@shop.example"')
    policy = anchor(parse_policy(text, "shop.policy"), NOTICE)
    (finding,) = evaluate(policy, [], datetime.date(2026, 1, 1)).extra
    assert (finding.id, finding.severity, finding.path) == (
        "QUOTE-AMBIGUOUS",
        "warning",
        "shop.policy",
    )
    assert finding.span == policy.of_kind("handler")[0].cites[0].quote_span
    assert "3 places" in finding.message and "lines 3, 5, 6" in finding.message
    assert finding.remedy is not None and "line N" in finding.remedy


@given(st.lists(st.sampled_from(["a b", "b a", "a", "x", "\n", " "]), max_size=12), st.data())
def test_every_place_begins_where_the_words_occur_and_line_n_picks_exactly_it(
    pieces: list[str], data: st.DataObject
) -> None:
    notice = prepare("".join(pieces))
    found = places(notice, "a b")
    firsts = [p.first for p in found]
    assert firsts == sorted(set(firsts))
    text_lines = "".join(pieces).split("\n")
    for place in found:
        # the words begin on that line: the line (with what follows) holds them
        rest = " ".join(line.strip() for line in text_lines[place.first - 1 :] if line.strip())
        assert "a b" in " ".join(rest.split())
    if found:
        pick = data.draw(st.sampled_from(found))
        assert chosen_place(found, pick.first) == pick
        assert chosen_place(found, None) == found[0]
    assert chosen_place(found, 10_000) is None


@pytest.mark.parametrize(
    "text",
    [
        'handler {\n  cite "a" "b" line 3\n}\n',
        'handler { cite "a" "b" line 3 }',
        'handler {\n  cite "a" "b"\n  line 3\n}\n',
        'handler {\n  cite "a" "b" line 3\n  line = 4\n}\n',
        'handler {\n  cite "a" "b" line 3  # the second heading\n}\n',
        "handler {\n  line = 4\n}\n",
        'h {\n cite "a" "b" line.x = 3\n}\n',
    ],
)
def test_the_fast_path_and_the_grammar_read_line_n_alike(text: str) -> None:
    fast = fast_parse(text)
    assert fast is not None
    assert fast.items == policy_parser().parse(text)


@pytest.mark.parametrize(
    ("text", "code"),
    [
        ('handler {\n  cite "a" "b" line\n}\n', "E111"),
        ('handler {\n  cite "a" "b" line "3"\n}\n', "E111"),
        ('handler {\n  cite "a" "b"\n  line = 3\n}\n', None),
        ('handler {\n  cite "a" "b" line 2020-01-01\n}\n', None),
    ],
)
def test_a_broken_line_n_is_a_located_syntax_error(text: str, code: str | None) -> None:
    assert fast_parse(text) is None
    with pytest.raises(Exception) as caught:
        parse_syntax(text)
    error = caught.value
    assert getattr(error, "span", None) is not None
    if code is not None:
        assert getattr(error, "code", None) == code
        assert "`line`" in str(error)


def test_the_formatter_keeps_line_n_on_the_citation() -> None:
    text = handler('cite "2"   "write to privacy@shop.example"\n  line   5')
    formatted = format_text(text)
    assert 'cite "2" "write to privacy@shop.example" line 5\n' in formatted
    assert format_text(formatted) == formatted


def test_the_cache_keeps_places_and_line_n() -> None:
    text = handler('cite "1" "write to privacy@shop.example"')
    policy = anchor(parse_policy(text, "shop.policy"), NOTICE)
    report = evaluate(policy, [], datetime.date(2026, 1, 1))
    assert decode(encode(report)) == report
    assert decode(encode(report)).extra[0].evidence[0].cites[0].places == (3, 5, 6)


@pytest.fixture
def shop(tmp_path: Path) -> Path:
    (tmp_path / "notice.txt").write_text(NOTICE, encoding="utf-8")
    policy = tmp_path / "shop.policy"
    policy.write_text(
        HEAD + "handler {\n"
        '  legal_name = "Example Shop Ltd."\n'
        '  cite "1" "write to privacy@shop.example"\n'
        '  cite "2" "write to privacy@shop.example" line 5\n'
        "}\n"
        'irrelevant rest {\n  reason = "title"\n  cite "0" "Example Shop Privacy Notice"\n}\n',
        encoding="utf-8",
    )
    return policy


def test_lint_shows_the_warning_at_the_quote_and_fails_only_when_asked(
    shop: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    args = ["lint", "--no-cache", "--requirements", "pipl", str(shop)]
    main(args)
    out = capsys.readouterr().out
    assert f"{shop}:8:12: warning QUOTE-AMBIGUOUS" in out
    assert "lines 3, 5, 6" in out
    assert out.rstrip().endswith("; 1 ambiguous quote")
    assert main([*args, "--select", "QUOTE", "--fail-on", "warning"]) == 1
    capsys.readouterr()
    assert main([*args, "--select", "QUOTE"]) == 0


def test_coverage_shows_where_each_quote_landed(
    shop: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["coverage", "--format", "json", str(shop)]) == 0
    (entry,) = json.loads(capsys.readouterr().out)
    landed = [
        (q["policy_line"], q["notice_line"], q["paragraph"], q["places"], q["ambiguous"])
        for q in entry["quotes"]
    ]
    assert landed == [
        (8, 3, 2, [3, 5, 6], True),
        (9, 5, 3, [3, 5, 6], False),
        (13, 1, 1, [1], False),
    ]

    assert main(["coverage", str(shop)]) == 0  # the ambiguous quote is always listed
    out = capsys.readouterr().out
    assert f"{shop}:8:3:" in out and "notice.txt:3 (paragraph 2); ambiguous" in out
    assert f"{shop}:9:3:" not in out
    assert main(["coverage", "--quotes", str(shop)]) == 0  # every quote, on request
    out = capsys.readouterr().out
    assert f"{shop}:9:3:" in out and "by `line 5`; its words also begin on lines 3, 6" in out
    assert (
        f'{shop}:13:3: "Example Shop Privacy Notice" (clause 0) -> notice.txt:1 (paragraph 1)'
        in out
    )
