"""`--format json`: the whole lint run as one JSON document, schema `policycheck-report/2`.

The schema is written down in docs/report.schema.json (JSON Schema draft 2020-12) and the tests
validate this reporter's output against it. Its shape:

    {"schema": "policycheck-report/2",
     "tool": {"name": "policycheck", "version": "0.1.0"},
     "documents": [{"path", "title", "source", "sets",
                    "evidence": [{"label", "span", "cites": [{"label", "quote", ...}]}],
                    "outcomes": [{"id", "status", "severity", "title", "law", "article",
                                  "waiver", "evidence": [0, 3], "findings": [...]}],
                    "waiver_findings": [...]}],
     "errors": [{"code", "title", "path", "line", "column", "end_line", "end_column",
                 "message", "expected", "hint"}],
     "requirements": [{"id", "title", "law", "article", "quote", "remedy", ...}],
     "summary": {"documents", "requirements", "pass", "fail", ..., "errors"},
     "baseline": {"file", "baselined", "no_longer_occurring": [...]}}   (with --baseline only)

Each document lists the facts its verdicts rest on once, in `evidence`, with their notice
quotes; an outcome's or a finding's `evidence` holds indexes into that list (version 1 repeated
every fact and quote in every outcome and finding that used it, and was many times larger).
Every outcome of every document is listed, passes included (`--show-passed` only affects the
text output). Lines and columns are 1-based; `end_column` is exclusive. The version in `schema`
changes only when a field is removed or changes meaning; new fields may appear within a version.

The document is written as the run goes: each document on a line of its own as soon as it is
checked, then the input errors, the requirements used and the summary, which the documents
cannot be written without. A reader may rely on the key order of neither.
"""

from __future__ import annotations

import json
import sys
from collections.abc import Iterator
from typing import TYPE_CHECKING, Any

from checker import __version__
from checker.errors import CATALOGUE, CheckerError
from checker.language.citations import Citation
from checker.reporters.run import LintRun
from checker.reporters.stream import Chunk, ChunkContext, RunEnd, Sections, assemble
from checker.rules.requirements import Requirement
from checker.rules.results import STATUSES, DocumentReport, Evidence, Finding, Outcome
from checker.spans import Span

SCHEMA = "policycheck-report/2"

if TYPE_CHECKING:
    from checker.rules.baseline import Applied

JSONObject = dict[str, Any]


def render(run: LintRun, color: bool = False) -> str:
    return assemble(sys.modules[__name__], run, color)


def report(run: LintRun) -> JSONObject:
    """The lint run as plain JSON values (what `render` serialises)."""
    data: JSONObject = json.loads(render(run))
    return data


STREAMED = True
SEPARATOR = ","


def _line(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False, separators=(",", ":"))


def start(context: ChunkContext) -> str:
    tool = _line({"name": "policycheck", "version": __version__})
    return f'{{\n  "schema": "{SCHEMA}",\n  "tool": {tool},\n  "documents": ['


def chunk(
    report: DocumentReport, text: str | None, context: ChunkContext, settled: frozenset[str]
) -> Chunk:
    return Chunk(("\n    " + _line(_document(report)),))


def _list(items: list[Any]) -> str:
    if not items:
        return "[]"
    return "[\n    " + ",\n    ".join(_line(item) for item in items) + "\n  ]"


def finish(end: RunEnd, sections: Sections) -> Iterator[str]:
    yield "\n  ]" if end.totals.documents else "]"
    yield f',\n  "errors": {_list([_error(e) for e in end.errors])}'
    yield f',\n  "requirements": {_list([_requirement(r) for r in end.requirements()])}'
    yield f',\n  "summary": {_line(_summary(end))}'
    if end.baseline is not None:
        yield f',\n  "baseline": {_line(_baseline(end.baseline))}'
    yield "\n}\n"


def _baseline(applied: Applied) -> JSONObject:
    return {
        "file": applied.file,
        "baselined": applied.baselined,
        "no_longer_occurring": [
            e.as_json() | ({"line": e.span.line} if e.span else {}) for e in applied.gone
        ],
    }


def _span(span: Span) -> JSONObject:
    return {
        "line": span.line,
        "column": span.column,
        "end_line": span.end_line,
        "end_column": span.end_column,
    }


def _cite(cite: Citation) -> JSONObject:
    return {
        "label": cite.label,
        "quote": cite.quote,
        "notice_line": cite.notice_line,
        "span": _span(cite.span),
    }


def _evidence(evidence: Evidence) -> JSONObject:
    return {
        "label": evidence.label,
        "span": _span(evidence.span),
        "cites": [_cite(c) for c in evidence.cites],
    }


class _Table:
    """A document's evidence, each distinct fact once, and its index by identity and value."""

    def __init__(self) -> None:
        self.rows: list[JSONObject] = []
        self._at: dict[Evidence, int] = {}

    def refs(self, evidence: tuple[Evidence, ...]) -> list[int]:
        out = []
        for ev in evidence:
            at = self._at.get(ev)
            if at is None:
                at = self._at[ev] = len(self.rows)
                self.rows.append(_evidence(ev))
            out.append(at)
        return out


def _finding(finding: Finding, table: _Table) -> JSONObject:
    return {
        "id": finding.id,
        "status": finding.status,
        "severity": finding.severity,
        "title": finding.title,
        "law": finding.law,
        "article": finding.article,
        "message": finding.message,
        "path": finding.path,
        "span": _span(finding.span),
        "subject": finding.subject,
        "missing": list(finding.missing),
        "evidence": table.refs(finding.evidence),
        "waiver": finding.waived_by,
    }


def _outcome(outcome: Outcome, table: _Table) -> JSONObject:
    # A waiver excuses the whole outcome, so every finding of a waived outcome names the same one.
    waiver = next((f.waived_by for f in outcome.findings if f.waived_by), None)
    return {
        "id": outcome.id,
        "status": outcome.status,
        "severity": outcome.severity,
        "title": outcome.title,
        "law": outcome.law,
        "article": outcome.article,
        "waiver": waiver,
        "evidence": table.refs(outcome.evidence),
        "findings": [_finding(f, table) for f in outcome.findings],
    }


def _document(report_: DocumentReport) -> JSONObject:
    table = _Table()
    outcomes = [_outcome(o, table) for o in report_.outcomes]
    waiver_findings = [_finding(f, table) for f in report_.extra]
    return {
        "path": report_.path,
        "title": report_.title,
        "source": report_.source,
        "sets": list(report_.sets),
        "evidence": table.rows,
        "outcomes": outcomes,
        "waiver_findings": waiver_findings,
    }


def _error(error: CheckerError) -> JSONObject:
    span = error.span
    return {
        "code": error.code,
        "title": CATALOGUE[error.code],
        "path": error.path or None,
        "line": span.line if span else None,
        "column": span.column if span else None,
        "end_line": span.end_line if span else None,
        "end_column": span.end_column if span else None,
        "message": error.message,
        "expected": error.expected,
        "hint": error.hint,
    }


def _requirement(req: Requirement) -> JSONObject:
    spec = req.spec
    return {
        "id": req.id,
        "title": spec.title,
        "set": req.set_name,
        "law": req.law,
        "law_title": req.law_title,
        "article": spec.article,
        "quote": spec.quote,
        "gloss": spec.gloss,
        "severity": spec.severity,
        "remedy": spec.remedy,
        "not_formalised": spec.not_formalised,
        "waivable": spec.waivable,
        "help_uri": req.source_uri,
    }


def _summary(end: RunEnd) -> JSONObject:
    totals = end.totals
    summary: JSONObject = {
        "documents": totals.documents,
        "requirements": len(totals.requirement_ids),
    }
    summary.update({status: totals.statuses[status] for status in STATUSES})
    summary.update(
        {
            "findings": totals.findings,
            "waiver_findings": totals.waiver_findings,
            "failing": totals.failing,
            "fail_on": end.options.fail_on,
            "errors": len(end.errors),
        }
    )
    return summary
