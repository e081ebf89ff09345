"""docs/language.md is generated from the fact model and must be current."""

from __future__ import annotations

from pathlib import Path

from checker.language.facts import FACT_KINDS, SHAPES
from checker.language.reference import language_reference

DOC = Path(__file__).resolve().parent.parent / "docs" / "language.md"


def test_the_language_reference_is_current() -> None:
    assert DOC.read_text(encoding="utf-8") == language_reference(), (
        "docs/language.md is stale: run `python -m checker.language.reference > docs/language.md`"
    )


def test_the_reference_lists_every_kind_and_field() -> None:
    text = language_reference()
    for model in FACT_KINDS:
        assert f"\n## {model.KIND}\n" in text
        for name in SHAPES[model.KIND]:
            assert f"| `{name}` |" in text
