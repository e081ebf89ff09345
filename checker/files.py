"""Reading inputs: policy files, notice texts and requirement files, each read the same way.

Every way a read can fail becomes a `CheckerError` with a position: a missing path, a directory,
a symlink loop, a permission problem, bytes that are not UTF-8 (the error names the byte offset).
"""

from __future__ import annotations

import errno
import os
from pathlib import Path

from checker.errors import CheckerError
from checker.spans import Span, position_at

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


def read_for_excerpt(path: str) -> str | None:
    """The text of a file an error points into, for its caret excerpt; None if not a plain file.

    Only regular files of sane size are read (a named pipe would block), with undecodable bytes
    replaced so that a non-UTF-8 file still gets its excerpt.
    """
    if not path:
        return None
    try:
        file = Path(path)
        if not file.is_file() or file.stat().st_size > MAX_BYTES:
            return None
        # Decoded from bytes: `read_text` would turn a lone carriage return into a line break,
        # and the excerpt would then show another line than the parser counted.
        return file.read_bytes().decode("utf-8", errors="replace")
    except (OSError, ValueError):
        return None
