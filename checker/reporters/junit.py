"""`--format junit`: JUnit XML, for CI systems that show test reports (GitLab, Jenkins, Azure).

One `<testsuite>` per policy file; one `<testcase>` per requirement checked on it, named
`ID title`, with the file's path as `classname`:

- fail or incomplete -> `<failure message=... type=severity>`: each finding with its place, the
  notice sentence that backs it, the article quoted, and the remedy;
- not applicable -> `<skipped message="not applicable"/>`;
- waived -> `<skipped message="waived: approver until date: reason"/>`;
- pass -> an empty test case.

Problems with waivers (expired, unknown, ...) are one failing test case per check. Input errors
form a last suite named `policycheck`, one `<error>` test case each. Counts (`tests`, `failures`,
`errors`, `skipped`) are on every suite and on the `<testsuites>` root. No timestamps or times:
the same run gives the same bytes.
"""

from __future__ import annotations

import re
import sys
import xml.etree.ElementTree as ET
from collections.abc import Callable, Iterator, Sequence

from checker.errors import CATALOGUE, CheckerError
from checker.reporters.run import LintRun
from checker.reporters.stream import Chunk, ChunkContext, RunEnd, Sections, assemble
from checker.reporters.text import line_of
from checker.rules.requirements import Requirement
from checker.rules.results import DocumentReport, Finding

# Characters XML 1.0 cannot carry at all, even escaped: shown as \u escapes instead.
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff\ud800-\udfff]")


def xml_text(text: str) -> str:
    return _NOT_XML.sub(lambda m: f"\\u{ord(m.group()):04x}", text)


def _element(parent: ET.Element, tag: str, **attributes: str) -> ET.Element:
    return ET.SubElement(parent, tag, {k: xml_text(v) for k, v in attributes.items()})


def _finding_text(finding: Finding) -> list[str]:
    lines = [line_of(finding)]
    for evidence in finding.evidence[:3]:
        for cite in evidence.cites[:1]:
            where = f" (line {cite.notice_line})" if cite.notice_line else ""
            lines.append(f'  notice {cite.label}{where}: "{cite.quote}"')
    return list(dict.fromkeys(lines))  # a sharing and its recipient may cite the same sentence


def _citation(req: Requirement | None) -> list[str]:
    if req is None:
        return []
    spec = req.spec
    lines = [
        f'{req.citation}: "{spec.quote}"' + (f" ({spec.gloss})" if spec.gloss else ""),
        f"fix: {spec.remedy}",
    ]
    if spec.not_formalised:
        lines.append(f"not checked: {spec.not_formalised}")
    return lines


def _failure(case: ET.Element, findings: Sequence[Finding], req: Requirement | None) -> None:
    first = findings[0]
    message = first.message
    if len(findings) > 1:
        message += f" (and {len(findings) - 1} more)"
    text = [line for f in findings for line in _finding_text(f)] + _citation(req)
    failure = _element(case, "failure", message=message, type=first.severity)
    failure.text = xml_text("\n".join(text))


def _suite(
    parent: ET.Element,
    report: DocumentReport,
    requirement: Callable[[str], Requirement | None],
    settled: frozenset[tuple[str, str]] = frozenset(),
) -> None:
    suite = _element(parent, "testsuite", name=report.path)
    properties = _element(suite, "properties")
    _element(properties, "property", name="title", value=report.title)
    _element(properties, "property", name="source", value=report.source)
    _element(properties, "property", name="sets", value=",".join(report.sets))
    for outcome in report.outcomes:
        case = _element(
            suite, "testcase", classname=report.path, name=f"{outcome.id} {outcome.title}"
        )
        if outcome.status in ("fail", "incomplete") and outcome.findings:
            _failure(case, outcome.findings, requirement(outcome.id))
        elif (report.path, outcome.id) in settled:  # every finding is in the baseline
            _element(case, "skipped", message="baselined: its findings are recorded")
        elif outcome.status in ("fail", "incomplete"):  # a verdict without a place: still a failure
            _element(case, "failure", message=outcome.status, type=outcome.severity)
        elif outcome.status == "not_applicable":
            _element(case, "skipped", message="not applicable")
        elif outcome.status == "waived":
            waiver = next((f.waived_by for f in outcome.findings if f.waived_by), None)
            _element(case, "skipped", message=f"waived: {waiver or 'by a waiver in the policy'}")
    by_check: dict[str, list[Finding]] = {}
    for finding in report.extra:
        by_check.setdefault(finding.id, []).append(finding)
    for check_id, findings in sorted(by_check.items()):
        case = _element(
            suite, "testcase", classname=report.path, name=f"{check_id} {findings[0].title}"
        )
        _failure(case, findings, None)
    _count(suite)


def _error_suite(parent: ET.Element, errors: list[CheckerError], texts: dict[str, str]) -> None:
    suite = _element(parent, "testsuite", name="policycheck")
    for error in errors:
        # The message names the case: several errors of one code in one file stay apart.
        first_line = error.message.splitlines()[0] if error.message else CATALOGUE[error.code]
        case = _element(
            suite,
            "testcase",
            classname=error.path or "policycheck",
            name=f"{error.code} {first_line}",
        )
        element = _element(case, "error", message=error.message, type=error.code)
        element.text = xml_text(error.render(texts.get(error.path)))
    _count(suite)


def _count(suite: ET.Element) -> None:
    cases = suite.findall("testcase")
    suite.set("tests", str(len(cases)))
    for tag, attribute in (("failure", "failures"), ("error", "errors"), ("skipped", "skipped")):
        suite.set(attribute, str(sum(1 for c in cases if c.find(tag) is not None)))


def render(run: LintRun, color: bool = False) -> str:
    return assemble(sys.modules[__name__], run, color)


STREAMED = False
"""The root element carries the counts of every suite: the suites wait aside until the end."""
SEPARATOR = ""
_COUNTS = ("tests", "failures", "errors", "skipped")


def start(context: ChunkContext) -> str:
    return ""


def _indented(suite: ET.Element) -> str:
    """A suite as it appears inside the indented root: two spaces in, one line break after."""
    ET.indent(suite, level=1)
    return "  " + ET.tostring(suite, encoding="unicode") + "\n"


def chunk(
    report: DocumentReport, text: str | None, context: ChunkContext, settled: frozenset[str]
) -> Chunk:
    holder = ET.Element("testsuites")
    _suite(holder, report, context.requirement, frozenset((report.path, i) for i in settled))
    [suite] = holder
    tally = tuple(int(suite.get(attribute, "0")) for attribute in _COUNTS)
    return Chunk((_indented(suite),), tally)


def finish(end: RunEnd, sections: Sections) -> Iterator[str]:
    holder = ET.Element("testsuites")
    if end.errors:
        _error_suite(holder, end.errors, end.texts)
    totals = list(end.totals.tally) or [0] * len(_COUNTS)
    for suite in holder:
        for i, attribute in enumerate(_COUNTS):
            totals[i] += int(suite.get(attribute, "0"))
    root = ET.Element("testsuites", {"name": "policycheck"})
    for attribute, total in zip(_COUNTS, totals, strict=True):
        root.set(attribute, str(total))
    yield '<?xml version="1.0" encoding="UTF-8"?>\n'
    if not end.totals.documents and not end.errors:
        yield ET.tostring(root, encoding="unicode") + "\n"
        return
    opening = ET.tostring(root, encoding="unicode")  # <testsuites .../>: reopened below
    yield opening.removesuffix(" />") + ">\n"
    yield from sections(0)
    for suite in holder:
        yield _indented(suite)
    yield "</testsuites>\n"
