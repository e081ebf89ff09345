"""`--format sarif`: SARIF 2.1.0 for GitHub code scanning and other SARIF viewers.

One run. Each requirement checked becomes a rule (`reportingDescriptor`) whose help quotes the
article and says how to fix the notice; the WAIVER-* checks are rules too. Each finding becomes a
result at its place in the .policy file, with the facts it looked at as related locations (their
notice quotes in the message). Waived findings are kept, with an `inSource` suppression, so code
scanning shows them as dismissed rather than as fixed. Input errors are tool execution
notifications, and make `executionSuccessful` false; an input error located in a file is also a
result of level error, under a rule named by its code (`E101`) whose help is the code's section of
docs/errors.md, so that code scanning shows an alert where a policy does not parse. Findings a
baseline records (`--baseline`) are left out, not marked with `baselineState`: code scanning keeps
its own baseline by fingerprint.

Code scanning matches results across commits by `partialFingerprints`; ours hash the rule, the
file, the statement and the message, never a line number, so inserting a line above a finding
does not turn it into a new alert. Paths are relative to `%SRCROOT%` (the directory the command
ran in, the repository root in CI) with forward slashes: code scanning rejects absolute paths.
Limits from GitHub's "SARIF support for code scanning": at most 25,000 results per run and
1,000 locations per result (100 displayed), 20 tags per rule (10 displayed), descriptions of
at most 1,024 characters.
"""

from __future__ import annotations

import json
import os
import re
import sys
from collections import Counter
from collections.abc import Iterable, Iterator
from functools import cache
from importlib import metadata
from typing import Any
from urllib.parse import quote, urlparse

from checker import __version__
from checker.errors import CATALOGUE, CheckerError
from checker.reporters.run import SEVERITY_RANK, LintRun
from checker.reporters.stream import Chunk, ChunkContext, RunEnd, Sections, assemble
from checker.resources import shipped_dir
from checker.rules.fingerprint import fingerprint as finding_fingerprint
from checker.rules.own_checks import CHECKS
from checker.rules.requirements import Requirement
from checker.rules.results import DocumentReport, Evidence, Finding
from checker.spans import Span

SARIF_SCHEMA = "https://json.schemastore.org/sarif-2.1.0.json"
SRCROOT = "%SRCROOT%"
FINGERPRINT = "policycheckFinding/v1"
LEVELS = {"error": "error", "warning": "warning", "info": "note"}

MAX_RESULTS = 25_000
MAX_RELATED = 100
MAX_DESCRIPTION = 1024

JSONObject = dict[str, Any]


def render(run: LintRun, color: bool = False) -> str:
    return assemble(sys.modules[__name__], run, color)


def sarif_log(run: LintRun) -> JSONObject:
    """The lint run as a SARIF log (what `render` serialises)."""
    log: JSONObject = json.loads(render(run))
    return log


# The log is written in three parts. A document's results are rendered by itself, each with its
# rule's index left open, since the rules (every requirement of the sets the run used) are known
# only at the end; they wait in a temporary file as records of
# `rank RS rule-id RS text-before-the-index RS text-after-it`, ending in GS. The log's text
# (json.dumps, indented) never holds a raw control character, so these separators are safe.
STREAMED = False
SEPARATOR = ""
_FIELD = "\x1e"
_RECORD = "\x1d"
_RESULT_INDENT = " " * 8  # $.runs[0].results[*]
_RULE_INDEX = "\n" + " " * 10 + '"ruleIndex": 0'
_PLACEHOLDER = "\x00results"


def start(context: ChunkContext) -> str:
    return ""


def _indented(value: JSONObject, indent: str) -> str:
    return indent + json.dumps(value, ensure_ascii=False, indent=2).replace("\n", "\n" + indent)


def chunk(
    report: DocumentReport, text: str | None, context: ChunkContext, settled: frozenset[str]
) -> Chunk:
    """Section 0: the document's results; section 1: a rule for each of its finding ids, in
    case its requirement is not among those listed. The tally counts results by severity."""
    seen: dict[str, int] = {}
    records = []
    tally = [0, 0, 0]
    rules: dict[str, str] = {}
    for finding in report.findings():
        rank = SEVERITY_RANK[finding.severity]
        tally[rank] += 1
        before, found, after = _indented(_result(finding, 0, seen), _RESULT_INDENT).partition(
            _RULE_INDEX
        )
        assert found
        records.append(_FIELD.join((str(rank), finding.id, before + found[:-1], after)) + _RECORD)
        if finding.id not in rules:
            rules[finding.id] = json.dumps(_fallback_rule(finding), ensure_ascii=False)
    fallback = "".join(_FIELD.join((i, rule)) + _RECORD for i, rule in rules.items())
    return Chunk(("".join(records), fallback), tuple(tally))


def _records(pieces: Iterable[str]) -> Iterator[list[str]]:
    """The records of a spooled section, each split into its fields."""
    rest = ""
    for piece in pieces:
        rest += piece
        *whole, rest = rest.split(_RECORD)
        for record in whole:
            yield record.split(_FIELD)


def finish(end: RunEnd, sections: Sections) -> Iterator[str]:
    rules = [_rule(r) for r in end.requirements()] + [_own_rule(c) for c in CHECKS]
    index = {rule["id"]: i for i, rule in enumerate(rules)}
    for rule_id, rule in _records(sections(1)):
        # a finding whose requirement is not listed still needs its rule
        if rule_id not in index:
            index[rule_id] = len(rules)
            rules.append(json.loads(rule))
    # An input error located in a file is a result too, under a rule named by its code.
    located = [e for e in end.errors if e.path][:MAX_RESULTS]
    for code in sorted({e.code for e in located}):
        index[code] = len(rules)
        rules.append(_error_rule(code))
    _distinct_names(rules)

    # Keep the most severe results, in their order; code scanning rejects more than this.
    counts = (end.totals.tally or [0, 0, 0])[:3]
    total = sum(counts)
    room = MAX_RESULTS - len(located)
    quota = list(counts)
    if total > room:
        left = room
        for rank in sorted(range(3), reverse=True):
            quota[rank] = min(counts[rank], left)
            left -= quota[rank]
    kept = sum(quota)

    codes = sorted({e.code for e in end.errors})
    notification_index = {code: i for i, code in enumerate(codes)}
    notifications = [_notification(e, notification_index[e.code]) for e in end.errors]
    if kept < total:
        notifications.append(
            {
                "level": "warning",
                "message": {
                    "text": f"{total - kept} of {total} findings were "
                    f"left out: code scanning accepts at most {MAX_RESULTS} results per run"
                },
            }
        )

    driver: JSONObject = {
        "name": "policycheck",
        "version": __version__,
        "semanticVersion": __version__,
        "informationUri": information_uri(),
        "rules": rules,
    }
    if codes:
        driver["notifications"] = [
            {
                "id": code,
                "name": pascal_case(CATALOGUE[code]),
                "shortDescription": {"text": CATALOGUE[code]},
            }
            for code in codes
        ]
    seen: dict[str, int] = {}
    errors = [_indented(_error_result(e, index[e.code], seen), _RESULT_INDENT) for e in located]
    log = {
        "$schema": SARIF_SCHEMA,
        "version": "2.1.0",
        "runs": [
            {
                "tool": {"driver": driver},
                "invocations": [
                    {
                        "executionSuccessful": not end.errors,
                        "toolExecutionNotifications": notifications,
                    }
                ],
                "originalUriBaseIds": {
                    SRCROOT: {
                        "description": {
                            "text": "The directory policycheck ran in (the repository root in CI)."
                        }
                    },
                },
                "columnKind": "unicodeCodePoints",
                "results": [_PLACEHOLDER] if kept or errors else [],
            }
        ],
    }
    text = json.dumps(log, ensure_ascii=False, indent=2) + "\n"
    if not kept and not errors:
        yield text
        return
    before, _, after = text.partition(_RESULT_INDENT + json.dumps(_PLACEHOLDER))
    yield before
    first = True
    for rank_text, rule_id, head, tail in _records(sections(0)):
        rank = int(rank_text)
        if quota[rank] <= 0:
            continue
        quota[rank] -= 1
        yield ("" if first else ",\n") + head + str(index[rule_id]) + tail
        first = False
    for result in errors:
        yield ("" if first else ",\n") + result
        first = False
    yield after


# --- Rules ----------------------------------------------------------------------------------


def _rule(req: Requirement) -> JSONObject:
    spec = req.spec
    quoted = f'{req.citation}: "{spec.quote}"' + (f" ({spec.gloss})" if spec.gloss else "")
    text = [f"{req.citation} ({req.law_title})", f'"{spec.quote}"']
    markdown = [f"**{req.citation}** — {req.law_title}", "", *_blockquote(spec.quote)]
    if spec.gloss:
        text.append(f"Unofficial translation: {spec.gloss}")
        markdown += [">", *_blockquote(f"*{spec.gloss}* (unofficial translation)")]
    text.append(f"How to fix: {spec.remedy}")
    markdown += ["", f"**How to fix:** {spec.remedy}"]
    if spec.not_formalised:
        text.append(f"Not checked (needs human judgement): {spec.not_formalised}")
        markdown += ["", f"**Not checked (needs human judgement):** {spec.not_formalised}"]
    if not spec.waivable:
        text.append("This requirement may not be waived.")
        markdown += ["", "This requirement may not be waived."]
    rule: JSONObject = {
        "id": req.id,
        "name": pascal_case(spec.title) or pascal_case(req.id),
        "shortDescription": {"text": _cut(spec.title)},
        "fullDescription": {"text": _cut(quoted)},
        "help": {"text": "\n".join(text), "markdown": "\n".join(markdown)},
        "defaultConfiguration": {"level": LEVELS[spec.severity]},
        "properties": {
            "tags": _tags(req.law, "privacy"),
            "law": req.law,
            "article": spec.article,
            "set": req.set_name,
            "waivable": spec.waivable,
        },
    }
    if req.source_uri and _is_absolute_uri(req.source_uri):
        rule["helpUri"] = req.source_uri
    return rule


def _own_rule(check_id: str) -> JSONObject:
    check = CHECKS[check_id]
    return {
        "id": check_id,
        "name": pascal_case(check_id),
        "shortDescription": {"text": check.title},
        "fullDescription": {"text": check.means},
        "help": {
            "text": f"{check.title}.\nHow to fix: {check.fix}",
            "markdown": f"{check.title}.\n\n**How to fix:** {check.fix}",
        },
        "defaultConfiguration": {"level": LEVELS[check.severity]},
        "properties": {"tags": _tags("policycheck", check.article.rstrip("s"))},
    }


def _fallback_rule(finding: Finding) -> JSONObject:
    citation = f"{finding.law} {finding.article}"
    return {
        "id": finding.id,
        "name": pascal_case(finding.title) or pascal_case(finding.id),
        "shortDescription": {"text": _cut(finding.title)},
        "fullDescription": {"text": _cut(f"{citation}: {finding.title}")},
        "help": {
            "text": f"{citation}: {finding.title}",
            "markdown": f"**{citation}**: {finding.title}",
        },
        "defaultConfiguration": {"level": LEVELS[finding.severity]},
        "properties": {"tags": _tags(finding.law, "privacy")},
    }


def _error_rule(code: str) -> JSONObject:
    title = CATALOGUE[code]
    meaning, fix, section = _error_help(code)
    text = [f"{code} {title}."]
    text += [f"{k}: {v}" for k, v in (("What it means", meaning), ("How to fix", fix)) if v]
    return {
        "id": code,
        "name": pascal_case(title),
        "shortDescription": {"text": _cut(f"{code} {title}")},
        "fullDescription": {
            "text": _cut(meaning or f"{code} {title}: an input policycheck cannot use.")
        },
        "help": {"text": "\n".join(text), "markdown": section or "\n\n".join(text)},
        "defaultConfiguration": {"level": "error"},
        "properties": {"tags": _tags("policycheck", "input-error")},
    }


@cache
def _error_sections() -> dict[str, str]:
    """code -> its section of docs/errors.md (empty if the file is not shipped)."""
    try:
        text = (shipped_dir("docs") / "errors.md").read_text(encoding="utf-8")
    except OSError:
        return {}
    parts = re.split(r"^## (E\d{3})\b.*$", text, flags=re.MULTILINE)
    return {code: body.strip() for code, body in zip(parts[1::2], parts[2::2], strict=True)}


def _error_help(code: str) -> tuple[str, str, str]:
    """The "What it means" and "How to fix" paragraphs of a code's section, and the section."""
    section = _error_sections().get(code, "")

    def paragraph(label: str) -> str:
        m = re.search(rf"^\*\*{label}\.\*\*(.*?)(?:\n\n|\Z)", section, re.MULTILINE | re.DOTALL)
        return " ".join(m.group(1).split()) if m else ""

    return paragraph("What it means"), paragraph("How to fix"), section


def _distinct_names(rules: list[JSONObject]) -> None:
    """Two laws may word an obligation alike (PIPL and GDPR on children): suffix the id then."""
    counts = Counter(rule["name"] for rule in rules)
    for rule in rules:
        if counts[rule["name"]] > 1:
            rule["name"] += pascal_case(rule["id"])


def pascal_case(text: str) -> str:
    """`Personal information sent abroad` -> `PersonalInformationSentAbroad`; `WAIVER-UNUSED` ->
    `WaiverUnused` (acronyms inside a sentence, such as GDPR, are kept)."""
    if text.isupper():
        text = text.lower()
    text = text.replace("'", "").replace("\u2019", "")  # handler's -> Handlers
    return "".join(w[:1].upper() + w[1:] for w in re.split(r"[\W_]+", text) if w)


def _tags(*tags: str) -> list[str]:
    return list(dict.fromkeys(t for t in tags if t))[:10]


def _blockquote(text: str) -> list[str]:
    return [f"> {line}".rstrip() for line in text.splitlines() or [""]]


def _cut(text: str, limit: int = MAX_DESCRIPTION) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _is_absolute_uri(uri: str | None) -> bool:
    if not uri:
        return False
    parsed = urlparse(uri)
    return bool(parsed.scheme) and bool(parsed.netloc or parsed.path)


@cache
def information_uri() -> str:
    """The project's home page from the installed distribution's metadata, else its PyPI page."""
    try:
        urls: list[str] = metadata.metadata("policycheck").get_all("Project-URL") or []
    except metadata.PackageNotFoundError:
        urls = []
    for entry in urls:
        url = str(entry).partition(",")[2].strip()
        if _is_absolute_uri(url):
            return url
    return "https://pypi.org/project/policycheck/"


# --- Results --------------------------------------------------------------------------------


def repository_path(path: str) -> str:
    """A path relative to the working directory, with forward slashes (code scanning's form)."""
    if os.path.isabs(path):
        try:
            path = os.path.relpath(path)
        except ValueError:  # another drive on Windows: keep what we can
            path = os.path.splitdrive(path)[1].lstrip("\\/")
    if os.sep != "/":
        path = path.replace(os.sep, "/")
    while path.startswith("./"):
        path = path[2:]
    return path


def artifact_uri(path: str) -> str:
    """The relative URI reference of a file: percent-encoded, so spaces and CJK names survive."""
    return quote(repository_path(path), safe="/")


def _region(span: Span) -> JSONObject:
    line = max(1, span.line)
    column = max(1, span.column)
    end_line = max(line, span.end_line)
    end_column = max(1, span.end_column)
    if end_line == line:
        end_column = max(column, end_column)
    return {"startLine": line, "startColumn": column, "endLine": end_line, "endColumn": end_column}


def _location(path: str, span: Span | None) -> JSONObject:
    physical: JSONObject = {"artifactLocation": {"uri": artifact_uri(path), "uriBaseId": SRCROOT}}
    if span is not None:
        physical["region"] = _region(span)
    return {"physicalLocation": physical}


def fingerprint(finding: Finding, occurrence: int = 1) -> str:
    """A hash of what the finding is about, never of where it sits, so line moves keep it."""
    return finding_fingerprint(finding, repository_path(finding.path), occurrence)


def _evidence_message(evidence: Evidence) -> str:
    cites = []
    for cite in evidence.cites:
        where = f" (line {cite.notice_line})" if cite.notice_line else ""
        cites.append(f'notice {cite.label}{where}: "{cite.quote}"')
    return evidence.label + (" — " + "; ".join(cites) if cites else "")


def _result(finding: Finding, rule_index: int, seen: dict[str, int]) -> JSONObject:
    base = fingerprint(finding)
    seen[base] = seen.get(base, 0) + 1
    location = _location(finding.path, finding.span)
    if finding.subject:
        location["message"] = {"text": finding.subject}
    result: JSONObject = {
        "ruleId": finding.id,
        "ruleIndex": rule_index,
        "level": LEVELS[finding.severity],
        "message": {"text": f"{finding.message} [{finding.law} {finding.article}]"},
        "locations": [location],
        "partialFingerprints": {FINGERPRINT: fingerprint(finding, seen[base])},
        "properties": {"status": finding.status, "incomplete": finding.status == "incomplete"},
    }
    related = [
        {"id": i, **_location(finding.path, ev.span), "message": {"text": _evidence_message(ev)}}
        for i, ev in enumerate(finding.evidence[:MAX_RELATED], start=1)
    ]
    if related:
        result["relatedLocations"] = related
    if finding.subject:
        result["properties"]["subject"] = finding.subject
    if finding.missing:
        result["properties"]["missing"] = list(finding.missing)
    if finding.status == "waived":
        result["suppressions"] = [
            {
                "kind": "inSource",
                "status": "accepted",
                "justification": finding.waived_by or "waived in the policy file",
            }
        ]
    return result


def _error_result(error: CheckerError, rule_index: int, seen: dict[str, int]) -> JSONObject:
    # Fingerprinted like a finding: by code, file and message, never by line.
    as_finding = Finding(
        error.code, "fail", "error", "", "", "", error.message, error.path, Span.point(1, 1)
    )
    base = fingerprint(as_finding)
    seen[base] = seen.get(base, 0) + 1
    properties: JSONObject = {"inputError": True}
    properties.update((k, v) for k, v in (("expected", error.expected), ("hint", error.hint)) if v)
    return {
        "ruleId": error.code,
        "ruleIndex": rule_index,
        "level": "error",
        "message": {"text": _error_text(error)},
        "locations": [_location(error.path, error.span)],
        "partialFingerprints": {FINGERPRINT: fingerprint(as_finding, seen[base])},
        "properties": properties,
    }


def _error_text(error: CheckerError) -> str:
    text = f"error[{error.code}] {error.message}"
    if error.expected:
        text += f"; expected: {error.expected}"
    if error.hint:
        text += f"; help: {error.hint}"
    return text


def _notification(error: CheckerError, index: int) -> JSONObject:
    notification: JSONObject = {
        "level": "error",
        "message": {"text": _error_text(error)},
        "descriptor": {"id": error.code, "index": index},
    }
    advice = {k: v for k, v in (("expected", error.expected), ("hint", error.hint)) if v}
    if advice:
        notification["properties"] = advice
    if error.path:
        notification["locations"] = [_location(error.path, error.span)]
    return notification
