"""Stage 3, quote anchoring: what matching forgives, where a quote was found, what is suggested."""

from __future__ import annotations

import pytest

from checker.errors import ErrorList
from checker.notice.anchoring import anchor, closest_passage, find_quote, normalise, prepare
from checker.notice.loading import parse_policy
from checker.spans import Span

NOTICE = """\
Example Shop Privacy Notice

1. Who we are. Example Shop Ltd. is the \u201chandler\u201d of your personal information.

2. What we collect. When you register we collect your name,
email address and phone number to create your account. We don\u2019t sell it.

3. Transfers. We obtain your separate\u00a0authorization and consent before sending data abroad.
"""


@pytest.mark.parametrize(
    ("written", "in_notice"),
    [
        ('the "handler"', "the \u201chandler\u201d"),
        ("don't", "don\u2019t"),
        ("separate authorization", "separate\u00a0authorization"),
        ("narrow no-break", "narrow\u202fno-break"),
        ("SEPARATE Consent", "separate consent"),
        ("name, email", "name,\nemail"),
        ("name, email", "name,\r\n   email"),
        ("two  spaces", "two spaces"),
        ("en-dash", "en\u2013dash"),
        ("zero width", "zero \u200bwidth"),
        ("  padded  ", "padded"),
    ],
)
def test_normalisation_forgives_what_typing_a_quote_loses(written: str, in_notice: str) -> None:
    assert normalise(written) == normalise(in_notice)


def test_normalisation_keeps_words_apart() -> None:
    assert normalise("data abroad") != normalise("dataabroad")


@pytest.mark.parametrize(
    ("quote", "line"),
    [
        ("Example Shop Privacy Notice", 1),
        ('the "handler" of your personal information', 3),
        ("we collect your name, email address", 5),
        ("email address and phone number", 6),
        ("We don't sell it", 6),
        ("separate authorization and consent", 8),
    ],
)
def test_a_found_quote_gives_the_notice_line_where_it_begins(quote: str, line: int) -> None:
    assert find_quote(prepare(NOTICE), quote) == line


@pytest.mark.parametrize("quote", ["we sell it", "", "   ", "consent before sending data to mars"])
def test_a_missing_or_empty_quote_is_not_found(quote: str) -> None:
    assert find_quote(prepare(NOTICE), quote) is None


def test_a_form_feed_does_not_shift_notice_lines() -> None:
    """Lines are counted at line feeds only, as editors and the parser count them."""
    notice = "Page one\x0cstill line one\nline two has the quote\n"
    assert find_quote(prepare(notice), "the quote") == 2


def test_the_closest_passage_is_suggested_for_a_near_miss() -> None:
    passage = closest_passage(prepare(NOTICE), "We obtain your explicit authorization and consent")
    assert passage is not None
    assert "separate authorization and consent" in passage


def test_nothing_is_suggested_when_nothing_is_close() -> None:
    assert closest_passage(prepare(NOTICE), "zzzz qqqq xxxx") is None


POLICY = """\
document {
  title         = "Example Shop"
  source        = "notice.txt"
  jurisdictions = [cn]
}

handler {
  legal_name = "Example Shop Ltd."
  cite "1" "Example Shop Ltd. is the \\"handler\\""
}

transfer abroad {
  consent = separate
  cite "3" "obtain your SEPARATE authorization and consent"
  cite "2" "phone number to create your account"
}
"""


def test_anchoring_records_the_notice_line_of_every_citation() -> None:
    policy = anchor(parse_policy(POLICY, "shop.policy"), NOTICE)
    lines = {(c.label, c.notice_line) for s in policy.statements for c in s.cites}
    assert lines == {("1", 3), ("3", 8), ("2", 6)}
    assert policy.document is policy.statements[0]


def test_a_quote_not_in_the_notice_is_e302_at_the_quote_with_the_closest_passage() -> None:
    bad = POLICY.replace("obtain your SEPARATE", "obtain your explicit")
    with pytest.raises(ErrorList) as caught:
        anchor(parse_policy(bad, "shop.policy"), NOTICE)
    (error,) = caught.value.errors
    assert error.code == "E302"
    assert error.path == "shop.policy"
    assert error.span == Span(line=14, column=12, end_line=14, end_column=60)
    assert "clause 3" in error.message and "notice.txt" in error.message
    assert error.hint is not None and "separate authorization and consent" in error.hint


def test_every_missing_quote_is_reported() -> None:
    bad = POLICY.replace("Example Shop Ltd. is", "Sample Ltd. is").replace("phone number", "fax")
    with pytest.raises(ErrorList) as caught:
        anchor(parse_policy(bad, "shop.policy"), NOTICE)
    assert sorted(e.span.line for e in caught.value.errors if e.span) == [9, 15]


def test_a_quote_after_letters_that_fold_longer_is_given_its_own_line() -> None:
    """`ß` folds to `ss`: line starts must be counted in the folded text, not the shown one."""
    from checker.notice.anchoring import find_quote, prepare

    notice = prepare("ßßßß ab\ncd\n")
    assert find_quote(notice, "ab") == 1
    assert find_quote(notice, "cd") == 2
    assert find_quote(notice, "SSSS") == 1


def test_anchoring_copies_only_the_facts_whose_citations_moved() -> None:
    """Anchored facts are the facts with new citations; the policy's indexes are made anew."""
    import dataclasses
    from pathlib import Path

    from checker.notice.anchoring import anchor
    from checker.notice.loading import parse_policy

    root = Path(__file__).resolve().parents[1] / "policies"
    path = root / "company_app.policy"
    policy = parse_policy(path.read_text(encoding="utf-8"), str(path))
    assert policy.of_kind("collection")  # computes the index, which anchoring must not carry over
    notice = (root / (policy.document.source or "")).read_text(encoding="utf-8")
    anchored = anchor(policy, notice)
    moved = 0
    for before, after in zip(policy.statements, anchored.statements, strict=True):
        if after is before:
            continue
        moved += 1
        assert after == dataclasses.replace(before, cites=after.cites)
        assert after.cites != before.cites
    assert moved
    assert anchored.document is anchored.statements[0]
    collections = [s for s in anchored.statements if s.KIND == "collection"]
    assert len(anchored.of_kind("collection")) == len(collections)
    assert all(a is b for a, b in zip(anchored.of_kind("collection"), collections, strict=True))
