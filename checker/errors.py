"""Errors as values: every problem with an input is a `CheckerError` with a code, a span and advice.

Errors are collected, sorted by position and rendered the way a compiler does:

    policies/acme.policy:3:3: error[E202] unknown field 'destinaton' in a transfer
       |
     3 |   destinaton = outside_cn
       |   ^^^^^^^^^^
       = expected: one of consent, data, destination, ...
       = help: did you mean 'destination'?

Codes are stable: `E1xx` syntax, `E2xx` meaning of a policy, `E3xx` quotes and source texts,
`E4xx` requirement files, `E5xx` configuration, `E6xx` files and usage. Each code has an entry in
docs/errors.md, printed by `policycheck explain CODE`.
"""

from __future__ import annotations

import difflib
from collections.abc import Iterable
from dataclasses import dataclass, field

from checker.spans import Span

# code -> short title. docs/errors.md has one section per code; a test keeps the two in step.
CATALOGUE: dict[str, str] = {
    "E100": "syntax error",
    "E101": "unterminated string",
    "E102": "missing closing brace",
    "E103": "':' used instead of '='",
    "E104": "a value where a block is expected",
    "E105": "missing value",
    "E106": "unexpected character",
    "E107": "misspelt keyword",
    "E108": "unmatched closing brace",
    "E109": "input nested or sized beyond the limits",
    "E110": "missing '=' between a field and its value",
    "E111": "incomplete citation",
    "E112": "missing ',' between list items",
    "E113": "field or citation outside a block",
    "E201": "unknown statement kind",
    "E202": "unknown field",
    "E203": "value of the wrong type",
    "E204": "unknown value",
    "E205": "unknown data category",
    "E206": "duplicate name",
    "E207": "reference to something not defined",
    "E208": "missing required field",
    "E209": "missing document header",
    "E210": "fact without a citation",
    "E211": "field given twice",
    "E212": "invalid data category extension",
    "E213": "invalid waiver",
    "E301": "source text missing or unreadable",
    "E302": "quote not found in the source text",
    "E401": "requirement file is not valid YAML",
    "E402": "requirement file does not match the requirement schema",
    "E403": "condition syntax error",
    "E404": "condition names an unknown field or value",
    "E405": "duplicate requirement id",
    "E406": "unsafe YAML tag",
    "E501": "invalid configuration",
    "E601": "file not found or unreadable",
    "E602": "file is not valid UTF-8 text",
    "E603": "not a regular file",
    "E604": "invalid command-line usage",
    "E605": "unknown requirement set",
}


@dataclass(order=False)  # not frozen: Python sets __traceback__ on a raised exception
class CheckerError(Exception):
    """One problem in one input file, at one position."""

    code: str
    message: str
    path: str = ""
    span: Span | None = None
    expected: str | None = None
    hint: str | None = None

    def __post_init__(self) -> None:
        assert self.code in CATALOGUE, self.code

    def __str__(self) -> str:
        return f"{self.location}: error[{self.code}] {self.message}"

    @property
    def location(self) -> str:
        if self.span is None:
            return self.path or "<input>"
        return f"{self.path or '<input>'}:{self.span.line}:{self.span.column}"

    def sort_key(self) -> tuple[str, int, int, str]:
        span = self.span or Span.point(0, 0)
        return (self.path, span.line, span.column, self.code)

    def at(self, path: str) -> CheckerError:
        """The same error, attributed to `path`."""
        return CheckerError(self.code, self.message, path, self.span, self.expected, self.hint)

    def render(self, text: str | None = None) -> str:
        """`path:line:col: error[CODE] message`, then the line with a caret, expectation and hint."""
        lines = [str(self)]
        if text is not None and self.span is not None:
            lines.extend(excerpt(text, self.span))
        if self.expected:
            lines.append(f"   = expected: {self.expected}")
        if self.hint:
            lines.append(f"   = help: {self.hint}")
        return "\n".join(lines)


@dataclass
class ErrorList(Exception):
    """All errors found in one input; raised when a stage cannot produce a result."""

    errors: list[CheckerError] = field(default_factory=list)

    def __str__(self) -> str:
        return "\n".join(str(e) for e in self.sorted())

    def sorted(self) -> list[CheckerError]:
        return sorted(self.errors, key=CheckerError.sort_key)


def excerpt(text: str, span: Span, width: int = 120) -> list[str]:
    """The span's first line with a caret under it; long lines are cut around the column."""
    all_lines = text.splitlines() or [""]
    if not 1 <= span.line <= len(all_lines) + 1:
        return []
    source = all_lines[span.line - 1] if span.line <= len(all_lines) else ""
    start = span.column - 1
    length = span.end_column - span.column if span.end_line == span.line else len(source) - start
    length = max(1, min(length, width))
    shift = 0
    if len(source) > width:  # keep the caret on screen for very long lines
        shift = max(0, start - width // 2)
        source = ("…" if shift else "") + source[shift : shift + width]
        if shift:
            shift -= 1
    shown = escape_invisible(source)
    gutter = str(span.line)
    pad = " " * len(gutter)
    return [
        f" {pad} |",
        f" {gutter} | {shown}",
        f" {pad} | {' ' * (start - shift)}{'^' * length}",
    ]


_INVISIBLE = {"\t": " ", "\r": ""}


def escape_invisible(line: str) -> str:
    """Show control, bidirectional and zero-width characters as escapes, so a caret lines up."""
    out = []
    for ch in line:
        if ch in _INVISIBLE:
            out.append(_INVISIBLE[ch])
        elif is_invisible(ch):
            out.append(f"\\u{ord(ch):04x}")
        else:
            out.append(ch)
    return "".join(out)


def is_invisible(ch: str) -> bool:
    code = ord(ch)
    return (
        code < 0x20
        or code == 0x7F
        or 0x200B <= code <= 0x200F
        or 0x202A <= code <= 0x202E
        or 0x2066 <= code <= 0x2069
        or code == 0xFEFF
    )


def did_you_mean(word: str, choices: Iterable[str]) -> str | None:
    """A close match for a misspelt word, phrased as advice, or None."""
    options = sorted(set(choices))
    match = difflib.get_close_matches(word, options, n=1, cutoff=0.6)
    if not match:
        lowered = {c.lower(): c for c in options}
        if word.lower() in lowered:
            match = [lowered[word.lower()]]
    return f"did you mean '{match[0]}'?" if match else None


def one_of(choices: Iterable[str], limit: int = 12) -> str:
    options = sorted(set(choices))
    shown = ", ".join(options[:limit])
    return f"one of {shown}" + (f", … ({len(options)} in all)" if len(options) > limit else "")
