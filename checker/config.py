"""Configuration: `[tool.policycheck]` in pyproject.toml, or `.policycheck.toml`.

The closest file to the linted paths wins (searching upward from the first path, then the current
directory); in one directory `.policycheck.toml` beats `pyproject.toml`. Command-line flags
override the file. An unknown key or a value of the wrong type is an error with file:line.

    [tool.policycheck]
    paths = ["policies"]
    exclude = ["policies/drafts/*"]
    requirements = ["pipl", "gdpr"]      # sets by name, file or directory; default: by jurisdiction
    extra-requirements = ["legal/our-rules"]
    select = ["PIPL"]                     # ids or prefixes
    ignore = ["PIPL-52"]
    fail-on = "warning"                   # error | warning | info
"""

from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from checker.errors import CheckerError, did_you_mean, one_of
from checker.spans import Span

KEYS = {
    "paths": list,
    "exclude": list,
    "requirements": list,
    "extra-requirements": list,
    "select": list,
    "ignore": list,
    "fail-on": str,
}
FAIL_ON = ("error", "warning", "info")


@dataclass(frozen=True)
class Config:
    paths: tuple[str, ...] = ()
    exclude: tuple[str, ...] = ()
    requirements: tuple[str, ...] = ()
    extra_requirements: tuple[str, ...] = ()
    select: tuple[str, ...] = ()
    ignore: tuple[str, ...] = ()
    fail_on: str = "error"
    file: str | None = None
    root: Path = field(default_factory=Path.cwd)
    """Directory of the configuration file; relative paths in it are taken from here."""


def find_config(start: Path) -> Path | None:
    """The closest `.policycheck.toml`, or `pyproject.toml` with a [tool.policycheck] table."""
    start = start.resolve()
    directory = start if start.is_dir() else start.parent
    for folder in (directory, *directory.parents):
        dotfile = folder / ".policycheck.toml"
        if dotfile.is_file():
            return dotfile
        pyproject = folder / "pyproject.toml"
        if pyproject.is_file():
            try:
                text = pyproject.read_text(encoding="utf-8")
            except (OSError, UnicodeDecodeError):
                continue
            if re.search(r"^\[tool\.policycheck\]", text, re.MULTILINE):
                return pyproject
    return None


def load_config(path: Path) -> Config:
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise CheckerError("E501", f"cannot read configuration: {exc}", str(path)) from None
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        line, column = _toml_position(str(exc))
        raise CheckerError("E501", f"not valid TOML: {exc}".split(" (at line")[0], str(path),
                           Span.point(line, column)) from None
    table: Any = data
    if path.name == "pyproject.toml":
        table = data.get("tool", {}).get("policycheck", {})
    elif "tool" in data and "policycheck" in data["tool"]:
        table = data["tool"]["policycheck"]
    if not isinstance(table, dict):
        raise CheckerError("E501", "[tool.policycheck] must be a table", str(path))
    values: dict[str, Any] = {}
    for key, value in table.items():
        span = _key_span(text, key)
        expected_type = KEYS.get(key)
        if expected_type is None:
            raise CheckerError("E501", f"unknown configuration key '{key}'", str(path), span,
                               expected=one_of(KEYS), hint=did_you_mean(key, KEYS))
        if not isinstance(value, expected_type) or (
            expected_type is list and not all(isinstance(v, str) for v in value)
        ):
            what = "a list of strings" if expected_type is list else "a string"
            raise CheckerError("E501", f"'{key}' must be {what}", str(path), span)
        if key == "fail-on" and value not in FAIL_ON:
            raise CheckerError("E501", f"fail-on '{value}' is not one of error, warning, info",
                               str(path), span, hint=did_you_mean(value, FAIL_ON))
        values[key.replace("-", "_")] = tuple(value) if isinstance(value, list) else value
    return Config(file=str(path), root=path.parent, **values)


def _toml_position(message: str) -> tuple[int, int]:
    m = re.search(r"at line (\d+), column (\d+)", message)
    return (int(m.group(1)), int(m.group(2))) if m else (1, 1)


def _key_span(text: str, key: str) -> Span | None:
    m = re.search(rf"^[ \t]*\"?{re.escape(key)}\"?[ \t]*=", text, re.MULTILINE)
    if not m:
        return None
    line = text.count("\n", 0, m.start()) + 1
    column = m.start() - text.rfind("\n", 0, m.start())
    column += len(m.group()) - len(m.group().lstrip())
    return Span(line=line, column=column, end_line=line, end_column=column + len(key))
