"""The evidence report: a static HTML site of verdicts, findings and the notices' own words.

`render_overview`, `render_notice` and `render_requirement` turn the pages worked out in `model`
into HTML with the Jinja2 templates beside this module; `assets` are the stylesheet and script the
pages link to. Templates escape everything they
are given (notice text and quotes are untrusted input): autoescaping is on for every template.
This package is imported only by `policycheck report`, so no other command pays for Jinja2.
"""

from __future__ import annotations

from functools import cache
from pathlib import Path

import jinja2

from checker.reporters.html.model import (
    STATUS_CLASS,
    STATUS_ORDER,
    STATUS_SYMBOL,
    STATUS_WORD,
    NoticePage,
    Overview,
    RequirementPage,
)

HERE = Path(__file__).resolve().parent
ASSETS = ("report.css", "report.js")
"""Files of `static/` that every page links to (copied to the report's `assets/`)."""


@cache
def _environment() -> jinja2.Environment:
    env = jinja2.Environment(
        loader=jinja2.FileSystemLoader(HERE / "templates"),
        autoescape=True,
        trim_blocks=True,
        lstrip_blocks=True,
        undefined=jinja2.StrictUndefined,
    )
    env.globals.update(
        STATUS_CLASS=STATUS_CLASS,
        STATUS_SYMBOL=STATUS_SYMBOL,
        STATUS_WORD=STATUS_WORD,
        STATUS_ORDER=STATUS_ORDER,
    )
    env.filters["safe_url"] = _safe_url
    return env


def _safe_url(url: str | None) -> str | None:
    """Only web links leave the report: a `javascript:` or `file:` link in a requirement file
    is not followed."""
    return url if url and url.startswith(("https://", "http://")) else None


def render_overview(overview: Overview) -> str:
    """`index.html`."""
    return _environment().get_template("overview.html").render(o=overview, root="")


def render_notice(page: NoticePage) -> str:
    """`notices/{page.slug}.html`."""
    return _environment().get_template("notice.html").render(n=page, root="../")


def render_requirement(page: RequirementPage) -> str:
    """`requirements/{page.file}.html`."""
    return _environment().get_template("requirement.html").render(r=page, root="../")


def assets() -> dict[str, bytes]:
    """The static files: name -> bytes (written to the report's `assets/`)."""
    return {name: (HERE / "static" / name).read_bytes() for name in ASSETS}
