"""What cache entries are keyed by: a digest of byte strings, and the identity of this build.

Every entry under `.policycheck_cache/` (reports, rendered output, compiled requirement sets) is
named by a digest that includes `build_id()`, so a changed checker never reads what an older one
wrote.
"""

from __future__ import annotations

import hashlib
from functools import cache
from pathlib import Path

from checker import __version__
from checker.resources import shipped_dir


def digest(*parts: bytes) -> str:
    """SHA-256 of the parts, each preceded by its length (so no two lists of parts collide)."""
    h = hashlib.sha256()
    for part in parts:
        h.update(len(part).to_bytes(8, "big"))
        h.update(part)
    return h.hexdigest()


@cache
def build_id() -> bytes:
    """The tool version plus a digest of its code and grammars: a changed checker misses."""
    here = Path(__file__).resolve().parent.parent  # the whole checker package
    files = sorted(here.rglob("*.py")) + sorted(shipped_dir("grammar").glob("*.lark"))
    return (__version__ + digest(*(f.read_bytes() for f in files))).encode()
