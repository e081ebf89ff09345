"""Safe YAML with positions: requirement and configuration files are data, never code.

Files are composed with PyYAML's safe loader and turned into plain Python values here, so that
every value keeps its line and column for error messages. Only the standard scalar tags are
accepted (a `!!python/...` or any other tag is refused before anything is built), and anchors and
aliases are refused outright: requirement files do not need them, and refusing them rules out
alias bombs.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import yaml

from checker.errors import CheckerError
from checker.spans import Span

_SCALAR_TAGS = {
    "tag:yaml.org,2002:str",
    "tag:yaml.org,2002:int",
    "tag:yaml.org,2002:float",
    "tag:yaml.org,2002:bool",
    "tag:yaml.org,2002:null",
    "tag:yaml.org,2002:timestamp",
}
MAX_NODES = 200_000
# libyaml's safe loader when PyYAML was built with it (ten times faster; same node tree and marks).
_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)

Location = tuple[str | int, ...]


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
    try:
        node = yaml.compose(text, Loader=_LOADER)
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        span = Span.point(mark.line + 1, mark.column + 1) if mark else None
        raise CheckerError(code, f"not valid YAML: {exc.problem or exc}", path, span) from None
    except yaml.YAMLError as exc:
        raise CheckerError(code, f"not valid YAML: {exc}", path) from None
    located = Located(None)
    if node is None:
        return located
    builder = _Builder(path, located.positions)
    located.value = builder.build(node, ())
    return located


def _span(node: yaml.Node) -> Span:
    start, end = node.start_mark, node.end_mark
    return Span(
        line=start.line + 1,
        column=start.column + 1,
        end_line=end.line + 1,
        end_column=max(end.column + 1, start.column + 2) if end.line == start.line else end.column + 1,
    )


@dataclass
class _Builder:
    path: str
    positions: dict[Location, Span]
    seen: set[int] = field(default_factory=set)
    count: int = 0
    constructor: yaml.SafeLoader = field(default_factory=lambda: yaml.SafeLoader(""))

    def refuse(self, node: yaml.Node, message: str, code: str = "E402") -> CheckerError:
        return CheckerError(code, message, self.path, _span(node))

    def build(self, node: yaml.Node, location: Location) -> Any:
        if id(node) in self.seen:
            raise self.refuse(node, "anchors and aliases (&name, *name) are not allowed here")
        self.seen.add(id(node))
        self.count += 1
        if self.count > MAX_NODES:
            raise self.refuse(node, f"more than {MAX_NODES} values in one file", "E109")
        self.positions[location] = _span(node)
        if isinstance(node, yaml.MappingNode):
            if node.tag != "tag:yaml.org,2002:map":
                raise self.refuse(node, f"tag {node.tag} is not allowed", "E406")
            result: dict[Any, Any] = {}
            for key_node, value_node in node.value:
                key = self.build(key_node, location + ("<key>",))
                if not isinstance(key, str | int):
                    raise self.refuse(key_node, "mapping keys must be plain words")
                if key in result:
                    raise self.refuse(key_node, f"key '{key}' appears twice")
                self.positions[location + (key,)] = _span(value_node)
                result[key] = self.build(value_node, location + (key,))
            self.positions[location] = _span(node)
            return result
        if isinstance(node, yaml.SequenceNode):
            if node.tag != "tag:yaml.org,2002:seq":
                raise self.refuse(node, f"tag {node.tag} is not allowed", "E406")
            return [self.build(child, location + (i,)) for i, child in enumerate(node.value)]
        assert isinstance(node, yaml.ScalarNode)
        if node.tag not in _SCALAR_TAGS:
            raise self.refuse(node, f"tag {node.tag} is not allowed (files are data only)", "E406")
        return self.constructor.construct_object(node, deep=True)
