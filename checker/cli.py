"""The `policycheck` command line: the only place that reads files and writes output."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence
from pathlib import Path

from checker import __version__
from checker.errors import CheckerError, ErrorList
from checker.exitcodes import EXIT_CLEAN, EXIT_FINDINGS, EXIT_INPUT_ERROR
from checker.files import list_policy_files, load_policy
from checker.fmt_command import run_fmt


class _Parser(argparse.ArgumentParser):
    """argparse that reports usage errors as E604 with exit code 2 and no traceback."""

    def error(self, message: str) -> None:  # type: ignore[override]
        self.print_usage(sys.stderr)
        sys.stderr.write(f"policycheck: error[E604] {message}\n")
        raise SystemExit(EXIT_INPUT_ERROR)


def build_parser() -> argparse.ArgumentParser:
    parser = _Parser(prog="policycheck", description=__doc__)
    parser.add_argument("--version", action="version", version=f"policycheck {__version__}")
    commands = parser.add_subparsers(dest="command", required=True, parser_class=_Parser)

    lint = commands.add_parser("lint", help="check policies against requirement sets")
    lint.add_argument("paths", nargs="*", type=Path)

    fmt = commands.add_parser("fmt", help="format policies in the canonical layout")
    fmt.add_argument("paths", nargs="*", type=Path)
    fmt.add_argument("--check", action="store_true", help="only report files that would change")
    fmt.add_argument("--diff", action="store_true", help="print the changes instead of writing")
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    try:
        if args.command == "fmt":
            return run_fmt(args.paths or [Path("policies")], args.check, args.diff,
                           sys.stdout, sys.stderr)
        return run_lint(args.paths or [Path("policies")])
    except KeyboardInterrupt:
        return EXIT_INPUT_ERROR


def run_lint(paths: list[Path]) -> int:
    files = list_policy_files(paths)
    errors: list[CheckerError] = []
    texts: dict[str, str] = {}
    for path in files:
        try:
            _, text = load_policy(path)
            texts[str(path)] = text
        except ErrorList as exc:
            errors.extend(exc.errors)
    for error in ErrorList(errors).sorted():
        text = texts.get(error.path)
        if text is None and error.span is not None:
            try:
                text = Path(error.path).read_text(encoding="utf-8")
            except (OSError, UnicodeDecodeError):
                text = None
        print(error.render(text), file=sys.stderr)
    return EXIT_INPUT_ERROR if errors else EXIT_CLEAN if files else EXIT_FINDINGS
