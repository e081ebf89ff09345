"""`policycheck fmt`: rewrite policies in the canonical layout, atomically, or check/diff them."""

from __future__ import annotations

import difflib
import os
import tempfile
from pathlib import Path
from typing import TextIO

from checker.errors import CheckerError, ErrorList
from checker.exitcodes import EXIT_CLEAN, EXIT_FINDINGS, EXIT_INPUT_ERROR
from checker.files import list_policy_files, read_text
from checker.formatter import format_text


def write_atomically(path: Path, text: str) -> None:
    """Replace `path` with `text` so that readers see the old file or the new one, never half.

    The new content goes to a temporary file in the same directory (same file system), takes the
    old file's permissions, is flushed to disk, and is renamed over the original.
    """
    mode = path.stat().st_mode & 0o7777
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(fd, "w", encoding="utf-8", newline="") as handle:
            handle.write(text)
            handle.flush()
            os.fsync(handle.fileno())
        os.chmod(tmp, mode)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def run_fmt(paths: list[Path], check: bool, diff: bool, out: TextIO, err: TextIO) -> int:
    files = list_policy_files(paths)
    problems: list[CheckerError] = []
    texts: dict[str, str] = {}
    changed = 0
    for path in files:
        try:
            text = read_text(path)
            texts[str(path)] = text
            formatted = format_text(text)
        except CheckerError as exc:
            problems.append(exc.at(str(path)) if not exc.path else exc)
            continue
        if formatted == text:
            continue
        changed += 1
        if diff:
            out.writelines(
                difflib.unified_diff(
                    text.splitlines(keepends=True),
                    formatted.splitlines(keepends=True),
                    f"{path} (original)",
                    f"{path} (formatted)",
                )
            )
        if check or diff:
            if check:
                err.write(f"would reformat {path}\n")
            continue
        try:
            write_atomically(path, formatted)
        except OSError as exc:
            problems.append(CheckerError("E601", f"cannot write: {exc.strerror}", str(path)))
            continue
        err.write(f"reformatted {path}\n")
    for problem in ErrorList(problems).sorted():
        err.write(problem.render(texts.get(problem.path)) + "\n")
    if problems:
        return EXIT_INPUT_ERROR
    if check and changed:
        err.write(f"{changed} file(s) would be reformatted\n")
        return EXIT_FINDINGS
    if not files:
        err.write("no .policy files found\n")
    return EXIT_CLEAN
