"""`policycheck fmt`: rewrite policies in the canonical layout, atomically, or check/diff them.

A file is rewritten where it lives: through a symbolic link (the target is formatted, the link
kept), in place when other hard links share it, and with the line endings it had (a CRLF file stays
CRLF). A temporary file left behind by a run that was killed mid-write is removed by the next.
"""

from __future__ import annotations

import contextlib
import difflib
import os
import re
import tempfile
from pathlib import Path
from typing import TextIO

from checker.errors import CheckerError, ErrorList, terminal_safe
from checker.exitcodes import EXIT_CLEAN, EXIT_FINDINGS, EXIT_INPUT_ERROR
from checker.files import list_policy_files, read_text
from checker.language.formatter import format_text


def write_atomically(path: Path, text: str) -> None:
    """Replace the file at `path` with `text` so that readers see the old file or the new one.

    The new content goes to a temporary file in the same directory (same file system), takes the
    old file's permissions, is flushed to disk, and is renamed over the original. A symbolic link
    is followed, so the file it points to is the one replaced and the link stays. A file with
    other hard links is rewritten in place instead: a rename would give this name a new file and
    leave the other names with the old text.
    """
    target = Path(os.path.realpath(path))
    status = target.stat()
    if status.st_nlink > 1:
        with target.open("r+b") as handle:
            handle.write(text.encode("utf-8"))
            handle.truncate()
            handle.flush()
            os.fsync(handle.fileno())
        return
    # The process id in the name tells the next run whether the writer is still alive.
    fd, tmp = tempfile.mkstemp(
        prefix=f".{target.name}.{os.getpid()}.", suffix=".tmp", dir=target.parent
    )
    try:
        with os.fdopen(fd, "w", encoding="utf-8", newline="") as handle:
            handle.write(text)
            handle.flush()
            os.fsync(handle.fileno())
        os.chmod(tmp, status.st_mode & 0o7777)
        os.replace(tmp, target)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


_TEMPORARY = re.compile(r"\.(?P<name>.+)\.(?P<pid>[0-9]+)\.[A-Za-z0-9_]+\.tmp")


def remove_stale_temporaries(path: Path) -> None:
    """Remove the temporary files a killed `fmt` left beside `path`'s target: those named as
    `write_atomically` names them whose process has ended."""
    target = Path(os.path.realpath(path))
    try:
        siblings = list(target.parent.glob(f".{glob_escape(target.name)}.*.tmp"))
    except OSError:
        return
    for sibling in siblings:
        found = _TEMPORARY.fullmatch(sibling.name)
        if found is None or found["name"] != target.name or _alive(int(found["pid"])):
            continue
        # Someone else's file, or already gone: not ours to worry about.
        with contextlib.suppress(OSError):
            sibling.unlink()


def glob_escape(name: str) -> str:
    return re.sub(r"([*?\[])", r"[\1]", name)


def _alive(pid: int) -> bool:
    if pid == os.getpid():
        return True
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except (PermissionError, OverflowError, OSError):
        return True  # a process of another user, or no way to tell: leave its file alone
    return True


def _line_ending(text: str) -> str:
    """The file's line ending, as its first line ends."""
    first = text.find("\n")
    return "\r\n" if first > 0 and text[first - 1] == "\r" else "\n"


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
            if _line_ending(text) == "\r\n":
                formatted = formatted.replace("\n", "\r\n")
            if not (check or diff):
                remove_stale_temporaries(path)
        except CheckerError as exc:
            problems.append(exc.at(str(path)) if not exc.path else exc)
            continue
        if formatted == text:
            continue
        changed += 1
        if diff:
            lines = difflib.unified_diff(
                text.splitlines(keepends=True),
                formatted.splitlines(keepends=True),
                f"{path} (original)",
                f"{path} (formatted)",
            )
            out.writelines(terminal_safe(line) for line in lines)
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
