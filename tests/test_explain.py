"""`policycheck explain` and `policycheck rules`: every requirement explains itself."""

from __future__ import annotations

import json
import re

import pytest

from checker.cli import main
from checker.resources import shipped_sets
from checker.rules.own_checks import CHECKS
from checker.rules.requirements import load_set_file

IDS = sorted(r.id for p in shipped_sets().values() for r in load_set_file(p).requirements)


def test_rules_json_lists_every_requirement_with_its_citation(
    capsys: pytest.CaptureFixture[str],
) -> None:
    assert main(["rules", "--format", "json"]) == 0
    listed = json.loads(capsys.readouterr().out)
    rules = [r for r in listed if r["law"] != "policycheck"]
    assert sorted(r["id"] for r in rules) == IDS
    # ... and the checks of waivers, which belong to no law
    assert sorted(r["id"] for r in listed if r["law"] == "policycheck") == sorted(CHECKS)
    laws = [r["law"] for r in rules]
    assert laws.count("PIPL") >= 30 and laws.count("GDPR") >= 20
    for rule in rules:
        assert (
            rule["article"] and rule["quote"] and rule["severity"] in ("error", "warning", "info")
        )


@pytest.mark.parametrize("rule_id", IDS)
def test_explain_prints_the_article_remedy_and_both_examples(
    rule_id: str, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["explain", rule_id]) == 0
    out = capsys.readouterr().out
    assert out.startswith(f"{rule_id} — ")
    for heading in ("Article", "Must hold", "Remedy", "Passing example:", "Failing example:"):
        assert heading in out


def test_explain_on_a_document_shows_the_facts_and_quotes(
    capsys: pytest.CaptureFixture[str],
) -> None:
    code = main(["explain", "PIPL-39", "policies/online_service_platform.policy"])
    out = capsys.readouterr().out
    assert code == 1
    assert "policies/online_service_platform.policy: fail" in out
    assert "transfer overseas" in out
    assert "cited IX" in out and "outside of China" in out


def test_explain_an_error_code(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["explain", "E101"]) == 0
    assert "E101" in capsys.readouterr().out


def test_explain_an_unknown_id_suggests_one(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["explain", "PIPL-390"]) == 2
    assert "did you mean" in capsys.readouterr().err


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    capsys.readouterr()
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def test_explain_renders_the_catalogue_as_terminal_text(
    capsys: pytest.CaptureFixture[str],
) -> None:
    code, out, _ = run(capsys, "explain", "E202")
    assert code == 0
    assert out.startswith("E202 unknown field\n")
    assert "**" not in out and "```" not in out and "<!--" not in out and "## " not in out
    assert "\n    shop.policy:2:3: error[E202] unknown field 'legal_nme' in a handler\n" in out


@pytest.mark.parametrize("code", sorted(CHECKS))
def test_waiver_codes_are_listed_and_explained(
    code: str, capsys: pytest.CaptureFixture[str]
) -> None:
    _, listed, _ = run(capsys, "rules")
    assert re.search(rf"^{code} +{CHECKS[code].severity} ", listed, re.M)
    status, out, _ = run(capsys, "explain", code.lower())
    assert status == 0 and out.startswith(f"{code} — {CHECKS[code].title}")
    assert CHECKS[code].fix.split()[0] in out


def test_explain_spells_out_the_predicates_a_rule_names(
    capsys: pytest.CaptureFixture[str],
) -> None:
    """A reader of "Must hold: separate_consent or ..." sees what the words stand for, and what
    the predicates they use stand for in turn."""
    assert main(["explain", "PIPL-23-consent"]) == 0
    out = " ".join(capsys.readouterr().out.split())
    assert "Where provided_to_another_handler: recipient.role not in [" in out
    assert (
        "separate_consent: consent == separate or (consent in [written, unspecified, explicit]"
        " and undecided)"
    ) in out
    assert "lifted_by_another_ground: purposes is stated" in out
    # A predicate the rule does not name is not listed.
    assert "recipient_named:" not in out


def test_a_predicate_used_by_a_predicate_is_listed_once_after_it() -> None:
    from checker.commands.explain import predicates_used

    predicates = {"a": "b or b", "b": "x == 1", "c": "y == 2"}
    assert predicates_used(["a and a", "z is stated"], predicates) == {
        "a": "b or b",
        "b": "x == 1",
    }
