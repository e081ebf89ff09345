"""`policycheck explain` and `policycheck rules`: what a requirement or error code means, and why a
requirement passed or failed on a document, fact by fact with the notice's words."""

from __future__ import annotations

import json
import re
import textwrap
from pathlib import Path
from typing import TextIO

from checker.errors import CATALOGUE, CheckerError, did_you_mean, terminal_safe
from checker.exitcodes import EXIT_CLEAN, EXIT_FINDINGS
from checker.language.facts import FIXED_FIELDS, Fact, fact_fields, value_text
from checker.notice.loading import load_policy
from checker.resources import shipped_dir, shipped_sets
from checker.rules.cases import all_cases
from checker.rules.engine import check
from checker.rules.own_checks import CHECKS, LAW
from checker.rules.requirements import Requirement, RequirementSet, resolve_sets


def _sets(names: list[str] | None) -> list[RequirementSet]:
    return resolve_sets(names or list(shipped_sets()))


def _requirements(sets: list[RequirementSet]) -> list[Requirement]:
    return sorted((r for s in sets for r in s.requirements), key=lambda r: r.id)


def predicates_used(conditions: list[str], predicates: dict[str, str]) -> dict[str, str]:
    """The predicates the conditions name, and those these name in turn, in order of first use.

    A reader of "Must hold: separate_consent or lifted_by_another_ground" needs what those words
    stand for; the compiler expands them the same way (a bare name that is a predicate).
    """
    used: dict[str, str] = {}
    pending = list(conditions)
    while pending:
        text = pending.pop(0)
        for word in re.findall(r"[A-Za-z_][A-Za-z0-9_]*", text):
            if word in predicates and word not in used:
                used[word] = predicates[word]
                pending.append(predicates[word])
    return used


def run_rules(fmt: str, names: list[str] | None, out: TextIO) -> int:
    requirements = _requirements(_sets(names))
    if fmt == "json":
        listed = [_rule_json(r) for r in requirements] + [_check_json(c) for c in CHECKS]
        out.write(json.dumps(listed, indent=2, ensure_ascii=False) + "\n")
        return EXIT_CLEAN
    width = max([len(r.id) for r in requirements] + [len(c) for c in CHECKS])
    for r in requirements:
        line = f"{r.id.ljust(width)}  {r.spec.severity:<7}  {r.citation:<22}  {r.spec.title}"
        out.write(terminal_safe(line) + "\n")
    for code, own in CHECKS.items():
        citation = f"{LAW} {own.article}"
        out.write(f"{code.ljust(width)}  {own.severity:<7}  {citation:<22}  {own.title}\n")
    return EXIT_CLEAN


def _rule_json(r: Requirement) -> dict[str, object]:
    return {
        "id": r.id,
        "title": r.spec.title,
        "law": r.law,
        "article": r.spec.article,
        "quote": r.spec.quote,
        "gloss": r.spec.gloss,
        "severity": r.spec.severity,
        "set": r.set_name,
        "waivable": r.spec.waivable,
        "for_each": r.spec.for_each,
        "help_uri": r.source_uri,
    }


def _check_json(code: str) -> dict[str, object]:
    found = CHECKS[code]
    return {
        "id": code,
        "title": found.title,
        "law": LAW,
        "article": found.article,
        "quote": None,
        "gloss": None,
        "severity": found.severity,
        "set": None,
        "waivable": False,
        "for_each": "waiver",
        "help_uri": None,
    }


def run_explain(
    ident: str,
    path: Path | None,
    names: list[str] | None,
    out: TextIO,
    roots: tuple[Path, ...] = (),
) -> int:
    if re.fullmatch(r"E\d{3}", ident):
        out.write(explain_error(ident))
        return EXIT_CLEAN
    if ident.upper() in CHECKS:  # a check of waivers themselves: no document to explain it on
        out.write(explain_own_check(ident.upper()))
        return EXIT_CLEAN
    sets = _sets(names)
    requirements = {r.id: r for r in _requirements(sets)}
    requirement = requirements.get(ident)
    if requirement is None:
        raise CheckerError(
            "E605",
            f"no requirement or error code '{ident}'",
            hint=did_you_mean(ident, list(requirements) + list(CATALOGUE) + list(CHECKS)),
        )
    if path is None:
        predicates = next(s.predicates for s in sets if s.name == requirement.set_name)
        out.write(terminal_safe(explain_requirement(requirement, predicates)))
        return EXIT_CLEAN
    text, failed = explain_on(requirement, path, roots)
    out.write(terminal_safe(text))
    return EXIT_FINDINGS if failed else EXIT_CLEAN


def explain_error(code: str) -> str:
    if code not in CATALOGUE:
        raise CheckerError("E605", f"no error code '{code}'", hint=did_you_mean(code, CATALOGUE))
    doc = shipped_dir("docs") / "errors.md"
    try:
        text = doc.read_text(encoding="utf-8")
    except OSError:
        return f"{code} {CATALOGUE[code]}\n"
    m = re.search(rf"^## {code}\b.*?(?=^## |\Z)", text, re.MULTILINE | re.DOTALL)
    return terminal_text(m.group()) if m else f"{code} {CATALOGUE[code]}\n"


def terminal_text(markdown: str) -> str:
    """The catalogue's Markdown as plain terminal text: headings and emphasis without their
    marks, code blocks indented by four spaces instead of fenced, links as `text (address)`,
    HTML comments dropped. Inline `code` keeps its backticks: they still mark what to type."""
    out: list[str] = []
    in_code = False
    for line in markdown.strip("\n").split("\n"):
        if line.startswith("```"):
            in_code = not in_code
            continue
        if in_code:
            out.append(("    " + line).rstrip())
            continue
        if re.fullmatch(r"\s*<!--.*-->\s*", line):
            continue
        line = re.sub(r"^#+\s+", "", line)
        line = re.sub(r"\*\*(.+?)\*\*", r"\1", line)
        line = re.sub(r"\[([^\]]+)\]\(([^)]+)\)", r"\1 (\2)", line)
        out.append(line)
    text = "\n".join(out)
    return re.sub(r"\n{3,}", "\n\n", text).strip("\n") + "\n"


def explain_own_check(code: str) -> str:
    found = CHECKS[code]
    out = [f"{code} — {found.title}", ""]
    out += _wrap("Checks", f"the policy's own {found.article} ({LAW}; no article of a law)")
    out += _wrap("Severity", f"{found.severity}; may not be waived")
    out += _wrap("Means", found.means)
    out += _wrap("Remedy", found.fix)
    return "\n".join(out) + "\n"


def _wrap(label: str, text: str, hang: int = 0) -> list[str]:
    """`text` after a 13-column label, wrapped; continuation lines `hang` columns further in."""
    pad = " " * 13
    lines = textwrap.wrap(" ".join(text.split()), 88, subsequent_indent=" " * hang) or [""]
    return [f"{label:<13}{lines[0]}"] + [pad + line for line in lines[1:]]


def explain_requirement(r: Requirement, predicates: dict[str, str] | None = None) -> str:
    s = r.spec
    out = [f"{r.id} — {s.title}", ""]
    out += _wrap("Law", f"{r.law_title} ({r.law}), {s.article}")
    out += _wrap("Severity", f"{s.severity}; {'may' if s.waivable else 'may not'} be waived")
    out += _wrap("Article", s.quote)
    if s.gloss:
        out += _wrap("", f"({s.gloss})")
    applies = f"for each {s.for_each}" if s.for_each else "the whole notice"
    if s.applies:
        applies += f" where {s.applies}"
    out += _wrap("Applies to", applies)
    out += _wrap("Must hold", s.require)
    used = predicates_used([s.applies or "", s.require], predicates or {})
    for i, (name, condition) in enumerate(used.items()):
        out += _wrap("Where" if i == 0 else "", f"{name}: {condition}", hang=2)
    out += _wrap("Remedy", s.remedy)
    if s.not_formalised:
        out += _wrap("Not checked", s.not_formalised)
    if r.source_uri:
        out += _wrap("Source", r.source_uri)
    cases = [c for c in all_cases() if c.requirement == r.id]
    for verdict, title in (("pass", "Passing example"), ("fail", "Failing example")):
        case = next((c for c in cases if c.expect == verdict), None)
        if case is not None:
            out += ["", f"{title}: {case.name}"]
            out += ["    " + line for line in case.policy.rstrip().splitlines()]
    return "\n".join(out) + "\n"


def _fields(fact: Fact) -> list[str]:
    shown = []
    for name in fact_fields(fact):
        if name in FIXED_FIELDS:
            continue
        value = getattr(fact, name)
        if value is not None:
            shown.append(f"{name} = {value_text(value)}")
    return shown


def explain_on(r: Requirement, path: Path, roots: tuple[Path, ...] = ()) -> tuple[str, bool]:
    """Why `r` passes or fails on the policy at `path`, with each fact and its notice quote."""
    policy, _ = load_policy(path, roots=roots)
    outcome = check(policy, r)
    out = [f"{r.id} — {r.spec.title} [{r.citation}]", f"{path}: {outcome.status}", ""]
    for finding in outcome.findings:
        out.append(
            f"  {finding.path}:{finding.span.line}:{finding.span.column}: "
            f"{finding.status}: {finding.message}"
        )
    if outcome.findings:
        out.append("")
    out.append("Facts examined:")
    for ev in outcome.evidence:
        fact = next((f for f in policy.statements if f.span == ev.span), None)
        out.append(f"  {ev.label} ({path}:{ev.span.line})")
        if fact is not None:
            out += [f"      {line}" for line in _fields(fact)]
        for cite in ev.cites:
            where = f", notice line {cite.notice_line}" if cite.notice_line else ""
            out.append(f'      cited {cite.label}{where}: "{cite.quote}"')
    if not outcome.evidence:
        out.append("  (none: the notice has no statement this requirement looks at)")
    if outcome.status == "fail":
        out += ["", *_wrap("Remedy", r.spec.remedy)]
    return "\n".join(out) + "\n", outcome.status in ("fail", "incomplete")
