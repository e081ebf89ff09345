"""What every reporter is given: a lint run's reports, its input errors and its options."""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from checker.errors import CheckerError
from checker.rules.results import DocumentReport, Finding
from checker.rules.selection import selected

if TYPE_CHECKING:
    from checker.rules.baseline import Applied
    from checker.rules.requirements import Requirement, RequirementSet

SEVERITY_RANK = {"info": 0, "warning": 1, "error": 2}


@dataclass(frozen=True)
class LintOptions:
    paths: tuple[Path, ...]
    exclude: tuple[str, ...] = ()
    requirements: tuple[str, ...] = ()
    """Sets by name, file or directory; empty means: by each document's jurisdictions."""
    extra_requirements: tuple[str, ...] = ()
    select: tuple[str, ...] = ()
    ignore: tuple[str, ...] = ()
    fail_on: str = "error"
    jobs: int = 1
    cache_dir: Path | None = None
    show_passed: bool = False
    quiet: bool = False
    """Text output: the summary line only."""
    statistics: bool = False
    """Text output: the number of findings of each requirement, before the summary."""
    roots: tuple[Path, ...] = ()
    """Where notices may lie (see `checker.files.roots_for`); empty: each policy's own root."""
    today: datetime.date = field(default_factory=datetime.date.today)


class LintRun:
    """What a lint run produced: one report per readable policy, and every input error.

    `requirements` (every requirement of the sets the reports used) is loaded only when a
    reporter asks for it, so a run served from the cache need not compile any requirement set.
    """

    baseline: Applied | None = None
    """Set when a baseline was applied: the reports then hold only the findings it lacks."""

    def __init__(
        self,
        reports: list[DocumentReport],
        errors: list[CheckerError],
        requirements: list[Requirement] | None = None,
        texts: dict[str, str] | None = None,
        options: LintOptions | None = None,
        named_sets: list[RequirementSet] | None = None,
    ) -> None:
        self.reports = reports
        self.errors = errors
        self.texts = texts if texts is not None else {}
        self.options = options if options is not None else LintOptions(paths=())
        self._requirements = requirements
        self._named_sets = named_sets or []

    @property
    def requirements(self) -> list[Requirement]:
        if self._requirements is None:
            used = {s for r in self.reports for s in r.sets}
            from checker.rules.requirements import sets_by_name

            found = [
                req
                for s in sets_by_name(used, self._named_sets)
                for req in s.requirements
                if selected(req.id, self.options.select, self.options.ignore)
            ]
            self._requirements = sorted(found, key=lambda r: r.id)
        return self._requirements

    def findings(self) -> list[Finding]:
        return [f for r in self.reports for f in r.findings()]

    def failing(self) -> list[Finding]:
        threshold = SEVERITY_RANK[self.options.fail_on]
        return [
            f
            for f in self.findings()
            if f.status in ("fail", "incomplete") and SEVERITY_RANK[f.severity] >= threshold
        ]
