"""Parser robustness: mutated real policies and grammar-shaped input never crash the checker.

Whatever the text, `parse_policy` and `anchor` either succeed or raise `CheckerError`/`ErrorList`,
and every error points inside the text it is about. The inputs are the real encoded notices in
policies/, broken by deleting, duplicating and swapping tokens or lines and by inserting random
characters or bytes, and token soups and block structures built from the language's vocabulary.

CI runs a modest number of examples; `pytest --hypothesis-profile=fuzz tests/test_fuzz.py` runs
the long campaign (profiles are registered in tests/conftest.py).
"""

from __future__ import annotations

import re
import tempfile
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from checker.errors import MAX_ERRORS, CheckerError, ErrorList
from checker.files import read_text
from checker.language.facts import KIND_MODELS, SHAPES, Policy
from checker.language.taxonomy import taxonomy_keys
from checker.notice.anchoring import anchor, closest, prepare
from checker.notice.loading import parse_policy
from checker.spans import Span

ROOT = Path(__file__).resolve().parent.parent
POLICY_FILES = sorted((ROOT / "policies").glob("*.policy"))
POLICIES = {p.name: p.read_text(encoding="utf-8") for p in POLICY_FILES}

# The loaded profile decides how hard to try: at least 200 examples (the default profile asks for
# 100), many more under --hypothesis-profile=fuzz.
EXAMPLES = max(200, settings.default.max_examples)
FUZZ = settings(
    max_examples=EXAMPLES,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)

_TOKEN = re.compile(
    r'"(?:[^"\\\n]|\\.)*"|#[^\n]*|[A-Za-z_][A-Za-z0-9_.]*|\d{4}-\d{2}-\d{2}|\d+|\s+|.', re.S
)
# Characters that are known to matter to a lexer, a caret or a terminal.
TRICKY = [
    '"',
    "{",
    "}",
    "[",
    "]",
    "=",
    ",",
    ":",
    "#",
    "\\",
    "\n",
    "\r",
    "\r\n",
    "\t",
    "\x0c",
    "\x00",
    "\x1b[31m",
    "\u200b",
    "\u200d",
    "\u202e",
    "\u2066",
    "\ufeff",
    "\u2028",
    "\u00a0",
    "“",
    "”",
    "’",
    "目的",
    "ß",
    "ﬁ",
    "İ",
    "\U0001f600",
    "cite",
    "unstated",
    "all",
    "yes",
    "no",
    "document",
    "-",
    "9" * 30,
    "2024-02-30",
    "0000-00-00",
    "a.",
    ".a",
    "_",
]
CHARACTERS = st.characters(exclude_categories=("Cs",))  # a decoded file holds no lone surrogates


def lines_of(text: str) -> list[str]:
    return text.split("\n")


def assert_inside(text: str, span: Span | None) -> None:
    """A span starts and ends inside the text: at a character, or just after a line's end."""
    if span is None:
        return
    lines = lines_of(text)
    assert 1 <= span.line <= len(lines) + 1, (span, len(lines))
    line = lines[span.line - 1] if span.line <= len(lines) else ""
    assert 1 <= span.column <= len(line) + 1, (span, len(line))
    assert (span.end_line, span.end_column) >= (span.line, span.column), span
    assert span.end_line <= len(lines) + 1, (span, len(lines))
    end_line = lines[span.end_line - 1] if span.end_line <= len(lines) else ""
    assert 1 <= span.end_column <= len(end_line) + 2, (span, len(end_line))


def check_errors(text: str, errors: list[CheckerError], path: str) -> None:
    assert errors, "an ErrorList is never empty"
    for error in errors:
        assert error.path == path
        assert_inside(text, error.span)
        rendered = error.render(text)
        assert rendered.startswith(f"{path}:" if error.span else path)
        assert "\x1b" not in rendered and "\x00" not in rendered  # shown escaped, never raw


def parse_or_errors(text: str, path: str = "fuzz.policy") -> Policy | None:
    """Parse; an error must be a CheckerError/ErrorList whose spans lie inside the text."""
    try:
        return parse_policy(text, path)
    except ErrorList as exc:
        check_errors(text.removeprefix("\ufeff"), exc.errors, path)
    except CheckerError as exc:
        check_errors(text.removeprefix("\ufeff"), [exc], path)
    return None


# --- Strategies ------------------------------------------------------------------------------


@st.composite
def real_policy(draw: st.DrawFn, window: bool = True) -> str:
    """A real policy, or a window of its lines (the small windows keep the examples fast)."""
    text = POLICIES[draw(st.sampled_from(sorted(POLICIES)))]
    if not window:
        return text
    lines = lines_of(text)
    start = draw(st.integers(0, len(lines) - 1))
    size = draw(st.integers(1, 80))
    return "\n".join(lines[start : start + size])


@st.composite
def mutation(draw: st.DrawFn, text: str) -> str:
    """One edit of the kind a tired person or a broken tool makes."""
    kind = draw(
        st.sampled_from(
            [
                "delete token",
                "duplicate token",
                "swap tokens",
                "delete line",
                "duplicate line",
                "swap lines",
                "insert characters",
                "insert tricky",
                "truncate",
            ]
        )
    )
    if kind.endswith("token") or kind.endswith("tokens"):
        parts = _TOKEN.findall(text) or [""]
        i = draw(st.integers(0, len(parts) - 1))
        j = draw(st.integers(0, len(parts) - 1))
        if kind == "delete token":
            del parts[i]
        elif kind == "duplicate token":
            parts.insert(i, parts[i])
        else:
            parts[i], parts[j] = parts[j], parts[i]
        return "".join(parts)
    if kind.endswith("line") or kind.endswith("lines"):
        lines = lines_of(text)
        i = draw(st.integers(0, len(lines) - 1))
        j = draw(st.integers(0, len(lines) - 1))
        if kind == "delete line":
            del lines[i]
        elif kind == "duplicate line":
            lines.insert(i, lines[i])
        else:
            lines[i], lines[j] = lines[j], lines[i]
        return "\n".join(lines)
    at = draw(st.integers(0, len(text)))
    if kind == "truncate":
        return text[:at]
    if kind == "insert tricky":
        inserted = draw(st.sampled_from(TRICKY))
    else:
        inserted = draw(st.text(CHARACTERS, min_size=1, max_size=6))
    return text[:at] + inserted + text[at:]


@st.composite
def mutated_policy(draw: st.DrawFn, window: bool = True) -> str:
    text = draw(real_policy(window))
    for _ in range(draw(st.integers(1, 4))):
        text = draw(mutation(text))
    return text


def _vocabulary() -> list[str]:
    words = set(KIND_MODELS) | {"cite", "unstated", "all", "yes", "no", "true", "cit"}
    for fields in SHAPES.values():
        words |= set(fields)
        for shape in fields.values():
            words |= set(shape.choices)
    return sorted(words) + sorted(taxonomy_keys())[:40]


VOCABULARY = _vocabulary()
NAME = st.one_of(
    st.sampled_from(VOCABULARY), st.from_regex(r"[A-Za-z_][A-Za-z0-9_.]{0,12}", fullmatch=True)
)
STRING = st.text(CHARACTERS.filter(lambda c: c not in '"\\\n'), max_size=30).map(lambda s: f'"{s}"')
VALUE = st.one_of(
    NAME,
    STRING,
    st.integers(0, 10**6).map(str),
    st.dates().map(str),
    st.from_regex(r"[0-9]{4}-[0-9]{2}-[0-9]{2}", fullmatch=True),
)
TOKEN = st.one_of(
    NAME, VALUE, st.sampled_from(["{", "}", "[", "]", "=", ",", "cite", "\n", "# note\n"])
)


@st.composite
def token_soup(draw: st.DrawFn) -> str:
    """Tokens of the language in any order: mostly wrong, sometimes right."""
    tokens = draw(st.lists(TOKEN, max_size=60))
    separators = draw(
        st.lists(st.sampled_from([" ", "\n", "", "  "]), min_size=len(tokens), max_size=len(tokens))
    )
    return "".join(t + s for t, s in zip(tokens, separators, strict=True))


@st.composite
def block_text(draw: st.DrawFn) -> str:
    """Well-formed blocks with kinds, fields and values drawn from the fact model: exercises
    the builder (every kind of semantic error) rather than the parser."""
    kind = draw(st.one_of(st.sampled_from(sorted(KIND_MODELS)), NAME))
    shapes = SHAPES.get(kind, {})
    name = draw(st.one_of(st.none(), NAME))
    fields = []
    for _ in range(draw(st.integers(0, 5))):
        key = draw(st.one_of(st.sampled_from(sorted(shapes)), NAME) if shapes else NAME)
        shape = shapes.get(key)
        value = draw(
            st.one_of(
                VALUE,
                st.sampled_from(list(shape.choices) or ["x"]) if shape else VALUE,
                st.lists(VALUE, max_size=4).map(lambda items: "[" + ", ".join(items) + "]"),
            )
        )
        fields.append(f"  {key} = {value}")
    cites = [
        f"  cite {label} {quote}"
        for label, quote in draw(st.lists(st.tuples(STRING, STRING), max_size=2))
    ]
    head = f"{kind} {name}" if name else kind
    return head + " {\n" + "\n".join(fields + cites) + "\n}\n"


DOCUMENT = 'document {\n  title = "t"\n  source = "notice.txt"\n  jurisdictions = [cn]\n}\n'


# --- Properties ------------------------------------------------------------------------------


@FUZZ
@given(mutated_policy())
def test_a_mutated_policy_window_parses_or_fails_with_errors_inside_it(text: str) -> None:
    parse_or_errors(text)


@settings(FUZZ, max_examples=max(50, EXAMPLES // 4))
@given(mutated_policy(window=False))
def test_a_mutated_whole_policy_parses_or_fails_with_errors_inside_it(text: str) -> None:
    parse_or_errors(text)


@FUZZ
@given(token_soup())
def test_a_soup_of_tokens_parses_or_fails_with_errors_inside_it(text: str) -> None:
    parse_or_errors(text)


@FUZZ
@given(st.lists(block_text(), min_size=1, max_size=4), st.booleans())
def test_generated_blocks_build_or_fail_with_errors_inside_them(
    blocks: list[str], with_document: bool
) -> None:
    text = (DOCUMENT if with_document else "") + "".join(blocks)
    policy = parse_or_errors(text)
    if policy is not None:  # and their quotes are looked up in a real notice
        notice = (ROOT / "policies/sources/003_b281b9f02f56ffe1.txt").read_text(encoding="utf-8")
        anchor_or_errors(policy, text, notice)


def anchor_or_errors(policy: Policy, text: str, notice: str) -> None:
    try:
        anchored = anchor(policy, notice)
    except ErrorList as exc:
        check_errors(text, exc.errors, policy.path)
        # A quote no longer in the notice (E302), or no longer on the line its `line N` names
        # (E303); past the errors a file shows, one E109 counts the rest.
        assert all(e.code in ("E302", "E303") for e in exc.errors[:MAX_ERRORS])
        assert [e.code for e in exc.errors[MAX_ERRORS:]] in ([], ["E109"])
        return
    lines = len(lines_of(notice))
    for fact in anchored.statements:
        for cite in fact.cites:
            assert cite.notice_line is not None and 1 <= cite.notice_line <= lines


@st.composite
def policy_and_changed_notice(draw: st.DrawFn) -> tuple[Path, str]:
    path = draw(st.sampled_from(POLICY_FILES))
    notice = (path.parent / _source_of(path)).read_text(encoding="utf-8")
    for _ in range(draw(st.integers(1, 4))):
        notice = draw(mutation(notice))
    return path, notice


def _source_of(path: Path) -> str:
    match = re.search(r'^\s*source\s*=\s*"([^"]*)"', POLICIES[path.name], re.M)
    assert match, path
    return match.group(1)


@settings(FUZZ, max_examples=max(50, EXAMPLES // 4))
@given(policy_and_changed_notice())
def test_a_changed_notice_anchors_or_fails_with_errors_at_the_quotes(
    case: tuple[Path, str],
) -> None:
    path, notice = case
    text = POLICIES[path.name]
    policy = parse_or_errors(text, path.name)
    assert policy is not None, f"{path.name} must parse"
    anchor_or_errors(policy, text, notice)


@st.composite
def notice_and_quote(draw: st.DrawFn) -> tuple[str, str]:
    """A notice (random, or a real one cut short) and a quote: random, or a mutated piece of it."""
    real = [p.read_text(encoding="utf-8") for p in sorted((ROOT / "policies/sources").glob("*"))]
    notice = draw(
        st.one_of(
            st.text(CHARACTERS, max_size=2000), st.sampled_from(real).map(lambda text: text[:5000])
        )
    )
    start = draw(st.integers(0, max(0, len(notice) - 1)))
    piece = notice[start : start + draw(st.integers(1, 300))]
    quote = draw(st.one_of(st.text(CHARACTERS, max_size=300), mutation(piece), st.just(piece)))
    return notice, quote


@FUZZ
@given(notice_and_quote())
def test_the_closest_passage_of_any_quote_is_taken_from_the_notice(case: tuple[str, str]) -> None:
    notice, quote = case
    prepared = prepare(notice)
    passage = closest(prepared, quote)
    if passage is not None:
        shown = passage.text.removesuffix("…")
        assert shown in prepared.shown or shown in prepared.normal
        assert 1 <= passage.line <= len(lines_of(notice))


_BYTES_DIR = tempfile.TemporaryDirectory(prefix="policycheck-fuzz-")


@FUZZ
@given(
    real_policy(),
    st.lists(
        st.tuples(st.integers(0, 10**6), st.binary(min_size=1, max_size=4)), min_size=1, max_size=3
    ),
)
def test_random_bytes_in_a_file_are_read_or_refused_with_a_position(
    text: str, insertions: list[tuple[int, bytes]]
) -> None:
    data = text.encode("utf-8")
    for at, chunk in insertions:
        at %= len(data) + 1
        data = data[:at] + chunk + data[at:]
    path = Path(_BYTES_DIR.name) / "fuzz.policy"
    path.write_bytes(data)
    try:
        decoded = read_text(path, "fuzz.policy")
    except CheckerError as exc:
        try:
            data.decode("utf-8")
        except UnicodeDecodeError as bad:
            start = bad.start
        assert exc.code == "E602" and f"at offset {start} " in exc.message
        good = data[:start].decode("utf-8").removeprefix("\ufeff")
        assert exc.span == Span.point(good.count("\n") + 1, len(good.split("\n")[-1]) + 1)
        return
    parse_or_errors(decoded)


REQUIREMENT_FILES = sorted((ROOT / "requirements").glob("*.yaml"))


YAML_TRICKY = [
    "&a ",
    "*a",
    "!!python/name:os.system ",
    "!!binary ",
    "!!int ",
    "[",
    "{",
    "- ",
    ": ",
    "\t",
    "---\n",
    "? ",
    "'",
    '"',
    "|\n",
    ">-\n",
    "\x00",
    "2024-02-30",
    "\ufeff",
]


@st.composite
def mutated_requirements(draw: st.DrawFn) -> str:
    """A shipped requirement file with edits and YAML's own troublemakers inserted."""
    text = draw(st.sampled_from(REQUIREMENT_FILES)).read_text(encoding="utf-8")
    for _ in range(draw(st.integers(1, 3))):
        if draw(st.booleans()):
            text = draw(mutation(text))
        else:
            at = draw(st.integers(0, len(text)))
            text = text[:at] + draw(st.sampled_from(YAML_TRICKY)) + text[at:]
    return text


@pytest.mark.filterwarnings("ignore:Generating overly large repr")
@settings(FUZZ, max_examples=max(50, EXAMPLES // 4))
@given(mutated_requirements())
def test_a_mutated_requirement_file_loads_or_fails_with_errors_inside_it(text: str) -> None:
    from checker.rules.requirements import load_requirement_file

    try:
        load_requirement_file(text, "rules.yaml")
    except ErrorList as exc:
        check_errors(text, exc.errors, "rules.yaml")
    except CheckerError as exc:
        check_errors(text, [exc], "rules.yaml")


# --- The condition language and the requirement loader -----------------------------------------

_CONDITION_WORDS = sorted(
    {*KIND_MODELS, *(f for shapes in SHAPES.values() for f in shapes)}
    | {f"{kind}.{f}" for kind, shapes in SHAPES.items() for f in list(shapes)[:4]}
    | {"not", "and", "or", "is", "in", "includes", "where", "satisfies", "every", "some", "no"}
    | {"stated", "unstated", "encoded", "all", "yes", "separate", "outside_cn", "p", "q"}
)
_CONDITION_PUNCTUATION = ["(", ")", "[", "]", ",", "==", "!=", "<", "<=", ">", ">=", '"x"', "14"]


@st.composite
def condition_text(draw: st.DrawFn) -> str:
    """A condition-shaped text: words and punctuation of the language, sometimes nested deep."""
    parts = draw(
        st.lists(
            st.sampled_from(_CONDITION_WORDS + _CONDITION_PUNCTUATION), min_size=1, max_size=24
        )
    )
    text = " ".join(parts)
    if draw(st.booleans()):  # nesting, to past the limits
        depth = draw(st.integers(1, 300))
        opener = draw(st.sampled_from(["(", "not ", "some transfer satisfies "]))
        text = opener * depth + text + (")" * depth if opener == "(" else "")
    return text


PREDICATE_BODIES = st.one_of(
    condition_text(),
    st.sampled_from(["p", "q", "p and q", "p or p", "not q", "handler is stated"]),
)


@settings(FUZZ, max_examples=max(100, EXAMPLES // 2))
@given(
    condition_text(),
    st.sampled_from([None, "transfer", "collection", "purpose"]),
    st.fixed_dictionaries({}, optional={"p": PREDICATE_BODIES, "q": PREDICATE_BODIES}),
)
def test_any_condition_compiles_and_judges_a_policy_or_fails_as_a_condition_error(
    text: str, for_each: str | None, predicates: dict[str, str]
) -> None:
    from checker.rules.conditions import Compiler, ConditionError, PathType, Trace

    scope = PathType("fact", for_each) if for_each else None
    try:
        test = Compiler(dict(predicates)).compile(text, scope)
    except ConditionError as exc:
        assert exc.column >= 1 and exc.message
        assert exc.code in (None, "E109")
        return
    policy = _fuzz_policy()
    subjects = list(policy.of_kind(for_each)) if for_each else [policy]
    for subject in subjects:
        assert test(Trace(policy), subject) in (True, False, None)


_POLICY: list[Policy] = []


def _fuzz_policy() -> Policy:
    if not _POLICY:
        from checker.notice.loading import load_policy

        _POLICY.append(load_policy(POLICY_FILES[0])[0])
    return _POLICY[0]


REQUIREMENT_SKELETON = """\
set: fuzz
law: FUZZ
title: Fuzzed rules
predicates:
  p: {p}
  q: {q}
requirements:
  - id: FUZZ-1
    title: A fuzzed rule
    article: Art. 1
    quote: a fuzzed rule
    severity: {severity}
    for_each: {for_each}
    applies: {applies}
    require: {require}
    message: {message}
    remedy: Fix it.
"""


@pytest.mark.filterwarnings("ignore:Generating overly large repr")
@settings(FUZZ, max_examples=max(100, EXAMPLES // 2))
@given(
    st.fixed_dictionaries(
        {
            "p": PREDICATE_BODIES,
            "q": PREDICATE_BODIES,
            "applies": condition_text(),
            "require": condition_text(),
            "for_each": st.sampled_from(["transfer", "purpose", "handler", "nothing"]),
            "severity": st.sampled_from(["error", "warning", "info", "fatal"]),
            "message": st.sampled_from(
                [
                    "{label}",
                    "{label!r}",
                    "{label:>9}",
                    "{label:{id}}",
                    "{nothing}",
                    "{",
                    "}",
                    "{id}",
                ]
            ),
        }
    )
)
def test_a_generated_requirement_file_loads_or_fails_with_errors_inside_it(
    values: dict[str, str],
) -> None:
    import json as json_

    from checker.rules.requirements import load_requirement_file

    text = REQUIREMENT_SKELETON.format(**{k: json_.dumps(v) for k, v in values.items()})
    try:
        loaded = load_requirement_file(text, "fuzz.yaml")
    except ErrorList as exc:
        check_errors(text, exc.errors, "fuzz.yaml")
        return
    assert [r.id for r in loaded.requirements] == ["FUZZ-1"]
