"""The outline, folding, go to definition (a statement, a quote's place in the notice) and
find references."""

from __future__ import annotations

from pathlib import Path

import pytest
from lsp_helpers import open_doc, sample
from lsprotocol import types
from pytest_lsp import LanguageClient

pytestmark = pytest.mark.asyncio(loop_scope="module")


async def test_the_outline_lists_the_statements_and_their_fields(
    client: LanguageClient, folder: Path
) -> None:
    doc = await open_doc(client, folder / "outline.policy", sample())
    await doc.diagnostics()
    result = await client.text_document_document_symbol_async(
        types.DocumentSymbolParams(text_document=doc.ident)
    )
    assert result is not None
    symbols = [s for s in result if isinstance(s, types.DocumentSymbol)]
    assert [s.name for s in symbols] == [
        "document",
        "handler",
        "purpose account",
        "collection registration",
    ]
    purpose = symbols[2]
    assert purpose.selection_range.start == doc.at("account {")
    assert [c.name for c in purpose.children or []] == ["description", "necessary"]


async def test_each_block_folds(client: LanguageClient, folder: Path) -> None:
    doc = await open_doc(client, folder / "folding.policy", sample())
    await doc.diagnostics()
    result = await client.text_document_folding_range_async(
        types.FoldingRangeParams(text_document=doc.ident)
    )
    assert result is not None
    starts = [(r.start_line, r.end_line) for r in result]
    assert (doc.at("purpose account").line, doc.at("purpose account").line + 4) in starts
    assert len(starts) == 4


async def test_a_reference_goes_to_the_statement_it_names(
    client: LanguageClient, folder: Path
) -> None:
    doc = await open_doc(client, folder / "definition.policy", sample())
    await doc.diagnostics()
    result = await client.text_document_definition_async(
        types.DefinitionParams(text_document=doc.ident, position=doc.at("[account]", 2))
    )
    assert isinstance(result, types.Location)
    assert result.uri == doc.uri
    assert result.range.start == doc.at("account {")


async def test_a_quote_goes_to_its_line_in_the_notice(client: LanguageClient, folder: Path) -> None:
    doc = await open_doc(client, folder / "quote-definition.policy", sample())
    await doc.diagnostics()
    result = await client.text_document_definition_async(
        types.DefinitionParams(text_document=doc.ident, position=doc.at("When you register", 5))
    )
    assert isinstance(result, types.Location)
    assert result.uri == (folder / "notice.txt").resolve().as_uri()
    assert result.range.start.line == 4  # notice line 5


async def test_find_references_of_a_statement(client: LanguageClient, folder: Path) -> None:
    text = sample().replace(
        "collection registration {",
        'collection login {\n  purposes = [account]\n  cite "2" "to create your account"\n}\n\ncollection registration {',
    )
    doc = await open_doc(client, folder / "references.policy", text)
    await doc.diagnostics()
    result = await client.text_document_references_async(
        types.ReferenceParams(
            text_document=doc.ident,
            position=doc.at("account {", 1),
            context=types.ReferenceContext(include_declaration=False),
        )
    )
    assert result is not None
    lines = sorted(location.range.start.line for location in result)
    first = doc.at("purposes = [account]").line
    second = doc.at("purposes  = [account]").line
    assert lines == [first, second]
