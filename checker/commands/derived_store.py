"""Derived data kept in the cache directory (`.policycheck_cache/derived/`): compiled requirement
sets and the sensitive-category table (see checker/derived.py).

An entry is found by the digest of what it is, of the text it was worked out from, and of this
build of the checker (`cache_key.build_id`): an edited requirement file, or another version of
policycheck, never reads what was kept for another. Entries are JSON, never anything executable,
since a cache directory may come from anywhere, and begin with one line holding the digest of the
rest, so a truncated or altered entry is a miss.
"""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any

from checker import derived
from checker.commands.cache_key import build_id, digest
from checker.errors import CheckerError
from checker.files import read_bytes

KEEP = 64
"""Entries kept: past this many, the least recently written go (an edited requirement file
leaves its older compilations behind)."""


class DerivedStore:
    """A `derived.Store` in a directory; each entry is read at most once per process."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder
        self._read: dict[tuple[str, str], Any] = {}

    def _entry(self, kind: str, text: str) -> Path:
        key = digest(build_id(), kind.encode(), text.encode("utf-8", "surrogatepass"))
        return self.folder / f"{key}.json"

    def get(self, kind: str, text: str) -> Any | None:
        if (kind, text) in self._read:
            return self._read[kind, text]
        found = None
        try:
            head, _, body = read_bytes(self._entry(kind, text)).partition(b"\n")
            if json.loads(head) == {"body_digest": digest(body)}:
                found = json.loads(body)
        except (CheckerError, OSError, ValueError, RecursionError):
            found = None
        self._read[kind, text] = found
        return found

    def put(self, kind: str, text: str, data: Any) -> None:
        """Keep `data`; a store that cannot be written is only slower."""
        self._read[kind, text] = data
        entry = self._entry(kind, text)
        try:
            body = json.dumps(data, ensure_ascii=False).encode("utf-8")
            self.folder.mkdir(parents=True, exist_ok=True)
            tmp = entry.with_name(f".{entry.name}.{os.getpid()}.tmp")
            tmp.write_bytes(json.dumps({"body_digest": digest(body)}).encode() + b"\n" + body)
            os.replace(tmp, entry)
            self._prune(keep=entry)
            gitignore = self.folder.parent / ".gitignore"
            if not gitignore.exists():
                gitignore.write_text("*\n", encoding="utf-8")
        except (OSError, ValueError, RecursionError):
            pass

    def _prune(self, keep: Path) -> None:
        entries = [e for e in self.folder.glob("*.json") if e != keep]
        if len(entries) < KEEP:
            return
        entries.sort(key=lambda e: e.stat().st_mtime)
        for old in entries[: len(entries) - KEEP + 1]:
            old.unlink(missing_ok=True)


_installed: Path | None = None


def use_cache_dir(cache_dir: Path | None) -> None:
    """Keep derived data under `cache_dir` from now on (None: neither read nor write it)."""
    global _installed
    if cache_dir is not None and cache_dir == _installed:
        return
    _installed = cache_dir
    derived.keep_in(None if cache_dir is None else DerivedStore(cache_dir / "derived"))
