"""Formatting through the formatter `policycheck fmt` uses, and the quick fixes: a diagnostic's
did-you-mean applied, a block's missing fields filled in as `unstated` for review, a waiver
skeleton for a requirement finding, a quote that no longer matches replaced by the closest
passage of the notice."""

from __future__ import annotations

import difflib
import re
from collections.abc import Sequence

from lsprotocol import types

from checker.commands.lsp.convert import Lines
from checker.errors import CheckerError
from checker.language.facts import KIND_MODELS, SHAPES
from checker.language.formatter import format_text
from checker.language.tree import Block, Cite, Field, SyntaxTree, quote
from checker.notice.anchoring import closest, prepare
from checker.rules.own_checks import CHECKS

_DID_YOU_MEAN = re.compile(r"did you mean '([^']+)'\?")
FIXABLE = frozenset({"E202", "E204", "E205", "E207"})
REVIEW = "# review: unstated means the notice is silent on this"


def formatted(text: str, lines: Lines, only: types.Range | None = None) -> list[types.TextEdit]:
    """The edits that put the text in canonical layout (only those touching `only`, if given).
    Raises CheckerError, like `fmt`, for a text that does not parse."""
    result = format_text(text.removeprefix("\ufeff"))
    old, new = text.split("\n"), result.split("\n")
    edits = []
    matcher = difflib.SequenceMatcher(None, old, new, autojunk=False)
    for tag, i1, i2, j1, j2 in reversed(matcher.get_opcodes()):
        if tag == "equal":
            continue
        if only is not None and (i2 <= only.start.line or i1 > only.end.line):
            continue
        start = types.Position(i1, 0)
        replacement = "".join(line + "\n" for line in new[j1:j2])
        if i2 >= len(old):  # the hunk reaches the end of the text: no line feed follows it
            end = lines.position(len(old), len(old[-1]) + 1)
            replacement = replacement.removesuffix("\n")
        else:
            end = types.Position(i2, 0)
        edits.append(types.TextEdit(types.Range(start, end), replacement))
    return edits


def _edit(uri: str, edits: list[types.TextEdit]) -> types.WorkspaceEdit:
    return types.WorkspaceEdit(changes={uri: edits})


def code_actions(
    uri: str,
    text: str,
    lines: Lines,
    tree: SyntaxTree | None,
    notice: str | None,
    params: types.CodeActionParams,
    findings_ok: bool,
) -> list[types.CodeAction]:
    actions: list[types.CodeAction] = []
    for diagnostic in params.context.diagnostics:
        actions += _fixes(uri, text, lines, notice, diagnostic)
        if (
            findings_ok
            and isinstance(diagnostic.data, dict)
            and diagnostic.data.get("kind") == "finding"
            and isinstance(diagnostic.code, str)
            and diagnostic.code not in CHECKS  # the policy's own checks cannot be waived
        ):
            actions.append(_waiver(uri, text, lines, diagnostic))
    if tree is not None:
        block = _block_at(tree, params.range.start.line + 1)
        if block is not None:
            fill = _fill_unstated(uri, text, lines, block)
            if fill is not None:
                actions.append(fill)
    return actions


def _fixes(
    uri: str, text: str, lines: Lines, notice: str | None, diagnostic: types.Diagnostic
) -> list[types.CodeAction]:
    hint = diagnostic.data.get("hint") if isinstance(diagnostic.data, dict) else None
    if diagnostic.code in FIXABLE and isinstance(hint, str):
        m = _DID_YOU_MEAN.search(hint)
        if m is not None:
            return [
                types.CodeAction(
                    title=f"Replace with '{m.group(1)}'",
                    kind=types.CodeActionKind.QuickFix,
                    diagnostics=[diagnostic],
                    is_preferred=True,
                    edit=_edit(uri, [types.TextEdit(diagnostic.range, m.group(1))]),
                )
            ]
    if diagnostic.code == "E302" and notice is not None:
        start = lines.offset(diagnostic.range.start)
        end = lines.offset(diagnostic.range.end)
        raw = text[start:end]
        if len(raw) >= 2 and raw[0] == raw[-1] == '"':
            from checker.language.tree import unquote

            passage = closest(prepare(notice), unquote(raw), limit=100_000)
            if passage is not None:
                return [
                    types.CodeAction(
                        title=f"Quote the closest passage (notice line {passage.line})",
                        kind=types.CodeActionKind.QuickFix,
                        diagnostics=[diagnostic],
                        edit=_edit(uri, [types.TextEdit(diagnostic.range, quote(passage.text))]),
                    )
                ]
    return []


def _block_at(tree: SyntaxTree, line: int) -> Block | None:
    for item in tree.items:
        if isinstance(item, Block) and item.span.line <= line <= item.span.end_line:
            return item
    return None


def _fill_unstated(uri: str, text: str, lines: Lines, block: Block) -> types.CodeAction | None:
    if block.kind not in SHAPES or block.span.end_line == block.span.line:
        return None
    model = KIND_MODELS[block.kind]
    given = {item.key for item in block.items if isinstance(item, Field)}
    missing = [
        key
        for key, shape in SHAPES[block.kind].items()
        if shape.unstated_ok and key not in given and key != model.NAME_FIELD
    ]
    if not missing:
        return None
    width = max(len(key) for key in missing)
    # Before the first citation, or before the closing brace.
    first_cite = next((i for i in block.items if isinstance(i, Cite)), None)
    line = first_cite.span.line if first_cite is not None else block.span.end_line
    added = "".join(f"  {key.ljust(width)} = unstated  {REVIEW}\n" for key in missing)
    at = types.Position(line - 1, 0)
    return types.CodeAction(
        title=f"Fill the missing fields of this {block.kind} as unstated",
        kind=types.CodeActionKind.RefactorRewrite,
        edit=_edit(uri, [types.TextEdit(types.Range(at, at), added)]),
    )


def _waiver(uri: str, text: str, lines: Lines, diagnostic: types.Diagnostic) -> types.CodeAction:
    skeleton = (
        "\nwaiver {\n"
        f'  requirement = "{diagnostic.code}"\n'
        '  reason      = ""  # why the deviation is accepted\n'
        '  approver    = ""  # who accepted it\n'
        "  expires     =     # until when: YYYY-MM-DD\n"
        "}\n"
    )
    if text and not text.endswith("\n"):
        skeleton = "\n" + skeleton
    end = lines.position(len(lines.lines), len(lines.lines[-1]) + 1)
    return types.CodeAction(
        title=f"Add a waiver of {diagnostic.code}",
        kind=types.CodeActionKind.QuickFix,
        diagnostics=[diagnostic],
        edit=_edit(uri, [types.TextEdit(types.Range(end, end), skeleton)]),
    )


def refusal(error: CheckerError) -> str:
    return f"policycheck: not formatted, the file does not parse: {error}"


__all__: Sequence[str] = ["code_actions", "formatted", "refusal"]
