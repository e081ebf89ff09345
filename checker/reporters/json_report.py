"""`--format json`: the whole lint run as one JSON document, schema `policycheck-report/1`.

The schema is written down in docs/report.schema.json (JSON Schema draft 2020-12) and the tests
validate this reporter's output against it. Its shape:

    {"schema": "policycheck-report/1",
     "tool": {"name": "policycheck", "version": "0.1.0"},
     "documents": [{"path", "title", "source", "sets",
                    "outcomes": [{"id", "status", "severity", "title", "law", "article",
                                  "waiver", "evidence": [...], "findings": [...]}],
                    "waiver_findings": [...]}],
     "errors": [{"code", "title", "path", "line", "column", "end_line", "end_column",
                 "message", "expected", "hint"}],
     "requirements": [{"id", "title", "law", "article", "quote", "remedy", ...}],
     "summary": {"documents", "requirements", "pass", "fail", ..., "errors"},
     "baseline": {"file", "baselined", "no_longer_occurring": [...]}}   (with --baseline only)

Every outcome of every document is listed, passes included (`--show-passed` only affects the
text output). Lines and columns are 1-based; `end_column` is exclusive. The version in `schema`
changes only when a field is removed or changes meaning; new fields may appear within a version.
"""

from __future__ import annotations

import json
from collections import Counter
from typing import Any

from checker import __version__
from checker.errors import CATALOGUE, CheckerError
from checker.language.citations import Citation
from checker.reporters.run import LintRun
from checker.rules.requirements import Requirement
from checker.rules.results import STATUSES, DocumentReport, Evidence, Finding, Outcome
from checker.spans import Span

SCHEMA = "policycheck-report/1"

JSONObject = dict[str, Any]


def render(run: LintRun, color: bool = False) -> str:
    return json.dumps(report(run), ensure_ascii=False, indent=2) + "\n"


def report(run: LintRun) -> JSONObject:
    """The lint run as plain JSON values (what `render` serialises)."""
    return {
        "schema": SCHEMA,
        "tool": {"name": "policycheck", "version": __version__},
        "documents": [_document(r) for r in run.reports],
        "errors": [_error(e) for e in run.errors],
        "requirements": [_requirement(r) for r in run.requirements],
        "summary": _summary(run),
    } | ({"baseline": _baseline(run)} if run.baseline is not None else {})


def _baseline(run: LintRun) -> JSONObject:
    assert run.baseline is not None
    return {
        "file": run.baseline.file,
        "baselined": run.baseline.baselined,
        "no_longer_occurring": [
            e.as_json() | ({"line": e.span.line} if e.span else {}) for e in run.baseline.gone
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


def _finding(finding: Finding) -> JSONObject:
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
        "evidence": [_evidence(e) for e in finding.evidence],
        "waiver": finding.waived_by,
    }


def _outcome(outcome: Outcome) -> JSONObject:
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
        "evidence": [_evidence(e) for e in outcome.evidence],
        "findings": [_finding(f) for f in outcome.findings],
    }


def _document(report_: DocumentReport) -> JSONObject:
    return {
        "path": report_.path,
        "title": report_.title,
        "source": report_.source,
        "sets": list(report_.sets),
        "outcomes": [_outcome(o) for o in report_.outcomes],
        "waiver_findings": [_finding(f) for f in report_.extra],
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


def _summary(run: LintRun) -> JSONObject:
    statuses: Counter[str] = Counter(o.status for r in run.reports for o in r.outcomes)
    open_findings = [f for f in run.findings() if f.status != "waived"]
    summary: JSONObject = {
        "documents": len(run.reports),
        "requirements": len({o.id for r in run.reports for o in r.outcomes}),
    }
    summary.update({status: statuses[status] for status in STATUSES})
    summary.update(
        {
            "findings": len(open_findings),
            "waiver_findings": sum(len(r.extra) for r in run.reports),
            "failing": len(run.failing()),
            "fail_on": run.options.fail_on,
            "errors": len(run.errors),
        }
    )
    return summary
