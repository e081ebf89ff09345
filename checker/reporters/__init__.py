"""Reporters: render a lint run as text, JSON, SARIF, GitHub annotations or JUnit XML.

Each reporter is a pure function `render(run, color) -> str` in a module of its own, made of parts
(`stream`: a start, a chunk per document, an end from running totals) which the lint command
renders and writes as the documents are checked. A reporter's module is imported only when its
format is asked for, so start-up does not pay for XML, SARIF or JSON-schema machinery it will not
use.

The HTML evidence report (`html/`) is not a lint format: it is a site of many pages, which
`policycheck report` writes into a directory.
"""

from __future__ import annotations

import importlib
from collections.abc import Callable, Iterator
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from checker.reporters.run import LintRun

Renderer = Callable[["LintRun", bool], str]

MODULES: dict[str, str] = {
    "text": "text",
    "json": "json_report",
    "sarif": "sarif",
    "github": "github",
    "junit": "junit",
}
"""Format name -> module under checker.reporters."""


def renderer(name: str) -> Renderer:
    module = importlib.import_module(f"checker.reporters.{MODULES[name]}")
    render: Renderer = module.render
    return render


class _Formats(dict[str, Renderer]):
    """`FORMATS[name]` imports the reporter on first use; `sorted(FORMATS)` lists the names."""

    def __missing__(self, name: str) -> Renderer:
        if name not in MODULES:
            raise KeyError(name)
        self[name] = found = renderer(name)
        return found

    def __iter__(self) -> Iterator[str]:
        return iter(MODULES)

    def __contains__(self, name: object) -> bool:
        return name in MODULES

    def __len__(self) -> int:
        return len(MODULES)


FORMATS: dict[str, Renderer] = _Formats()
