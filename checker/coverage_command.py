"""`policycheck coverage`: how much of each notice its encoding accounts for.

A paragraph is a non-blank line of the notice's source text. It is covered when a citation's quote
lies on it (a quote covers every line it spans), whether the citation backs a fact or an
`irrelevant` statement that records why the paragraph carries nothing a requirement looks at.
"""

from __future__ import annotations

import bisect
import json
from dataclasses import dataclass
from pathlib import Path
from typing import TextIO

from checker.anchoring import Notice, normalise, prepare
from checker.errors import CheckerError, ErrorList, terminal_safe
from checker.exitcodes import EXIT_CLEAN, EXIT_INPUT_ERROR
from checker.facts import Policy
from checker.files import list_policy_files, load_policy, read_notice


@dataclass(frozen=True)
class Coverage:
    path: str
    source: str
    paragraphs: int
    uncovered: tuple[tuple[int, str], ...]

    @property
    def covered(self) -> int:
        return self.paragraphs - len(self.uncovered)

    @property
    def share(self) -> float:
        return 1.0 if self.paragraphs == 0 else self.covered / self.paragraphs


def quote_lines(notice: Notice, quote: str) -> range:
    """The notice lines a quote spans (empty when the quote does not occur)."""
    needle = normalise(quote)
    at = notice.normal.find(needle) if needle else -1
    if at < 0:
        return range(0)
    first = bisect.bisect_right(notice.starts, at) - 1
    last = bisect.bisect_right(notice.starts, at + len(needle) - 1) - 1
    return range(notice.lines[max(first, 0)], notice.lines[max(last, 0)] + 1)


def coverage_of(policy: Policy, notice_text: str) -> Coverage:
    notice = prepare(notice_text)
    covered: set[int] = set()
    for fact in policy.statements:
        for cite in fact.cites:
            covered.update(quote_lines(notice, cite.quote))
    uncovered = tuple(
        (number, line.strip())
        for number, line in enumerate(notice_text.split("\n"), start=1)
        if line.strip() and number not in covered
    )
    paragraphs = sum(1 for line in notice_text.split("\n") if line.strip())
    return Coverage(policy.path, policy.document.source or "", paragraphs, uncovered)


def run_coverage(
    paths: list[Path], fmt: str, out: TextIO, err: TextIO, roots: tuple[Path, ...] = ()
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
                short = text if len(text) <= 80 else text[:79] + "…"
                out.write(terminal_safe(f"  {c.source}:{number}: not covered: {short}") + "\n")
    return EXIT_INPUT_ERROR if errors else EXIT_CLEAN


def _as_json(c: Coverage) -> dict[str, object]:
    return {
        "path": c.path,
        "source": c.source,
        "paragraphs": c.paragraphs,
        "covered": c.covered,
        "coverage": round(c.share, 4),
        "uncovered": [{"line": n, "text": t} for n, t in c.uncovered],
    }
