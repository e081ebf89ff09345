"""The engine: verdicts, evidence, locations, three-valued logic, waivers, order independence."""

from __future__ import annotations

import datetime
import random
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from checker.notice.loading import parse_policy
from checker.rules.engine import evaluate
from checker.rules.requirements import RequirementSet, load_requirement_file
from checker.rules.results import DocumentReport

DATA = Path(__file__).parent / "data"
TODAY = datetime.date(2026, 11, 22)
HEADER = 'document { title = "Shop" source = "notice.txt" jurisdictions = [other] }\n'


def house() -> RequirementSet:
    path = DATA / "house_rules.yaml"
    return load_requirement_file(path.read_text(encoding="utf-8"), str(path))


def report(body: str) -> DocumentReport:
    return evaluate(parse_policy(HEADER + body, "shop.policy"), [house()], TODAY)


def status(rep: DocumentReport, rule: str) -> str:
    return next(o.status for o in rep.outcomes if o.id == rule)


def test_a_transfer_with_bundled_consent_fails_at_its_consent_field() -> None:
    rep = report(
        'recipient p { legal_name = "P" cite "4" "our partner abroad" }\n'
        "transfer t {\n  destination = outside_cn\n  recipient = p\n  consent = bundled\n"
        '  cite "4" "send your data to our partner abroad"\n}\n'
    )
    outcome = next(o for o in rep.outcomes if o.id == "HOUSE-1")
    assert outcome.status == "fail"
    (finding,) = outcome.findings
    assert (finding.span.line, finding.span.column) == (6, 13)  # `bundled`
    assert finding.message == "transfer t goes abroad with consent bundled"
    assert finding.subject == "transfer t"
    assert {e.label for e in finding.evidence} == {"transfer t", "recipient p"}


def test_each_failing_transfer_is_its_own_finding() -> None:
    body = "".join(
        f'transfer t{i} {{ destination = outside_cn consent = none recipient = unstated cite "4" "abroad" }}\n'
        for i in range(3)
    )
    outcome = next(o for o in report(body).outcomes if o.id == "HOUSE-1")
    assert [f.subject for f in outcome.findings] == ["transfer t0", "transfer t1", "transfer t2"]


def test_a_domestic_transfer_does_not_apply() -> None:
    rep = report('transfer t { destination = cn consent = none cite "4" "abroad" }\n')
    assert status(rep, "HOUSE-1") == "not_applicable"


def test_a_consent_not_encoded_is_incomplete_and_names_the_gap() -> None:
    rep = report(
        'recipient p { legal_name = "P" cite "4" "partner" }\n'
        'transfer t { destination = outside_cn recipient = p cite "4" "abroad" }\n'
    )
    outcome = next(o for o in rep.outcomes if o.id == "HOUSE-1")
    assert outcome.status == "incomplete"
    assert outcome.findings[0].missing == ("transfer t: consent",)
    assert "not encoded" in outcome.findings[0].message


def test_a_missing_handler_block_is_incomplete_not_a_pass() -> None:
    assert status(report(""), "HOUSE-2") == "incomplete"


def test_an_unstated_contact_fails() -> None:
    rep = report("handler { contact = unstated }\n")
    assert status(rep, "HOUSE-2") == "fail"


def test_unstated_satisfies_only_negative_tests() -> None:
    rep = report(
        'transfer t { destination = unstated consent = separate recipient = unstated cite "4" "abroad" }\n'
    )
    # destination != cn holds for an unstated destination, so the rule applies and fails.
    assert status(rep, "HOUSE-1") == "fail"


def test_sensitive_categories_are_inherited_from_the_taxonomy_table() -> None:
    rep = report(
        'collection pay { data = [user.financial.bank_account.number_x] consent = bundled cite "3" "bank card" }\n'.replace(
            ".number_x", ""
        )
    )
    assert status(rep, "HOUSE-3") == "fail"
    rep = report(
        'collection mail { data = [user.contact.email] consent = bundled cite "2" "Write" }\n'
    )
    assert status(rep, "HOUSE-3") == "not_applicable"


def test_quantifier_over_rights() -> None:
    assert (
        status(
            report('right access { channel = "by letter" cite "5" "see your data" }\n'), "HOUSE-4"
        )
        == "pass"
    )
    assert (
        status(
            report('right delete { channel = "by letter" cite "5" "see your data" }\n'), "HOUSE-4"
        )
        == "fail"
    )


WAIVED_BODY = 'handler {{ contact = unstated }}\nwaiver {{ requirement = "{rule}" reason = "r" approver = "a" expires = {date} }}\n'


def test_a_waiver_turns_a_failure_into_waived_and_says_who() -> None:
    rep = report(WAIVED_BODY.format(rule="HOUSE-2", date="2027-01-01"))
    outcome = next(o for o in rep.outcomes if o.id == "HOUSE-2")
    assert outcome.status == "waived"
    assert outcome.findings[0].waived_by == "a until 2027-01-01: r"
    assert rep.extra == ()


def test_an_expired_waiver_is_a_finding_and_suppresses_nothing() -> None:
    rep = report(WAIVED_BODY.format(rule="HOUSE-2", date="2026-01-01"))
    assert status(rep, "HOUSE-2") == "fail"
    assert [f.id for f in rep.extra] == ["WAIVER-EXPIRED"]


def test_waivers_of_unknown_unused_and_unwaivable_requirements_are_findings() -> None:
    assert [f.id for f in report(WAIVED_BODY.format(rule="HOUSE-99", date="2027-01-01")).extra] == [
        "WAIVER-UNKNOWN"
    ]
    unused = WAIVED_BODY.format(rule="HOUSE-4", date="2027-01-01") + (
        'right access { channel = "x" cite "5" "see your data" }\n'
    )
    assert [f.id for f in report(unused).extra] == ["WAIVER-UNUSED"]
    body = (
        'transfer t { destination = outside_cn consent = none recipient = unstated cite "4" "abroad" }\n'
        + WAIVED_BODY.format(rule="HOUSE-1", date="2027-01-01")
    )
    rep = report(body)
    assert [f.id for f in rep.extra] == ["WAIVER-NOT-ALLOWED"]
    assert status(rep, "HOUSE-1") == "fail"


STATEMENTS = [
    'handler { legal_name = "Shop" contact = ["privacy@shop.example"] cite "2" "Shop Ltd" }',
    'recipient p { legal_name = unstated cite "4" "partner" }',
    'transfer t1 { destination = outside_cn recipient = p consent = bundled cite "4" "abroad" }',
    'transfer t2 { destination = outside_cn consent = separate cite "4" "abroad" }',
    'collection pay { data = [user.financial.bank_account] consent = bundled cite "3" "bank" }',
    'collection mail { data = [user.contact.email] cite "2" "Write" }',
    'right access { channel = unstated cite "5" "see your data" }',
    'right delete { channel = "letter" cite "5" "see your data" }',
]


def _signature(rep: DocumentReport) -> list[tuple[str, str, tuple[tuple[str | None, str], ...]]]:
    return [
        (o.id, o.status, tuple(sorted((f.subject, f.message) for f in o.findings)))
        for o in rep.outcomes
    ]


@settings(max_examples=60, deadline=None)
@given(st.randoms(use_true_random=False))
def test_the_order_of_statements_does_not_change_the_verdicts(rnd: random.Random) -> None:
    shuffled = STATEMENTS[:]
    rnd.shuffle(shuffled)
    assert _signature(report("\n".join(shuffled))) == _signature(report("\n".join(STATEMENTS)))


def test_evaluation_is_deterministic_and_sorted() -> None:
    first = report("\n".join(STATEMENTS))
    assert first == report("\n".join(STATEMENTS))
    assert [o.id for o in first.outcomes] == sorted(o.id for o in first.outcomes)
    keys = [f.sort_key() for f in first.findings()]
    assert keys == sorted(keys)


FOLLOWING = """\
set: follow
law: HOUSE
title: Messages that follow references
requirements:
  - id: HOUSE-9
    title: Transfers name their recipient
    article: Rule 9
    quote: name the recipient
    severity: error
    for_each: transfer
    require: consent == separate
    message: "{label} goes to {recipient.legal_name} ({recipient.contact}) with consent {consent}"
    remedy: Name the recipient.
"""


def test_a_message_can_follow_a_reference_to_the_recipient() -> None:
    rules = load_requirement_file(FOLLOWING, "follow.yaml")
    policy = parse_policy(
        HEADER
        + 'recipient p { legal_name = "Partner GmbH" contact = unstated cite "4" "partner" }\n'
        + 'transfer t { recipient = p consent = bundled cite "4" "abroad" }\n'
        + 'transfer u { recipient = unstated consent = none cite "4" "abroad" }\n',
        "shop.policy",
    )
    (outcome,) = evaluate(policy, [rules], TODAY).outcomes
    assert [f.message for f in outcome.findings] == [
        "transfer t goes to Partner GmbH (unstated) with consent bundled",
        "transfer u goes to unstated (unstated) with consent none",
    ]


def test_a_message_following_a_reference_to_an_unknown_field_is_refused() -> None:
    import pytest

    from checker.errors import ErrorList

    with pytest.raises(ErrorList) as caught:
        load_requirement_file(FOLLOWING.replace("recipient.contact", "recipient.phone"), "f.yaml")
    assert "message names '{recipient.phone}'" in str(caught.value)


def test_data_is_all_tells_all_apart_from_a_list() -> None:
    rules = load_requirement_file(
        FOLLOWING.replace("require: consent == separate", "require: data is not all")
        .replace("for_each: transfer", "for_each: collection")
        .replace("{recipient.legal_name} ({recipient.contact}) with consent {consent}", "{data}"),
        "all.yaml",
    )
    policy = parse_policy(
        HEADER
        + 'collection listed { data = [user.name] cite "1" "Shop" }\n'
        + 'collection everything { data = all cite "1" "Shop" }\n',
        "shop.policy",
    )
    (outcome,) = evaluate(policy, [rules], TODAY).outcomes
    assert [f.subject for f in outcome.findings] == ["collection everything"]
    # `all` still stands for the categories the notice collects
    assert outcome.findings[0].message == "collection everything goes to all"


def test_a_waiver_of_an_unknown_requirement_suggests_one() -> None:
    rules = house()
    text = (
        'document { title = "S" source = "n.txt" jurisdictions = [other] }\n'
        'waiver { requirement = "HOUSE-22" reason = "r" approver = "a" expires = 2030-01-01 }\n'
    )
    report = evaluate(parse_policy(text, "s.policy"), [rules], TODAY)
    (finding,) = report.extra
    assert finding.id == "WAIVER-UNKNOWN"
    assert (
        finding.message
        == "waiver names 'HOUSE-22', which is no requirement; did you mean 'HOUSE-2'?"
    )


KNOWN = """\
set: known
law: HOUSE
title: Triggers the notice may leave open
requirements:
  - id: HOUSE-10
    title: A controller outside the Union names a representative
    article: Rule 10
    quote: name a representative
    severity: error
    applies: handler.established_in is known and handler.established_in not in [eu, eea]
    require: some representative where region == eu
    message: "no representative in the Union"
    remedy: Name one.
"""


def known_outcome(handler: str) -> tuple[str, str, tuple[int, int]]:
    rules = load_requirement_file(KNOWN, "known.yaml")
    policy = parse_policy(HEADER + handler, "shop.policy")
    (outcome,) = evaluate(policy, [rules], TODAY).outcomes
    finding = outcome.findings[0] if outcome.findings else None
    if finding is None:
        return outcome.status, "", (0, 0)
    return outcome.status, finding.message, (finding.span.line, finding.span.column)


def test_a_trigger_the_notice_leaves_open_is_undecided_and_named_never_not_applicable() -> None:
    status_, message, where = known_outcome("handler {\n  established_in = unstated\n}\n")
    assert status_ == "incomplete"
    assert message == (
        "cannot decide: the notice leaves open: handler: established_in; "
        "where it applies: no representative in the Union"
    )
    assert where == (3, 20)  # the `unstated` the encoder wrote


def test_an_open_trigger_does_not_keep_a_statement_that_complies_either_way_from_passing() -> None:
    """`applies` implies `require`: with the trigger open, a notice that names a representative
    in the Union meets the rule wherever the controller is established."""
    handler = "handler {\n  established_in = unstated\n}\n"
    representative = (
        'representative eu { legal_name = "Rep GmbH" cite "1" "our EU representative" }\n'
    )
    assert known_outcome(handler + representative)[0] == "pass"


def test_a_known_trigger_decides_as_usual() -> None:
    assert known_outcome('handler { established_in = cn cite "1" "Shop Ltd, Shanghai" }\n')[:2] == (
        "fail",
        "no representative in the Union",
    )
    eu = 'handler { established_in = eu cite "1" "Shop GmbH, Berlin" }\n'
    assert known_outcome(eu)[0] == "not_applicable"


def test_a_trigger_not_encoded_is_undecided_and_says_so() -> None:
    status_, message, _ = known_outcome("handler { legal_name = unstated }\n")
    assert (status_, message) == (
        "incomplete",
        "cannot decide: not encoded: handler: established_in; "
        "where it applies: no representative in the Union",
    )


@pytest.mark.parametrize("check", ["WAIVER-UNUSED", "QUOTE-AMBIGUOUS"])
def test_a_waiver_of_one_of_the_policys_own_checks_is_not_allowed(check: str) -> None:
    rep = report(WAIVED_BODY.format(rule=check, date="2027-01-01"))
    assert [(f.id, f.subject) for f in rep.extra][:1] == [("WAIVER-NOT-ALLOWED", "waiver")]
    assert check in rep.extra[0].message


POINTING = """\
set: pointing
law: TEST
title: Where failing findings point
jurisdictions: [other]
requirements:
  - id: T-SOME
    title: A deletion right is offered
    article: Rule 1
    quote: q
    severity: error
    require: some right where right == delete
    message: no deletion right
    remedy: r
  - id: T-EVERY
    title: Every right has a channel
    article: Rule 2
    quote: q
    severity: error
    require: every right satisfies channel is stated
    message: a right without channel
    remedy: r
  - id: T-NO
    title: No transfer without consent
    article: Rule 3
    quote: q
    severity: error
    require: no transfer where consent == none
    message: a transfer without consent
    remedy: r
  - id: T-OR
    title: Separate or written consent
    article: Rule 4
    quote: q
    severity: error
    for_each: transfer
    require: (consent == separate or consent == written) and recipient is stated
    message: "{label}"
    remedy: r
"""

RIGHTS_AND_TRANSFERS = """\
right access { channel = "by letter" cite "5" "see your data" }
right object { channel = unstated cite "5" "see your data" }
transfer a { destination = us consent = written recipient = unstated cite "4" "abroad" }
transfer b { destination = us consent = none recipient = unstated cite "4" "abroad" }
"""


def _pointing(rule: str) -> tuple[int, int]:
    rules = load_requirement_file(POINTING, "pointing.yaml")
    policy = parse_policy(HEADER + RIGHTS_AND_TRANSFERS, "shop.policy")
    outcome = next(o for o in evaluate(policy, [rules], TODAY).outcomes if o.id == rule)
    assert outcome.status == "fail", outcome
    span = outcome.findings[0].span
    return span.line, span.column


def test_what_the_notice_lacks_points_at_the_document_not_at_the_last_item_read() -> None:
    # No right is a deletion right: the rights read on the way are no cause, so the finding
    # points at the `document` header (line 1), where the notice as a whole is named.
    assert _pointing("T-SOME") == (1, 1)


def test_every_points_at_the_statement_that_breaks_it() -> None:
    assert _pointing("T-EVERY") == (3, 26)  # right object's `channel = unstated`


def test_no_points_at_the_statement_it_finds() -> None:
    assert _pointing("T-NO") == (5, 1)  # transfer b, not transfer a read before it


def test_a_false_side_of_a_true_or_takes_no_blame() -> None:
    # transfer a: `consent == separate` is false but `written` holds; the `and` fails on the
    # recipient, and the finding points there, not at the consent.
    assert _pointing("T-OR") == (4, 61)


UNDECIDED = """\
set: review
law: TEST
title: Words a reviewer must weigh
jurisdictions: [other]
requirements:
  - id: T-SEPARATE
    title: Transfers have separate consent
    article: Rule 1
    quote: q
    severity: error
    for_each: transfer
    require: >-
      (consent in [separate, written] or (consent in [unspecified, explicit] and undecided))
      and destination is stated
    message: "{label}: consent {consent}"
    remedy: r
"""


def _separate(consent: str, destination: str = "us") -> tuple[str, str, tuple[int, int]]:
    rules = load_requirement_file(UNDECIDED, "review.yaml")
    body = (
        f"transfer t {{ destination = {destination} consent = {consent} recipient = unstated"
        ' cite "4" "abroad" }\n'
    )
    (outcome,) = evaluate(parse_policy(HEADER + body, "shop.policy"), [rules], TODAY).outcomes
    if outcome.status == "pass":
        return "pass", "", (0, 0)
    (finding,) = outcome.findings
    return outcome.status, finding.message, (finding.span.line, finding.span.column)


@pytest.mark.parametrize("consent", ["separate", "written"])
def test_undecided_lets_a_clear_value_pass(consent: str) -> None:
    assert _separate(consent)[0] == "pass"


def test_undecided_lets_a_clear_value_fail() -> None:
    assert _separate("bundled") == ("fail", "transfer t: consent bundled", (2, 41))


@pytest.mark.parametrize("consent", ["unspecified", "explicit"])
def test_undecided_makes_the_words_it_follows_cannot_decide(consent: str) -> None:
    status, message, at = _separate(consent)
    assert status == "incomplete"
    assert message == "cannot decide: the notice leaves open: transfer t: consent"
    assert at == (2, 41)  # the consent's value, which the reviewer has to weigh


def test_undecided_does_not_hide_a_failure_beside_it() -> None:
    status, message, at = _separate("unspecified", destination="unstated")
    assert (status, message) == ("fail", "transfer t: consent unspecified")
    assert at == (2, 28)  # `destination = unstated`
