"""Equality that also sees types: named tuples compare equal to any tuple of the same values, so
`==` alone cannot tell a Span from a plain tuple, or a Field from a Comment."""

from __future__ import annotations

import dataclasses
from typing import Any


def typed(value: Any) -> Any:
    """`value` with the type of every part written beside it, for comparing with `==`."""
    if isinstance(value, tuple | list):
        return (type(value).__name__, [typed(v) for v in value])
    if isinstance(value, dict):
        return ("dict", {k: typed(v) for k, v in value.items()})
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        fields = {f.name: typed(getattr(value, f.name)) for f in dataclasses.fields(value)}
        return (type(value).__name__, fields)
    return (type(value).__name__, value)
