"""Comparing facts: how two encodings of a notice differ, statement by statement, field by field.

A statement is identified by its kind and name (`transfer overseas`, `right access`); unnamed
statements of one kind (`handler`, a second unnamed `collection`) by their order among the
unnamed ones of that kind. Fields are compared as a policy writes them (`unstated`, `[a, b]`,
`"text"`), so `None` — not encoded — stays distinct from `unstated`. Citations are compared by
clause label, quote and the notice line a citation names (`line N`), never by the line of the
policy they are written on: moving a statement is not a change.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

from checker.language.citations import Citation
from checker.language.facts import SHAPES, Fact, Policy
from checker.language.render import field_text

CITE_FIELD = "cite"
"""The pseudo-field under which added and removed citations are reported."""


@dataclass(frozen=True)
class FieldChange:
    """One field read differently: its text before and after (None: not encoded)."""

    field: str
    before: str | None
    after: str | None


@dataclass(frozen=True)
class StatementChange:
    """A statement added, removed, or changed in some fields."""

    label: str
    kind: str
    change: Literal["added", "removed", "changed"]
    fields: tuple[FieldChange, ...] = ()


def statement_keys(policy: Policy) -> dict[tuple[str, str], Fact]:
    """Each statement by (kind, name); the n-th unnamed statement of a kind is named `#n`."""
    keyed: dict[tuple[str, str], Fact] = {}
    unnamed: dict[str, int] = {}
    for fact in policy.statements:
        if fact.name is not None:
            keyed[(fact.KIND, fact.name)] = fact
        else:
            unnamed[fact.KIND] = unnamed.get(fact.KIND, 0) + 1
            keyed[(fact.KIND, f"#{unnamed[fact.KIND]}")] = fact
    return keyed


def key_label(key: tuple[str, str]) -> str:
    """`transfer overseas`, `handler`, `collection #2` (the second unnamed collection)."""
    kind, name = key
    if name == "#1":
        return kind
    return f"{kind} {name}"


def _cite_text(cite: Citation) -> str:
    """`label: "quote"`, and the notice line the citation names, if it names one."""
    hint = f" line {cite.line_hint}" if cite.line_hint is not None else ""
    return f'{cite.label}: "{cite.quote}"{hint}'


def field_changes(before: Fact, after: Fact) -> tuple[FieldChange, ...]:
    """The fields of two statements of one kind that are written differently, in model order."""
    changes = []
    for key in SHAPES[before.KIND]:
        if key == before.NAME_FIELD:
            continue
        old, new = field_text(before, key), field_text(after, key)
        if old != new:
            changes.append(FieldChange(key, old, new))
    old_cites = [_cite_text(c) for c in before.cites]
    new_cites = [_cite_text(c) for c in after.cites]
    changes += [FieldChange(CITE_FIELD, c, None) for c in old_cites if c not in new_cites]
    changes += [FieldChange(CITE_FIELD, None, c) for c in new_cites if c not in old_cites]
    return tuple(changes)


def diff_facts(before: Policy | None, after: Policy | None) -> tuple[StatementChange, ...]:
    """What changed between two versions of one policy, in the order of the newer one."""
    old = statement_keys(before) if before is not None else {}
    new = statement_keys(after) if after is not None else {}
    changes: list[StatementChange] = []
    for key, fact in new.items():
        if key not in old:
            changes.append(StatementChange(key_label(key), fact.KIND, "added"))
            continue
        fields = field_changes(old[key], fact)
        if fields:
            changes.append(StatementChange(key_label(key), fact.KIND, "changed", fields))
    for key, fact in old.items():
        if key not in new:
            changes.append(StatementChange(key_label(key), fact.KIND, "removed"))
    return tuple(changes)
