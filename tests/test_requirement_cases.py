"""Every requirement case reaches its expected verdict; every requirement has both kinds of case."""

from __future__ import annotations

import datetime

import pytest

from checker.resources import shipped_sets
from checker.rules.cases import Case, all_cases, case_policy
from checker.rules.engine import check
from checker.rules.requirements import Requirement, load_set_file

REQUIREMENTS: dict[str, Requirement] = {
    r.id: r for path in shipped_sets().values() for r in load_set_file(path).requirements
}
CASES = all_cases()
TODAY = datetime.date(2026, 11, 22)


@pytest.mark.parametrize("case", CASES, ids=[c.name for c in CASES])
def test_case_reaches_its_verdict(case: Case) -> None:
    requirement = REQUIREMENTS.get(case.requirement)
    assert requirement is not None, f"case names unknown requirement {case.requirement}"
    outcome = check(case_policy(case), requirement)
    assert outcome.status == case.expect, [f.message for f in outcome.findings]


@pytest.mark.parametrize("requirement_id", sorted(REQUIREMENTS))
def test_every_requirement_has_a_passing_and_a_failing_case(requirement_id: str) -> None:
    verdicts = {c.expect for c in CASES if c.requirement == requirement_id}
    assert "pass" in verdicts, f"{requirement_id} has no passing case"
    assert "fail" in verdicts, f"{requirement_id} has no failing case"


@pytest.mark.parametrize(
    ("requirement_id", "policy", "shown"),
    [
        (
            "PIPL-23",
            'recipient pay { one_of = ["A Ltd", "B Ltd"] chosen_by = unstated contact = unstated'
            " role = handler }\n"
            "sharing to_pay { recipient = pay purposes = unstated method = unstated data = all }",
            "recipient: one of A Ltd, B Ltd, chosen by unstated,",
        ),
        (
            "NDSR-21-2-list",
            'recipient partners { described_as = "our partners" legal_name = unstated'
            " role = handler }\n"
            "sharing to_partners { recipient = partners purposes = unstated data = all }",
            'recipient: "our partners";',
        ),
        (
            "PIPL-39",
            'recipient hq { described_as = "overseas affiliates" legal_name = unstated }\n'
            "transfer to_hq { destination = sg recipient = hq purposes = unstated data = all }",
            'recipient: "overseas affiliates",',
        ),
        (
            "PIPL-20",
            'recipient cohost { one_of = ["North Ltd", "South Ltd"] chosen_by = unstated'
            " contact = unstated role = joint_handler }",
            "name: one of North Ltd, South Ltd, chosen by unstated;",
        ),
    ],
)
def test_a_recipient_named_in_words_or_as_one_of_several_shows_in_the_message(
    requirement_id: str, policy: str, shown: str
) -> None:
    case = Case(requirement=requirement_id, name="message", expect="fail", policy=policy)
    outcome = check(case_policy(case), REQUIREMENTS[requirement_id])
    assert outcome.findings, outcome.status
    assert shown in outcome.findings[0].message


def test_a_named_recipient_shows_its_name_alone() -> None:
    policy = (
        'recipient pay { legal_name = "Pay Ltd" contact = unstated role = handler }\n'
        "sharing to_pay { recipient = pay purposes = unstated method = unstated data = all }"
    )
    case = Case(requirement="PIPL-23", name="message", expect="fail", policy=policy)
    outcome = check(case_policy(case), REQUIREMENTS["PIPL-23"])
    message = outcome.findings[0].message
    assert "(recipient: Pay Ltd, contact unstated;" in message
    assert "(not encoded)" not in message and "one of" not in message
