"""Reports of `policycheck diff`: text, JSON (`policycheck-diff/1`), Markdown, GitHub annotations.

* text: per changed policy, its verdict changes, evidence changes, fact changes and coverage;
* json: the same as data, described by docs/diff.schema.json (JSON Schema draft 2020-12);
* markdown: a pull-request comment, a summary table first and each policy's details folded in
  a `<details>` block (GitHub renders Markdown inside it after a blank line);
* github: workflow-command annotations on the new failures only (`newly failing`, `un-waived`),
  so a pull request shows what it breaks and not what was broken before it.
"""

from __future__ import annotations

import html
import json
import re
from collections.abc import Callable
from typing import Any

from checker import __version__
from checker.language.fact_diff import StatementChange
from checker.rules.report_diff import (
    CHANGES,
    Change,
    DiffResult,
    EvidenceChange,
    NoticeDiff,
    VerdictChange,
    evidence_delta,
)

SCHEMA = "policycheck-diff/1"
ARROW = "→"


def _status(status: str | None) -> str:
    return status.replace("_", " ") if status else "not checked"


def _coverage(value: float | None) -> str:
    return "—" if value is None else f"{value:.1%}"


def _coverage_change(notice: NoticeDiff) -> str | None:
    if notice.coverage_before == notice.coverage_after:
        return None
    return f"{_coverage(notice.coverage_before)} {ARROW} {_coverage(notice.coverage_after)}"


def _message(v: VerdictChange) -> str:
    return v.finding.message if v.finding is not None else v.title


def _verdict_line(v: VerdictChange) -> str:
    subject = f" {v.subject}" if v.subject else ""
    return (
        f"{v.change}: {v.severity} {v.id}{subject}: {_status(v.before)} {ARROW} "
        f"{_status(v.after)}: {_message(v)} [{v.law} {v.article}]"
    )


def _field_text(value: str | None) -> str:
    return value if value is not None else "(not encoded)"


def _fact_lines(change: StatementChange) -> list[str]:
    mark = {"added": "+", "removed": "-", "changed": "~"}[change.change]
    if change.change != "changed":
        return [f"{mark} {change.label} ({change.change})"]
    lines = [f"{mark} {change.label}"]
    for f in change.fields:
        if f.field == "cite":
            lines.append(f"    {'+' if f.after else '-'} cite {f.after or f.before}")
        else:
            lines.append(f"    {f.field}: {_field_text(f.before)} {ARROW} {_field_text(f.after)}")
    return lines


def _summary_counts(result: DiffResult) -> dict[str, int]:
    counts: dict[str, int] = {c: sum(n.count(c) for n in result.notices) for c in CHANGES}
    counts["evidence changed"] = sum(len(n.evidence) for n in result.notices)
    counts["facts changed"] = sum(len(n.facts) for n in result.notices)
    return counts


def _headline(result: DiffResult) -> str:
    counts = _summary_counts(result)
    said = ", ".join(f"{n} {what}" for what, n in counts.items() if n)
    policies = f"{len(result.notices)} of {result.compared} polic"
    policies += "y" if result.compared == 1 else "ies"
    return f"{result.base} {ARROW} {result.head}: {policies} changed" + (
        f": {said}" if said else ""
    )


# --- text -----------------------------------------------------------------------------------


def render_text(result: DiffResult) -> str:
    out: list[str] = []
    for notice in result.notices:
        state = "" if notice.state == "changed" else f" ({notice.state})"
        out.append(f"{notice.path}{state}: {notice.title}")
        for v in notice.verdicts:
            out.append(f"  {_verdict_line(v)}")
        for e in notice.evidence:
            subject = f" {e.subject}" if e.subject else ""
            out.append(f"  evidence changed: {e.id}{subject}")
            if e.before.message != e.after.message:
                out.append(f"      before: {e.before.message}")
                out.append(f"      after:  {e.after.message}")
            removed, added = evidence_delta(e)
            out += [f"      - {item}" for item in removed]
            out += [f"      + {item}" for item in added]
        if notice.facts:
            out.append("  facts:")
            out += [f"    {line}" for c in notice.facts for line in _fact_lines(c)]
        coverage = _coverage_change(notice)
        if coverage:
            out.append(f"  coverage: {coverage}")
        out.append("")
    out.append(_headline(result))
    return "\n".join(out) + "\n"


# --- JSON -----------------------------------------------------------------------------------


def report(result: DiffResult) -> dict[str, Any]:
    counts = _summary_counts(result)
    return {
        "schema": SCHEMA,
        "tool": {"name": "policycheck", "version": __version__},
        "base": result.base,
        "head": result.head,
        "compared": result.compared,
        "summary": {"changed_policies": len(result.notices)}
        | {what.replace(" ", "_").replace("-", "_"): n for what, n in counts.items()},
        "notices": [_notice_json(n) for n in result.notices],
    }


def _notice_json(notice: NoticeDiff) -> dict[str, Any]:
    return {
        "path": notice.path,
        "state": notice.state,
        "before_path": notice.before_path,
        "after_path": notice.after_path,
        "title": notice.title,
        "verdicts": [_verdict_json(v) for v in notice.verdicts],
        "evidence": [_evidence_json(e) for e in notice.evidence],
        "facts": [
            {
                "statement": c.label,
                "kind": c.kind,
                "change": c.change,
                "fields": [
                    {"field": f.field, "before": f.before, "after": f.after} for f in c.fields
                ],
            }
            for c in notice.facts
        ],
        "coverage": {"before": notice.coverage_before, "after": notice.coverage_after},
    }


def _evidence_json(e: EvidenceChange) -> dict[str, Any]:
    removed, added = evidence_delta(e)
    return {
        "id": e.id,
        "subject": e.subject,
        "before": e.before.message,
        "after": e.after.message,
        "removed": removed,
        "added": added,
    }


def _verdict_json(v: VerdictChange) -> dict[str, Any]:
    span = v.finding.span if v.finding is not None else None
    return {
        "id": v.id,
        "subject": v.subject,
        "title": v.title,
        "severity": v.severity,
        "law": v.law,
        "article": v.article,
        "before": v.before,
        "after": v.after,
        "change": v.change,
        "message": _message(v),
        "line": span.line if span else None,
        "column": span.column if span else None,
    }


def render_json(result: DiffResult) -> str:
    return json.dumps(report(result), ensure_ascii=False, indent=2) + "\n"


# --- Markdown -------------------------------------------------------------------------------

_MARKDOWN_SPECIAL = re.compile(r"([\\`*_{}\[\]<>()#+\-.!|~])")


def md(text: str) -> str:
    """Text shown literally in Markdown: every character Markdown gives a meaning is escaped."""
    return _MARKDOWN_SPECIAL.sub(r"\\\1", " ".join(text.split()))


def md_code(text: str, in_table: bool = False) -> str:
    """An inline code span holding `text` (fenced with more backticks than it holds).

    In a table a `|` is escaped even there, or GitHub would end the cell at it.
    """
    text = " ".join(text.split())
    if in_table:
        text = text.replace("|", "\\|")
    longest = max((len(m) for m in re.findall(r"`+", text)), default=0)
    fence = "`" * (longest + 1)
    pad = " " if text.startswith("`") or text.endswith("`") else ""
    return f"{fence}{pad}{text}{pad}{fence}"


_TABLE_CHANGES: tuple[Change, ...] = (
    "newly failing",
    "un-waived",
    "newly waived",
    "no longer failing",
)


def render_markdown(result: DiffResult) -> str:
    out = [f"### policycheck diff: {md_code(result.base)} {ARROW} {md_code(result.head)}", ""]
    if not result.notices:
        out.append(
            f"No verdict, fact or coverage changed in the {result.compared} "
            f"polic{'y' if result.compared == 1 else 'ies'} compared."
        )
        return "\n".join(out) + "\n"
    header = ["policy", *_TABLE_CHANGES, "evidence changed", "facts changed", "coverage"]
    out.append("| " + " | ".join(header) + " |")
    out.append("| --- | " + " | ".join("---:" for _ in header[1:-1]) + " | --- |")
    for n in result.notices:
        cells = [md_code(n.path, in_table=True) + ("" if n.state == "changed" else f" ({n.state})")]
        cells += [str(n.count(c)) for c in _TABLE_CHANGES]
        cells += [str(len(n.evidence)), str(len(n.facts))]
        cells.append(md(_coverage_change(n) or _coverage(n.coverage_after)))
        out.append("| " + " | ".join(cells) + " |")
    out.append("")
    out.append(md(_headline(result)))
    for n in result.notices:
        out += ["", *_markdown_details(n)]
    return "\n".join(out) + "\n"


def _markdown_details(n: NoticeDiff) -> list[str]:
    said = [f"{n.count(c)} {c}" for c in CHANGES if n.count(c)]
    if n.facts:
        said.append(f"{len(n.facts)} facts changed")
    summary = f"<code>{html.escape(n.path)}</code>: {html.escape(n.title)}"
    summary += f" ({html.escape(', '.join(said))})" if said else ""
    out = [f"<details><summary>{summary}</summary>", ""]
    if n.verdicts:
        out += ["| change | requirement | statement | before | after | message |"]
        out += ["| --- | --- | --- | --- | --- | --- |"]
        for v in n.verdicts:
            out.append(
                f"| {md(v.change)} | {md_code(v.id, in_table=True)} {md(v.severity)} | "
                f"{md(v.subject or '(document)')} | {md(_status(v.before))} | "
                f"{md(_status(v.after))} | {md(_message(v))} \\[{md(v.law)} {md(v.article)}\\] |"
            )
        out.append("")
    for e in n.evidence:
        out.append(f"- evidence changed: {md_code(e.id)} {md(e.subject or '')}")
        if e.before.message != e.after.message:
            out.append(f"  - before: {md(e.before.message)}")
            out.append(f"  - after: {md(e.after.message)}")
        removed, added = evidence_delta(e)
        out += [f"  - no longer rests on {md(item)}" for item in removed]
        out += [f"  - now rests on {md(item)}" for item in added]
    if n.evidence:
        out.append("")
    if n.facts:
        out.append("Facts:")
        out.append("")
        for c in n.facts:
            if c.change != "changed":
                out.append(f"- {md(c.change)}: {md_code(c.label)}")
                continue
            out.append(f"- changed: {md_code(c.label)}")
            for f in c.fields:
                before, after = _field_text(f.before), _field_text(f.after)
                out.append(f"  - {md_code(f.field)}: {md_code(before)} {ARROW} {md_code(after)}")
        out.append("")
    coverage = _coverage_change(n)
    if coverage:
        out += [f"Coverage: {md(coverage)}", ""]
    out.append("</details>")
    return out


# --- GitHub annotations ---------------------------------------------------------------------


def render_github(result: DiffResult) -> str:
    from checker.reporters.github import annotation, escape_data

    lines = []
    for v in result.new_failures():
        if v.finding is not None:
            lines.append(annotation(v.finding._replace(message=f"{v.change}: {v.finding.message}")))
    lines.append(escape_data(f"policycheck diff: {_headline(result)}"))
    return "\n".join(lines) + "\n"


RENDERERS: dict[str, Callable[[DiffResult], str]] = {
    "text": render_text,
    "json": render_json,
    "markdown": render_markdown,
    "github": render_github,
}
