"""`policycheck coverage`: how much of each notice its encoding accounts for, and where each quote
landed in it.

A paragraph is a non-blank line of the notice's source text, numbered from 1 in reading order. It
is covered when a citation's quote lies on it (a quote covers every line it spans), whether the
citation backs a fact or an `irrelevant` statement that records why the paragraph carries nothing
a requirement looks at. A quote lands where quote anchoring put it: the place its `line N` names,
else the first place its words occur; a quote whose words occur in several places and that names
none is listed as ambiguous, with every place.
"""

from __future__ import annotations

import bisect
import json
from dataclasses import dataclass
from pathlib import Path
from typing import TextIO

from checker.errors import CheckerError, ErrorList, terminal_safe
from checker.exitcodes import EXIT_CLEAN, EXIT_INPUT_ERROR
from checker.files import list_policy_files
from checker.language.facts import Policy
from checker.notice.anchoring import chosen_place, places, prepare
from checker.notice.loading import load_policy, read_notice


@dataclass(frozen=True)
class Landing:
    """Where one citation's quote landed in the notice."""

    line: int
    """Line of the citation in the policy file."""
    column: int
    label: str
    quote: str
    first: int
    """Notice line where the quote begins."""
    last: int
    """Notice line where it ends."""
    paragraph: int
    """Number of the paragraph (non-blank line) where it begins."""
    places: tuple[int, ...]
    """Every notice line where the quote's words begin."""
    line_hint: int | None

    @property
    def ambiguous(self) -> bool:
        return len(self.places) > 1 and self.line_hint is None


@dataclass(frozen=True)
class Coverage:
    path: str
    source: str
    paragraphs: int
    uncovered: tuple[tuple[int, str], ...]
    quotes: tuple[Landing, ...] = ()

    @property
    def covered(self) -> int:
        return self.paragraphs - len(self.uncovered)

    @property
    def share(self) -> float:
        return 1.0 if self.paragraphs == 0 else self.covered / self.paragraphs


def coverage_of(policy: Policy, notice_text: str) -> Coverage:
    notice = prepare(notice_text)
    covered: set[int] = set()
    quotes: list[Landing] = []
    for fact in policy.statements:
        for cite in fact.cites:
            found = places(notice, cite.quote)
            place = chosen_place(found, cite.line_hint)
            if place is None:  # anchoring has reported it; a policy that loaded has none
                continue
            covered.update(range(place.first, place.last + 1))
            quotes.append(
                Landing(
                    cite.span.line,
                    cite.span.column,
                    cite.label,
                    cite.quote,
                    place.first,
                    place.last,
                    bisect.bisect_left(notice.lines, place.first) + 1,
                    tuple(p.first for p in found),
                    cite.line_hint,
                )
            )
    uncovered = tuple(
        (number, line.strip())
        for number, line in enumerate(notice_text.split("\n"), start=1)
        if line.strip() and number not in covered
    )
    paragraphs = sum(1 for line in notice_text.split("\n") if line.strip())
    return Coverage(policy.path, policy.document.source or "", paragraphs, uncovered, tuple(quotes))


def run_coverage(
    paths: list[Path],
    fmt: str,
    out: TextIO,
    err: TextIO,
    quotes: bool = False,
    roots: tuple[Path, ...] = (),
) -> int:
    results: list[Coverage] = []
    errors = []
    for path in list_policy_files(paths):
        try:
            policy, _ = load_policy(path, roots=roots)
            _, notice_text = read_notice(path, policy, roots)
        except CheckerError as exc:
            errors.append(exc)
            continue
        except ErrorList as exc:
            errors.extend(exc.errors)
            continue
        results.append(coverage_of(policy, notice_text))
    for error in ErrorList(errors).sorted():
        err.write(terminal_safe(str(error)) + "\n")
    if fmt == "json":
        out.write(json.dumps([_as_json(c) for c in results], indent=2, ensure_ascii=False) + "\n")
    else:
        for c in results:
            line = f"{c.path}: {c.share:.1%} of {c.paragraphs} paragraphs of {c.source}"
            out.write(terminal_safe(line) + "\n")
            for number, text in c.uncovered:
                out.write(
                    terminal_safe(f"  {c.source}:{number}: not covered: {_short(text, 80)}") + "\n"
                )
            for q in c.quotes:
                if quotes or q.ambiguous:
                    out.write(terminal_safe(f"  {_landing(c, q)}") + "\n")
    return EXIT_INPUT_ERROR if errors else EXIT_CLEAN


def _landing(c: Coverage, q: Landing) -> str:
    """`policy:line:col: "quote" (clause 3) -> notice:12 (paragraph 7)`, and any other places."""
    lines = f"{q.first}" if q.last == q.first else f"{q.first}-{q.last}"
    text = (
        f'{c.path}:{q.line}:{q.column}: "{_short(q.quote, 50)}" (clause {q.label}) -> '
        f"{c.source}:{lines} (paragraph {q.paragraph})"
    )
    others = [str(n) for n in q.places if n != q.first]
    also = f"line{'s' if len(others) > 1 else ''} {', '.join(others)}"
    if q.ambiguous:
        text += f"; ambiguous: its words also begin on {also}"
    elif others:
        text += f", by `line {q.line_hint}`; its words also begin on {also}"
    return text


def _short(text: str, limit: int) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _as_json(c: Coverage) -> dict[str, object]:
    return {
        "path": c.path,
        "source": c.source,
        "paragraphs": c.paragraphs,
        "covered": c.covered,
        "coverage": round(c.share, 4),
        "uncovered": [{"line": n, "text": t} for n, t in c.uncovered],
        "quotes": [
            {
                "policy_line": q.line,
                "policy_column": q.column,
                "label": q.label,
                "quote": q.quote,
                "notice_line": q.first,
                "notice_last_line": q.last,
                "paragraph": q.paragraph,
                "places": list(q.places),
                "line_hint": q.line_hint,
                "ambiguous": q.ambiguous,
            }
            for q in c.quotes
        ],
    }
