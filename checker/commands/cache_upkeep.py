"""Keeping the cache directory from growing without end.

A report's cache entry is named by everything it depends on, today's date among them (a waiver
expires on a date), so an edited policy, another output format or simply another day writes new
entries and leaves the old ones behind. A cache kept between CI runs, or a pre-commit hook's cache
on a laptop, would otherwise grow for as long as the project lives.

So an entry records when it was last used (its modification time: set when written, renewed on a
hit), and entries not used for `MAX_AGE` are removed, together with the temporary files of writes
that never finished. The sweep reads every entry's metadata, so it runs at most once per
`SWEEP_EVERY`, as the marker file `.swept` records; concurrent runs may both sweep, which only
removes the same files twice. The compiled requirement sets (`derived/`) keep their own, smaller
bound (`derived_store.KEEP`) and are left alone here.
"""

from __future__ import annotations

import contextlib
import os
import re
import time
from pathlib import Path

MAX_AGE = 7 * 24 * 3600
"""Seconds an entry may go unused before a sweep removes it."""
SWEEP_EVERY = 24 * 3600
"""Seconds between two sweeps of one cache directory."""
MARKER = ".swept"

_FOLDER = re.compile(r"[0-9a-f]{2}")
"""Entries live in folders named by the first two hex digits of their name (`lint.cache_write`)."""


def mark_used(entry: Path) -> None:
    """Record that `entry` was just used; a cache that cannot be written is only slower."""
    with contextlib.suppress(OSError):
        os.utime(entry)


def sweep(cache_dir: Path, now: float | None = None) -> int:
    """Remove the entries of `cache_dir` unused for `MAX_AGE`, if no sweep ran in the last
    `SWEEP_EVERY`; the number of files removed."""
    now = time.time() if now is None else now
    marker = cache_dir / MARKER
    try:
        if now - marker.stat().st_mtime < SWEEP_EVERY:
            return 0
    except FileNotFoundError:
        if not cache_dir.is_dir():
            return 0  # no cache yet: nothing to keep small
    except OSError:
        return 0
    removed = 0
    try:
        marker.touch()
        os.utime(marker, (now, now))
        folders = [d for d in cache_dir.iterdir() if _FOLDER.fullmatch(d.name) and d.is_dir()]
    except OSError:
        return 0  # a read-only cache is swept by whoever can write it
    for folder in folders:
        try:
            files = list(os.scandir(folder))
        except OSError:
            continue
        for entry in files:
            try:
                if entry.is_file(follow_symlinks=False) and (
                    now - entry.stat(follow_symlinks=False).st_mtime > MAX_AGE
                ):
                    os.unlink(entry.path)
                    removed += 1
            except OSError:
                continue  # removed meanwhile by another run, or not ours to remove
    return removed
