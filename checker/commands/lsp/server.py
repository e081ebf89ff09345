"""The language server: pygls wiring of the features, and diagnostics refreshed as the text
changes, after a short pause (debouncing), so a burst of keystrokes costs one analysis."""

from __future__ import annotations

import asyncio
import logging
from dataclasses import dataclass, field
from pathlib import Path

from lsprotocol import types
from pygls.lsp.server import LanguageServer
from pygls.uris import to_fs_path

from checker import __version__
from checker.commands.lsp import actions, completion, hover, navigation
from checker.commands.lsp.analysis import Analysis, analyse
from checker.commands.lsp.convert import (
    Lines,
    error_diagnostic,
    finding_diagnostic,
    shift,
)
from checker.errors import CheckerError

DEBOUNCE_SECONDS = 0.03
"""How long the text must rest before it is analysed again."""


@dataclass
class _State:
    """What the server holds for one open document."""

    analysis: Analysis | None = None
    lines: Lines | None = None
    findings: list[types.Diagnostic] = field(default_factory=list)
    """The requirement findings last evaluated, moved along with later edits: shown while a
    syntax error keeps the requirements from being evaluated again."""
    pending: asyncio.Task[None] | None = None


class PolicyServer(LanguageServer):
    def __init__(self) -> None:
        super().__init__("policycheck", __version__)
        self.documents: dict[str, _State] = {}

    def state(self, uri: str) -> _State:
        return self.documents.setdefault(uri, _State())

    def current(self, uri: str) -> tuple[str, Lines, Analysis | None]:
        """The document's text as it is now, its lines, and its latest analysis."""
        text = self.workspace.get_text_document(uri).source.removeprefix("\ufeff")
        state = self.state(uri)
        if state.lines is None or state.lines.text != text:
            state.lines = Lines(text, self.workspace.position_codec)
        analysis = state.analysis if state.analysis and state.analysis.text == text else None
        return text, state.lines, analysis

    def fresh(self, uri: str) -> Analysis:
        """The analysis of the text as it is now (made now if the last one is out of date)."""
        text, _, analysis = self.current(uri)
        if analysis is None:
            analysis = analyse(text, _path(uri))
            self.state(uri).analysis = analysis
        return analysis

    def forget_finished_notifications(self) -> None:
        """Drop what pygls keeps of the notifications it has finished handling.

        pygls 2.1 runs its own handlers of didOpen, didChange and didClose (which update the
        workspace, then call ours) as generators, and files the future of each under a fresh id
        in `protocol._request_futures`; for a request the entry goes when the response is sent,
        but a notification has no response, so every keystroke's entry stayed: about 2 KiB each,
        a leak without bound over an editing session (bench/lsp.py measured it). Finished
        futures are dropped here; an unfinished one (a request still being answered) is left
        alone, and if pygls no longer keeps such a table this does nothing.
        """
        futures = getattr(self.protocol, "_request_futures", None)
        if isinstance(futures, dict):
            for key in [key for key, future in futures.items() if future.done()]:
                del futures[key]

    def schedule(self, uri: str, delay: float) -> None:
        self.forget_finished_notifications()
        if not uri.endswith(".policy"):
            return  # an editor may send every plain-text file, notices included: only policies
        state = self.state(uri)
        if state.pending is not None:
            state.pending.cancel()
        state.pending = asyncio.get_running_loop().create_task(self._publish_later(uri, delay))

    async def _publish_later(self, uri: str, delay: float) -> None:
        await asyncio.sleep(delay)
        self.publish(uri)

    def publish(self, uri: str) -> None:
        document = self.workspace.get_text_document(uri)
        state = self.state(uri)
        try:
            analysis = self.fresh(uri)
        except Exception:  # the server must outlive any input; say so rather than crash
            logging.getLogger(__name__).exception("analysis of %s failed", uri)
            self.window_log_message(
                types.LogMessageParams(types.MessageType.Error, f"analysis of {uri} failed")
            )
            return
        _, lines, _ = self.current(uri)
        diagnostics = [error_diagnostic(e, lines) for e in analysis.errors]
        if not analysis.recovered:
            requirements = hover.shipped_requirements()
            notice = analysis.notice_path
            notice_uri = notice.resolve().as_uri() if notice is not None else None
            state.findings = [
                finding_diagnostic(
                    f,
                    lines,
                    uri,
                    notice_uri,
                    requirements[f.id].source_uri if f.id in requirements else None,
                )
                for f in analysis.findings()
            ]
        diagnostics += state.findings
        self.text_document_publish_diagnostics(
            types.PublishDiagnosticsParams(
                uri=uri, diagnostics=diagnostics, version=document.version
            )
        )


def _path(uri: str) -> Path:
    return Path(to_fs_path(uri) or uri)


def build_server() -> PolicyServer:
    server = PolicyServer()

    @server.feature(types.TEXT_DOCUMENT_DID_OPEN)
    def did_open(ls: PolicyServer, params: types.DidOpenTextDocumentParams) -> None:
        ls.schedule(params.text_document.uri, 0)

    @server.feature(types.TEXT_DOCUMENT_DID_CHANGE)
    def did_change(ls: PolicyServer, params: types.DidChangeTextDocumentParams) -> None:
        state = ls.state(params.text_document.uri)
        for change in params.content_changes:
            state.findings = shift(state.findings, change)
        ls.schedule(params.text_document.uri, DEBOUNCE_SECONDS)

    @server.feature(types.TEXT_DOCUMENT_DID_SAVE)
    def did_save(ls: PolicyServer, params: types.DidSaveTextDocumentParams) -> None:
        ls.schedule(params.text_document.uri, 0)

    @server.feature(types.TEXT_DOCUMENT_DID_CLOSE)
    def did_close(ls: PolicyServer, params: types.DidCloseTextDocumentParams) -> None:
        state = ls.documents.pop(params.text_document.uri, None)
        if state is not None and state.pending is not None:
            state.pending.cancel()
        ls.text_document_publish_diagnostics(
            types.PublishDiagnosticsParams(uri=params.text_document.uri, diagnostics=[])
        )

    @server.feature(
        types.TEXT_DOCUMENT_COMPLETION,
        types.CompletionOptions(trigger_characters=["=", " ", '"', "[", ",", "."]),
    )
    def complete(ls: PolicyServer, params: types.CompletionParams) -> types.CompletionList:
        text, lines, analysis = ls.current(params.text_document.uri)
        notice = _notice(ls, params.text_document.uri, analysis)
        return completion.complete(text, lines, params.position, notice)

    @server.feature(types.TEXT_DOCUMENT_HOVER)
    def on_hover(ls: PolicyServer, params: types.HoverParams) -> types.Hover | None:
        text, lines, analysis = ls.current(params.text_document.uri)
        notice = _notice(ls, params.text_document.uri, analysis)
        return hover.hover(text, lines, params.position, notice)

    @server.feature(types.TEXT_DOCUMENT_DOCUMENT_SYMBOL)
    def outline(ls: PolicyServer, params: types.DocumentSymbolParams) -> list[types.DocumentSymbol]:
        analysis = ls.fresh(params.text_document.uri)
        _, lines, _ = ls.current(params.text_document.uri)
        return navigation.symbols(analysis.tree, lines) if analysis.tree else []

    @server.feature(types.TEXT_DOCUMENT_FOLDING_RANGE)
    def folding(ls: PolicyServer, params: types.FoldingRangeParams) -> list[types.FoldingRange]:
        analysis = ls.fresh(params.text_document.uri)
        return navigation.folding(analysis.tree) if analysis.tree else []

    @server.feature(types.TEXT_DOCUMENT_DEFINITION)
    def definition(ls: PolicyServer, params: types.DefinitionParams) -> types.Location | None:
        analysis = ls.fresh(params.text_document.uri)
        _, lines, _ = ls.current(params.text_document.uri)
        if analysis.tree is None:
            return None
        line, column = lines.column(params.position)
        return navigation.definition(
            analysis.tree,
            lines,
            params.text_document.uri,
            line,
            column,
            analysis.notice,
            analysis.notice_path,
        )

    @server.feature(types.TEXT_DOCUMENT_REFERENCES)
    def references(ls: PolicyServer, params: types.ReferenceParams) -> list[types.Location]:
        analysis = ls.fresh(params.text_document.uri)
        _, lines, _ = ls.current(params.text_document.uri)
        if analysis.tree is None:
            return []
        line, column = lines.column(params.position)
        return navigation.references(
            analysis.tree,
            lines,
            params.text_document.uri,
            line,
            column,
            params.context.include_declaration,
        )

    @server.feature(types.TEXT_DOCUMENT_FORMATTING)
    def format_document(
        ls: PolicyServer, params: types.DocumentFormattingParams
    ) -> list[types.TextEdit] | None:
        return _format(ls, params.text_document.uri, None)

    @server.feature(types.TEXT_DOCUMENT_RANGE_FORMATTING)
    def format_range(
        ls: PolicyServer, params: types.DocumentRangeFormattingParams
    ) -> list[types.TextEdit] | None:
        return _format(ls, params.text_document.uri, params.range)

    @server.feature(
        types.TEXT_DOCUMENT_CODE_ACTION,
        types.CodeActionOptions(
            code_action_kinds=[types.CodeActionKind.QuickFix, types.CodeActionKind.RefactorRewrite]
        ),
    )
    def code_action(ls: PolicyServer, params: types.CodeActionParams) -> list[types.CodeAction]:
        uri = params.text_document.uri
        analysis = ls.fresh(uri)
        text, lines, _ = ls.current(uri)
        return actions.code_actions(
            uri, text, lines, analysis.tree, analysis.notice, params, not analysis.recovered
        )

    return server


def _notice(ls: PolicyServer, uri: str, analysis: Analysis | None) -> str | None:
    # Completion and hover answer from the last analysis when the text has moved on since: the
    # notice it read is what they need, and analysing on every keystroke would slow typing.
    state = ls.state(uri)
    latest = analysis or state.analysis or ls.fresh(uri)
    return latest.notice


def _format(ls: PolicyServer, uri: str, only: types.Range | None) -> list[types.TextEdit] | None:
    text, lines, _ = ls.current(uri)
    try:
        return actions.formatted(text, lines, only)
    except CheckerError as exc:
        ls.window_show_message(
            types.ShowMessageParams(types.MessageType.Warning, actions.refusal(exc))
        )
        return None


def run() -> int:
    import gc

    server = build_server()
    # What start-up made (modules, the compiled grammar and requirement sets, once loaded) lives
    # as long as the server: the collector need never scan it again.
    gc.freeze()
    server.start_io()
    return 0
