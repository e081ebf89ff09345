"""`policycheck diff`: what a change does to the verdicts, or how two encoders read one notice.

    policycheck diff [BASE [HEAD]] [PATH ...]     revisions (default: the merge base with the
                                                  default branch, and the work tree)
    policycheck diff OLD.policy NEW.policy        two files
    policycheck diff A.policy B.policy --agreement

Revisions are read from temporary git worktrees; the policies are linted on both sides by the
lint pipeline (`run_lint`), and only those a change can affect: policies that changed, those
citing a notice text that changed, and all of them when a requirement file named with
`--requirements` (or in the configuration) changed. Requirement files given as paths are read
from each side's own tree, so a changed rule shows what it does. Sets given by name are the
installed ones on both sides.

Exit codes: 0 (also with new failures, unless `--fail-on-new`), 1 with `--fail-on-new LEVEL` when
a verdict at or above LEVEL newly fails, 2 on an input error on the newer side.
"""

from __future__ import annotations

import contextlib
import os
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, TextIO

from checker.commands.lint import run_lint
from checker.errors import CheckerError, ErrorList
from checker.exitcodes import EXIT_CLEAN, EXIT_FINDINGS, EXIT_INPUT_ERROR
from checker.reporters.run import LintOptions, LintRun
from checker.rules.report_diff import DiffResult, NoticeDiff, compare_reports, relocated

if TYPE_CHECKING:
    from checker.language.facts import Policy
    from checker.rules.results import DocumentReport

WORK_TREE = "work tree"


@dataclass(frozen=True)
class DiffOptions:
    args: tuple[str, ...]
    default_paths: tuple[Path, ...]
    exclude: tuple[str, ...] = ()
    requirements: tuple[str, ...] = ()
    extra_requirements: tuple[str, ...] = ()
    select: tuple[str, ...] = ()
    ignore: tuple[str, ...] = ()
    jobs: int = 1
    cache_dir: Path | None = None


def run_diff(
    options: DiffOptions, fmt: str, fail_on_new: str | None, out: TextIO, err: TextIO
) -> int:
    from checker.reporters.diff import RENDERERS

    files = [Path(a) for a in options.args]
    if len(files) == 2 and all(f.suffix == ".policy" and f.is_file() for f in files):
        result, errors = compare_files(files[0], files[1], options, err)
    else:
        result, errors = compare_revisions(options, err)
    if errors:
        _print_errors(errors, err)
        return EXIT_INPUT_ERROR
    out.write(RENDERERS[fmt](result))
    if fail_on_new is not None and result.new_failures(fail_on_new):
        return EXIT_FINDINGS
    return EXIT_CLEAN


def _print_errors(errors: list[CheckerError], err: TextIO) -> None:
    from checker.files import read_for_excerpt

    for error in ErrorList(errors).sorted():
        err.write(error.render(read_for_excerpt(error.path)) + "\n")


# --- Two files ------------------------------------------------------------------------------


def compare_files(
    old: Path, new: Path, options: DiffOptions, err: TextIO
) -> tuple[DiffResult, list[CheckerError]]:
    before = _lint([old], options, options.requirements, options.extra_requirements, None)
    after = _lint([new], options, options.requirements, options.extra_requirements, None)
    if after.errors:
        return DiffResult(str(old), str(new)), after.errors
    for error in before.errors:
        err.write(f"policycheck: in {old}: {error}\n")
    result = DiffResult(str(old), str(new), compared=1)
    old_report = before.reports[0] if before.reports else None
    new_report = after.reports[0] if after.reports else None
    diff = _notice_diff(
        str(new),
        old_report,
        new_report,
        _load(old),
        _load(new),
        str(old) if old_report else None,
        str(new),
    )
    if not diff.is_empty():
        result.notices.append(diff)
    return result, []


# --- Revisions ------------------------------------------------------------------------------


def compare_revisions(options: DiffOptions, err: TextIO) -> tuple[DiffResult, list[CheckerError]]:
    from checker.commands import git

    cwd = Path.cwd()
    top = git.toplevel(cwd)
    revisions: list[str] = []
    paths: list[Path] = []
    for arg in options.args:
        if not paths and len(revisions) < 2 and not Path(arg).exists():
            revisions.append(arg)
        else:
            paths.append(Path(arg))
    commits = [git.resolve(top, r) for r in revisions]
    if commits:
        base, base_name = commits[0], revisions[0]
    else:
        base, branch = git.default_base(top)
        base_name = f"merge base with {branch}"
    head = commits[1] if len(commits) == 2 else None
    head_name = revisions[1] if head else WORK_TREE
    rels = [_inside(top, cwd / p) for p in (paths or list(options.default_paths))]
    changed = git.changed_files(top, base, head)

    with git.checkout(top, base) as base_root, _head_tree(top, head) as head_root:
        named = options.requirements + options.extra_requirements
        rule_files = [_inside(top, cwd / r, strict=False) for r in named if _is_path(r)]
        rules_changed = any(
            c == r or c.startswith(r.rstrip("/") + "/") for c in changed for r in rule_files if r
        )
        selected, citing, listed = _affected(
            [base_root, head_root], rels, options.exclude, changed, everything=rules_changed
        )
        runs = []
        for root in (base_root, head_root):

            def rooted(names: tuple[str, ...], root: Path = root) -> tuple[str, ...]:
                # Paths of requirement files are read from this side's tree.
                return tuple(str(root / _inside(top, cwd / r)) if _is_path(r) else r for r in names)

            files = [root / rel for rel in selected if (root / rel).is_file()]
            cache = options.cache_dir if root == top else None
            sets = rooted(options.requirements), rooted(options.extra_requirements)
            runs.append(_lint(files, options, *sets, cache) if files else None)
        before, after = runs
        if after is not None and after.errors:
            errors = [_relocated_error(e, head_root, top, cwd) for e in after.errors]
            return DiffResult(base_name, head_name), errors
        if before is not None:
            for error in before.errors:
                err.write(
                    f"policycheck: at {base_name}: {_relocated_error(error, base_root, top, cwd)}\n"
                )
        old = _by_rel(before, base_root)
        new = _by_rel(after, head_root)
        result = DiffResult(base_name, head_name, compared=listed)
        for rel in selected:
            shown = _shown(top / rel, cwd)
            old_report, new_report = old.get(rel), new.get(rel)
            if old_report is None and new_report is None:
                continue
            # Facts and coverage can only change with the policy or its notice text.
            touched = rel in changed or rel in citing
            diff = _notice_diff(
                shown,
                relocated(old_report, shown) if old_report else None,
                relocated(new_report, shown) if new_report else None,
                _load(base_root / rel, shown) if touched and old_report else None,
                _load(head_root / rel, shown) if touched and new_report else None,
                shown if old_report else None,
                shown if new_report else None,
            )
            if not diff.is_empty():
                result.notices.append(diff)
    return result, []


@contextlib.contextmanager
def _head_tree(top: Path, head: str | None) -> Iterator[Path]:
    from checker.commands import git

    if head is None:
        yield top
    else:
        with git.checkout(top, head) as tree:
            yield tree


def _is_path(name: str) -> bool:
    return "/" in name or name.endswith((".yaml", ".yml")) or Path(name).exists()


def _inside(top: Path, path: Path, strict: bool = True) -> str:
    """`path` relative to the repository's top, with forward slashes."""
    try:
        return Path(os.path.relpath(path.resolve(), top.resolve())).as_posix().removeprefix("./")
    except ValueError:
        if strict:
            raise CheckerError("E604", f"{path} is outside the repository at {top}") from None
        return ""


def _shown(path: Path, cwd: Path) -> str:
    try:
        return os.path.relpath(path, cwd)
    except ValueError:
        return str(path)


def _affected(
    roots: list[Path],
    rels: list[str],
    exclude: tuple[str, ...],
    changed: set[str],
    everything: bool,
) -> tuple[list[str], set[str], int]:
    """Policies (relative to the top) whose verdicts a change can affect, on either side; those
    among them citing a notice text that changed; and how many policies the two sides hold."""
    from checker.files import list_policy_files
    from checker.notice.sources import resolve_notices

    found: set[str] = set()
    citing_changed: set[str] = set()
    listed: set[str] = set()
    for root in roots:
        policies = list_policy_files([root / r for r in rels if (root / r).exists()], exclude)
        inside = {p.relative_to(root).as_posix() for p in policies}
        listed |= inside
        found |= inside if everything else inside & changed
        texts = [root / c for c in changed if not c.endswith(".policy")]
        texts = [t for t in texts if t.is_file()]
        if texts:
            citing = resolve_notices(texts, [root / r for r in rels], exclude, skip_unrelated=True)
            citing_changed |= {p.relative_to(root).as_posix() for p in citing} & inside
    return sorted(found | citing_changed), citing_changed, len(listed)


def _by_rel(run: LintRun | None, root: Path) -> dict[str, DocumentReport]:
    if run is None:
        return {}
    return {Path(r.path).relative_to(root).as_posix(): r for r in run.reports}


def _relocated_error(error: CheckerError, root: Path, top: Path, cwd: Path) -> CheckerError:
    """The error of a file under `root` (a checkout, or the work tree) at the path a user sees."""
    if not error.path:
        return error
    try:
        rel = Path(error.path).relative_to(root)
    except ValueError:
        return error
    return error.at(_shown(top / rel, cwd))


# --- Shared ---------------------------------------------------------------------------------


def _lint(
    files: list[Path],
    options: DiffOptions,
    requirements: tuple[str, ...],
    extra: tuple[str, ...],
    cache_dir: Path | None,
) -> LintRun:
    return run_lint(
        LintOptions(
            paths=tuple(files),
            requirements=requirements,
            extra_requirements=extra,
            select=options.select,
            ignore=options.ignore,
            jobs=options.jobs,
            cache_dir=cache_dir,
        )
    )


def _load(path: Path, shown: str | None = None) -> tuple[Policy, str] | None:
    """The policy and its notice's text, or None if it does not load (its lint says why)."""
    from checker.files import read_text
    from checker.notice.loading import load_policy, source_path

    try:
        policy, _ = load_policy(path, shown)
        return policy, read_text(source_path(path, policy))
    except (ErrorList, CheckerError):
        return None


def _notice_diff(
    path: str,
    before: DocumentReport | None,
    after: DocumentReport | None,
    old: tuple[Policy, str] | None,
    new: tuple[Policy, str] | None,
    before_path: str | None,
    after_path: str | None,
) -> NoticeDiff:
    from checker.commands.coverage import coverage_of
    from checker.language.fact_diff import diff_facts

    verdicts, evidence = compare_reports(before, after)
    # A policy added or removed is not listed statement by statement: every one would be.
    facts = diff_facts(old[0], new[0]) if old and new else ()
    # Coverage is computed for the policies a change touched (loaded on both sides); for the
    # others it did not change.
    cov_before = coverage_of(*old).share if old else None
    cov_after = coverage_of(*new).share if new else None
    shown = after or before
    title = shown.title if shown is not None else path
    return NoticeDiff(
        path=path,
        before_path=before_path,
        after_path=after_path,
        title=title,
        verdicts=verdicts,
        evidence=evidence,
        facts=facts,
        coverage_before=cov_before,
        coverage_after=cov_after,
    )


# --- Agreement of two encodings -------------------------------------------------------------


def run_agreement(options: DiffOptions, fmt: str, out: TextIO, err: TextIO) -> int:
    """`policycheck diff A.policy B.policy --agreement`: two readings of one notice compared."""
    from checker.files import read_text
    from checker.notice.loading import load_policy, source_path
    from checker.reporters.agreement import RENDERERS
    from checker.rules.agreement import compare
    from checker.rules.requirements import sets_for_jurisdictions

    if fmt not in RENDERERS:
        raise CheckerError(
            "E604",
            f"--agreement reports as {' or '.join(sorted(RENDERERS))}, not {fmt}",
            expected=f"--format {' or --format '.join(sorted(RENDERERS))}",
        )
    files = [Path(a) for a in options.args]
    if len(files) != 2:
        raise CheckerError(
            "E604",
            f"--agreement compares two policy files; {len(files)} given",
            expected="policycheck diff A.policy B.policy --agreement",
        )
    loaded = []
    errors: list[CheckerError] = []
    for path in files:
        try:
            policy, _ = load_policy(path)
            loaded.append((policy, read_text(source_path(path, policy))))
        except ErrorList as exc:
            errors.extend(exc.errors)
        except CheckerError as exc:
            errors.append(exc)
    if errors:
        _print_errors(errors, err)
        return EXIT_INPUT_ERROR
    (a, text_a), (b, text_b) = loaded
    if text_a != text_b:
        raise CheckerError(
            "E604",
            f"{files[0]} and {files[1]} encode different texts "
            f"({a.document.source} and {b.document.source} differ)",
            expected="two encodings of the same notice text",
            hint="compare versions of one encoding with `policycheck diff OLD NEW` instead",
        )
    # Both are checked against the same obligations: those of either document's jurisdictions.
    jurisdictions = tuple(
        dict.fromkeys((a.document.jurisdictions or ()) + (b.document.jurisdictions or ()))
    )
    sets = options.requirements or tuple(sets_for_jurisdictions(jurisdictions))
    run = _lint(files, options, sets, options.extra_requirements, None)
    if run.errors or len(run.reports) != 2:
        _print_errors(run.errors, err)
        return EXIT_INPUT_ERROR
    by_path = {r.path: r for r in run.reports}
    result = compare(a, b, text_a, by_path[str(files[0])], by_path[str(files[1])])
    out.write(RENDERERS[fmt](result))
    return EXIT_CLEAN
