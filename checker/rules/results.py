"""Results of evaluation: what each requirement decided about each document, with evidence.

Named tuples rather than pydantic models or dataclasses: immutable, and the cheapest records to
make (an evaluation makes thousands, from values already checked); and a run served from the
cache reads them back without loading the fact model, the parser or pydantic at all (most of a
cached run's time would otherwise be those imports).
"""

from __future__ import annotations

from typing import Literal, NamedTuple

from checker.language.citations import Citation
from checker.spans import Span

Status = Literal["pass", "fail", "not_applicable", "incomplete", "waived"]
STATUSES: tuple[str, ...] = ("pass", "fail", "not_applicable", "incomplete", "waived")


class Evidence(NamedTuple):
    """A fact the engine looked at: where it is in the policy and which notice words back it."""

    label: str
    span: Span
    cites: tuple[Citation, ...] = ()


class Finding(NamedTuple):
    """One reportable result at one place: a failure, an undecidable check, or a waiver problem."""

    id: str
    status: Status
    severity: Literal["error", "warning", "info"]
    title: str
    law: str
    article: str
    message: str
    path: str
    span: Span
    subject: str | None = None
    """The statement checked, for requirements checked per statement (`transfer overseas`)."""
    missing: tuple[str, ...] = ()
    """Facts that were not encoded, for `incomplete` findings (`transfer overseas: consent`)."""
    evidence: tuple[Evidence, ...] = ()
    waived_by: str | None = None
    remedy: str | None = None
    """What the notice must add or change (the requirement's remedy line)."""

    def sort_key(self) -> tuple[str, int, int, str, str]:
        return (self.path, self.span.line, self.span.column, self.id, self.subject or "")


class Outcome(NamedTuple):
    """The verdict of one requirement on one document."""

    id: str
    status: Status
    severity: Literal["error", "warning", "info"]
    title: str
    law: str
    article: str
    findings: tuple[Finding, ...] = ()
    evidence: tuple[Evidence, ...] = ()


class DocumentReport(NamedTuple):
    """Everything evaluated for one policy file."""

    path: str
    title: str
    source: str
    sets: tuple[str, ...]
    outcomes: tuple[Outcome, ...]
    extra: tuple[Finding, ...] = ()
    """Findings about the policy file itself, such as expired or unused waivers."""

    def findings(self) -> list[Finding]:
        found = [f for o in self.outcomes for f in o.findings] + list(self.extra)
        return sorted(found, key=Finding.sort_key)
