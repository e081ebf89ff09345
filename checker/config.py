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
    baseline = "policycheck-baseline.json"  # report only findings not recorded there
    source-roots = ["../notices"]         # more folders a policy's `source` may point into

A policy's notice (`source = "..."`) must lie, after symbolic links, inside the project root: the
directory of this file (without one, the git work tree holding the policy, else the policy's own
directory). `source-roots` adds folders, relative to this file; anything else is refused (E301),
since a policy from an untrusted change could otherwise quote any readable file back.
"""

from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from checker.errors import CheckerError, did_you_mean, one_of
from checker.spans import Span, end_of_text

KEYS = {
    "paths": list,
    "exclude": list,
    "requirements": list,
    "extra-requirements": list,
    "select": list,
    "ignore": list,
    "fail-on": str,
    "baseline": str,
    "source-roots": list,
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
    baseline: str | None = None
    """The findings baseline, relative to `root`."""
    source_roots: tuple[str, ...] = ()
    """More folders, relative to the configuration file, that notices may lie in."""
    file: str | None = None
    root: Path = field(default_factory=Path.cwd)
    """Directory of the configuration file; relative paths in it are taken from here."""

    @property
    def roots(self) -> tuple[Path, ...]:
        """Where policies' notices may lie: this file's directory and `source-roots`; nothing
        without a configuration file (then each policy's own project root applies)."""
        if self.file is None:
            return ()
        return (self.root, *(self.root / extra for extra in self.source_roots))

    def rooted(self, values: tuple[str, ...]) -> tuple[str, ...]:
        """Requirement sets as named in this file: names stay names, paths are taken from
        the file's directory."""
        return tuple(
            v if "/" not in v and not v.endswith((".yaml", ".yml")) else str(self.root / v)
            for v in values
        )


def find_config(start: Path) -> Path | None:
    """The closest `.policycheck.toml`, or `pyproject.toml` with a [tool.policycheck] table.

    A pyproject.toml is read as TOML, so the table is found however it is written
    (`[ tool.policycheck ]`, `[tool]` with `policycheck = {...}`, dotted keys). One that cannot
    be read or is not valid TOML is returned all the same: whether it configures policycheck
    cannot be known, and `load_config` reports why it cannot be used, with a position.
    """
    start = start.resolve()
    directory = start if start.is_dir() else start.parent
    for folder in (directory, *directory.parents):
        dotfile = folder / ".policycheck.toml"
        if dotfile.is_file():
            return dotfile
        pyproject = folder / "pyproject.toml"
        if pyproject.is_file():
            try:
                data = _parse(pyproject)[1]
            except CheckerError:
                return pyproject
            tool = data.get("tool")
            if isinstance(tool, dict) and "policycheck" in tool:
                return pyproject
    return None


def load_config(path: Path) -> Config:
    text, data = _parse(path)
    table, tables = _policycheck_table(data, text, path)
    values: dict[str, Any] = {}
    for key, value in table.items():
        span = _key_span(text, key, tables) or _table_span(text, tables)
        expected_type = KEYS.get(key)
        if expected_type is None:
            raise CheckerError(
                "E501",
                f"unknown configuration key '{key}'",
                str(path),
                span,
                expected=one_of(KEYS),
                hint=did_you_mean(key, KEYS),
            )
        if not isinstance(value, expected_type) or (
            expected_type is list and not all(isinstance(v, str) for v in value)
        ):
            what = "a list of strings" if expected_type is list else "a string"
            raise CheckerError(
                "E501", f"'{key}' must be {what}, not {_toml_kind(value)}", str(path), span
            )
        if key == "fail-on" and value not in FAIL_ON:
            raise CheckerError(
                "E501",
                f"fail-on '{value}' is not one of error, warning, info",
                str(path),
                span,
                hint=did_you_mean(value, FAIL_ON),
            )
        if isinstance(value, list) and "" in value:
            raise CheckerError(
                "E501",
                f"'{key}' holds an empty string",
                str(path),
                entry_span(path, key, "") or span,
                expected="a path, a pattern or an id; or leave the entry out",
            )
        if key == "exclude":
            _check_patterns(value, path, span)
        values[key.replace("-", "_")] = tuple(value) if isinstance(value, list) else value
    return Config(file=str(path), root=path.parent, **values)


def _check_patterns(patterns: list[str], path: Path, span: Span | None) -> None:
    """Every `exclude` entry is a pattern `Path.match` takes (`.` is an empty one)."""
    for pattern in patterns:
        try:
            Path("x").match(pattern)
        except ValueError as exc:
            raise CheckerError(
                "E501",
                f"exclude pattern '{pattern}' is not a path pattern: {exc}",
                str(path),
                entry_span(path, "exclude", pattern) or span,
                expected="a glob pattern such as 'policies/drafts/*'",
            ) from None


def _parse(path: Path) -> tuple[str, dict[str, Any]]:
    """The text of a configuration file and its TOML, or E501 saying where it breaks."""
    from checker.files import read_text

    try:
        text = read_text(path)
    except CheckerError as exc:
        raise CheckerError(
            "E501",
            f"cannot read configuration: {exc.message}",
            str(path),
            exc.span,
            expected=exc.expected,
            hint=exc.hint,
        ) from None
    try:
        return text, tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        message = re.sub(r" \(at (line \d+, column \d+|end of document)\)$", "", str(exc))
        raise CheckerError(
            "E501", f"not valid TOML: {message}", str(path), _toml_position(text, str(exc))
        ) from None
    except RecursionError:  # tomllib descends once per nested array or inline table
        raise CheckerError(
            "E501",
            "not valid TOML here: arrays or tables nested too deeply",
            str(path),
            _deepest(text),
            expected=f"at most {MAX_DEPTH} levels of nesting",
        ) from None


MAX_DEPTH = 100
"""Nesting deeper than this is reported at the bracket that goes past it (tomllib itself stops
only when the interpreter's recursion limit is reached)."""


def _deepest(text: str) -> Span:
    """Where brackets first nest deeper than MAX_DEPTH, skipping strings and comments (roughly:
    this only locates an error tomllib has already found)."""
    depth, line, column, quote = 0, 1, 0, ""
    escaped = in_comment = False
    for ch in text:
        column += 1
        if ch == "\n":
            line, column, in_comment = line + 1, 0, False
            continue
        if in_comment:
            continue
        if quote:
            if escaped:
                escaped = False
            elif ch == "\\" and quote == '"':
                escaped = True
            elif ch == quote:
                quote = ""
        elif ch in "\"'":
            quote = ch
        elif ch == "#":
            in_comment = True
        elif ch in "[{":
            depth += 1
            if depth > MAX_DEPTH:
                return Span.point(line, column)
        elif ch in "]}":
            depth -= 1
    return end_of_text(text)


def entry_span(path: Path, key: str, value: str) -> Span | None:
    """Where the string `value` of the list `key` is written in a configuration file (for an
    error about one entry); None if it cannot be found."""
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError):
        return None
    tables = ("tool.policycheck",) if path.name == "pyproject.toml" else ("", "tool.policycheck")
    start = _key_span(text, key, tables) or _table_span(text, tables)
    if start is None:
        return None
    lines = text.split("\n")
    literal = re.compile(rf"([\"']){re.escape(value)}\1")
    for number in range(start.line, len(lines) + 1):
        line = lines[number - 1]
        m = literal.search(line, start.column - 1 if number == start.line else 0)
        if m:
            return Span(number, m.start() + 1, number, m.end() + 1)
    return start


def _policycheck_table(
    data: dict[str, Any], text: str, path: Path
) -> tuple[dict[str, Any], tuple[str, ...]]:
    """The policycheck table and the TOML table names it may be written under."""
    tool = data.get("tool")
    if path.name == "pyproject.toml" and tool is not None and not isinstance(tool, dict):
        raise CheckerError(
            "E501", "'tool' must be a table", str(path), _key_span(text, "tool", ("",))
        )
    if path.name == "pyproject.toml" or (isinstance(tool, dict) and "policycheck" in tool):
        table = (tool or {}).get("policycheck", {})
        if not isinstance(table, dict):
            span = _key_span(text, "policycheck", ("tool",)) or _key_span(text, "tool", ("",))
            raise CheckerError("E501", "[tool.policycheck] must be a table", str(path), span)
        return table, ("tool.policycheck",)
    return data, ("",)


def _toml_kind(value: Any) -> str:
    if isinstance(value, bool):
        return "true or false"
    if isinstance(value, str):
        return "a string"
    if isinstance(value, int | float):
        return "a number"
    if isinstance(value, dict):
        return "a table"
    if isinstance(value, list):
        other = next((v for v in value if not isinstance(v, str)), None)
        return f"a list holding {_toml_kind(other)}" if other is not None else "a list"
    return "a date or time"


def _toml_position(text: str, message: str) -> Span:
    m = re.search(r"at line (\d+), column (\d+)", message)
    if m:
        return Span.point(int(m.group(1)), int(m.group(2)))
    return end_of_text(text)  # "at end of document"


_HEADER = re.compile(r"\s*\[\[?([^\]]*)\]\]?\s*(#.*)?$")


def _key_span(text: str, key: str, tables: tuple[str, ...]) -> Span | None:
    """Where `key` is written in one of `tables` (names like "tool.policycheck"; "" is the top):
    a `key = ...` line under the table's header, or a `[table.key]` header of its own."""
    current = ""
    own_headers = {f"{table}.{key}".lstrip(".") for table in tables}
    for number, line in enumerate(text.split("\n"), start=1):
        header = _HEADER.match(line)
        if header:
            current = _table_name(header.group(1))
            if current in own_headers:
                column = line.index("[") + 1
                return Span(
                    line=number, column=column, end_line=number, end_column=len(line.rstrip()) + 1
                )
            continue
        if current not in tables:
            continue
        m = re.match(rf"[ \t]*([\"']?){re.escape(key)}\1[ \t]*[=.]", line)
        if m:
            column = len(line) - len(line.lstrip()) + 1
            width = len(key) + 2 * len(m.group(1))
            return Span(line=number, column=column, end_line=number, end_column=column + width)
    return None


def _table_span(text: str, tables: tuple[str, ...]) -> Span | None:
    """Where the policycheck table is opened when a key of it cannot be placed (an inline table,
    `[tool]` with `policycheck = {...}`): the `policycheck` key, else the `tool` key."""
    if "tool.policycheck" not in tables:
        return None
    return _key_span(text, "policycheck", ("tool",)) or _key_span(text, "tool", ("",))


def _table_name(header: str) -> str:
    """`[ tool . "policycheck" ]` -> tool.policycheck"""
    return ".".join(part.strip().strip("\"'") for part in header.split("."))
