"""Which policies cite a notice text, so that `policycheck lint NOTICE` lints them.

A policy's quotes are checked against its notice's text (`document { source = "..." }`), so an
edit of the text alone can break them. The pre-commit hook passes the files a commit changes;
when it passes a notice text, lint checks the policies that cite it instead. They are looked for
where policies live: under the configured `paths` (by default `./policies`), and beside the
notice, in its own directory and its parent (`policies/sources/shop.txt` is cited by
`policies/shop.policy`). A policy is read only if its text names the notice's file name, and only
its document block is parsed; a policy that does not parse cites nothing here (linting it
directly reports why).
"""

from __future__ import annotations

import os
from collections.abc import Iterable
from pathlib import Path

from checker.errors import CheckerError
from checker.files import list_policy_files, read_bytes

POLICY_SUFFIX = ".policy"


def is_policy_path(path: Path) -> bool:
    return path.suffix == POLICY_SUFFIX or path.is_dir()


def resolve_notices(
    paths: Iterable[Path],
    search: Iterable[Path],
    exclude: tuple[str, ...] = (),
    skip_unrelated: bool = False,
) -> list[Path]:
    """`paths` with each notice text replaced by the policies that cite it.

    A path that is neither a directory nor a .policy file and that no policy cites is kept as it
    is (lint then says what is wrong with it), or dropped with `skip_unrelated` (a hook's files).
    """
    paths = list(paths)
    notices = [p for p in paths if not is_policy_path(p)]
    if not notices:
        return paths
    citing = _citing(notices, list(search), exclude)
    resolved: list[Path] = []
    for path in paths:
        if is_policy_path(path):
            resolved.append(path)
        elif citing.get(_key(path)):
            resolved.extend(citing[_key(path)])
        elif not skip_unrelated:
            resolved.append(path)
    return list(dict.fromkeys(resolved))  # a policy named twice (itself and by its notice): once


def _key(path: Path) -> str:
    return os.path.normcase(str(path.resolve()))


def _citing(
    notices: list[Path], search: list[Path], exclude: tuple[str, ...]
) -> dict[str, list[Path]]:
    """notice (resolved) -> the policies citing it, in the order they were found."""
    wanted = {_key(n) for n in notices}
    names = {n.name for n in notices}
    candidates: list[Path] = list_policy_files([p for p in search if p.is_dir()], exclude)
    for notice in notices:  # beside the notice: its directory and the parent, not below them
        for folder in (notice.parent, notice.parent.parent):
            if folder.is_dir():
                candidates.extend(
                    sorted(
                        p
                        for p in folder.glob(f"*{POLICY_SUFFIX}")
                        if p.is_file() and not any(p.match(x) for x in exclude)
                    )
                )
    found: dict[str, list[Path]] = {}
    seen: set[str] = set()
    for policy in candidates:
        key = _key(policy)
        if key in seen:
            continue
        seen.add(key)
        source = cited_source(policy, names)
        try:
            cited = _key(source) if source is not None else None
        except (OSError, ValueError):  # a source that is no path (a NUL in it): lint reports it
            continue
        if cited is not None and cited in wanted:
            found.setdefault(cited, []).append(policy)
    return found


def cited_source(policy: Path, names: Iterable[str] = ()) -> Path | None:
    """The notice text `policy` cites, as a path; None if it cites none or cannot be read.

    With `names`, a policy whose text names none of those file names is not parsed at all.
    """
    # Imported here: the parser is needed only when a notice text is linted.
    from checker.language.syntax import parse_syntax
    from checker.language.tree import Block, Field, Scalar

    try:  # as every input is read: a regular file within the size limit (a pipe would block)
        text = read_bytes(policy).decode("utf-8")
    except (CheckerError, ValueError):
        return None
    names = list(names)
    if names and not any(name in text for name in names):
        return None
    try:
        tree = parse_syntax(text.removeprefix("\ufeff"))
    except CheckerError:
        return None
    for item in tree.items:
        if isinstance(item, Block) and item.kind == "document":
            for field in item.items:
                if (
                    isinstance(field, Field)
                    and field.key == "source"
                    and isinstance(field.value, Scalar)
                    and field.value.kind == "string"
                ):
                    return policy.parent / field.value.value
    return None
