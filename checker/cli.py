"""The `policycheck` command line: the only place that reads files and writes output.

    policycheck lint [PATH ...]      check policies against requirement sets
    policycheck report [PATH ...] --output DIR   an HTML evidence report of the same check
    policycheck fmt [--check] [--diff] [PATH ...]
    policycheck coverage [--format json] [--quotes] [PATH ...]
    policycheck explain ID [PATH]    a requirement or error code; why it passed or failed on PATH
    policycheck rules [--format json]
    policycheck diff [BASE [HEAD]] [PATH ...] | OLD.policy NEW.policy [--agreement]
    policycheck init NOTICE.txt [--jurisdictions cn,eu] [-o FILE] [--force]
    policycheck lsp                  a language server over stdio (the `lsp` extra)

Exit codes: 0 clean, 1 findings at or above --fail-on (never with --exit-zero), 2 input or usage
error, or a crash (one line asks to report it; --verbose or POLICYCHECK_DEBUG=1 adds the traceback).
"""

from __future__ import annotations

import argparse
import contextlib
import gc
import os
import signal
import sys
import threading
import traceback
from collections.abc import Callable, Mapping, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, TextIO, cast

from checker import __version__
from checker.commands.lint import CACHE_DIR
from checker.commands.output import GuardedOutput
from checker.config import FAIL_ON, Config, find_config, load_config
from checker.errors import CheckerError, ErrorList, terminal_safe
from checker.exitcodes import EXIT_CLEAN, EXIT_INPUT_ERROR
from checker.files import read_for_excerpt
from checker.reporters.run import LintOptions

if TYPE_CHECKING:
    from checker.rules.baseline import Entry


class _Parser(argparse.ArgumentParser):
    """argparse that reports usage errors as E604 with exit code 2 and no traceback."""

    def error(self, message: str) -> None:  # type: ignore[override]
        self.print_usage(sys.stderr)
        sys.stderr.write(f"policycheck: error[E604] {message}\n")
        raise SystemExit(EXIT_INPUT_ERROR)


def _csv(value: str) -> list[str]:
    return [v.strip() for v in value.split(",") if v.strip()]


def build_parser() -> argparse.ArgumentParser:
    from checker.reporters import FORMATS

    parser = _Parser(
        prog="policycheck",
        description="Check privacy notices encoded as facts "
        "against PIPL and GDPR requirement sets.",
    )
    parser.add_argument("--version", action="version", version=f"policycheck {__version__}")
    parser.add_argument("--verbose", action="store_true", help="show the traceback of a crash")
    commands = parser.add_subparsers(dest="command", required=True, parser_class=_Parser)

    lint = commands.add_parser("lint", help="check policies against requirement sets")
    lint.add_argument(
        "paths",
        nargs="*",
        type=Path,
        help="files or directories (default: config paths, else ./policies)",
    )
    lint.add_argument(
        "--format", choices=sorted(FORMATS), default="text", help="report format (default: text)"
    )
    lint.add_argument("--output", type=Path, help="write the report to FILE instead of stdout")
    _add_check_options(lint)
    lint.add_argument(
        "--fail-on",
        choices=FAIL_ON,
        default=None,
        help="lowest severity that makes the exit code 1 (default: error)",
    )
    lint.add_argument("--show-passed", action="store_true", help="list passing requirements too")
    lint.add_argument(
        "--statistics",
        action="store_true",
        help="text format: count the findings of each requirement before the summary",
    )
    lint.add_argument(
        "--quiet",
        "-q",
        action="store_true",
        help="text format: print only the summary line (input errors are still shown)",
    )
    lint.add_argument(
        "--color",
        choices=("auto", "always", "never"),
        default="auto",
        help="colour the text report; auto: when stdout is a terminal, unless NO_COLOR is set "
        "(FORCE_COLOR colours it anyway)",
    )
    lint.add_argument(
        "--baseline",
        type=Path,
        metavar="FILE",
        help="report only findings not recorded in FILE (default: config `baseline`)",
    )
    lint.add_argument(
        "--write-baseline",
        type=Path,
        metavar="FILE",
        help="record today's findings in FILE and exit 0 (2 on an input error)",
    )
    lint.add_argument(
        "--changed",
        action="store_true",
        help="PATHs are the files a change touched (pre-commit): lint the policies among them "
        "and those citing a notice text among them; skip other files",
    )
    lint.add_argument(
        "--exit-zero",
        action="store_true",
        help="exit 0 even with findings (still 2 on an input error)",
    )

    report = commands.add_parser(
        "report", help="write an HTML evidence report: verdicts beside the notices' words"
    )
    report.add_argument(
        "paths",
        nargs="*",
        type=Path,
        help="files or directories (default: config paths, else ./policies)",
    )
    report.add_argument(
        "--output", type=Path, required=True, metavar="DIR", help="write the report's pages here"
    )
    _add_check_options(report)

    fmt = commands.add_parser("fmt", help="format policies in the canonical layout")
    fmt.add_argument(
        "paths", nargs="*", type=Path, help="files or directories (default: as for lint)"
    )
    fmt.add_argument("--check", action="store_true", help="only report files that would change")
    fmt.add_argument("--diff", action="store_true", help="print the changes instead of writing")

    coverage = commands.add_parser(
        "coverage", help="share of each notice's paragraphs accounted for"
    )
    coverage.add_argument(
        "paths", nargs="*", type=Path, help="files or directories (default: as for lint)"
    )
    coverage.add_argument(
        "--format", choices=("text", "json"), default="text", help="report format (default: text)"
    )
    coverage.add_argument(
        "--quotes",
        action="store_true",
        help="list where every quote landed in the notice (JSON always lists them)",
    )

    explain = commands.add_parser("explain", help="explain a requirement or an error code")
    explain.add_argument(
        "id", help="a requirement id (PIPL-39), WAIVER-* code or error code (E101)"
    )
    explain.add_argument(
        "path", nargs="?", type=Path, help="a .policy file: why the requirement passes or fails"
    )
    explain.add_argument(
        "--requirements", type=_csv, default=None, help="sets by name, file or directory"
    )

    init = commands.add_parser("init", help="write a new .policy for a notice, to encode")
    init.add_argument("notice", type=Path, help="the notice's text")
    init.add_argument(
        "--jurisdictions",
        type=_csv,
        default=None,
        help="where the notice applies, comma-separated (default: cn)",
    )
    init.add_argument(
        "-o",
        "--output",
        type=Path,
        default=None,
        help="the new policy (default: NAME.policy beside the notice, or above its sources/)",
    )
    init.add_argument("--force", action="store_true", help="replace an existing file")

    diff = commands.add_parser(
        "diff",
        help="what a change does to the verdicts; two encodings compared (--agreement)",
        usage="policycheck diff [options] [BASE [HEAD]] [PATH ...]\n"
        "       policycheck diff [options] OLD.policy NEW.policy\n"
        "       policycheck diff [options] A.policy B.policy --agreement",
    )
    diff.add_argument(
        "args",
        nargs="*",
        metavar="REVISION|PATH",
        help="git revisions (default: the merge base with the default branch, and the work "
        "tree) then paths; or two policy files",
    )
    diff.add_argument(
        "--format",
        choices=("text", "json", "markdown", "github"),
        default="text",
        help="report as text, JSON, a Markdown pull-request comment, or GitHub annotations on "
        "the new failures (--agreement: text or json)",
    )
    diff.add_argument(
        "--fail-on-new",
        choices=FAIL_ON,
        default=None,
        help="exit 1 when a verdict at or above this severity newly fails",
    )
    diff.add_argument("--agreement", action="store_true", help="two encoders' readings compared")
    diff.add_argument(
        "--requirements",
        type=_csv,
        default=None,
        help="sets by name, file or directory; files and directories are read from each side",
    )
    diff.add_argument("--select", type=_csv, default=None, help="only these ids or prefixes")
    diff.add_argument("--ignore", type=_csv, default=None, help="skip these ids or prefixes")
    diff.add_argument("--jobs", type=int, default=None, help="parallel processes (default: CPUs)")
    diff.add_argument("--no-cache", action="store_true", help="neither read nor write the cache")

    rules = commands.add_parser("rules", help="list every requirement")
    rules.add_argument(
        "--format", choices=("text", "json"), default="text", help="list format (default: text)"
    )
    rules.add_argument(
        "--requirements",
        type=_csv,
        default=None,
        help="sets by name, file or directory (default: every shipped set)",
    )
    for command in (lint, fmt, coverage, explain, rules):
        # Also after the command's name; SUPPRESS keeps a --verbose given before it.
        command.add_argument(
            "--verbose",
            action="store_true",
            default=argparse.SUPPRESS,
            help="show the traceback of a crash",
        )

    commands.add_parser(
        "lsp", help='a language server for editors, over stdio (pip install "policycheck[lsp]")'
    )
    return parser


def _add_check_options(parser: argparse.ArgumentParser) -> None:
    """The options that choose what is checked and how: the same for `lint` and `report`."""
    parser.add_argument(
        "--select",
        type=_csv,
        default=None,
        help="only these requirement ids or prefixes, comma-separated (case ignored)",
    )
    parser.add_argument(
        "--ignore",
        type=_csv,
        default=None,
        help="skip these requirement ids or prefixes, comma-separated (case ignored)",
    )
    parser.add_argument(
        "--requirements",
        type=_csv,
        default=None,
        help="sets by name, file or directory (default: by jurisdiction)",
    )
    parser.add_argument("--jobs", type=int, default=None, help="parallel processes (default: CPUs)")
    parser.add_argument("--no-cache", action="store_true", help="neither read nor write the cache")


def main(argv: Sequence[str] | None = None) -> int:
    # What start-up made (modules, compiled patterns) lives as long as the process: the collector
    # need never scan it again. run_lint also collects less often while it works.
    gc.freeze()
    args = build_parser().parse_args(argv)
    stdout = sys.stdout
    guarded = GuardedOutput(stdout)
    # Every command writes through it (see checker.commands.output).
    sys.stdout = cast("TextIO", guarded)
    stop = _ending_on_terminate()
    try:
        code = _dispatch(args)
        guarded.flush()
        return code
    except (CheckerError, ErrorList) as exc:
        errors = exc.errors if isinstance(exc, ErrorList) else [exc]
        for error in ErrorList(errors).sorted():
            sys.stderr.write(error.render(read_for_excerpt(error.path)) + "\n")
        return EXIT_INPUT_ERROR
    except KeyboardInterrupt:
        return EXIT_INPUT_ERROR
    except Exception as exc:  # a bug: exit 2, which CI cannot mistake for findings (1)
        _report_crash(exc, bool(getattr(args, "verbose", False)))
        return EXIT_INPUT_ERROR
    finally:
        sys.stdout = stdout
        stop()


def _ending_on_terminate() -> Callable[[], None]:
    """Make SIGTERM end the command as an interrupt does, so that its clean-up runs; returns
    what puts the previous handler back.

    CI cancels a job, and a pre-commit or editor stops a tool, with SIGTERM, whose default action
    ends the process on the spot: `diff` would leave its temporary git worktrees registered in the
    repository, and a report its temporary files. Raising SystemExit(143) (128 + SIGTERM, what a
    shell reports) instead unwinds every `finally` on the way out. Only the main thread of a
    process may set a handler; elsewhere (a test calling `main` from a thread) nothing changes.
    """
    if threading.current_thread() is not threading.main_thread():
        return lambda: None

    def terminated(signum: int, frame: object) -> None:
        raise SystemExit(128 + signum)

    before = signal.signal(signal.SIGTERM, terminated)

    def restore() -> None:
        # None: the handler was not set from Python; the default is what it was then.
        signal.signal(signal.SIGTERM, before if before is not None else signal.SIG_DFL)

    return restore


def _report_crash(exc: Exception, verbose: bool) -> None:
    """One line saying the checker failed and how to report it; the traceback on request."""
    debug = os.environ.get("POLICYCHECK_DEBUG", "") not in ("", "0")
    if verbose or debug:
        traceback.print_exception(exc, file=sys.stderr)
    what = f"{type(exc).__name__}: {exc}" if str(exc) else type(exc).__name__
    what = what if len(what) <= 200 else what[:199] + "…"
    sys.stderr.write(
        terminal_safe(
            f"policycheck {__version__}: internal error ({what}). This is a bug in policycheck, "
            "not a finding: please report it with the command and the input that caused it"
            + (
                ""
                if verbose or debug
                else " (--verbose or POLICYCHECK_DEBUG=1 shows the traceback)"
            )
        )
        + "\n"
    )


def _dispatch(args: argparse.Namespace) -> int:
    if args.command == "lsp":
        from checker.commands.lsp import run_lsp  # pygls is imported by this command only

        return run_lsp()
    paths: list[Path] = list(getattr(args, "paths", None) or [])
    config = _config(paths or ([args.path] if getattr(args, "path", None) else []))
    default_paths = [config.root / p for p in config.paths] or [Path("policies")]
    if args.command == "fmt":
        from checker.commands.fmt import run_fmt  # the formatter is not needed to lint

        return run_fmt(paths or default_paths, args.check, args.diff, sys.stdout, sys.stderr)
    if args.command == "lint":
        return _lint(args, paths or default_paths, config)
    if args.command == "report":
        from checker.commands.report import run_report  # Jinja2 is not needed to lint

        options = _lint_options(args, paths or default_paths, config)
        if options is None:
            return _nothing_to_check()
        return run_report(options, args.output, sys.stderr, _show_error)
    if args.command == "coverage":
        from checker.commands.coverage import run_coverage

        return run_coverage(
            paths or default_paths,
            args.format,
            sys.stdout,
            sys.stderr,
            quotes=args.quotes,
            roots=config.roots,
        )
    if args.command == "diff":
        return _diff(args, config)
    if args.command == "init":
        from checker.commands.init import run_init

        return run_init(
            args.notice, args.jurisdictions, args.output, args.force, sys.stderr, config.roots
        )
    if args.command == "explain":
        from checker.commands.explain import run_explain

        return run_explain(args.id, args.path, args.requirements, sys.stdout, config.roots)
    from checker.commands.explain import run_rules

    return run_rules(args.format, args.requirements, sys.stdout)


def _config(paths: list[Path]) -> Config:
    start = paths[0] if paths else Path.cwd()
    found = find_config(start if start.exists() else Path.cwd())
    if found is None:
        return Config()
    with contextlib.suppress(ValueError):  # shown as the user would write it, when it is below
        found = found.relative_to(Path.cwd())
    return load_config(found)


def _lint_options(
    args: argparse.Namespace, paths: list[Path], config: Config
) -> LintOptions | None:
    """What to check and how, from the command line over the configuration file; None when
    notice texts were given and no policy cites them."""

    jobs = args.jobs if args.jobs is not None else (os.cpu_count() or 1)
    if jobs < 1:
        raise CheckerError("E604", "--jobs must be at least 1")
    if any(p.suffix != ".policy" and not p.is_dir() for p in paths):
        # A notice text stands for the policies citing it: its edit may break their quotes.
        from checker.notice.sources import resolve_notices

        search = [config.root / p for p in config.paths] or [Path("policies")]
        changed = getattr(args, "changed", False)
        paths = resolve_notices(paths, search, config.exclude, skip_unrelated=changed)
        if not paths:
            return None
    options = LintOptions(
        paths=tuple(paths),
        exclude=config.exclude,
        requirements=tuple(args.requirements)
        if args.requirements
        else config.rooted(config.requirements),
        extra_requirements=config.rooted(config.extra_requirements),
        select=tuple(args.select) if args.select is not None else config.select,
        ignore=tuple(args.ignore) if args.ignore is not None else config.ignore,
        fail_on=getattr(args, "fail_on", None) or config.fail_on,
        jobs=jobs,
        cache_dir=None if args.no_cache else config.root / CACHE_DIR,
        show_passed=getattr(args, "show_passed", False),
        roots=config.roots,
        quiet=getattr(args, "quiet", False),
        statistics=getattr(args, "statistics", False),
    )
    _check_selection(args, options, config)
    return options


def _show_error(error: CheckerError) -> str:
    return error.render(read_for_excerpt(error.path))


def _nothing_to_check() -> int:
    sys.stderr.write(
        "policycheck: none of the changed files is a policy or a notice text a policy cites\n"
    )
    return EXIT_CLEAN


def _lint(args: argparse.Namespace, paths: list[Path], config: Config) -> int:
    from checker.commands.lint_output import OutputOptions, run_lint_output

    if (args.quiet or args.statistics) and args.format != "text":
        flag = "--quiet" if args.quiet else "--statistics"
        raise CheckerError(
            "E604", f"{flag} applies to the text format only, not --format {args.format}"
        )
    options = _lint_options(args, paths, config)
    if options is None:
        return _nothing_to_check()
    output = OutputOptions(
        format=args.format,
        color=use_color(args.color, args.output is None and sys.stdout.isatty(), os.environ),
        output=args.output,
        baseline=_read_baseline(args, config),  # before linting: a broken baseline stops the run
        write_baseline=args.write_baseline,
        exit_zero=args.exit_zero,
    )
    return run_lint_output(options, output, sys.stdout, sys.stderr)


def _diff(args: argparse.Namespace, config: Config) -> int:
    from checker.commands.diff import DiffOptions, run_diff

    jobs = args.jobs if args.jobs is not None else (os.cpu_count() or 1)
    if jobs < 1:
        raise CheckerError("E604", "--jobs must be at least 1")

    def rooted(values: tuple[str, ...]) -> tuple[str, ...]:
        return tuple(
            v if "/" not in v and not v.endswith((".yaml", ".yml")) else str(config.root / v)
            for v in values
        )

    options = DiffOptions(
        args=tuple(args.args),
        default_paths=tuple(config.root / p for p in config.paths) or (Path("policies"),),
        exclude=config.exclude,
        requirements=tuple(args.requirements) if args.requirements else rooted(config.requirements),
        extra_requirements=rooted(config.extra_requirements),
        select=tuple(args.select) if args.select is not None else config.select,
        ignore=tuple(args.ignore) if args.ignore is not None else config.ignore,
        jobs=jobs,
        cache_dir=None if args.no_cache else config.root / CACHE_DIR,
    )
    if args.agreement:
        from checker.commands.diff import run_agreement

        return run_agreement(options, args.format, sys.stdout, sys.stderr)
    return run_diff(options, args.format, args.fail_on_new, sys.stdout, sys.stderr)


def use_color(flag: str, terminal: bool, environ: Mapping[str, str]) -> bool:
    """Whether to colour the report: `--color always|never` decides; else a non-empty NO_COLOR
    (no-color.org) turns colour off, then a non-empty FORCE_COLOR (force-color.org) turns it on
    even when the output is not a terminal; else colour when writing to a terminal. NO_COLOR wins
    over FORCE_COLOR: asking for less is the safer reading of a contradiction."""
    if flag != "auto":
        return flag == "always"
    if environ.get("NO_COLOR"):
        return False
    if environ.get("FORCE_COLOR"):
        return True
    return terminal


def _check_selection(args: argparse.Namespace, options: LintOptions, config: Config) -> None:
    """Refuse `--select`/`--ignore` (E604) and configuration `select`/`ignore` (E501) entries
    that choose no requirement of the sets in force: a typo must not pass silently."""
    from checker.config import entry_span
    from checker.rules.selection import ids_in_force, unknown_entries

    given = [("select", args.select or []), ("ignore", args.ignore or [])]
    configured = [("select", config.select), ("ignore", config.ignore)]
    if not any(entries for _, entries in given + configured):
        return
    ids = ids_in_force(options.requirements, options.extra_requirements)
    every = [entry for _, entries in given + configured for entry in entries]
    if ids is not None and unknown_entries(every, ids):
        ids = ids_in_force(options.requirements, options.extra_requirements, exact=True)
    if ids is None:  # a set that cannot be read: the lint reports it
        return
    errors: list[CheckerError] = []
    for key, entries in given:
        for entry, hint in unknown_entries(entries, ids):
            errors.append(
                CheckerError(
                    "E604",
                    f"--{key} '{entry}' names no requirement of the sets in force",
                    expected="a requirement id or prefix, such as PIPL-39 or PIPL "
                    "(`policycheck rules` lists them)",
                    hint=hint,
                )
            )
    for key, entries in configured:
        for entry, hint in unknown_entries(entries, ids):
            assert config.file is not None  # entries come from a file
            errors.append(
                CheckerError(
                    "E501",
                    f"{key} '{entry}' names no requirement of the sets in force",
                    config.file,
                    entry_span(Path(config.file), key, entry),
                    expected="a requirement id or prefix, such as PIPL-39 or PIPL "
                    "(`policycheck rules` lists them)",
                    hint=hint,
                )
            )
    if errors:
        raise ErrorList(errors)


def _read_baseline(args: argparse.Namespace, config: Config) -> tuple[list[Entry], Path] | None:
    """The baseline to apply (--baseline, else the configuration's) and its file, if any."""
    if args.write_baseline is not None:
        return None  # a baseline records every finding, not only the ones the last one lacks
    file = args.baseline or (config.root / config.baseline if config.baseline else None)
    if file is None:
        return None
    from checker.rules.baseline import read_baseline

    return read_baseline(file), file
