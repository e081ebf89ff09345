"""`policycheck lint`: read policies, evaluate them against requirement sets, report.

Files are processed in parallel (`--jobs`) and the output does not depend on the number of jobs:
reports are sorted by path. A report is cached (`.policycheck_cache/`) under a hash of everything
it depends on — tool version, the policy file, its notice text, the requirement files, the chosen
sets and the date (waivers expire) — so an unchanged corpus re-lints without parsing anything.
"""

from __future__ import annotations

import contextlib
import datetime
import gc
import json
import os
import re
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING

from checker.commands.cache_key import build_id
from checker.commands.cache_key import digest as _digest
from checker.commands.cache_upkeep import mark_used, sweep
from checker.commands.derived_store import use_cache_dir
from checker.commands.lint_cache import decode, encode
from checker.errors import CheckerError, ErrorList
from checker.files import list_policy_files, read_bytes
from checker.reporters.run import LintOptions, LintRun
from checker.resources import sensitivity_file, set_files, shipped_sets
from checker.rules.results import DocumentReport
from checker.rules.selection import selected

if TYPE_CHECKING:
    import multiprocessing.context

    from checker.language.facts import Policy
    from checker.rules.requirements import RequirementSet

# The parser, the fact model, the engine and the requirement sets (and with them lark, pydantic
# and yaml), and the process pool, are imported only where they are used: a run served wholly
# from the cache with text output needs none of them, and importing them would be most of its
# time. (The other formats describe every requirement, so they load the sets.)

CACHE_DIR = ".policycheck_cache"


def run_lint(options: LintOptions) -> LintRun:
    with collecting_less_often():
        return _run_lint(options)


@contextlib.contextmanager
def collecting_less_often() -> Iterator[None]:
    """Run the garbage collector less often while linting, then as before.

    A lint allocates many small objects (syntax nodes, facts, results) that live until the report
    is made and hold no reference cycles worth collecting early. With the default thresholds the
    collector runs every 700 allocations and keeps re-scanning them: about 6% of the lint time.
    """
    before = gc.get_threshold()
    gc.set_threshold(50_000, 50, 100)
    try:
        yield
    finally:
        gc.set_threshold(*before)


def start_run(cache_dir: Path | None) -> None:
    """What every run does first with its cache directory: take compiled requirement sets from it
    (and keep them there), and sweep out what no run has used for a week."""
    use_cache_dir(cache_dir)
    if cache_dir is not None:
        sweep(cache_dir)


def _run_lint(options: LintOptions) -> LintRun:
    start_run(options.cache_dir)
    files, errors = _policy_files(options)
    explicit = list(options.requirements)
    extra = list(options.extra_requirements)
    try:  # load every set named up front, so a broken requirement file is reported once
        named = _resolve(explicit + extra) if explicit or extra else []
    except ErrorList as exc:
        return LintRun([], errors + exc.errors, [], {}, options)

    digest = _requirements_digest(explicit, extra) if options.cache_dir is not None else ""
    jobs = [
        (str(p), explicit, extra, options.today, options.cache_dir, digest, options.roots)
        for p in files
    ]
    workers = min(options.jobs, len(jobs) // FILES_PER_WORKER)
    if workers > 1:
        from concurrent.futures import ProcessPoolExecutor

        _warm_up()
        with ProcessPoolExecutor(max_workers=workers, mp_context=_fork_context()) as pool:
            outputs = list(pool.map(_lint_one, jobs, chunksize=max(1, len(jobs) // (4 * workers))))
    else:
        outputs = [_lint_one(job) for job in jobs]

    reports: list[DocumentReport] = []
    texts: dict[str, str] = {}
    for name, report, file_errors, text in outputs:
        if text is not None:
            texts[name] = text
        if report is not None:
            reports.append(_filter(report, options))
        errors.extend(file_errors)
    return LintRun(
        sorted(reports, key=lambda r: r.path),
        ErrorList(errors).sorted(),
        None,
        texts,
        options,
        named,
    )


def _policy_files(options: LintOptions) -> tuple[list[Path], list[CheckerError]]:
    """The `.policy` files the paths name, and an error for each path that names none: linting
    nothing must not look like a clean pass. (Files left out by `exclude` are no error: a
    pre-commit hook passes staged files that the configuration may exclude.)"""
    files: list[Path] = []
    errors: list[CheckerError] = []
    for path in options.paths:
        if not path.exists() and not path.is_symlink():
            errors.append(CheckerError("E601", "no such file or directory", str(path)))
        elif path.is_dir():
            found = list_policy_files([path], options.exclude)
            if not found and not list_policy_files([path]):
                errors.append(
                    CheckerError(
                        "E606",
                        "no .policy files in this directory or under it",
                        str(path),
                        expected="a directory holding .policy files, or .policy files",
                    )
                )
            files.extend(found)
        elif not path.name.endswith(".policy"):
            errors.append(
                CheckerError(
                    "E606",
                    "not a .policy file",
                    str(path),
                    expected="a .policy file, or a directory holding some",
                    hint="a notice text is linted through the .policy files citing it; "
                    "none cites this",
                )
            )
        else:
            files.extend(list_policy_files([path], options.exclude))
    return files, errors


def _resolve(names: list[str]) -> list[RequirementSet]:
    from checker.rules.requirements import resolve_sets

    return resolve_sets(names)


def _filter(report: DocumentReport, options: LintOptions) -> DocumentReport:
    return filter_report(report, options.select, options.ignore)


def _warm_up() -> None:
    """Import the pipeline and compile the shipped requirement sets before forking, so that
    workers inherit them and none repeats the work."""
    import importlib

    from checker.rules.requirements import load_set_file

    for module in (
        "language.build",
        "language.scanner",
        "language.syntax",
        "notice.anchoring",
        "notice.loading",
        "rules.engine",
    ):
        importlib.import_module(f"checker.{module}")

    for path in shipped_sets().values():
        with contextlib.suppress(ErrorList):
            load_set_file(path)


def _fork_context() -> multiprocessing.context.BaseContext | None:
    import multiprocessing

    # Forked workers start with everything already imported and compiled; elsewhere (macOS,
    # Windows) the platform's default start method is used.
    if "fork" in multiprocessing.get_all_start_methods():
        return multiprocessing.get_context("fork")
    return None


Job = tuple[str, list[str], list[str], datetime.date, Path | None, str, tuple[Path, ...]]

FILES_PER_WORKER = 8
"""A worker process costs a cold start (imports, requirement sets), so each must get this many
files before a pool pays; smaller runs (a pre-commit hook's handful of files) stay in-process."""


def _lint_one(job: Job) -> tuple[str, DocumentReport | None, list[CheckerError], str | None]:
    """Lint one file (runs in a worker process when --jobs > 1)."""
    name, report, errors, text, _sets = _evaluate_one(job)
    return name, report, errors, text


def _evaluate_one(
    job: Job,
) -> tuple[str, DocumentReport | None, list[CheckerError], str | None, list[RequirementSet] | None]:
    """The report of one file (from the cache if it holds it), or its errors; its text when it
    was read, and the requirement sets it was checked against when they were loaded."""
    name, explicit, extra, today, cache_dir, digest, roots = job
    path = Path(name)
    key = None
    if cache_dir is not None:
        key = _cache_key(path, explicit, extra, today, digest)
        cached = _cache_get(cache_dir, key, path, roots) if key else None
        if cached is not None:
            return name, cached, [], None, None
    use_cache_dir(cache_dir)  # a worker started afresh (not forked) has not been told
    from checker.notice.loading import load_policy
    from checker.rules.engine import evaluate

    try:
        policy, text = load_policy(path, name, roots)
    except ErrorList as exc:
        text = None
        with contextlib.suppress(CheckerError):
            text = read_bytes(path).decode("utf-8", errors="replace")  # lines as parsed
        return name, None, exc.errors, text, None
    try:
        sets = sets_for(policy, explicit, extra)
    except ErrorList as exc:
        return name, None, exc.errors, text, None
    report = evaluate(policy, sets, today)
    if cache_dir is not None and key:
        _cache_put(cache_dir, key, report, path, policy, roots)
    return name, report, [], text, sets


def sets_for(policy: Policy, explicit: list[str], extra: list[str]) -> list[RequirementSet]:
    """The requirement sets a policy is checked against: those named, else those of its
    jurisdictions, and the extra ones; an ErrorList if none applies or one does not load."""
    from checker.rules.requirements import resolve_sets, sets_for_jurisdictions

    names = explicit or sets_for_jurisdictions(policy.document.jurisdictions or ())
    if not names and not extra:
        # A policy checked against nothing must not pass silently.
        jurisdictions = ", ".join(policy.document.jurisdictions or ())
        raise ErrorList(
            [
                CheckerError(
                    "E605",
                    f"no requirement set applies to jurisdictions [{jurisdictions}]",
                    policy.path,
                    policy.document.spans.get("jurisdictions", policy.document.span),
                    expected="a jurisdiction of a shipped set (cn, eu, eea)",
                    hint="choose sets with --requirements or `requirements = [...]` in config",
                )
            ]
        )
    return resolve_sets(names + extra)


def filter_report(
    report: DocumentReport, select: tuple[str, ...], ignore: tuple[str, ...]
) -> DocumentReport:
    """The report without the outcomes and findings that `--select`/`--ignore` leave out."""
    if not select and not ignore:
        return report
    keep = [o for o in report.outcomes if selected(o.id, select, ignore)]
    extra = [f for f in report.extra if selected(f.id, select, ignore)]
    return report._replace(outcomes=tuple(keep), extra=tuple(extra))


# --- Cache ----------------------------------------------------------------------------------


def _requirements_digest(explicit: list[str], extra: list[str]) -> str:
    """One digest of every file loading the requirements may read (computed once per run).

    The files are those `resolve_sets` reads, found the same way: every shipped set (a document's
    jurisdictions choose among them), the sensitive-category table the engine classifies data by,
    and for each set named on the command line or in the configuration its file, or the sets in
    its directory. Each is read with the checks loading applies (a regular file, within the size
    limit), so a pipe or a device in a requirements folder cannot stall the run here.
    """
    files = [*shipped_sets().values(), sensitivity_file()]
    for name in explicit + extra:
        files.extend(set_files(name) or [])
    parts = []
    for f in files:
        try:
            parts.append(str(f).encode("utf-8", "surrogateescape") + b"\0" + read_bytes(f))
        except CheckerError:
            parts.append(str(f).encode("utf-8", "surrogateescape") + b"\0?")
    return _digest(*parts)


def _cache_key(
    path: Path, explicit: list[str], extra: list[str], today: datetime.date, digest: str
) -> str | None:
    try:
        policy_bytes = read_bytes(path)
    except CheckerError:
        return None  # not a plain readable file: the full path reports why
    settings = json.dumps([explicit, extra, today.isoformat(), str(path)]).encode()
    return _digest(build_id(), settings, policy_bytes, digest.encode())


# Only `encode` writes entries, and it writes no escaped surrogate (astral characters go as they
# are): one in an entry means the entry was made by something else.
_ESCAPED_SURROGATE = re.compile(rb"\\u[dD][89abcdefABCDEF]")


def _notice_bytes(path: Path, source: str, roots: tuple[Path, ...]) -> bytes:
    """The bytes of a policy's notice, read with the checks a fresh lint applies to it."""
    from checker.notice.loading import confined, roots_for

    return read_bytes(confined(path.parent / source, roots_for(path, roots)))


def _cache_get(
    cache_dir: Path, key: str, path: Path, roots: tuple[Path, ...] = ()
) -> DocumentReport | None:
    """A cached report, if present, intact, and its notice text unchanged; else None."""
    body = cache_read(cache_dir, f"{key}.json", path, roots)
    if body is None:
        return None
    try:
        return decode(body.decode("utf-8"))
    except (ValueError, LookupError, TypeError, AttributeError):
        return None
    except RecursionError:  # JSON nested deeper than the parser can follow
        return None


def cache_read(cache_dir: Path, name: str, path: Path, roots: tuple[Path, ...]) -> bytes | None:
    """The body of the cache entry `name` about the policy `path`, if present, intact, and its
    notice text unchanged; else None.

    An entry is one line of JSON about the entry (which notice, digests), then the body, so the
    body is parsed once and only after its digest matched. The notice is read as a fresh lint
    reads it (inside the project root, a regular file, within the size limit): an entry must
    never make a hit read what a miss would refuse. Anything else about an entry that is not as
    `cache_write` wrote it makes a miss.
    """
    entry = cache_dir / name[:2] / name
    try:
        head, _, body = read_bytes(entry).partition(b"\n")
        stored = json.loads(head)
        if not isinstance(stored, dict) or stored.get("policy") != str(path):
            return None
        source = stored["source"]
        if not isinstance(source, str):
            return None
        if _digest(_notice_bytes(path, source, roots)) != stored["source_digest"]:
            return None
        if _digest(body) != stored["report_digest"]:
            return None  # truncated or edited: never trust it
        if _ESCAPED_SURROGATE.search(body):
            return None
        mark_used(entry)
        return body
    except (CheckerError, OSError, ValueError, LookupError, TypeError, AttributeError):
        return None
    except RecursionError:  # JSON nested deeper than the parser can follow
        return None


def _cache_put(
    cache_dir: Path,
    key: str,
    report: DocumentReport,
    path: Path,
    policy: Policy,
    roots: tuple[Path, ...],
) -> None:
    body = encode(report).encode("utf-8")
    cache_write(cache_dir, f"{key}.json", body, path, policy.document.source or "", roots)


def cache_write(
    cache_dir: Path, name: str, body: bytes, path: Path, source: str, roots: tuple[Path, ...]
) -> None:
    """Write the cache entry `name` about the policy `path` whose notice is `source`; a cache
    that cannot be written is only slower."""
    try:
        source_bytes = _notice_bytes(path, source, roots)
        head = {
            "policy": str(path),
            "source": source,
            "source_digest": _digest(source_bytes),
            "report_digest": _digest(body),
        }
        folder = cache_dir / name[:2]
        folder.mkdir(parents=True, exist_ok=True)
        tmp = folder / f".{name}.{os.getpid()}.tmp"
        tmp.write_bytes(json.dumps(head).encode("utf-8") + b"\n" + body)
        os.replace(tmp, folder / name)
        gitignore = cache_dir / ".gitignore"
        if not gitignore.exists():
            gitignore.write_text("*\n", encoding="utf-8")
    except (CheckerError, OSError):
        pass
