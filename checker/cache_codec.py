"""The cache's file format for a document report: compact JSON with each piece of evidence once.

A report repeats the same evidence (a fact with its notice quotes) under many outcomes and
findings; written out naively a 13 KB policy made a 176 KB entry, and reading it back cost more
than evaluating anew. Here every distinct evidence is written once, in a table, and referred to by
index, and spans and citations are written as short arrays.

Reading does not validate field by field: an entry is only read when the cache key (which covers
the checker's own code, so this very format) and the digest of the entry's text both match, so it
is exactly what `encode` wrote. Anything malformed still fails, with ValueError, LookupError,
TypeError or AttributeError, which the cache treats as a miss.
"""

from __future__ import annotations

import json
from typing import Any

from checker.citations import Citation
from checker.results import DocumentReport, Evidence, Finding, Outcome
from checker.spans import Span

FORMAT = "policycheck-cache/3"

_FINDING_FIELDS = tuple(f for f in Finding._fields if f != "evidence")
_OUTCOME_FIELDS = tuple(f for f in Outcome._fields if f not in ("evidence", "findings"))
_REPORT_FIELDS = tuple(f for f in DocumentReport._fields if f not in ("outcomes", "extra"))


def encode(report: DocumentReport) -> str:
    index: dict[int, int] = {}
    table: list[Any] = []

    def refs(evidence: tuple[Evidence, ...]) -> list[int]:
        out = []
        for ev in evidence:
            at = index.get(id(ev))
            if at is None:
                at = index[id(ev)] = len(table)
                cites = [
                    [c.label, c.quote, c.span, c.quote_span, c.notice_line, c.line_hint, c.places]
                    for c in ev.cites
                ]
                table.append([ev.label, ev.span, cites])
            out.append(at)
        return out

    def finding(f: Finding) -> dict[str, Any]:
        data = {name: getattr(f, name) for name in _FINDING_FIELDS}
        data["evidence"] = refs(f.evidence)
        return data

    outcomes = []
    for o in report.outcomes:
        data: dict[str, Any] = {name: getattr(o, name) for name in _OUTCOME_FIELDS}
        data["evidence"] = refs(o.evidence)
        data["findings"] = [finding(f) for f in o.findings]
        outcomes.append(data)
    body: dict[str, Any] = {name: getattr(report, name) for name in _REPORT_FIELDS}
    body["outcomes"] = outcomes
    body["extra"] = [finding(f) for f in report.extra]
    return json.dumps({"format": FORMAT, "evidence": table, "report": body}, ensure_ascii=False)


def decode(text: str) -> DocumentReport:
    """The report `encode` wrote; raises ValueError, LookupError, TypeError or AttributeError on
    anything else."""
    data = json.loads(text)
    if data.get("format") != FORMAT:
        raise ValueError("not a policycheck cache entry")
    table = [
        Evidence(
            label,
            Span(*span),
            tuple(
                Citation(c[0], c[1], Span(*c[2]), Span(*c[3]), c[4], c[5], tuple(c[6]))
                for c in cites
            ),
        )
        for label, span, cites in data["evidence"]
    ]

    def finding(raw: dict[str, Any]) -> Finding:
        raw["span"] = Span(*raw["span"])
        raw["missing"] = tuple(raw["missing"])
        raw["evidence"] = tuple(table[i] for i in raw["evidence"])
        return Finding(**raw)

    body = data["report"]
    outcomes = []
    for raw in body["outcomes"]:
        raw["evidence"] = tuple(table[i] for i in raw["evidence"])
        raw["findings"] = tuple(finding(f) for f in raw["findings"])
        outcomes.append(Outcome(**raw))
    body["sets"] = tuple(body["sets"])
    body["outcomes"] = tuple(outcomes)
    body["extra"] = tuple(finding(f) for f in body["extra"])
    return DocumentReport(**body)
