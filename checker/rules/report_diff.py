"""Comparing verdicts: what a change to a policy, its notice or the requirements did to them.

A verdict is that of one requirement on one statement (requirements checked per statement, such
as a transfer's consent) or on the whole document. Its status before and after is one of the
statuses of `checker.rules.results`, or None where the requirement was not checked at all (a notice
added or removed, a requirement added to or dropped from the sets). A change is classed as:

* `newly failing`: failing (fail or incomplete, as lint counts them) now, not before;
* `un-waived`: waived before, failing now;
* `newly waived`: waived now, not before;
* `no longer failing`: failing before, not now;
* `changed`: any other change of status (pass to not applicable, fail to incomplete, ...).

A finding failing on both sides whose message or evidence (the statements it rests on and their
quotes) differs is an evidence change. Lines never count: moving a statement changes nothing.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal

from checker.language.fact_diff import StatementChange
from checker.rules.results import DocumentReport, Finding, Outcome

FAILING = ("fail", "incomplete")
SEVERITY_RANK = {"info": 0, "warning": 1, "error": 2}

Change = Literal["newly failing", "un-waived", "newly waived", "no longer failing", "changed"]
CHANGES: tuple[Change, ...] = (
    "newly failing",
    "un-waived",
    "newly waived",
    "no longer failing",
    "changed",
)
NEW_FAILURES: tuple[Change, ...] = ("newly failing", "un-waived")
"""What `--fail-on-new` and the GitHub annotations count as a regression."""


@dataclass(frozen=True)
class VerdictChange:
    id: str
    subject: str | None
    title: str
    severity: Literal["error", "warning", "info"]
    law: str
    article: str
    before: str | None
    after: str | None
    change: Change
    finding: Finding | None
    """The finding behind the verdict: the newer one, or the older one when it is gone."""


@dataclass(frozen=True)
class EvidenceChange:
    id: str
    subject: str | None
    before: Finding
    after: Finding


@dataclass(frozen=True)
class NoticeDiff:
    """Everything that changed for one policy."""

    path: str
    before_path: str | None
    """The older file (None when the policy is new)."""
    after_path: str | None
    """The newer file (None when the policy was removed)."""
    title: str
    verdicts: tuple[VerdictChange, ...] = ()
    evidence: tuple[EvidenceChange, ...] = ()
    facts: tuple[StatementChange, ...] = ()
    coverage_before: float | None = None
    coverage_after: float | None = None

    @property
    def state(self) -> Literal["added", "removed", "changed"]:
        if self.before_path is None:
            return "added"
        if self.after_path is None:
            return "removed"
        return "changed"

    def count(self, change: Change) -> int:
        return sum(1 for v in self.verdicts if v.change == change)

    def new_failures(self, threshold: str = "info") -> list[VerdictChange]:
        rank = SEVERITY_RANK[threshold]
        return [
            v
            for v in self.verdicts
            if v.change in NEW_FAILURES and SEVERITY_RANK[v.severity] >= rank
        ]

    def is_empty(self) -> bool:
        coverage_same = self.coverage_before == self.coverage_after
        return not (self.verdicts or self.evidence or self.facts) and coverage_same


@dataclass
class DiffResult:
    """A whole comparison: what was compared with what, and each policy that changed."""

    base: str
    head: str
    notices: list[NoticeDiff] = field(default_factory=list)
    compared: int = 0
    """Policies compared (those that changed and those that did not)."""

    def new_failures(self, threshold: str = "info") -> list[VerdictChange]:
        return [v for n in self.notices for v in n.new_failures(threshold)]


def classify(before: str | None, after: str | None) -> Change:
    if after == "waived" and before != "waived":
        return "newly waived"
    if before == "waived" and after in FAILING:
        return "un-waived"
    if after in FAILING and before not in FAILING:
        return "newly failing"
    if before in FAILING and after not in FAILING:
        return "no longer failing"
    return "changed"


_Unit = tuple[str, str]  # (requirement id, subject or "")
_NOT_A_UNIT = object()


class _Side:
    """One report's verdicts by (requirement, subject), and its outcomes by requirement."""

    def __init__(self, report: DocumentReport | None) -> None:
        self.outcomes: dict[str, Outcome] = {}
        self.units: dict[_Unit, Finding | None] = {}
        self.statuses: dict[_Unit, str] = {}
        if report is None:
            return
        for outcome in report.outcomes:
            self.outcomes[outcome.id] = outcome
            if not outcome.findings:
                self.units[(outcome.id, "")] = None
                self.statuses[(outcome.id, "")] = outcome.status
            for finding in outcome.findings:
                self.units[(outcome.id, finding.subject or "")] = finding
                self.statuses[(outcome.id, finding.subject or "")] = finding.status
        for finding in report.extra:  # waiver problems: a finding of the file itself
            self.units[(finding.id, finding.subject or "")] = finding
            self.statuses[(finding.id, finding.subject or "")] = finding.status

    def lookup(self, unit: _Unit) -> tuple[str | None, Finding | None] | object:
        if unit in self.units:
            return self.statuses[unit], self.units[unit]
        outcome = self.outcomes.get(unit[0])
        if outcome is None:
            return None, None
        if not outcome.findings:
            return outcome.status, None
        if unit[1] == "":
            # The other side's whole-document verdict of a requirement this side decided per
            # statement: its statements' own verdicts are compared instead.
            return _NOT_A_UNIT
        return "pass", None  # decided per statement, and this statement has no finding


def _evidence_key(finding: Finding) -> tuple[object, ...]:
    return (
        finding.message,
        tuple((e.label, tuple((c.label, c.quote) for c in e.cites)) for e in finding.evidence),
    )


def _evidence_items(finding: Finding) -> list[str]:
    return [f'{e.label}: "{c.quote}"' for e in finding.evidence for c in e.cites] + [
        e.label for e in finding.evidence if not e.cites
    ]


def evidence_delta(change: EvidenceChange) -> tuple[list[str], list[str]]:
    """The evidence (statement and quote) a finding no longer rests on, and what it now adds."""
    old, new = _evidence_items(change.before), _evidence_items(change.after)
    return [e for e in old if e not in new], [e for e in new if e not in old]


def compare_reports(
    before: DocumentReport | None, after: DocumentReport | None
) -> tuple[tuple[VerdictChange, ...], tuple[EvidenceChange, ...]]:
    """The verdicts that changed between two reports of one policy, and the evidence changes.

    For a policy added or removed, only the verdicts that are not passes are listed (that a new
    notice passes a requirement is no news; that it fails one is).
    """
    old, new = _Side(before), _Side(after)
    one_sided = before is None or after is None
    verdicts: list[VerdictChange] = []
    evidence: list[EvidenceChange] = []
    for unit in sorted(old.units.keys() | new.units.keys()):
        was, now = old.lookup(unit), new.lookup(unit)
        if was is _NOT_A_UNIT or now is _NOT_A_UNIT:
            continue
        assert isinstance(was, tuple) and isinstance(now, tuple)
        (b, b_finding), (a, a_finding) = was, now
        if b == a:
            if (
                b_finding is not None
                and a_finding is not None
                and _evidence_key(b_finding) != _evidence_key(a_finding)
            ):
                evidence.append(EvidenceChange(unit[0], a_finding.subject, b_finding, a_finding))
            continue
        if one_sided and (a or b) in ("pass", "not_applicable"):
            continue
        outcome = new.outcomes.get(unit[0]) or old.outcomes.get(unit[0])
        finding = a_finding or b_finding
        source = outcome if outcome is not None else finding
        assert source is not None
        verdicts.append(
            VerdictChange(
                id=unit[0],
                subject=unit[1] or None,
                title=source.title,
                severity=source.severity,
                law=source.law,
                article=source.article,
                before=b,
                after=a,
                change=classify(b, a),
                finding=finding,
            )
        )
    return tuple(verdicts), tuple(evidence)


def relocated(report: DocumentReport, path: str) -> DocumentReport:
    """The same report under another path (a file read from a temporary checkout)."""

    def move(finding: Finding) -> Finding:
        return finding._replace(path=path)

    outcomes = tuple(
        o._replace(findings=tuple(move(f) for f in o.findings)) for o in report.outcomes
    )
    return report._replace(path=path, outcomes=outcomes, extra=tuple(move(f) for f in report.extra))
