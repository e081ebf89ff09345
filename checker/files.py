"""Reading inputs: the only module that touches the file system for policies and notices.

Every way a read can fail becomes a `CheckerError` with a position: a missing path, a directory,
a symlink loop, a permission problem, bytes that are not UTF-8 (the error names the byte offset).
"""

from __future__ import annotations

import errno
import os
from pathlib import Path
from typing import TYPE_CHECKING

from checker.errors import CheckerError, ErrorList
from checker.spans import Span, position_at

if TYPE_CHECKING:
    from checker.facts import Policy

MAX_BYTES = 32 * 1024 * 1024
"""Files larger than this are refused before reading (a policy is a few kilobytes)."""


def read_bytes(path: Path, shown: str | None = None) -> bytes:
    """The bytes of a regular file within the size limit, or a `CheckerError` saying why not.

    The type and size are checked before the file is opened: a named pipe would block the read,
    and a device (`/dev/zero`) would never end it.
    """
    name = shown or str(path)
    try:
        size = path.stat().st_size
        if not path.is_file():
            raise CheckerError(
                "E603",
                "is a directory, not a file" if path.is_dir() else "is not a regular file",
                name,
            )
        if size > MAX_BYTES:
            raise CheckerError("E109", f"file is {size} bytes; the limit is {MAX_BYTES}", name)
        with path.open("rb") as handle:
            # At most one byte past the limit: a file that grew since `stat` is not read whole.
            data = handle.read(MAX_BYTES + 1)
    except CheckerError:
        raise
    except OSError as exc:
        raise CheckerError("E601", _os_reason(exc), name) from None
    except ValueError:  # a NUL character in the path (a `source = "..."` may hold one)
        raise CheckerError("E601", "the path contains a NUL character", name) from None
    if len(data) > MAX_BYTES:
        raise CheckerError("E109", f"file is over {MAX_BYTES} bytes, the limit", name)
    return data


def read_text(path: Path, shown: str | None = None) -> str:
    """The file's text (UTF-8, a leading BOM dropped), or a `CheckerError` saying why not."""
    name = shown or str(path)
    data = read_bytes(path, name)
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        good = data[: exc.start].decode("utf-8", errors="replace").removeprefix("\ufeff")
        line, column = position_at(good, len(good))
        raise CheckerError(
            "E602",
            f"byte 0x{data[exc.start]:02x} at offset {exc.start} is not valid UTF-8",
            name,
            Span.point(line, column),
            expected="UTF-8 text",
            hint="re-save the file as UTF-8",
        ) from None
    return text[1:] if text.startswith("\ufeff") else text


def _os_reason(exc: OSError) -> str:
    if exc.errno == errno.ELOOP:
        return "symbolic link loop"
    if exc.errno in (errno.ENOENT, errno.ENOTDIR):  # ENOTDIR: a parent is a file
        return "no such file or directory"
    if exc.errno == errno.EACCES:
        return "permission denied"
    if exc.errno == errno.EISDIR:
        return "is a directory, not a file"
    return exc.strerror or str(exc)


def parse_policy(text: str, path: str) -> Policy:
    """Syntax and meaning of one policy text (no file access, no quote anchoring)."""
    # Imported here, not at the top: a lint run served from the cache lists and reads files but
    # never parses one, and the parser and fact model are most of the program's start-up time.
    from checker.build import build_policy
    from checker.syntax import parse_syntax

    # Positions are counted without a byte order mark, however the text was read.
    text = text.removeprefix("\ufeff")
    try:
        tree = parse_syntax(text)
    except CheckerError as exc:
        raise ErrorList([exc.at(path)]) from None
    return build_policy(tree, path)


def source_path(policy_path: Path, policy: Policy) -> Path:
    assert policy.document.source is not None
    return policy_path.parent / policy.document.source


def default_root(policy_path: Path) -> Path:
    """The project root of a policy when no configuration names one: the git work tree holding
    it (a directory with a `.git` directory or, in a linked work tree, a `.git` file), else the
    policy's own directory."""
    directory = Path(os.path.realpath(policy_path)).parent
    for folder in (directory, *directory.parents):
        if (folder / ".git").exists():
            return folder
    return directory


def roots_for(policy_path: Path, roots: tuple[Path, ...] = ()) -> tuple[Path, ...]:
    """The directories a policy's notice may lie in: the configured `roots` (the configuration
    file's directory and its `source-roots`) when the policy is inside one of them, else the
    policy's default root."""
    real = Path(os.path.realpath(policy_path))
    resolved = tuple(Path(os.path.realpath(root)) for root in roots)
    if any(real.is_relative_to(root) for root in resolved):
        return resolved
    return (default_root(policy_path),)


def confined(path: Path, roots: tuple[Path, ...]) -> Path:
    """`path` with every symbolic link resolved, if that lies inside one of `roots`; else a
    `CheckerError` (E301) saying so.

    A policy from an untrusted change names its notice, and the notice's words are quoted back
    in messages (the closest passage to a missing quote): a path out of the project (`../..`,
    an absolute path, `/proc/self/environ`, a symbolic link pointing out) would print any file
    the checker can read. Such a path is refused before anything is read from it.
    """
    real = Path(os.path.realpath(path))
    if not any(real.is_relative_to(root) for root in roots):
        shown = ", ".join(str(root) for root in roots)
        raise CheckerError(
            "E301",
            f"is outside the project root ({shown})",
            str(path),
            hint="keep the notice's text inside the project, or allow its folder with "
            "`source-roots` in the configuration",
        )
    return real


def read_notice(
    policy_path: Path, policy: Policy, roots: tuple[Path, ...] = ()
) -> tuple[Path, str]:
    """The path and text of a policy's notice: inside the project root (see `confined`), a
    regular file, within the size limit. Any other is E301 at the policy's `source` field."""
    notice_path = source_path(policy_path, policy)
    try:
        real = confined(notice_path, roots_for(policy_path, roots))
        return notice_path, read_text(real, str(notice_path))
    except CheckerError as exc:
        raise CheckerError(
            "E301",
            f"source text {policy.document.source}: {exc.message}",
            policy.path,
            policy.document.spans.get("source", policy.document.span),
            expected="the path of the notice's text, relative to this file",
            hint=exc.hint,
        ) from None
    except ValueError:  # a NUL character in the path
        raise CheckerError(
            "E301",
            f"source text {policy.document.source}: the path contains a NUL character",
            policy.path,
            policy.document.spans.get("source", policy.document.span),
        ) from None


def load_policy(
    path: Path, shown: str | None = None, roots: tuple[Path, ...] = ()
) -> tuple[Policy, str]:
    """Read, parse and anchor one policy file; returns the policy and the file's text.

    `roots` are the directories its notice may lie in (see `roots_for`)."""
    from checker.anchoring import anchor

    name = shown or str(path)
    try:
        text = read_text(path, name)
    except CheckerError as exc:
        raise ErrorList([exc]) from None
    policy = parse_policy(text, name)
    try:
        _, notice = read_notice(path, policy, roots)
    except CheckerError as exc:
        raise ErrorList([exc]) from None
    return anchor(policy, notice), text


def list_policy_files(paths: list[Path], exclude: tuple[str, ...] = ()) -> list[Path]:
    """Expand directories to the `.policy` files under them, sorted; files are taken as given."""
    found: list[Path] = []
    for path in paths:
        if path.is_dir():
            for root, dirs, files in os.walk(path):
                dirs.sort()
                for file in sorted(files):
                    if file.endswith(".policy"):
                        found.append(Path(root) / file)
        else:
            found.append(path)
    return [p for p in found if not any(p.match(pattern) for pattern in exclude)]
