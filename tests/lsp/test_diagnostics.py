"""Diagnostics as the text changes: errors with their codes, requirement findings with their
evidence, kept for the rest of the file while one statement has a syntax error."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from lsp_helpers import EXAMPLES, PUBLISH, open_doc, sample
from lsprotocol import types
from pytest_lsp import LanguageClient

pytestmark = pytest.mark.asyncio(loop_scope="module")


async def test_a_clean_policy_gets_its_requirement_findings(
    client: LanguageClient, folder: Path
) -> None:
    doc = await open_doc(client, folder / "findings.policy", sample())
    diagnostics = await doc.diagnostics()
    assert diagnostics, "the sample fails some PIPL requirements"
    assert all(d.source == "policycheck" for d in diagnostics)
    codes = {d.code for d in diagnostics}
    assert any(str(c).startswith("PIPL-") for c in codes)
    assert not any(str(c).startswith("E") for c in codes)
    with_evidence = [d for d in diagnostics if d.related_information]
    assert with_evidence
    for d in with_evidence:
        for info in d.related_information or []:
            assert info.location.uri in (doc.uri, (folder / "notice.txt").resolve().as_uri())


async def test_an_edit_introduces_an_error_and_the_next_fixes_it(
    client: LanguageClient, folder: Path
) -> None:
    doc = await open_doc(client, folder / "typo.policy", sample())
    before = await doc.diagnostics()
    doc.replace("necessary   = yes", "necesary   = yes")
    diagnostics = await doc.diagnostics()
    e202 = [d for d in diagnostics if d.code == "E202"]
    assert len(e202) == 1
    assert e202[0].severity == types.DiagnosticSeverity.Error
    assert e202[0].range.start == doc.at("necesary")
    assert "did you mean 'necessary'?" in e202[0].message
    assert (
        e202[0].code_description is not None and "errors.md#e202" in e202[0].code_description.href
    )
    doc.replace("necesary", "necessary")
    after = await doc.diagnostics()
    assert [d.code for d in after] == [d.code for d in before]


async def test_a_syntax_error_keeps_the_rest_of_the_files_diagnostics(
    client: LanguageClient, folder: Path
) -> None:
    text = sample().replace('  contact    = ["privacy@example.com"]', "  contact    = [privacy]")
    doc = await open_doc(client, folder / "partial.policy", text)
    first = await doc.diagnostics()
    assert [d.code for d in first] == ["E203"]
    # Break the purpose statement, below: the error in the handler stays, and so does its place.
    doc.replace("  necessary   = yes", "  necessary   =")
    diagnostics = await doc.diagnostics()
    codes = sorted(str(d.code) for d in diagnostics)
    assert "E203" in codes
    assert any(c.startswith("E1") for c in codes)
    e203 = next(d for d in diagnostics if d.code == "E203")
    assert e203.range == first[0].range


async def test_findings_stay_in_place_while_a_statement_is_broken(
    client: LanguageClient, folder: Path
) -> None:
    doc = await open_doc(client, folder / "moving.policy", sample())
    findings = {(d.code, d.range.start.line) for d in await doc.diagnostics()}
    # A broken statement is added at the top: every line below moves down by two.
    doc.edit(0, 0, "handler {\n  legal_name = \n")
    diagnostics = await doc.diagnostics()
    assert any(str(d.code).startswith("E1") for d in diagnostics)
    moved = {
        (d.code, d.range.start.line - 2) for d in diagnostics if str(d.code).startswith("PIPL")
    }
    assert moved and moved <= findings


async def test_a_burst_of_keystrokes_ends_with_the_diagnostics_of_the_last_version(
    client: LanguageClient, folder: Path
) -> None:
    doc = await open_doc(client, folder / "burst.policy", sample())
    await doc.diagnostics()
    at = doc.text.index("necessary   = yes")
    doc.edit(at, at + len("necessary"), "")
    for i, letter in enumerate("necessary"):
        doc.edit(at + i, at + i, letter)
    diagnostics = await doc.diagnostics()  # the one for the last version
    assert doc.version == 11
    assert not any(str(d.code).startswith("E") for d in diagnostics)


async def test_only_policy_files_are_analysed(client: LanguageClient, folder: Path) -> None:
    # An editor set to send plain-text files sends the notices too: they get no diagnostics.
    notice = await open_doc(client, folder / "notice-copy.txt", "Not a policy {")
    doc = await open_doc(client, folder / "after-notice.policy", sample())
    params = await client.wait_for_notification(PUBLISH)
    assert params.uri == doc.uri  # the first diagnostics published are the policy's
    assert notice.uri not in client.diagnostics


async def test_findings_recorded_in_the_baseline_are_not_shown(
    client: LanguageClient, tmp_path: Path
) -> None:
    from checker.commands.lint import run_lint
    from checker.reporters.run import LintOptions
    from checker.rules.baseline import write_baseline

    shutil.copy(EXAMPLES / "notice.txt", tmp_path / "notice.txt")
    policy = tmp_path / "recorded.policy"
    policy.write_text(sample(), encoding="utf-8")
    write_baseline(tmp_path / "baseline.json", run_lint(LintOptions(paths=(policy,))).findings())
    (tmp_path / ".policycheck.toml").write_text('baseline = "baseline.json"\n', encoding="utf-8")
    doc = await open_doc(client, policy, sample())
    assert await doc.diagnostics() == []  # without the baseline it has findings (above)
    # An error is never hidden by a baseline.
    doc.replace("necessary   = yes", "necesary   = yes")
    assert [d.code for d in await doc.diagnostics()] == ["E202"]
