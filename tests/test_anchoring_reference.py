"""Quote anchoring agrees with its plain definition.

`checker.notice.anchoring` normalises with whole-text `str.replace` passes and `str.split` instead of a
regular expression per line, for speed. The definitions it must agree with are kept here, written
the direct way: translate, replace every run of `\\s` by one space, strip, case-fold; for a notice,
do that line by line, leave out the empty lines and join the rest with single spaces.
"""

from __future__ import annotations

import re
import sys
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from checker.notice.anchoring import (
    _INLINE_SPACES,
    _TRANSLATE,
    Notice,
    _plain,
    anchor,
    find_quote,
    normalise,
    prepare,
)
from checker.notice.loading import parse_policy

_RUNS = re.compile(r"\s+")


def reference_normalise(text: str) -> str:
    return _RUNS.sub(" ", text.translate(_TRANSLATE)).strip().casefold()


def reference_prepare(text: str) -> Notice:
    pieces: list[str] = []
    starts: list[int] = []
    lines: list[int] = []
    length = 0
    for number, line in enumerate(text.split("\n"), start=1):
        part = _RUNS.sub(" ", line.translate(_TRANSLATE)).strip()
        if not part:
            continue
        if pieces:
            pieces.append(" ")
            length += 1
        starts.append(length)  # where the line starts in the case-folded text
        lines.append(number)
        pieces.append(part)
        length += len(part.casefold())
    shown = "".join(pieces)
    return Notice(text, shown.casefold(), tuple(starts), tuple(lines), shown)


def reference_find(notice: Notice, quote: str) -> int | None:
    needle = reference_normalise(quote)
    at = notice.normal.find(needle) if needle else -1
    if at < 0:
        return None
    below = [n for start, n in zip(notice.starts, notice.lines, strict=True) if start <= at]
    return below[-1] if below else notice.lines[0]


EVERY_CHARACTER = "".join(map(chr, range(sys.maxunicode + 1)))
WHITESPACE = "".join(filter(str.isspace, EVERY_CHARACTER))

# Text made mostly of what normalisation has to deal with: every character the table maps, every
# whitespace character, letters whose case folding changes their length, and ordinary words.
TRICKY = sorted({chr(c) for c in _TRANSLATE} | set(WHITESPACE) | set("ßİﬁΣς"))
pieces = st.one_of(
    st.sampled_from(TRICKY),
    st.sampled_from(["\n", "  ", " \n ", "\r\n", "\n\n"]),
    st.sampled_from(["data", "Consent", "the", "abroad", "a"]),
    st.characters(),
)
texts = st.lists(pieces, max_size=60).map("".join)


def test_whitespace_is_the_same_for_split_strip_and_the_regular_expression() -> None:
    """`str.split()`/`str.strip()` take exactly the characters `\\s` matches for whitespace."""
    assert set(re.findall(r"\s", EVERY_CHARACTER)) == set(WHITESPACE)
    spaced = "x".join(EVERY_CHARACTER)
    assert " ".join(spaced.split()) == _RUNS.sub(" ", spaced).strip()
    assert all(not c.strip() for c in WHITESPACE)


def test_the_inline_spaces_are_all_whitespace_but_space_and_line_feed() -> None:
    assert sorted(_INLINE_SPACES) == sorted(set(WHITESPACE) - {" ", "\n"})


def test_plain_translates_every_character_as_the_table_does() -> None:
    assert _plain(EVERY_CHARACTER) == EVERY_CHARACTER.translate(_TRANSLATE)


@given(texts)
def test_plain_is_translate(text: str) -> None:
    assert _plain(text) == text.translate(_TRANSLATE)


@given(texts)
def test_normalise_agrees_with_its_definition(text: str) -> None:
    assert normalise(text) == reference_normalise(text)


@settings(max_examples=300)
@given(texts)
def test_prepare_agrees_with_its_definition(text: str) -> None:
    assert prepare.__wrapped__(text) == reference_prepare(text)


@given(texts, st.data())
def test_find_quote_agrees_with_its_definition(text: str, data: st.DataObject) -> None:
    notice = prepare.__wrapped__(text)
    # A quote taken from the notice itself, most of the time, so that most are found.
    start = data.draw(st.integers(0, len(text)))
    end = data.draw(st.integers(start, len(text)))
    quote = data.draw(st.one_of(st.just(text[start:end]), texts))
    assert find_quote(notice, quote) == reference_find(notice, quote)


def test_long_runs_of_whitespace_collapse() -> None:
    text = "a" + " " * 100_001 + "b\n" + "\t \u3000" * 1000 + "\n c" + " \u200b " * 5000 + "d"
    assert prepare.__wrapped__(text) == reference_prepare(text)


SOURCES = sorted((Path(__file__).parent.parent / "policies" / "sources").glob("*.txt"))


@pytest.mark.parametrize("path", SOURCES, ids=lambda p: p.name)
def test_the_real_notices_are_prepared_as_defined(path: Path) -> None:
    text = path.read_text(encoding="utf-8")
    assert prepare.__wrapped__(text) == reference_prepare(text)


NOTICE = "Intro\n\nWe collect your name.\nWe share it with partners.\n"
POLICY = """\
document {
  title         = "Shop"
  source        = "notice.txt"
  jurisdictions = [cn]
}

handler {
  legal_name = "Shop Ltd."
  cite "1" "we collect your name"
  cite "2" "share it with partners"
}
"""


def test_anchoring_twice_changes_nothing_more() -> None:
    once = anchor(parse_policy(POLICY, "shop.policy"), NOTICE)
    twice = anchor(once, NOTICE)
    assert twice == once
    assert [c.notice_line for s in twice.statements for c in s.cites] == [3, 4]
    # A fact whose citations already hold their lines is kept, not copied.
    assert all(a is b for a, b in zip(twice.statements, once.statements, strict=True))


def test_a_fact_without_citations_is_kept() -> None:
    policy = parse_policy(POLICY, "shop.policy")
    anchored = anchor(policy, NOTICE)
    assert not policy.statements[0].cites
    assert anchored.statements[0] is policy.statements[0] is anchored.document
