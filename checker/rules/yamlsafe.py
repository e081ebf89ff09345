"""Safe YAML with positions: requirement and configuration files are data, never code.

Files are composed with PyYAML's safe loader and turned into plain Python values here, so that
every value keeps its line and column for error messages. Only the standard scalar tags are
accepted (a `!!python/...` or any other tag is refused before anything is built), and anchors and
aliases are refused outright: requirement files do not need them, and refusing them rules out
alias bombs. Values are built from the parser's events without recursion, and nesting is limited.
"""

from __future__ import annotations

import bisect
import re
from dataclasses import dataclass, field
from typing import Any

import yaml

from checker.errors import CheckerError, escaped
from checker.spans import Span, position_at

_SCALAR_TAGS = {
    "tag:yaml.org,2002:str",
    "tag:yaml.org,2002:int",
    "tag:yaml.org,2002:float",
    "tag:yaml.org,2002:bool",
    "tag:yaml.org,2002:null",
    "tag:yaml.org,2002:timestamp",
}
MAX_NODES = 200_000
MAX_DEPTH = 64
"""Mappings and lists nest at most this deep (requirement files use four or five levels)."""
# libyaml's safe loader when PyYAML was built with it (ten times faster; same node tree and marks).
_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)

Location = tuple[str | int, ...]
Mark = Any
"""A position in the YAML text: libyaml and PyYAML have a class each; events always carry one."""


@dataclass
class Located:
    """A loaded document and the position of every value in it, by its path of keys/indices."""

    value: Any
    positions: dict[Location, Span] = field(default_factory=dict)

    def span(self, location: Location) -> Span | None:
        """The position of `location`, or of its nearest enclosing value."""
        loc = tuple(location)
        while loc and loc not in self.positions:
            loc = loc[:-1]
        return self.positions.get(loc)


def load_located(text: str, path: str, code: str = "E401") -> Located:
    """Parse one YAML document safely, or raise `CheckerError` with the position of the problem."""
    text = text.removeprefix("\ufeff")  # positions are counted without a byte order mark
    located = Located(None)
    lines = _Lines(text)
    builder = _Builder(path, located.positions, lines)
    try:
        for event in yaml.parse(text, Loader=_LOADER):
            builder.feed(event)
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        span = lines.span(mark, mark) if mark else None
        raise CheckerError(code, f"not valid YAML: {exc.problem or exc}", path, span) from None
    except yaml.reader.ReaderError as exc:  # a character YAML does not allow (NUL, ...)
        # libyaml counts `position` in bytes of UTF-8, PyYAML in characters: find the character.
        at = text.find(chr(exc.character)) if isinstance(exc.character, int) else -1
        line, column = position_at(text, at if at >= 0 else exc.position)
        raise CheckerError(
            code,
            f"not valid YAML: character {escaped(chr(exc.character))} is not allowed"
            if isinstance(exc.character, int)
            else f"not valid YAML: {exc.reason}",
            path,
            Span.point(line, column),
        ) from None
    except yaml.YAMLError as exc:
        raise CheckerError(code, f"not valid YAML: {exc}", path) from None
    located.value = builder.result
    return located


class _Lines:
    """Line and column of a character offset, counted at line feeds only.

    YAML's own marks also break lines at a lone carriage return, U+0085, U+2028 and U+2029,
    which editors, the excerpt under an error and the rest of policycheck do not; so spans are
    taken from the marks' character offsets instead (one table, a binary search per mark).
    """

    def __init__(self, text: str) -> None:
        self.starts = [0] + [m.end() for m in re.finditer("\n", text)]

    def position(self, mark: Mark) -> tuple[int, int]:
        line = bisect.bisect_right(self.starts, mark.index)
        return line, mark.index - self.starts[line - 1] + 1

    def span(self, start: Mark, end: Mark) -> Span:
        line, column = self.position(start)
        end_line, end_column = self.position(end)
        if end_line == line:  # at least one character wide
            end_column = max(end_column, column + 1)
        return Span(line=line, column=column, end_line=end_line, end_column=end_column)


def _shown_tag(tag: str) -> str:
    return "!!" + tag.removeprefix(_YAML_TAG) if tag.startswith(_YAML_TAG) else tag


_YAML_TAG = "tag:yaml.org,2002:"
_NO_KEY: Any = object()


@dataclass
class _Open:
    """A mapping or sequence whose end has not been read yet."""

    location: Location
    start: Mark
    value: dict[Any, Any] | list[Any]
    key: Any = _NO_KEY
    """In a mapping: the key read, waiting for its value."""


@dataclass
class _Builder:
    """Builds plain values from parser events, without recursion.

    PyYAML's composer and libyaml's are recursive: deeply nested input exhausts Python's stack,
    and libyaml's crashes the interpreter (a segmentation fault at 50,000 nested '['). Their
    scanners also slow down quadratically with depth. Reading events and refusing anything nested
    deeper than MAX_DEPTH as soon as it opens avoids all three.
    """

    path: str
    positions: dict[Location, Span]
    lines: _Lines
    result: Any = None
    stack: list[_Open] = field(default_factory=list)
    count: int = 0
    documents: int = 0
    resolver: yaml.resolver.Resolver = field(default_factory=yaml.resolver.Resolver)
    constructor: yaml.SafeLoader = field(default_factory=lambda: yaml.SafeLoader(""))

    def refuse(self, start: Mark, end: Mark, message: str, code: str = "E402") -> CheckerError:
        return CheckerError(code, message, self.path, self.lines.span(start, end))

    def feed(self, event: yaml.Event) -> None:
        if isinstance(event, yaml.StreamStartEvent | yaml.StreamEndEvent | yaml.DocumentEndEvent):
            return
        if isinstance(event, yaml.DocumentStartEvent):
            self.documents += 1
            if self.documents > 1:
                raise self.refuse(
                    event.start_mark,
                    event.end_mark,
                    "a file holds one YAML document; remove the second '---'",
                )
            return
        if isinstance(event, yaml.AliasEvent) or getattr(event, "anchor", None) is not None:
            raise self.refuse(
                event.start_mark,
                event.end_mark,
                "anchors and aliases (&name, *name) are not allowed here",
                "E406",
            )
        if isinstance(event, yaml.CollectionEndEvent):
            done = self.stack.pop()
            self.place(done.value, done.start, event.end_mark)
            return
        self.count += 1
        if self.count > MAX_NODES:
            raise self.refuse(
                event.start_mark,
                event.end_mark,
                f"more than {MAX_NODES} values in one file",
                "E109",
            )
        if isinstance(event, yaml.ScalarEvent):
            self.place(self.scalar(event), event.start_mark, event.end_mark)
            return
        assert isinstance(event, yaml.CollectionStartEvent)
        is_map = isinstance(event, yaml.MappingStartEvent)
        default = _YAML_TAG + ("map" if is_map else "seq")
        if event.tag not in (None, "!", default):
            raise self.refuse(
                event.start_mark,
                event.end_mark,
                f"tag {_shown_tag(event.tag)} is not allowed (files are data only)",
                "E406",
            )
        top = self.stack[-1] if self.stack else None
        if top is not None and isinstance(top.value, dict) and top.key is _NO_KEY:
            raise self.refuse(event.start_mark, event.end_mark, "mapping keys must be plain words")
        if len(self.stack) >= MAX_DEPTH:
            raise self.refuse(
                event.start_mark,
                event.end_mark,
                f"values nested more than {MAX_DEPTH} deep",
                "E109",
            )
        self.stack.append(_Open(self._child_location(), event.start_mark, {} if is_map else []))

    def _child_location(self) -> Location:
        if not self.stack:
            return ()
        top = self.stack[-1]
        if isinstance(top.value, list):
            return (*top.location, len(top.value))
        return (*top.location, top.key)

    def place(self, value: Any, start: Mark, end: Mark) -> None:
        """Put a finished value where it belongs: the document, a list, or a mapping."""
        span = self.lines.span(start, end)
        if not self.stack:
            self.result = value
            self.positions[()] = span
            return
        top = self.stack[-1]
        if isinstance(top.value, list):
            self.positions[(*top.location, len(top.value))] = span
            top.value.append(value)
        elif top.key is _NO_KEY:
            if not isinstance(value, str | int):
                raise self.refuse(start, end, "mapping keys must be plain words")
            if value in top.value:
                raise self.refuse(start, end, f"key '{value}' appears twice")
            self.positions[(*top.location, "<key>")] = span
            top.key = value
        else:
            self.positions[(*top.location, top.key)] = span
            top.value[top.key] = value
            top.key = _NO_KEY

    def scalar(self, event: yaml.ScalarEvent) -> Any:
        tag = event.tag
        if tag is None or tag == "!":
            resolved: str = self.resolver.resolve(  # type: ignore[no-untyped-call]
                yaml.ScalarNode, event.value, event.implicit
            )
            tag = resolved
        if tag not in _SCALAR_TAGS:
            raise self.refuse(
                event.start_mark,
                event.end_mark,
                f"tag {_shown_tag(tag)} is not allowed (files are data only)",
                "E406",
            )
        start: Mark = event.start_mark
        end: Mark = event.end_mark
        node = yaml.ScalarNode(tag, event.value, start, end, event.style)
        try:
            return self.constructor.construct_object(node, deep=True)
        except (
            ValueError,
            TypeError,
            LookupError,
            ArithmeticError,
            AttributeError,
            yaml.YAMLError,
        ):
            # An implicit timestamp like 2024-13-45, `!!int abc`, an empty `!!int`: the text is
            # not what its tag says it is (PyYAML's constructors fail in all these ways).
            value = event.value if len(event.value) <= 40 else event.value[:39] + "…"
            raise CheckerError(
                "E401",
                f"'{value}' is not a valid {_shown_tag(tag).removeprefix('!!')}",
                self.path,
                self.lines.span(event.start_mark, event.end_mark),
                hint="put it in quotes to keep it as text",
            ) from None
