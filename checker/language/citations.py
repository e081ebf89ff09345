"""A citation: the clause of the notice a fact rests on, and where its quote was found.

It lives apart from the fact model because results and reports carry citations too, and reading
results back from the cache should not have to define every fact model first.
"""

from __future__ import annotations

from dataclasses import dataclass

from checker.spans import Span


@dataclass(frozen=True, slots=True)
class Citation:
    """`cite "label" "quote"`: the clause of the notice a fact rests on, in its own words."""

    label: str
    quote: str
    span: Span
    quote_span: Span
    notice_line: int | None = None
    """Line of the source text where the quote was found (set by quote anchoring)."""
    line_hint: int | None = None
    """`line N` written after the quote: the place meant when the words occur more than once."""
    places: tuple[int, ...] = ()
    """Every notice line where the quote's words begin (set by quote anchoring); more than one
    means the quote alone does not say which place it comes from."""

    @property
    def ambiguous(self) -> bool:
        """The words occur in several places and no `line N` says which one is meant."""
        return len(self.places) > 1 and self.line_hint is None
