"""A condition's syntax tree as plain data: what the compiler reads.

Lark parses a condition (grammar/condition.lark) into its own `Tree` and `Token` objects; they are
turned into the small frozen types below at once. The same tree is written into the store of
compiled requirement sets as nested lists (`to_data`) and read back from it (`from_data`), so a run
that finds its sets stored compiles them without loading Lark at all.

A node keeps the grammar's rule name and its children in the grammar's order, with `None` where an
optional part (a quantifier's `where` or `satisfies`) is absent; a word keeps its token type, its
text and its column, which is what the compiler's error messages point at. One thing differs
from Lark's tree: a chain of one operator, `a and b and c`, which Lark nests one level per
operator, is one node with every operand as a child, so a long chain is no deeper than a short one
(for the compiler, which evaluates it as one test, and for JSON, which nests lists).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Union


@dataclass(frozen=True, slots=True)
class Word:
    """A token of a condition; `type` is its terminal in the grammar (NAME, OPERATOR, ...)."""

    type: str
    value: str
    column: int

    def __str__(self) -> str:
        return self.value


@dataclass(frozen=True, slots=True)
class Node:
    """A rule of the grammar (`and_`, `compare`, `quantified`, ...) with its children."""

    rule: str
    children: tuple[Child, ...]
    column: int


Child = Union[Node, Word, None]  # noqa: UP007 - a runtime alias, read before `Node` is complete


def from_lark(tree: Any) -> Node:
    """The plain tree of a Lark parse (`propagate_positions=True`, so every rule has a column)."""
    # Iterative, as the other two below: a chain of `and`s nests one level per operator, and a
    # long chain must not exhaust Python's recursion (below, such a chain becomes one node).
    built: dict[int, Node] = {}
    for t in _bottom_up(tree, lambda t: [c for c in t.children if hasattr(c, "data")]):
        children: list[Child] = []
        for c in t.children:
            child = None if c is None else built[id(c)] if hasattr(c, "data") else _word(c)
            if t.data in _CHAINS and isinstance(child, Node) and child.rule == t.data:
                children += child.children
            else:
                children.append(child)
        meta = t.meta
        column = 1 if meta.empty else getattr(meta, "column", 1)
        built[id(t)] = Node(str(t.data), tuple(children), column)
    return built[id(tree)]


_CHAINS = ("and_", "or_")


def _word(token: Any) -> Word:
    return Word(token.type, str(token), token.column or 1)


def to_data(node: Node) -> list[Any]:
    """Nested lists for JSON: a node is `[rule, column, child, ...]`, a word `[[type, value,
    column]]` (a one-item list, so the two cannot be mistaken), an absent part `null`."""
    built: dict[int, list[Any]] = {}
    for n in _bottom_up(node, lambda n: [c for c in n.children if isinstance(c, Node)]):
        children = [
            None
            if c is None
            else [[c.type, c.value, c.column]]
            if isinstance(c, Word)
            else built[id(c)]
            for c in n.children
        ]
        built[id(n)] = [n.rule, n.column, *children]
    return built[id(node)]


def from_data(data: Any) -> Node:
    """The node `to_data` wrote; raises ValueError or TypeError on anything else."""
    built: dict[int, Node] = {}
    for d in _bottom_up(data, _node_children_data):
        rule, column, *children = d
        if not isinstance(rule, str) or type(column) is not int:
            raise ValueError("not a condition node")
        built[id(d)] = Node(rule, tuple(_child_from(c, built) for c in children), column)
    return built[id(data)]


def _node_children_data(data: Any) -> list[Any]:
    if not isinstance(data, list) or len(data) < 2:
        raise ValueError("not a condition node")
    return [c for c in data[2:] if isinstance(c, list) and len(c) != 1]


def _child_from(data: Any, built: dict[int, Node]) -> Child:
    if data is None:
        return None
    if isinstance(data, list) and len(data) == 1:
        kind, value, column = data[0]
        if not (isinstance(kind, str) and isinstance(value, str) and type(column) is int):
            raise ValueError("not a condition word")
        return Word(kind, value, column)
    if id(data) not in built:
        raise ValueError("not a condition node")
    return built[id(data)]


def _bottom_up(root: Any, children: Any) -> list[Any]:
    """Every node under `root`, each after all of its children."""
    order: list[Any] = []
    stack = [root]
    while stack:
        node = stack.pop()
        order.append(node)
        stack.extend(children(node))
    return order[::-1]
