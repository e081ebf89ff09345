"""`--format json` follows its published schema (docs/report.schema.json) and says what happened."""

from __future__ import annotations

import copy
import json
from pathlib import Path
from typing import Any

import jsonschema
import pytest
from reporting_demo import EXPECTED_STATUSES, POLICY, POLICY_PATH, WAIVER_FINDINGS, line_of

from checker.reporters import FORMATS
from checker.reporters.json_report import SCHEMA, render
from checker.reporters.run import LintRun

SCHEMA_PATH = Path(__file__).resolve().parents[2] / "docs" / "report.schema.json"


@pytest.fixture(scope="module")
def validator() -> jsonschema.Draft202012Validator:
    schema = json.loads(SCHEMA_PATH.read_text(encoding="utf-8"))
    jsonschema.Draft202012Validator.check_schema(schema)
    return jsonschema.Draft202012Validator(
        schema, format_checker=jsonschema.Draft202012Validator.FORMAT_CHECKER
    )


def _report(run: LintRun) -> dict[str, Any]:
    return json.loads(render(run, False))  # type: ignore[no-any-return]


def _outcome(report: dict[str, Any], requirement_id: str) -> dict[str, Any]:
    [document] = report["documents"]
    return next(o for o in document["outcomes"] if o["id"] == requirement_id)


def test_the_json_format_is_registered() -> None:
    assert FORMATS["json"] is render


def test_the_report_of_every_kind_of_result_validates_against_the_schema(
    demo_run: LintRun, validator: jsonschema.Draft202012Validator
) -> None:
    validator.validate(_report(demo_run))


def test_an_empty_run_validates_against_the_schema(
    empty_run: LintRun, validator: jsonschema.Draft202012Validator
) -> None:
    report = _report(empty_run)
    validator.validate(report)
    assert report["documents"] == [] and report["errors"] == []
    assert report["summary"]["documents"] == 0


@pytest.mark.parametrize(
    "corrupt",
    [
        lambda r: r.update(schema="policycheck-report/1"),
        lambda r: r["documents"][0]["outcomes"][0].update(status="passed"),
        lambda r: r["documents"][0]["outcomes"][0].update(extra_field=1),
        lambda r: r["errors"][0].update(code="X1"),
        lambda r: r["summary"].pop("failing"),
        lambda r: r["documents"][0]["waiver_findings"][0]["span"].update(line=0),
        lambda r: r["documents"][0]["outcomes"][0].update(evidence=[{"label": "x"}]),
        lambda r: r["documents"][0].pop("evidence"),
    ],
    ids=[
        "schema version",
        "status",
        "unknown field",
        "error code",
        "summary count",
        "line 0",
        "evidence in full",
        "no evidence table",
    ],
)
def test_the_schema_rejects_a_report_that_breaks_it(
    demo_run: LintRun, validator: jsonschema.Draft202012Validator, corrupt: Any
) -> None:
    report = copy.deepcopy(_report(demo_run))
    corrupt(report)
    with pytest.raises(jsonschema.ValidationError):
        validator.validate(report)


def test_the_report_names_its_schema_and_tool(demo_run: LintRun) -> None:
    report = _report(demo_run)
    assert report["schema"] == SCHEMA == "policycheck-report/2"
    assert report["tool"]["name"] == "policycheck"
    assert report["tool"]["version"]


def test_every_outcome_is_listed_with_its_verdict(demo_run: LintRun) -> None:
    [document] = _report(demo_run)["documents"]
    assert document["path"] == POLICY_PATH
    assert document["title"] == "Demo Notice"
    assert document["sets"] == ["demo"]
    assert {o["id"]: o["status"] for o in document["outcomes"]} == EXPECTED_STATUSES
    passed = _outcome(_report(demo_run), "DEMO-17-1")
    assert passed["findings"] == [] and passed["evidence"], "a pass keeps the facts it looked at"
    assert _outcome(_report(demo_run), "DEMO-25")["findings"] == []


def test_a_failure_points_at_the_field_and_quotes_the_notice(demo_run: LintRun) -> None:
    [finding] = _outcome(_report(demo_run), "DEMO-39")["findings"]
    line = line_of(POLICY, "consent     = bundled")
    column = POLICY.splitlines()[line - 1].index("bundled") + 1
    assert finding["span"] == {
        "line": line,
        "column": column,
        "end_line": line,
        "end_column": column + len("bundled"),
    }
    assert finding["status"] == "fail" and finding["severity"] == "error"
    assert (finding["law"], finding["article"]) == ("PIPL", "Art. 39")
    assert finding["subject"] == "transfer overseas"
    assert "bundled" in finding["message"]
    [document] = _report(demo_run)["documents"]
    [at] = finding["evidence"]
    evidence = document["evidence"][at]
    assert evidence["label"] == "transfer overseas"
    assert evidence["span"]["line"] == line_of(POLICY, "transfer overseas {")
    [cite] = evidence["cites"]
    assert cite == {
        "label": "2",
        "quote": "we send your data to R Inc, in the US",
        "notice_line": 3,
        "span": cite["span"],
    }
    assert cite["span"]["line"] == line_of(POLICY, 'cite "2" "we send')


def test_an_incomplete_outcome_names_the_missing_facts(demo_run: LintRun) -> None:
    outcome = _outcome(_report(demo_run), "DEMO-31")
    [finding] = outcome["findings"]
    assert finding["status"] == "incomplete"
    assert finding["missing"] == ["minors block"]


def test_a_waived_outcome_names_its_waiver(demo_run: LintRun) -> None:
    outcome = _outcome(_report(demo_run), "DEMO-17-1-2c")
    assert outcome["status"] == "waived"
    assert "Jane Roe, DPO" in outcome["waiver"] and "separate schedule" in outcome["waiver"]
    assert [f["waiver"] for f in outcome["findings"]] == [outcome["waiver"]]
    assert _outcome(_report(demo_run), "DEMO-39")["waiver"] is None


def test_waiver_problems_are_findings_of_the_document(demo_run: LintRun) -> None:
    [document] = _report(demo_run)["documents"]
    found = {f["id"]: f for f in document["waiver_findings"]}
    assert sorted(found) == sorted(WAIVER_FINDINGS)
    expired = found["WAIVER-EXPIRED"]
    assert expired["subject"] == "waiver old_contact"
    assert expired["span"]["line"] == line_of(POLICY, "expires     = 2020-01-01")
    assert found["WAIVER-UNUSED"]["severity"] == "warning"


def test_input_errors_keep_code_position_and_advice(demo_run: LintRun) -> None:
    errors = _report(demo_run)["errors"]
    by_code = {e["code"]: e for e in errors}
    unknown = by_code["E202"]
    assert unknown["path"] == "policies/broken.policy"
    assert (unknown["line"], unknown["column"]) == (3, 3)
    assert unknown["title"] == "unknown field"
    assert unknown["hint"] == "did you mean 'title'?"
    assert unknown["expected"].startswith("one of")
    missing = by_code["E601"]
    assert missing["line"] is None and missing["column"] is None
    assert by_code["E605"]["path"] is None


def test_the_summary_counts_what_the_report_lists(demo_run: LintRun) -> None:
    report = _report(demo_run)
    summary = report["summary"]
    statuses = [o["status"] for d in report["documents"] for o in d["outcomes"]]
    for status in ("pass", "fail", "not_applicable", "incomplete", "waived"):
        assert summary[status] == statuses.count(status)
    assert summary["documents"] == 1
    assert summary["requirements"] == len(EXPECTED_STATUSES)
    assert summary["errors"] == len(report["errors"]) == 5
    assert summary["waiver_findings"] == len(WAIVER_FINDINGS)
    # DEMO-39, DEMO-17-1-2b, DEMO-31 and the four waiver findings; the waived one is not open.
    assert summary["findings"] == 7
    # At --fail-on error: DEMO-39 and three error-level waiver findings.
    assert summary["fail_on"] == "error" and summary["failing"] == 4


def test_requirements_carry_their_citation_and_remedy(demo_run: LintRun) -> None:
    requirements = {r["id"]: r for r in _report(demo_run)["requirements"]}
    assert sorted(requirements) == sorted(EXPECTED_STATUSES)
    transfer = requirements["DEMO-39"]
    assert transfer["quote"] == "取得个人的单独同意"
    assert transfer["gloss"] == "obtain the individual's separate consent"
    assert transfer["waivable"] is False
    assert transfer["help_uri"] == "https://example.org/demo-law"
    assert transfer["law_title"] == "Demo Law on Personal Information"


def test_the_output_is_deterministic_and_keeps_non_ascii_text(demo_run: LintRun) -> None:
    text = render(demo_run, False)
    assert text == render(demo_run, True), "colour means nothing to a machine format"
    assert "取得个人的单独同意" in text
    assert text.endswith("}\n")


def test_each_fact_is_written_once_and_every_reference_finds_it(demo_run: LintRun) -> None:
    [document] = _report(demo_run)["documents"]
    table = document["evidence"]
    assert len({json.dumps(e, sort_keys=True) for e in table}) == len(table)
    findings = [f for o in document["outcomes"] for f in o["findings"]]
    references = [
        i
        for item in document["outcomes"] + findings + document["waiver_findings"]
        for i in item["evidence"]
    ]
    assert references and all(0 <= i < len(table) for i in references)
    assert sorted(set(references)) == list(range(len(table))), "no fact is listed unused"
