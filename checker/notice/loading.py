"""Loading a policy: read the file, parse and build its facts, read its notice, anchor the quotes.

The notice's path comes from an untrusted file, so it is confined to the project root before a
byte of it is read (see `confined`).
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import TYPE_CHECKING

from checker.errors import CheckerError, ErrorList
from checker.files import read_text

if TYPE_CHECKING:
    from checker.language.facts import Policy


def parse_policy(text: str, path: str) -> Policy:
    """Syntax and meaning of one policy text (no file access, no quote anchoring)."""
    # Imported here, not at the top: a lint run served from the cache lists and reads files but
    # never parses one, and the parser and fact model are most of the program's start-up time.
    from checker.language.build import build_policy
    from checker.language.syntax import parse_syntax

    # Positions are counted without a byte order mark, however the text was read.
    text = text.removeprefix("\ufeff")
    try:
        tree = parse_syntax(text)
    except CheckerError as exc:
        raise ErrorList([exc.at(path)]) from None
    return build_policy(tree, path)


def source_path(policy_path: Path, policy: Policy) -> Path:
    assert policy.document.source is not None
    return policy_path.parent / policy.document.source


def default_root(policy_path: Path) -> Path:
    """The project root of a policy when no configuration names one: the git work tree holding
    it (a directory with a `.git` directory or, in a linked work tree, a `.git` file), else the
    policy's own directory."""
    directory = Path(os.path.realpath(policy_path)).parent
    for folder in (directory, *directory.parents):
        if (folder / ".git").exists():
            return folder
    return directory


def roots_for(policy_path: Path, roots: tuple[Path, ...] = ()) -> tuple[Path, ...]:
    """The directories a policy's notice may lie in: the configured `roots` (the configuration
    file's directory and its `source-roots`) when the policy is inside one of them, else the
    policy's default root."""
    real = Path(os.path.realpath(policy_path))
    resolved = tuple(Path(os.path.realpath(root)) for root in roots)
    if any(real.is_relative_to(root) for root in resolved):
        return resolved
    return (default_root(policy_path),)


def confined(path: Path, roots: tuple[Path, ...]) -> Path:
    """`path` with every symbolic link resolved, if that lies inside one of `roots`; else a
    `CheckerError` (E301) saying so.

    A policy from an untrusted change names its notice, and the notice's words are quoted back
    in messages (the closest passage to a missing quote): a path out of the project (`../..`,
    an absolute path, `/proc/self/environ`, a symbolic link pointing out) would print any file
    the checker can read. Such a path is refused before anything is read from it.
    """
    real = Path(os.path.realpath(path))
    if not any(real.is_relative_to(root) for root in roots):
        shown = ", ".join(str(root) for root in roots)
        raise CheckerError(
            "E301",
            f"is outside the project root ({shown})",
            str(path),
            hint="keep the notice's text inside the project, or allow its folder with "
            "`source-roots` in the configuration",
        )
    return real


def read_notice(
    policy_path: Path, policy: Policy, roots: tuple[Path, ...] = ()
) -> tuple[Path, str]:
    """The path and text of a policy's notice: inside the project root (see `confined`), a
    regular file, within the size limit. Any other is E301 at the policy's `source` field."""
    notice_path = source_path(policy_path, policy)
    try:
        real = confined(notice_path, roots_for(policy_path, roots))
        return notice_path, read_text(real, str(notice_path))
    except CheckerError as exc:
        raise CheckerError(
            "E301",
            f"source text {policy.document.source}: {exc.message}",
            policy.path,
            policy.document.spans.get("source", policy.document.span),
            expected="the path of the notice's text, relative to this file",
            hint=exc.hint,
        ) from None
    except ValueError:  # a NUL character in the path
        raise CheckerError(
            "E301",
            f"source text {policy.document.source}: the path contains a NUL character",
            policy.path,
            policy.document.spans.get("source", policy.document.span),
        ) from None


def load_policy(
    path: Path, shown: str | None = None, roots: tuple[Path, ...] = ()
) -> tuple[Policy, str]:
    """Read, parse and anchor one policy file; returns the policy and the file's text.

    `roots` are the directories its notice may lie in (see `roots_for`)."""
    from checker.notice.anchoring import anchor

    name = shown or str(path)
    try:
        text = read_text(path, name)
    except CheckerError as exc:
        raise ErrorList([exc]) from None
    policy = parse_policy(text, name)
    try:
        _, notice = read_notice(path, policy, roots)
    except CheckerError as exc:
        raise ErrorList([exc]) from None
    return anchor(policy, notice), text
