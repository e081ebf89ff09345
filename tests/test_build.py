"""Stage 2, syntax tree -> facts: field shapes, unstated, references, categories, duplicates."""

from __future__ import annotations

import datetime
from typing import Annotated

import pytest

from checker.errors import CheckerError, ErrorList
from checker.language.build import build_policy
from checker.language.facts import (
    FIXED_FIELDS,
    KIND_MODELS,
    SHAPES,
    UNSTATED,
    Category,
    Collection,
    Document,
    Fact,
    Minors,
    Officer,
    Policy,
    Right,
    Shape,
    Sharing,
    Storage,
    Waiver,
    fact_fields,
)
from checker.language.syntax import parse_syntax
from checker.language.tree import Block
from checker.language.tree import Field as SyntaxField
from checker.spans import Span

HEADER = 'document {\n  title = "T"\n  source = "n.txt"\n  jurisdictions = [cn, eu]\n}\n'
CITE = 'cite "1" "q"'


def build(text: str, header: bool = True) -> Policy:
    return build_policy(parse_syntax((HEADER if header else "") + text), "t.policy")


def errors(text: str, header: bool = True) -> list[CheckerError]:
    with pytest.raises(ErrorList) as caught:
        build(text, header)
    found = sorted(caught.value.errors, key=CheckerError.sort_key)
    assert all(e.path == "t.policy" for e in found)
    return found


def codes(text: str, header: bool = True) -> list[str]:
    return [e.code for e in errors(text, header)]


def only(policy: Policy, kind: str) -> Fact:
    (fact,) = policy.of_kind(kind)
    return fact


# --- every shape converts ----------------------------------------------------------------------


def test_the_document_header_converts_text_enum_date_and_lists() -> None:
    policy = build(
        'document {\n  title = "Shop"\n  source = "n.txt"\n  language = zh\n'
        "  effective = 2024-02-29\n  updated = unstated\n  jurisdictions = [cn, eu]\n}\n",
        header=False,
    )
    assert policy.document == Document(
        title="Shop",
        source="n.txt",
        language="zh",
        effective=datetime.date(2024, 2, 29),
        updated=UNSTATED,
        jurisdictions=("cn", "eu"),
        span=policy.document.span,
        spans=policy.document.spans,
    )
    assert policy.statements == (policy.document,)


def test_flags_ints_and_unstated_convert() -> None:
    policy = build(
        f"minors {{\n  threshold = 14\n  may_process = yes\n  guardian_consent = no\n"
        f"  dedicated_rules = unstated\n  {CITE}\n}}\n"
    )
    minors = only(policy, "minors")
    assert isinstance(minors, Minors)
    assert (minors.threshold, minors.may_process, minors.guardian_consent) == (14, True, False)
    assert minors.dedicated_rules is UNSTATED or minors.dedicated_rules == UNSTATED
    assert minors.age_verification is None  # not encoded is not unstated


def test_categories_references_and_enum_lists_convert() -> None:
    policy = build(
        f'purpose account {{ description = "a" {CITE} }}\n'
        f'purpose ads {{ description = "b" {CITE} }}\n'
        f"collection reg {{\n  data = [user.contact.email, user.name]\n"
        f"  purposes = [account, ads]\n  source = data_subject\n  basis_pipl = [consent]\n"
        f"  consent = separate\n  {CITE}\n}}\n"
    )
    collection = policy.named("collection", "reg")
    assert isinstance(collection, Collection)
    assert collection.data == ("user.contact.email", "user.name")
    assert collection.purposes == ("account", "ads")
    assert collection.source == ("data_subject",)  # one value where a list is allowed
    assert collection.basis_pipl == ("consent",)
    assert collection.consent == "separate"


def test_all_is_a_category_value() -> None:
    policy = build(f"storage {{ location = cn data = all {CITE} }}\n")
    storage = only(policy, "storage")
    assert isinstance(storage, Storage)
    assert storage.data == "all"


def test_a_single_reference_converts() -> None:
    policy = build(
        f'recipient pay {{ legal_name = "Pay Co" {CITE} }}\n'
        f"sharing s {{ recipient = pay data = [user.financial] {CITE} }}\n"
    )
    sharing = policy.named("sharing", "s")
    assert isinstance(sharing, Sharing)
    assert sharing.recipient == "pay"
    assert sharing.data == ("user.financial",)


def test_the_name_of_a_name_field_kind_is_its_value() -> None:
    policy = build(
        f'right access {{ channel = "app" response_days = 15 {CITE} }}\n'
        f'officer dpo {{ contact = "dpo@x" {CITE} }}\n'
    )
    right = only(policy, "right")
    officer = only(policy, "officer")
    assert isinstance(right, Right) and isinstance(officer, Officer)
    assert (right.right, right.name, right.response_days) == ("access", "access", 15)
    assert (officer.role, officer.name) == ("dpo", "dpo")
    assert right.spans["right"] == Span(line=6, column=7, end_line=6, end_column=13)


def test_a_waiver_needs_no_citation_and_takes_a_date() -> None:
    policy = build(
        'waiver w {\n  requirement = "PIPL-17"\n  reason = "r"\n  approver = "DPO"\n'
        "  expires = 2030-01-01\n}\n"
    )
    waiver = only(policy, "waiver")
    assert isinstance(waiver, Waiver)
    assert waiver.expires == datetime.date(2030, 1, 1)


def test_each_field_value_records_its_span() -> None:
    policy = build(f"storage {{\n  location = cn\n  {CITE}\n}}\n")
    storage = only(policy, "storage")
    assert storage.spans["location"] == Span(line=7, column=14, end_line=7, end_column=16)
    (cite,) = storage.cites
    assert cite.quote_span == Span(line=8, column=12, end_line=8, end_column=15)


# --- unstated ----------------------------------------------------------------------------------


UNSTATED_OK = sorted(
    (kind, key) for kind, fields in SHAPES.items() for key, s in fields.items() if s.unstated_ok
)
UNSTATED_REFUSED = sorted(
    (kind, key)
    for kind, fields in SHAPES.items()
    for key, s in fields.items()
    if not s.unstated_ok and key not in ("role", "region", "right", "key")
)


def test_both_unstated_tables_are_non_trivial() -> None:
    assert len(UNSTATED_OK) > 50
    assert ("purpose", "description") in UNSTATED_REFUSED
    assert ("waiver", "expires") in UNSTATED_REFUSED


HEADS = {
    "officer": "officer dpo",
    "representative": "representative eu",
    "right": "right copy",
    "category": "category user.custom_thing",
}


def sample(shape: Shape) -> str:
    """A valid value of a field shape (references are never required, so none is needed)."""
    return {
        "text": '"x"',
        "flag": "yes",
        "int": "1",
        "date": "2030-01-01",
        "enum": shape.choices[0] if shape.choices else "",
        "category": "user.name",
    }[shape.scalar]


def block_with(kind: str, key: str, value: str) -> str:
    """A block of `kind` with `key = value`, its other required fields, and a citation."""
    model = KIND_MODELS[kind]
    lines = [f"{HEADS.get(kind, kind + ' x')} {{", f"  {key} = {value}"]
    lines += [f"  {r} = {sample(SHAPES[kind][r])}" for r in model.REQUIRED if r != key]
    if kind != "document":
        lines.append(f"  {CITE}")
    return "\n".join([*lines, "}"]) + "\n"


@pytest.mark.parametrize(("kind", "key"), UNSTATED_OK, ids=[f"{k}.{f}" for k, f in UNSTATED_OK])
def test_unstated_is_accepted_where_the_model_allows_it(kind: str, key: str) -> None:
    policy = build(block_with(kind, key, "unstated"), header=kind != "document")
    (fact,) = policy.of_kind(kind)
    assert getattr(fact, key) == UNSTATED


@pytest.mark.parametrize(
    ("kind", "key"), UNSTATED_REFUSED, ids=[f"{k}.{f}" for k, f in UNSTATED_REFUSED]
)
def test_unstated_is_refused_where_the_model_does_not_allow_it(kind: str, key: str) -> None:
    found = errors(block_with(kind, key, "unstated"), header=kind != "document")
    refusal = [e for e in found if e.code == "E203" and "cannot be unstated" in e.message]
    assert refusal, [str(e) for e in found]
    key_line = 2 if kind == "document" else 7
    assert refusal[0].span == Span(
        line=key_line, column=len(key) + 6, end_line=key_line, end_column=len(key) + 14
    )


def test_a_block_that_only_records_silence_needs_no_citation() -> None:
    policy = build("breach {\n  notify_individuals = unstated\n  notify_authority = unstated\n}\n")
    assert policy.of_kind("breach")


# --- references --------------------------------------------------------------------------------


def test_a_reference_to_an_undefined_purpose_is_e207_with_a_suggestion() -> None:
    (error,) = errors(
        f'purpose account {{ description = "a" {CITE} }}\n'
        f"collection c {{ purposes = [acount] {CITE} }}\n"
    )
    assert error.code == "E207"
    assert error.span == Span(line=7, column=28, end_line=7, end_column=34)
    assert error.hint == "did you mean 'account'?"


def test_a_reference_must_name_the_right_kind() -> None:
    found = errors(
        f'purpose pay {{ description = "a" {CITE} }}\nsharing s {{ recipient = pay {CITE} }}\n'
    )
    assert [e.code for e in found] == ["E207"]


def test_references_may_point_forward() -> None:
    policy = build(
        f"sharing s {{ recipient = later {CITE} }}\nrecipient later {{ role = processor {CITE} }}\n"
    )
    assert len(policy.statements) == 3


# --- categories --------------------------------------------------------------------------------


def test_an_unknown_category_is_e205_with_a_suggestion() -> None:
    (error,) = errors(f"collection c {{ data = [user.contact.emial] {CITE} }}\n")
    assert error.code == "E205"
    assert error.hint == "did you mean 'user.contact.email'?"


def test_a_declared_category_extension_can_be_used_in_data() -> None:
    policy = build(
        "category user.behavior.learning_record {\n"
        '  description = "lessons taken"\n  pipl_sensitive = no\n  gdpr_special = no\n}\n'
        f"collection c {{ data = [user.behavior.learning_record] {CITE} }}\n"
    )
    category = only(policy, "category")
    assert isinstance(category, Category)
    assert (category.key, category.pipl_sensitive) == ("user.behavior.learning_record", False)
    collection = only(policy, "collection")
    assert isinstance(collection, Collection)
    assert collection.data == ("user.behavior.learning_record",)


def test_an_extension_may_extend_another_extension() -> None:
    policy = build(
        'category user.content.private.diary { description = "d" }\n'
        'category user.content.private.diary.entry { description = "e" }\n'
        f"collection c {{ data = [user.content.private.diary.entry] {CITE} }}\n"
    )
    assert len(policy.of_kind("category")) == 2


def test_a_category_used_without_its_declaration_is_unknown() -> None:
    assert codes(f"collection c {{ data = [user.behavior.learning_record] {CITE} }}\n") == ["E205"]


@pytest.mark.parametrize(
    "key", ["user.contact.email", "nothing.here.at_all", "user.contact_typo.new"]
)
def test_an_extension_must_be_new_and_under_a_known_key(key: str) -> None:
    assert codes(f'category {key} {{ description = "d" }}\n') == ["E212"]


# --- singletons, duplicates, missing pieces ----------------------------------------------------


def test_a_second_singleton_is_e206_pointing_at_the_first() -> None:
    found = errors(
        f'handler {{ legal_name = "A" {CITE} }}\nhandler {{ legal_name = "B" {CITE} }}\n'
    )
    assert [e.code for e in found] == ["E206"]
    assert "line 6" in found[0].message
    assert found[0].span is not None and found[0].span.line == 7


def test_a_second_document_is_e206() -> None:
    assert codes('document { title = "x" source = "y" jurisdictions = [cn] }\n') == ["E206"]


def test_two_statements_of_a_kind_with_one_name_are_e206_at_the_second_name() -> None:
    found = errors(
        f'purpose p {{ description = "a" {CITE} }}\npurpose p {{ description = "b" {CITE} }}\n'
    )
    assert [e.code for e in found] == ["E206"]
    assert found[0].span == Span(line=7, column=9, end_line=7, end_column=10)


def test_one_right_twice_is_e206() -> None:
    assert codes(f"right access {{ {CITE} }}\nright access {{ {CITE} }}\n") == ["E206"]


def test_a_right_named_with_a_dot_is_that_right_told_apart_by_the_rest_of_its_name() -> None:
    policy = build(
        f'right delete.in_app {{ channel = "app" response_days = 0 {CITE} }}\n'
        f'right delete.email {{ channel = "e-mail" response_days = 15 {CITE} }}\n'
    )
    rights = [r for r in policy.of_kind("right") if isinstance(r, Right)]
    assert [(r.name, r.right) for r in rights] == [
        ("delete.in_app", "delete"),
        ("delete.email", "delete"),
    ]
    assert rights[0].spans["right"] == Span(6, 7, 6, 13)  # `delete`


def test_one_right_twice_with_the_same_dotted_name_is_e206_with_a_dotted_hint() -> None:
    found = errors(f"right delete.app {{ {CITE} }}\nright delete.app {{ {CITE} }}\n")
    assert [e.code for e in found] == ["E206"]
    assert found[0].hint is not None and "right delete.<name>" in found[0].hint


def test_an_unknown_right_before_the_dot_is_e204_at_that_word() -> None:
    found = errors(f"right delet.app {{ {CITE} }}\n")
    assert [e.code for e in found] == ["E204"]
    assert found[0].span == Span(6, 7, 6, 12)


def test_only_rights_take_a_dotted_name() -> None:
    assert codes(f"officer dpo.paris {{ {CITE} }}\n") == ["E204"]


def test_a_complaint_names_its_authority_and_an_officer_may_be_a_department() -> None:
    policy = build(
        f'right complain {{ addressee = [authority] authority = "DPC" authority_contact = unstated {CITE} }}\n'
        f'officer dpo {{ person = unstated department = "Privacy Office" {CITE} }}\n'
    )
    right, officer = only(policy, "right"), only(policy, "officer")
    assert isinstance(right, Right) and isinstance(officer, Officer)
    assert (right.authority, right.authority_contact) == ("DPC", UNSTATED)
    assert (officer.person, officer.department) == (UNSTATED, "Privacy Office")


def test_a_field_given_twice_is_e211() -> None:
    assert codes(f"storage {{ location = cn location = eu {CITE} }}\n") == ["E211"]


def test_a_file_without_document_is_e209() -> None:
    (error,) = errors(f"storage {{ location = cn {CITE} }}\n", header=False)
    assert error.code == "E209"
    assert error.span == Span.point(1, 1)


def test_an_empty_file_is_e209() -> None:
    assert codes("", header=False) == ["E209"]


def test_a_missing_required_field_is_e208() -> None:
    assert codes('document { title = "T" source = "n" }\n', header=False) == ["E208"]


def test_a_name_field_kind_without_its_name_is_e208() -> None:
    assert codes(f'right {{ channel = "app" {CITE} }}\n') == ["E208"]


def test_a_fact_without_citation_is_e210_unless_it_only_records_silence() -> None:
    assert codes("storage { location = cn }\n") == ["E210"]
    assert build("breach { notify_individuals = unstated }\n").of_kind("breach")


# --- wrong values ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("field", "code"),
    [
        ("threshold = fourteen", "E203"),
        ('threshold = "14"', "E203"),
        ("may_process = maybe", "E204"),
        ("may_process = [yes]", "E203"),
        ("age_verification = checked", "E203"),
        ("threshold = 2024-01-01", "E203"),
        ("dedicated_rules = 1", "E203"),
        ("threshhold = 14", "E202"),
    ],
)
def test_a_value_of_the_wrong_shape_is_reported(field: str, code: str) -> None:
    assert codes(f"minors {{\n  {field}\n  {CITE}\n}}\n") == [code]


def test_an_unknown_enum_value_suggests_the_closest() -> None:
    (error,) = errors(f"transfer t {{ consent = seperate {CITE} }}\n")
    assert (error.code, error.hint) == ("E204", "did you mean 'separate'?")


def test_an_impossible_date_is_e203() -> None:
    text = 'waiver w {\n  requirement = "x"\n  reason = "r"\n  approver = "a"\n'
    assert codes(text + "  expires = 2030-02-30\n}\n") == ["E203"]


def test_an_empty_list_is_e105() -> None:
    assert codes(f"collection c {{ data = [] {CITE} }}\n") == ["E105"]


def test_an_unknown_kind_is_e201_with_a_suggestion() -> None:
    (error,) = errors(f"tranfser t {{ {CITE} }}\n")
    assert (error.code, error.hint) == ("E201", "did you mean 'transfer'?")


def test_a_field_outside_a_block_is_e113() -> None:
    assert codes('title = "x"\n') == ["E113"]


def test_a_block_inside_a_block_is_e102() -> None:
    assert codes(f"storage {{ {CITE}\nhandler {{ {CITE} }} }}\n") == ["E102"]


def test_all_errors_of_a_file_are_collected_in_order() -> None:
    found = errors(
        f"storage {{ location = mars {CITE} }}\nminors {{ threshold = x {CITE} }}\n"
        f"tranfser t {{ {CITE} }}\n"
    )
    assert [(e.code, e.span.line if e.span else 0) for e in found] == [
        ("E204", 6),
        ("E203", 7),
        ("E201", 8),
    ]


@pytest.mark.parametrize("name", ["unstated", "all"])
def test_a_statement_cannot_be_named_like_a_keyword(name: str) -> None:
    """Else `recipient = unstated` could not name it: it would read as 'the notice is silent'."""
    found = errors(f"recipient {name} {{ role = processor {CITE} }}\n")
    assert found[0].span is not None
    assert (found[0].span.line, found[0].span.column) == (6, 11)


@pytest.mark.parametrize("cite", ['cite "1" ""', 'cite "" "q"', 'cite "1" "   "'])
def test_an_empty_citation_label_or_quote_is_refused(cite: str) -> None:
    """The citation is incomplete; it is not a quote missing from the notice (E302)."""
    found = errors(f"storage {{\n  location = cn\n  {cite}\n}}\n")
    assert [(e.code, e.span.line if e.span else 0) for e in found] == [("E111", 8)]


def test_facts_of_the_shipped_policies_are_what_validation_would_make() -> None:
    """The builder checks values itself; pydantic validating its facts must change nothing."""
    from pathlib import Path

    from checker.notice.loading import parse_policy

    shipped = sorted((Path(__file__).parents[1] / "policies").glob("*.policy"))
    assert len(shipped) == 6
    for path in shipped:
        text = path.read_text(encoding="utf-8")
        policy = parse_policy(text, str(path))
        blocks = [b for b in parse_syntax(text).items if isinstance(b, Block)]
        assert len(blocks) == len(policy.statements)
        for block, fact in zip(blocks, policy.statements, strict=True):
            # the fields with a value are the ones the block wrote
            written = {i.key for i in block.items if isinstance(i, SyntaxField)}
            if block.name is not None:
                written |= {"name", fact.NAME_FIELD} - {None}
            given = {
                name
                for name in fact_fields(fact)
                if name not in FIXED_FIELDS and getattr(fact, name) is not None
            }
            assert given | {"name"} == written | {"name"}
        assert_same_as_validated(policy)


def assert_same_as_validated(policy: Policy) -> None:
    """Validating a built policy with pydantic, from its plain data, gives the same facts back."""
    import dataclasses

    from pydantic import Field, TypeAdapter

    from checker.language.facts import Statement

    statement = TypeAdapter(Annotated[Statement, Field(discriminator="kind")])
    for fact in policy.statements:
        validated = statement.validate_python(dataclasses.asdict(fact))
        assert type(validated) is type(fact)
        assert validated == fact
        assert repr(validated) == repr(fact)
    assert TypeAdapter(Policy).validate_python(dataclasses.asdict(policy)) == policy


def test_facts_are_made_without_a_validation_library() -> None:
    """The builder is where a policy's values are checked; pydantic stays at the boundary of
    requirement files, so building and anchoring facts does not load it."""
    import subprocess
    import sys

    code = (
        "import sys, checker.language.build, checker.notice.anchoring;"
        "print(sorted(m for m in sys.modules if m.partition('.')[0] in ('pydantic', 'pydantic_core')))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"


# --- Recipients: categories, one of several, places, SDKs --------------------------------------


def test_a_place_is_one_region_or_a_list_and_stays_as_written() -> None:
    policy = build(
        f"recipient r {{\n  location = [sg, us]\n  {CITE}\n}}\n"
        f"storage s {{\n  location = cn\n  {CITE}\n}}\n"
        f"transfer t {{\n  destination = [us]\n  recipient = r\n  {CITE}\n}}\n"
    )
    assert policy.named("recipient", "r").location == ("sg", "us")  # type: ignore[union-attr]
    assert only(policy, "storage").location == "cn"  # type: ignore[attr-defined]
    assert only(policy, "transfer").destination == ("us",)  # type: ignore[attr-defined]
    assert SHAPES["recipient"]["location"].one_or_many
    assert not SHAPES["collection"]["source"].one_or_many


def test_a_place_list_is_checked_item_by_item_with_a_suggestion() -> None:
    (error,) = errors(f"storage s {{\n  location = [cn, sgp]\n  {CITE}\n}}\n")
    assert error.code == "E204"
    assert "'sgp'" in error.message
    assert error.span is not None and error.span.column == 19
    assert error.hint == "did you mean 'sg'?"


def test_a_recipient_may_be_a_category_one_of_several_or_an_sdk() -> None:
    policy = build(
        "recipient partners {\n"
        '  described_as = "joint-venture partners"\n'
        "  role         = handler\n"
        f"  {CITE}\n}}\n"
        "recipient payments {\n"
        '  one_of    = ["Stripe, Inc.", "Stripe Payments Europe, Ltd."]\n'
        "  chosen_by = unstated\n"
        f"  {CITE}\n}}\n"
        "recipient mipush {\n"
        '  legal_name        = "Beijing Xiaomi Mobile Software Co., Ltd."\n'
        '  sdk               = "Xiaomi push SDK"\n'
        '  privacy_policy    = "https://dev.mi.com/console/doc/detail?pId=1822"\n'
        "  collects_directly = yes\n"
        "  role              = sdk_provider\n"
        f"  {CITE}\n}}\n"
    )
    partners, payments, mipush = policy.of_kind("recipient")
    assert partners.described_as == "joint-venture partners"  # type: ignore[attr-defined]
    assert partners.legal_name is None  # type: ignore[attr-defined]
    assert payments.one_of == ("Stripe, Inc.", "Stripe Payments Europe, Ltd.")  # type: ignore[attr-defined]
    assert payments.chosen_by is UNSTATED  # type: ignore[attr-defined]
    assert mipush.sdk == "Xiaomi push SDK"  # type: ignore[attr-defined]
    assert mipush.collects_directly is True  # type: ignore[attr-defined]


def test_a_list_of_names_for_one_recipient_points_to_one_of() -> None:
    (error,) = errors(f'recipient r {{\n  legal_name = ["A Ltd", "B Ltd"]\n  {CITE}\n}}\n')
    assert error.code == "E203"
    assert "one_of = [...]" in (error.hint or "")


@pytest.mark.parametrize(
    ("fields", "message", "line"),
    [
        ('legal_name = "A"\n  one_of = ["A", "B"]', "not both", 8),
        ('one_of = ["A"]', "names a single entity", 7),
        ('legal_name = "A"\n  chosen_by = "your region"', "there is no `one_of`", 8),
    ],
)
def test_contradicting_recipient_fields_are_e215_at_the_field(
    fields: str, message: str, line: int
) -> None:
    (error,) = errors(f"recipient r {{\n  {fields}\n  {CITE}\n}}\n")
    assert error.code == "E215"
    assert message in error.message
    assert error.span is not None and error.span.line == line


def test_a_misspelt_recipient_field_suggests_the_new_ones() -> None:
    (error,) = errors(f'recipient r {{\n  oneof = ["A", "B"]\n  {CITE}\n}}\n')
    assert error.code == "E202"
    assert error.hint == "did you mean 'one_of'?"
