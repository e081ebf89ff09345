"""A lint report in three parts, so that it can be written while the run goes on.

Every `--format` renders a run as: a start (known before any document), a chunk per document (a
pure function of the document's report, its policy text and the options, so that a worker
process can render it and the cache can keep it), and an end made from small running totals
(`Totals`: counts per status, the requirement sets used, format tallies) and the input errors.
A chunk has one or more sections: section 0 of every document, in order, is written as the
documents finish when the format allows it (`STREAMED`); the other sections, and section 0 of
formats whose start needs the totals (a SARIF log lists its rules first, a JUnit root carries
the counts), are kept aside until the end and copied out by the format's `finish`.

`assemble` puts the parts together for a run held in memory (`LintRun`); the lint command does
the same over a stream of chunks (`checker.commands.lint_output`), and both give the same bytes.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from types import ModuleType
from typing import TYPE_CHECKING, Any, NamedTuple

from checker.errors import CheckerError
from checker.reporters.run import SEVERITY_RANK, LintOptions, LintRun
from checker.rules.results import DocumentReport

if TYPE_CHECKING:
    from checker.rules.baseline import Applied
    from checker.rules.requirements import Requirement


class Chunk(NamedTuple):
    """One document, rendered: its text for each section, and numbers the format sums."""

    sections: tuple[str, ...]
    tally: tuple[int, ...] = ()


@dataclass(frozen=True)
class ChunkContext:
    """What a chunk may depend on besides its document."""

    options: LintOptions
    color: bool = False
    requirement: Callable[[str], Requirement | None] = lambda _id: None
    """The requirement of an id among the document's sets (JUnit quotes its article)."""


@dataclass
class Totals:
    """What the end of a report needs from the documents, in size independent of their number."""

    documents: int = 0
    statuses: Counter[str] = field(default_factory=Counter)
    requirement_ids: set[str] = field(default_factory=set)
    sets: set[str] = field(default_factory=set)
    findings: int = 0
    """Open findings (not waived)."""
    waiver_findings: int = 0
    """Findings about the policy file itself (`DocumentReport.extra`)."""
    failing: int = 0
    quotes: int = 0
    adjusted: int = 0
    checked: bool = False
    """Whether any document had an outcome or a finding of its own."""
    statistics: Counter[tuple[str, str, str]] = field(default_factory=Counter)
    tally: list[int] = field(default_factory=list)

    @classmethod
    def of(cls, report: DocumentReport, fail_on: str) -> Totals:
        threshold = SEVERITY_RANK[fail_on]
        totals = cls(documents=1, sets=set(report.sets))
        for outcome in report.outcomes:
            totals.statuses[outcome.status] += 1
            totals.requirement_ids.add(outcome.id)
        for finding in report.findings():
            if finding.status != "waived":
                totals.findings += 1
                totals.statistics[(finding.id, finding.severity, finding.title)] += 1
            if finding.status in ("fail", "incomplete") and (
                SEVERITY_RANK[finding.severity] >= threshold
            ):
                totals.failing += 1
        totals.waiver_findings = len(report.extra)
        totals.quotes = sum(1 for f in report.extra if f.id.startswith("QUOTE-"))
        totals.adjusted = sum(1 for f in report.extra if f.id == "SENSITIVITY-ADJUSTED")
        totals.checked = bool(report.outcomes or report.extra)
        return totals

    def add(self, other: Totals) -> None:
        self.documents += other.documents
        self.statuses.update(other.statuses)
        self.requirement_ids |= other.requirement_ids
        self.sets |= other.sets
        self.findings += other.findings
        self.waiver_findings += other.waiver_findings
        self.failing += other.failing
        self.quotes += other.quotes
        self.adjusted += other.adjusted
        self.checked = self.checked or other.checked
        self.statistics.update(other.statistics)
        if len(self.tally) < len(other.tally):
            self.tally += [0] * (len(other.tally) - len(self.tally))
        for i, n in enumerate(other.tally):
            self.tally[i] += n

    def as_json(self, statistics: bool = True) -> list[Any]:
        """The totals as JSON values; without the counts per requirement (`--statistics`)
        unless `statistics`, as reading them back is most of the cost of reading the totals."""
        return [
            self.documents,
            dict(self.statuses),
            sorted(self.requirement_ids),
            sorted(self.sets),
            [self.findings, self.waiver_findings, self.failing, self.quotes, self.adjusted],
            self.checked,
            [[*key, n] for key, n in self.statistics.items()] if statistics else [],
            self.tally,
        ]

    @classmethod
    def from_json(cls, data: Any) -> Totals:
        """The totals `as_json` wrote; ValueError, LookupError or TypeError on anything else."""
        documents, statuses, ids, sets, counts, checked, statistics, tally = data
        findings, waiver_findings, failing, quotes, adjusted = (count(n) for n in counts)
        if not isinstance(statuses, dict) or not isinstance(checked, bool):
            raise TypeError("not the totals of a document")
        return cls(
            documents=count(documents),
            statuses=Counter({text(k): count(v) for k, v in statuses.items()}),
            requirement_ids={text(i) for i in ids},
            sets={text(s) for s in sets},
            findings=findings,
            waiver_findings=waiver_findings,
            failing=failing,
            quotes=quotes,
            adjusted=adjusted,
            checked=checked,
            statistics=Counter(
                {(text(a), text(b), text(c)): count(n) for a, b, c, n in statistics}
            ),
            tally=[count(n) for n in tally],
        )


def count(raw: Any) -> int:
    """`raw` if it is a whole number, not negative; else TypeError."""
    if not isinstance(raw, int) or isinstance(raw, bool) or raw < 0:
        raise TypeError("not a count")
    return raw


def text(raw: Any) -> str:
    """`raw` if it is text; else TypeError."""
    if not isinstance(raw, str):
        raise TypeError("not text")
    return raw


@dataclass
class RunEnd:
    """Everything the end of a report is made from."""

    options: LintOptions
    totals: Totals
    errors: list[CheckerError]
    texts: dict[str, str]
    """Policy texts by path, for the excerpts of input errors."""
    requirements: Callable[[], list[Requirement]]
    baseline: Applied | None = None
    color: bool = False


Sections = Callable[[int], Iterable[str]]
"""Section k of every document, in document order (as pieces of text)."""


def join(pieces: Iterable[str], separator: str) -> Iterator[str]:
    """The non-empty pieces with `separator` between them."""
    first = True
    for piece in pieces:
        if not piece:
            continue
        if not first:
            yield separator
        first = False
        yield piece


def settled_ids(run: LintRun, path: str) -> frozenset[str]:
    """The requirements of a document whose every finding the run's baseline records."""
    if run.baseline is None:
        return frozenset()
    return frozenset(i for p, i in run.baseline.settled if p == path)


def end_of(run: LintRun, color: bool = False) -> RunEnd:
    """The end of a run held in memory (its totals without format tallies)."""
    totals = Totals()
    for report in run.reports:
        totals.add(Totals.of(report, run.options.fail_on))
    return RunEnd(
        run.options, totals, run.errors, run.texts, lambda: run.requirements, run.baseline, color
    )


def assemble(module: ModuleType, run: LintRun, color: bool) -> str:
    """The whole report of a run held in memory, made as the streaming lint makes it."""
    by_id: dict[str, Requirement] | None = None

    def requirement(id_: str) -> Requirement | None:
        nonlocal by_id
        if by_id is None:
            by_id = {r.id: r for r in run.requirements}
        return by_id.get(id_)

    context = ChunkContext(run.options, color, requirement)
    totals = Totals()
    chunks = []
    for report in run.reports:
        text = run.texts.get(report.path)
        chunk = module.chunk(report, text, context, settled_ids(run, report.path))
        chunks.append(chunk)
        part = Totals.of(report, run.options.fail_on)
        part.tally = list(chunk.tally)
        totals.add(part)
    end = RunEnd(
        run.options, totals, run.errors, run.texts, lambda: run.requirements, run.baseline, color
    )
    out = [module.start(context)]
    if module.STREAMED:
        out.extend(join((c.sections[0] for c in chunks), module.SEPARATOR))
    out.extend(module.finish(end, lambda k: (c.sections[k] for c in chunks)))
    return "".join(out)
