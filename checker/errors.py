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
import re
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass, field
from functools import lru_cache

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
    "E114": "missing opening brace",
    "E115": "invalid escape in a string",
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
    "E214": "keyword used as a name",
    "E215": "fields that contradict each other",
    "E301": "source text missing or unreadable",
    "E302": "quote not found in the source text",
    "E303": "quote not on the line its citation names",
    "E401": "requirement file is not valid YAML",
    "E402": "requirement file does not match the requirement schema",
    "E403": "condition syntax error",
    "E404": "condition names an unknown field or value",
    "E405": "duplicate requirement id",
    "E406": "unsafe YAML tag, anchor or alias",
    "E501": "invalid configuration",
    "E502": "invalid baseline file",
    "E601": "file not found or unreadable",
    "E602": "file is not valid UTF-8 text",
    "E603": "not a regular file",
    "E604": "invalid command-line usage",
    "E605": "unknown requirement set",
    "E606": "no .policy file to check",
    "E607": "output file already exists",
    "E608": "git is not available here",
    "E609": "unknown git revision",
    "E610": "revision missing from a shallow clone",
}


@dataclass(unsafe_hash=True)  # not frozen: Python sets __traceback__ on a raised exception
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
        # An error of the command line itself (E6xx without a file) is the program's, as
        # argparse words its own: `policycheck: error[E604] ...`.
        path = self.path or ("policycheck" if self.code.startswith("E6") else "<input>")
        if self.span is None:
            return path
        return f"{path}:{self.span.line}:{self.span.column}"

    def sort_key(self) -> tuple[str, int, int, str]:
        span = self.span or Span.point(0, 0)
        return (self.path, span.line, span.column, self.code)

    def at(self, path: str) -> CheckerError:
        """The same error, attributed to `path`."""
        return CheckerError(self.code, self.message, path, self.span, self.expected, self.hint)

    def render(self, text: str | None = None) -> str:
        """`path:line:col: error[CODE] message`, then the line with a caret, expected and hint."""
        # A message may quote the input (a quote, a key): control characters there would reach
        # the terminal as escape sequences, so they are shown escaped like in the excerpt.
        lines = [_printable(str(self))]
        if text is not None and self.span is not None:
            lines.extend(excerpt(text, self.span))
        if self.expected:
            lines.append(_printable(f"   = expected: {self.expected}"))
        if self.hint:
            lines.append(_printable(f"   = help: {self.hint}"))
        return "\n".join(lines)


@dataclass
class ErrorList(Exception):
    """All errors found in one input; raised when a stage cannot produce a result."""

    errors: list[CheckerError] = field(default_factory=list)

    def __str__(self) -> str:
        return "\n".join(str(e) for e in self.sorted())

    def sorted(self) -> list[CheckerError]:
        """The errors by position; the same error reached by two routes is reported once."""
        unique = {(e.code, e.message, e.path, e.span, e.expected, e.hint): e for e in self.errors}
        return sorted(unique.values(), key=CheckerError.sort_key)


MAX_ERRORS = 50
"""Errors shown for one file, as compilers do; the rest are counted in one last error."""


def capped(errors: list[CheckerError], more: int = 0) -> list[CheckerError]:
    """The first MAX_ERRORS errors by position, and in place of the rest (and of `more` errors
    that were only counted) one E109 saying how many there are, at the first of them."""
    ordered = ErrorList(errors).sorted()
    if len(ordered) <= MAX_ERRORS:
        return ordered
    rest = ordered[MAX_ERRORS]
    note = CheckerError(
        "E109",
        f"... and {len(ordered) - MAX_ERRORS + more:,} more errors in this file, from here on "
        f"(only the first {MAX_ERRORS} are shown)",
        rest.path,
        rest.span,
        hint="fix the errors above and run again",
    )
    return [*ordered[:MAX_ERRORS], note]


def excerpt(text: str, span: Span, width: int = 120) -> list[str]:
    """The span's first line with a caret under it; long lines are cut around the column.

    Lines are split at line feeds only, as the parser counts them (`str.splitlines` would also
    split at form feeds and U+2028, putting the caret on the wrong line). Invisible characters are
    shown as escapes and wide (CJK) characters take two columns, and the caret is placed by the
    width of what is shown, so it stays under the right character.
    """
    all_lines = _lines(text)
    if not 1 <= span.line <= len(all_lines) + 1:
        return []
    source = all_lines[span.line - 1] if span.line <= len(all_lines) else ""
    start = min(max(span.column - 1, 0), len(source))
    end = span.end_column - 1 if span.end_line == span.line else len(source)
    end = max(start + 1, min(end, len(source)))
    low, high = 0, len(source)
    if len(source) > width:  # keep the caret on screen for very long lines
        low = max(0, min(start - width // 2, len(source) - width))
        high = low + width
    before = ("…" if low else "") + escape_invisible(source[low:start])
    marked = escape_invisible(source[start : min(end, high)])
    shown = before + marked + escape_invisible(source[min(end, high) : high])
    shown += "…" if high < len(source) else ""
    gutter = str(span.line)
    pad = " " * len(gutter)
    return [
        f" {pad} |",
        f" {gutter} | {shown}".rstrip(),
        f" {pad} | {' ' * display_width(before)}{'^' * max(1, display_width(marked))}",
    ]


@lru_cache(maxsize=8)
def _lines(text: str) -> list[str]:
    """The lines of a text as the parser numbers them; cached, since every error of a file
    renders an excerpt of the same text (re-splitting it per error would be quadratic)."""
    if text.startswith("\ufeff"):  # positions are counted without a byte order mark
        text = text[1:]
    return [line.removesuffix("\r") for line in text.split("\n")]


_INVISIBLE = {"\t": " ", "\r": ""}
_HIDDEN_CATEGORIES = frozenset({"Cc", "Cf", "Zl", "Zp", "Cs", "Co", "Cn"})
# What `terminal_safe` escapes: the C0 and C1 controls but the line feed and tab (a carriage
# return only where it does not end a CRLF line), and the format characters that reorder or hide
# text (bidirectional controls, zero-width characters) and the line and paragraph separators.
_UNSAFE = re.compile(
    "\r\n|[\x00-\x08\x0b-\x1f\x7f-\x9f\xad\u061c\u180e\u200b-\u200f\u2028-\u202e"
    "\u2060-\u206f\ufeff\ufff9-\ufffb]"
)


def escape_invisible(line: str) -> str:
    """Show control, bidirectional and zero-width characters as escapes, so a caret lines up."""
    if line.isprintable():  # no Other or Separator character but the space: nothing to escape
        return line
    out = []
    for ch in line:
        if ch in _INVISIBLE:
            out.append(_INVISIBLE[ch])
        elif is_invisible(ch):
            out.append(escaped(ch))
        else:
            out.append(ch)
    return "".join(out)


def terminal_safe(text: str) -> str:
    """`text` as it may be written to a terminal: control, bidirectional and zero-width characters
    shown as escapes (`\\u001b`), so that no escape sequence in an input reaches the terminal.
    Line feeds, tabs and the carriage return of a CRLF line ending are kept."""
    if text.isprintable():
        return text
    return _UNSAFE.sub(lambda m: m.group() if m.group() == "\r\n" else escaped(m.group()), text)


def escaped(ch: str) -> str:
    """`\\u200b`: how a character that cannot be seen is written in messages."""
    code = ord(ch)
    return f"\\u{code:04x}" if code <= 0xFFFF else f"\\U{code:08x}"


def is_invisible(ch: str) -> bool:
    """Control, format (bidirectional, zero-width), separator, private and unassigned characters."""
    return unicodedata.category(ch) in _HIDDEN_CATEGORIES


def display_width(shown: str) -> int:
    """Terminal columns taken by already escaped text: wide characters take two, marks none."""
    if shown.isascii():  # no ASCII character is wide or combining
        return len(shown)
    width = 0
    for ch in shown:
        if unicodedata.combining(ch):
            continue
        width += 2 if unicodedata.east_asian_width(ch) in ("W", "F") else 1
    return width


def _printable(message: str) -> str:
    return "\n".join(escape_invisible(line) for line in message.split("\n"))


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
