"""Recovery from syntax errors: the broken statements are set aside, every other one is read, and
each error is where the whole-file parser would put it."""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from checker.commands.lsp.recovery import MAX_ERRORS, parse_recovering
from checker.errors import CheckerError
from checker.language.syntax import parse_syntax
from checker.language.tree import Block

SAMPLE = (Path(__file__).parent.parent / "examples" / "sample.policy").read_text(encoding="utf-8")


def kinds(text: str) -> list[str]:
    recovered = parse_recovering(text)
    assert recovered.tree is not None
    return [
        f"{i.kind} {i.name or ''}".strip() for i in recovered.tree.items if isinstance(i, Block)
    ]


def test_a_valid_text_is_parsed_as_it_is() -> None:
    recovered = parse_recovering(SAMPLE)
    assert recovered.tree == parse_syntax(SAMPLE)
    assert recovered.errors == () and recovered.blanked == ()


def test_two_broken_statements_are_set_aside_and_the_rest_is_read() -> None:
    text = SAMPLE.replace("  necessary   = yes", "  necessary   =").replace(
        '  legal_name = "Example', '  legal_name "Example'
    )
    recovered = parse_recovering(text)
    assert [e.code for e in recovered.errors] == ["E110", "E100"]
    assert kinds(text) == ["document", "collection registration"]
    # Each error is where the parser puts it in the whole file.
    with pytest.raises(CheckerError) as first:
        parse_syntax(text)
    assert recovered.errors[0] == first.value


def test_a_block_left_open_is_reported_at_its_own_end() -> None:
    text = SAMPLE.replace('your account"\n}', 'your account"\n')
    recovered = parse_recovering(text)
    [error] = recovered.errors
    assert error.code == "E102"
    assert error.hint is not None and "line 15" in error.hint
    assert kinds(text) == ["document", "handler", "collection registration"]


def test_fields_at_the_start_of_their_lines_do_not_cut_statements() -> None:
    text = SAMPLE.replace("\n  ", "\n").replace("necessary   = yes", "necessary =")
    recovered = parse_recovering(text)
    with pytest.raises(CheckerError) as first:
        parse_syntax(text)
    assert recovered.errors == (first.value,)
    assert kinds(text) == ["document", "handler", "collection registration"]


def test_errors_are_bounded() -> None:
    text = SAMPLE + "".join(
        f"\npurpose p{i} {{\n  necessary =\n}}\n" for i in range(MAX_ERRORS * 2)
    )
    recovered = parse_recovering(text)
    assert len(recovered.errors) == MAX_ERRORS
    assert len(recovered.blanked) == MAX_ERRORS * 2
    assert kinds(text)[-1] == "collection registration"


@given(st.integers(0, len(SAMPLE) - 1), st.sampled_from(['"', "{", "}", "=", "[", "x y"]))
def test_whatever_is_typed_the_first_error_has_the_parsers_code(at: int, typed: str) -> None:
    text = SAMPLE[:at] + typed + SAMPLE[at:]
    try:
        parse_syntax(text)
    except CheckerError as exc:
        recovered = parse_recovering(text)
        assert recovered.errors
        assert recovered.errors[0].code in (exc.code, "E102", "E108")
    else:
        assert parse_recovering(text).errors == ()
