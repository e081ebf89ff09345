"""Fixtures for the evidence report's tests: reports of the bundled notices and of a hostile one.

A report is written once per test session by `policycheck report` itself (the command line, in
this process) into a temporary directory; the tests read it as files or open it in a browser.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from evidence_site import HOSTILE_POLICY, POLICIES, hostile_notice, write_report


@pytest.fixture(scope="session")
def bundled_report(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The report of the five bundled notices."""
    out = tmp_path_factory.mktemp("report") / "site"
    assert write_report([POLICIES], out) == 0
    return out


@pytest.fixture(scope="session")
def hostile_report(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The report of one notice written to break a careless report."""
    folder = tmp_path_factory.mktemp("hostile")
    (folder / "hostile.policy").write_text(HOSTILE_POLICY, encoding="utf-8")
    (folder / "hostile.txt").write_text(hostile_notice(), encoding="utf-8")
    out = folder / "site"
    assert write_report([folder / "hostile.policy"], out) == 0
    return out
