"""The cache's file format for a document report: compact JSON with each piece of evidence once.

A report repeats the same evidence (a fact with its notice quotes) under many outcomes and
findings; written out naively a 13 KB policy made a 176 KB entry, and reading it back cost more
than evaluating anew. Here every distinct evidence is written once, in a table, and referred to by
index; reading validates each evidence once and the outcomes and findings around them.
"""

from __future__ import annotations

import json
from typing import Any

from checker.results import DocumentReport, Evidence, Finding, Outcome

FORMAT = "policycheck-cache/1"


def encode(report: DocumentReport) -> str:
    index: dict[int, int] = {}
    table: list[Any] = []

    def refs(evidence: tuple[Evidence, ...]) -> list[int]:
        out = []
        for ev in evidence:
            at = index.get(id(ev))
            if at is None:
                at = index[id(ev)] = len(table)
                table.append(ev.model_dump(mode="json"))
            out.append(at)
        return out

    def finding(f: Finding) -> dict[str, Any]:
        data = f.model_dump(mode="json", exclude={"evidence"})
        data["evidence"] = refs(f.evidence)
        return data

    outcomes = []
    for o in report.outcomes:
        data = o.model_dump(mode="json", exclude={"evidence", "findings"})
        data["evidence"] = refs(o.evidence)
        data["findings"] = [finding(f) for f in o.findings]
        outcomes.append(data)
    body = report.model_dump(mode="json", exclude={"outcomes", "extra"})
    body["outcomes"] = outcomes
    body["extra"] = [finding(f) for f in report.extra]
    return json.dumps({"format": FORMAT, "evidence": table, "report": body}, ensure_ascii=False)


def decode(text: str) -> DocumentReport:
    """The report, validated; raises ValueError (or a pydantic error) on anything unexpected."""
    data = json.loads(text)
    if data.get("format") != FORMAT:
        raise ValueError("not a policycheck cache entry")
    table = [Evidence.model_validate(row) for row in data["evidence"]]

    def finding(raw: dict[str, Any]) -> Finding:
        return Finding.model_validate({**raw, "evidence": tuple(table[i] for i in raw["evidence"])})

    body = data["report"]
    outcomes = tuple(
        Outcome.model_validate(
            {
                **raw,
                "evidence": tuple(table[i] for i in raw["evidence"]),
                "findings": tuple(finding(f) for f in raw["findings"]),
            }
        )
        for raw in body["outcomes"]
    )
    return DocumentReport.model_validate(
        {**body, "outcomes": outcomes, "extra": tuple(finding(f) for f in body["extra"])}
    )
