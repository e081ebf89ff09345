"""Helpers of the language server tests: documents opened in the server, edited by incremental
changes, and their diagnostics waited for by version."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from lsprotocol import types
from pytest_lsp import LanguageClient

EXAMPLES = Path(__file__).parent.parent / "examples"
PUBLISH = types.TEXT_DOCUMENT_PUBLISH_DIAGNOSTICS


def sample() -> str:
    return (EXAMPLES / "sample.policy").read_text(encoding="utf-8")


@dataclass
class Doc:
    """An open document: its uri, text and version, and the edits a test makes to it."""

    client: LanguageClient
    uri: str
    text: str
    version: int = 1

    async def diagnostics(self) -> Sequence[types.Diagnostic]:
        """The diagnostics published for the current version (waits for them)."""
        while True:
            params = await self.client.wait_for_notification(PUBLISH)
            if params.uri == self.uri and params.version == self.version:
                return list(params.diagnostics)

    def replace(self, old: str, new: str) -> None:
        """Send an incremental change replacing the first `old` by `new`."""
        at = self.text.index(old)
        self.edit(at, at + len(old), new)

    def edit(self, start: int, end: int, new: str) -> None:
        self.version += 1
        change = types.TextDocumentContentChangePartial(
            range=types.Range(self.position(start), self.position(end)), text=new
        )
        self.text = self.text[:start] + new + self.text[end:]
        self.client.text_document_did_change(
            types.DidChangeTextDocumentParams(
                text_document=types.VersionedTextDocumentIdentifier(
                    uri=self.uri, version=self.version
                ),
                content_changes=[change],
            )
        )

    def position(self, offset: int) -> types.Position:
        before = self.text[:offset]
        line = before.count("\n")
        column = before[before.rfind("\n") + 1 :]
        return types.Position(line, len(column.encode("utf-16-le")) // 2)

    def at(self, needle: str, delta: int = 0) -> types.Position:
        """The position of `needle` (plus `delta` characters) in the text."""
        return self.position(self.text.index(needle) + delta)

    @property
    def ident(self) -> types.TextDocumentIdentifier:
        return types.TextDocumentIdentifier(uri=self.uri)


async def open_doc(client: LanguageClient, path: Path, text: str) -> Doc:
    path.write_text(text, encoding="utf-8")
    doc = Doc(client, path.resolve().as_uri(), text)
    client.text_document_did_open(
        types.DidOpenTextDocumentParams(
            text_document=types.TextDocumentItem(
                uri=doc.uri, language_id="policy", version=1, text=text
            )
        )
    )
    return doc
