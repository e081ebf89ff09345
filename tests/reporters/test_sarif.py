"""`--format sarif`: valid SARIF 2.1.0 that code scanning accepts and tracks across commits."""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from dataclasses import replace
from pathlib import Path
from typing import Any

import jsonschema
import pytest
from reporting_demo import POLICY, WAIVER_FINDINGS, line_of

from checker.reporters import FORMATS, sarif
from checker.reporters.run import LintRun
from checker.reporters.sarif import FINGERPRINT, artifact_uri, pascal_case, render
from checker.rules.own_checks import CHECKS

# The official schema, kept in the test data (its source and licence: tests/data/sarif/README.md).
SCHEMA_PATH = Path(__file__).resolve().parents[1] / "data" / "sarif" / "sarif-schema-2.1.0.json"


@pytest.fixture(scope="module")
def validator() -> jsonschema.Draft7Validator:
    schema = json.loads(SCHEMA_PATH.read_text(encoding="utf-8"))
    return jsonschema.Draft7Validator(
        schema, format_checker=jsonschema.Draft7Validator.FORMAT_CHECKER
    )


def _log(run: LintRun) -> dict[str, Any]:
    return json.loads(render(run, False))  # type: ignore[no-any-return]


def _run(run: LintRun) -> dict[str, Any]:
    return _log(run)["runs"][0]  # type: ignore[no-any-return]


def _results(run: LintRun, rule_id: str) -> list[dict[str, Any]]:
    return [r for r in _run(run)["results"] if r["ruleId"] == rule_id]


def _fingerprints(run: LintRun) -> dict[tuple[str, str], str]:
    return {
        (r["ruleId"], r["message"]["text"]): r["partialFingerprints"][FINGERPRINT]
        for r in _run(run)["results"]
    }


def test_the_sarif_format_is_registered() -> None:
    assert FORMATS["sarif"] is render


def test_the_log_validates_against_the_official_schema(
    demo_run: LintRun, validator: jsonschema.Draft7Validator
) -> None:
    validator.validate(_log(demo_run))


def test_an_empty_run_validates_and_succeeds(
    empty_run: LintRun, validator: jsonschema.Draft7Validator
) -> None:
    log = _log(empty_run)
    validator.validate(log)
    run = log["runs"][0]
    assert run["results"] == []
    assert run["invocations"][0]["executionSuccessful"] is True


def test_the_log_carries_what_code_scanning_requires(demo_run: LintRun) -> None:
    log = _log(demo_run)
    assert log["version"] == "2.1.0"
    assert log["$schema"].startswith("https://")
    [run] = log["runs"]
    driver = run["tool"]["driver"]
    assert driver["name"] == "policycheck"
    assert driver["version"] == driver["semanticVersion"]
    assert re.fullmatch(r"\d+\.\d+\.\d+.*", driver["semanticVersion"])
    assert driver["informationUri"].startswith("https://")
    assert run["columnKind"] == "unicodeCodePoints"
    assert "%SRCROOT%" in run["originalUriBaseIds"]


def test_every_result_refers_to_its_rule_by_id_and_index(demo_run: LintRun) -> None:
    run = _run(demo_run)
    rules = run["tool"]["driver"]["rules"]
    ids = [rule["id"] for rule in rules]
    assert len(ids) == len(set(ids))
    assert run["results"]
    for result in run["results"]:
        assert rules[result["ruleIndex"]]["id"] == result["ruleId"]


def test_there_is_one_rule_per_requirement_per_waiver_and_quote_check_and_per_located_error_code(
    demo_run: LintRun,
) -> None:
    ids = [rule["id"] for rule in _run(demo_run)["tool"]["driver"]["rules"]]
    codes = sorted({e.code for e in demo_run.errors if e.path})
    expected = [r.id for r in demo_run.requirements] + list(CHECKS)
    assert ids == expected + codes


def test_a_rule_quotes_its_article_and_says_how_to_fix(demo_run: LintRun) -> None:
    rules = {rule["id"]: rule for rule in _run(demo_run)["tool"]["driver"]["rules"]}
    rule = rules["DEMO-39"]
    assert rule["name"] == "PersonalInformationSentAbroadNeedsSeparateConsent"
    assert rule["shortDescription"]["text"] == (
        "Personal information sent abroad needs separate consent"
    )
    assert "取得个人的单独同意" in rule["fullDescription"]["text"]
    assert "obtain the individual's separate consent" in rule["fullDescription"]["text"]
    for help_text in (rule["help"]["text"], rule["help"]["markdown"]):
        assert "PIPL Art. 39" in help_text
        assert "取得个人的单独同意" in help_text
        assert "Obtain separate consent for the transfer." in help_text
        assert "security assessment" in help_text  # the not_formalised note
    assert rule["helpUri"] == "https://example.org/demo-law"
    assert rule["defaultConfiguration"]["level"] == "error"
    assert rule["properties"]["tags"] == ["PIPL", "privacy"]
    assert rules["DEMO-17-1"]["defaultConfiguration"]["level"] == "warning"
    assert rules["DEMO-25"]["defaultConfiguration"]["level"] == "note"
    assert rules["DEMO-17-1"]["name"] == "TheNoticeNamesTheHandlersContact"
    assert rules["WAIVER-NOT-ALLOWED"]["name"] == "WaiverNotAllowed"
    for rule in rules.values():
        assert re.fullmatch(r"[A-Z][A-Za-z0-9]*", rule["name"]), rule["name"]
        assert len(rule["properties"]["tags"]) <= 10
        assert len(rule["shortDescription"]["text"]) <= 1024
        assert len(rule["fullDescription"]["text"]) <= 1024


def test_a_result_points_at_the_policy_line_with_a_relative_uri(demo_run: LintRun) -> None:
    [result] = _results(demo_run, "DEMO-39")
    assert result["level"] == "error"
    assert result["message"]["text"] == (
        "transfer overseas sends personal information abroad with consent bundled [PIPL Art. 39]"
    )
    [location] = result["locations"]
    physical = location["physicalLocation"]
    assert physical["artifactLocation"] == {
        "uri": "policies/demo.policy",
        "uriBaseId": "%SRCROOT%",
    }
    line = line_of(POLICY, "consent     = bundled")
    column = POLICY.splitlines()[line - 1].index("bundled") + 1
    assert physical["region"] == {
        "startLine": line,
        "startColumn": column,
        "endLine": line,
        "endColumn": column + len("bundled"),
    }


def test_evidence_is_a_related_location_quoting_the_notice(demo_run: LintRun) -> None:
    [result] = _results(demo_run, "DEMO-39")
    [related] = result["relatedLocations"]
    assert related["physicalLocation"]["region"]["startLine"] == line_of(
        POLICY, "transfer overseas"
    )
    assert '"we send your data to R Inc, in the US"' in related["message"]["text"]
    assert "(line 3)" in related["message"]["text"]


def test_levels_follow_severity(demo_run: LintRun) -> None:
    levels = {r["ruleId"]: r["level"] for r in _run(demo_run)["results"]}
    assert levels["DEMO-39"] == "error"
    assert levels["DEMO-31"] == "warning"
    assert levels["DEMO-17-1-2b"] == "note"
    assert levels["WAIVER-UNUSED"] == "warning"


def test_a_waived_finding_is_suppressed_in_source_with_its_justification(
    demo_run: LintRun,
) -> None:
    [waived] = _results(demo_run, "DEMO-17-1-2c")
    [suppression] = waived["suppressions"]
    assert suppression["kind"] == "inSource"
    assert "Jane Roe, DPO" in suppression["justification"]
    assert "separate schedule" in suppression["justification"]
    suppressed = [r for r in _run(demo_run)["results"] if "suppressions" in r]
    assert [r["ruleId"] for r in suppressed] == ["DEMO-17-1-2c"]


def test_an_incomplete_finding_is_marked_in_its_properties(demo_run: LintRun) -> None:
    [incomplete] = _results(demo_run, "DEMO-31")
    assert incomplete["properties"]["status"] == "incomplete"
    assert incomplete["properties"]["incomplete"] is True
    assert incomplete["properties"]["missing"] == ["minors block"]
    [failed] = _results(demo_run, "DEMO-39")
    assert failed["properties"]["incomplete"] is False


def test_waiver_findings_are_results(demo_run: LintRun) -> None:
    ids = {r["ruleId"] for r in _run(demo_run)["results"]}
    assert set(WAIVER_FINDINGS) <= ids


def test_input_errors_are_notifications_and_fail_the_execution(demo_run: LintRun) -> None:
    run = _run(demo_run)
    [invocation] = run["invocations"]
    assert invocation["executionSuccessful"] is False
    notifications = invocation["toolExecutionNotifications"]
    assert len(notifications) == len(demo_run.errors)
    descriptors = run["tool"]["driver"]["notifications"]
    for notification in notifications:
        assert notification["level"] == "error"
        reference = notification["descriptor"]
        assert descriptors[reference["index"]]["id"] == reference["id"]
    unknown = next(n for n in notifications if n["descriptor"]["id"] == "E202")
    assert "did you mean 'title'?" in unknown["message"]["text"]
    region = unknown["locations"][0]["physicalLocation"]["region"]
    assert (region["startLine"], region["startColumn"]) == (3, 3)
    no_path = next(n for n in notifications if n["descriptor"]["id"] == "E605")
    assert "locations" not in no_path


def test_input_errors_in_a_file_are_also_error_results_under_a_rule_per_code(
    demo_run: LintRun, validator: jsonschema.Draft7Validator
) -> None:
    log = _log(demo_run)
    validator.validate(log)
    run = log["runs"][0]
    rules = run["tool"]["driver"]["rules"]
    located = [e for e in demo_run.errors if e.path]
    results = [r for r in run["results"] if r["properties"].get("inputError")]
    assert sorted(r["ruleId"] for r in results) == sorted(e.code for e in located)
    for result in results:
        assert result["level"] == "error"
        rule = rules[result["ruleIndex"]]
        assert rule["id"] == result["ruleId"]
        assert rule["defaultConfiguration"]["level"] == "error"
    [unknown] = [r for r in results if r["ruleId"] == "E202"]
    assert unknown["message"]["text"].startswith("error[E202] unknown field 'titel'")
    location = unknown["locations"][0]["physicalLocation"]
    assert location["artifactLocation"]["uri"] == "policies/broken.policy"
    assert (location["region"]["startLine"], location["region"]["startColumn"]) == (3, 3)
    # An error without a file (an unknown set) has nowhere to point: a notification only.
    assert "E605" not in {r["ruleId"] for r in results}
    assert "E605" not in {rule["id"] for rule in rules}


def test_an_input_error_rule_carries_the_error_catalogue_help(demo_run: LintRun) -> None:
    rules = {rule["id"]: rule for rule in _run(demo_run)["tool"]["driver"]["rules"]}
    rule = rules["E202"]
    assert rule["shortDescription"]["text"] == "E202 unknown field"
    assert rule["name"] == "UnknownField"
    docs = (Path(__file__).resolve().parents[2] / "docs" / "errors.md").read_text(encoding="utf-8")
    section = docs.split("## E202 unknown field\n", 1)[1].split("\n## ", 1)[0]
    meaning = rule["fullDescription"]["text"]
    assert meaning and meaning in " ".join(section.split())
    assert f"What it means: {meaning}" in rule["help"]["text"]
    assert "How to fix: " in rule["help"]["text"]
    assert rule["help"]["markdown"] == section.strip()


def test_an_input_error_result_keeps_its_fingerprint_when_lines_move() -> None:
    from reporting_demo import BROKEN_POLICY

    from checker.errors import ErrorList
    from checker.notice.loading import parse_policy

    def results_for(text: str) -> list[dict[str, Any]]:
        try:
            parse_policy(text, "policies/broken.policy")
        except ErrorList as exc:
            errors = exc.errors
        return _run(LintRun([], errors, [], {}, None))["results"]  # type: ignore[no-any-return]

    before = results_for(BROKEN_POLICY)
    after = results_for("# a comment\n\n" + BROKEN_POLICY)
    assert before
    assert [r["locations"] for r in after] != [r["locations"] for r in before]
    assert [r["partialFingerprints"] for r in after] == [r["partialFingerprints"] for r in before]


def test_fingerprints_are_the_same_on_a_second_run(make_run: Callable[..., LintRun]) -> None:
    first, second = _fingerprints(make_run()), _fingerprints(make_run())
    assert first == second
    assert len(set(first.values())) == len(first), "each finding has its own fingerprint"


def test_fingerprints_survive_a_blank_line_inserted_above_a_finding(
    make_run: Callable[..., LintRun],
) -> None:
    moved_policy = POLICY.replace("transfer overseas {", "\ntransfer overseas {")
    before, after = make_run(), make_run(policy=moved_policy)
    [old] = _results(before, "DEMO-39")
    [new] = _results(after, "DEMO-39")
    old_line = old["locations"][0]["physicalLocation"]["region"]["startLine"]
    new_line = new["locations"][0]["physicalLocation"]["region"]["startLine"]
    assert new_line == old_line + 1
    assert new["partialFingerprints"] == old["partialFingerprints"]
    assert _fingerprints(after) == _fingerprints(before)


def test_fingerprints_change_with_what_the_finding_says(make_run: Callable[..., LintRun]) -> None:
    [before] = _results(make_run(), "DEMO-39")
    [after] = _results(make_run(policy=POLICY.replace("= bundled", "= deemed_by_use")), "DEMO-39")
    assert after["partialFingerprints"] != before["partialFingerprints"]


def test_absolute_paths_become_relative_uris(
    make_run: Callable[..., LintRun], monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.chdir(tmp_path)
    absolute = str(tmp_path / "policies" / "demo.policy")
    run = _run(make_run(path=absolute))
    uris = {
        r["locations"][0]["physicalLocation"]["artifactLocation"]["uri"] for r in run["results"]
    }
    assert uris == {"policies/demo.policy"}


def test_uris_are_percent_encoded() -> None:
    assert artifact_uri("policies/my shop/隐私.policy") == (
        "policies/my%20shop/%E9%9A%90%E7%A7%81.policy"
    )
    assert artifact_uri("./policies/a.policy") == "policies/a.policy"


def test_results_beyond_the_code_scanning_limit_are_left_out_with_a_notice(
    demo_run: LintRun, monkeypatch: pytest.MonkeyPatch, validator: jsonschema.Draft7Validator
) -> None:
    monkeypatch.setattr(sarif, "MAX_RESULTS", 3)
    log = _log(demo_run)
    validator.validate(log)
    results = log["runs"][0]["results"]
    assert len(results) == 3
    assert {r["level"] for r in results} == {"error"}, "the most severe are kept"
    notices = log["runs"][0]["invocations"][0]["toolExecutionNotifications"]
    assert any("left out" in n["message"]["text"] for n in notices)


@pytest.mark.parametrize(
    ("title", "name"),
    [
        (
            "Personal information sent abroad needs consent",
            "PersonalInformationSentAbroadNeedsConsent",
        ),
        ("GDPR notice names the DPO", "GDPRNoticeNamesTheDPO"),
        ("WAIVER-EXPIRED", "WaiverExpired"),
        ("The handler's contact (Art. 17)", "TheHandlersContactArt17"),
    ],
)
def test_rule_names_are_pascal_case(title: str, name: str) -> None:
    assert pascal_case(title) == name


def test_rules_worded_alike_in_two_laws_get_distinct_names(demo_run: LintRun) -> None:
    twin = replace(
        demo_run.requirements[0],
        spec=replace(demo_run.requirements[0].spec, id="TWIN-1"),
    )
    demo_run.requirements.append(twin)
    rules = _run(demo_run)["tool"]["driver"]["rules"]
    names = [rule["name"] for rule in rules]
    assert len(names) == len(set(names))
    assert {r["name"] for r in rules if r["id"] in ("TWIN-1", demo_run.requirements[0].id)} == {
        "TheNoticeNamesTheHandlersContactDemo171",
        "TheNoticeNamesTheHandlersContactTwin1",
    }
