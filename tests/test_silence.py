"""A notice that is silent on everything a requirement reads never passes it.

The policy below has a statement of every kind the language knows (one `right`, `officer` and
`representative` per value of the name) with every field that can be `unstated` written so.
Silence may leave a requirement not applicable (a practice the notice does not describe), make
it fail (an item the notice must state) or leave it undecided where the notice leaves open a fact
the requirement hangs on (`is known`: "cannot decide", naming that fact); it must never make it
pass. Checked for the requirements listed, whose readings of silence are written next to them in
the requirement files.
"""

from __future__ import annotations

import pytest

from checker.language.facts import KIND_MODELS, SHAPES, Shape
from checker.resources import shipped_sets
from checker.rules.cases import Case, case_policy
from checker.rules.engine import check
from checker.rules.requirements import Requirement, load_set_file

READ_SILENCE = (
    "PIPL-20",
    "PIPL-24-1-transparency",
    "PIPL-26-sign",
    "PIPL-26-installation",
    "PIPL-26-purpose",
    "PIPL-30-child",
    "PIPL-41",
    "PIPL-50-time",
    "PIPL-57",
    "PIPL-57-authority",
    "NDSR-20",
    "NDSR-23",
    "NDSR-42-switch",
    "NDSR-42-refuse",
    "NDSR-42-tags",
    "GDPR-12-5",
    "GDPR-13-2-f",
    "GDPR-13-3",
    "GDPR-21-4",
    "GDPR-22-2",
    "GDPR-22-2-named",
    "GDPR-22-4",
    "GDPR-26-2",
    "GDPR-34",
    "GDPR-45",
    "GDPR-48",
)
REQUIREMENTS: dict[str, Requirement] = {
    r.id: r for path in shipped_sets().values() for r in load_set_file(path).requirements
}
LEFT_OUT = ("document", "category", "waiver", "irrelevant")


def _value(shape: Shape) -> str:
    """A value for a field that cannot be `unstated` (a required field or a block's name)."""
    if shape.scalar == "enum":
        return shape.choices[0]
    if shape.scalar == "flag":
        return "yes"
    if shape.scalar == "int":
        return "0"
    return '"x"'


def _silent_policy_text() -> str:
    blocks = []
    for kind, model in sorted(KIND_MODELS.items()):
        if kind in LEFT_OUT:
            continue
        fields = SHAPES[kind]
        names = fields[model.NAME_FIELD].choices if model.NAME_FIELD else (f"silent_{kind}",)
        for name in names:
            # A field that cannot be silent and is not required (`one_of`: the names of several
            # entities, never unstated) is left out: a value would be a statement.
            lines = [
                f"  {field} = {'unstated' if shape.unstated_ok else _value(shape)}"
                for field, shape in fields.items()
                if field != model.NAME_FIELD and (shape.unstated_ok or field in model.REQUIRED)
            ]
            header = kind if model.SINGLE else f"{kind} {name}"
            blocks.append(header + " {\n" + "\n".join(lines) + "\n}\n")
    return "".join(blocks)


SILENT = case_policy(
    Case(requirement="-", name="silent", expect="fail", policy=_silent_policy_text())
)


def test_the_silent_policy_has_every_kind_the_rules_read() -> None:
    kinds = {s.KIND for s in SILENT.statements}
    assert kinds == set(KIND_MODELS) - set(LEFT_OUT) | {"document"}
    rights = {s.name for s in SILENT.of_kind("right")}
    assert rights == set(SHAPES["right"]["right"].choices)


@pytest.mark.parametrize("requirement_id", READ_SILENCE)
def test_silence_never_passes(requirement_id: str) -> None:
    outcome = check(SILENT, REQUIREMENTS[requirement_id])
    if outcome.status == "incomplete":  # every field is encoded: only an open trigger is left
        assert all("the notice leaves open" in f.message for f in outcome.findings)
        assert not any("not encoded" in f.message for f in outcome.findings)
        return
    assert outcome.status in ("fail", "not_applicable"), (outcome.status, outcome.findings)
