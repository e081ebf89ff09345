"""Compiled path getters agree with a plain reference reading of the fact model.

The getters are specialised at compile time (by the shape of each field, with steps chained
without intermediate checks) and data categories are classified once per policy. Here every path
the condition language can name, from the document and from an item of each kind, is read on the
five seed notices and the requirement cases, and must give what the straightforward reading below
gives: the same value, and the same facts touched, fields missing and field last read.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

from checker.language.facts import KIND_MODELS, SHAPES, UNSTATED, Policy, Shape
from checker.language.taxonomy import CategoryInfo, classify
from checker.notice.loading import load_policy, parse_policy
from checker.rules.cases import all_cases, case_policy
from checker.rules.conditions import (
    CATEGORY_FIELDS,
    MISSING,
    AllCategories,
    PathType,
    Trace,
    resolve,
)

ROOT = Path(__file__).resolve().parents[1]

# --- The reference: each step of a path read one at a time ---------------------------------

Reader = Callable[[Trace, Any], Any]


def _ref_categories(trace: Trace, keys: Any) -> Any:
    def one(key: str) -> CategoryInfo:
        categories: list[Any] = list(trace.policy.of_kind("category"))
        marks = {c.key: (c.pipl_sensitive, c.gdpr_special) for c in categories}
        return classify(key, marks)

    if keys is MISSING or keys is UNSTATED:
        return keys
    if keys == "all":
        union: dict[str, None] = {}
        for c in trace.policy.of_kind("collection"):
            data = getattr(c, "data", None)
            if isinstance(data, tuple):
                union.update(dict.fromkeys(data))
        return AllCategories(tuple(one(k) for k in union))
    return tuple(one(k) for k in keys)


def _ref_field(name: str, shape: Shape) -> Reader:
    def read(trace: Trace, owner: Any) -> Any:
        if isinstance(owner, CategoryInfo):
            return {
                "key": owner.key,
                "pipl_sensitive": bool(owner.pipl_sensitive),
                "gdpr_special": bool(owner.gdpr_special),
            }[name]
        value = getattr(owner, name)
        trace.last_read = (owner, name)
        if value is None:
            trace.missing.append((owner, name))
            return MISSING
        if value is UNSTATED:
            return UNSTATED
        if shape.scalar == "ref":
            assert shape.ref is not None
            names = value if shape.many else (value,)
            facts = tuple(f for f in (trace.policy.named(shape.ref, n) for n in names) if f)
            for f in facts:
                trace.touch(f)
            return facts if shape.many else (facts[0] if facts else MISSING)
        if shape.scalar == "category":
            return _ref_categories(trace, value)
        return value

    return read


def _ref_start(kind: str) -> Reader:
    def read(trace: Trace, scope: Any) -> Any:
        found = trace.policy.of_kind(kind)
        if KIND_MODELS[kind].SINGLE:
            if not found:
                trace.missing.append((None, kind))
                return MISSING
            trace.touch(found[0])
            return found[0]
        for fact in found:
            trace.touch(fact)
        return found

    return read


def _reference(path: str, scope: PathType | None) -> Reader:
    parts = path.split(".")
    fields = _fields(scope) if scope is not None else {}
    readers: list[Reader] = []
    if parts[0] in fields:
        owner: dict[str, Shape] = fields
    else:
        readers.append(_ref_start(parts[0]))
        owner = SHAPES[parts[0]]
        parts = parts[1:]
    for part in parts:
        shape = owner[part]
        readers.append(_ref_field(part, shape))
        owner = SHAPES[shape.ref] if shape.ref is not None else {}

    def read(trace: Trace, item: Any) -> Any:
        value = item
        for reader in readers:
            if value is MISSING or value is UNSTATED:
                return value
            value = reader(trace, value)
        return value

    return read


def _fields(scope: PathType) -> dict[str, Shape]:
    return CATEGORY_FIELDS if scope.sort == "category" else SHAPES[scope.kind or ""]


# --- Every path, from every scope -----------------------------------------------------------


def _paths_from(fields: dict[str, Shape], prefix: str) -> Iterator[str]:
    for name, shape in fields.items():
        yield prefix + name
        if shape.scalar == "ref" and not shape.many and shape.ref is not None:
            for further in SHAPES[shape.ref]:
                yield f"{prefix}{name}.{further}"


def _all_paths() -> Iterator[tuple[PathType | None, str]]:
    for kind, model in KIND_MODELS.items():
        yield None, kind
        if model.SINGLE:
            for path in _paths_from(SHAPES[kind], kind + "."):
                yield None, path
        for path in _paths_from(SHAPES[kind], ""):
            yield PathType("fact", kind), path
    for name in CATEGORY_FIELDS:
        yield PathType("category"), name


# Declared categories that change the shipped classes, `data = all`, silence and a gap.
CATEGORIES = """\
document { title = "Shop" source = "notice.txt" jurisdictions = [other] }
category user.contact.email.work { description = "work mail" pipl_sensitive = yes gdpr_special = yes }
category user.financial.bank_account.pin { description = "pin" pipl_sensitive = no gdpr_special = yes }
collection a {
  data = [user.contact.email.work, user.contact.email, user.financial.bank_account.pin]
  cite "1" "Shop"
}
collection b { data = all cite "1" "Shop" }
collection c { data = unstated cite "1" "Shop" }
collection d { cite "1" "Shop" }
collection e { data = [user.financial.bank_account.pin, user.contact.email.work] cite "1" "Shop" }
"""


def _policies() -> list[Policy]:
    found = [load_policy(p, p.name)[0] for p in sorted((ROOT / "policies").glob("*.policy"))]
    found.append(parse_policy(CATEGORIES, "categories.policy"))
    found += [case_policy(case) for case in all_cases()]
    return found


def _items(policy: Policy, scope: PathType | None) -> list[Any]:
    if scope is None:
        return [None]
    if scope.sort == "fact":
        return list(policy.of_kind(scope.kind or ""))
    items: list[Any] = []
    for c in policy.of_kind("collection"):
        data = getattr(c, "data", None)
        if isinstance(data, (tuple, str)):
            items.extend(_ref_categories(Trace(policy), data))
    return items


def _state(trace: Trace, value: Any) -> tuple[Any, ...]:
    return (
        type(value),
        value,
        [id(f) for f in trace.touched.values()],
        [(id(owner), name) for owner, name in trace.missing],
        (id(trace.last_read[0]), trace.last_read[1]) if trace.last_read else None,
    )


POLICIES = _policies()
PATHS = list(_all_paths())


@pytest.mark.parametrize(
    ("scope", "path"), PATHS, ids=[f"{s.kind or s.sort if s else 'doc'}:{p}" for s, p in PATHS]
)
def test_every_path_reads_as_the_reference_reads_it(scope: PathType | None, path: str) -> None:
    _, getter = resolve(path, scope, 1)
    reference = _reference(path, scope)
    read = 0
    for policy in POLICIES:
        shared: dict[Any, Any] = {}  # as the engine shares it between the traces of a policy
        for item in _items(policy, scope):
            for _ in range(2):  # the second time, categories come from the shared dict
                trace, expected = Trace(policy, classified=shared), Trace(policy)
                value, wanted = getter(trace, item), reference(expected, item)
                assert _state(trace, value) == _state(expected, wanted)
                read += 1
    assert read or scope is not None
