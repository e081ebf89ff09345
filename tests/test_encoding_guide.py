"""Every example of docs/encoding-guide.md is real: it parses, builds and is laid out as `fmt` lays
it out; an example that follows a notice excerpt is linted against it, and gives the verdicts the
guide writes above it (`<!-- verdicts: GDPR-7-2 fail, ... -->`)."""

from __future__ import annotations

import datetime
import re
from pathlib import Path

import pytest

from checker.language.formatter import format_text
from checker.language.taxonomy import taxonomy_keys
from checker.notice.loading import load_policy, parse_policy
from checker.resources import shipped_sets
from checker.rules.engine import evaluate
from checker.rules.requirements import load_set_file

ROOT = Path(__file__).resolve().parents[1]
GUIDE = (ROOT / "docs" / "encoding-guide.md").read_text(encoding="utf-8")
HEADER = (
    "document {\n"
    '  title         = "Example"\n'
    '  source        = "notice.txt"\n'
    "  jurisdictions = [cn, eu]\n"
    "}\n\n"
)
FENCE = re.compile(r"^```(\w*)\n(.*?)^```\n", re.M | re.S)
VERDICTS = re.compile(r"<!-- verdicts: (.*?) -->\s*$")


def examples() -> list[tuple[int, str, str | None, dict[str, str]]]:
    """(line, policy text, notice excerpt or None, expected verdicts) for each `policy` block."""
    found = []
    notice: str | None = None
    previous_end = 0
    for m in FENCE.finditer(GUIDE):
        lang, body = m.group(1), m.group(2)
        between = GUIDE[previous_end : m.start()]
        previous_end = m.end()
        if lang == "notice":
            notice = body
            continue
        if lang == "policy":
            verdicts: dict[str, str] = {}
            claimed = VERDICTS.search(between)
            if claimed:
                for item in claimed.group(1).split(","):
                    rule, status = item.split()
                    verdicts[rule] = status
            line = GUIDE.count("\n", 0, m.start()) + 1
            found.append((line, body, notice, verdicts))
        notice = None  # an excerpt belongs to the block right after it
    return found


EXAMPLES = examples()


def test_the_guide_has_examples_and_most_are_checked_against_a_real_notice() -> None:
    assert len(EXAMPLES) >= 10
    assert sum(1 for _, _, notice, _ in EXAMPLES if notice is not None) >= 8


@pytest.mark.parametrize(
    ("text", "notice", "verdicts"),
    [(text, notice, verdicts) for _, text, notice, verdicts in EXAMPLES],
    ids=[f"line{line}" for line, *_ in EXAMPLES],
)
def test_each_example_is_valid_formatted_and_gives_the_verdicts_the_guide_claims(
    text: str, notice: str | None, verdicts: dict[str, str], tmp_path: Path
) -> None:
    assert format_text(text) == text, "lay the example out as `policycheck fmt` does"
    policy_text = text if text.lstrip().startswith("document") else HEADER + text
    if notice is None:
        assert not verdicts, "verdicts are claimed only for examples with a notice excerpt"
        parse_policy(policy_text, "example.policy")  # raises on any error
        return
    (tmp_path / "notice.txt").write_text(notice, encoding="utf-8")
    path = tmp_path / "example.policy"
    path.write_text(policy_text, encoding="utf-8")
    policy, _ = load_policy(path)  # parses, builds and finds every quote in the excerpt
    sets = [load_set_file(p) for p in shipped_sets().values()]
    report = evaluate(policy, sets, datetime.date(2026, 12, 1))
    # no ambiguous quote; an adjusted sensitivity is reported, as the guide says
    notes = [f.message for f in report.extra if f.id != "SENSITIVITY-ADJUSTED"]
    assert not notes, notes
    adjusted = [c for c in policy.of_kind("category") if c.name in taxonomy_keys()]
    assert len(adjusted) == sum(f.id == "SENSITIVITY-ADJUSTED" for f in report.extra)
    outcomes = {o.id: o.status for o in report.outcomes}
    assert {rule: outcomes.get(rule) for rule in verdicts} == verdicts
