"""`--format junit` is JUnit XML a CI system can read: one suite per notice, one case per rule."""

from __future__ import annotations

import xml.etree.ElementTree as ET
from collections.abc import Callable
from pathlib import Path

from hypothesis import given
from hypothesis import strategies as st
from reporting_demo import EXPECTED_STATUSES, POLICY, POLICY_PATH, WAIVER_FINDINGS, line_of

from checker.errors import CheckerError
from checker.reporters import FORMATS
from checker.reporters.junit import render, xml_text
from checker.reporters.run import LintOptions, LintRun


def _root(run: LintRun) -> ET.Element:
    return ET.fromstring(render(run, False))


def _cases(suite: ET.Element) -> dict[str, ET.Element]:
    return {case.get("name", "").split(" ", 1)[0]: case for case in suite.findall("testcase")}


def test_the_junit_format_is_registered() -> None:
    assert FORMATS["junit"] is render


def test_there_is_a_suite_per_document_and_one_for_input_errors(demo_run: LintRun) -> None:
    root = _root(demo_run)
    assert root.tag == "testsuites"
    assert [s.get("name") for s in root.findall("testsuite")] == [POLICY_PATH, "policycheck"]


def test_a_document_has_a_case_per_requirement_and_per_waiver_check(demo_run: LintRun) -> None:
    suite = _root(demo_run).findall("testsuite")[0]
    cases = _cases(suite)
    assert sorted(cases) == sorted([*EXPECTED_STATUSES, *WAIVER_FINDINGS])
    for case in suite.findall("testcase"):
        assert case.get("classname") == POLICY_PATH
    assert cases["DEMO-39"].get("name") == (
        "DEMO-39 Personal information sent abroad needs separate consent"
    )


def test_each_verdict_has_its_element(demo_run: LintRun) -> None:
    cases = _cases(_root(demo_run).findall("testsuite")[0])
    assert list(cases["DEMO-17-1"]) == [], "a pass is an empty case"
    assert [c.tag for c in cases["DEMO-39"]] == ["failure"]
    assert [c.tag for c in cases["DEMO-31"]] == ["failure"]
    assert [c.tag for c in cases["DEMO-25"]] == ["skipped"]
    assert [c.tag for c in cases["DEMO-17-1-2c"]] == ["skipped"]
    assert [c.tag for c in cases["WAIVER-EXPIRED"]] == ["failure"]


def test_a_failure_gives_message_citation_and_place(demo_run: LintRun) -> None:
    failure = _cases(_root(demo_run).findall("testsuite")[0])["DEMO-39"].find("failure")
    assert failure is not None
    assert failure.get("type") == "error"
    assert failure.get("message") == (
        "transfer overseas sends personal information abroad with consent bundled"
    )
    text = failure.text or ""
    line = line_of(POLICY, "consent     = bundled")
    assert f"{POLICY_PATH}:{line}:" in text
    assert 'PIPL Art. 39: "取得个人的单独同意"' in text
    assert '"we send your data to R Inc, in the US"' in text
    assert "fix: Obtain separate consent for the transfer." in text


def test_an_incomplete_outcome_fails_with_its_severity(demo_run: LintRun) -> None:
    failure = _cases(_root(demo_run).findall("testsuite")[0])["DEMO-31"].find("failure")
    assert failure is not None
    assert failure.get("type") == "warning"
    assert "not encoded: minors block" in (failure.get("message") or "")


def test_skips_say_why(demo_run: LintRun) -> None:
    cases = _cases(_root(demo_run).findall("testsuite")[0])
    not_applicable = cases["DEMO-25"].find("skipped")
    waived = cases["DEMO-17-1-2c"].find("skipped")
    assert not_applicable is not None and waived is not None
    assert not_applicable.get("message") == "not applicable"
    message = waived.get("message") or ""
    assert message.startswith("waived: ")
    assert "Jane Roe, DPO" in message and "separate schedule" in message


def test_input_errors_are_error_cases(demo_run: LintRun) -> None:
    suite = _root(demo_run).findall("testsuite")[1]
    errors = [case.find("error") for case in suite.findall("testcase")]
    assert len(errors) == len(demo_run.errors)
    assert sorted(e.get("type", "") for e in errors if e is not None) == sorted(
        e.code for e in demo_run.errors
    )
    unknown = next(c for c in suite.findall("testcase") if c.get("name", "").startswith("E202"))
    assert unknown.get("classname") == "policies/broken.policy"
    error = unknown.find("error")
    assert error is not None and "did you mean 'title'?" in (error.text or "")


def test_counts_match_the_elements(demo_run: LintRun) -> None:
    root = _root(demo_run)
    totals = {"tests": 0, "failures": 0, "errors": 0, "skipped": 0}
    for suite in root.findall("testsuite"):
        cases = suite.findall("testcase")
        counted = {
            "tests": len(cases),
            "failures": sum(1 for c in cases if c.find("failure") is not None),
            "errors": sum(1 for c in cases if c.find("error") is not None),
            "skipped": sum(1 for c in cases if c.find("skipped") is not None),
        }
        assert {k: int(suite.get(k, "-1")) for k in counted} == counted
        for key, value in counted.items():
            totals[key] += value
    assert {k: int(root.get(k, "-1")) for k in totals} == totals
    # 6 requirements + 4 waiver checks in the document, 5 input errors.
    assert totals == {"tests": 15, "failures": 7, "errors": 5, "skipped": 2}


def test_a_clean_run_has_no_error_suite(make_run: Callable[..., LintRun]) -> None:
    root = _root(make_run())
    assert [s.get("name") for s in root.findall("testsuite")] == [POLICY_PATH]
    assert root.get("errors") == "0"


def test_the_output_is_deterministic(demo_run: LintRun) -> None:
    text = render(demo_run, False)
    assert text == render(demo_run, True)
    assert text.startswith('<?xml version="1.0" encoding="UTF-8"?>\n<testsuites')


@given(st.text())
def test_any_error_message_gives_xml_that_parses(message: str) -> None:
    options = LintOptions(paths=(Path("."),))
    run = LintRun([], [CheckerError("E601", message, "p.policy")], [], {}, options)
    root = ET.fromstring(render(run, False).encode("utf-8"))
    error = root.find("testsuite/testcase/error")
    assert error is not None
    # Characters XML cannot carry are shown as escapes; everything else arrives unchanged.
    assert error.get("message") == xml_text(message)
