"""`policycheck init NOTICE.txt`: a new `.policy` for a notice, for an encoder to work down.

The scaffold holds the `document` header (title from the notice's first heading, the source path
relative to the new file, the language guessed from the script), the single statements (`handler`,
`minors`, `cookies`, ...) with every field `unstated` under a `# TODO` to review, the notice's
headings in an `irrelevant headings` block citing them verbatim, and every other paragraph as a
comment in notice order (`# ¶12 line 48: "If it becomes necessary ..."`). Replacing a comment by
a cited statement is what `policycheck coverage` counts as progress.

The scaffold lints (exit 0 or 1, never an input error) and is already in the formatter's layout.
An existing file is never overwritten without `--force`.
"""

from __future__ import annotations

import os
import re
import unicodedata
from pathlib import Path
from typing import TextIO

from checker.errors import CheckerError, did_you_mean, escape_invisible, one_of
from checker.exitcodes import EXIT_CLEAN
from checker.language.facts import FACT_KINDS, SHAPES, Jurisdiction
from checker.language.formatter import format_text
from checker.language.tree import quote
from checker.notice.anchoring import Place, places, prepare

JURISDICTIONS: tuple[str, ...] = Jurisdiction.__args__  # type: ignore[attr-defined]
SINGLE_KINDS = tuple(m.KIND for m in FACT_KINDS if m.SINGLE and m.KIND != "document")

HEADING_MAX = 80
"""A line longer than this is a paragraph, however it is written."""
COMMENT_WIDTH = 72
"""Characters of a paragraph shown in its comment."""
_SENTENCE_END = tuple(".;:,!?。；：，！？、")
_NUMBERED = re.compile(
    r"^(\d+(\.\d+)*\.?|[IVXLC]+\.|第[一二三四五六七八九十百零〇\d]+[章条节部分]|"
    r"[一二三四五六七八九十]+、|[（(][一二三四五六七八九十\d]+[)）])\s*\S"
)


def is_heading(line: str) -> bool:
    """A short line that ends no sentence: a title or a section heading.

    Numbered lines (`4. Storage`, `IX.`, `第三条`, `一、`) are headings when short; other short
    lines must not end like a sentence or a list item (a full stop, a colon, a comma).
    """
    text = line.strip()
    if not text or len(text) > HEADING_MAX:
        return False
    if text.endswith(_SENTENCE_END):
        return False
    if _NUMBERED.match(text):
        return True
    words = text.split()
    # A lone short line of a few words (a title) in a Latin script, or a short CJK line.
    return len(words) <= 10 if text.isascii() else len(text) <= 30


def guess_language(text: str) -> str:
    """`zh` when the Han characters say more than the Latin letters, `en` for ASCII letters."""
    han = latin = other = 0
    for ch in text:
        if "\u4e00" <= ch <= "\u9fff" or "\u3400" <= ch <= "\u4dbf":
            han += 1
        elif ch.isascii() and ch.isalpha():
            latin += 1
        elif ch.isalpha():
            other += 1
    # A Han character is about a word, a Latin letter a fifth of one.
    if han and han * 2 >= latin and han >= other:
        return "zh"
    if latin > 0 and latin >= other:
        return "en"
    return "other"


def _spellable(text: str) -> bool:
    """A paragraph that can be quoted as it stands: visible characters only, something to find."""
    return escape_invisible(text) == text and any(not ch.isspace() for ch in text)


def _comment_text(text: str) -> str:
    shown = escape_invisible(" ".join(text.split()))
    if len(shown) > COMMENT_WIDTH:
        shown = shown[: COMMENT_WIDTH - 1].rstrip() + "…"
    return shown


def _title(text: str) -> str:
    return "".join(ch for ch in " ".join(text.split()) if unicodedata.category(ch)[0] != "C")


def scaffold(notice: str, source: str, jurisdictions: tuple[str, ...], fallback_title: str) -> str:
    """The new policy's text for `notice`, whose path relative to the policy is `source`."""
    paragraphs = [
        (number, line.strip())
        for number, line in enumerate(notice.split("\n"), start=1)
        if line.strip()
    ]
    prepared = prepare(notice)
    # A heading is cited where its words begin and end on its own line; a heading whose words
    # also occur elsewhere (a repeated title) names its line, so the citation is anchored there.
    headings: list[tuple[int, int, str, bool]] = []  # paragraph, line, text, repeated
    for index, (n, text) in enumerate(paragraphs, start=1):
        if not (is_heading(text) and _spellable(text)):
            continue
        found = places(prepared, text)
        if Place(n, n) in found:
            headings.append((index, n, text, len(found) > 1))
    title = _title(headings[0][2]) if headings else fallback_title
    out = [
        "# TODO: review the header; the title is the notice's first heading.",
        "document {",
        f"  title = {quote(title)}",
        f"  source = {quote(source)}",
        f"  language = {guess_language(notice)}",
        "  version = unstated",
        "  effective = unstated",
        "  updated = unstated",
        f"  jurisdictions = [{', '.join(jurisdictions)}]",
        "  url = unstated",
        "}",
        "",
    ]
    if headings:
        out += ["irrelevant headings {", '  reason = "title and section headings"']
        out += [
            f"  cite {quote(f'¶{index}')} {quote(text)}" + (f" line {n}" if repeated else "")
            for index, n, text, repeated in headings
        ]
        out += ["}", ""]
    for kind in SINGLE_KINDS:
        out.append("# TODO: review: every field is unstated until the notice says otherwise.")
        out.append(f"{kind} {{")
        out += [f"  {key} = unstated" for key, shape in SHAPES[kind].items() if shape.unstated_ok]
        out += ["}", ""]
    headed = {n for _, n, _, _ in headings}
    rest = [
        (index, n, text) for index, (n, text) in enumerate(paragraphs, start=1) if n not in headed
    ]
    if rest:
        out.append("# Paragraphs of the notice still to encode, in order:")
        out += [f'# ¶{index} line {n}: "{_comment_text(text)}"' for index, n, text in rest]
    return format_text("\n".join(out).rstrip("\n") + "\n")


def default_output(notice: Path) -> Path:
    """`policies/sources/shop.txt` -> `policies/shop.policy`; elsewhere beside the notice."""
    folder = notice.parent.parent if notice.parent.name == "sources" else notice.parent
    return folder / f"{notice.stem}.policy"


def check_jurisdictions(values: list[str]) -> tuple[str, ...]:
    """The jurisdictions asked for, each known, and at least one with a shipped set."""
    from checker.rules.requirements import sets_for_jurisdictions

    for value in values:
        if value not in JURISDICTIONS:
            raise CheckerError(
                "E604",
                f"--jurisdictions: unknown jurisdiction '{value}'",
                expected=one_of(JURISDICTIONS),
                hint=did_you_mean(value, JURISDICTIONS),
            )
    chosen = tuple(dict.fromkeys(values))
    if not chosen or not sets_for_jurisdictions(chosen):
        raise CheckerError(
            "E604",
            f"--jurisdictions: no requirement set applies to [{', '.join(chosen)}]",
            expected="a jurisdiction of a shipped set (cn, eu, eea)",
        )
    return chosen


def run_init(
    notice: Path,
    jurisdictions: list[str] | None,
    output: Path | None,
    force: bool,
    err: TextIO,
    roots: tuple[Path, ...] = (),
) -> int:
    from checker.files import read_text
    from checker.notice.loading import confined, roots_for

    chosen = check_jurisdictions(jurisdictions or ["cn"])
    text = read_text(notice)
    target = output if output is not None else default_output(notice)
    if target.exists() and not force:
        raise CheckerError(
            "E607",
            "already exists; not overwritten",
            str(target),
            expected="a path where no file is yet",
            hint="pass --force to replace it, or -o to write elsewhere",
        )
    if target.is_dir():
        raise CheckerError("E603", "is a directory, not a file", str(target))
    # Lint refuses a notice outside the policy's project root (E301): refuse the scaffold now
    # rather than write a file whose first lint fails on its own header.
    confined(notice, roots_for(target, roots))
    source = Path(os.path.relpath(notice.resolve(), target.resolve().parent)).as_posix()
    policy = scaffold(text, source, chosen, notice.stem)
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(policy, encoding="utf-8", newline="")
    except OSError as exc:
        raise CheckerError("E601", f"cannot write: {exc.strerror}", str(target)) from None
    comments = policy.count("\n# ¶")
    err.write(
        f"wrote {target}: {len(SINGLE_KINDS) + 1} statements to review, "
        f"{comments} paragraph{'s' if comments != 1 else ''} to encode\n"
    )
    return EXIT_CLEAN
