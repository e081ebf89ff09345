"""The outline (document symbols), folding ranges, go to definition (a reference to the statement
it names, a quote to its place in the notice) and find references of a statement."""

from __future__ import annotations

from pathlib import Path

from lsprotocol import types

from checker.commands.lsp.convert import Lines
from checker.language.facts import KIND_MODELS, SHAPES
from checker.language.tree import Block, Cite, Field, ListValue, Scalar, SyntaxTree
from checker.notice.anchoring import find_quote, prepare


def symbols(tree: SyntaxTree, lines: Lines) -> list[types.DocumentSymbol]:
    def symbol(block: Block) -> types.DocumentSymbol:
        children = [symbol(b) for b in block.items if isinstance(b, Block)]
        children += [
            types.DocumentSymbol(
                name=item.key,
                kind=types.SymbolKind.Field,
                range=lines.range(item.span),
                selection_range=lines.range(item.key_span),
            )
            for item in block.items
            if isinstance(item, Field)
        ]
        return types.DocumentSymbol(
            name=f"{block.kind} {block.name}" if block.name else block.kind,
            kind=types.SymbolKind.Struct if block.kind in KIND_MODELS else types.SymbolKind.Object,
            range=lines.range(block.span),
            selection_range=lines.range(block.name_span or block.kind_span),
            children=children or None,
        )

    return [symbol(item) for item in tree.items if isinstance(item, Block)]


def folding(tree: SyntaxTree) -> list[types.FoldingRange]:
    found: list[types.FoldingRange] = []

    def walk(items: tuple[object, ...]) -> None:
        for item in items:
            if isinstance(item, Block):
                if item.span.end_line > item.span.line:
                    found.append(
                        types.FoldingRange(
                            start_line=item.span.line - 1,
                            end_line=item.span.end_line - 1,
                            kind=types.FoldingRangeKind.Region,
                        )
                    )
                walk(item.items)

    walk(tree.items)
    return found


def _blocks(tree: SyntaxTree) -> list[Block]:
    return [item for item in tree.items if isinstance(item, Block)]


def _inside(line: int, column: int, span: object) -> bool:
    s = span
    assert isinstance(s, tuple)
    return (s[0], s[1]) <= (line, column) <= (s[2], s[3])


def _references_at(tree: SyntaxTree) -> list[tuple[str, Scalar]]:
    """Every value that names a statement: (the kind it names, the value)."""
    found = []
    for block in _blocks(tree):
        shapes = SHAPES.get(block.kind, {})
        for item in block.items:
            if not isinstance(item, Field):
                continue
            shape = shapes.get(item.key)
            if shape is None or shape.scalar not in ("ref", "category"):
                continue
            target = shape.ref if shape.scalar == "ref" else "category"
            values = item.value.items if isinstance(item.value, ListValue) else (item.value,)
            found += [(target or "", v) for v in values if v.kind == "name"]
    return found


def _declaration(tree: SyntaxTree, kind: str, name: str) -> Block | None:
    return next((b for b in _blocks(tree) if b.kind == kind and b.name == name), None)


def target_at(tree: SyntaxTree, line: int, column: int) -> tuple[str, str] | None:
    """The statement (kind, name) named or declared at a position."""
    for kind, value in _references_at(tree):
        if _inside(line, column, value.span):
            return kind, value.value
    for block in _blocks(tree):
        if block.name and block.name_span and _inside(line, column, block.name_span):
            return block.kind, block.name
    return None


def definition(
    tree: SyntaxTree,
    lines: Lines,
    uri: str,
    line: int,
    column: int,
    notice: str | None,
    notice_path: Path | None,
) -> types.Location | None:
    for block in _blocks(tree):
        for item in block.items:
            if isinstance(item, Cite) and _inside(line, column, item.quote_span):
                if notice is None or notice_path is None:
                    return None
                found = find_quote(prepare(notice), item.quote)
                if found is None:
                    return None
                text = notice.split("\n")[found - 1]
                end = types.Position(found - 1, len(text.encode("utf-16-le")) // 2)
                return types.Location(
                    notice_path.resolve().as_uri(),
                    types.Range(types.Position(found - 1, 0), end),
                )
    target = target_at(tree, line, column)
    if target is None:
        return None
    declared = _declaration(tree, *target)
    if declared is None or declared.name_span is None:
        return None
    return types.Location(uri, lines.range(declared.name_span))


def references(
    tree: SyntaxTree, lines: Lines, uri: str, line: int, column: int, declaration: bool
) -> list[types.Location]:
    target = target_at(tree, line, column)
    if target is None:
        return []
    kind, name = target
    found = [
        types.Location(uri, lines.range(value.span))
        for k, value in _references_at(tree)
        if k == kind and value.value == name
    ]
    declared = _declaration(tree, kind, name)
    if declaration and declared is not None and declared.name_span is not None:
        found.insert(0, types.Location(uri, lines.range(declared.name_span)))
    return found
