"""Completion: statement kinds, the fields of the block at the cursor with their documentation,
the values a field takes (enum values, `unstated`, `all`, yes/no, data category keys, the names of
statements a reference may name), and the notice's sentences not yet cited, inside a quote."""

from __future__ import annotations

import re

from lsprotocol import types

from checker.commands.lsp.context import Cursor, cursor_at, declared_names, open_block
from checker.commands.lsp.convert import Lines
from checker.commands.lsp.sentences import uncited
from checker.language.facts import KIND_MODELS, SHAPES, Shape
from checker.language.reference import describe, field_docs
from checker.language.taxonomy import classify, taxonomy_keys
from checker.language.tree import quote
from checker.notice.anchoring import normalise

_CITED = re.compile(r'^[ \t]*cite[ \t]+"(?:[^"\\\n]|\\.)*"[ \t]+("(?:[^"\\\n]|\\.)*")', re.M)
_GIVEN = re.compile(r"^[ \t]*([A-Za-z_][A-Za-z0-9_]*)[ \t]*=", re.M)
QUOTE_LIMIT = 200
"""Sentences offered at most in one answer (the list is marked incomplete past it)."""


def complete(
    text: str, lines: Lines, position: types.Position, notice: str | None
) -> types.CompletionList:
    offset = lines.offset(position)
    cursor = cursor_at(text, offset)
    start = lines.position(*_line_column(text, cursor.start))
    edit_range = types.Range(start, position)
    items: list[types.CompletionItem] = []
    incomplete = False
    if cursor.place == "statement":
        items = [_kind_item(kind, edit_range) for kind in KIND_MODELS]
    elif cursor.place == "name" and cursor.block in KIND_MODELS:
        field = KIND_MODELS[cursor.block].NAME_FIELD
        if field is not None:
            items = _values(text, SHAPES[cursor.block][field], edit_range, keywords=False)
    elif cursor.place == "key" and cursor.block in SHAPES:
        items = _field_items(text, offset, cursor, edit_range)
    elif cursor.place == "value" and cursor.block in SHAPES and cursor.key is not None:
        shape = SHAPES[cursor.block].get(cursor.key)
        if shape is not None:
            items = _values(text, shape, edit_range, keywords=not cursor.in_list)
    elif cursor.place == "quote" and notice is not None:
        items, incomplete = _quote_items(text, offset, cursor, lines, position, notice)
    return types.CompletionList(is_incomplete=incomplete, items=items)


def _line_column(text: str, offset: int) -> tuple[int, int]:
    line_start = text.rfind("\n", 0, offset) + 1
    return text.count("\n", 0, offset) + 1, offset - line_start + 1


def _markdown(value: str) -> types.MarkupContent:
    return types.MarkupContent(kind=types.MarkupKind.Markdown, value=value)


def _kind_item(kind: str, edit_range: types.Range) -> types.CompletionItem:
    model = KIND_MODELS[kind]
    doc = " ".join((model.__doc__ or "").split())
    if model.SINGLE:
        doc += " At most one per file."
    return types.CompletionItem(
        label=kind,
        kind=types.CompletionItemKind.Struct,
        documentation=_markdown(doc),
        text_edit=types.TextEdit(edit_range, kind),
    )


def field_doc(kind: str, key: str) -> str:
    """A field's documentation: what it takes, whether it is required, what it means."""
    model = KIND_MODELS[kind]
    shape = SHAPES[kind][key]
    parts = [f"`{kind}.{key}`: {describe(shape)}"]
    if key in model.REQUIRED:
        parts.append("Required.")
    doc = field_docs(model).get(key)
    if doc:
        parts.append(doc)
    return "\n\n".join(parts)


def _field_items(
    text: str, offset: int, cursor: Cursor, edit_range: types.Range
) -> list[types.CompletionItem]:
    assert cursor.block is not None
    model = KIND_MODELS[cursor.block]
    opened = open_block(text, offset)
    given = set(_GIVEN.findall(text, opened[1] if opened else 0, offset))
    items = []
    for order, key in enumerate(SHAPES[cursor.block]):
        if key == model.NAME_FIELD or key in given:
            continue
        items.append(
            types.CompletionItem(
                label=key,
                kind=types.CompletionItemKind.Field,
                detail="required" if key in model.REQUIRED else None,
                documentation=_markdown(field_doc(cursor.block, key)),
                text_edit=types.TextEdit(edit_range, f"{key} = "),
                sort_text=f"{order:03}",
            )
        )
    items.append(
        types.CompletionItem(
            label="cite",
            kind=types.CompletionItemKind.Keyword,
            documentation=_markdown('`cite "clause label" "verbatim quote from the notice"`'),
            text_edit=types.TextEdit(edit_range, 'cite "'),
            sort_text="999",
        )
    )
    return items


def _values(
    text: str, shape: Shape, edit_range: types.Range, keywords: bool
) -> list[types.CompletionItem]:
    def item(
        label: str, doc: str | None = None, kind: types.CompletionItemKind | None = None
    ) -> types.CompletionItem:
        return types.CompletionItem(
            label=label,
            kind=kind or types.CompletionItemKind.EnumMember,
            documentation=_markdown(doc) if doc else None,
            text_edit=types.TextEdit(edit_range, label),
        )

    items = []
    if shape.scalar == "enum":
        items = [item(choice) for choice in shape.choices]
    elif shape.scalar == "flag":
        items = [item("yes"), item("no")]
    elif shape.scalar == "ref" and shape.ref is not None:
        items = [
            item(name, f"the {shape.ref} `{name}` of this file", types.CompletionItemKind.Reference)
            for name, _ in declared_names(text, shape.ref)
        ]
    elif shape.scalar == "category":
        declared = [name for name, _ in declared_names(text, "category")]
        items = [
            item(name, "declared in this file", types.CompletionItemKind.Value) for name in declared
        ]
        items += [
            item(key, category_doc(key), types.CompletionItemKind.Value) for key in taxonomy_keys()
        ]
    if keywords and shape.all_ok:
        items.append(item("all", "every one", types.CompletionItemKind.Keyword))
    if keywords and shape.unstated_ok:
        items.append(
            item(
                "unstated",
                "The notice is silent on this point (an encoding decision a reviewer can see).",
                types.CompletionItemKind.Keyword,
            )
        )
    return items


def category_doc(key: str) -> str:
    info = classify(key)
    lines = [f"`{key}`: {taxonomy_keys().get(key, info.name)}"]
    if info.pipl_sensitive:
        lines.append(f"Sensitive under PIPL Art. 28 ({info.pipl_sensitive}).")
    if info.gdpr_special:
        lines.append(f"A special category under GDPR Art. 9(1) ({info.gdpr_special}).")
    return "\n\n".join(lines)


def _quote_items(
    text: str,
    offset: int,
    cursor: Cursor,
    lines: Lines,
    position: types.Position,
    notice: str,
) -> tuple[list[types.CompletionItem], bool]:
    cited = []
    for m in _CITED.finditer(text):
        if not m.start(1) <= offset <= m.end(1):  # not the quote being written
            cited.append(m.group(1)[1:-1])
    typed = normalise(cursor.typed.replace('\\"', '"').replace("\\\\", "\\"))
    # The closing quote, if the editor already put one after the cursor, is replaced too.
    end = position
    if text[offset : offset + 1] == '"':
        end = types.Position(position.line, position.character + 1)
    start = lines.position(*_line_column(text, cursor.start))
    edit_range = types.Range(start, end)
    items: list[types.CompletionItem] = []
    for sentence in uncited(notice, cited):
        if typed and typed not in normalise(sentence.text):
            continue
        if len(items) == QUOTE_LIMIT:
            return items, True
        label = sentence.text if len(sentence.text) <= 80 else sentence.text[:79] + "…"
        items.append(
            types.CompletionItem(
                label=label,
                kind=types.CompletionItemKind.Text,
                detail=f"notice line {sentence.line}",
                documentation=sentence.text,
                filter_text=sentence.text,
                sort_text=f"{len(items):05}",
                text_edit=types.TextEdit(edit_range, quote(sentence.text)[1:]),
            )
        )
    return items, typed != ""
