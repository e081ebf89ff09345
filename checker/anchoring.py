"""Stage 3: quote anchoring. Every quote must occur in the notice's source text.

Matching ignores what typing a quote cannot preserve: typographic quotes and apostrophes, dashes,
non-breaking and other unusual spaces, zero-width characters, letter case, and runs of whitespace
(line breaks included). A quote that does not occur is an error at the quote, with the closest
passage of the notice suggested; a quote that does is given the notice line it sits on.
"""

from __future__ import annotations

import bisect
import difflib
import re
from dataclasses import dataclass
from functools import lru_cache

from checker.errors import CheckerError, ErrorList
from checker.facts import Citation, Fact, Policy

_TRANSLATE = str.maketrans(
    {
        "\u2018": "'",
        "\u2019": "'",
        "\u201a": "'",
        "\u201b": "'",
        "\u2032": "'",
        "\u201c": '"',
        "\u201d": '"',
        "\u201e": '"',
        "\u201f": '"',
        "\u2033": '"',
        "\u00ab": '"',
        "\u00bb": '"',
        "\u2010": "-",
        "\u2011": "-",
        "\u2012": "-",
        "\u2013": "-",
        "\u2014": "-",
        "\u2212": "-",
        "\u00a0": " ",
        "\u2007": " ",
        "\u202f": " ",
        "\u3000": " ",
        "\u200b": "",
        "\u200c": "",
        "\u200d": "",
        "\ufeff": "",
    }
)
_SPACES = re.compile(r"\s+")


def normalise(text: str) -> str:
    """The form in which quotes and notices are compared."""
    return _SPACES.sub(" ", text.translate(_TRANSLATE)).strip().casefold()


@dataclass(frozen=True)
class Notice:
    """A source text prepared for searching: its normalised form and a way back to line numbers."""

    text: str
    normal: str
    starts: tuple[int, ...]
    """For each normalised character of a line start, used to map matches back to lines."""
    lines: tuple[int, ...]


@lru_cache(maxsize=64)
def prepare(text: str) -> Notice:
    """Normalise a notice once; line numbers survive as a sorted table of (offset, line)."""
    pieces: list[str] = []
    starts: list[int] = []
    lines: list[int] = []
    length = 0
    for number, line in enumerate(text.splitlines(), start=1):
        part = normalise(line)
        if not part:
            continue
        if pieces:
            pieces.append(" ")
            length += 1
        starts.append(length)
        lines.append(number)
        pieces.append(part)
        length += len(part)
    return Notice(text, "".join(pieces), tuple(starts), tuple(lines))


def find_quote(notice: Notice, quote: str) -> int | None:
    """The notice line where `quote` begins, or None when it does not occur."""
    needle = normalise(quote)
    if not needle:
        return None
    at = notice.normal.find(needle)
    if at < 0:
        return None
    index = bisect.bisect_right(notice.starts, at) - 1
    return notice.lines[max(index, 0)]


def closest_passage(notice: Notice, quote: str, limit: int = 160) -> str | None:
    """The stretch of the notice most like `quote`, to suggest when it is not found."""
    needle = normalise(quote)
    words = notice.normal.split(" ")
    width = max(1, len(needle.split(" ")))
    best, best_ratio = None, 0.0
    matcher = difflib.SequenceMatcher(autojunk=False)
    matcher.set_seq2(needle)
    step = max(1, width // 4)
    for start in range(0, max(1, len(words) - width + 1), step):
        window = " ".join(words[start : start + width])
        matcher.set_seq1(window)
        if matcher.real_quick_ratio() <= best_ratio or matcher.quick_ratio() <= best_ratio:
            continue
        ratio = matcher.ratio()
        if ratio > best_ratio:
            best, best_ratio = window, ratio
    if best is None or best_ratio < 0.5:
        return None
    return best if len(best) <= limit else best[: limit - 1] + "…"


def anchor(policy: Policy, source_text: str) -> Policy:
    """Check every quote against the notice and record where each was found."""
    notice = prepare(source_text)
    errors: list[CheckerError] = []
    statements = []
    for fact in policy.statements:
        cites = []
        for cite in fact.cites:
            line = find_quote(notice, cite.quote)
            if line is None:
                errors.append(_not_found(policy, notice, cite))
                cites.append(cite)
            else:
                cites.append(cite.model_copy(update={"notice_line": line}))
        statements.append(_with_cites(fact, tuple(cites)))
    if errors:
        raise ErrorList(errors)
    document = next(s for s in statements if s.KIND == "document")
    return policy.model_copy(update={"statements": tuple(statements), "document": document})


def _with_cites(fact: Fact, cites: tuple[Citation, ...]) -> Fact:
    return fact if cites == fact.cites else fact.model_copy(update={"cites": cites})


def _not_found(policy: Policy, notice: Notice, cite: Citation) -> CheckerError:
    passage = closest_passage(notice, cite.quote)
    return CheckerError(
        "E302",
        f'quote "{_short(cite.quote)}" (clause {cite.label}) is not in {policy.document.source}',
        path=policy.path,
        span=cite.quote_span,
        expected="words copied from the notice (quotes, spaces and case may differ)",
        hint=f'the closest passage is "{passage}"' if passage else
        "the notice may have changed since this fact was encoded",
    )


def _short(text: str, limit: int = 60) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"
