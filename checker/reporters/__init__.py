"""Reporters: render a lint run as text, JSON, SARIF, GitHub annotations or JUnit XML.

Each reporter is a pure function `render(run, color) -> str`; the command line writes the result.
"""

from __future__ import annotations

from collections.abc import Callable

from checker.lint_command import LintRun
from checker.reporters import text

Renderer = Callable[[LintRun, bool], str]

FORMATS: dict[str, Renderer] = {
    "text": text.render,
}


def _register_optional() -> None:
    # Machine formats live in their own modules; import them here so `FORMATS` lists all.
    import importlib

    for name, module in (
        ("json", "json_report"),
        ("sarif", "sarif"),
        ("github", "github"),
        ("junit", "junit"),
    ):
        try:
            mod = importlib.import_module(f"checker.reporters.{module}")
        except ModuleNotFoundError:
            continue
        FORMATS[name] = mod.render


_register_optional()
