"""Stage 3: quote anchoring. Every quote must occur in the notice's source text.

Matching ignores what typing a quote cannot preserve: typographic quotes and apostrophes, dashes,
non-breaking and other unusual spaces, zero-width characters, letter case, and runs of whitespace
(line breaks included). A quote that does not occur is an error at the quote, with the closest
passage of the notice suggested; a quote that does is given the notice line it sits on.

The same words may occur in several places (a heading repeated in the text, a sentence the notice
says twice). Every place is recorded on the citation, one per notice line the words begin on; the
citation is anchored at the first, unless it names the place it means with `line N` after the
quote. A `line N` that is not one of the places is an error. A quote that still has several
places is not an error (the notice's words are there) but is reported as a warning by the engine,
since which place the fact rests on is then left to chance.
"""

from __future__ import annotations

import bisect
import dataclasses
import difflib
from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache

from checker.errors import MAX_ERRORS, CheckerError, ErrorList, capped
from checker.language.citations import Citation
from checker.language.facts import Document, Policy
from checker.spans import Span

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
_PLAIN = tuple((chr(odd), plain or "") for odd, plain in _TRANSLATE.items())
"""The table as (character, replacement) pairs, for `_plain`."""

_INLINE_SPACES = (
    "\t\x0b\x0c\r\x1c\x1d\x1e\x1f\x85\xa0\u1680\u2000\u2001\u2002\u2003\u2004\u2005\u2006"
    "\u2007\u2008\u2009\u200a\u2028\u2029\u202f\u205f\u3000"
)
"""Every character `str.split()` and `str.strip()` take for whitespace, but the space and the line
feed. (These are also exactly what the regular expression `\\s` matches; tests check both.)"""


def _plain(text: str) -> str:
    """`text.translate(_TRANSLATE)`, without its cost on long non-ASCII text.

    `str.translate` looks every character up in the table, which makes it the slowest step on a
    notice; a notice holds few of the characters the table maps, and `in` and `replace` find them
    at memory-scan speed. Replacing one character after another gives the same result because no
    replacement is itself a character of the table.
    """
    if text.isascii():  # the table maps no ASCII character
        return text
    for odd, plain in _PLAIN:
        if odd in text:
            text = text.replace(odd, plain)
    return text


def normalise(text: str) -> str:
    """The form in which quotes and notices are compared."""
    # `str.split()` splits at runs of the characters the regular expression `\s` matches, so this
    # is `re.sub(r"\s+", " ", ...).strip()`, faster.
    return " ".join(_plain(text).split()).casefold()


@dataclass(frozen=True)
class Notice:
    """A source text prepared for searching: its normalised form and a way back to line numbers."""

    text: str
    normal: str
    starts: tuple[int, ...]
    """Offset in `normal` of each non-blank line's first character, to map matches to lines."""
    lines: tuple[int, ...]
    shown: str = ""
    """`normal` before case folding: what a suggestion quotes back to the user."""


@lru_cache(maxsize=64)
def prepare(text: str) -> Notice:
    """Normalise a notice once; line numbers survive as a sorted table of (offset, line)."""
    # Each line is normalised as `normalise` does (but for case), the empty ones left out, and
    # the rest joined by single spaces. The work is done on the whole text at once: every
    # whitespace character but the line feed becomes a space and runs of spaces are halved until
    # none is left, so that each line need only be stripped.
    plain = _plain(text)
    for space in _INLINE_SPACES:
        if space in plain:
            plain = plain.replace(space, " ")
    while "  " in plain:
        plain = plain.replace("  ", " ")
    pieces: list[str] = []
    starts: list[int] = []
    lines: list[int] = []
    length = 0
    # Lines are counted at line feeds only, as editors and the policy parser count them
    # (`str.splitlines` also breaks at form feeds, U+2028 and others).
    for number, line in enumerate(plain.split("\n"), start=1):
        part = line.strip()
        if not part:
            continue
        starts.append(length)
        lines.append(number)
        pieces.append(part)
        length += len(part) + 1
    shown = " ".join(pieces)
    normal = shown.casefold()
    if len(normal) != len(shown):
        # Case folding lengthened some letter (German ß becomes ss), so the line starts counted
        # above are early in `normal`: count them again on the folded lines.
        starts, length = [], 0
        for part in pieces:
            starts.append(length)
            length += len(part.casefold()) + 1
    return Notice(text, normal, tuple(starts), tuple(lines), shown)


def find_quote(notice: Notice, quote: str) -> int | None:
    """The notice line where `quote` begins, or None when it does not occur."""
    needle = normalise(quote)
    if not needle:
        return None
    at = notice.normal.find(needle)
    if at < 0:
        return None
    return _line_at(notice, at)


def _line_at(notice: Notice, offset: int) -> int:
    index = bisect.bisect_right(notice.starts, offset) - 1
    return notice.lines[max(index, 0)]


@dataclass(frozen=True)
class Place:
    """Where a quote's words occur: the notice lines they begin and end on."""

    first: int
    last: int


def places(notice: Notice, quote: str) -> tuple[Place, ...]:
    """Every place of the notice where `quote` occurs, one per line it begins on, in order.

    Two occurrences that begin on the same line are one place: lines are what citations, reports
    and coverage speak of. So after each occurrence the search resumes at the next line, which
    also bounds the work by the notice's lines, however often a short quote occurs.
    """
    needle = normalise(quote)
    if not needle:
        return ()
    found: list[Place] = []
    normal, starts, lines = notice.normal, notice.starts, notice.lines
    at = normal.find(needle)
    while at >= 0:
        index = max(bisect.bisect_right(starts, at) - 1, 0)
        found.append(Place(lines[index], _line_at(notice, at + len(needle) - 1)))
        if index + 1 >= len(starts):
            break
        at = normal.find(needle, starts[index + 1])
    return tuple(found)


def chosen_place(found: tuple[Place, ...], line_hint: int | None) -> Place | None:
    """The place a citation is anchored at: the one its `line N` names, else the first."""
    if line_hint is None:
        return found[0] if found else None
    return next((p for p in found if p.first == line_hint), None)


# Finding the closest passage. Comparing the quote with every window of the notice costs the
# notice's length times the quote's for each missing quote (a policy pointed at the wrong notice
# took half a minute). Instead, a few three-character pieces of the quote vote for where it would
# start in the notice; only the few best-voted places are compared in full. The places of a piece
# are found by scanning the notice (at memory speed) rather than from an index of every piece,
# which for a notice of 30 MB took 40 s and 1.4 GB to build; each notice has a budget of scanning,
# after which a missing quote gets no suggestion.
_NEEDLE = 240
"""Only the start of a long quote is compared: enough to find where it was taken from."""
_COMMON = 64
"""A piece found more often than this in the notice says nothing about where the quote is."""
_BUCKET = 8
_PIECES = 32
"""At most this many pieces of a quote, spread over it, vote."""
_BUDGET = 400_000_000
"""Characters of a notice that suggestions may scan in all (a few seconds at worst)."""


@lru_cache(maxsize=16)
def _budget(normal: str) -> list[int]:
    """The scanning left for suggestions in one notice (a one-item list, spent in place)."""
    return [_BUDGET]


@lru_cache(maxsize=8192)
def _places(normal: str, piece: str) -> tuple[int, ...] | None:
    """Where `piece` occurs in the notice; None if more than _COMMON times, or if the notice's
    scanning budget is spent."""
    budget = _budget(normal)
    if budget[0] <= 0:
        return None
    found: list[int] = []
    at = normal.find(piece)
    while at >= 0 and len(found) <= _COMMON:
        found.append(at)
        at = normal.find(piece, at + 1)
    budget[0] -= (found[-1] if len(found) > _COMMON else len(normal)) + 1
    return tuple(found) if len(found) <= _COMMON else None


@dataclass(frozen=True)
class Passage:
    text: str
    line: int
    similarity: float


def closest(notice: Notice, quote: str, limit: int = 160) -> Passage | None:
    """The stretch of the notice most like `quote` (and its line), or None if nothing is close."""
    needle = normalise(quote)[:_NEEDLE]
    if len(needle) < 3:
        return None
    votes: dict[int, int] = {}
    step = max(1, -(-(len(needle) - 2) // _PIECES))  # ceiling: at most _PIECES pieces
    for j in range(0, len(needle) - 2, step):
        places = _places(notice.normal, needle[j : j + 3])
        if places is None:
            continue
        for at in places:
            bucket = (at - j) // _BUCKET
            votes[bucket] = votes.get(bucket, 0) + 1
    best: tuple[float, int, int] | None = None
    matcher = difflib.SequenceMatcher(autojunk=False)
    matcher.set_seq2(needle)
    for bucket in sorted(votes, key=lambda b: (-votes[b], b))[:3]:
        start = max(0, bucket * _BUCKET - _BUCKET)
        end = min(len(notice.normal), bucket * _BUCKET + len(needle) + 2 * _BUCKET)
        matcher.set_seq1(notice.normal[start:end])
        blocks = [b for b in matcher.get_matching_blocks() if b.size]
        if not blocks:
            continue
        first, last = start + blocks[0].a, start + blocks[-1].a + blocks[-1].size
        ratio = 2.0 * sum(b.size for b in blocks) / (len(needle) + last - first)
        if best is None or ratio > best[0]:
            best = (ratio, first, last)
    if best is None or best[0] < 0.5:
        return None
    ratio, first, last = best
    first, last = _whole_words(notice.normal, first, last)
    # Case folding rarely changes a length (German ß); when it has not, quote the notice's own
    # letters, else its folded form.
    source = notice.shown if len(notice.shown) == len(notice.normal) else notice.normal
    text = source[first:last]
    text = text if len(text) <= limit else text[: limit - 1] + "…"
    return Passage(text, _line_at(notice, first), ratio)


def _whole_words(text: str, first: int, last: int, reach: int = 16) -> tuple[int, int]:
    """Widen [first, last) to word boundaries nearby (none in CJK text: then keep it)."""
    space = text.rfind(" ", max(0, first - reach), first)
    if first > 0 and text[first - 1] != " " and space != -1:
        first = space + 1
    space = text.find(" ", last, last + reach)
    if last < len(text) and text[last] != " ":
        last = space if space != -1 else last
    return first, last


def closest_passage(notice: Notice, quote: str, limit: int = 160) -> str | None:
    """The stretch of the notice most like `quote`, to suggest when it is not found."""
    passage = closest(notice, quote, limit)
    return passage.text if passage else None


def anchor(policy: Policy, source_text: str) -> Policy:
    """Check every quote against the notice and record where each was found."""
    notice = prepare(source_text)
    errors: list[CheckerError] = []
    statements = []
    for fact in policy.statements:
        cites = []
        moved = False
        for cite in fact.cites:
            found = places(notice, cite.quote)
            place = chosen_place(found, cite.line_hint)
            lines = tuple(p.first for p in found)
            if not found:
                # Past the errors a file shows, no closest passage is looked for.
                errors.append(_not_found(policy, notice, cite, len(errors) < MAX_ERRORS))
            elif place is None:
                errors.append(_not_at_line(policy, cite, lines))
            elif place.first != cite.notice_line or lines != cite.places:
                cite = dataclasses.replace(cite, notice_line=place.first, places=lines)
                moved = True
            cites.append(cite)
        # A fact whose citations all keep their line is kept as it is (the models are frozen and
        # compare by value, so an unchanged copy would be equal to it anyway).
        statements.append(dataclasses.replace(fact, cites=tuple(cites)) if moved else fact)
    if errors:
        raise ErrorList(capped(errors))
    document = next(s for s in statements if isinstance(s, Document))
    return Policy(path=policy.path, document=document, statements=tuple(statements))


def _not_found(
    policy: Policy, notice: Notice, cite: Citation, suggest: bool = True
) -> CheckerError:
    if not normalise(cite.quote):
        hint = "copy a sentence or phrase of the notice into the quote"
    elif suggest and (passage := closest(notice, cite.quote)):
        hint = f'the closest passage (notice line {passage.line}) is "{passage.text}"'
    else:
        hint = "the notice may have changed since this fact was encoded"
    return CheckerError(
        "E302",
        f'quote "{_short(cite.quote)}" (clause {cite.label}) is not in {policy.document.source}',
        path=policy.path,
        span=cite.quote_span,
        expected="words copied from the notice (quotes, spaces and case may differ)",
        hint=hint,
    )


def _not_at_line(policy: Policy, cite: Citation, lines: tuple[int, ...]) -> CheckerError:
    assert cite.line_hint is not None
    hint = str(cite.line_hint)
    end = cite.span  # the citation ends with its line number
    span = Span(end.end_line, max(1, end.end_column - len(hint)), end.end_line, end.end_column)
    shown = ", ".join(str(n) for n in lines[:_SHOWN])
    more = f" and {len(lines) - _SHOWN} more" if len(lines) > _SHOWN else ""
    where = f"line {shown}" if len(lines) == 1 else f"lines {shown}{more}"
    if len(lines) == 1:
        advice = f"write `line {lines[0]}`, or leave `line` out: the words occur only once"
    else:
        advice = f"write the line of the place meant: `line {lines[0]}`" + (
            f" or `line {lines[1]}`" + (", …" if len(lines) > 2 else "")
        )
    return CheckerError(
        "E303",
        f'quote "{_short(cite.quote)}" (clause {cite.label}) does not begin on line {hint} of '
        f"{policy.document.source}; it begins on {where}",
        path=policy.path,
        span=span,
        expected=f"a notice line where the quote begins: {where}",
        hint=advice,
    )


_SHOWN = 8
"""A message lists at most this many places of a quote."""


def _short(text: str, limit: int = 60) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"


def quote_segments(
    notice: Notice, quote: str, line: int | None = None
) -> tuple[tuple[int, int, int], ...]:
    """Where `quote` lies in the notice's own text, as (line, start, end) per line it touches.

    The occurrence is the one beginning on notice line `line` (where anchoring placed the
    citation: the place its `line N` names, else the first), or the first when `line` is None.
    `start` and `end` are 0-based character offsets into that line of `notice.text` (end
    exclusive), so that a reader can mark the very characters the quote was matched against.
    Empty when the quote does not occur there. Only the lines the match spans are mapped back.
    """
    needle = normalise(quote)
    if not needle:
        return ()
    at = notice.normal.find(needle)
    if line is not None and at >= 0 and _line_at(notice, at) != line:
        index = bisect.bisect_left(notice.lines, line)
        if index >= len(notice.lines) or notice.lines[index] != line:
            return ()
        at = notice.normal.find(needle, notice.starts[index])
        if at >= 0 and _line_at(notice, at) != line:
            return ()
    if at < 0:
        return ()
    end = at + len(needle)
    first = bisect.bisect_right(notice.starts, at) - 1
    last = bisect.bisect_right(notice.starts, end - 1) - 1
    text_lines = notice.text.split("\n")
    segments = []
    for index in range(max(first, 0), last + 1):
        number = notice.lines[index]
        text = text_lines[number - 1]
        normal, where = _normal_line(text)
        begin = notice.starts[index]
        lo, hi = max(at - begin, 0), min(end - begin, len(normal))
        if notice.normal[begin : begin + len(normal)] != normal:  # pragma: no cover
            # Cannot happen while this mirrors `prepare`: then the whole line is marked.
            segments.append((number, 0, len(text)))
        elif lo < hi:
            segments.append((number, where[lo], where[hi - 1] + 1))
    return tuple(segments)


_ALL_SPACES = frozenset(_INLINE_SPACES + " ")
_ODD_ASCII_SPACES = tuple(c for c in _INLINE_SPACES if c.isascii())


@lru_cache(maxsize=4096)
def _normal_line(line: str) -> tuple[str, Sequence[int]]:
    """One line normalised as `prepare` normalises it (case folded), and for each character of
    the result the offset in `line` of the character it came from.

    Cached: a paragraph is looked up once per quote on it.
    """
    if line.isascii() and "  " not in line and not any(c in line for c in _ODD_ASCII_SPACES):
        # Plain text (most lines): only the ends are trimmed, and ASCII case folds in place.
        stripped = line.strip(" ")
        lead = len(line) - len(line.lstrip(" "))
        return stripped.lower(), range(lead, lead + len(stripped))
    chars: list[str] = []
    where: list[int] = []
    for offset, char in enumerate(line):
        for piece in _TRANSLATE.get(ord(char), char):
            if piece in _ALL_SPACES:
                if not chars or chars[-1] == " ":
                    continue  # a leading space, or a run: one space stands for it
                piece = " "
            for folded in piece.casefold() if piece != " " else " ":
                chars.append(folded)
                where.append(offset)
    while chars and chars[-1] == " ":
        chars.pop()
        where.pop()
    return "".join(chars), where
