"""The findings baseline: record today's findings, then report only the ones that are new.

A policy is encoded over days; `policycheck lint --write-baseline FILE` records what it finds
today, and `policycheck lint --baseline FILE` reports only findings not recorded there, so the
work can be committed while the hook and CI still catch every new finding. A finding is recorded
by its file, requirement id, statement and message (which names the facts and their values),
hashed into the same fingerprint as SARIF's: never by line or column, so edits that move lines
keep it matched, while a changed fact is a new finding. The format is in docs/baseline.md.

Paths in the file are relative to the file's own directory, with forward slashes, so a baseline
committed at the root of a repository matches wherever the command runs from.
"""

from __future__ import annotations

import contextlib
import json
import os
import re
from collections import Counter
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from checker.errors import CheckerError, did_you_mean, one_of
from checker.files import read_text
from checker.rules.fingerprint import fingerprint
from checker.rules.results import DocumentReport, Finding
from checker.spans import Span, position_at

SCHEMA = "policycheck-baseline/1"
FIELDS = ("path", "id", "statement", "message", "fingerprint")
REQUIRED = ("path", "id", "message", "fingerprint")
REWRITE = "a baseline is written by `policycheck lint --write-baseline FILE`: write it again"
_HEX = re.compile(r"[0-9a-f]{64}")


@dataclass(frozen=True)
class Entry:
    """One recorded finding. Only `path` and `fingerprint` match; the rest is for the reader."""

    path: str
    id: str
    statement: str | None
    message: str
    fingerprint: str
    span: Span | None = None
    """Where the entry is written in the baseline file (when read from one)."""

    def as_json(self) -> dict[str, str]:
        entry = {"path": self.path, "id": self.id}
        if self.statement:
            entry["statement"] = self.statement
        entry.update(message=self.message, fingerprint=self.fingerprint)
        return entry

    def sort_key(self) -> tuple[str, str, str, str, str]:
        return (self.path, self.id, self.statement or "", self.message, self.fingerprint)


@dataclass(frozen=True)
class Applied:
    """What a baseline did to a run: how many findings it hid, and which entries matched nothing."""

    file: str
    baselined: int
    gone: tuple[Entry, ...]
    settled: frozenset[tuple[str, str]] = frozenset()
    """(document path, requirement id) of failing outcomes whose every finding it records."""


def recorded(finding: Finding) -> bool:
    """Waived findings are excused in the policy itself; every other finding is recorded."""
    return finding.status != "waived"


def entries(findings: Iterable[Finding], folder: Path) -> list[Entry]:
    """The entries of `findings` (in file order), their paths relative to `folder`."""
    seen: Counter[tuple[str, str]] = Counter()
    made = []
    for finding in sorted(findings, key=Finding.sort_key):
        path = relative_path(finding.path, folder)
        base = fingerprint(finding, path)
        seen[(path, base)] += 1
        made.append(
            Entry(
                path,
                finding.id,
                finding.subject,
                finding.message,
                fingerprint(finding, path, seen[(path, base)]),
            )
        )
    return made


def relative_path(path: str, folder: Path) -> str:
    """`path` relative to `folder`, with forward slashes (absolute if on another drive)."""
    try:
        relative = os.path.relpath(os.path.abspath(path), os.path.abspath(folder))
    except ValueError:  # another drive on Windows
        relative = os.path.abspath(path)
    return relative.replace(os.sep, "/")


def render(found: Iterable[Entry]) -> str:
    """The baseline file's text: sorted, one key per line, so a review diff shows each change."""
    data = {"schema": SCHEMA, "findings": [e.as_json() for e in sorted(found, key=Entry.sort_key)]}
    return json.dumps(data, ensure_ascii=False, indent=2) + "\n"


def write_baseline(path: Path, findings: Iterable[Finding]) -> int:
    """Record `findings` in the baseline file `path`; the number of entries written."""
    return write_entries(path, entries((f for f in findings if recorded(f)), path.parent))


def write_entries(path: Path, found: list[Entry]) -> int:
    """Write the baseline file `path` holding `found`; the number of entries written."""
    # Written beside and renamed over it, so that an interrupted run leaves the old file whole.
    temporary = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    try:
        temporary.write_text(render(found), encoding="utf-8")
        os.replace(temporary, path)
    except OSError as exc:
        with contextlib.suppress(OSError):
            temporary.unlink()
        raise CheckerError(
            "E601", f"cannot write the baseline: {exc.strerror}", str(path)
        ) from None
    return len(found)


def read_baseline(path: Path) -> list[Entry]:
    """The entries of the baseline file `path`; a located E601/E602/E502 error if it is unusable."""
    name = str(path)
    text = read_text(path, name)

    def error(message: str, offset: int, **advice: str | None) -> CheckerError:
        return CheckerError("E502", message, name, _point(text, offset), **advice)

    try:
        data = json.loads(text)
    except json.JSONDecodeError as exc:
        raise error(f"not valid JSON: {exc.msg}", exc.pos, hint=REWRITE) from None
    except RecursionError:
        raise error("nested too deeply", 0, hint=REWRITE) from None
    if not isinstance(data, dict):
        raise error("a baseline is a JSON object", 0, expected=f'{{"schema": "{SCHEMA}", ...}}')
    keys, items = _layout(text)
    for key in data:
        if key not in ("schema", "findings"):
            raise error(
                f"unknown key '{key}'",
                keys.get(key, 0),
                expected="one of findings, schema",
                hint=did_you_mean(key, ("schema", "findings")),
            )
    if data.get("schema") != SCHEMA:
        raise error(
            f"not a policycheck baseline of this version: schema is {_shown(data.get('schema'))}",
            keys.get("schema", 0),
            expected=f'"schema": "{SCHEMA}"',
            hint=REWRITE,
        )
    findings = data.get("findings")
    if not isinstance(findings, list):
        raise error(
            f"'findings' must be a list, not {_shown(findings)}",
            keys.get("findings", 0),
            expected="a list of recorded findings",
        )
    found = []
    for number, (item, offset) in enumerate(zip(findings, items, strict=True), start=1):
        problem = _problem(item, number)
        if problem is not None:
            message, advice = problem
            raise error(message, offset, **advice)
        found.append(
            Entry(
                item["path"],
                item["id"],
                item.get("statement"),
                item["message"],
                item["fingerprint"],
                _point(text, offset),
            )
        )
    return found


def _point(text: str, offset: int) -> Span:
    line, column = position_at(text, offset)
    return Span.point(line, column)


def _problem(item: Any, number: int) -> tuple[str, dict[str, str | None]] | None:
    """What is wrong with the `number`th recorded finding, with advice; None if nothing."""
    if not isinstance(item, dict):
        return f"finding {number} must be an object, not {_shown(item)}", {}
    for key, value in item.items():
        if key not in FIELDS:
            return f"finding {number} has an unknown key '{key}'", {
                "expected": one_of(FIELDS),
                "hint": did_you_mean(key, FIELDS),
            }
        if not isinstance(value, str):
            return f"finding {number}: '{key}' must be a string, not {_shown(value)}", {}
    missing = [key for key in REQUIRED if key not in item]
    if missing:
        return f"finding {number} has no {', '.join(missing)}", {
            "expected": "path, id, message and fingerprint (and statement if there is one)"
        }
    if not _HEX.fullmatch(item["fingerprint"]):
        return f"finding {number}: the fingerprint is not 64 lower-case hex digits", {
            "hint": REWRITE
        }
    return None


def _shown(value: Any) -> str:
    if value is None:
        return "missing"
    if isinstance(value, str):
        return json.dumps(value, ensure_ascii=False)
    if isinstance(value, bool):
        return "true or false"
    if isinstance(value, int | float):
        return "a number"
    return "an object" if isinstance(value, dict) else "a list"


_SPACE = " \t\n\r"


def _skip(text: str, at: int) -> int:
    while at < len(text) and text[at] in _SPACE:
        at += 1
    return at


def _layout(text: str) -> tuple[dict[str, int], list[int]]:
    """Offsets of the top-level keys and of each item of `findings`, for located errors.

    `text` is known to be a JSON object: the walk decodes each key and value in turn.
    """
    decoder = json.JSONDecoder()
    keys: dict[str, int] = {}
    items: list[int] = []
    at = _skip(text, 0) + 1  # past "{"
    while (at := _skip(text, at)) < len(text) and text[at] != "}":
        start = at
        key, at = decoder.raw_decode(text, at)
        keys[key] = start
        at = _skip(text, _skip(text, at) + 1)  # past ":"
        if key == "findings" and text[at] == "[":
            items = []
            inner = at + 1
            while (inner := _skip(text, inner)) < len(text) and text[inner] != "]":
                items.append(inner)
                _, inner = decoder.raw_decode(text, inner)
                inner = _skip(text, inner)
                inner += text[inner] == ","
        _, at = decoder.raw_decode(text, at)
        at = _skip(text, at)
        at += text[at] == ","
    return keys, items


def apply_baseline(
    reports: list[DocumentReport],
    baseline: list[Entry],
    file: Path,
    selected: Callable[[str], bool],
) -> tuple[list[DocumentReport], Applied]:
    """The reports without the findings recorded in `baseline`, and what it did.

    An entry that matched nothing is listed as gone only for documents linted in this run and for
    requirements selected in it: a hook linting one file says nothing of the others.
    """
    remaining = Counter((e.path, e.fingerprint) for e in baseline)
    kept: list[DocumentReport] = []
    settled: set[tuple[str, str]] = set()
    hidden = 0
    linted = set()
    for report in reports:
        linted.add(relative_path(report.path, file.parent))
        findings = [f for f in report.findings() if recorded(f)]
        drop: Counter[Finding] = Counter()
        for finding, entry in zip(findings, entries(findings, file.parent), strict=True):
            key = (entry.path, entry.fingerprint)
            if remaining[key] > 0:
                remaining[key] -= 1
                drop[finding] += 1
        hidden += drop.total()
        if drop:
            report, known = _without(report, drop)
            settled.update((report.path, i) for i in known)
        kept.append(report)
    gone = []
    for e in baseline:
        key = (e.path, e.fingerprint)
        if e.path in linted and selected(e.id) and remaining[key] > 0:
            remaining[key] -= 1
            gone.append(e)
    return kept, Applied(str(file), hidden, tuple(gone), frozenset(settled))


def _without(report: DocumentReport, drop: Counter[Finding]) -> tuple[DocumentReport, list[str]]:
    """The report without the findings in `drop`; and the outcomes that had only those."""

    def keep(finding: Finding) -> bool:
        if drop[finding] > 0:
            drop[finding] -= 1
            return False
        return True

    outcomes = []
    settled = []
    for outcome in report.outcomes:
        left = tuple(filter(keep, outcome.findings))
        if outcome.findings and not left:
            settled.append(outcome.id)
        outcomes.append(outcome._replace(findings=left))
    extra = tuple(filter(keep, report.extra))
    return report._replace(outcomes=tuple(outcomes), extra=extra), settled
