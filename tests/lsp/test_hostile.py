"""Hostile documents get a diagnostic, and the server lives on to answer the next request."""

from __future__ import annotations

from pathlib import Path

import pytest
from lsp_helpers import open_doc, sample
from lsprotocol import types
from pytest_lsp import LanguageClient

pytestmark = pytest.mark.asyncio(loop_scope="module")

HOSTILE = {
    "50,000 nested blocks": ("a {" * 50_000, "E102"),
    "50,000 nested closed blocks": ("a {" * 50_000 + "}" * 50_000, "E109"),
    "a 5 MB line": (
        sample().replace(
            'legal_name = "Example Shop Ltd."', 'legal_name = "' + "y" * 5_000_000 + '" "x"'
        ),
        "E100",
    ),
}


@pytest.mark.parametrize("name", sorted(HOSTILE))
async def test_a_hostile_document_gets_a_diagnostic_and_the_server_lives_on(
    name: str, client: LanguageClient, folder: Path
) -> None:
    text, code = HOSTILE[name]
    doc = await open_doc(client, folder / "hostile.policy", text)
    diagnostics = await doc.diagnostics()
    assert code in {d.code for d in diagnostics}
    await _still_answers(client, folder)


async def test_a_notice_that_is_not_utf8_is_an_error_at_the_source_field(
    client: LanguageClient, folder: Path
) -> None:
    (folder / "latin1.txt").write_bytes("Caf\xe9 notice. We collect your name.".encode("latin-1"))
    text = sample().replace('source        = "notice.txt"', 'source        = "latin1.txt"')
    doc = await open_doc(client, folder / "latin1.policy", text)
    diagnostics = await doc.diagnostics()
    [e301] = [d for d in diagnostics if d.code == "E301"]
    assert "not valid UTF-8" in e301.message
    assert e301.range.start == doc.at('"latin1.txt"')
    await _still_answers(client, folder)


async def _still_answers(client: LanguageClient, folder: Path) -> None:
    doc = await open_doc(client, folder / "after.policy", sample())
    await doc.diagnostics()
    hover = await client.text_document_hover_async(
        types.HoverParams(text_document=doc.ident, position=doc.at("necessary"))
    )
    assert hover is not None
