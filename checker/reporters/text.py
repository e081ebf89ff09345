"""The default, human output: findings grouped by file, each with its policy line and notice quote.

policies/shop.policy
policies/shop.policy:14:17: error PIPL-39 transfer overseas sends personal information abroad
  with consent bundled [PIPL Art. 39]
    |
 14 |   consent     = bundled
    |                 ^^^^^^^
    = notice IX.1 (line 108): "Obtain your separate authorization and consent"
    = fix: Name the overseas recipient and its contact, and obtain separate consent.

5 documents, 41 requirements: 12 failed, 3 incomplete, 1 waived, 150 passed, 40 not applicable

Findings at one place that say the same thing (two sets carrying one obligation, such as PIPL-30
and NDSR-21-1-2-sensitive) share one line with both ids; findings at one place share one excerpt;
each line of the notice is quoted once and each piece of advice given once. An undecidable
finding says how to complete the encoding (`= help: add consent = ... to transfer overseas, or
write consent = unstated if the notice is silent`). `--quiet` leaves only the summary line;
`--statistics` adds the number of findings of each requirement before it.
"""

from __future__ import annotations

import sys
from collections.abc import Iterator
from itertools import groupby
from operator import attrgetter

from checker.errors import excerpt, terminal_safe
from checker.reporters.run import LintRun
from checker.reporters.stream import Chunk, ChunkContext, RunEnd, Sections, assemble, end_of
from checker.rules.results import DocumentReport, Finding

_COLOURS = {
    "error": "\033[31m",
    "warning": "\033[33m",
    "info": "\033[36m",
    "pass": "\033[32m",
    "bold": "\033[1m",
    "dim": "\033[2m",
    "reset": "\033[0m",
}


def _paint(text: str, colour: str, on: bool) -> str:
    # The text comes from the inputs (titles, messages, quotes): escapes in it are shown, and
    # only the colour codes added here reach the terminal.
    text = terminal_safe(text)
    return f"{_COLOURS[colour]}{text}{_COLOURS['reset']}" if on else text


def line_of(finding: Finding) -> str:
    """`path:line:col: severity ID message [law article]` — the one-line form of a finding."""
    status = "" if finding.status == "fail" else f" ({finding.status})"
    return (
        f"{finding.path}:{finding.span.line}:{finding.span.column}: {finding.severity} "
        f"{finding.id}{status} {finding.message} [{finding.law} {finding.article}]"
    )


def render(run: LintRun, color: bool = False) -> str:
    """The whole report: the findings, then the summary line."""
    return assemble(sys.modules[__name__], run, color)


STREAMED = True
SEPARATOR = ""


def start(context: ChunkContext) -> str:
    return ""


def chunk(
    report: DocumentReport, text: str | None, context: ChunkContext, settled: frozenset[str]
) -> Chunk:
    """A document's findings (section 0) and its passed requirements (section 1)."""
    options = context.options
    color = context.color
    if options.quiet:
        return Chunk(("", ""))
    out: list[str] = []
    findings = report.findings()
    if findings:
        out.append(_paint(report.path, "bold", color))
        for _, at_one_place in groupby(findings, key=_PLACE):
            out.extend(_place(list(at_one_place), text, color))
        out.append("")
    passed: list[str] = []
    if options.show_passed:
        for outcome in report.outcomes:
            if outcome.status == "pass":
                passed.append(
                    _paint(
                        f"{report.path}: pass {outcome.id} {outcome.title} "
                        f"[{outcome.law} {outcome.article}]",
                        "pass",
                        color,
                    )
                )
    return Chunk(("".join(line + "\n" for line in out), "".join(line + "\n" for line in passed)))


def finish(end: RunEnd, sections: Sections) -> Iterator[str]:
    yield from finish_body(end, sections)
    yield render_summary(end)


def finish_body(end: RunEnd, sections: Sections) -> Iterator[str]:
    """What follows the findings above the summary line: passed requirements (`--show-passed`)
    and counts per requirement (`--statistics`)."""
    options = end.options
    if options.show_passed and not options.quiet:
        yield from sections(1)
        yield "\n"
    if options.statistics:
        yield "".join(terminal_safe(line) + "\n" for line in statistics(end))


_PLACE = attrgetter("span")


def render_summary(end: RunEnd) -> str:
    return terminal_safe(summary(end)) + "\n"


def _place(findings: list[Finding], text: str | None, color: bool) -> list[str]:
    """The findings at one place: their lines (one line for findings that say the same thing,
    as when two sets carry one obligation), one excerpt, each notice quote and advice once."""
    out: list[str] = []
    if len(findings) == 1 and findings[0].status != "waived":  # most places: one finding
        shown = findings
        out.append(_paint(line_of(findings[0]), findings[0].severity, color))
    else:
        for finding in (f for f in findings if f.status == "waived"):
            out.append(_paint(f"{line_of(finding)} — waived by {finding.waived_by}", "dim", color))
        shown = [f for f in findings if f.status != "waived"]
        if not shown:
            return out
        alike: dict[tuple[str, str, str], list[Finding]] = {}
        for finding in shown:
            key = (finding.severity, finding.status, finding.message)
            alike.setdefault(key, []).append(finding)
        for same in alike.values():
            out.append(_paint(_joined_line(same), same[0].severity, color))
    if text is not None:
        out.extend("    " + line for line in excerpt(text, shown[0].span))
    notes: list[str] = []
    quoted: set[tuple[str, object]] = set()
    for finding in shown:
        for ev in finding.evidence[:3]:
            for cite in ev.cites[:1]:
                # One quote per line of the notice: facts often cite the same sentence, or two
                # pieces of one line, and the reader needs the line once.
                line = (cite.label, cite.notice_line or cite.quote)
                if line in quoted:
                    continue
                quoted.add(line)
                where = f" (line {cite.notice_line})" if cite.notice_line else ""
                notes.append(f'    = notice {cite.label}{where}: "{_short(cite.quote)}"')
        if finding.status == "incomplete":
            notes.extend(f"    = help: {advice}" for advice in completion_help(finding.missing))
        if finding.status == "fail" and finding.remedy:
            notes.append(f"    = fix: {finding.remedy}")
    out.extend(terminal_safe(note) for note in dict.fromkeys(notes))  # each once, in order
    return out


def _joined_line(findings: list[Finding]) -> str:
    """`line_of` for findings at one place with one message: their ids and citations joined."""
    first = findings[0]
    if len(findings) == 1:
        return line_of(first)
    status = "" if first.status == "fail" else f" ({first.status})"
    ids = ", ".join(f.id for f in findings)
    cited = "; ".join(dict.fromkeys(f"{f.law} {f.article}" for f in findings))
    return (
        f"{first.path}:{first.span.line}:{first.span.column}: {first.severity} "
        f"{ids}{status} {first.message} [{cited}]"
    )


def completion_help(missing: tuple[str, ...]) -> list[str]:
    """How to complete the encoding an undecidable finding lacks, one line per gap: a missing
    statement is `kind block`, a missing field `statement label: field`."""
    advice = []
    for gap in missing:
        if gap.endswith(" block"):
            kind = gap.removesuffix(" block")
            advice.append(
                f"add {kind} {{ ... }}, with fields = unstated where the notice is silent"
            )
        else:
            label, _, field = gap.rpartition(": ")
            advice.append(
                f"add {field} = ... to {label}, or write {field} = unstated if the notice is silent"
            )
    return advice


def statistics(end: RunEnd) -> list[str]:
    """`--statistics`: how many findings each requirement has, most first."""
    counts = end.totals.statistics
    if not counts:
        return []
    width = max(len(str(n)) for n in counts.values())
    id_width = max(len(key[0]) for key in counts)
    ordered = sorted(counts.items(), key=lambda item: (-item[1], item[0][0]))
    return [
        f"{n:>{width}}  {rule:<{id_width}}  {severity:<7}  {title}"
        for (rule, severity, title), n in ordered
    ] + [""]


def summary(run: LintRun | RunEnd) -> str:
    """The summary line: documents, requirements, verdicts, input errors, baseline."""
    end = end_of(run) if isinstance(run, LintRun) else run
    totals = end.totals
    errors = len(end.errors)
    error_text = f"{errors} input error{'s' if errors != 1 else ''}"
    if not totals.documents and errors:
        return f"no document checked: {error_text}"
    counts = totals.statuses
    requirement_count = len(totals.requirement_ids)
    parts = [
        f"{counts['fail']} failed",
        f"{counts['incomplete']} incomplete",
        f"{counts['waived']} waived",
        f"{counts['pass']} passed",
        f"{counts['not_applicable']} not applicable",
    ]
    quotes = totals.quotes
    adjusted = totals.adjusted
    waivers = totals.waiver_findings - quotes - adjusted
    documents = totals.documents
    text = (
        f"{documents} document{'s' if documents != 1 else ''}, "
        f"{requirement_count} requirement{'s' if requirement_count != 1 else ''}: "
        + ", ".join(parts)
    )
    if waivers:
        text += f"; {waivers} waiver finding{'s' if waivers != 1 else ''}"
    if quotes:
        text += f"; {quotes} ambiguous quote{'s' if quotes != 1 else ''}"
    if adjusted:
        text += f"; {adjusted} sensitivity adjustment{'s' if adjusted != 1 else ''}"
    if errors:
        text += f"; {error_text}"
    if end.baseline is not None:
        text += f"; {end.baseline.baselined} baselined"
        gone = len(end.baseline.gone)
        if gone == 1:
            text += ", 1 baseline entry no longer occurs"
        elif gone:
            text += f", {gone} baseline entries no longer occur"
    return text


def _short(text: str, limit: int = 90) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"
