"""`policycheck lint`'s output: each document rendered as it is checked, written in order.

A worker (or the one process, with `--jobs 1`) checks a policy, applies the baseline to it, and
renders it in the chosen format (`checker.reporters.stream`); the parent writes the chunks in the
order of the files and keeps only running totals, so memory does not grow with the number of
documents and the output is the same for any number of jobs. Text findings and JSON documents go
out as they come; what a format must write after something known only at the end (the passed
requirements below all findings, the annotations after the input errors, a JUnit root counting
every suite, SARIF results after their rules) waits in a temporary file, not in memory. Then the
end: input errors on stderr, the summary, the exit code.
"""

from __future__ import annotations

import contextlib
import importlib
import json
import os
import tempfile
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, replace
from pathlib import Path
from types import ModuleType
from typing import IO, TYPE_CHECKING, Any, NamedTuple, TextIO

from checker.commands import lint
from checker.commands.cache_key import digest as _digest
from checker.errors import CheckerError, ErrorList
from checker.exitcodes import EXIT_CLEAN, EXIT_FINDINGS, EXIT_INPUT_ERROR
from checker.files import read_for_excerpt
from checker.reporters import MODULES
from checker.reporters.run import LintOptions
from checker.reporters.stream import Chunk, ChunkContext, RunEnd, Totals, count, text
from checker.rules.selection import selected

if TYPE_CHECKING:
    from checker.rules.baseline import Applied, Entry
    from checker.rules.requirements import Requirement, RequirementSet
    from checker.rules.results import DocumentReport


@dataclass(frozen=True)
class OutputOptions:
    format: str = "text"
    color: bool = False
    output: Path | None = None
    """Write the report to this file instead of stdout."""
    baseline: tuple[list[Entry], Path] | None = None
    write_baseline: Path | None = None
    exit_zero: bool = False


class Piece(NamedTuple):
    """What checking one file gives the parent: its chunk and totals, or its errors."""

    name: str
    chunk: Chunk | None
    totals: Totals | None
    errors: list[CheckerError]
    text: str | None
    """The policy's text, only when it has errors (for their excerpts)."""
    hidden: int = 0
    gone: tuple[Entry, ...] = ()
    linted: str = ""
    """The document's path as the baseline names it."""
    recorded: tuple[Entry, ...] = ()
    """Its findings as baseline entries (with --write-baseline)."""
    source: str = ""
    """Its notice text, as the policy names it."""


@dataclass(frozen=True)
class _Setup:
    options: LintOptions
    output: OutputOptions
    named: list[RequirementSet]
    """The sets named on the command line or in the configuration, loaded (empty in a worker
    that was not forked: it loads them again when it needs them, by `named_again`)."""
    baseline: dict[str, list[Entry]]
    """Baseline entries by the path they name."""


_SETUP: _Setup | None = None
"""What every document of the run is rendered with; set before workers fork, so they inherit it."""


def _module(name: str) -> ModuleType:
    return importlib.import_module(f"checker.reporters.{MODULES[name]}")


def run_lint_output(
    options: LintOptions, output: OutputOptions, stdout: TextIO, stderr: TextIO
) -> int:
    """Lint, write the report and the input errors; the exit code."""
    global _SETUP
    module = _module(output.format)
    by_path: dict[str, list[Entry]] = {}
    if output.baseline is not None:
        for entry in output.baseline[0]:
            by_path.setdefault(entry.path, []).append(entry)
    with lint.collecting_less_often(), contextlib.ExitStack() as stack:
        target: IO[str] = stdout
        if output.output is not None:
            target = stack.enter_context(_report_file(output.output))
        spools = _Spools(stack)
        lint.start_run(options.cache_dir)
        files, errors = lint._policy_files(options)
        explicit = list(options.requirements)
        extra = list(options.extra_requirements)
        named: list[RequirementSet] = []
        try:  # load every set named up front, so a broken requirement file is reported once
            named = lint._resolve(explicit + extra) if explicit or extra else []
        except ErrorList as exc:
            errors += exc.errors
            files = []
        _SETUP = _Setup(options, output, named, by_path)
        context = ChunkContext(options, output.color)
        target.write(module.start(context))
        totals = Totals()
        texts: dict[str, str] = {}
        hidden = 0
        gone: list[Entry] = []
        linted: set[str] = set()
        recorded: list[Entry] = []
        first = True
        try:
            for piece in _pieces(options, files, explicit, extra):
                errors.extend(piece.errors)
                if piece.text is not None and piece.errors:
                    texts[piece.name] = piece.text
                if piece.chunk is None or piece.totals is None:
                    continue
                totals.add(piece.totals)
                hidden += piece.hidden
                gone.extend(piece.gone)
                linted.add(piece.linted)
                recorded.extend(piece.recorded)
                sections = piece.chunk.sections
                if module.STREAMED:
                    if sections[0]:
                        if not first:
                            target.write(module.SEPARATOR)
                        first = False
                        target.write(sections[0])
                    spools.add(sections, start=1)
                else:
                    spools.add(sections, start=0)
        finally:
            _SETUP = None
        errors = ErrorList(errors).sorted()
        applied = _applied(output, hidden, gone, linted, options)

        def requirements() -> list[Requirement]:
            return _requirements(totals.sets, named, options)

        end = RunEnd(options, totals, errors, texts, requirements, applied, output.color)
        _write_gone(applied, stderr)
        if output.format == "text" and output.output is None:
            # The findings, then the input errors, then the summary line that counts both: what
            # a reader sees last is the verdict, right after the errors it mentions.
            for part in module.finish_body(end, spools.read):
                target.write(part)
            target.flush()
            _write_errors(end, stderr)
            target.write(module.render_summary(end))
        else:
            _write_errors(end, stderr)
            for part in module.finish(end, spools.read):
                target.write(part)
    if errors:
        if output.write_baseline is not None:
            stderr.write("policycheck: the baseline was not written: fix the errors first\n")
        return EXIT_INPUT_ERROR
    if output.write_baseline is not None:
        from checker.rules.baseline import write_entries

        count = write_entries(output.write_baseline, recorded)
        stderr.write(
            f"policycheck: recorded {count} finding{'s' if count != 1 else ''} "
            f"in {output.write_baseline}\n"
        )
        return EXIT_CLEAN
    return EXIT_FINDINGS if totals.failing and not output.exit_zero else EXIT_CLEAN


@contextlib.contextmanager
def _report_file(path: Path) -> Iterator[IO[str]]:
    try:
        file = path.open("w", encoding="utf-8", newline="")
    except OSError as exc:
        raise CheckerError("E601", f"cannot write report: {exc.strerror}", str(path)) from None
    with file:
        yield file


class _Spools:
    """The sections that wait for the end, each in a temporary file, in document order."""

    def __init__(self, stack: contextlib.ExitStack) -> None:
        self._stack = stack
        self._files: dict[int, IO[str]] = {}

    def add(self, sections: tuple[str, ...], start: int) -> None:
        for k in range(start, len(sections)):
            if not sections[k]:
                continue
            file = self._files.get(k)
            if file is None:
                spool = tempfile.TemporaryFile("w+", encoding="utf-8", newline="")  # noqa: SIM115
                file = self._files[k] = self._stack.enter_context(spool)
            file.write(sections[k])

    def read(self, k: int) -> Iterable[str]:
        file = self._files.get(k)
        if file is None:
            return
        file.flush()
        file.seek(0)
        while block := file.read(1 << 16):
            yield block


def _pieces(
    options: LintOptions, files: list[Path], explicit: list[str], extra: list[str]
) -> Iterator[Piece]:
    digest = lint._requirements_digest(explicit, extra) if options.cache_dir is not None else ""
    jobs = [
        (str(p), explicit, extra, options.today, options.cache_dir, digest, options.roots)
        for p in files
    ]
    workers = min(options.jobs, len(jobs) // lint.FILES_PER_WORKER)
    if workers > 1:
        from concurrent.futures import ProcessPoolExecutor

        lint._warm_up()
        _module(_setup().output.format)  # imported before the workers fork, as the pipeline
        setup = _setup()
        if lint._fork_context() is None:  # workers are started afresh and sent the settings
            setup = replace(setup, named=[])
        with ProcessPoolExecutor(
            max_workers=workers,
            mp_context=lint._fork_context(),
            initializer=_install,
            initargs=(setup,),
        ) as pool:
            # Small batches: the parent writes each as it comes, and holds few at a time.
            yield from pool.map(
                _render_one, jobs, chunksize=max(1, min(8, len(jobs) // (8 * workers)))
            )
    else:
        for job in jobs:
            yield _render_one(job)


def _install(setup: _Setup) -> None:
    global _SETUP
    _SETUP = setup


def _setup() -> _Setup:
    if _SETUP is None:
        raise RuntimeError("no lint run is being rendered")
    return _SETUP


def _render_one(job: lint.Job) -> Piece:
    """Check one file and render it (runs in a worker process when --jobs > 1).

    The cache keeps what this returns under the report's key and everything else the rendering
    depends on, so an unchanged document costs a read and no decoding of its facts.
    """
    setup = _setup()
    name, explicit, extra, today, cache_dir, digest, roots = job
    variant = None
    if cache_dir is not None:
        key = lint._cache_key(Path(name), explicit, extra, today, digest)
        if key is not None:
            variant = _variant(key, name, setup)
            cached = _cached_piece(cache_dir, variant, name, roots, setup)
            if cached is not None:
                return cached
    piece = _rendered(job, setup)
    if variant is not None and cache_dir is not None and piece.chunk is not None:
        _cache_piece(cache_dir, variant, piece, roots, setup)
    return piece


def _variant(key: str, name: str, setup: _Setup) -> str:
    """The cache entry name of a document's rendering: its report's key and every setting the
    rendering depends on (format, options, the baseline entries for it, the directory paths are
    made relative to)."""
    options = setup.options
    output = setup.output
    baseline: list[Any] = []
    if output.baseline is not None:
        file = output.baseline[1]
        from checker.rules.baseline import relative_path

        entries = setup.baseline.get(relative_path(name, file.parent), [])
        baseline = [str(file), [e.as_json() for e in entries]]
    settings = [
        output.format,
        output.color,
        options.show_passed,
        options.quiet,
        options.statistics,
        options.select,
        options.ignore,
        options.fail_on,
        baseline,
        str(output.write_baseline.parent) if output.write_baseline is not None else None,
        os.getcwd(),
    ]
    return _digest(key.encode(), json.dumps(settings).encode()) + ".chunk.json"


def _cached_piece(
    cache_dir: Path, variant: str, name: str, roots: tuple[Path, ...], setup: _Setup
) -> Piece | None:
    body = lint.cache_read(cache_dir, variant, Path(name), roots)
    if body is None:
        return None
    try:
        head, _, rest = body.partition(b"\n")
        tally, totals, hidden, gone, linted, recorded, lengths = json.loads(head)
        sections = []
        at = 0
        for length in lengths:
            sections.append(rest[at : at + count(length)].decode("utf-8"))
            at += length
        if at != len(rest):
            raise ValueError("the sections do not fill the entry")
        from_baseline: list[Entry] = []
        if gone:
            from_baseline = setup.baseline[text(linted)]
        chunk = Chunk(tuple(sections), tuple(count(n) for n in tally))
        return Piece(
            name,
            chunk,
            Totals.from_json(totals),
            [],
            None,
            count(hidden),
            tuple(from_baseline[count(i)] for i in gone),
            text(linted),
            tuple(_entry(e) for e in recorded),
        )
    except (ValueError, LookupError, TypeError, AttributeError, RecursionError):
        return None


def _entry(raw: Any) -> Entry:
    from checker.rules.baseline import Entry

    statement = raw.get("statement")
    return Entry(
        text(raw["path"]),
        text(raw["id"]),
        None if statement is None else text(statement),
        text(raw["message"]),
        text(raw["fingerprint"]),
    )


def _cache_piece(
    cache_dir: Path, variant: str, piece: Piece, roots: tuple[Path, ...], setup: _Setup
) -> None:
    assert piece.chunk is not None and piece.totals is not None
    gone: list[int] = []
    if piece.gone:
        ids = {id(e): i for i, e in enumerate(setup.baseline[piece.linted])}
        gone = [ids[id(e)] for e in piece.gone]
    # One line of JSON about the chunk, then its sections as they are: the rendered output is
    # most of an entry, and reading it back as a JSON string cost more than all the rest.
    try:
        sections = [section.encode("utf-8") for section in piece.chunk.sections]
    except UnicodeEncodeError:
        return  # a lone surrogate in the output: this chunk is not kept
    head = [
        piece.chunk.tally,
        piece.totals.as_json(statistics=setup.options.statistics),
        piece.hidden,
        gone,
        piece.linted,
        [e.as_json() for e in piece.recorded],
        [len(section) for section in sections],
    ]
    body = json.dumps(head, ensure_ascii=False).encode("utf-8") + b"\n" + b"".join(sections)
    lint.cache_write(cache_dir, variant, body, Path(piece.name), piece.source, roots)


def _rendered(job: lint.Job, setup: _Setup) -> Piece:
    options = setup.options
    name, report, errors, text, sets = lint._evaluate_one(job)
    if report is None:
        return Piece(name, None, None, errors, text)
    report = lint.filter_report(report, options.select, options.ignore)
    piece = Piece(name, None, None, [], None, source=report.source)
    settled: frozenset[str] = frozenset()
    if setup.output.baseline is not None:
        report, piece, settled = _baselined(report, piece, setup)
    if setup.output.write_baseline is not None:
        from checker.rules.baseline import entries, recorded

        findings = [f for f in report.findings() if recorded(f)]
        piece = piece._replace(
            recorded=tuple(entries(findings, setup.output.write_baseline.parent))
        )
    module = _module(setup.output.format)
    if text is None and report.findings() and setup.output.format == "text":
        text = read_for_excerpt(name)
    by_id: dict[str, Requirement] | None = None

    def requirement(id_: str) -> Requirement | None:
        nonlocal by_id
        if by_id is None:
            named = setup.named
            if not named and (options.requirements or options.extra_requirements):
                named = lint._resolve([*options.requirements, *options.extra_requirements])
            chosen = sets if sets is not None else _sets_named(set(report.sets), named)
            by_id = {r.id: r for s in chosen for r in s.requirements}
        return by_id.get(id_)

    context = ChunkContext(options, setup.output.color, requirement)
    chunk = module.chunk(report, text, context, settled)
    totals = Totals.of(report, options.fail_on)
    totals.tally = list(chunk.tally)
    return piece._replace(chunk=chunk, totals=totals)


def _sets_named(names: set[str], named: list[RequirementSet]) -> list[RequirementSet]:
    from checker.rules.requirements import sets_by_name

    return sets_by_name(names, named)


def _baselined(
    report: DocumentReport, piece: Piece, setup: _Setup
) -> tuple[DocumentReport, Piece, frozenset[str]]:
    """The report without the findings the baseline records, and what that did."""
    from checker.rules.baseline import apply_baseline, relative_path

    assert setup.output.baseline is not None
    file = setup.output.baseline[1]
    linted = relative_path(report.path, file.parent)
    options = setup.options
    [kept], applied = apply_baseline(
        [report],
        setup.baseline.get(linted, []),
        file,
        lambda i: selected(i, options.select, options.ignore),
    )
    settled = frozenset(i for p, i in applied.settled if p == report.path)
    return kept, piece._replace(hidden=applied.baselined, gone=applied.gone, linted=linted), settled


def _applied(
    output: OutputOptions, hidden: int, gone: list[Entry], linted: set[str], options: LintOptions
) -> Applied | None:
    if output.baseline is None:
        return None
    from checker.rules.baseline import Applied

    # Entries are listed in the order of the baseline file.
    order = {id(e): i for i, e in enumerate(output.baseline[0])}
    ordered = sorted(gone, key=lambda e: _position(e, order))
    return Applied(str(output.baseline[1]), hidden, tuple(ordered))


def _position(entry: Entry, order: dict[int, int]) -> tuple[int, int]:
    if entry.span is not None:
        return (entry.span.line, entry.span.column)
    return (order.get(id(entry), 0), 0)


def _requirements(
    sets: set[str], named: list[RequirementSet], options: LintOptions
) -> list[Requirement]:
    found = [
        req
        for s in _sets_named(sets, named)
        for req in s.requirements
        if selected(req.id, options.select, options.ignore)
    ]
    return sorted(found, key=lambda r: r.id)


def _write_gone(applied: Applied | None, stderr: TextIO) -> None:
    if applied is None:
        return
    file = applied.file
    for entry in applied.gone:
        where = f"{file}:{entry.span}" if entry.span else str(file)
        statement = f" ({entry.statement})" if entry.statement else ""
        stderr.write(
            f"{where}: no longer occurs: {entry.path} {entry.id}{statement} {entry.message}\n"
        )
    if applied.gone:
        stderr.write(
            "   = help: delete these entries, or record the findings again with "
            f"--write-baseline {file}\n"
        )


def _write_errors(end: RunEnd, stderr: TextIO) -> None:
    for error in end.errors:
        stderr.write(error.render(end.texts.get(error.path) or read_for_excerpt(error.path)) + "\n")
    select = end.options.select
    totals = end.totals
    if (
        select
        and totals.documents
        and not totals.checked
        and not any(e.upper().startswith("WAIVER") for e in select)  # checks, not requirements
    ):
        # Every entry names a requirement of a set that can be in force, but the sets chosen
        # for these documents (by their jurisdictions) hold none of them: say so, not just "0".
        sets = ", ".join(sorted(totals.sets))
        stderr.write(
            f"policycheck: select {', '.join(select)} chose no requirement of "
            f"the sets these documents are checked against ({sets})\n"
        )
    if not totals.documents and not end.errors:
        stderr.write("policycheck: no .policy files to check: every one named is excluded\n")
    stderr.flush()
