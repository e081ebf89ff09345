"""One small example policy per statement kind (tests/examples/kinds/<kind>.policy, all citing
tests/examples/kinds/notice.txt): each reads cleanly, lints without input errors and is formatted.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from checker.cli import main
from checker.language.facts import KIND_MODELS
from checker.language.formatter import format_text
from checker.language.render import render_policy
from checker.notice.loading import load_policy

KINDS_DIR = Path(__file__).resolve().parent / "examples" / "kinds"
KINDS = sorted(KIND_MODELS)


def example(kind: str) -> Path:
    return KINDS_DIR / f"{kind}.policy"


def test_every_statement_kind_has_an_example_and_nothing_else_is_there() -> None:
    assert sorted(p.stem for p in KINDS_DIR.glob("*.policy")) == KINDS


@pytest.mark.parametrize("kind", KINDS)
def test_the_example_states_its_kind_and_every_quote_is_in_the_notice(kind: str) -> None:
    policy, _ = load_policy(example(kind))
    facts = policy.of_kind(kind)
    assert facts, f"{example(kind).name} has no {kind} block"
    cited = [c for fact in policy.statements for c in fact.cites]
    assert all(c.notice_line is not None for c in cited)
    if kind not in ("document", "category", "waiver"):
        assert all(fact.cites for fact in facts)


@pytest.mark.parametrize("kind", KINDS)
def test_the_example_lints_without_input_errors(
    kind: str, capsys: pytest.CaptureFixture[str]
) -> None:
    code = main(["lint", "--no-cache", "--jobs", "1", str(example(kind))])
    out, err = capsys.readouterr()
    assert code in (0, 1), err
    assert "error[" not in err
    assert "Traceback" not in err
    assert "1 document" in out


@pytest.mark.parametrize("kind", KINDS)
def test_the_example_is_formatted(kind: str) -> None:
    text = example(kind).read_text(encoding="utf-8")
    assert format_text(text) == text


def test_fmt_check_passes_on_the_examples(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["fmt", "--check", str(KINDS_DIR)]) == 0
    assert capsys.readouterr().err == ""


@pytest.mark.parametrize("kind", KINDS)
def test_rendering_the_facts_gives_back_the_example_without_its_comments(kind: str) -> None:
    """The examples list fields in the fact model's order, which is the order render_policy uses."""
    text = example(kind).read_text(encoding="utf-8")
    uncommented = "".join(
        line for line in text.splitlines(keepends=True) if not line.lstrip().startswith("#")
    )
    policy, _ = load_policy(example(kind))
    assert render_policy(policy) == uncommented
