"""Choosing requirements by id or prefix: `--select`, `--ignore` and their configuration keys.

An entry is a requirement id (`PIPL-39`, `GDPR-13-1-f`), a `WAIVER-*` code, or a prefix of whole
id segments: `PIPL` chooses `PIPL-39` and `PIPL-17-1-1`, `PIPL-17` chooses `PIPL-17-1-1` but
not `PIPL-170`, and `PIPL-3` chooses nothing of `PIPL-39`. Case is ignored (`pipl-39` is
`PIPL-39`). An entry that chooses no requirement of the sets that can be in force is refused,
with a did-you-mean: a misspelt `--ignore` must not pass silently, and a misspelt `--select`
must not turn a run green by checking nothing.

Which sets can be in force: those named by `--requirements` or the configuration's
`requirements` (with `extra-requirements`); without them sets are chosen per document by its
jurisdictions, and then every shipped set can be (plus `extra-requirements`) — the same entry
must hold whether a run lints the whole corpus or, as a pre-commit hook does, only some files.

Ids are read from the set files without compiling them (cheap enough for a run served from the
cache); a file that cannot be read is the lint's to report, and then nothing is refused here.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from functools import cache
from pathlib import Path

from checker.errors import did_you_mean
from checker.resources import set_files, shipped_sets
from checker.rules.own_checks import CHECKS


def _segments(entry: str) -> str:
    return entry.rstrip("-").casefold()


def matches(rule_id: str, entry: str) -> bool:
    """Whether `entry` (an id or a prefix of whole segments) chooses `rule_id`, ignoring case."""
    rule, prefix = rule_id.casefold(), _segments(entry)
    return rule == prefix or rule.startswith(prefix + "-")


def selected(rule_id: str, select: Iterable[str], ignore: Iterable[str]) -> bool:
    """Whether a finding of `rule_id` is reported under `select` and `ignore`."""
    select = list(select)
    if select and not any(matches(rule_id, e) for e in select):
        return False
    return not any(matches(rule_id, e) for e in ignore)


def unknown_entries(entries: Iterable[str], ids: Iterable[str]) -> list[tuple[str, str | None]]:
    """The entries that choose none of `ids`, each with a did-you-mean (or None)."""
    ids = sorted(set(ids))
    unknown: list[tuple[str, str | None]] = []
    for entry in entries:
        if any(matches(i, entry) for i in ids):
            continue
        unknown.append((entry, did_you_mean(entry, _choices(ids, entry))))
    return unknown


def _choices(ids: list[str], entry: str) -> set[str]:
    """What an entry could have meant: ids, and prefixes of as many segments as it has."""
    depth = entry.strip("-").count("-") + 1
    prefixes = {"-".join(i.split("-")[:depth]) for i in ids}
    # Compared as typed: `did_you_mean` falls back to a match ignoring case.
    return set(ids) | prefixes


def ids_in_force(
    requirements: Iterable[str], extra: Iterable[str], exact: bool = False
) -> frozenset[str] | None:
    """Every id a run with these sets can report (see the module docstring), or None if a set
    cannot be read (the lint then reports why, and no entry is refused on its account).

    By default ids are scanned from the files' lines (`- id: PIPL-39`), which is quick and finds
    every id written the usual way; `exact=True` reads the files as YAML, for the rare file
    written otherwise. Refuse an entry only when the exact ids do not know it either.
    """
    names = list(requirements) or list(shipped_sets())
    ids: set[str] = set(CHECKS)
    for name in [*names, *extra]:
        files = set_files(name)
        if files is None:
            return None
        for path in files:
            found = _ids_of(path, exact)
            if found is None:
                return None
            ids.update(found)
    return frozenset(ids)


def _ids_of(path: Path, exact: bool) -> frozenset[str] | None:
    try:
        stat = path.stat()
    except (OSError, ValueError):
        return None
    return _ids_read(path, stat.st_mtime_ns, stat.st_size, exact)


_ID_LINE = re.compile(r"""^[ \t]*-[ \t]+id:[ \t]*["']?([^"'\s#]+)["']?[ \t]*(?:#.*)?$""", re.M)


@cache
def _ids_read(path: Path, mtime: int, size: int, exact: bool) -> frozenset[str] | None:
    """Keyed by the file's modification time and size too, so an edited file is read again."""
    try:
        if not exact:
            return frozenset(_ID_LINE.findall(path.read_text(encoding="utf-8")))
        import yaml  # only a run that must be sure of an unknown entry needs it

        data = yaml.load(path.read_bytes(), Loader=getattr(yaml, "CSafeLoader", yaml.SafeLoader))
        return frozenset(str(r["id"]) for r in data["requirements"])
    except Exception:  # any file that cannot be read is the lint's to report, with a position
        return None
