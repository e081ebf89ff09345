"""Where the shipped data lives: grammars, requirement sets and tables.

In an installed wheel they sit inside the package (`checker/grammar`, `checker/requirements`); in a
checkout they sit at the repository root. Nothing else in the program looks for them.
"""

from __future__ import annotations

from functools import cache
from pathlib import Path

_PACKAGE = Path(__file__).resolve().parent


@cache
def shipped_dir(name: str) -> Path:
    """The directory of shipped `name` data ("grammar" or "requirements")."""
    inside = _PACKAGE / name
    if inside.is_dir():
        return inside
    return _PACKAGE.parent / name


def grammar_text(name: str) -> str:
    return (shipped_dir("grammar") / name).read_text(encoding="utf-8")


def data_path(name: str) -> Path:
    return _PACKAGE / "data" / name


def shipped_sets() -> dict[str, Path]:
    """Set name -> file, for the requirement sets shipped with policycheck."""
    return dict(_shipped_sets())


@cache
def _shipped_sets() -> tuple[tuple[str, Path], ...]:
    # Listed once per process: lint asks for every document (the files do not change mid-run).
    folder = shipped_dir("requirements")
    return tuple((p.stem, p) for p in sorted(folder.glob("*.yaml")) if p.stem not in NOT_SETS)


def sensitivity_file() -> Path:
    """The table of sensitive data categories (PIPL Art. 28, GDPR Art. 9) the engine reads."""
    return shipped_dir("requirements") / "sensitive_categories.yaml"


NOT_SETS = frozenset({"sensitive_categories"})
"""YAML files beside the sets that are tables the sets use, not sets."""


def set_files(name: str) -> list[Path] | None:
    """The requirement files a set name stands for: a shipped set, a directory of set files, or a
    file; None for a name that is none of these."""
    shipped = shipped_sets()
    if name in shipped:
        return [shipped[name]]
    path = Path(name)
    if path.is_dir():
        return sorted(p for p in path.glob("*.yaml") if p.stem not in NOT_SETS)
    if path.suffix in (".yaml", ".yml") or path.exists():
        return [path]
    return None
