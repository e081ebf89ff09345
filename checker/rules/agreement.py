"""Agreement between two encodings of one notice: where two legal engineers read it differently.

Statements are matched by kind and by what they cite: two statements of one kind whose quotes
overlap in the notice are the same reading of the same words (the best overlap first, each
statement matched once). Statements that cite nothing are matched by kind and name, and single
statements (`handler`, `minors`, ...) by kind. Waivers are decisions, not readings: left out.

Matched statements are compared field by field. Free-text fields (a description, a channel) are
compared only on whether the notice is taken to state them: two encoders never word a summary
alike, and that is no disagreement. A statement one encoder read and the other did not is
unmatched; if the other cites the same words in a statement of another kind, it is a difference
of kind.

Each difference falls into a class (`consent`, `unstated`, `statement-kinds`, ...), linked to the
section of docs/encoding-guide.md whose convention settles it, or marked as having none yet: the
conventions a team must still write down. Then both encodings are checked
against the same requirements, and the agreement on verdicts is given as the share of
obligations with the same verdict and as Cohen's kappa over the verdicts.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from typing import Literal

from checker.language.facts import SHAPES, Fact, Policy
from checker.language.render import field_text
from checker.notice.anchoring import normalise, prepare
from checker.rules.results import DocumentReport

GUIDE = "docs/encoding-guide.md"

CLASSES: dict[str, str] = {
    "consent": "how consent is obtained: explicit, separate, bundled, deemed",
    "legal-basis": "the legal basis or Art. 9(2) condition named for processing",
    "minors": "minors: age threshold, guardian consent, dedicated rules",
    "unstated": "the notice read as stating something, or as silent (`unstated`)",
    "not-encoded": "a field encoded by one reader and left out by the other",
    "data-categories": "which data categories a statement covers",
    "purposes": "which purposes a statement serves, and how a purpose is classed",
    "transfers": "destinations, storage locations and transfer mechanisms",
    "retention": "retention periods, their basis and what happens on expiry",
    "rights": "rights offered, their channels and response times",
    "other-values": "other enumerated values, flags and numbers",
    "statement-kinds": "the same words read as statements of different kinds",
    "missing-statements": "words one reader encoded as a statement and the other did not",
}
"""Disagreement class -> what it is about."""

SECTIONS: dict[str, str] = {
    "consent": "2-consent-which-mechanism",
    "legal-basis": "7-the-other-laws-fields",
    "unstated": "1-a-value-unstated-or-left-out",
    "not-encoded": "1-a-value-unstated-or-left-out",
    "data-categories": "8-voice-speech-recognition-or-identification",
    "purposes": "4-necessary-under-a-basis-other-than-consent",
    "transfers": "6-storage-abroad-and-when-it-is-a-transfer",
    "rights": "5-rights-exercised-by-oneself-response_days--0",
}
"""Disagreement class -> the anchor of the section of docs/encoding-guide.md whose convention
settles it. A class without one has no convention written yet: its disagreements are what the
team must write down next."""

_CONSENT_FIELDS = frozenset({"consent", "mechanism"})
_BASIS_FIELDS = frozenset({"basis_pipl", "basis_gdpr", "special_condition", "legitimate_interest"})
_TRANSFER_FIELDS = frozenset(
    {"destination", "location", "established_in", "mechanism_pipl", "mechanism_gdpr"}
)
_RETENTION_FIELDS = frozenset({"retention", "retention_basis", "on_expiry"})


def guide_link(cls: str) -> str | None:
    """`docs/encoding-guide.md#section` for a class the guide settles; None for one it does not."""
    section = SECTIONS.get(cls)
    return f"{GUIDE}#{section}" if section else None


def classify(kind: str, key: str, a: str | None, b: str | None) -> str:
    """The disagreement class of one field read as `a` by one encoder and `b` by the other."""
    if key in _CONSENT_FIELDS:
        return "consent"
    if key in _BASIS_FIELDS:
        return "legal-basis"
    if kind == "minors":
        return "minors"
    if a is None or b is None:
        return "not-encoded"
    if "unstated" in (a, b):
        return "unstated"
    shape = SHAPES[kind][key]
    if shape.scalar == "category":
        return "data-categories"
    if key == "purposes" or kind == "purpose":
        return "purposes"
    if key in _TRANSFER_FIELDS or kind in ("transfer", "storage"):
        return "transfers"
    if key in _RETENTION_FIELDS:
        return "retention"
    if kind == "right":
        return "rights"
    return "other-values"


@dataclass(frozen=True)
class Reading:
    """One field the two encoders wrote differently (None: not encoded)."""

    field: str
    a: str | None
    b: str | None
    cls: str


@dataclass(frozen=True)
class Pair:
    """Two statements read from the same words, and the fields where they differ."""

    kind: str
    a_label: str
    b_label: str
    a_quotes: tuple[str, ...]
    b_quotes: tuple[str, ...]
    overlap: float
    """Share of the shorter statement's quoted words that the other also quotes (0 when matched
    by name or as a single statement)."""
    fields: tuple[Reading, ...]


@dataclass(frozen=True)
class Unmatched:
    """A statement only one encoder wrote."""

    side: Literal["a", "b"]
    kind: str
    label: str
    quotes: tuple[str, ...]
    read_as: tuple[str, ...]
    """Statements of other kinds on the other side that cite the same words."""

    @property
    def cls(self) -> str:
        return "statement-kinds" if self.read_as else "missing-statements"


@dataclass(frozen=True)
class VerdictDifference:
    id: str
    title: str
    severity: str
    law: str
    article: str
    a: str | None
    b: str | None
    statements: tuple[str, ...]
    """Statements the verdict rests on that the two encodings read differently."""


@dataclass
class Agreement:
    a_path: str
    b_path: str
    source: str
    pairs: list[Pair] = field(default_factory=list)
    unmatched: list[Unmatched] = field(default_factory=list)
    verdicts: list[VerdictDifference] = field(default_factory=list)
    obligations: int = 0
    same: int = 0
    kappa: float | None = None

    @property
    def share(self) -> float:
        return 1.0 if self.obligations == 0 else self.same / self.obligations

    def classes(self) -> Counter[str]:
        found: Counter[str] = Counter(r.cls for p in self.pairs for r in p.fields)
        found.update(u.cls for u in self.disagreements)
        return found

    @property
    def disagreements(self) -> list[Unmatched]:
        """The unmatched statements, each difference of kind once: a statement of the second
        encoding is left out when it is only the other side of one of the first's."""
        first = {u.label: u for u in self.unmatched if u.side == "a"}

        def mirrored(u: Unmatched) -> bool:
            return bool(u.read_as) and all(
                label in first and u.label in first[label].read_as for label in u.read_as
            )

        return [u for u in self.unmatched if u.side == "a" or not mirrored(u)]

    @property
    def differing_pairs(self) -> list[Pair]:
        return [p for p in self.pairs if p.fields]


# --- Matching -------------------------------------------------------------------------------


def _intervals(fact: Fact, normal: str) -> list[tuple[int, int]]:
    """Where the statement's quotes lie in the normalised notice, merged."""
    spans = []
    for cite in fact.cites:
        needle = normalise(cite.quote)
        at = normal.find(needle) if needle else -1
        if at >= 0:
            spans.append((at, at + len(needle)))
    merged: list[tuple[int, int]] = []
    for start, end in sorted(spans):
        if merged and start <= merged[-1][1]:
            merged[-1] = (merged[-1][0], max(end, merged[-1][1]))
        else:
            merged.append((start, end))
    return merged


def overlap(a: list[tuple[int, int]], b: list[tuple[int, int]]) -> float:
    """Shared characters over the shorter of the two (0 when either quotes nothing)."""
    total_a = sum(e - s for s, e in a)
    total_b = sum(e - s for s, e in b)
    if not total_a or not total_b:
        return 0.0
    shared = sum(max(0, min(e1, e2) - max(s1, s2)) for s1, e1 in a for s2, e2 in b)
    return shared / min(total_a, total_b)


def _base(name: str | None) -> str | None:
    """The name before its first dot: the kind of right in `delete.in_app`."""
    return None if name is None else name.split(".", 1)[0]


def _compared(policy: Policy) -> list[Fact]:
    return [s for s in policy.statements if s.KIND != "waiver"]


def _quotes(fact: Fact) -> tuple[str, ...]:
    return tuple(c.quote for c in fact.cites)


def readings(a: Fact, b: Fact) -> tuple[Reading, ...]:
    """The fields two statements of one kind read differently (free text: stated or not only)."""
    found = []
    for key, shape in SHAPES[a.KIND].items():
        if key == a.NAME_FIELD:
            continue
        va, vb = field_text(a, key), field_text(b, key)
        if shape.scalar == "text" and not shape.many:
            # Wording aside: what counts is whether the notice is taken to state it.
            va = va if va in (None, "unstated") else "(stated)"
            vb = vb if vb in (None, "unstated") else "(stated)"
        if va != vb:
            found.append(
                Reading(key, field_text(a, key), field_text(b, key), classify(a.KIND, key, va, vb))
            )
    return tuple(found)


def match(a: Policy, b: Policy, notice_text: str) -> tuple[list[Pair], list[Unmatched]]:
    normal = prepare(notice_text).normal
    facts_a, facts_b = _compared(a), _compared(b)
    spans_a = [_intervals(f, normal) for f in facts_a]
    spans_b = [_intervals(f, normal) for f in facts_b]
    candidates = []
    for i, fa in enumerate(facts_a):
        for j, fb in enumerate(facts_b):
            if fa.KIND != fb.KIND:
                continue
            score = overlap(spans_a[i], spans_b[j])
            if score > 0:
                candidates.append((0, -score, i, j))
            elif (fa.name is not None and fa.name == fb.name) or fa.SINGLE:
                candidates.append((1, 0.0, i, j))  # after every match by quotes
            elif _base(fa.name) is not None and _base(fa.name) == _base(fb.name):
                # `right delete.in_app` and `right delete`: one right, read as one or several
                candidates.append((2, 0.0, i, j))
    matched: dict[int, tuple[int, float]] = {}
    taken: set[int] = set()
    for _rank, negative, i, j in sorted(candidates):
        if i in matched or j in taken:
            continue
        matched[i] = (j, -negative)
        taken.add(j)
    pairs = []
    for i, (j, score) in sorted(matched.items()):
        fa, fb = facts_a[i], facts_b[j]
        pairs.append(
            Pair(fa.KIND, fa.label, fb.label, _quotes(fa), _quotes(fb), score, readings(fa, fb))
        )

    def read_as(
        spans: list[tuple[int, int]],
        kind: str,
        others: list[Fact],
        other_spans: list[list[tuple[int, int]]],
    ) -> tuple[str, ...]:
        return tuple(
            o.label
            for o, s in zip(others, other_spans, strict=True)
            if kind != o.KIND and overlap(spans, s) > 0
        )

    unmatched = [
        Unmatched("a", f.KIND, f.label, _quotes(f), read_as(spans_a[i], f.KIND, facts_b, spans_b))
        for i, f in enumerate(facts_a)
        if i not in matched
    ]
    unmatched += [
        Unmatched("b", f.KIND, f.label, _quotes(f), read_as(spans_b[j], f.KIND, facts_a, spans_a))
        for j, f in enumerate(facts_b)
        if j not in taken
    ]
    return pairs, unmatched


# --- Verdicts -------------------------------------------------------------------------------


def cohen_kappa(a: list[str], b: list[str]) -> float | None:
    """Cohen's kappa of two raters' labels of the same items; None when it is undefined (both
    raters gave every item one and the same label, so chance agreement is certain)."""
    n = len(a)
    if n == 0:
        return None
    observed = sum(1 for x, y in zip(a, b, strict=True) if x == y) / n
    count_a, count_b = Counter(a), Counter(b)
    expected = sum(count_a[c] * count_b[c] for c in count_a.keys() | count_b.keys()) / (n * n)
    if expected >= 1.0:
        return None
    return (observed - expected) / (1.0 - expected)


def _rests_on(report: DocumentReport, requirement: str) -> set[str]:
    labels: set[str] = set()
    for outcome in report.outcomes:
        if outcome.id != requirement:
            continue
        labels.update(e.label for e in outcome.evidence)
        for finding in outcome.findings:
            labels.update(e.label for e in finding.evidence)
            if finding.subject:
                labels.add(finding.subject)
    return labels


def compare(
    a: Policy,
    b: Policy,
    notice_text: str,
    report_a: DocumentReport,
    report_b: DocumentReport,
) -> Agreement:
    """How far two encodings of one notice agree, fact by fact and verdict by verdict."""
    pairs, unmatched = match(a, b, notice_text)
    result = Agreement(a.path, b.path, a.document.source or "", pairs, unmatched)
    differing = {p.a_label for p in pairs if p.fields} | {p.b_label for p in pairs if p.fields}
    differing |= {u.label for u in unmatched}
    status_a = {o.id: o for o in report_a.outcomes}
    status_b = {o.id: o for o in report_b.outcomes}
    ids = sorted(status_a.keys() | status_b.keys())
    labels_a = [status_a[i].status if i in status_a else "not checked" for i in ids]
    labels_b = [status_b[i].status if i in status_b else "not checked" for i in ids]
    result.obligations = len(ids)
    result.same = sum(1 for x, y in zip(labels_a, labels_b, strict=True) if x == y)
    result.kappa = cohen_kappa(labels_a, labels_b)
    for i, x, y in zip(ids, labels_a, labels_b, strict=True):
        if x == y:
            continue
        outcome = status_b.get(i) or status_a[i]
        rests_on = _rests_on(report_a, i) | _rests_on(report_b, i)
        result.verdicts.append(
            VerdictDifference(
                i,
                outcome.title,
                outcome.severity,
                outcome.law,
                outcome.article,
                x,
                y,
                tuple(sorted(rests_on & differing)),
            )
        )
    return result
