"""Properties of the policy language, checked on generated inputs (hypothesis).

(a) facts -> render_policy -> parse_policy gives the same facts, spans aside;
(b) formatting is idempotent and never changes the facts, whatever the layout and comments;
(c) every comment of the input is in the formatted output, in the same order;
(d) any text or bytes, read as the command line reads them, only ever fail as CheckerError or
    ErrorList.
"""

from __future__ import annotations

import contextlib
import datetime
import itertools
from dataclasses import asdict
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, seed, settings
from hypothesis import strategies as st
from test_build import assert_same_as_validated

from checker.errors import CheckerError, ErrorList
from checker.files import read_text
from checker.language.build import UNCITED_KINDS
from checker.language.facts import (
    KIND_MODELS,
    SHAPES,
    UNSTATED,
    Citation,
    Document,
    Fact,
    Minors,
    Policy,
    Shape,
)
from checker.language.formatter import format_text
from checker.language.render import render_policy
from checker.language.syntax import comments_of, parse_syntax
from checker.language.taxonomy import taxonomy_keys
from checker.language.tree import Block, Cite, Field, Item, ListValue, Scalar, quote
from checker.notice.loading import parse_policy
from checker.spans import Span

# At least 150 examples; more under `--hypothesis-profile=fuzz` (profiles: tests/conftest.py).
EXAMPLES = settings(
    max_examples=max(150, settings().max_examples),
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)
PATH = "generated.policy"
NOWHERE = Span.point(1, 1)
TAXONOMY = sorted(taxonomy_keys())
KINDS = sorted(k for k in KIND_MODELS if k != "document")
# Kinds that name or follow references are drawn more often, so that references are common.
WEIGHTED_KINDS = KINDS + ["purpose", "recipient"] * 2 + ["collection", "sharing", "transfer"]

# --- (a) generated fact models -------------------------------------------------------------------

# A single bare value `unstated` or `all` reads as the keyword, so no fact may be named that.
KEYWORDS = frozenset({"unstated", "all"})
segments = st.from_regex(r"[A-Za-z_][A-Za-z0-9_]{0,7}", fullmatch=True)
identifiers = st.one_of(
    segments,
    st.lists(segments, min_size=2, max_size=3).map(".".join),
    st.sampled_from(["cite", "document", "yes", "no", "user", "purpose"]),
).filter(lambda name: name not in KEYWORDS)
one_line_text = st.text(
    st.characters(exclude_categories=["Cs"], exclude_characters="\n"), max_size=24
)
# A citation's label and quote say something (blank ones are an incomplete citation, E111).
said = one_line_text.filter(str.strip)
citations = st.builds(
    Citation,
    label=said,
    quote=said,
    span=st.just(NOWHERE),
    quote_span=st.just(NOWHERE),
)


def scalar_values(shape: Shape, names: dict[str, list[str]], categories: list[str]) -> Any:
    """Values of one item of a field, or None when the field can take none in this policy."""
    if shape.scalar == "text":
        return one_line_text
    if shape.scalar == "flag":
        return st.booleans()
    if shape.scalar == "int":
        return st.integers(0, 10**9)
    if shape.scalar == "date":
        return st.dates(datetime.date(1, 1, 1), datetime.date(9999, 12, 31))
    if shape.scalar == "enum":
        return st.sampled_from(shape.choices)
    if shape.scalar == "category":
        return st.sampled_from(categories)
    assert shape.scalar == "ref" and shape.ref is not None
    return st.sampled_from(names[shape.ref]) if names.get(shape.ref) else None


def field_values(
    shape: Shape, required: bool, names: dict[str, list[str]], categories: list[str]
) -> Any:
    options: list[Any] = [] if required else [st.none()]
    if shape.unstated_ok:
        options.append(st.just(UNSTATED))
    if shape.all_ok:
        options.append(st.just("all"))
    one = scalar_values(shape, names, categories)
    if one is not None:
        options.append(st.lists(one, min_size=1, max_size=3).map(tuple) if shape.many else one)
        if shape.one_or_many:  # one region, kept as one
            options.append(one)
    return st.one_of(options) if options else st.none()


def consistent(kind: str, values: dict[str, Any]) -> dict[str, Any]:
    """The values with the combinations the builder refuses (E215) taken apart: a recipient is
    one entity or one of at least two, and only one of several is `chosen_by` something."""
    if kind != "recipient":
        return values
    one_of = values.get("one_of")
    if one_of is not None and len(one_of) < 2:
        values["one_of"] = one_of = (*one_of, "another")
    if one_of is not None:
        values.pop("legal_name", None)
    elif values.get("chosen_by") is not UNSTATED:
        values.pop("chosen_by", None)
    return values


@st.composite
def fact_models(
    draw: st.DrawFn,
    kind: str,
    name: str | None,
    names: dict[str, list[str]],
    categories: list[str],
) -> Fact:
    model = KIND_MODELS[kind]
    values: dict[str, Any] = {}
    for key, shape in SHAPES[kind].items():
        if key == model.NAME_FIELD:
            values[key] = name.split(".")[0] if model.NAME_QUALIFIED and name else name
            continue
        value = draw(field_values(shape, key in model.REQUIRED, names, categories))
        if value is not None:
            values[key] = value
    cites = draw(st.lists(citations, min_size=0 if kind in UNCITED_KINDS else 1, max_size=2))
    return model(name=name, cites=tuple(cites), **consistent(kind, values))


@st.composite
def policy_models(draw: st.DrawFn) -> Policy:
    """A document header first, then statements of random kinds with unique names; references
    only to the purposes and recipients generated; categories from the taxonomy or declared."""
    known = set(TAXONOMY)
    declared: list[str] = []
    plan: list[tuple[str, str | None]] = []
    taken: set[tuple[str, str | None]] = set()
    for kind in draw(st.lists(st.sampled_from(WEIGHTED_KINDS), max_size=10)):
        model = KIND_MODELS[kind]
        name: str | None
        if kind == "category":
            parent = draw(st.sampled_from(TAXONOMY + declared))
            name = f"{parent}.{draw(segments)}"
            if name in known or name in declared:
                continue
            declared.append(name)
        elif model.NAME_FIELD is not None:
            name = draw(st.sampled_from(SHAPES[kind][model.NAME_FIELD].choices))
            if model.NAME_QUALIFIED:  # `right delete.in_app`: one right told apart from another
                name += draw(st.sampled_from(["", ".in_app", ".email"]))
        elif kind in ("purpose", "recipient"):  # named, so that references can reach them
            name = draw(identifiers)
        else:
            name = draw(st.none() | identifiers)
        # One statement per single kind, one per name otherwise (unnamed ones may repeat).
        key = (kind, None if model.SINGLE else name)
        if key in taken:
            continue
        if model.SINGLE or name is not None:
            taken.add(key)
        plan.append((kind, name))
    names: dict[str, list[str]] = {}
    for kind, name in plan:
        if name is not None:
            names.setdefault(kind, []).append(name)
    categories = TAXONOMY + declared
    document = draw(fact_models("document", draw(st.none() | identifiers), names, categories))
    assert isinstance(document, Document)
    facts = [draw(fact_models(kind, name, names, categories)) for kind, name in plan]
    return Policy(path=PATH, document=document, statements=(document, *facts))


def without_spans(value: Any) -> Any:
    """A model dump with every position left out (spans, field spans, quote spans, notice lines)."""
    if isinstance(value, dict):
        return {
            k: without_spans(v)
            for k, v in value.items()
            if k not in ("span", "spans", "quote_span", "notice_line")
        }
    if isinstance(value, list | tuple):
        return [without_spans(v) for v in value]
    return value


@EXAMPLES
@given(policy_models())
def test_rendered_facts_parse_back_to_the_same_facts(policy: Policy) -> None:
    text = render_policy(policy)
    again = parse_policy(text, PATH)
    assert without_spans(asdict(again)) == without_spans(asdict(policy))
    assert_same_as_validated(again)
    assert format_text(text) == text  # rendered text is already in canonical layout


def test_the_generator_reaches_every_kind_and_field_shape() -> None:
    """Guard against a generator that silently stops producing something.

    Hypothesis also draws text from string literals in the code it has loaded, so one fixed
    sequence of examples shifts whenever any literal changes; a few seeded runs, stopping at the
    first that has seen everything, keep this about the generator and not about that sequence.
    """
    wanted_kinds = {"document", "purpose", "collection", "category", "right"}
    wanted_values = {"unstated", "all", "list", "ref"}
    seen_kinds: set[str] = set()
    seen_values: set[str] = set()

    def collect(policy: Policy) -> None:
        for fact in policy.statements:
            seen_kinds.add(fact.KIND)
            for key in SHAPES[fact.KIND]:
                value = getattr(fact, key)
                if value == UNSTATED:
                    seen_values.add("unstated")
                elif value == "all":
                    seen_values.add("all")
                elif isinstance(value, tuple):
                    seen_values.add("list")
                if SHAPES[fact.KIND][key].scalar == "ref" and value not in (None, UNSTATED):
                    seen_values.add("ref")

    for attempt in range(5):
        seen_kinds.clear()
        seen_values.clear()
        run = settings(
            max_examples=150,
            deadline=None,
            database=None,
            suppress_health_check=list(HealthCheck),
        )(given(policy_models())(collect))
        seed(attempt)(run)()
        if seen_kinds >= wanted_kinds and seen_values == wanted_values:
            break
    assert seen_kinds >= wanted_kinds
    assert seen_values == wanted_values


def test_a_fact_the_language_cannot_spell_is_refused_by_name() -> None:
    document = Document(title="T", source="n", jurisdictions=("cn",))
    bad = Minors(
        threshold=-1, cites=(Citation(label="1", quote="q", span=NOWHERE, quote_span=NOWHERE),)
    )
    with pytest.raises(ValueError, match="threshold"):
        render_policy(Policy(path=PATH, document=document, statements=(document, bad)))
    broken = Document(title="two\nlines", source="n", jurisdictions=("cn",))
    with pytest.raises(ValueError, match="title"):
        render_policy(Policy(path=PATH, document=broken, statements=(broken,)))


# --- (b), (c) layouts and comments ---------------------------------------------------------------

separators = st.sampled_from(
    [" ", " ", "  ", "\n", "\n  ", "\n\n", "\n\n\n    ", "\t", "\r\n", " \f"]
)
comment_texts = st.text(
    st.characters(exclude_categories=["Cs"], exclude_characters="\n\r"), max_size=12
).map(lambda text: "#" + text)


def tokens(items: tuple[Item, ...]) -> list[str]:
    """The items as a flat list of tokens, so that any separator can go between two of them."""
    out: list[str] = []
    for item in items:
        if isinstance(item, Block):
            out += [item.kind, *([item.name] if item.name else []), "{", *tokens(item.items), "}"]
        elif isinstance(item, Field):
            out += [item.key, "="]
            value = item.value
            if isinstance(value, ListValue):
                out.append("[")
                for v in value.items:
                    out += [_token(v), ","]
                out.append("]")
            else:
                out.append(_token(value))
        elif isinstance(item, Cite):
            out += ["cite", quote(item.label), quote(item.quote)]
    return out


def _token(value: Scalar) -> str:
    return quote(value.value) if value.kind == "string" else value.value


@st.composite
def messy_texts(draw: st.DrawFn) -> str:
    """A generated policy laid out at random, with comments after any token and between any
    two tokens (a comment always ends its line)."""
    canonical = render_policy(draw(policy_models()))
    words = tokens(parse_syntax(canonical).items)
    pieces: list[str] = []
    if draw(st.booleans()):
        pieces.append(draw(comment_texts) + "\n" + draw(separators))
    for word in words:
        pieces.append(word)
        if draw(st.integers(0, 4)) == 0:
            pieces.append(draw(st.sampled_from([" ", "", "   "])) + draw(comment_texts) + "\n")
        pieces.append(draw(separators))
    if draw(st.booleans()):
        pieces.append(draw(comment_texts))
    return "".join(pieces)


def comment_list(text: str) -> list[str]:
    return [c.text for c in comments_of(text)]


@EXAMPLES
@given(messy_texts())
def test_formatting_is_idempotent_and_keeps_facts_and_comments_in_order(text: str) -> None:
    formatted = format_text(text)
    assert format_text(formatted) == formatted
    assert comment_list(formatted) == comment_list(text)
    before = parse_policy(text, PATH)
    after = parse_policy(formatted, PATH)
    assert without_spans(asdict(after)) == without_spans(asdict(before))
    # The layout itself: no trailing blanks, no run of blank lines, one final newline.
    for line in formatted.split("\n"):
        assert line == line.rstrip(" \t\r\f"), line
    assert "\n\n\n" not in formatted
    assert formatted == "" or (formatted.endswith("\n") and not formatted.endswith("\n\n"))


# --- (d) robustness ----------------------------------------------------------------------------

SOUP = [
    "document", "handler", "purpose", "transfer", "x", "title", "data", "=", "{", "}", "[", "]",
    ",", "cite", '"q"', '"', "unstated", "all", "yes", "14", "2024-01-01", ":", "\u201c", "\u200b",
    "user.contact.email", "\\", "#c\n", "\n",
]  # fmt: skip
soups = st.lists(st.sampled_from(SOUP), max_size=40).map(" ".join)


@st.composite
def mutated(draw: st.DrawFn) -> str:
    """A valid policy with a few characters deleted, doubled or replaced."""
    text = render_policy(draw(policy_models()))
    for _ in range(draw(st.integers(1, 3))):
        if not text:
            break
        at = draw(st.integers(0, len(text) - 1))
        change = draw(st.sampled_from(["delete", "double", "replace"]))
        if change == "delete":
            text = text[:at] + text[at + 1 :]
        elif change == "double":
            text = text[:at] + text[at] + text[at:]
        else:
            text = text[:at] + draw(st.sampled_from(SOUP)) + text[at + 1 :]
    return text


def assert_fails_only_as_checker_errors(text: str) -> None:
    try:
        parse_policy(text, PATH)
    except ErrorList as exc:
        assert exc.errors
        errors = exc.errors
    except CheckerError as exc:  # pragma: no cover - parse_policy wraps these, either is allowed
        errors = [exc]
    else:
        return
    last_line = text.count("\n") + 1
    for error in errors:
        error.render(text)  # rendering never fails either
        if error.span is not None:
            assert 1 <= error.span.line <= last_line, error
            assert error.span.column >= 1, error


@EXAMPLES
@given(st.one_of(st.text(max_size=200), soups, mutated()))
def test_any_text_fails_only_as_checker_errors(text: str) -> None:
    assert_fails_only_as_checker_errors(text)
    with contextlib.suppress(CheckerError):
        format_text(text)


_counter = itertools.count()


@pytest.fixture(scope="module")
def byte_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("bytes")


@EXAMPLES
@given(data=st.one_of(st.binary(max_size=200), soups.map(lambda s: s.encode("utf-16"))))
def test_any_bytes_read_as_the_command_line_reads_them_fail_only_as_checker_errors(
    byte_dir: Path, data: bytes
) -> None:
    path = byte_dir / f"{next(_counter)}.policy"
    path.write_bytes(data)
    try:
        text = read_text(path)
    except CheckerError as exc:
        assert exc.code == "E602"
        assert exc.span is not None
        return
    assert_fails_only_as_checker_errors(text)
