"""What the evidence report shows, worked out before any HTML is written.

Plain records for the templates: the overview matrix (notices x requirements), one page per
notice (its verdicts, findings, waivers, and its text paragraph by paragraph beside the facts that
cite each paragraph, every quote marked) and one page per requirement. Links between them are
worked out here, so the templates only lay them out. No file is read and no clock is looked at:
the command hands in the texts and the time.
"""

from __future__ import annotations

import itertools
import re
from collections import defaultdict
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field

from checker.language.facts import FIXED_FIELDS, Fact, Policy, Waiver, fact_fields, value_text
from checker.notice.anchoring import normalise, prepare, quote_segments
from checker.rules.results import DocumentReport, Finding, Outcome
from checker.spans import Span

# Each verdict has a colour, a symbol and a word: the symbol and word say it without the colour.
STATUS_CLASS = {
    "pass": "p",
    "fail": "f",
    "incomplete": "i",
    "waived": "w",
    "not_applicable": "n",
}
STATUS_SYMBOL = {"pass": "✓", "fail": "✗", "incomplete": "?", "waived": "W", "not_applicable": "–"}
STATUS_WORD = {
    "pass": "pass",
    "fail": "fail",
    "incomplete": "cannot decide",
    "waived": "waived",
    "not_applicable": "not applicable",
}
STATUS_ORDER = ("fail", "incomplete", "waived", "pass", "not_applicable")
"""The order of the counts and of the legend: what needs attention first."""


@dataclass(frozen=True)
class SetInfo:
    name: str
    law: str
    title: str
    file: str
    digest: str
    """SHA-256 of the requirement file's bytes: what a printed report was checked against."""


@dataclass(frozen=True)
class Meta:
    generated: str
    version: str
    today: str
    sets: tuple[SetInfo, ...]


@dataclass(frozen=True)
class RequirementInfo:
    """A requirement as the report shows it (the parts of a loaded requirement it needs)."""

    id: str
    law: str
    law_title: str
    set_name: str
    article: str
    title: str
    severity: str
    quote: str
    gloss: str | None
    for_each: str | None
    applies: str | None
    require: str
    remedy: str
    not_formalised: str | None
    waivable: bool
    source_uri: str | None
    passing_example: str | None = None
    failing_example: str | None = None


@dataclass(frozen=True)
class NoticeInput:
    """One linted notice: its report, its parsed and anchored policy, and its text."""

    report: DocumentReport
    policy: Policy
    text: str
    uncovered: frozenset[int]
    """Numbers of the notice's paragraphs (non-blank lines) that no citation covers."""


# --- Views --------------------------------------------------------------------------------


@dataclass(frozen=True)
class Column:
    id: str
    short: str
    law: str
    article: str
    article_group: str
    title: str
    severity: str
    href: str


@dataclass(frozen=True)
class Group:
    """A header cell spanning the columns of one law or one article."""

    label: str
    title: str
    span: int
    first: int
    """Index of its first column."""


@dataclass(frozen=True)
class Cell:
    cls: str
    symbol: str
    href: str | None
    word: str


@dataclass
class Counts:
    by_status: dict[str, int] = field(default_factory=lambda: dict.fromkeys(STATUS_ORDER, 0))

    def add(self, status: str) -> None:
        self.by_status[status] += 1


@dataclass(frozen=True)
class Row:
    slug: str
    title: str
    path: str
    href: str
    counts: Counts
    paragraphs: int
    covered: int
    problems: int
    """Findings on the policy file itself (its waivers, its quotes), outside the matrix."""
    cells: tuple[Cell, ...]

    @property
    def coverage(self) -> str:
        return "–" if not self.paragraphs else f"{self.covered / self.paragraphs:.0%}"


@dataclass(frozen=True)
class Overview:
    meta: Meta
    laws: tuple[Group, ...]
    articles: tuple[Group, ...]
    columns: tuple[Column, ...]
    rows: tuple[Row, ...]
    errors: tuple[str, ...]
    totals: Counts


@dataclass(frozen=True)
class QuoteRef:
    qid: int
    label: str
    quote: str
    line: int | None


@dataclass(eq=False)  # facts are told apart by identity: two may say the same
class FactView:
    anchor: str
    label: str
    line: int
    fields: list[tuple[str, str]]
    cites: list[QuoteRef]
    findings: list[tuple[str, str, str]] = field(default_factory=list)
    """(anchor, requirement id, status) of each finding that rests on this fact."""

    @property
    def quote_ids(self) -> str:
        return " ".join(str(c.qid) for c in self.cites if c.qid)


@dataclass(frozen=True)
class EvidenceView:
    label: str
    fact: str | None
    quotes: tuple[QuoteRef, ...]


@dataclass(frozen=True)
class FindingView:
    anchor: str
    id: str
    status: str
    severity: str
    title: str
    message: str
    subject: str | None
    line: int
    missing: tuple[str, ...]
    waived_by: str | None
    remedy: str | None
    evidence: tuple[EvidenceView, ...]

    @property
    def quote_ids(self) -> str:
        return " ".join(dict.fromkeys(str(q.qid) for e in self.evidence for q in e.quotes))


@dataclass(frozen=True)
class OutcomeView:
    anchor: str
    id: str
    status: str
    severity: str
    title: str
    citation: str
    href: str | None
    findings: tuple[FindingView, ...]

    @property
    def quote_ids(self) -> str:
        ids = (q for f in self.findings for q in f.quote_ids.split())
        return " ".join(dict.fromkeys(ids))


@dataclass(frozen=True)
class Segment:
    text: str
    qids: tuple[int, ...] = ()
    starts: tuple[int, ...] = ()
    """Quotes that begin here: the segment carries their anchors."""
    fact: str | None = None
    """The first fact citing the segment's quote: where following the quote leads."""

    @property
    def classes(self) -> str:
        return " ".join(f"q-{q}" for q in self.qids)

    @property
    def pieces(self) -> list[str]:
        """The text cut inside runs of more than `_PIECE` characters without a space: the page
        puts a line-break opportunity (`<wbr>`) between the pieces.

        A browser takes many seconds to wrap a run of 100,000 characters without a space; with
        an opportunity every `_PIECE` characters it wraps at once. Ordinary words are never cut.
        """
        if len(self.text) <= _PIECE:
            return [self.text]
        cuts = [
            at
            for run in _LONG_RUN.finditer(self.text)
            for at in range(run.start() + _PIECE, run.end(), _PIECE)
        ]
        if not cuts:
            return [self.text]
        bounds = [0, *cuts, len(self.text)]
        return [self.text[a:b] for a, b in itertools.pairwise(bounds)]


_PIECE = 120
_LONG_RUN = re.compile(rf"\S{{{_PIECE + 1},}}")


@dataclass
class Paragraph:
    number: int
    segments: list[Segment]
    covered: bool
    facts: list[FactView] = field(default_factory=list)
    also: list[FactView] = field(default_factory=list)
    """Facts listed at an earlier paragraph that cite this one too."""


@dataclass(frozen=True)
class WaiverView:
    anchor: str
    requirement: str
    reason: str
    approver: str
    expires: str
    state: str


@dataclass(frozen=True)
class NoticePage:
    slug: str
    title: str
    path: str
    source: str
    sets: tuple[str, ...]
    meta: Meta
    counts: Counts
    paragraphs: int
    covered: int
    verdicts: tuple[tuple[Outcome, str, str | None], ...]
    """Each outcome, the anchor its findings are at (or ''), its requirement page."""
    outcomes: tuple[OutcomeView, ...]
    problems: tuple[FindingView, ...]
    waivers: tuple[WaiverView, ...]
    unplaced: tuple[FactView, ...]
    """Facts that cite no sentence of the notice (the document header, mostly)."""
    text: tuple[Paragraph, ...]


@dataclass(frozen=True)
class Verdict:
    slug: str
    title: str
    href: str
    status: str
    findings: int


@dataclass(frozen=True)
class RequirementPage:
    req: RequirementInfo
    meta: Meta
    verdicts: tuple[Verdict, ...]
    counts: Counts
    file: str
    """The page's file name in `requirements/`, without `.html`."""


@dataclass(frozen=True)
class NoticeSummary:
    """What the overview and the requirement pages need of a notice page, kept once it is
    written (a report of a thousand notices does not hold a thousand pages)."""

    slug: str
    title: str
    path: str
    counts: Counts
    paragraphs: int
    covered: int
    problems: int
    verdicts: dict[str, tuple[str, str, int]]
    """Requirement id -> (status, anchor of its findings or '', number of findings)."""


# --- Building -----------------------------------------------------------------------------


class Site:
    """The pages of one report, worked out a notice at a time, then the overview and the
    requirement pages from what the notices' pages left behind."""

    def __init__(self, requirements: Sequence[RequirementInfo], meta: Meta) -> None:
        self.meta = meta
        self.requirements = sorted(requirements, key=_column_order)
        self.requirement_files = _slugs([r.id for r in self.requirements], keep_case=True)
        self._hrefs = {
            r.id: f"requirements/{self.requirement_files[r.id]}.html" for r in self.requirements
        }
        self._taken: set[str] = set()
        self.summaries: list[NoticeSummary] = []

    def notice(self, notice: NoticeInput) -> NoticePage:
        """The page of one notice (its file is `notices/{page.slug}.html`)."""
        slug = _slug(notice.report.path, self._taken)
        page = _notice_page(notice, slug, self._hrefs, self.meta)
        self.summaries.append(
            NoticeSummary(
                slug=slug,
                title=page.title,
                path=page.path,
                counts=page.counts,
                paragraphs=page.paragraphs,
                covered=page.covered,
                problems=len(page.problems),
                verdicts={
                    o.id: (o.status, anchor, len(o.findings)) for o, anchor, _ in page.verdicts
                },
            )
        )
        return page

    def overview(self, errors: Iterable[str]) -> Overview:
        columns = tuple(
            Column(
                id=r.id,
                short=r.id.split("-", 1)[1] if "-" in r.id else r.id,
                law=r.law,
                article=r.article,
                article_group=_article_group(r.article),
                title=f"{r.id}: {r.law} {r.article}, {r.title} ({r.severity})",
                severity=r.severity,
                href=self._hrefs[r.id],
            )
            for r in self.requirements
        )
        rows = []
        totals = Counts()
        for notice in self.summaries:
            cells = []
            for column in columns:
                found = notice.verdicts.get(column.id)
                if found is None:
                    cells.append(_NOT_CHECKED)
                    continue
                status, anchor, _ = found
                href = f"notices/{notice.slug}.html#{anchor}" if anchor else None
                cells.append(
                    Cell(STATUS_CLASS[status], STATUS_SYMBOL[status], href, STATUS_WORD[status])
                )
            for status, count in notice.counts.by_status.items():
                totals.by_status[status] += count
            rows.append(
                Row(
                    slug=notice.slug,
                    title=notice.title,
                    path=notice.path,
                    href=f"notices/{notice.slug}.html",
                    counts=notice.counts,
                    paragraphs=notice.paragraphs,
                    covered=notice.covered,
                    problems=notice.problems,
                    cells=tuple(cells),
                )
            )
        return Overview(
            meta=self.meta,
            laws=_groups(columns, lambda c: c.law, lambda c: c.law),
            articles=_groups(
                columns, lambda c: f"{c.law} {c.article_group}", lambda c: c.article_group
            ),
            columns=columns,
            rows=tuple(rows),
            errors=tuple(errors),
            totals=totals,
        )

    def requirement_pages(self) -> Iterator[RequirementPage]:
        """Each requirement's page (its file is `requirements/{page.file}.html`)."""
        for r in self.requirements:
            verdicts = []
            counts = Counts()
            for notice in self.summaries:
                found = notice.verdicts.get(r.id)
                if found is None:
                    continue
                status, anchor, findings = found
                counts.add(status)
                href = f"../notices/{notice.slug}.html" + (f"#{anchor}" if anchor else "")
                verdicts.append(Verdict(notice.slug, notice.title, href, status, findings))
            yield RequirementPage(
                r, self.meta, tuple(verdicts), counts, self.requirement_files[r.id]
            )


_NOT_CHECKED = Cell("x", "", None, "not checked")


def _natural(text: str) -> list[tuple[int, str]]:
    return [(int(p), "") if p.isdigit() else (0, p) for p in re.split(r"(\d+)", text) if p]


def _column_order(r: RequirementInfo) -> tuple[str, list[tuple[int, str]]]:
    return (r.law, _natural(r.id))


def _article_group(article: str) -> str:
    m = re.match(r"(Art(?:icle)?\.?\s*\d+)", article)
    return m.group(1) if m else article


def _groups(
    columns: Sequence[Column], key: Callable[[Column], str], label: Callable[[Column], str]
) -> tuple[Group, ...]:
    groups: list[Group] = []
    for index, column in enumerate(columns):
        k = key(column)
        if groups and groups[-1].title == k:
            last = groups[-1]
            groups[-1] = Group(last.label, last.title, last.span + 1, last.first)
        else:
            groups.append(Group(label(column), k, 1, index))
    return tuple(groups)


def _slug(name: str, taken: set[str], keep_case: bool = False) -> str:
    """A file name for a notice or a requirement: readable, safe, and not yet `taken`."""
    stem = name.rsplit("/", 1)[-1].removesuffix(".policy")
    base = re.sub(r"[^A-Za-z0-9_.-]+", "-", stem).strip("-.") or "notice"
    base = base if keep_case else base.lower()
    slug, n = base, 1
    while slug.lower() in taken:  # file systems that ignore case would merge two names
        n += 1
        slug = f"{base}-{n}"
    taken.add(slug.lower())
    return slug


def _slugs(names: Sequence[str], keep_case: bool = False) -> dict[str, str]:
    taken: set[str] = set()
    return {name: _slug(name, taken, keep_case) for name in names}


def _fields(fact: Fact) -> list[tuple[str, str]]:
    return [
        (name, value_text(getattr(fact, name)))
        for name in fact_fields(fact)
        if name not in FIXED_FIELDS and getattr(fact, name) is not None
    ]


class _Quotes:
    """The distinct quotes of one notice, numbered, with where each lies in the text."""

    def __init__(self, text: str) -> None:
        self.notice = prepare(text)
        self.ids: dict[tuple[str, int | None], int] = {}
        self.segments: dict[int, tuple[tuple[int, int, int], ...]] = {}

    def qid(self, quote: str, line: int | None) -> int:
        """The number of the quote at the place anchoring chose (`line`: where it begins)."""
        key = (normalise(quote), line)
        found = self.ids.get(key)
        if found is None:
            found = self.ids[key] = len(self.ids) + 1
            self.segments[found] = quote_segments(self.notice, quote, line)
        return found


def _notice_page(
    notice: NoticeInput, slug: str, req_href: dict[str, str], meta: Meta
) -> NoticePage:
    report, policy = notice.report, notice.policy
    quotes = _Quotes(notice.text)
    facts: list[FactView] = []
    by_span: dict[Span, FactView] = {}
    for index, fact in enumerate(policy.statements, start=1):
        view = FactView(
            anchor=f"fact-{index}",
            label=fact.label,
            line=fact.span.line,
            fields=_fields(fact),
            cites=[
                QuoteRef(quotes.qid(c.quote, c.notice_line), c.label, c.quote, c.notice_line)
                for c in fact.cites
            ],
        )
        facts.append(view)
        by_span.setdefault(fact.span, view)

    def finding_view(finding: Finding, anchor: str) -> FindingView:
        evidence = []
        for ev in finding.evidence:
            fact = by_span.get(ev.span)
            if fact is not None:
                fact.findings.append((anchor, finding.id, finding.status))
            evidence.append(
                EvidenceView(
                    ev.label,
                    fact.anchor if fact else None,
                    tuple(
                        QuoteRef(
                            quotes.qid(c.quote, c.notice_line), c.label, c.quote, c.notice_line
                        )
                        for c in ev.cites
                    ),
                )
            )
        return FindingView(
            anchor=anchor,
            id=finding.id,
            status=finding.status,
            severity=finding.severity,
            title=finding.title,
            message=finding.message,
            subject=finding.subject,
            line=finding.span.line,
            missing=finding.missing,
            waived_by=finding.waived_by,
            remedy=finding.remedy,
            evidence=tuple(evidence),
        )

    counts = Counts()
    outcomes = []
    verdicts = []
    for outcome in report.outcomes:
        counts.add(outcome.status)
        anchor = f"o-{outcome.id}" if outcome.findings else ""
        verdicts.append((outcome, anchor, req_href.get(outcome.id)))
        if outcome.findings:
            outcomes.append(
                OutcomeView(
                    anchor=anchor,
                    id=outcome.id,
                    status=outcome.status,
                    severity=outcome.severity,
                    title=outcome.title,
                    citation=f"{outcome.law} {outcome.article}",
                    href=req_href.get(outcome.id),
                    findings=tuple(
                        finding_view(f, f"{anchor}-{n}")
                        for n, f in enumerate(outcome.findings, start=1)
                    ),
                )
            )
    problems = tuple(finding_view(f, f"problem-{n}") for n, f in enumerate(report.extra, start=1))
    waived = {o.id for o in report.outcomes if o.status == "waived"}
    waivers = []
    for index, fact in enumerate(policy.statements, start=1):
        if isinstance(fact, Waiver):
            trouble = [p for p in report.extra if _within(p.span, fact.span)]
            state = (
                "; ".join(p.message for p in trouble)
                if trouble
                else "applied: the finding is waived"
                if fact.requirement in waived
                else "not applied"
            )
            waivers.append(
                WaiverView(
                    anchor=f"fact-{index}",
                    requirement=fact.requirement or "",
                    reason=fact.reason or "",
                    approver=fact.approver or "",
                    expires=str(fact.expires or ""),
                    state=state,
                )
            )
    paragraphs, unplaced = _paragraphs(notice, quotes, facts)
    covered = sum(1 for p in paragraphs if p.covered)
    return NoticePage(
        slug=slug,
        title=report.title,
        path=report.path,
        source=report.source,
        sets=report.sets,
        meta=meta,
        counts=counts,
        paragraphs=len(paragraphs),
        covered=covered,
        verdicts=tuple(verdicts),
        outcomes=tuple(outcomes),
        problems=problems,
        waivers=tuple(waivers),
        unplaced=tuple(unplaced),
        text=tuple(paragraphs),
    )


def _within(inner: Span, outer: Span) -> bool:
    return (outer.line, outer.column) <= (inner.line, inner.column) and (
        inner.end_line,
        inner.end_column,
    ) <= (outer.end_line, outer.end_column)


def _paragraphs(
    notice: NoticeInput, quotes: _Quotes, facts: list[FactView]
) -> tuple[list[Paragraph], list[FactView]]:
    """The notice's non-blank lines, split where quotes begin and end, with the facts beside."""
    marks: dict[int, list[tuple[int, int, int]]] = defaultdict(list)  # line -> (start, end, qid)
    for qid, segments in quotes.segments.items():
        for number, start, end in segments:
            marks[number].append((start, end, qid))
    first_fact: dict[int, str] = {}
    for fact in facts:
        for cite in fact.cites:
            first_fact.setdefault(cite.qid, fact.anchor)
    quote_start: dict[tuple[int, int], list[int]] = defaultdict(list)  # (line, start) -> qids
    for qid, segments in quotes.segments.items():
        if segments:
            quote_start[segments[0][:2]].append(qid)

    paragraphs: list[Paragraph] = []
    by_line: dict[int, Paragraph] = {}
    for number, line in enumerate(notice.text.split("\n"), start=1):
        if not line.strip():
            continue
        paragraph = Paragraph(
            number,
            _split(line, number, marks.get(number, []), quote_start, first_fact),
            number not in notice.uncovered,
        )
        paragraphs.append(paragraph)
        by_line[number] = paragraph
    unplaced = []
    for fact in facts:
        cited = sorted({n for c in fact.cites for n, _, _ in quotes.segments.get(c.qid, ())})
        if not cited:
            unplaced.append(fact)
            continue
        by_line[cited[0]].facts.append(fact)
        for number in cited[1:]:
            if fact not in by_line[number].also:
                by_line[number].also.append(fact)
    return paragraphs, unplaced


def _split(
    line: str,
    number: int,
    marks: list[tuple[int, int, int]],
    quote_start: dict[tuple[int, int], list[int]],
    first_fact: dict[int, str],
) -> list[Segment]:
    """The line cut at every quote boundary; each piece knows the quotes that cover it."""
    if not marks:
        return [Segment(line)]
    cuts = sorted({0, len(line)} | {s for s, _, _ in marks} | {e for _, e, _ in marks})
    segments = []
    for start, end in itertools.pairwise(cuts):
        if start == end:
            continue
        qids = tuple(sorted(q for s, e, q in marks if s <= start and end <= e))
        begins = tuple(quote_start.get((number, start), ())) if qids else ()
        fact = next((first_fact[q] for q in qids if q in first_fact), None)
        segments.append(Segment(line[start:end], qids, begins, fact))
    return segments
