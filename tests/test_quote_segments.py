"""`anchoring.quote_segments`: the characters of the notice that the evidence report marks.

The property: whatever a quote is matched against, the marked characters of the notice's own
text, put back together, normalise to the quote. So the report marks exactly the words the
anchoring stage found, however the notice is typeset (curly quotes, no-break and zero-width
spaces, tabs, line breaks, letters whose case folding is longer, such as ß).
"""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from checker.notice.anchoring import find_quote, normalise, prepare, quote_segments

ALPHABET = "abcß ABC.\n\t\u00a0\u200b\u2019\u201c\u2014\u3000İ"


def _marked(text: str, segments: tuple[tuple[int, int, int], ...]) -> str:
    lines = text.split("\n")
    return "\n".join(lines[number - 1][start:end] for number, start, end in segments)


@given(st.text(alphabet=ALPHABET, max_size=80), st.data())
def test_the_marked_characters_normalise_to_the_quote(text: str, data: st.DataObject) -> None:
    start = data.draw(st.integers(0, len(text)))
    end = data.draw(st.integers(start, len(text)))
    quote = text[start:end]
    notice = prepare(text)
    segments = quote_segments(notice, quote)
    if not normalise(quote):
        assert segments == ()
        return
    assert segments, "a quote taken from the notice was not found"
    assert normalise(_marked(text, segments)) == normalise(quote)
    assert segments[0][0] == find_quote(notice, quote)


def test_a_quote_across_lines_is_marked_on_each_line() -> None:
    text = "Intro\n\nWe “share” your\u00a0data   with\n  Partners  Ltd.\nEnd"
    segments = quote_segments(prepare(text), '"share" your data with partners')
    assert segments == ((3, 3, 27), (4, 2, 10))
    assert _marked(text, segments) == "“share” your\u00a0data   with\nPartners"


def test_a_quote_not_in_the_notice_marks_nothing() -> None:
    assert quote_segments(prepare("We share nothing."), "we sell everything") == ()


def test_a_quote_that_occurs_twice_is_marked_where_anchoring_placed_it() -> None:
    text = "Contact us.\nWe share data.\nContact us.\n"
    notice = prepare(text)
    assert quote_segments(notice, "contact us") == ((1, 0, 10),)
    assert quote_segments(notice, "contact us", 1) == ((1, 0, 10),)
    assert quote_segments(notice, "contact us", 3) == ((3, 0, 10),)
    assert quote_segments(notice, "contact us", 2) == ()
