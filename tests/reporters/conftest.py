"""Fixtures for the reporter tests: the demo lint run of `reporting_demo`, and an empty run."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest
from reporting_demo import TODAY, build_run, input_errors

from checker.reporters.run import LintOptions, LintRun


@pytest.fixture
def demo_run() -> LintRun:
    """The demo policy's run, with the input errors of another file."""
    return build_run(errors=input_errors())


@pytest.fixture
def make_run() -> Callable[..., LintRun]:
    return build_run


@pytest.fixture
def empty_run() -> LintRun:
    return LintRun([], [], [], {}, LintOptions(paths=(Path("policies"),), today=TODAY))
