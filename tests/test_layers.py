"""The package's layers: imports point only down the pipeline.

commands -> reporters -> rules -> notice -> language -> the foundation modules (errors, spans,
files, ...). A module may import its own layer and those below it, never one above: read from the
source with `ast`, so a lazy import inside a function counts as much as one at the top.
docs/architecture.md says what each layer owns.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parent.parent / "checker"

LAYERS = ("foundation", "language", "notice", "rules", "reporters", "commands", "cli")
"""Lowest first."""

FOUNDATION = {"__init__", "errors", "spans", "exitcodes", "resources", "files", "config", "derived"}
ENTRY = {"cli", "__main__"}


def layer_of(module: str) -> str:
    """The layer of a dotted module name under `checker` (e.g. `checker.rules.engine`)."""
    parts = module.split(".")
    assert parts[0] == "checker", module
    if len(parts) == 1:
        return "foundation"
    if parts[1] in ENTRY:
        return "cli"
    if parts[1] in FOUNDATION:
        return "foundation"
    if parts[1] in LAYERS:
        return parts[1]
    raise AssertionError(f"{module} belongs to no layer: add it to one in docs/architecture.md")


def module_name(path: Path) -> str:
    parts = path.relative_to(PACKAGE.parent).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def imported(path: Path) -> list[tuple[int, str]]:
    """Every `checker` module `path` imports, with its line, wherever in the file it stands."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    package = module_name(path).split(".")
    if path.name != "__init__.py":
        package = package[:-1]
    found: list[tuple[int, str]] = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found += [(node.lineno, alias.name) for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            base = package[: len(package) - node.level + 1] if node.level else []
            target = ".".join(base + ([node.module] if node.module else []))
            if node.module is None or target in {"checker"} | {f"checker.{x}" for x in LAYERS}:
                # `from checker import __version__` or `from checker.rules import engine`
                found += [(node.lineno, f"{target}.{alias.name}") for alias in node.names]
            else:
                found.append((node.lineno, target))
    return [(line, name) for line, name in found if name.split(".")[0] == "checker"]


def modules() -> list[Path]:
    return sorted(PACKAGE.rglob("*.py"))


def upward_imports() -> list[str]:
    found = []
    for path in modules():
        own = LAYERS.index(layer_of(module_name(path)))
        for line, target in imported(path):
            if target == "checker.__version__":
                continue
            if LAYERS.index(layer_of(target)) > own:
                found.append(f"{path.relative_to(PACKAGE.parent)}:{line}: imports {target}")
    return found


def test_no_module_imports_a_layer_above_its_own() -> None:
    assert upward_imports() == []


def test_every_module_has_a_layer() -> None:
    for path in modules():
        layer_of(module_name(path))


@pytest.mark.parametrize(
    ("source", "expected"),
    [
        ("from checker.commands.lint import run_lint\n", "imports checker.commands.lint"),
        ("def later():\n    import checker.reporters.text\n", "imports checker.reporters.text"),
        ("from ..rules import engine\n", "imports checker.rules.engine"),
    ],
)
def test_an_upward_import_is_found(
    source: str, expected: str, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    """The check can fail: a language module importing a higher layer, at the top, inside a
    function or relatively, is reported at its line."""
    fake = tmp_path / "checker"
    (fake / "language").mkdir(parents=True)
    (fake / "language" / "sneaky.py").write_text(source, encoding="utf-8")
    monkeypatch.setitem(globals(), "PACKAGE", fake)
    found = upward_imports()
    assert len(found) == 1
    assert found[0].startswith("checker/language/sneaky.py:")
    assert found[0].endswith(expected)
