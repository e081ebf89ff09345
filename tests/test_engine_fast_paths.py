"""The engine's shortcuts agree with the general way they stand in for.

(a) results are named tuples, made from values validated when the policy and the requirements
    were loaded: each field must hold what its annotation says (a tuple, a Span, a status), since
    nothing checks it when they are made;
(b) message templates whose fields are plain names are rendered without string.Formatter's
    machinery: the text, or the error, must be what the lenient formatter gives.
"""

from __future__ import annotations

import datetime
import random
import types
import typing
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from checker.language.facts import UNSTATED, Document, Policy
from checker.notice.loading import load_policy, parse_policy
from checker.rules.engine import _LENIENT, _format, _plain_template, evaluate
from checker.rules.requirements import load_requirement_file, load_set_file, shipped_sets
from checker.rules.results import DocumentReport, Evidence, Finding, Outcome
from checker.spans import Span

ROOT = Path(__file__).resolve().parents[1]
DATA = Path(__file__).parent / "data"
TODAY = datetime.date(2026, 11, 22)
HEADER = 'document { title = "Shop" source = "notice.txt" jurisdictions = [other] }\n'


def _results(report: DocumentReport) -> list[Any]:
    made: list[Any] = []
    for outcome in report.outcomes:
        made.append(outcome)
        for finding in outcome.findings:
            made.append(finding)
            made.extend(finding.evidence)
        made.extend(outcome.evidence)
    return made


def _assert_as_annotated(result: Any) -> None:
    hints = typing.get_type_hints(type(result))
    for name in result._fields:
        value = getattr(result, name)
        hint = hints[name]
        options = typing.get_args(hint) if typing.get_origin(hint) is types.UnionType else (hint,)
        assert any(_holds(value, option) for option in options), (name, value)


def _holds(value: Any, hint: Any) -> bool:
    origin = typing.get_origin(hint)
    if hint is type(None):
        return value is None
    if origin is typing.Literal:
        return value in typing.get_args(hint)
    if origin is tuple:
        item = typing.get_args(hint)[0]
        return isinstance(value, tuple) and all(_holds(v, item) for v in value)
    if hint is Span:
        return type(value) is Span
    return isinstance(value, hint)


@pytest.mark.parametrize("policy_path", sorted((ROOT / "policies").glob("*.policy")))
def test_results_of_the_seed_notices_hold_what_their_fields_declare(policy_path: Path) -> None:
    policy, _ = load_policy(policy_path, f"policies/{policy_path.name}")
    sets = [load_set_file(p) for p in shipped_sets().values()]
    made = _results(evaluate(policy, sets, TODAY))
    kinds = {type(m) for m in made}
    assert kinds == {Outcome, Finding, Evidence}
    for result in made:
        _assert_as_annotated(result)


RECIPIENT = 'recipient p { legal_name = unstated cite "4" "partner" }'
HANDLERS = [
    "",
    'handler { legal_name = "Shop" contact = ["privacy@shop.example"] cite "2" "Shop Ltd" }',
    "handler { contact = unstated }",
]
STATEMENTS = [
    'transfer t1 { destination = outside_cn recipient = p consent = bundled cite "4" "abroad" }',
    'transfer t2 { destination = outside_cn consent = separate cite "4" "abroad" }',
    'transfer t3 { destination = outside_cn recipient = p cite "4" "abroad" }',
    'collection pay { data = [user.financial.bank_account] consent = bundled cite "3" "bank" }',
    'collection mail { data = [user.contact.email] cite "2" "Write" }',
    'right access { channel = unstated cite "5" "see your data" }',
    'right delete { channel = "letter" cite "5" "see your data" }',
]


@settings(max_examples=40, deadline=None)
@given(st.randoms(use_true_random=False))
def test_results_of_generated_policies_hold_what_their_fields_declare(rnd: random.Random) -> None:
    chosen = [RECIPIENT, rnd.choice(HANDLERS)]
    chosen += rnd.sample(STATEMENTS, rnd.randint(0, len(STATEMENTS)))
    rnd.shuffle(chosen)
    path = DATA / "house_rules.yaml"
    rules = load_requirement_file(path.read_text(encoding="utf-8"), str(path))
    report = evaluate(parse_policy(HEADER + "\n".join(chosen), "shop.policy"), [rules], TODAY)
    for result in _results(report):
        _assert_as_annotated(result)


# --- (b) message templates ------------------------------------------------------------------

NAMES = ["label", "data", "consent", "document", "missing", "recipient.legal_name", "a.b.c"]
VALUES: Any = st.one_of(
    st.none(),
    st.just(UNSTATED),
    st.booleans(),
    st.integers(),
    st.text(max_size=8),
    st.tuples(st.text(max_size=4), st.integers()),
    st.just(()),
)
LITERALS = st.sampled_from(["", "x", " goes to ", "{{", "}}", "a{{b}}c", "ü ", ":", "!"])
FIELDS = st.one_of(
    st.sampled_from([f"{{{n}}}" for n in NAMES]),
    # not plain: these are rendered by the formatter itself
    st.sampled_from(["{label!r}", "{label:>8}", "{0}", "{}", "{data[0]}", "{label!s:}", "{é}"]),
)


@settings(max_examples=300, deadline=None)
@given(
    st.lists(st.tuples(LITERALS, FIELDS), max_size=5),
    LITERALS,
    st.dictionaries(st.sampled_from(["label", "data", "consent", "document", "é"]), VALUES),
)
def test_templates_render_as_the_lenient_formatter_renders_them(
    parts: list[tuple[str, str]], tail: str, values: dict[str, Any]
) -> None:
    message = "".join(a + b for a, b in parts) + tail
    policy = Policy(path="p.policy", document=Document(), statements=())
    values = dict(values, __policy__=policy, __refs__={"recipient": "recipient"})
    try:
        expected: Any = _LENIENT.format(message, **values)
    except Exception as exc:  # the error itself is what must agree
        expected = (type(exc), str(exc))
    try:
        actual: Any = _format(message, values)
    except Exception as exc:
        actual = (type(exc), str(exc))
    assert actual == expected


def test_only_plain_templates_take_the_quick_way() -> None:
    assert _plain_template("{label} goes to {recipient.legal_name}, {{literally}}") == (
        ("", "label", False),
        (" goes to ", "recipient.legal_name", True),
        (", {", None, False),
        ("literally}", None, False),
    )
    for general in ("{label!r}", "{label:>8}", "{0}", "{}", "{data[0]}", "{", "}"):
        assert _plain_template(general) is None, general
