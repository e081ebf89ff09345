"""Formatting through the formatter (refused on a file that does not parse) and the code actions:
a did-you-mean applied, missing fields filled as unstated, a waiver skeleton, the closest passage
for a quote that no longer matches."""

from __future__ import annotations

from pathlib import Path

import pytest
from lsp_helpers import Doc, open_doc, sample
from lsprotocol import types
from pytest_lsp import LanguageClient

from checker.language.formatter import format_text

pytestmark = pytest.mark.asyncio(loop_scope="module")


def apply(doc: Doc, edits: list[types.TextEdit]) -> str:
    """The text with the edits applied (from the last, so earlier positions hold)."""
    lines = doc.text.split("\n")
    offsets = [0]
    for line in lines:
        offsets.append(offsets[-1] + len(line) + 1)

    def offset(p: types.Position) -> int:
        return offsets[p.line] + p.character if p.line < len(lines) else len(doc.text)

    text = doc.text
    for edit in sorted(
        edits, key=lambda e: (e.range.start.line, e.range.start.character), reverse=True
    ):
        text = text[: offset(edit.range.start)] + edit.new_text + text[offset(edit.range.end) :]
    return text


async def send(doc: Doc, text: str) -> None:
    """Replace the whole text through the editor, as applying an edit does."""
    doc.edit(0, len(doc.text), text)


async def actions_for(
    client: LanguageClient, doc: Doc, diagnostics: list[types.Diagnostic], at: types.Range
) -> list[types.CodeAction]:
    result = await client.text_document_code_action_async(
        types.CodeActionParams(
            text_document=doc.ident,
            range=at,
            context=types.CodeActionContext(diagnostics=diagnostics),
        )
    )
    return [a for a in result or [] if isinstance(a, types.CodeAction)]


def edits_of(action: types.CodeAction, doc: Doc) -> list[types.TextEdit]:
    assert action.edit is not None and action.edit.changes is not None
    return [e for e in action.edit.changes[doc.uri] if isinstance(e, types.TextEdit)]


async def test_formatting_gives_the_formatters_text(client: LanguageClient, folder: Path) -> None:
    messy = (
        sample()
        .replace("  necessary   = yes", "necessary=yes")
        .replace("\n\npurpose", "\n\n\n\npurpose")
    )
    doc = await open_doc(client, folder / "messy.policy", messy)
    await doc.diagnostics()
    edits = await client.text_document_formatting_async(
        types.DocumentFormattingParams(
            text_document=doc.ident, options=types.FormattingOptions(tab_size=2, insert_spaces=True)
        )
    )
    assert edits
    assert apply(doc, edits) == format_text(messy)


async def test_range_formatting_touches_only_the_range(
    client: LanguageClient, folder: Path
) -> None:
    messy = (
        sample()
        .replace("  necessary   = yes", "necessary=yes")
        .replace("  legal_name = ", "legal_name = ")
    )
    doc = await open_doc(client, folder / "range.policy", messy)
    await doc.diagnostics()
    line = doc.at("necessary=yes").line
    edits = await client.text_document_range_formatting_async(
        types.DocumentRangeFormattingParams(
            text_document=doc.ident,
            range=types.Range(types.Position(line, 0), types.Position(line, 5)),
            options=types.FormattingOptions(tab_size=2, insert_spaces=True),
        )
    )
    assert edits
    result = apply(doc, edits)
    assert "  necessary   = yes" in result
    assert "\nlegal_name = " in result  # outside the range: left as it was


async def test_formatting_refuses_a_file_that_does_not_parse(
    client: LanguageClient, folder: Path
) -> None:
    broken = sample().replace("  necessary   = yes", "  necessary   =")
    doc = await open_doc(client, folder / "unparsable.policy", broken)
    await doc.diagnostics()
    edits = await client.text_document_formatting_async(
        types.DocumentFormattingParams(
            text_document=doc.ident, options=types.FormattingOptions(tab_size=2, insert_spaces=True)
        )
    )
    assert not edits
    assert any("does not parse" in m.message for m in client.messages)


@pytest.mark.parametrize(
    ("code", "old", "new"),
    [
        ("E202", "  necessary   = yes", "  necesary   = yes"),
        ("E204", "  necessary   = yes", "  necessary   = yse"),
        ("E205", "user.contact.email,", "user.contact.emial,"),
        ("E207", "purposes  = [account]", "purposes  = [acount]"),
    ],
)
async def test_a_did_you_mean_applied_lints_clean(
    code: str, old: str, new: str, client: LanguageClient, folder: Path
) -> None:
    doc = await open_doc(client, folder / f"fix-{code}.policy", sample())
    clean = await doc.diagnostics()
    doc.replace(old, new)
    diagnostics = await doc.diagnostics()
    [error] = [d for d in diagnostics if d.code == code]
    actions = await actions_for(client, doc, [error], error.range)
    [fix] = [a for a in actions if a.title.startswith("Replace with")]
    await send(doc, apply(doc, edits_of(fix, doc)))
    assert doc.text == sample()
    assert [d.code for d in await doc.diagnostics()] == [d.code for d in clean]


async def test_missing_fields_are_filled_as_unstated_for_review(
    client: LanguageClient, folder: Path
) -> None:
    doc = await open_doc(client, folder / "fill.policy", sample())
    await doc.diagnostics()
    line = doc.at("purpose account").line
    actions = await actions_for(
        client, doc, [], types.Range(types.Position(line + 1, 0), types.Position(line + 1, 0))
    )
    [fill] = [a for a in actions if a.title.startswith("Fill the missing fields")]
    await send(doc, apply(doc, edits_of(fill, doc)))
    assert "  category" in doc.text and "= unstated  # review" in doc.text
    diagnostics = await doc.diagnostics()
    assert not any(str(d.code).startswith("E") for d in diagnostics)


async def test_a_waiver_skeleton_for_a_finding(client: LanguageClient, folder: Path) -> None:
    doc = await open_doc(client, folder / "waive.policy", sample())
    diagnostics = await doc.diagnostics()
    finding = next(d for d in diagnostics if str(d.code).startswith("PIPL-"))
    actions = await actions_for(client, doc, [finding], finding.range)
    [waiver] = [a for a in actions if a.title.startswith("Add a waiver")]
    await send(doc, apply(doc, edits_of(waiver, doc)))
    assert f'requirement = "{finding.code}"' in doc.text
    # The expiry is left for the encoder to fill: until then the file says so.
    after = await doc.diagnostics()
    assert any(str(d.code).startswith("E1") for d in after)


async def test_a_quote_that_no_longer_matches_is_replaced_by_the_closest_passage(
    client: LanguageClient, folder: Path
) -> None:
    doc = await open_doc(client, folder / "stale.policy", sample())
    await doc.diagnostics()
    doc.replace('"to create your account"', '"to create an account"')
    diagnostics = await doc.diagnostics()
    [stale] = [d for d in diagnostics if d.code == "E302"]
    actions = await actions_for(client, doc, [stale], stale.range)
    [closest] = [a for a in actions if a.title.startswith("Quote the closest passage")]
    await send(doc, apply(doc, edits_of(closest, doc)))
    assert not any(str(d.code).startswith("E") for d in await doc.diagnostics())
