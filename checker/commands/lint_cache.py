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

from checker.language.citations import Citation
from checker.rules.results import STATUSES, DocumentReport, Evidence, Finding, Outcome
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
    anything else.

    Every value is checked for the type and, for statuses and severities, the value a report can
    hold: an entry that passed its digest may still have been written by something other than
    `encode`, and a report the reporters cannot render must be a cache miss, not a crash.
    """
    data = json.loads(text)
    if not isinstance(data, dict) or data.get("format") != FORMAT:
        raise ValueError("not a policycheck cache entry")
    table = [
        Evidence(
            _text(label),
            _span(span),
            tuple(
                Citation(
                    _text(c[0]),
                    _text(c[1]),
                    _span(c[2]),
                    _span(c[3]),
                    _line(c[4]),
                    _line(c[5]),
                    tuple(_int(n) for n in _list(c[6])),
                )
                for c in _list(cites)
            ),
        )
        for label, span, cites in _list(data["evidence"])
    ]

    def evidence(raw: Any) -> tuple[Evidence, ...]:
        return tuple(table[_int(i)] for i in _list(raw))

    def finding(raw: dict[str, Any]) -> Finding:
        _fields(raw, Finding._fields)
        for name in ("id", "title", "law", "article", "message", "path"):
            _text(raw[name])
        for name in ("subject", "waived_by", "remedy"):
            if raw[name] is not None:
                _text(raw[name])
        _choice(raw["status"], STATUSES)
        _choice(raw["severity"], SEVERITIES)
        raw["span"] = _span(raw["span"])
        raw["missing"] = tuple(_text(m) for m in _list(raw["missing"]))
        raw["evidence"] = evidence(raw["evidence"])
        return Finding(**raw)

    body = data["report"]
    _fields(body, DocumentReport._fields)
    outcomes = []
    for raw in _list(body["outcomes"]):
        _fields(raw, Outcome._fields)
        for name in ("id", "title", "law", "article"):
            _text(raw[name])
        _choice(raw["status"], STATUSES)
        _choice(raw["severity"], SEVERITIES)
        raw["evidence"] = evidence(raw["evidence"])
        raw["findings"] = tuple(finding(f) for f in _list(raw["findings"]))
        outcomes.append(Outcome(**raw))
    for name in ("path", "title", "source"):
        _text(body[name])
    body["sets"] = tuple(_text(s) for s in _list(body["sets"]))
    body["outcomes"] = tuple(outcomes)
    body["extra"] = tuple(finding(f) for f in _list(body["extra"]))
    return DocumentReport(**body)


SEVERITIES = ("error", "warning", "info")


def _fields(raw: Any, names: tuple[str, ...]) -> None:
    if not isinstance(raw, dict) or set(raw) != set(names):
        raise ValueError("a record without its fields")


def _list(raw: Any) -> list[Any]:
    if not isinstance(raw, list):
        raise TypeError("not a list")
    return raw


def _text(raw: Any) -> str:
    if not isinstance(raw, str):
        raise TypeError("not text")
    return raw


def _int(raw: Any) -> int:
    if not isinstance(raw, int) or isinstance(raw, bool) or raw < 0:
        raise TypeError("not a whole number")
    return raw


def _line(raw: Any) -> int | None:
    return None if raw is None else _int(raw)


def _span(raw: Any) -> Span:
    values = _list(raw)
    if len(values) != 4:
        raise ValueError("a span has four numbers")
    line, column, end_line, end_column = (_int(v) for v in values)
    return Span(line, column, end_line, end_column)


def _choice(raw: Any, choices: tuple[str, ...]) -> str:
    if raw not in choices:
        raise ValueError(f"not one of {choices}")
    return str(raw)
