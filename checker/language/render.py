"""Facts back to policy text: `render_policy` writes a `Policy` as a `.policy` file.

The output is in the formatter's canonical layout and parses back to the same facts (spans
aside): every statement becomes a block, its name-carrying field (`right access { ... }`) goes
after the keyword, fields follow the fact model's order, `None` (not encoded) is left out,
`UNSTATED` is written `unstated`, and citations come last.

A fact the language cannot spell raises `ValueError` naming the fact and field (a negative number,
a line break inside a string, a name that is not an identifier, or a lone reference named `all` or
`unstated`, which would read as the keyword). Facts the builder would refuse (an unknown category,
a reference to nothing, a missing required field) are written as they are and fail on reading.
"""

from __future__ import annotations

import datetime
import re
from typing import Any

from checker.language.facts import SHAPES, Fact, Policy, Shape, Unstated
from checker.language.formatter import format_text
from checker.language.tree import quote

_NAME = re.compile(r"[A-Za-z_][A-Za-z0-9_]*(\.[A-Za-z_][A-Za-z0-9_]*)*")
_KEYWORDS = frozenset({"unstated", "all"})
"""Names that a single bare value cannot take: they would read as the keyword."""


def render_policy(policy: Policy) -> str:
    """The policy's statements as policy text, one block each, in order."""
    return format_text("\n".join(render_fact(fact) for fact in policy.statements))


def render_fact(fact: Fact) -> str:
    """One statement as a block (not yet in canonical layout)."""
    lines = [_head(fact) + " {"]
    for key, shape in SHAPES[fact.KIND].items():
        if key == fact.NAME_FIELD:
            continue
        value = getattr(fact, key)
        if value is None:
            continue
        lines.append(f"  {key} = {_value(fact, key, shape, value)}")
    for cite in fact.cites:
        lines.append(
            f"  cite {_string(fact, 'cite', cite.label)} {_string(fact, 'cite', cite.quote)}"
        )
    lines.append("}")
    return "\n".join(lines) + "\n"


def field_text(fact: Fact, key: str) -> str | None:
    """Field `key` of `fact` as a policy writes it (`unstated`, `[a, b]`); None if not encoded."""
    value = getattr(fact, key)
    if value is None:
        return None
    return _value(fact, key, SHAPES[fact.KIND][key], value)


def _head(fact: Fact) -> str:
    name = fact.name
    if name is None and fact.NAME_FIELD is not None and getattr(fact, fact.NAME_FIELD) is not None:
        name = str(getattr(fact, fact.NAME_FIELD))
    if name is None:
        return fact.KIND
    return f"{fact.KIND} {_name(fact, 'name', name)}"


def _value(fact: Fact, key: str, shape: Shape, value: Any) -> str:
    if isinstance(value, Unstated):
        return "unstated"
    if value == "all" and shape.all_ok:
        return "all"
    if shape.one_or_many and not isinstance(value, tuple):
        return _scalar(fact, key, shape, value, alone=True)
    if shape.many:
        if not isinstance(value, tuple) or not value:
            raise _unspellable(fact, key, "a list needs at least one value")
        return "[" + ", ".join(_scalar(fact, key, shape, v, alone=False) for v in value) + "]"
    return _scalar(fact, key, shape, value, alone=True)


def _scalar(fact: Fact, key: str, shape: Shape, value: Any, alone: bool) -> str:
    if shape.scalar == "text":
        return _string(fact, key, str(value))
    if shape.scalar == "flag":
        return "yes" if value else "no"
    if shape.scalar == "int":
        if isinstance(value, bool) or not isinstance(value, int) or value < 0:
            raise _unspellable(fact, key, f"{value!r} is not a whole number of 0 or more")
        return str(value)
    if shape.scalar == "date":
        if not isinstance(value, datetime.date):
            raise _unspellable(fact, key, f"{value!r} is not a date")
        return value.isoformat()
    text = _name(fact, key, str(value))
    if alone and text in _KEYWORDS:
        raise _unspellable(fact, key, f"a single value named '{text}' reads as the keyword")
    return text


def _string(fact: Fact, key: str, text: str) -> str:
    if "\n" in text:
        raise _unspellable(fact, key, "strings are one line; this one holds a line break")
    return quote(text)


def _name(fact: Fact, key: str, text: str) -> str:
    if not _NAME.fullmatch(text):
        raise _unspellable(fact, key, f"'{text}' is not a name (letters, digits, _ and dots)")
    return text


def _unspellable(fact: Fact, key: str, why: str) -> ValueError:
    return ValueError(f"cannot write `{key}` of {fact.label}: {why}")
