"""Requirement files are data: schema and condition mistakes are refused with file:line:col."""

from __future__ import annotations

from pathlib import Path

import pytest

from checker.cli import main
from checker.errors import ErrorList
from checker.rules.requirements import load_requirement_file

GOOD = (Path(__file__).parent / "data" / "house_rules.yaml").read_text(encoding="utf-8")


def load_errors(text: str) -> list[str]:
    with pytest.raises(ErrorList) as caught:
        load_requirement_file(text, "rules.yaml")
    return [e.render(text) for e in caught.value.sorted()]


def test_the_test_rules_load() -> None:
    assert [r.id for r in load_requirement_file(GOOD, "rules.yaml").requirements] == [
        "HOUSE-1",
        "HOUSE-2",
        "HOUSE-3",
        "HOUSE-4",
    ]


def test_a_misspelt_field_in_a_condition_is_refused_with_its_column() -> None:
    (error,) = load_errors(GOOD.replace("applies: destination != cn", "applies: destinaton != cn"))
    assert error == (
        "rules.yaml:15:14: error[E404] 'destinaton' is neither a statement kind nor a field here\n"
        "    |\n"
        " 15 |     applies: destinaton != cn\n"
        "    |              ^\n"
        "   = expected: one of automated, breach, category, changes, collection, consent, "
        "cookies, data, destination, disclaimer, disclosure, document, exception, handler, "
        "irrelevant, mechanism_gdpr, mechanism_pipl, merger, method, minors, never, officer, "
        "public_camera, purpose, purposes, recipient, representative, right, rights_procedure, "
        "safeguards, safeguards_copy, security, sharing, storage, transfer, waiver\n"
        "   = help: did you mean 'destination'?"
    )


def test_a_wrong_enum_value_is_refused_with_did_you_mean() -> None:
    (error,) = load_errors(GOOD.replace("consent == separate and", "consent == seperate and"))
    assert error.startswith("rules.yaml:16:25: error[E404] 'seperate' is not a value of 'consent'")
    assert error.endswith("= help: did you mean 'separate'?")


def test_an_unknown_key_is_refused() -> None:
    missing, unknown = load_errors(
        GOOD.replace("    remedy: Add a contact", "    remedi: Add a contact")
    )
    assert "error[E402] unknown key 'remedi'" in unknown
    assert "did you mean 'remedy'?" in unknown
    assert "error[E402] missing key 'remedy'" in missing


def test_a_bad_severity_is_refused() -> None:
    (error,) = load_errors(GOOD.replace("severity: warning", "severity: warn"))
    assert error.startswith("rules.yaml:24:15: error[E402] severity 'warn' is not one of")


def test_a_duplicate_id_is_refused() -> None:
    errors = load_errors(GOOD.replace("id: HOUSE-2", "id: HOUSE-1"))
    assert any("error[E405] requirement id HOUSE-1 is defined twice" in e for e in errors)


def test_an_unknown_message_placeholder_is_refused() -> None:
    (error,) = load_errors(
        GOOD.replace('{consent}"\n    remedy: Obtain', '{consnt}"\n    remedy: Obtain')
    )
    assert "message names '{consnt}'" in error and "did you mean 'consent'?" in error


def test_a_condition_that_does_not_parse_is_refused() -> None:
    (error,) = load_errors(
        GOOD.replace("require: handler.contact is stated", "require: handler.contact is is stated")
    )
    assert "error[E403] condition does not parse" in error


def test_a_python_tag_is_refused_and_nothing_runs(tmp_path: Path) -> None:
    marker = tmp_path / "executed"
    evil = GOOD.replace(
        "title: House rules for the tests",
        f'title: !!python/object/apply:os.system ["touch {marker}"]',
    )
    (error,) = load_errors(evil)
    assert "error[E406]" in error and "rules.yaml:4:8" in error
    assert not marker.exists()


def test_a_broken_requirement_file_exits_2_through_the_cli(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    rules = tmp_path / "rules.yaml"
    rules.write_text(GOOD.replace("severity: warning", "severity: warn"), encoding="utf-8")
    code = main(
        ["lint", "tests/examples/sample.policy", "--requirements", str(rules), "--no-cache"]
    )
    assert code == 2
    err = capsys.readouterr().err
    assert f"{rules}:24:15: error[E402]" in err and "Traceback" not in err
