"""What the language server knows about one open policy: its syntax (recovered around errors),
its facts, its notice, the requirement findings, and every error — from the text in the editor,
not the file on disk, through the same stages as `policycheck lint`.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field
from pathlib import Path

from checker.commands.lsp.recovery import parse_recovering
from checker.config import Config, find_config, load_config
from checker.errors import CheckerError, ErrorList
from checker.files import read_text
from checker.language.build import build_policy
from checker.language.facts import Policy
from checker.language.tree import Block, Field, Scalar, SyntaxTree
from checker.notice.loading import read_notice
from checker.rules.results import DocumentReport, Finding

_UNSURE_WHEN_RECOVERED = frozenset({"E207", "E209"})
"""Meaning errors that a statement set aside could cause on its own (a reference to a name it
defined, a missing document header): not reported while the file has syntax errors."""


@dataclass
class Analysis:
    text: str
    path: Path
    tree: SyntaxTree | None = None
    errors: list[CheckerError] = field(default_factory=list)
    policy: Policy | None = None
    """The facts, anchored in the notice when the notice could be read."""
    report: DocumentReport | None = None
    notice: str | None = None
    notice_path: Path | None = None
    recovered: bool = False
    """True when statements around syntax errors were set aside: requirement findings were not
    evaluated (they would judge a policy missing those statements)."""

    def findings(self) -> list[Finding]:
        if self.report is None:
            return []
        return [f for f in self.report.findings() if f.status in ("fail", "incomplete")]


def analyse(text: str, path: Path, today: datetime.date | None = None) -> Analysis:
    """Everything lint would say about `text` as the file at `path`, and the tree and facts."""
    name = str(path)
    text = text.removeprefix("\ufeff")  # positions are counted without a byte order mark
    result = Analysis(text, path)
    recovered = parse_recovering(text)
    result.tree = recovered.tree
    result.recovered = bool(recovered.errors)
    result.errors.extend(e.at(name) for e in recovered.errors)
    if recovered.tree is None:
        return result
    result.notice_path, result.notice = _notice_of(recovered.tree, path)
    try:
        policy = build_policy(recovered.tree, name)
    except ErrorList as exc:
        unsure = _UNSURE_WHEN_RECOVERED if result.recovered else frozenset()
        result.errors.extend(e for e in exc.errors if e.code not in unsure)
        return result
    result.policy = policy
    if result.recovered:
        return result
    from checker.commands.lint import filter_report, sets_for
    from checker.notice.anchoring import anchor
    from checker.rules.engine import evaluate

    config = _config(path)
    try:
        # Confined to the project as lint confines it: a hint must never quote another file.
        _, notice = read_notice(path, policy, config.roots)
    except CheckerError as exc:
        result.errors.append(exc)
        return result
    try:
        policy = anchor(policy, notice)
        result.policy = policy
        sets = sets_for(policy, *_requirement_names(config))
    except ErrorList as exc:
        result.errors.extend(exc.errors)
        return result
    report = evaluate(policy, sets, today or datetime.date.today())
    result.report = _without_baseline(filter_report(report, config.select, config.ignore), config)
    return result


def _without_baseline(report: DocumentReport, config: Config) -> DocumentReport:
    """The report without the findings the configuration's baseline records, as lint shows it.
    A baseline that cannot be read hides nothing here (lint reports it, at its own file)."""
    if not config.baseline:
        return report
    from checker.rules.baseline import apply_baseline, read_baseline
    from checker.rules.selection import selected

    file = config.root / config.baseline
    try:
        entries = read_baseline(file)
    except CheckerError:
        return report
    [kept], _ = apply_baseline(
        [report], entries, file, lambda i: selected(i, config.select, config.ignore)
    )
    return kept


def _notice_of(tree: SyntaxTree, path: Path) -> tuple[Path | None, str | None]:
    """The notice named by the document header's `source`, read for completion and hover even
    when the facts do not build; None where it cannot be read (an error says so elsewhere)."""
    source = source_field(tree)
    if source is None:
        return None, None
    notice_path = path.parent / source
    try:
        return notice_path, read_text(notice_path)
    except CheckerError:
        return notice_path, None


def source_field(tree: SyntaxTree) -> str | None:
    for item in tree.items:
        if isinstance(item, Block) and item.kind == "document":
            for inner in item.items:
                if (
                    isinstance(inner, Field)
                    and inner.key == "source"
                    and isinstance(inner.value, Scalar)
                ):
                    return inner.value.value
    return None


def _config(path: Path) -> Config:
    try:
        found = find_config(path.parent if path.parent.exists() else Path.cwd())
        return load_config(found) if found else Config()
    except CheckerError:
        return Config()  # a broken configuration is `lint`'s to report; here the defaults serve


def _requirement_names(config: Config) -> tuple[list[str], list[str]]:
    return list(config.rooted(config.requirements)), list(config.rooted(config.extra_requirements))
