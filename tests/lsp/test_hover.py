"""Hover: documentation of fields and values from the fact model, requirements by id, and where
a quote landed in the notice."""

from __future__ import annotations

from pathlib import Path

import pytest
from lsp_helpers import Doc, open_doc, sample
from lsprotocol import types
from pytest_lsp import LanguageClient

pytestmark = pytest.mark.asyncio(loop_scope="module")

WAIVER = """
waiver {
  requirement = "PIPL-52"
  reason      = "Officer appointed 2026-10"
  approver    = "DPO, J. Chen"
  expires     = 2099-03-31
}
"""


async def hover_text(client: LanguageClient, doc: Doc, position: types.Position) -> str:
    result = await client.text_document_hover_async(
        types.HoverParams(text_document=doc.ident, position=position)
    )
    assert result is not None
    assert isinstance(result.contents, types.MarkupContent)
    return result.contents.value


async def test_a_field_and_a_value(client: LanguageClient, folder: Path) -> None:
    doc = await open_doc(client, folder / "hover.policy", sample())
    await doc.diagnostics()
    field = await hover_text(client, doc, doc.at("retention = unstated", 2))
    assert "`collection.retention`" in field
    unstated = await hover_text(client, doc, doc.at("= unstated", 4))
    assert "silent" in unstated
    category = await hover_text(client, doc, doc.at("user.contact.email", 3))
    assert "user.contact.email" in category and "Email" in category


async def test_a_requirement_id_in_a_waiver(client: LanguageClient, folder: Path) -> None:
    doc = await open_doc(client, folder / "waiver.policy", sample() + WAIVER)
    await doc.diagnostics()
    text = await hover_text(client, doc, doc.at("PIPL-52", 2))
    assert "PIPL-52" in text
    assert "Art. 52(2)" in text
    assert "个人信息处理者应当公开个人信息保护负责人的联系方式" in text
    assert "CAC volume threshold" in text  # what is not formalised


async def test_a_quote_shows_its_notice_line_and_whether_it_is_ambiguous(
    client: LanguageClient, folder: Path
) -> None:
    text = sample().replace(
        '  cite "1" "Example', '  cite "1" "Example Shop"\n  cite "1" "Example', 1
    )
    doc = await open_doc(client, folder / "quote.policy", text)
    await doc.diagnostics()
    once = await hover_text(client, doc, doc.at("to create your account", 3))
    assert "Notice line 5" in once
    assert "When you register we collect" in once  # the paragraph it landed in
    assert "ambiguous" not in once
    twice = await hover_text(client, doc, doc.at('"Example Shop"', 3))
    assert "Notice line 1" in twice
    assert "ambiguous" in twice  # in the title, and again in paragraph 1
