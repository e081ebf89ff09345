"""The two grammars are sound: Lark's strict mode finds no shift/reduce conflict and no terminal
collision in either.

The parsers the checker uses at run time are not strict (strict mode needs the optional
`interegular` package, which a plain install does not have), so this is where a grammar edit that
introduces an ambiguity is caught.
"""

from __future__ import annotations

import interegular  # noqa: F401  (strict mode needs it; the test extra installs it)
import pytest
from lark import Lark

from checker.resources import grammar_text


@pytest.mark.parametrize(
    ("name", "options"),
    [("policy.lark", {"lexer": "contextual"}), ("condition.lark", {})],
)
def test_the_grammar_has_no_conflict_or_collision(name: str, options: dict[str, str]) -> None:
    Lark(grammar_text(name), parser="lalr", strict=True, **options)


@pytest.mark.parametrize(
    "grammar",
    [
        "start: A | B\nA: /a+/\nB: /ab*/\n",  # two terminals match "a"
        'start: a | b\na: "x" "y"\nb: "x" "y"\n',  # two rules reduce the same input
    ],
    ids=["terminal collision", "reduce/reduce conflict"],
)
def test_strict_mode_does_find_an_ambiguity(grammar: str) -> None:
    # The check above would pass vacuously if strict mode checked nothing.
    with pytest.raises(Exception, match=r"[Cc]ollision"):
        Lark(grammar, parser="lalr", strict=True)
