"""The fact model: what a `.policy` file can state about a notice, as typed, frozen dataclasses.

This module is the vocabulary of the policy language. Each statement kind is one model; its fields
are the keys a block of that kind accepts, and the field's type says which values are allowed.
Every field has three states (docs/design.md §4):

* a value — the notice states it;
* `UNSTATED` — the encoder read the notice and it is silent (written `unstated`);
* `None` — not encoded: nobody has looked yet. Requirements treat this as "cannot decide".

The block name is the fact's identifier, except for kinds whose `NAME_FIELD` says the name carries
a value (`right access { ... }`, `officer dpo { ... }`, `category user.x.y { ... }`).

The kinds are plain frozen dataclasses. The builder (checker/language/build.py) checks every value
against the field shapes derived from them (`SHAPES`) and words what is wrong, so the facts are
made as they are, and importing this module costs no validation library. The field types are
nonetheless precise enough for pydantic to validate a fact (the tests do, and compare).

Annotations here are evaluated, not postponed (no `from __future__ import annotations`): the
shapes are read from the types themselves, which costs far less at start-up than resolving strings.
"""

import datetime
import types
from dataclasses import dataclass, field, fields
from functools import cached_property
from typing import Annotated, Any, ClassVar, Literal, Union, get_args, get_origin

from checker.language.citations import Citation
from checker.spans import Span


@dataclass(frozen=True, slots=True)
class Unstated:
    """The notice is silent on this point (an encoding decision a reviewer can see)."""

    unstated: Literal[True] = True

    def __repr__(self) -> str:
        return "UNSTATED"


UNSTATED = Unstated()


def value_text(value: object) -> str:
    """A fact's value as a reader sees it: `unstated`, yes/no, a list in brackets, else its text."""
    if value is UNSTATED:
        return "unstated"
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, tuple):
        return "[" + ", ".join(str(v) for v in value) + "]"
    return str(value)


@dataclass(frozen=True)
class RefTo:
    """Marks a field whose values name facts of another kind (checked, then followed by rules)."""

    kind: str


@dataclass(frozen=True)
class CategoryKeys:
    """Marks a field of data categories: Fides taxonomy keys, or `all`."""


@dataclass(frozen=True)
class OneOrMany:
    """Marks a field that takes one value or a list of them, and keeps what was written.

    In conditions `==` holds when every value is the one compared with and `!=` when some value
    is not it, so `destination != cn` reads a list containing any place abroad as abroad."""


Text = str
Flag = bool  # written yes / no
Date = datetime.date
Categories = Annotated[tuple[str, ...] | Literal["all"], CategoryKeys()]

Jurisdiction = Literal["cn", "eu", "eea", "uk", "us", "hk", "sg", "other"]
Region = Literal[
    "cn",
    "eu",
    "eea",
    "uk",
    "us",
    "hk",
    "mo",
    "tw",
    "sg",
    "jp",
    "kr",
    "outside_cn",
    "outside_eu",
    "worldwide",
    "other",
]
ConsentKind = Literal[
    "unspecified",  # consent is said to be obtained, but the notice does not say how
    "explicit",
    "separate",
    "written",
    "bundled",
    "deemed_by_use",
    "deemed_by_silence",
    "pre_ticked",
    "os_permission",  # the operating system's permission dialog ("Allow ... to access ...?")
    "none",
]
IfRefused = Literal["service_refused", "feature_unavailable", "no_effect"]
Source = Literal["data_subject", "automatic", "third_party", "public", "sdk"]
BasisPIPL = Literal[
    "consent",
    "contract",
    "hr_management",
    "legal_duty",
    "emergency",
    "news_reporting",
    "public_info",
    "other_law",
]
BasisGDPR = Literal[
    "consent",
    "contract",
    "legal_obligation",
    "vital_interests",
    "public_task",
    "legitimate_interests",
]
SpecialCondition = Literal[
    "explicit_consent",  # (a); the `consent` field says how consent is actually obtained
    "employment_social_security",  # (b) obligations in employment, social security law
    "vital_interests",  # (c) of a person physically or legally incapable of giving consent
    "not_for_profit_body",  # (d) a foundation, association or other not-for-profit body
    "made_public",  # (e) data manifestly made public by the data subject
    "legal_claims",  # (f) legal claims, or courts acting in their judicial capacity
    "substantial_public_interest",  # (g) on the basis of Union or Member State law
    "health_or_social_care",  # (h) medicine, diagnosis, health or social care
    "public_health",  # (i) public interest in the area of public health
    "archiving_research_statistics",  # (j) archiving, research or statistical purposes
]
"""The conditions of GDPR Art. 9(2) under which special categories may be processed."""
PurposeCategory = Literal[
    "service",
    "security",
    "legal_compliance",
    "marketing",
    "personalisation",
    "analytics",
    "research",
    "other",
]
RecipientRole = Literal[
    "processor",
    "handler",
    "joint_handler",
    "affiliate",
    "authority",
    "successor",
    "sdk_provider",  # an SDK's provider, for itself or for the app: the notice leaves it open
    "unknown",
]
RightKind = Literal[
    "know",
    "access",
    "copy",
    "portability",
    "correct",
    "delete",
    "restrict",
    "object",
    "object_marketing",
    "withdraw",
    "explain",
    "account_cancellation",
    "complain",
    "not_automated",
]
RetentionBasis = Literal[
    "fixed_period",
    "criteria",
    "as_long_as_necessary",
    "indefinite",
    "not_stored",  # not kept at all: processed on the device only, or discarded once used
]
"""How the retention period is given. `not_stored` is the notice's statement that the information
is not kept at all ("processed locally on your device and never uploaded", "deleted as soon as the
recognition is done"): it states the period (none), as PIPL Art. 17(1)(2) 保存期限, NDSR Art.
21(1)(3) and GDPR Art. 13(2)(a) ask, and leaves no expiry to describe."""
ExpiryOutcome = Literal["delete", "anonymise", "archive", "return"]
"""What is done with the information when its retention period ends (NDSR Art. 21(1)(3)
到期后的处理方式): deleted or anonymised (PIPL Art. 47(1)(2), Art. 73(4)); archived — kept apart
with no processing beyond storage and necessary security measures, as PIPL Art. 47(2) allows where
a law's retention period has not expired or deletion is technically hard; or returned to the
person or to the handler that entrusted it (GDPR Art. 28(3)(g) "delete or return")."""
RetentionException = Literal["legal_duty", "legal_claims", "authority_request", "other"]
"""Why the notice keeps information past its stated period: a law or administrative regulation
prescribes a longer period (PIPL Art. 47(2) 法律、行政法规规定的保存期限未届满, GDPR Art.
17(3)(b)); the establishment, exercise or defence of legal claims or a pending dispute (GDPR Art.
17(3)(e)); a request of a competent authority; or another ground (`other`)."""
Measure = Literal[
    "encryption",
    "access_control",
    "de_identification",
    "anonymisation",
    "backup",
    "audit",
    "training",
    "incident_response",
    "certification",
    "network_security",
    "other",
]
ExceptionGround = Literal[
    "consent",
    "contract",
    "legal_duty",
    "emergency",
    "public_interest",
    "news_reporting",
    "public_info",
    "litigation",
    "national_security",
    "criminal_investigation",
    "handler_interest",
    "merger",
    "security_incident",
    "other_law",
    "other",
]
DisclaimerScope = Literal[
    "security_incident",
    "hacking",
    "force_majeure",
    "third_party",
    "government",
    "user_fault",
    "other",
]
Acceptance = Literal["continued_use", "deemed_by_silence", "reconsent", "notice_only"]
OfficerRole = Literal["dpo", "pi_protection_officer"]

# Values of the fields behind PIPL Arts. 20, 26, 41, NDSR Arts. 23, 42 and GDPR Arts. 12(5), 13(3),
# 21(4), 22(2), 26 and 48.
Practice = Literal[
    "sale",
    "sharing",
    "disclosure",
    "transfer_abroad",
    "profiling",
    "automated_decisions",
    "marketing",
    "sensitive_data",
]
"""What a notice can promise not to do (the `never` statement)."""
DecisionGround = Literal["contract", "law", "explicit_consent", "other"]
"""The GDPR Art. 22(2) exception a solely automated decision rests on: (a) necessary for a contract
with the person, (b) authorised by Union or Member State law, (c) the person's explicit consent, or
a ground outside that list (`other`: legitimate interests, "to improve our services")."""
NewPurposeStep = Literal["ask_consent", "inform", "inform_unrelated_only", "neither"]
"""What comes before personal information is used for a purpose the notice does not describe: the
person's consent is asked, the person is told, the person is told (or asked) only where the new
purpose is unrelated to those described — a related new purpose is pursued without telling — or
neither (the notice reserves the new use)."""
Fee = Literal["free", "excessive_requests", "charged"]
"""What exercising a right costs: nothing, a fee only for manifestly unfounded or excessive
(repeated) requests or further copies, or a fee for ordinary requests."""
ForeignRequestRoute = Literal[
    "competent_authority_approval",  # only once the competent authorities at home approve
    "international_agreement",  # only through a treaty such as mutual legal assistance
    "request_only",  # on the foreign authority's request or legal process alone
]
"""What a disclosure to a foreign court or enforcement authority waits for (PIPL Art. 41, GDPR
Art. 48)."""

# Aliases for readability of the models below.
U = Unstated
Places = Annotated[Region | tuple[Region, ...], OneOrMany()]
"""One region or a list of them ("Singapore and the United States": `[sg, us]`)."""
PurposeRefs = Annotated[tuple[str, ...], RefTo("purpose")]
RecipientRef = Annotated[str, RefTo("recipient")]


@dataclass(frozen=True, kw_only=True)
class Fact:
    """Common part of every statement: where it is, what it is called, what it cites."""

    KIND: ClassVar[str] = ""
    SINGLE: ClassVar[bool] = False
    """At most one statement of this kind per document."""
    NAME_FIELD: ClassVar[str | None] = None
    NAME_QUALIFIED: ClassVar[bool] = False
    """The name may add a distinguishing word after a dot (`right delete.in_app`): the part
    before the dot is the `NAME_FIELD` value, the whole name identifies the statement."""
    REQUIRED: ClassVar[tuple[str, ...]] = ()

    name: str | None = None
    span: Span = field(default_factory=lambda: Span.point(1, 1), repr=False)
    cites: tuple[Citation, ...] = ()
    spans: dict[str, Span] = field(default_factory=dict, repr=False)
    """Span of each field's value."""

    @property
    def label(self) -> str:
        return f"{self.KIND} {self.name}" if self.name else self.KIND


@dataclass(frozen=True, kw_only=True)
class Document(Fact):
    """The document header: which notice this file encodes and where it applies."""

    KIND = "document"
    SINGLE = True
    REQUIRED = ("title", "source", "jurisdictions")
    kind: Literal["document"] = "document"
    title: Text | None = None
    source: Text | None = None
    """Path of the notice's text, relative to the .policy file."""
    language: Literal["en", "zh", "other"] | None = None
    version: Text | U | None = None
    effective: Date | U | None = None
    updated: Date | U | None = None
    jurisdictions: tuple[Jurisdiction, ...] | None = None
    url: Text | U | None = None


@dataclass(frozen=True, kw_only=True)
class Handler(Fact):
    """The personal information handler (GDPR: controller) responsible for the notice."""

    KIND = "handler"
    SINGLE = True
    kind: Literal["handler"] = "handler"
    legal_name: Text | U | None = None
    contact: tuple[Text, ...] | U | None = None
    address: Text | U | None = None
    established_in: Region | U | None = None
    platform_service: Flag | U | None = None
    """The handler provides a network platform service (网络平台服务提供者, NDSR ch. VI): an online
    place where users, sellers, creators or other participants meet — a marketplace, a social or
    content platform — rather than only its own products or content."""


@dataclass(frozen=True, kw_only=True)
class Officer(Fact):
    """A PI protection officer (PIPL Art. 52) or data protection officer (GDPR Art. 37)."""

    KIND = "officer"
    NAME_FIELD = "role"
    kind: Literal["officer"] = "officer"
    role: OfficerRole | None = None
    person: Text | U | None = None
    department: Text | U | None = None
    """A department or team named in the officer's place ("our Personal Information Protection
    Department"): the notice names no person. `person = unstated` says the same of the name."""
    contact: Text | U | None = None


@dataclass(frozen=True, kw_only=True)
class Representative(Fact):
    """A representative in the EU (GDPR Art. 27) or China (PIPL Art. 53)."""

    KIND = "representative"
    NAME_FIELD = "region"
    kind: Literal["representative"] = "representative"
    region: Literal["eu", "cn"] | None = None
    legal_name: Text | U | None = None
    contact: Text | U | None = None


@dataclass(frozen=True, kw_only=True)
class Purpose(Fact):
    """A purpose of processing, named so that collections and sharing can refer to it."""

    KIND = "purpose"
    REQUIRED = ("description",)
    kind: Literal["purpose"] = "purpose"
    description: Text | None = None
    category: PurposeCategory | U | None = None
    necessary: Flag | U | None = None
    """Necessary for the product or service the person asked for (PIPL Art. 16, GDPR Art. 7(4))."""
    optional_feature: Flag | U | None = None
    """The purpose serves a feature the person may choose not to use (an additional function
    beside the basic service: voice search, sharing to contacts), so `necessary = yes` means
    necessary for that feature only. PIPL Art. 16 forbids refusing the product or service because
    the person declines processing "except where necessary for providing the product or service",
    and GDPR Art. 7(4) looks at processing "not necessary for the performance of that contract":
    declining such a purpose may cost the feature, not the service."""


@dataclass(frozen=True, kw_only=True)
class Collection(Fact):
    """A collection or processing statement: what, how, why, on what basis, for how long."""

    KIND = "collection"
    kind: Literal["collection"] = "collection"
    data: Categories | U | None = None
    source: tuple[Source, ...] | U | None = None
    method: Text | U | None = None
    purposes: PurposeRefs | U | None = None
    basis_pipl: tuple[BasisPIPL, ...] | U | None = None
    basis_gdpr: tuple[BasisGDPR, ...] | U | None = None
    special_condition: tuple[SpecialCondition, ...] | U | None = None
    """The GDPR Art. 9(2) conditions the notice names for special categories of data."""
    legitimate_interest: Text | U | None = None
    consent: ConsentKind | U | None = None
    """How consent to this processing is obtained. `os_permission`: only through the operating
    system's permission dialog ("Allow the app to access your location?"), the app asking nothing
    itself; PIPL-29 reads that as no separate consent (PIPL Art. 29 单独同意) on its own."""
    required: Flag | U | None = None
    consequence: Text | U | None = None
    """What happens if the person does not provide the data (GDPR Art. 13(2)(e))."""
    if_refused: IfRefused | U | None = None
    retention: Text | U | None = None
    retention_basis: RetentionBasis | U | None = None
    """How the period is given: a fixed period, the criteria that fix it, "as long as necessary"
    (neither), indefinitely, or `not_stored` — the notice says the information is not kept at all
    ("processed on your device only", "deleted once recognised"), which states the period (保存期限,
    PIPL Art. 17(1)(2); "the period for which the personal data will be stored", GDPR Art.
    13(2)(a))."""
    on_expiry: tuple[ExpiryOutcome, ...] | U | None = None
    """What happens to the information when its retention period ends (NDSR Art. 21(1)(3)
    到期后的处理方式): `delete`, `anonymise` (PIPL Art. 47(1)(2)), `archive` (kept apart, nothing
    but storage and security measures: PIPL Art. 47(2)), `return` (to the person or to the handler
    that entrusted it)."""
    retention_exception: tuple[RetentionException, ...] | U | None = None
    """The grounds on which the notice keeps the information longer than `retention` says
    ("unless laws and regulations require otherwise"); `unstated` where it names none."""
    sensitive_necessity: Text | U | None = None
    sensitive_impact: Text | U | None = None


@dataclass(frozen=True, kw_only=True)
class Consent(Fact):
    """How consent is obtained, how it is withdrawn, and what happens on refusal."""

    KIND = "consent"
    REQUIRED = ("mechanism",)
    kind: Literal["consent"] = "consent"
    mechanism: ConsentKind | None = None
    covers: Text | U | None = None
    withdrawal: Text | U | None = None
    if_refused: IfRefused | U | None = None
    refusal_consequence: Text | U | None = None


@dataclass(frozen=True, kw_only=True)
class Recipient(Fact):
    """Another party that receives personal information: a processor, handler, affiliate, an SDK's
    provider, ... It is one legal entity (`legal_name`), one of several (`one_of`), or a category
    the notice describes in its words (`described_as`)."""

    KIND = "recipient"
    kind: Literal["recipient"] = "recipient"
    legal_name: Text | U | None = None
    """The recipient's name as the notice gives it: one legal entity or person (PIPL Arts. 23, 39
    名称或者姓名). For an SDK, its provider's name (`sdk` names the product)."""
    described_as: Text | U | None = None
    """The recipient as the notice describes it when it names no entity: a category in the
    notice's words ("joint-venture partners", "other members of the association", "our affiliated
    companies"). A category of recipients (GDPR Art. 13(1)(e)); never a name (PIPL Art. 23)."""
    one_of: tuple[Text, ...] | None = None
    """The names of the entities one of which receives ("Company A or Company B will provide the
    service"), in place of `legal_name`; at least two."""
    chosen_by: Text | U | None = None
    """With `one_of`: what decides which of them receives, as the notice says it ("depending on
    the payment method you choose"); `unstated` where the notice leaves it to the handler."""
    contact: Text | U | None = None
    role: RecipientRole | U | None = None
    location: Places | U | None = None
    """Where the recipient is: one region or a list (`[sg, us]`); a list with any region known to
    be abroad puts the recipient abroad. `outside_eu` may be China and `outside_cn` the Union: a
    recipient there alone is neither known to be abroad nor at home ("cannot decide")."""
    sdk: Text | U | None = None
    """The third-party SDK (software development kit, plug-in) embedded in the app through which
    this recipient receives, by its product name ("Umeng+ push SDK"); `legal_name` is then its
    provider. `unstated` where the notice speaks of SDKs without naming one ("third-party
    SDKs")."""
    privacy_policy: Text | U | None = None
    """Where the recipient's own privacy policy is published (a link), as the notice gives it."""
    collects_directly: Flag | U | None = None
    """The recipient collects the personal information from the person's device itself (an SDK or
    plug-in in the app, a third-party cookie or pixel) rather than receiving it from the handler:
    still a provision by the handler (App Methods 2019 part 五, item 1:
    通过客户端嵌入的第三方代码、插件等方式向第三方提供个人信息)."""
    dpf_certified: Flag | U | None = None
    """Certified under the EU-US Data Privacy Framework, the only US recipients the Commission's
    adequacy decision (EU) 2023/1795 covers (GDPR Art. 45)."""
    arrangement: Text | U | None = None
    """For a joint handler (joint controller): the essence of the arrangement between the handlers,
    who answers for what and where individuals exercise their rights (GDPR Art. 26(2), PIPL Art.
    20)."""
    foreign_request_route: ForeignRequestRoute | U | None = None
    """For a court or enforcement authority abroad: what a disclosure on its request waits for
    (PIPL Art. 41, GDPR Art. 48)."""

    MESSAGE_PROPERTIES: ClassVar[tuple[str, ...]] = ("identity",)
    """Values a requirement's message may name besides the fields (`{recipient.identity}`)."""

    @property
    def identity(self) -> object:
        """The recipient as the notice identifies it, for a finding's message: its name, else the
        entities one of which receives (and what decides), else the words describing it; else
        `legal_name` as it is (`unstated`, or not encoded)."""
        if isinstance(self.legal_name, str):
            return self.legal_name
        if isinstance(self.one_of, tuple):
            chosen = "" if self.chosen_by is None else f", chosen by {value_text(self.chosen_by)}"
            return f"one of {', '.join(self.one_of)}{chosen}"
        if isinstance(self.described_as, str):
            return f'"{self.described_as}"'
        return self.legal_name


@dataclass(frozen=True, kw_only=True)
class Sharing(Fact):
    """Provision of personal information to a recipient (PIPL Arts. 21, 23; GDPR Art. 13(1)(e))."""

    KIND = "sharing"
    kind: Literal["sharing"] = "sharing"
    recipient: RecipientRef | U | None = None
    data: Categories | U | None = None
    purposes: PurposeRefs | U | None = None
    method: Text | U | None = None
    consent: ConsentKind | U | None = None


@dataclass(frozen=True, kw_only=True)
class Disclosure(Fact):
    """Public disclosure of personal information (PIPL Art. 25, GDPR Art. 25(2))."""

    KIND = "disclosure"
    kind: Literal["disclosure"] = "disclosure"
    data: Categories | U | None = None
    purposes: PurposeRefs | U | None = None
    consent: ConsentKind | U | None = None
    basis_pipl: tuple[BasisPIPL, ...] | U | None = None
    """The PIPL Art. 13(1) ground of the disclosure: a ground other than consent lifts the separate
    consent of Art. 25 (Art. 13(2)), e.g. a disclosure a law requires (`legal_duty`)."""
    by_default: Flag | U | None = None


@dataclass(frozen=True, kw_only=True)
class Transfer(Fact):
    """A cross-border transfer (PIPL Arts. 38-39, GDPR Arts. 13(1)(f), 44-49)."""

    KIND = "transfer"
    kind: Literal["transfer"] = "transfer"
    destination: Places | U | None = None
    """Where the information goes: one region or a list (`[sg, us]`)."""
    recipient: RecipientRef | U | None = None
    data: Categories | U | None = None
    purposes: PurposeRefs | U | None = None
    method: Text | U | None = None
    consent: ConsentKind | U | None = None
    mechanism_pipl: (
        Literal["security_assessment", "certification", "standard_contract", "other"] | U | None
    ) = None
    mechanism_gdpr: (
        Literal["adequacy", "scc", "bcr", "code_of_conduct", "certification", "derogation"]
        | U
        | None
    ) = None
    safeguards: Text | U | None = None
    safeguards_copy: Text | U | None = None
    """Where a copy of the safeguards can be obtained, or where they are made available
    (GDPR Art. 13(1)(f), 14(1)(f))."""
    rights_procedure: Text | U | None = None
    """How the person exercises rights against the overseas recipient (PIPL Art. 39)."""


@dataclass(frozen=True, kw_only=True)
class Storage(Fact):
    """Where personal information is stored."""

    KIND = "storage"
    kind: Literal["storage"] = "storage"
    location: Places | U | None = None
    """Where the information is stored: one region or a list (`[cn, sg]`)."""
    data: Categories | U | None = None


@dataclass(frozen=True, kw_only=True)
class Right(Fact):
    """A right the notice offers, with the channel and response time (`right access { ... }`).

    A notice that offers the same right twice, through different channels or with different times
    (deletion in the app at once, deletion by e-mail within 15 working days), gives each its own
    block with a distinguishing word after a dot: `right delete.in_app { ... }` and
    `right delete.email { ... }`. Both are rights of kind `delete` to every rule."""

    KIND = "right"
    NAME_FIELD = "right"
    NAME_QUALIFIED = True
    kind: Literal["right"] = "right"
    right: RightKind | None = None
    channel: Text | U | None = None
    response_time: Text | U | None = None
    response_days: int | U | None = None
    response_day_type: Literal["working", "calendar"] | U | None = None
    """What `response_days` counts: "15 working days" is working; plain "days" are calendar days."""
    conditions: Text | U | None = None
    addressee: tuple[Literal["handler", "authority"], ...] | U | None = None
    """For `right complain`: who receives the complaint — the handler's own channel (PIPL Art.
    50(1)) or a supervisory authority (GDPR Art. 13(2)(d)); a notice may name both."""
    authority: Text | U | None = None
    """For `right complain` with `addressee` authority: the supervisory authority the notice
    names (GDPR Arts. 13(2)(d), 77), e.g. "the Data Protection Commission"."""
    authority_contact: Text | U | None = None
    """Where that authority is reached: its address, website or e-mail, as the notice gives it."""
    unreasonable_conditions: Flag | U | None = None
    """The `conditions` limit a reasonable request beyond what verifying the requester and the law
    need (NDSR Art. 23): e.g. cancelling an account only in person, or after giving more
    information than the service collects."""
    fee: Fee | U | None = None
    """What exercising the right costs (GDPR Art. 12(5))."""
    presented_separately: Flag | U | None = None
    """The right is brought to the person's attention explicitly, clearly and apart from other
    information: its own heading, box or paragraph (GDPR Art. 21(4)). `unstated` where the notice
    says the right is offered in each marketing message itself (an unsubscribe link in every
    e-mail): how it is presented there, at the first communication, the notice does not show."""


@dataclass(frozen=True, kw_only=True)
class Minors(Fact):
    """Rules for minors: age threshold, guardian consent, dedicated rules (PIPL Art. 31, GDPR 8)."""

    KIND = "minors"
    SINGLE = True
    kind: Literal["minors"] = "minors"
    threshold: int | U | None = None
    """The age the notice names: below it, children are kept out (`may_process = no`) or need a
    guardian's consent (`may_process = yes`). "Not for children under 13" is 13: from 13 on,
    children use the service. One age cannot hold both: "not for children under 14; from 14 to
    17 with a guardian's consent" is encoded `may_process = yes`, `threshold = 18`, and the rules
    for children under 14 then apply although the notice keeps them out (say so in a comment)."""
    may_process: Flag | U | None = None
    """Whether the service may process minors' information (not age-gated away)."""
    guardian_consent: Flag | U | None = None
    """Whether the notice makes a parent's or guardian's consent a condition of handling the
    minor's information (below `threshold`): `yes` also where it puts the asking on the minor
    ("you may only provide information with their consent"), since the condition is the
    handler's to keep; how the consent is obtained or checked is `age_verification`."""
    dedicated_rules: Flag | U | None = None
    """Whether the notice gives, or refers to, rules of its own for children's information (PIPL
    Art. 31(2) 专门的个人信息处理规则), not a few paragraphs inside the general notice."""
    age_verification: Text | U | None = None
    """How the handler establishes a user's age or the guardian's consent, in the notice's words."""
    sensitive_necessity: Text | U | None = None
    """Why handling the personal information of children under 14 is necessary: all of it is
    sensitive (PIPL Arts. 28(1), 30), so the notice owes the statement for the children's
    information as a whole, often in its dedicated children's rules."""
    sensitive_impact: Text | U | None = None
    """How handling the personal information of children under 14 affects their rights and
    interests (PIPL Art. 30)."""


@dataclass(frozen=True, kw_only=True)
class Automated(Fact):
    """Automated decision-making, profiling and personalised push or marketing (PIPL Art. 24)."""

    KIND = "automated"
    kind: Literal["automated"] = "automated"
    purposes: PurposeRefs | U | None = None
    push_or_marketing: Flag | U | None = None
    non_personalised_option: Flag | U | None = None
    opt_out: Text | U | None = None
    opt_out_covers: (
        Literal["push", "personalisation", "some_channels", "tracking_only"] | U | None
    ) = None
    """What the way to refuse (`opt_out`) turns off: the push or marketing itself wherever it is
    delivered (`push`), its personalisation while it goes on unpersonalised (`personalisation`),
    only some of its channels, or only one source of the data behind it (refusing cookies) with
    nothing said of the personalisation stopping (`tracking_only`)."""
    significant_effect: Flag | U | None = None
    """The decisions produce legal effects on the person or similarly significantly affect them
    (GDPR Art. 22(1)), or have a significant impact on their rights and interests (PIPL Art.
    24(3)); `no` where the effect is minor (which content or advertising is shown)."""
    solely_automated: Flag | U | None = None
    """The decisions are based solely on automated processing: no person with the authority to
    change the outcome weighs it before it takes effect (GDPR Art. 22(1)). `no` where a person
    reviews each decision."""
    explanation: Text | U | None = None
    logic: Text | U | None = None
    differential_pricing: Flag | U | None = None
    data: Categories | U | None = None
    """The personal information the decisions are based on (GDPR Art. 22(4))."""
    consequences: Text | U | None = None
    """The significance and envisaged consequences of the decisions for the person (GDPR Art.
    13(2)(f))."""
    decision_ground: DecisionGround | U | None = None
    """The GDPR Art. 22(2) exception a decision with significant effects rests on."""
    refuse_push: Flag | U | None = None
    """The person can refuse to receive the pushed information at all (NDSR Art. 42)."""
    tag_deletion: Flag | U | None = None
    """The person can delete the user tags describing their personal characteristics that the
    push is aimed by (NDSR Art. 42)."""


@dataclass(frozen=True, kw_only=True)
class Cookies(Fact):
    """Cookies and similar technologies."""

    KIND = "cookies"
    SINGLE = True
    kind: Literal["cookies"] = "cookies"
    used: Flag | U | None = None
    third_party: Flag | U | None = None
    consent: ConsentKind | U | None = None
    opt_out: Text | U | None = None


@dataclass(frozen=True, kw_only=True)
class Security(Fact):
    """Security measures the handler commits to (PIPL Art. 51, GDPR Art. 32)."""

    KIND = "security"
    SINGLE = True
    kind: Literal["security"] = "security"
    measures: tuple[Measure, ...] | U | None = None
    description: Text | U | None = None


@dataclass(frozen=True, kw_only=True)
class Breach(Fact):
    """Breach notification (PIPL Art. 57, GDPR Arts. 33-34)."""

    KIND = "breach"
    SINGLE = True
    kind: Literal["breach"] = "breach"
    notify_individuals: Flag | U | None = None
    """`yes`: the notice commits to telling the individuals concerned of a breach (a promise
    limited to breaches that can cause harm counts). `no`: the notice says they will not be told
    (a disclaimer). `unstated`: the notice is silent, or only says it may contact them (a
    discretion, not a commitment)."""
    notify_authority: Flag | U | None = None
    """`yes`: the notice commits to notifying the competent authorities of a breach. `no`: it says
    they will not be notified (a disclaimer). `unstated`: silent, or only a discretion."""
    channel: Text | U | None = None


@dataclass(frozen=True, kw_only=True)
class Changes(Fact):
    """How changes to the policy are notified and accepted (PIPL Arts. 14(2), 17(2))."""

    KIND = "changes"
    SINGLE = True
    kind: Literal["changes"] = "changes"
    notify: Flag | U | None = None
    channel: Text | U | None = None
    acceptance: Acceptance | U | None = None
    new_purpose: NewPurposeStep | U | None = None
    """What comes before personal information is used for a purpose the notice does not describe
    (GDPR Arts. 13(3), 14(4)); `inform_unrelated_only` where the person is told (or asked) only of
    new purposes unrelated to those described ("beyond a scope reasonably related thereto")."""


@dataclass(frozen=True, kw_only=True)
class PublicCamera(Fact):
    """Image capture or personal identity recognition equipment (cameras, face recognition)
    installed in a public place (PIPL Art. 26)."""

    KIND = "public_camera"
    kind: Literal["public_camera"] = "public_camera"
    places: Text | U | None = None
    data: Categories | U | None = None
    purposes: PurposeRefs | U | None = None
    public_security_only: Flag | U | None = None
    """The images and identity information are used only to maintain public security."""
    consent: ConsentKind | U | None = None
    """How consent is obtained to any use beyond public security."""
    signage: Flag | U | None = None
    """Prominent signs tell people that the equipment is there."""
    installed_for_public_security: Flag | U | None = None
    """The equipment is installed because maintaining public security requires it (PIPL Art. 26
    first condition); `no` where it serves the handler's business (recognising members, counting
    visitors, marketing)."""


@dataclass(frozen=True, kw_only=True)
class Merger(Fact):
    """Transfer of personal information on a merger, division or similar (PIPL Art. 22)."""

    KIND = "merger"
    SINGLE = True
    kind: Literal["merger"] = "merger"
    notify_recipient: Flag | U | None = None
    successor_bound: Flag | U | None = None


@dataclass(frozen=True, kw_only=True)
class Exception_(Fact):
    """A ground the notice gives for processing or disclosing without consent."""

    KIND = "exception"
    REQUIRED = ("ground",)
    kind: Literal["exception"] = "exception"
    ground: ExceptionGround | None = None
    open_ended: Flag | U | None = None
    """The ground is left open for the handler to decide ("other cases we deem necessary")."""


@dataclass(frozen=True, kw_only=True)
class Disclaimer(Fact):
    """A disclaimer of the handler's liability."""

    KIND = "disclaimer"
    kind: Literal["disclaimer"] = "disclaimer"
    covers: tuple[DisclaimerScope, ...] | U | None = None


@dataclass(frozen=True, kw_only=True)
class Never(Fact):
    """A promise not to do something: "we do not sell your personal information".

    Recorded so that a rule can tell a notice that promises not to from one that is silent, and
    a notice that contradicts its own promise (it also describes the practice) from one that
    keeps it. `unless` holds the exceptions the notice makes to the promise, in its words.
    """

    KIND = "never"
    kind: Literal["never"] = "never"
    practices: tuple[Practice, ...] | U | None = None
    data: Categories | U | None = None
    """The personal information the promise covers; `all` or left out: all of it."""
    unless: Text | U | None = None
    """The exceptions the notice makes ("except with your consent or as the law requires")."""


@dataclass(frozen=True, kw_only=True)
class Category(Fact):
    """A data category the policy declares (`category user.x.y {}`) or adjusts.

    A key the taxonomy lacks is declared under an existing one. A taxonomy key may be named too,
    to adjust its sensitivity for this notice alone (a fee paid by card is not a bank account):
    then `reason` is required, and every lint reports the adjustment (SENSITIVITY-ADJUSTED).
    """

    KIND = "category"
    NAME_FIELD = "key"
    kind: Literal["category"] = "category"
    key: str | None = None
    description: Text | None = None
    pipl_sensitive: Flag | None = None
    gdpr_special: Flag | None = None
    reason: Text | None = None
    """Why a taxonomy key's sensitivity (PIPL Art. 28) or special category (GDPR Art. 9(1)) is
    adjusted for this notice; required when the key is the taxonomy's own."""


@dataclass(frozen=True, kw_only=True)
class Waiver(Fact):
    """An accepted deviation: which requirement, why, who approved it, until when."""

    KIND = "waiver"
    REQUIRED = ("requirement", "reason", "approver", "expires")
    kind: Literal["waiver"] = "waiver"
    requirement: Text | None = None
    reason: Text | None = None
    approver: Text | None = None
    expires: Date | None = None


@dataclass(frozen=True, kw_only=True)
class Irrelevant(Fact):
    """Paragraphs of the notice that carry nothing a requirement looks at, with the reason."""

    KIND = "irrelevant"
    REQUIRED = ("reason",)
    kind: Literal["irrelevant"] = "irrelevant"
    reason: Text | None = None


Statement = Union[  # noqa: UP007 - a union of every kind reads best spelled out
    Document,
    Handler,
    Officer,
    Representative,
    Purpose,
    Collection,
    Consent,
    Recipient,
    Sharing,
    Disclosure,
    Transfer,
    Storage,
    Right,
    Minors,
    Automated,
    Cookies,
    Security,
    Breach,
    Changes,
    PublicCamera,
    Merger,
    Exception_,
    Disclaimer,
    Never,
    Category,
    Waiver,
    Irrelevant,
]
"""Any statement; each kind's `kind` field tells them apart."""

FACT_KINDS: tuple[type[Fact], ...] = get_args(Statement)
"""Every statement kind, in the order of `Statement`."""
KIND_MODELS: dict[str, type[Fact]] = {model.KIND: model for model in FACT_KINDS}


@dataclass(frozen=True)
class Policy:
    """One encoded notice: its header and every statement, in file order."""

    path: str
    document: Document
    statements: tuple[Statement, ...]

    @cached_property
    def _by_kind(self) -> dict[str, tuple[Fact, ...]]:
        index: dict[str, list[Fact]] = {}
        for s in self.statements:
            index.setdefault(s.KIND, []).append(s)
        return {kind: tuple(facts) for kind, facts in index.items()}

    @cached_property
    def _by_name(self) -> dict[tuple[str, str], Fact]:
        return {(s.KIND, s.name): s for s in reversed(self.statements) if s.name is not None}

    def of_kind(self, kind: str) -> tuple[Fact, ...]:
        return self._by_kind.get(kind, ())

    def named(self, kind: str, name: str) -> Fact | None:
        return self._by_name.get((kind, name))


def fact_fields(fact: Fact) -> tuple[str, ...]:
    """The names of a fact's fields, in declaration order (the common ones first)."""
    return _FIELD_NAMES[type(fact)]


# --- Field shapes: the one description of each field that the builder and rules both use ------

FIXED_FIELDS = frozenset({"kind", "name", "span", "cites", "spans"})


@dataclass(frozen=True)
class Shape:
    """What one field accepts: `scalar` is text, flag, int, date, enum, category or ref."""

    scalar: str
    many: bool
    choices: tuple[str, ...] = ()
    ref: str | None = None
    unstated_ok: bool = False
    all_ok: bool = False
    one_or_many: bool = False
    """`many`, and one value is kept as one value (`OneOrMany`)."""


def _shape(annotation: Any) -> Shape:
    metadata: list[Any] = []
    if get_origin(annotation) is Annotated:
        annotation, *metadata = get_args(annotation)
    options = get_args(annotation) if get_origin(annotation) in (Union, types.UnionType) else ()
    options = options or (annotation,)
    unstated_ok = Unstated in options
    all_ok = False
    core: list[Any] = []
    for option in options:
        if option in (Unstated, type(None)):
            continue
        if get_origin(option) is Annotated:
            option, *more = get_args(option)
            metadata.extend(more)
        if get_origin(option) in (Union, types.UnionType):
            core.extend(get_args(option))
        else:
            core.append(option)
    many = False
    choices: tuple[str, ...] = ()
    scalar = "text"
    ref = None
    for option in core:
        if get_origin(option) is Literal and get_args(option) == ("all",):
            all_ok = True
            continue
        if get_origin(option) is tuple:
            many = True
            option = get_args(option)[0]
        if get_origin(option) is Literal:
            scalar, choices = "enum", tuple(str(a) for a in get_args(option))
        elif option is bool:
            scalar = "flag"
        elif option is int:
            scalar = "int"
        elif option is datetime.date:
            scalar = "date"
    one_or_many = False
    for meta in metadata:
        if isinstance(meta, RefTo):
            scalar, ref = "ref", meta.kind
        elif isinstance(meta, CategoryKeys):
            scalar = "category"
        elif isinstance(meta, OneOrMany):
            one_or_many = many = True
    return Shape(scalar, many, choices, ref, unstated_ok, all_ok, one_or_many)


def _build_shapes() -> dict[str, dict[str, Shape]]:
    # This module does not postpone the evaluation of annotations, so each field's type is the
    # type itself: resolving annotation strings (typing.get_type_hints) was a tenth of a lint's
    # start-up.
    return {
        model.KIND: {f.name: _shape(f.type) for f in fields(model) if f.name not in FIXED_FIELDS}
        for model in FACT_KINDS
    }


_FIELD_NAMES: dict[type[Fact], tuple[str, ...]] = {
    model: tuple(f.name for f in fields(model)) for model in FACT_KINDS
}
SHAPES: dict[str, dict[str, Shape]] = _build_shapes()
"""kind -> field -> shape, computed once from the models above."""
