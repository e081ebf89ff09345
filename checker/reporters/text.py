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
"""

from __future__ import annotations

from collections import Counter
from itertools import groupby

from checker.errors import excerpt
from checker.lint_command import LintRun
from checker.results import Finding

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
    return f"{_COLOURS[colour]}{text}{_COLOURS['reset']}" if on else text


def line_of(finding: Finding) -> str:
    """`path:line:col: severity ID message [law article]` — the one-line form of a finding."""
    status = "" if finding.status == "fail" else f" ({finding.status})"
    return (
        f"{finding.path}:{finding.span.line}:{finding.span.column}: {finding.severity} "
        f"{finding.id}{status} {finding.message} [{finding.law} {finding.article}]"
    )


def render(run: LintRun, color: bool = False) -> str:
    out: list[str] = []
    findings = run.findings()
    show_passed = run.options.show_passed
    for path, group in groupby(findings, key=lambda f: f.path):
        out.append(_paint(path, "bold", color))
        text = run.texts.get(path)
        for finding in group:
            if finding.status == "waived":
                out.append(
                    _paint(line_of(finding) + f" — waived by {finding.waived_by}", "dim", color)
                )
                continue
            colour = finding.severity
            out.append(_paint(line_of(finding), colour, color))
            if text is not None:
                out.extend("    " + line for line in excerpt(text, finding.span))
            for ev in finding.evidence[:3]:
                for cite in ev.cites[:1]:
                    where = f" (line {cite.notice_line})" if cite.notice_line else ""
                    out.append(f'    = notice {cite.label}{where}: "{_short(cite.quote)}"')
            if finding.status == "fail" and finding.remedy:
                out.append(f"    = fix: {finding.remedy}")
        out.append("")
    if show_passed:
        for report in run.reports:
            for outcome in report.outcomes:
                if outcome.status == "pass":
                    out.append(
                        _paint(
                            f"{report.path}: pass {outcome.id} {outcome.title} "
                            f"[{outcome.law} {outcome.article}]",
                            "pass",
                            color,
                        )
                    )
        out.append("")
    out.append(summary(run))
    return "\n".join(out) + "\n"


def summary(run: LintRun) -> str:
    counts: Counter[str] = Counter(o.status for r in run.reports for o in r.outcomes)
    requirement_count = len({o.id for r in run.reports for o in r.outcomes})
    parts = [
        f"{counts['fail']} failed",
        f"{counts['incomplete']} incomplete",
        f"{counts['waived']} waived",
        f"{counts['pass']} passed",
        f"{counts['not_applicable']} not applicable",
    ]
    extra = sum(len(r.extra) for r in run.reports)
    text = (
        f"{len(run.reports)} document{'s' if len(run.reports) != 1 else ''}, "
        f"{requirement_count} requirements: " + ", ".join(parts)
    )
    if extra:
        text += f"; {extra} waiver finding{'s' if extra != 1 else ''}"
    if run.errors:
        text += f"; {len(run.errors)} input error{'s' if len(run.errors) != 1 else ''}"
    if run.baseline is not None:
        text += f"; {run.baseline.baselined} baselined"
        gone = len(run.baseline.gone)
        if gone == 1:
            text += ", 1 baseline entry no longer occurs"
        elif gone:
            text += f", {gone} baseline entries no longer occur"
    return text


def _short(text: str, limit: int = 90) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"
