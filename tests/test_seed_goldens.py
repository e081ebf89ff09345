"""The six bundled notices: their full evaluation is pinned in golden files.

Each golden file lists every requirement of the shipped sets (PIPL, NDSR and GDPR, all three
whatever the notice's jurisdictions, so that a change to any rule shows up) with its verdict, and
each finding with its position and message. A changed verdict must be read against the notice
and the article before the golden file is updated (`UPDATE_GOLDEN=1 pytest tests/test_seed_goldens.py`).
"""

from __future__ import annotations

import datetime
import os
from pathlib import Path

import pytest

from checker.notice.loading import load_policy
from checker.resources import shipped_sets
from checker.rules.engine import evaluate
from checker.rules.requirements import load_set_file
from checker.rules.results import DocumentReport

ROOT = Path(__file__).resolve().parents[1]
POLICIES = sorted((ROOT / "policies").glob("*.policy"))
GOLDEN = Path(__file__).parent / "golden" / "seeds"
TODAY = datetime.date(2026, 11, 22)


def summary(report: DocumentReport) -> str:
    lines = [f"# {report.title} ({Path(report.path).name}); sets: {', '.join(report.sets)}"]
    counts: dict[str, int] = {}
    for outcome in report.outcomes:
        counts[outcome.status] = counts.get(outcome.status, 0) + 1
    lines.append("# " + ", ".join(f"{k} {v}" for k, v in sorted(counts.items())))
    for outcome in report.outcomes:
        lines.append(f"{outcome.id} {outcome.status}")
        for f in outcome.findings:
            lines.append(f"    {f.span.line}:{f.span.column} {f.status} {f.message}")
    for f in report.extra:
        lines.append(f"{f.id} {f.span.line}:{f.span.column} {f.message}")
    return "\n".join(lines) + "\n"


@pytest.mark.parametrize("policy_path", POLICIES, ids=[p.stem for p in POLICIES])
def test_seed_evaluation_matches_its_golden_file(policy_path: Path) -> None:
    policy, _ = load_policy(policy_path, f"policies/{policy_path.name}")
    sets = [load_set_file(p) for p in shipped_sets().values()]
    actual = summary(evaluate(policy, sets, TODAY))
    golden = GOLDEN / f"{policy_path.stem}.txt"
    if os.environ.get("UPDATE_GOLDEN"):
        golden.write_text(actual, encoding="utf-8")
    assert golden.exists(), f"no golden file {golden}; run with UPDATE_GOLDEN=1 after review"
    assert actual == golden.read_text(encoding="utf-8")


def test_there_are_six_seed_notices() -> None:
    assert len(POLICIES) == 6
