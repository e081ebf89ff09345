"""Data worked out from a file's text, kept between runs where the command allows it.

Loading a requirement file (YAML read with positions, checked with pydantic, conditions parsed
with Lark) and the sensitive-category table (YAML) was most of the start-up of a one-file lint.
What they yield is plain data, so a command that has a cache directory keeps it there
(`commands/derived_store.py`) and later runs that read the same text take it from there. A stage
asks `stored(kind, text)` and, on a miss, works the data out and hands it to
`keep(kind, text, data)`; it must treat whatever `stored` returns as untrusted input, and a miss
as normal.
"""

from __future__ import annotations

from typing import Any, Protocol


class Store(Protocol):
    """Derived data, found by what it is (`kind`) and the text it was worked out from."""

    def get(self, kind: str, text: str) -> Any | None: ...

    def put(self, kind: str, text: str, data: Any) -> None: ...


_store: Store | None = None


def keep_in(store: Store | None) -> None:
    """Read and write derived data through `store` from now on (None: work it out every time)."""
    global _store
    _store = store


def stored(kind: str, text: str) -> Any | None:
    return _store.get(kind, text) if _store is not None else None


def keep(kind: str, text: str, data: Any) -> None:
    if _store is not None:
        _store.put(kind, text, data)
