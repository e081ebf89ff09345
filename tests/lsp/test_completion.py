"""Completion of the law's vocabulary: statement kinds, the fields of the block at the cursor,
a field's values, `unstated`, data categories, references, and quotes from the notice."""

from __future__ import annotations

from pathlib import Path

import pytest
from lsp_helpers import Doc, open_doc, sample
from lsprotocol import types
from pytest_lsp import LanguageClient

pytestmark = pytest.mark.asyncio(loop_scope="module")


async def complete(
    client: LanguageClient, doc: Doc, position: types.Position
) -> types.CompletionList:
    result = await client.text_document_completion_async(
        types.CompletionParams(text_document=doc.ident, position=position)
    )
    assert isinstance(result, types.CompletionList)
    return result


def labels(result: types.CompletionList) -> list[str]:
    return [item.label for item in result.items]


async def typed(
    client: LanguageClient, folder: Path, name: str, text: str
) -> tuple[Doc, types.CompletionList]:
    """Open `text` with the cursor at '|' and complete there."""
    at = text.index("|")
    doc = await open_doc(client, folder / name, text.replace("|", "", 1))
    await doc.diagnostics()
    return doc, await complete(client, doc, doc.position(at))


async def test_statement_kinds_at_the_top_level(client: LanguageClient, folder: Path) -> None:
    _, result = await typed(client, folder, "kinds.policy", sample() + "\ntra|")
    assert {"transfer", "purpose", "waiver", "document"} <= set(labels(result))
    transfer = next(i for i in result.items if i.label == "transfer")
    assert isinstance(transfer.documentation, types.MarkupContent)
    assert "abroad" in transfer.documentation.value or "transfer" in transfer.documentation.value


async def test_the_fields_of_the_block_with_their_documentation(
    client: LanguageClient, folder: Path
) -> None:
    text = sample().replace("  necessary   = yes\n", "  necessary   = yes\n  |\n")
    _, result = await typed(client, folder, "fields.policy", text)
    names = labels(result)
    assert "category" in names and "cite" in names
    assert "necessary" not in names and "description" not in names  # already given
    assert "destination" not in names  # a transfer's field, not a purpose's
    category = next(i for i in result.items if i.label == "category")
    assert isinstance(category.documentation, types.MarkupContent)
    assert "`purpose.category`" in category.documentation.value
    assert "marketing" in category.documentation.value


async def test_enum_values_and_unstated(client: LanguageClient, folder: Path) -> None:
    text = sample() + "\ntransfer abroad {\n  consent = |\n}\n"
    doc, result = await typed(client, folder, "enum.policy", text)
    names = labels(result)
    assert {"separate", "bundled", "explicit", "unstated"} <= set(names)
    # Choosing one writes it at the cursor.
    item = next(i for i in result.items if i.label == "separate")
    assert isinstance(item.text_edit, types.TextEdit)
    assert item.text_edit.new_text == "separate"
    assert item.text_edit.range.start == doc.at("consent = ", len("consent = "))


async def test_data_categories_with_descriptions_and_the_declared_ones(
    client: LanguageClient, folder: Path
) -> None:
    text = (
        sample().replace(
            "data      = [user.name, user.contact.email, user.contact.phone_number]",
            "data      = [user.name, user.contact.email, user.|]",
        )
        + '\ncategory user.content.private.diary {\n  description = "a diary"\n}\n'
    )
    _, result = await typed(client, folder, "categories.policy", text)
    names = labels(result)
    assert "user.contact.email" in names and "user.financial.bank_account" in names
    assert "user.content.private.diary" in names
    bank = next(i for i in result.items if i.label == "user.financial.bank_account")
    assert isinstance(bank.documentation, types.MarkupContent)
    assert "PIPL Art. 28" in bank.documentation.value


async def test_references_offer_the_names_of_the_statements(
    client: LanguageClient, folder: Path
) -> None:
    text = sample().replace("purposes  = [account]", "purposes  = [|]")
    _, result = await typed(client, folder, "refs.policy", text)
    assert labels(result) == ["account"]


async def test_inside_a_quote_the_notices_sentences_not_yet_cited(
    client: LanguageClient, folder: Path
) -> None:
    text = sample().replace("  necessary   = yes\n", '  necessary   = yes\n  cite "2" "|"\n')
    doc, result = await typed(client, folder, "quotes.policy", text)
    names = [item.filter_text for item in result.items]
    assert "Contact us at privacy@example.com." in names
    # Quoted already by the handler and the collection: not offered again.
    assert not any("is the handler of your personal information" in (n or "") for n in names)
    assert not any("When you register" in (n or "") for n in names)
    item = next(i for i in result.items if i.filter_text == "Contact us at privacy@example.com.")
    assert item.detail == "notice line 3"
    # Applied, it writes the sentence and closes the string (the editor's closing quote is kept
    # once): the document then lints with no error.
    assert isinstance(item.text_edit, types.TextEdit)
    start = doc.text.index('cite "2" "') + len('cite "2" "')
    assert item.text_edit.range.start == doc.position(start)
    doc.edit(start, start + 1, item.text_edit.new_text)
    assert 'cite "2" "Contact us at privacy@example.com."\n' in doc.text
    diagnostics = await doc.diagnostics()
    assert not any(str(d.code).startswith("E") for d in diagnostics)


async def test_quotes_are_filtered_as_you_type(client: LanguageClient, folder: Path) -> None:
    text = sample().replace(
        "  necessary   = yes\n", '  necessary   = yes\n  cite "2" "contact U|\n'
    )
    _, result = await typed(client, folder, "filtered.policy", text)
    assert [item.filter_text for item in result.items] == ["Contact us at privacy@example.com."]
    assert result.is_incomplete
