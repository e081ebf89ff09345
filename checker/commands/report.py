"""`policycheck report`: the evidence report, a static HTML site a DPO can read and sign off.

The lint pipeline decides (`run_lint`, with lint's paths, configuration, requirement sets and
cache); this command then reads each notice's encoding and text again to show the facts beside
the notice's words, works out the pages (`checker.reporters.html.model`) and writes them with the
stylesheet and script into the output directory. The report needs no server and makes no network
request: it opens from the file system, offline.
"""

from __future__ import annotations

import datetime
import hashlib
from collections.abc import Callable
from pathlib import Path
from typing import TextIO

from checker import __version__
from checker.cases import examples
from checker.coverage_command import coverage_of
from checker.errors import CheckerError, ErrorList
from checker.exitcodes import EXIT_CLEAN, EXIT_INPUT_ERROR
from checker.files import load_policy, read_text, source_path
from checker.lint_command import LintOptions, LintRun, run_lint
from checker.reporters.html import assets, render_site
from checker.reporters.html.model import (
    Meta,
    NoticeInput,
    RequirementInfo,
    SetInfo,
    build_site,
)
from checker.requirements import Requirement


def run_report(
    options: LintOptions,
    output: Path,
    err: TextIO,
    show_error: Callable[[CheckerError], str] = str,
    now: datetime.datetime | None = None,
) -> int:
    """Lint, then write the report to `output`.

    Exit 0 when every file was checked (findings or not: the report shows them), 2 when some file
    could not be (its errors go to `err`, each as `show_error` renders it, and into the report).
    """
    run = run_lint(options)
    for error in run.errors:
        err.write(show_error(error) + "\n")
    return write_report(run, output, err, now or datetime.datetime.now(datetime.UTC))


def write_report(run: LintRun, output: Path, err: TextIO, now: datetime.datetime) -> int:
    notices: list[NoticeInput] = []
    errors = list(run.errors)
    for report in run.reports:
        path = Path(report.path)
        try:
            policy, _ = load_policy(path, report.path)
            text = read_text(source_path(path, policy))
        except ErrorList as exc:  # changed since lint read it
            errors.extend(exc.errors)
            err.writelines(str(e) + "\n" for e in exc.errors)
            continue
        except CheckerError as exc:
            errors.append(exc)
            err.write(str(exc) + "\n")
            continue
        coverage = coverage_of(policy, text)
        uncovered = frozenset(number for number, _ in coverage.uncovered)
        notices.append(NoticeInput(report, policy, text, uncovered))
    requirements = run.requirements
    meta = Meta(
        generated=now.strftime("%Y-%m-%d %H:%M UTC"),
        version=__version__,
        today=run.options.today.isoformat(),
        sets=_sets(requirements),
    )
    site = build_site(notices, _requirement_infos(requirements), [str(e) for e in errors], meta)
    pages = render_site(site)
    _write(output, pages, assets())
    err.write(
        f"policycheck: wrote the report of {len(notices)} notice"
        f"{'s' if len(notices) != 1 else ''} to {output / 'index.html'}\n"
    )
    return EXIT_INPUT_ERROR if errors else EXIT_CLEAN


def _sets(requirements: list[Requirement]) -> tuple[SetInfo, ...]:
    found: dict[str, SetInfo] = {}
    for r in requirements:
        if r.set_name in found:
            continue
        try:
            digest = hashlib.sha256(Path(r.path).read_bytes()).hexdigest()
        except OSError:
            digest = "unreadable"
        found[r.set_name] = SetInfo(r.set_name, r.law, r.law_title, Path(r.path).name, digest)
    return tuple(found[name] for name in sorted(found))


def _requirement_infos(requirements: list[Requirement]) -> list[RequirementInfo]:
    found = examples()
    return [
        RequirementInfo(
            id=r.id,
            law=r.law,
            law_title=r.law_title,
            set_name=r.set_name,
            article=r.spec.article,
            title=r.spec.title,
            severity=r.spec.severity,
            quote=r.spec.quote,
            gloss=r.spec.gloss,
            for_each=r.spec.for_each,
            applies=r.spec.applies,
            require=r.spec.require,
            remedy=r.spec.remedy,
            not_formalised=r.spec.not_formalised,
            waivable=r.spec.waivable,
            source_uri=r.source_uri,
            passing_example=_example(found, r.id, "pass"),
            failing_example=_example(found, r.id, "fail"),
        )
        for r in requirements
    ]


def _example(found: dict[tuple[str, str], str], rule: str, verdict: str) -> str | None:
    text = found.get((rule, verdict))
    return text.rstrip() if text is not None else None


def _write(output: Path, pages: dict[str, str], static: dict[str, bytes]) -> None:
    try:
        for folder in ("", "notices", "requirements", "assets"):
            (output / folder).mkdir(parents=True, exist_ok=True)
        for name, data in static.items():
            (output / "assets" / name).write_bytes(data)
        for name, html in pages.items():
            (output / name).write_text(html, encoding="utf-8")
    except OSError as exc:
        raise CheckerError(
            "E601", f"cannot write the report: {exc.strerror or exc}", str(output)
        ) from None
