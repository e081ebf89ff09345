"""End to end: `policycheck lint ... --format F --output FILE` for each machine format."""

from __future__ import annotations

import json
import xml.etree.ElementTree as ET
from pathlib import Path

import jsonschema
import pytest
from reporting_demo import REQUIREMENTS

from checker.cli import main
from checker.exitcodes import EXIT_FINDINGS, EXIT_INPUT_ERROR

ROOT = Path(__file__).resolve().parents[2]
SAMPLE = "tests/examples/sample.policy"
REPORT_SCHEMA = ROOT / "docs" / "report.schema.json"
SARIF_SCHEMA = ROOT / "tests" / "data" / "sarif" / "sarif-schema-2.1.0.json"


@pytest.fixture
def requirements(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> str:
    monkeypatch.chdir(ROOT)  # paths in the reports are relative to the repository root
    path = tmp_path / "demo.yaml"
    path.write_text(REQUIREMENTS, encoding="utf-8")
    return str(path)


def _lint(requirements: str, fmt: str, output: Path, *paths: str) -> int:
    args = ["lint", *paths, "--requirements", requirements, "--format", fmt]
    return main([*args, "--output", str(output), "--no-cache", "--jobs", "1"])


def _check_json(text: str) -> None:
    report = json.loads(text)
    schema = json.loads(REPORT_SCHEMA.read_text(encoding="utf-8"))
    jsonschema.Draft202012Validator(schema).validate(report)
    [document] = report["documents"]
    assert document["path"] == SAMPLE
    statuses = {o["id"]: o["status"] for o in document["outcomes"]}
    assert statuses["DEMO-17-1-2c"] == "fail"  # `retention = unstated` in the sample
    assert statuses["DEMO-17-1"] == "pass"


def _check_sarif(text: str) -> None:
    log = json.loads(text)
    schema = json.loads(SARIF_SCHEMA.read_text(encoding="utf-8"))
    jsonschema.Draft7Validator(schema).validate(log)
    results = log["runs"][0]["results"]
    uris = {r["locations"][0]["physicalLocation"]["artifactLocation"]["uri"] for r in results}
    assert uris == {SAMPLE}
    assert "DEMO-17-1-2c" in {r["ruleId"] for r in results}


def _check_github(text: str) -> None:
    lines = text.splitlines()
    assert any(
        line.startswith(f"::error file={SAMPLE},") and "title=DEMO-17-1-2c " in line
        for line in lines
    )


def _check_junit(text: str) -> None:
    root = ET.fromstring(text)
    [suite] = root.findall("testsuite")
    assert suite.get("name") == SAMPLE
    assert int(suite.get("tests", "0")) == 6
    assert int(suite.get("failures", "0")) >= 1


CHECKS = {
    "json": _check_json,
    "sarif": _check_sarif,
    "github": _check_github,
    "junit": _check_junit,
}


@pytest.mark.parametrize("fmt", sorted(CHECKS))
def test_lint_writes_each_format_to_the_output_file(
    fmt: str, requirements: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    output = tmp_path / f"report.{fmt}"
    assert _lint(requirements, fmt, output, SAMPLE) == EXIT_FINDINGS
    assert capsys.readouterr().out == "", "with --output nothing goes to stdout"
    CHECKS[fmt](output.read_text(encoding="utf-8"))


@pytest.mark.parametrize("fmt", sorted(CHECKS))
def test_input_errors_reach_each_format_and_exit_2(
    fmt: str, requirements: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    bad = tmp_path / "broken.policy"
    bad.write_text('document {\n  title = "Broken"\n  titel = "x"\n}\n', encoding="utf-8")
    output = tmp_path / f"report.{fmt}"
    assert _lint(requirements, fmt, output, SAMPLE, str(bad)) == EXIT_INPUT_ERROR
    assert "E202" in capsys.readouterr().err
    text = output.read_text(encoding="utf-8")
    assert "E202" in text
    if fmt == "json":
        assert json.loads(text)["summary"]["errors"] >= 1
    elif fmt == "sarif":
        log = json.loads(text)
        assert log["runs"][0]["invocations"][0]["executionSuccessful"] is False
        # Code scanning shows an alert at the line that does not parse.
        [alert] = [r for r in log["runs"][0]["results"] if r["ruleId"] == "E202"]
        region = alert["locations"][0]["physicalLocation"]["region"]
        assert (alert["level"], region["startLine"], region["startColumn"]) == ("error", 3, 3)
        # Code scanning rejects absolute paths: a file outside the working directory gets "../".
        assert '"uri": "/' not in text and '"uri": "file:' not in text
    elif fmt == "github":
        assert "file=/" not in text
    elif fmt == "junit":
        assert int(ET.fromstring(text).get("errors", "0")) >= 1
