"""The notice cut into sentences, each with its line and whether a citation already covers it:
what quote completion offers."""

from __future__ import annotations

import bisect
import re
from collections.abc import Iterable
from dataclasses import dataclass
from functools import lru_cache

from checker.notice.anchoring import normalise, prepare

# A sentence ends at . ! ? ; followed by a space, or at the CJK full stops (no space follows).
_END = re.compile(r"(?<=[.!?;])\s+|(?<=[。！？；])")


@dataclass(frozen=True)
class Sentence:
    text: str
    line: int
    start: int
    """Where it begins in the notice's normalised text (-1 if normalising moved it)."""
    end: int


@lru_cache(maxsize=8)
def sentences(notice: str) -> tuple[Sentence, ...]:
    """Every sentence of the notice, in order, with the line it is on."""
    prepared = prepare(notice)
    found: list[Sentence] = []
    at = 0
    for number, line in enumerate(notice.split("\n"), start=1):
        for piece in _END.split(line):
            text = " ".join(piece.split())
            needle = normalise(text)
            if not needle:
                continue
            where = prepared.normal.find(needle, at)
            if where >= 0:
                at = where + len(needle)
                found.append(Sentence(text, number, where, at))
            else:
                found.append(Sentence(text, number, -1, -1))
    return tuple(found)


def uncited(notice: str, quotes: Iterable[str]) -> list[Sentence]:
    """The sentences no quote overlaps."""
    prepared = prepare(notice)
    spans = []
    for quote in quotes:
        needle = normalise(quote)
        where = prepared.normal.find(needle) if needle else -1
        if where >= 0:
            spans.append((where, where + len(needle)))
    spans.sort()
    starts = [s for s, _ in spans]
    # The furthest end among the quotes starting at or before each one.
    reach: list[int] = []
    for _, end in spans:
        reach.append(max(end, reach[-1]) if reach else end)
    result = []
    for sentence in sentences(notice):
        if sentence.start < 0:
            result.append(sentence)
            continue
        i = bisect.bisect_left(starts, sentence.end) - 1  # quotes starting before its end
        if i >= 0 and reach[i] > sentence.start:
            continue
        result.append(sentence)
    return result
