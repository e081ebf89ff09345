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
from checker.commands.coverage import coverage_of
from checker.commands.lint import run_lint
from checker.errors import CheckerError, ErrorList
from checker.exitcodes import EXIT_CLEAN, EXIT_INPUT_ERROR
from checker.notice.loading import load_policy, read_notice
from checker.reporters.html import assets, render_notice, render_overview, render_requirement
from checker.reporters.html.model import Meta, NoticeInput, RequirementInfo, SetInfo, Site
from checker.reporters.run import LintOptions, LintRun
from checker.rules.cases import examples
from checker.rules.requirements import Requirement
from checker.rules.results import DocumentReport


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
    """Write the report of `run` into `output`, a notice page at a time, then the overview."""
    errors = list(run.errors)
    requirements = run.requirements
    meta = Meta(
        generated=now.strftime("%Y-%m-%d %H:%M UTC"),
        version=__version__,
        today=run.options.today.isoformat(),
        sets=_sets(requirements),
    )
    site = Site(_requirement_infos(requirements), meta)
    _write(output, "assets", assets())
    for report in run.reports:
        notice = _read(report, run.options.roots, errors, err)
        if notice is not None:
            page = site.notice(notice)
            _write(output, "notices", {f"{page.slug}.html": render_notice(page)})
    for req_page in site.requirement_pages():
        _write(output, "requirements", {f"{req_page.file}.html": render_requirement(req_page)})
    _write(output, "", {"index.html": render_overview(site.overview(str(e) for e in errors))})
    count = len(site.summaries)
    err.write(
        f"policycheck: wrote the report of {count} notice{'s' if count != 1 else ''}"
        f" to {output / 'index.html'}\n"
    )
    return EXIT_INPUT_ERROR if errors else EXIT_CLEAN


def _read(
    report: DocumentReport,
    run_roots: tuple[Path, ...],
    errors: list[CheckerError],
    err: TextIO,
) -> NoticeInput | None:
    """The policy (parsed and anchored again: lint keeps reports, not facts) and its notice."""
    path, roots = Path(report.path), run_roots
    try:
        # The notice is read as lint reads it: confined to the project (`source-roots`).
        policy, _ = load_policy(path, report.path, roots)
        _, text = read_notice(path, policy, roots)
    except ErrorList as exc:  # changed since lint read it
        found = exc.errors
    except CheckerError as exc:
        found = [exc]
    else:
        uncovered = frozenset(number for number, _ in coverage_of(policy, text).uncovered)
        return NoticeInput(report, policy, text, uncovered)
    errors.extend(found)
    err.writelines(str(e) + "\n" for e in found)
    return None


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


def _write(output: Path, folder: str, files: dict[str, str] | dict[str, bytes]) -> None:
    try:
        (output / folder).mkdir(parents=True, exist_ok=True)
        for name, data in files.items():
            target = output / folder / name
            if isinstance(data, bytes):
                target.write_bytes(data)
            else:
                target.write_text(data, encoding="utf-8")
    except OSError as exc:
        raise CheckerError(
            "E601", f"cannot write the report: {exc.strerror or exc}", str(output)
        ) from None
