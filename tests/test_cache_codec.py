"""The cache's file format gives back exactly the report it was given, and refuses anything else."""

from __future__ import annotations

import datetime
import json
from pathlib import Path

import pytest
from typed_values import typed

from checker.commands.lint_cache import decode, encode
from checker.notice.loading import load_policy
from checker.resources import shipped_sets
from checker.rules.engine import evaluate
from checker.rules.requirements import load_set_file

ROOT = Path(__file__).resolve().parents[1]


@pytest.mark.parametrize("name", ["company_app", "online_service_platform"])
def test_a_report_survives_the_round_trip(name: str) -> None:
    policy, _ = load_policy(ROOT / "policies" / f"{name}.policy")
    sets = [load_set_file(p) for p in shipped_sets().values()]
    report = evaluate(policy, sets, datetime.date(2026, 11, 22))
    text = encode(report)
    assert typed(decode(text)) == typed(report)
    # each distinct evidence is written once, so the entry is far smaller than the naive dump
    assert len(text) < len(json.dumps(_as_dicts(report))) / 2


def test_anything_else_is_refused() -> None:
    with pytest.raises(ValueError):
        decode('{"format": "something else"}')
    with pytest.raises((ValueError, KeyError, TypeError)):
        decode('{"format": "policycheck-cache/2", "evidence": [], "report": {"path": 1}}')


def _as_dicts(value: object) -> object:
    """A report as nested objects, the way a naive serialisation would write it."""
    if hasattr(value, "_asdict"):
        return {k: _as_dicts(v) for k, v in value._asdict().items()}
    if isinstance(value, tuple):
        return [_as_dicts(v) for v in value]
    if hasattr(value, "__dataclass_fields__"):
        return {k: _as_dicts(getattr(value, k)) for k in value.__dataclass_fields__}
    return value
