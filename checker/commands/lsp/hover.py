"""Hover: a field's or value's documentation from the fact model, a requirement's title, article,
quote and what it leaves to human judgement, and where a quote landed in the notice."""

from __future__ import annotations

import re
from functools import cache

from lsprotocol import types

from checker.commands.lsp.completion import category_doc, field_doc
from checker.commands.lsp.context import cursor_at, declared_names, string_at, word_at
from checker.commands.lsp.convert import Lines
from checker.errors import ErrorList
from checker.language.facts import KIND_MODELS, SHAPES
from checker.notice.anchoring import find_quote, normalise, prepare
from checker.resources import shipped_sets
from checker.rules.requirements import Requirement, load_set_file

REQUIREMENT_ID = re.compile(r"[A-Z][A-Z0-9]*(-[A-Za-z0-9.]+)+")
_CITE_QUOTE = re.compile(r'[ \t]*cite[ \t]+"(?:[^"\\\n]|\\.)*"[ \t]+\Z')
_FIELD_KEY = re.compile(r"[ \t]*\Z")


@cache
def shipped_requirements() -> dict[str, Requirement]:
    found: dict[str, Requirement] = {}
    for path in shipped_sets().values():
        try:
            found.update((r.id, r) for r in load_set_file(path).requirements)
        except ErrorList:
            continue
    return found


def requirement_doc(req: Requirement) -> str:
    s = req.spec
    parts = [f"**{req.id}** — {s.title}", f"*{req.law_title} ({req.law}), {s.article}*"]
    parts.append("> " + " ".join(s.quote.split()))
    if s.gloss:
        parts.append(f"({' '.join(s.gloss.split())})")
    parts.append(f"Severity: {s.severity}; {'may' if s.waivable else 'may not'} be waived.")
    if s.not_formalised:
        parts.append(f"**Not checked by machine:** {' '.join(s.not_formalised.split())}")
    return "\n\n".join(parts)


def hover(
    text: str, lines: Lines, position: types.Position, notice: str | None
) -> types.Hover | None:
    offset = lines.offset(position)
    found = string_at(text, offset)
    if found is not None:
        value, start, end = found
        line_start = text.rfind("\n", 0, start) + 1
        if _CITE_QUOTE.match(text, line_start, start):
            return _answer(_quote_doc(value, notice), lines, text, start, end)
        if REQUIREMENT_ID.fullmatch(value) and value in shipped_requirements():
            return _answer(requirement_doc(shipped_requirements()[value]), lines, text, start, end)
        return None
    word = word_at(text, offset)
    if word is None:
        return None
    value, start, end = word
    if REQUIREMENT_ID.fullmatch(value) and value in shipped_requirements():
        return _answer(requirement_doc(shipped_requirements()[value]), lines, text, start, end)
    doc = _word_doc(text, value, start, end)
    return _answer(doc, lines, text, start, end) if doc else None


def _word_doc(text: str, word: str, start: int, end: int) -> str | None:
    cursor = cursor_at(text, end)
    line_start = text.rfind("\n", 0, start) + 1
    if cursor.place == "statement" and word in KIND_MODELS:
        model = KIND_MODELS[word]
        return f"**{word}**: " + " ".join((model.__doc__ or "").split())
    if cursor.place == "key" and cursor.block in SHAPES and word in SHAPES[cursor.block]:
        return field_doc(cursor.block, word)
    if cursor.place == "key" and word == "cite" and _FIELD_KEY.match(text, line_start, start):
        return '`cite "clause label" "verbatim quote from the notice"`'
    if cursor.place != "value" or cursor.block not in SHAPES or cursor.key is None:
        return None
    shape = SHAPES[cursor.block].get(cursor.key)
    if shape is None:
        return None
    about = field_doc(cursor.block, cursor.key)
    if word == "unstated":
        return (
            "**unstated**: the notice is silent on this point (an encoding decision a "
            "reviewer can see); never makes a requirement pass.\n\n" + about
        )
    if shape.scalar == "category":
        declared = dict(declared_names(text, "category"))
        if word in declared:
            return f"`{word}`: declared in this file\n\n" + about
        return category_doc(word) + "\n\n" + about
    if shape.scalar == "ref" and shape.ref is not None:
        return f"the {shape.ref} `{word}` of this file\n\n" + about
    return f"`{word}`\n\n" + about


def _quote_doc(quote: str, notice: str | None) -> str:
    if notice is None:
        return "The notice's text could not be read (see the document's `source`)."
    prepared = prepare(notice)
    line = find_quote(prepared, quote)
    if line is None:
        return "**Not found** in the notice (the quick fixes offer the closest passage)."
    needle = normalise(quote)
    first = prepared.normal.find(needle)
    again = prepared.normal.find(needle, first + 1)
    paragraph = notice.split("\n")[line - 1].strip()
    shown = paragraph if len(paragraph) <= 600 else paragraph[:599] + "…"
    where = f"Notice line {line}"
    if again >= 0:
        where += " — **also found elsewhere** in the notice: the quote is ambiguous"
    return f"{where}\n\n> {shown}"


def _answer(doc: str, lines: Lines, text: str, start: int, end: int) -> types.Hover:
    def position(offset: int) -> types.Position:
        line_start = text.rfind("\n", 0, offset) + 1
        return lines.position(text.count("\n", 0, offset) + 1, offset - line_start + 1)

    return types.Hover(
        contents=types.MarkupContent(kind=types.MarkupKind.Markdown, value=doc),
        range=types.Range(position(start), position(end)),
    )
