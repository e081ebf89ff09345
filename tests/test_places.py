"""A place is one region or a list of them: how conditions read a list of places.

`location`, `destination` (and a recipient's `location`) take one region or a list ("Singapore
and the United States"). A rule written for one place must read a list right: `== cn` holds when
every place is cn, `!= cn` when some place is not (any place abroad makes it abroad), `in [...]`
when every place is among those listed, `not in [...]` when some place is not, and `includes`
when one of them is the place named.
"""

from __future__ import annotations

import pytest

from checker.language.facts import UNSTATED
from checker.notice.loading import parse_policy
from checker.rules.conditions import Compiler, PathType, Trace

HEADER = 'document { title = "T" source = "n.txt" jurisdictions = [cn] }\n'
STORAGE = PathType("fact", "storage")


def judge(condition: str, location: str) -> bool | None:
    policy = parse_policy(HEADER + f'storage s {{ location = {location} cite "1" "q" }}\n', "t")
    (storage,) = policy.of_kind("storage")
    test = Compiler().compile(condition, STORAGE)
    return test(Trace(policy), storage)


@pytest.mark.parametrize(
    ("condition", "location", "expected"),
    [
        ("location == cn", "cn", True),
        ("location == cn", "[cn]", True),
        ("location == cn", "[cn, sg]", False),
        ("location != cn", "cn", False),
        ("location != cn", "[cn, cn]", False),
        ("location != cn", "[cn, sg]", True),
        ("location != cn", "unstated", True),
        ("location == cn", "unstated", False),
        ("location in [cn, outside_eu]", "[cn, outside_eu]", True),
        ("location in [cn, outside_eu]", "[cn, us]", False),
        ("location not in [cn, outside_eu]", "[cn, us]", True),
        ("location not in [cn, outside_eu]", "outside_eu", False),
        ("location includes sg", "[cn, sg]", True),
        ("location includes sg", "sg", True),
        ("location includes sg", "us", False),
    ],
)
def test_a_condition_reads_one_place_and_a_list_of_places(
    condition: str, location: str, expected: bool
) -> None:
    assert judge(condition, location) is expected


def test_one_place_stays_one_value_and_a_list_a_tuple() -> None:
    policy = parse_policy(
        HEADER
        + 'storage a { location = sg cite "1" "q" }\n'
        + 'storage b { location = [sg, us] cite "1" "q" }\n'
        + 'storage c { location = unstated cite "1" "q" }\n',
        "t",
    )
    a, b, c = policy.of_kind("storage")
    assert (a.location, b.location, c.location) == ("sg", ("sg", "us"), UNSTATED)  # type: ignore[attr-defined]


def test_whether_a_field_is_encoded_is_no_gap_an_undecided_outcome_asks_for() -> None:
    policy = parse_policy(HEADER + 'storage s { data = all cite "1" "q" }\n', "t")
    (storage,) = policy.of_kind("storage")
    trace = Trace(policy)
    test = Compiler().compile("location is encoded or data is unstated", STORAGE)
    assert test(trace, storage) is False
    assert trace.missing == []


def test_a_decided_and_or_or_leaves_no_gap_for_an_undecided_outcome_to_ask_for() -> None:
    policy = parse_policy(HEADER + 'storage s { location = unstated cite "1" "q" }\n', "t")
    (storage,) = policy.of_kind("storage")
    trace = Trace(policy)
    # `data` is not encoded, but `location == cn` is false: the `and` is decided without it.
    test = Compiler().compile("(location == cn and data is stated) or data is unstated", STORAGE)
    assert test(trace, storage) is None
    assert [field for _, field in trace.missing] == ["data"]  # the right side's, once
    trace = Trace(policy)
    assert Compiler().compile("location is known or location != cn", STORAGE)(trace, storage)
    assert trace.left_open == []
