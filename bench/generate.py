"""Synthetic corpora for the benchmarks: privacy notices and their `.policy` encodings.

    python bench/generate.py N [--seed S] [--out DIR] [--policy-kb 5:20] [--no-verify]

writes `DIR/doc_0000.policy` ... and, beside them, `DIR/sources/doc_0000.txt`: for each document a
notice (English prose in numbered sections, as the real notices in policies/sources/ are) and its
encoding, in the layout legal engineers use in policies/ (a heading comment per section, aligned
fields, judgement comments, every field given a value or `unstated`, every fact citing the notice).

Every quote is a run of words of a sentence written into that notice, so quote anchoring runs on
every citation and finds each one. The notice is typeset the way real ones are - curly quotes and
apostrophes, em dashes, non-breaking spaces, hard-wrapped lines in some documents - so matching
goes through the normalisation the checker promises (docs/language.md, checker/notice/anchoring.py).

Every statement kind of docs/language.md occurs: the single blocks in every document (the encoding
rules ask for them even where the notice is silent), the repeatable kinds in a rotation that puts
each kind into at least one of any four consecutive documents. Sizes are drawn per document:
policies of 5-20 KB (`--policy-kb`) and notices of 6-22 KB, the range of policies/sources/.

Output depends only on N, the seed and the size range: document i is generated from its own
random stream, so the first N documents of a larger corpus are the N documents of a smaller one.
Unless `--no-verify`, the corpus is then linted (`python -m checker lint`) and an exit code other
than 0 or 1 fails the run: findings are expected, input errors are not.
"""

from __future__ import annotations

import argparse
import datetime
import random
import subprocess
import sys
import textwrap
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, get_args

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
from checker.language.facts import RightKind  # the vocabulary itself, not a copy of it

NOTICE_KB = (6, 22)
POLICY_KB = (5, 20)

# --- Vocabulary ------------------------------------------------------------------------------

# (Fides key, how a notice names it, sensitive in the sense of PIPL Art. 28 / GDPR Art. 9)
DATA: list[tuple[str, str, bool]] = [
    ("user.name", "name", False),
    ("user.contact.email", "email address", False),
    ("user.contact.phone_number", "mobile phone number", False),
    ("user.contact.address", "delivery address", False),
    ("user.contact.address.postal_code", "postal code", False),
    ("user.demographic.date_of_birth", "date of birth", False),
    ("user.demographic.gender", "gender", False),
    ("user.demographic.language", "preferred language", False),
    ("user.account.username", "nickname", False),
    ("user.authorization.password", "password", False),
    ("user.government_id.national_identification_number", "ID card number", True),
    ("user.government_id.passport_number", "passport number", True),
    ("user.financial.bank_account", "bank account number", True),
    ("user.financial.credit_card", "bank card details", True),
    ("user.payment", "payment records", False),
    ("user.behavior.purchase_history", "order history", False),
    ("user.behavior.browsing_history", "browsing records", False),
    ("user.behavior.search_history", "search history", False),
    ("user.device.ip_address", "IP address", False),
    ("user.device.device_id", "device identifiers such as IMEI, Android ID and IDFA", False),
    ("user.device.cookie_id", "cookie identifiers", False),
    ("user.location.precise", "precise location", True),
    ("user.location.imprecise", "approximate location", False),
    ("user.biometric.fingerprint", "fingerprint", True),
    ("user.health_and_medical", "health information", True),
    ("user.content.private", "messages you send", False),
    ("user.content.self_image", "profile photo", False),
    ("user.content.public", "reviews and comments you publish", False),
    ("user.telemetry", "crash logs and performance data", False),
    ("user.job_title", "job title", False),
    ("user.workplace", "employer", False),
]

# Project-declared categories (`category` blocks): key under an existing Fides key, description.
EXTENSIONS: list[tuple[str, str, str, bool, bool]] = [
    ("user.content.private.chat_records", "chat records", "chats with sellers", True, False),
    ("user.financial.credit_score", "credit score", "credit assessment results", True, False),
    ("user.location.precise.trajectory", "travel trajectory", "routes travelled", True, False),
    ("user.biometric.face_image", "face image", "facial images for identity checks", True, True),
    ("user.content.private.voice_messages", "voice messages", "voice messages", False, False),
]

# (name, how the notice words it, category, necessary for the service)
PURPOSES: list[tuple[str, str, str, bool]] = [
    ("account", "create and manage your account", "service", True),
    ("orders", "process and deliver your orders", "service", True),
    ("payment", "complete payments and refunds", "service", True),
    ("support", "answer your questions and complaints", "service", True),
    ("security", "keep your account secure and prevent fraud", "security", True),
    (
        "legal",
        "comply with laws, regulations and requests of competent authorities",
        "legal_compliance",
        True,
    ),
    ("marketing", "send you offers, coupons and promotional messages", "marketing", False),
    (
        "recommendation",
        "recommend products and content that may interest you",
        "personalisation",
        False,
    ),
    ("analytics", "understand how our services are used and improve them", "analytics", False),
    ("research", "carry out statistical research on user preferences", "research", False),
    ("identity", "verify your real identity as required by law", "legal_compliance", True),
    ("location_services", "show you nearby stores and delivery options", "service", False),
]

TRIGGERS = [
    "register an account",
    "place an order",
    "contact our customer service",
    "take part in a promotion or lottery",
    "verify your identity",
    "pay for an order",
    "upload a profile photo or publish a review",
    "use location-based features",
    "sign in with a third-party account",
    "apply for an invoice",
    "subscribe to our newsletter",
    "join our membership programme",
]

SYLLABLES = [
    "ya",
    "lin",
    "shu",
    "tech",
    "bao",
    "mei",
    "xin",
    "net",
    "hua",
    "zhi",
    "kang",
    "ro",
    "vel",
    "tor",
    "qi",
    "an",
    "lu",
    "mo",
    "sen",
    "da",
]
SUFFIXES = [
    "Technology Co., Ltd.",
    "Information Technology Co., Ltd.",
    "Network Co., Ltd.",
    "Ltd.",
    "GmbH",
    "Inc.",
    "B.V.",
    "Pte. Ltd.",
    "S.A.S.",
]
CITIES = [
    ("Shanghai", "cn"),
    ("Hangzhou", "cn"),
    ("Shenzhen", "cn"),
    ("Beijing", "cn"),
    ("Dublin", "eu"),
    ("Amsterdam", "eu"),
    ("Berlin", "eu"),
    ("Singapore", "sg"),
    ("Hong Kong", "hk"),
    ("London", "uk"),
    ("San Jose", "us"),
]
RIGHTS = list(get_args(RightKind))  # every right the language knows
RIGHT_WORDS = {
    "know": "know how we process your personal information",
    "access": "access the personal information we hold about you",
    "copy": "obtain a copy of your personal information",
    "portability": "ask us to transfer your personal information to another service provider",
    "correct": "correct or complete inaccurate personal information",
    "delete": "ask us to delete your personal information",
    "restrict": "restrict our processing of your personal information",
    "object": "object to processing based on our legitimate interests",
    "object_marketing": "object at any time to the use of your data for direct marketing",
    "withdraw": "withdraw your consent at any time",
    "explain": "ask us to explain the rules by which we process your personal information",
    "account_cancellation": "cancel your account",
    "complain": "lodge a complaint with the competent data protection authority",
    "not_automated": "refuse decisions made solely by automated means",
}
CHANNELS = [
    "Settings > Privacy in the app",
    "the Help Centre page of our website",
    "an email to {email}",
    "our customer service hotline {phone}",
    "the online form at {url}/privacy-request",
    "My Account > Personal Information",
]
GROUNDS = [
    ("national_security", "where it is directly related to national security or national defence"),
    (
        "public_interest",
        "where it is directly related to public safety, public health or major public interests",
    ),
    (
        "criminal_investigation",
        "where it is directly related to criminal investigation, "
        "prosecution, trial or the enforcement of judgments",
    ),
    (
        "emergency",
        "where it is necessary to protect your life, health or property or that of "
        "others in an emergency",
    ),
    (
        "public_info",
        "where the personal information has been disclosed to the public by you or "
        "lawfully made public",
    ),
    ("news_reporting", "where it is necessary for news reporting in the public interest"),
    ("contract", "where it is necessary to conclude or perform a contract at your request"),
    ("legal_duty", "where it is necessary to fulfil our legal duties or obligations"),
    ("litigation", "where it is directly related to litigation or arbitration"),
    ("other", "in other circumstances provided for by laws and regulations"),
]
MEASURES = [
    ("encryption", "SSL/TLS encryption"),
    ("access_control", "strict access controls"),
    ("de_identification", "de-identification"),
    ("backup", "off-site backups"),
    ("audit", "regular security audits"),
    ("training", "staff privacy training"),
    ("incident_response", "an incident response plan"),
    ("certification", "ISO/IEC 27001 certification"),
    ("network_security", "firewalls and intrusion detection"),
]
FILLER = [
    "Please read this Privacy Policy carefully before using our services, in particular the "
    "terms marked in bold, which may significantly affect your rights and interests.",
    "This Privacy Policy explains how {company} collects, uses, stores, shares and protects "
    "your personal information when you use {brand}.",
    "The terms 'we', 'us' and 'our' in this policy refer to {company} and its affiliates.",
    "Personal information means any information recorded electronically or by other means that "
    "relates to an identified or identifiable natural person, excluding anonymised information.",
    "Where this policy is translated into other languages, the Chinese version prevails in case "
    "of any inconsistency.",
    "Links to third-party websites are provided for your convenience only - we do not control "
    "those websites and are not responsible for their content or privacy practices.",
    "For the purposes of this policy, 'affiliates' means companies that control, are controlled "
    "by, or are under common control with {company}.",
]
# Boilerplate that pads a notice to its size: an opener and a clause, never twice in a notice.
OPENERS = [
    "",
    "In addition, ",
    "Please note that ",
    "For the avoidance of doubt, ",
    "In particular, ",
    "As a general rule, ",
    "Where applicable, ",
    "To be clear, ",
    "Unless otherwise stated, ",
    "Within the scope permitted by law, ",
]
CLAUSES = [
    "we will not collect personal information that is unrelated to the services you use",
    "the examples given in this section are not exhaustive and depend on the features you use",
    "we regularly review our information practices to make sure that they remain appropriate",
    "you can find the latest version of this policy on our website and on the 'About' page",
    "when we use your information for a purpose not described here, we will ask you first",
    "some features of {brand} are provided by third parties whose own privacy policies apply",
    "we understand the importance of personal information to you and will do our best to "
    "protect it",
    "we follow the principles of lawfulness, legitimacy, necessity and good faith",
    "anonymised information that can no longer identify you is not personal information",
    "information you choose to make public may be seen, collected and used by others",
    "our employees are bound by confidentiality obligations and receive regular training",
    "we only keep information in a form that identifies you for as long as we need to",
    "you are responsible for keeping your account name and password confidential",
    "the services of {brand} are provided in accordance with the laws of the place of operation",
    "we may combine information collected through different services to provide a consistent "
    "experience",
    "we will tell you in advance if a feature requires information beyond what this policy "
    "describes",
    "statistical reports we publish contain only aggregated information that cannot identify you",
    "the permissions an app feature needs are requested only when you first use that feature",
    "you can change system permissions at any time in the settings of your device",
    "turning off a permission means we stop collecting the related information from then on",
    "we review the security practices of our partners before we work with them",
    "our partners are required to process information only as instructed and to keep it "
    "confidential",
    "headings in this policy are for convenience only and do not affect its interpretation",
    "if any part of this policy is held invalid, the remaining parts remain in force",
    "this policy forms part of the User Agreement of {brand}",
    "we may send you service notices that you cannot opt out of, such as security alerts",
    "you can unsubscribe from marketing emails by clicking the link at the bottom of each email",
    "text messages used for verification are sent only to the number you have provided",
    "information about your use of customer service may be recorded to improve our answers",
    "we use automated tools to detect spam, abuse and violations of our rules",
]
# Clauses about one kind of data ({data}) and one purpose ({purpose}), for variety.
DATA_CLAUSES = [
    "your {data} is only accessible to staff who need it to {purpose}",
    "we do not sell your {data} to anyone",
    "you may update your {data} at any time in your account settings",
    "we will ask for your {data} only when it is needed to {purpose}",
    "if you use {brand} as a guest, we do not ask for your {data}",
    "your {data} is deleted when you cancel your account, unless the law requires otherwise",
]
JUDGEMENTS = [
    '# Judgement: "may ask you to provide" read as required for this feature.',
    "# The notice gives no period; `unstated` rather than a guess.",
    "# Read with the preamble, which attaches the general purpose to all collection.",
    '# Open list ("including but not limited to"); only the items named are encoded.',
    "# Reading chosen: the sentence names the recipient class only, not an entity.",
    '# The notice speaks of "partners" without saying whether they are processors.',
]


# --- Small helpers ---------------------------------------------------------------------------


class S(str):
    """A value written as a quoted string (plain `str` values are written as bare names)."""


Value = Any  # S | str (name) | bool | int | datetime.date | list[...]


def escape(text: str) -> str:
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"') + '"'


def render_value(value: Value) -> str:
    if isinstance(value, S):
        return escape(value)
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, int | str):
        return str(value)
    if isinstance(value, datetime.date):
        return value.isoformat()
    return "[" + ", ".join(render_value(v) for v in value) + "]"


UNSTATED = "unstated"
UNCITED = ("document", "category", "waiver")


@dataclass
class Section:
    number: int
    heading: str
    paragraphs: list[list[str]] = field(default_factory=list)

    def label(self) -> str:
        return f"{self.number}.{len(self.paragraphs)}"


@dataclass
class Plan:
    """How rich a document is: the optional kinds it has and how many of the repeatable ones."""

    optional: set[str]
    richness: int

    def count(self, kind: str) -> int:
        r = self.richness
        counts = {
            "purpose": 2 + r // 2,
            "collection": 1 + r,
            "right": 1 + r,
            "recipient": 1 + r // 3,
            "transfer": 1 + r // 5,
            "exception": 1 + r // 3,
            "consent": 1 + r // 5,
            "automated": 1 + r // 7,
            "storage": 1 + r // 6,
            "disclaimer": 1 + r // 8,
            "category": 1 + r // 8,
            "waiver": 1 + r // 9,
        }
        return counts.get(kind, 1)


OPTIONAL_KINDS = [
    "officer",
    "representative",
    "consent",
    "recipient",
    "disclosure",
    "transfer",
    "storage",
    "automated",
    "exception",
    "disclaimer",
    "category",
    "waiver",
    "irrelevant",
]


# --- One document ----------------------------------------------------------------------------


class Writer:
    """Writes one notice and its encoding side by side, so every citation has its sentence."""

    def __init__(self, seed: str, plan: Plan) -> None:
        self.rng = random.Random(seed)
        self.plan = plan
        self.sections: list[Section] = []
        self.out: list[str] = []
        rng = self.rng
        stem = "".join(rng.choice(SYLLABLES) for _ in range(rng.randint(2, 3))).capitalize()
        self.brand = stem
        self.city, self.region = rng.choice(CITIES)
        suffix = rng.choice(SUFFIXES)
        self.company = f"{self.city} {stem} {suffix}" if rng.random() < 0.5 else f"{stem} {suffix}"
        self.domain = stem.lower() + rng.choice([".com", ".cn", ".eu", ".net"])
        self.email = f"privacy@{self.domain}"
        digits = [rng.randint(100, 999), rng.randint(1000, 9999), rng.randint(1000, 9999)]
        self.phone = f"+{rng.choice([86, 49, 353, 65])} " + " ".join(map(str, digits))
        self.url = f"https://www.{self.domain}"
        self.jurisdictions = rng.choice(
            [["cn"], ["cn"], ["eu"], ["cn", "eu"], ["eu", "uk"], ["cn", "hk"], ["cn", "eu", "us"]]
        )
        self.typographic = rng.random() < 0.8
        self.wrap = rng.choice([0, 0, 72, 90, 100])
        self.purposes: list[tuple[str, str, str, bool]] = []
        self.recipients: list[str] = []
        self.extensions: list[tuple[str, str, str, bool, bool]] = []
        self.unused: list[str] = []

    # Notice side ------------------------------------------------------------------------------

    def section(self, heading: str) -> Section:
        sec = Section(len(self.sections) + 1, heading)
        self.sections.append(sec)
        self.out.append(f"\n# §{sec.number} — {heading}\n")
        return sec

    def say(self, sentence: str, new_paragraph: bool = True) -> tuple[str, str]:
        """Add a sentence to the current section; return its clause label and the sentence."""
        sec = self.sections[-1]
        sentence = sentence.format(
            company=self.company, brand=self.brand, email=self.email, phone=self.phone, url=self.url
        )
        sentence = (sentence[0].upper() + sentence[1:]).replace("..", ".")
        if new_paragraph or not sec.paragraphs:
            sec.paragraphs.append([])
        sec.paragraphs[-1].append(sentence)
        return sec.label(), sentence

    def filler(self) -> str:
        """A sentence of boilerplate, its clause not yet used in this notice (never cited)."""
        if not self.unused:
            self.unused = list(CLAUSES) + [
                c.replace("{data}", w).replace("{purpose}", self.rng.choice(PURPOSES)[1])
                for c in DATA_CLAUSES
                for _, w, _ in DATA
            ]
            self.rng.shuffle(self.unused)
        text = self.rng.choice(OPENERS) + self.unused.pop() + "."
        text = text.format(company=self.company, brand=self.brand)
        return text[0].upper() + text[1:]

    def quote(self, sentence: str) -> str:
        """A verbatim piece of the sentence, 6-28 words, as an encoder copies one.

        Encoders copy whole sentences or whole clauses; a run of clauses is preferred, a bare
        window of words is the fallback for long clauses.
        """
        words = sentence.split(" ")
        if len(words) <= 28 and self.rng.random() < 0.5:
            return sentence
        ends = [i + 1 for i, w in enumerate(words) if w.endswith((",", ";", ":", "."))]
        ends = sorted(set(ends) | {len(words)})
        starts = [0] + [e for e in ends if e < len(words)]
        runs = [(a, b) for a in starts for b in ends if 6 <= b - a <= 28]
        if runs:
            a, b = self.rng.choice(runs)
        else:
            width = self.rng.randint(min(6, len(words)), min(28, len(words)))
            a = self.rng.randint(0, len(words) - width)
            b = a + width
        return " ".join(words[a:b]).rstrip(",;:")

    def cite(self, label_sentence: tuple[str, str]) -> tuple[str, str]:
        label, sentence = label_sentence
        return label, self.quote(sentence)

    # Policy side ------------------------------------------------------------------------------

    def block(
        self,
        kind: str,
        name: str | None,
        fields: list[tuple[str, Value]],
        cites: list[tuple[str, str]],
        comment: str | None = None,
    ) -> None:
        rng = self.rng
        lines = []
        if comment:
            lines.append(comment)
        lines.append(f"{kind} {name} {{" if name else f"{kind} {{")
        width = max((len(k) for k, _ in fields), default=0)
        for key, value in fields:
            if kind not in UNCITED and rng.random() < 0.06:
                lines.append("  " + rng.choice(JUDGEMENTS))
            text = render_value(value)
            if isinstance(value, list) and len(text) > 70:
                items = "".join(f"    {render_value(v)},\n" for v in value)
                text = "[\n" + items + "  ]"
            trailing = "  # as worded in the notice" if rng.random() < 0.03 else ""
            lines.append(f"  {key.ljust(width)} = {text}{trailing}")
        for label, quote in cites:
            lines.append(f"  cite {escape(label)} {escape(quote)}")
        lines.append("}")
        self.out.append("\n".join(lines) + "\n\n")

    def maybe(self, value: Value, p: float = 0.8) -> Value:
        """The value, or `unstated` (the notice is silent) with probability 1 - p."""
        return value if self.rng.random() < p else UNSTATED

    def has(self, kind: str) -> bool:
        return kind in self.plan.optional

    # The notice, section by section -----------------------------------------------------------

    def write(self) -> None:
        rng = self.rng
        self.header()
        self.section("Introduction")
        for sentence in rng.sample(FILLER, rng.randint(1, 3)):
            self.say(sentence)
        self.who_we_are()
        self.collection_and_use()
        if self.has("consent"):
            self.consents()
        self.sharing()
        self.storage_and_transfer()
        self.rights()
        self.minors()
        self.cookies()
        self.security()
        self.changes()
        if self.has("waiver"):
            self.waivers()
        if self.has("irrelevant"):
            self.irrelevant()

    def header(self) -> None:
        rng = self.rng
        effective = datetime.date(2019, 1, 1) + datetime.timedelta(days=rng.randint(0, 1800))
        self.effective = effective
        self.out.append(
            f"# {self.brand} Privacy Policy, encoded for the benchmarks "
            "(synthetic notice).\n#\n# Encoding decisions that apply throughout:\n"
            "# - fields the notice is silent on are `unstated`;\n"
            "# - consent wording is read as in the notice, not as a compliant "
            "notice would put it.\n"
        )
        self.block(
            "document",
            None,
            [
                ("title", S(f"{self.brand} Privacy Policy")),
                ("source", S("sources/{stem}.txt")),  # filled in by the caller
                ("language", "en"),
                ("version", self.maybe(S(f"V{rng.randint(1, 9)}.{rng.randint(0, 9)}"), 0.6)),
                ("effective", self.maybe(effective, 0.7)),
                (
                    "updated",
                    self.maybe(effective + datetime.timedelta(days=rng.randint(0, 300)), 0.5),
                ),
                ("jurisdictions", list(self.jurisdictions)),
                ("url", self.maybe(S(self.url + "/privacy"), 0.5)),
            ],
            [],
        )

    def who_we_are(self) -> None:
        rng = self.rng
        self.section("Who We Are")
        named = rng.random() < 0.85
        street = rng.choice(["Century", "Binjiang", "Harbour", "Garden"])
        address = f"No. {rng.randint(1, 999)} {street} Avenue, {self.city}"
        s1 = (
            self.say(
                f'{{brand}} is operated by {{company}}, registered at {address} ("we" or "us").'
            )
            if named
            else None
        )
        s2 = self.say("You can contact us at {email} or by calling {phone}.", new_paragraph=False)
        fields: list[tuple[str, Value]] = [
            ("legal_name", S(self.company) if named else UNSTATED),
            ("contact", [S(self.email), S(self.phone)]),
            ("address", S(address) if named else UNSTATED),
            ("established_in", self.region if named and rng.random() < 0.7 else UNSTATED),
            ("platform_service", True),
        ]
        cites = ([self.cite(s1)] if s1 else []) + [self.cite(s2)]
        self.block("handler", None, fields, cites, comment=rng.choice([None, JUDGEMENTS[4]]))
        if self.has("officer"):
            role = "dpo" if "eu" in self.jurisdictions else "pi_protection_officer"
            words = (
                "data protection officer"
                if role == "dpo"
                else "personal information protection officer"
            )
            person = rng.choice(["Ms. Li Na", "Mr. Jan de Vries", "Dr. Chen Wei", None])
            s = self.say(
                f"We have appointed a {words}{f', {person},' if person else ''} who can "
                "be reached at dpo@" + self.domain + "."
            )
            self.block(
                "officer",
                role,
                [
                    ("person", S(person) if person else UNSTATED),
                    ("contact", S("dpo@" + self.domain)),
                ],
                [self.cite(s)],
            )
        if self.has("representative"):
            region = "eu" if "cn" in self.jurisdictions else "cn"
            where = "the European Union" if region == "eu" else "mainland China"
            rep = f"{self.brand} {'Europe B.V.' if region == 'eu' else '(Shanghai) Co., Ltd.'}"
            s = self.say(
                f"Our representative in {where} is {rep}, which you may contact at "
                f"rep@{self.domain} on all matters relating to your personal information."
            )
            self.block(
                "representative",
                region,
                [
                    ("legal_name", S(rep)),
                    ("contact", self.maybe(S(f"rep@{self.domain}"))),
                ],
                [self.cite(s)],
            )

    def collection_and_use(self) -> None:
        rng = self.rng
        self.section("How We Use Your Information")
        chosen = rng.sample(PURPOSES, min(len(PURPOSES), self.plan.count("purpose")))
        self.purposes = chosen
        for name, words, category, necessary in chosen:
            s = self.say(
                f"We use your personal information to {words}.", new_paragraph=rng.random() < 0.6
            )
            self.block(
                "purpose",
                name,
                [
                    ("description", S(words)),
                    ("category", self.maybe(category, 0.9)),
                    ("necessary", self.maybe(necessary, 0.75)),
                ],
                [self.cite(s)],
            )
        self.section("Information We Collect")
        if self.has("category"):
            for key, words, description, pipl, gdpr in rng.sample(
                EXTENSIONS, min(len(EXTENSIONS), self.plan.count("category"))
            ):
                self.extensions.append((key, words, description, pipl, gdpr))
                self.block(
                    "category",
                    key,
                    [
                        ("description", S(description)),
                        ("pipl_sensitive", pipl),
                        ("gdpr_special", gdpr),
                    ],
                    [],
                    comment="# Declared here: the taxonomy has no key for " + words + ".",
                )
        pool = DATA + [(k, w, p) for k, w, _, p, _ in self.extensions]
        for index in range(self.plan.count("collection")):
            self.collection(index, pool)
        if self.has("automated"):
            for index in range(self.plan.count("automated")):
                self.automated(index)

    def collection(self, index: int, pool: list[tuple[str, str, bool]]) -> None:
        rng = self.rng
        items = rng.sample(pool, rng.randint(1, 5))
        if index == 0 and self.extensions:
            items[0] = next(d for d in pool if d[0] == self.extensions[0][0])
        keys = list(dict.fromkeys(k for k, _, _ in items))
        words = (
            ", ".join(w for _, w, _ in items[:-1])
            + (" and " if len(items) > 1 else "")
            + items[-1][1]
        )
        trigger = rng.choice(TRIGGERS)
        purposes = rng.sample(self.purposes, rng.randint(1, min(2, len(self.purposes))))
        pwords = " and to ".join(p[1] for p in purposes)
        source = rng.choice(["data_subject", "data_subject", "automatic", "third_party", "sdk"])
        if source == "data_subject":
            s1 = self.say(f"When you {trigger}, we will collect your {words} in order to {pwords}.")
            method = f"you provide it when you {trigger}"
        elif source == "automatic":
            s1 = self.say(
                f"When you use {{brand}}, we automatically collect your {words} through "
                f"server logs, in order to {pwords}."
            )
            method = "automatically, through server logs"
        elif source == "third_party":
            s1 = self.say(
                f"With your authorisation, our partners may share your {words} with us "
                f"when you {trigger}, so that we can {pwords}."
            )
            method = f"received from partners when you {trigger}"
        else:
            s1 = self.say(
                f"Third-party SDKs embedded in the app may collect your {words} when "
                f"you {trigger}, in order to {pwords}."
            )
            method = "collected by SDKs embedded in the app"
        cites = [self.cite(s1)]
        required = rng.random() < 0.6
        consequence: Value = UNSTATED
        if_refused: Value = UNSTATED
        if rng.random() < 0.6:
            if required:
                s = self.say(
                    f"If you refuse to provide this information, you will not be able to "
                    f"{trigger}, but this will not affect your use of other features.",
                    new_paragraph=False,
                )
                consequence, if_refused = (
                    S(f"you will not be able to {trigger}"),
                    "feature_unavailable",
                )
            else:
                s = self.say(
                    "Providing this information is optional, and refusing will not "
                    "affect your use of our basic services.",
                    new_paragraph=False,
                )
                consequence, if_refused = S("no effect on basic services"), "no_effect"
            cites.append(self.cite(s))
        retention: Value = UNSTATED
        basis: Value = UNSTATED
        expiry: Value = UNSTATED
        if rng.random() < 0.5:
            days = rng.choice([30, 90, 180, 365, 730, 1095])
            if rng.random() < 0.5:
                s = self.say(
                    f"We keep this information for {days} days after your last use of "
                    f"the relevant service, after which we delete or anonymise it.",
                    new_paragraph=False,
                )
                retention, basis = (
                    S(f"{days} days after the last use of the service"),
                    "fixed_period",
                )
                expiry = ["delete", "anonymise"]
            else:
                s = self.say(
                    "We retain this information only for as long as necessary to achieve "
                    "the purposes described above, unless a longer period is required "
                    "by law.",
                    new_paragraph=False,
                )
                retention, basis = (
                    S("as long as necessary for the purposes"),
                    "as_long_as_necessary",
                )
            cites.append(self.cite(s))
        sensitive = [w for _, w, sens in items if sens]
        necessity: Value = UNSTATED
        impact: Value = UNSTATED
        if sensitive and rng.random() < 0.7:
            s = self.say(
                f"Your {sensitive[0]} is sensitive personal information: we process it "
                f"only because it is necessary to {purposes[0][1]}, and its leakage "
                "could harm your dignity or the safety of your property.",
                new_paragraph=False,
            )
            necessity = S(f"necessary to {purposes[0][1]}")
            impact = S("leakage could harm dignity or the safety of property")
            cites.append(self.cite(s))
        gdpr: Value = UNSTATED
        interest: Value = UNSTATED
        if any(j in self.jurisdictions for j in ("eu", "uk")):
            choice = rng.choice(["contract", "consent", "legitimate_interests", "legal_obligation"])
            wording = {
                "contract": "necessary for the performance of our contract with you",
                "consent": "based on your consent",
                "legitimate_interests": "necessary for our legitimate interests in running a "
                "secure and efficient service",
                "legal_obligation": "necessary to comply with a legal obligation to which we are "
                "subject",
            }[choice]
            s = self.say(f"This processing is {wording}.", new_paragraph=False)
            cites.append(self.cite(s))
            gdpr = [choice]
            if choice == "legitimate_interests":
                interest = S("running a secure and efficient service")
        pipl: Value = UNSTATED
        if "cn" in self.jurisdictions and rng.random() < 0.4:
            pipl = [rng.choice(["consent", "contract", "legal_duty"])]
        consent = rng.choice(["explicit", "separate", "bundled", "deemed_by_use", "unspecified"])
        name = f"{trigger.split(' ')[0]}_{purposes[0][0]}_{index}"
        self.block(
            "collection",
            name,
            [
                ("data", keys),
                ("source", [source]),
                ("method", S(method)),
                ("purposes", [p[0] for p in purposes]),
                ("basis_pipl", pipl),
                ("basis_gdpr", gdpr),
                ("special_condition", UNSTATED),
                ("legitimate_interest", interest),
                ("consent", self.maybe(consent, 0.8)),
                ("required", self.maybe(required, 0.8)),
                ("consequence", consequence),
                ("if_refused", if_refused),
                ("retention", retention),
                ("retention_basis", basis),
                ("on_expiry", expiry),
                ("sensitive_necessity", necessity),
                ("sensitive_impact", impact),
            ],
            cites,
        )

    def automated(self, index: int) -> None:
        s1 = self.say(
            "We analyse your browsing and order history to build a profile of your "
            "preferences and show you personalised recommendations and advertising."
        )
        s2 = self.say(
            "If you do not want personalised content, you can turn off personalised "
            "recommendations under Settings > Privacy > Personalisation.",
            new_paragraph=False,
        )
        marketing = [p[0] for p in self.purposes if p[2] in ("personalisation", "marketing")]
        self.block(
            "automated",
            f"recommendations_{index}",
            [
                ("purposes", marketing or UNSTATED),
                ("push_or_marketing", True),
                ("non_personalised_option", True),
                ("opt_out", S("Settings > Privacy > Personalisation")),
                ("opt_out_covers", "push"),
                ("significant_effect", self.maybe(False, 0.5)),
                ("solely_automated", UNSTATED),
                ("explanation", UNSTATED),
                ("logic", self.maybe(S("profile built from browsing and order history"), 0.6)),
                ("differential_pricing", self.maybe(False, 0.3)),
                ("refuse_push", UNSTATED),
                ("tag_deletion", UNSTATED),
            ],
            [self.cite(s1), self.cite(s2)],
        )

    def consents(self) -> None:
        rng = self.rng
        self.section("Your Consent")
        forms = [
            (
                "bundled",
                'By clicking "Agree" on the registration page, you accept all the terms '
                "of this Privacy Policy and of our User Agreement.",
            ),
            (
                "deemed_by_use",
                "By continuing to use {brand} after reading this policy, you agree "
                "to the collection and use of your information as described in it.",
            ),
            (
                "deemed_by_silence",
                "If we do not receive any objection from you within seven days "
                "of a notice, you shall be deemed to have agreed to the processing described.",
            ),
            (
                "explicit",
                "Before we process your information for a new purpose, we will ask for "
                "your explicit consent through a pop-up window in the app.",
            ),
            (
                "separate",
                "Before we process sensitive personal information or provide your "
                "information to others, we will obtain your separate consent.",
            ),
        ]
        for index in range(self.plan.count("consent")):
            mechanism, sentence = rng.choice(forms)
            s1 = self.say(sentence)
            s2 = self.say(
                "You can withdraw your consent at any time under Settings > Privacy > "
                "Permissions; withdrawal does not affect processing carried out before "
                "it.",
                new_paragraph=False,
            )
            self.block(
                "consent",
                f"{mechanism}_{index}",
                [
                    ("mechanism", mechanism),
                    ("covers", self.maybe(S("the processing described in this policy"))),
                    ("withdrawal", S("Settings > Privacy > Permissions")),
                    ("if_refused", self.maybe("feature_unavailable", 0.5)),
                    ("refusal_consequence", UNSTATED),
                ],
                [self.cite(s1), self.cite(s2)],
            )

    def sharing(self) -> None:
        rng = self.rng
        self.section("How We Share Your Information")
        self.say(self.filler())
        if self.has("recipient"):
            for index in range(self.plan.count("recipient")):
                role = rng.choice(
                    ["processor", "handler", "affiliate", "sdk_provider", "processor"]
                )
                partner = "".join(rng.choice(SYLLABLES) for _ in range(2)).capitalize()
                partner_name = f"{partner} {rng.choice(SUFFIXES)}"
                what = {
                    "processor": "which processes payments on our behalf",
                    "handler": "which provides logistics services as an independent handler",
                    "affiliate": "one of our affiliated companies",
                    "sdk_provider": "which provides the push notification SDK used in the app",
                }[role]
                located, loc = rng.choice(CITIES)
                s1 = self.say(
                    f"We share information with {partner_name}, {what}, located in "
                    f"{located} and reachable at service@{partner.lower()}.com."
                )
                name = f"{partner.lower()}_{index}"
                self.recipients.append(name)
                self.block(
                    "recipient",
                    name,
                    [
                        ("legal_name", S(partner_name)),
                        ("contact", self.maybe(S(f"service@{partner.lower()}.com"))),
                        ("role", role),
                        ("location", self.maybe(loc, 0.8)),
                    ],
                    [self.cite(s1)],
                )
                items = rng.sample(DATA, rng.randint(1, 4))
                p = rng.choice(self.purposes)
                s2 = self.say(
                    f"We provide your {', '.join(w for _, w, _ in items)} to "
                    f"{partner_name} so that it can help us {p[1]}.",
                    new_paragraph=False,
                )
                self.block(
                    "sharing",
                    f"to_{name}",
                    [
                        ("recipient", name),
                        ("data", [k for k, _, _ in items]),
                        ("purposes", [p[0]]),
                        ("method", self.maybe(S("encrypted interface"), 0.4)),
                        (
                            "consent",
                            self.maybe(rng.choice(["separate", "explicit", "bundled"]), 0.7),
                        ),
                    ],
                    [self.cite(s2)],
                )
        else:
            s = self.say(
                "We may share your personal information with our partners to provide "
                "our services, only for legitimate, necessary and specific purposes."
            )
            self.block(
                "sharing",
                "partners",
                [
                    ("recipient", UNSTATED),
                    ("data", "all"),
                    ("purposes", [self.purposes[0][0]]),
                    ("method", UNSTATED),
                    ("consent", UNSTATED),
                ],
                [self.cite(s)],
                comment=JUDGEMENTS[5],
            )
        if self.has("disclosure"):
            s = self.say(
                "We will only publicly disclose your personal information with your "
                "separate consent or where required by law."
            )
            self.block(
                "disclosure",
                "public",
                [
                    ("data", "all"),
                    ("purposes", UNSTATED),
                    ("consent", "separate"),
                    ("by_default", False),
                ],
                [self.cite(s)],
            )
        if self.has("exception"):
            s0 = self.say(
                "In accordance with laws and regulations, we may process your personal "
                "information without your consent in the following circumstances:"
            )
            del s0
            for ground, words in rng.sample(
                GROUNDS, min(len(GROUNDS), self.plan.count("exception"))
            ):
                s = self.say(f"({chr(97 + rng.randint(0, 9))}) {words};", new_paragraph=False)
                self.block(
                    "exception",
                    ground,
                    [
                        ("ground", ground),
                        ("open_ended", ground == "other"),
                    ],
                    [self.cite(s)],
                )
        s = self.say(
            "If we are involved in a merger, acquisition or bankruptcy liquidation, we "
            "will inform you of the name and contact details of the new holder of your "
            "information and require it to remain bound by this policy."
        )
        has_merger = rng.random() < 0.7
        self.block(
            "merger",
            None,
            [
                ("notify_recipient", True if has_merger else UNSTATED),
                ("successor_bound", True if has_merger else UNSTATED),
            ],
            [self.cite(s)] if has_merger else [],
        )

    def storage_and_transfer(self) -> None:
        rng = self.rng
        self.section("Storage and Transfer of Your Information")
        if self.has("storage"):
            for index in range(self.plan.count("storage")):
                where, loc = rng.choice(
                    [
                        ("mainland China", "cn"),
                        ("the European Union", "eu"),
                        ("Singapore", "sg"),
                        ("the United States", "us"),
                    ]
                )
                s = self.say(
                    f"Personal information collected in the course of our operations is "
                    f"stored on servers located in {where}."
                )
                self.block(
                    "storage",
                    f"servers_{index}",
                    [
                        ("location", loc),
                        ("data", "all" if index == 0 else [rng.choice(DATA)[0]]),
                    ],
                    [self.cite(s)],
                )
        if self.has("transfer"):
            for index in range(self.plan.count("transfer")):
                where, loc = rng.choice(
                    [
                        ("outside mainland China", "outside_cn"),
                        ("to Singapore", "sg"),
                        ("to the United States", "us"),
                        ("outside the European Economic Area", "outside_eu"),
                    ]
                )
                recipient = rng.choice(self.recipients) if self.recipients else UNSTATED
                s1 = self.say(
                    f"Because our service providers operate globally, your personal "
                    f"information may be transferred {where} and processed there."
                )
                s2 = self.say(
                    "We will obtain your separate consent before such a transfer and "
                    "sign standard contractual clauses with the recipient to ensure an "
                    "adequate level of protection.",
                    new_paragraph=False,
                )
                s3 = self.say(
                    "You may exercise your rights against the overseas recipient by "
                    "writing to {email}.",
                    new_paragraph=False,
                )
                self.block(
                    "transfer",
                    f"abroad_{index}",
                    [
                        ("destination", loc),
                        ("recipient", recipient),
                        ("data", "all"),
                        ("purposes", [self.purposes[0][0]]),
                        ("method", self.maybe(S("encrypted transmission"), 0.3)),
                        ("consent", "separate"),
                        ("mechanism_pipl", self.maybe("standard_contract", 0.6)),
                        ("mechanism_gdpr", self.maybe("scc", 0.6)),
                        ("safeguards", S("standard contractual clauses with the recipient")),
                        ("rights_procedure", S(f"writing to {self.email}")),
                    ],
                    [self.cite(s1), self.cite(s2), self.cite(s3)],
                )

    def rights(self) -> None:
        rng = self.rng
        self.section("Your Rights")
        count = min(len(RIGHTS), self.plan.count("right"))
        days = rng.choice([15, 15, 30, 30, 10])
        s_time = self.say(
            f"We will respond to your request within {days} working days after "
            "verifying your identity."
        )
        for right in rng.sample(RIGHTS, count):
            channel = rng.choice(CHANNELS).format(email=self.email, phone=self.phone, url=self.url)
            s = self.say(
                f"You have the right to {RIGHT_WORDS[right]}; you can do so through {channel}.",
                new_paragraph=rng.random() < 0.5,
            )
            timed = rng.random() < 0.7
            conditions = self.maybe(S("after verifying your identity"), 0.4)
            self.block(
                "right",
                right,
                [
                    ("channel", S(channel)),
                    ("response_time", S(f"{days} working days") if timed else UNSTATED),
                    ("response_days", days if timed else UNSTATED),
                    ("response_day_type", "working" if timed else UNSTATED),
                    ("conditions", conditions),
                    # verifying the requester is a reasonable condition (NDSR Art. 23)
                    *([("unreasonable_conditions", False)] if conditions is not UNSTATED else []),
                    ("fee", UNSTATED),
                    # one sentence in a list of rights: not set apart (GDPR Art. 21(4))
                    *([("presented_separately", False)] if right.startswith("object") else []),
                ]
                # The complaint the notice describes goes to the data protection authority.
                + ([("addressee", ["authority"])] if right == "complain" else []),
                [self.cite(s)] + ([self.cite(s_time)] if timed else []),
            )

    def minors(self) -> None:
        rng = self.rng
        self.section("Protection of Minors")
        if rng.random() < 0.2:  # the notice is silent: every field unstated, no citation
            self.say(self.filler())
            self.block(
                "minors",
                None,
                [
                    ("threshold", UNSTATED),
                    ("may_process", UNSTATED),
                    ("guardian_consent", UNSTATED),
                    ("dedicated_rules", UNSTATED),
                    ("age_verification", UNSTATED),
                    ("sensitive_necessity", UNSTATED),
                    ("sensitive_impact", UNSTATED),
                ],
                [],
                comment="# The notice says nothing about minors.",
            )
            return
        age = rng.choice([14, 14, 16, 18])
        s1 = self.say(
            f"If you are under the age of {age}, please read this policy with your "
            "parent or guardian and use our services only with their consent."
        )
        dedicated = rng.random() < 0.4
        cites = [self.cite(s1)]
        if dedicated:
            cites.append(
                self.cite(
                    self.say(
                        "We have adopted dedicated rules for the protection "
                        "of children's personal information.",
                        new_paragraph=False,
                    )
                )
            )
        self.block(
            "minors",
            None,
            [
                ("threshold", age),
                ("may_process", True),
                ("guardian_consent", True),
                ("dedicated_rules", dedicated if dedicated else UNSTATED),
                ("age_verification", UNSTATED),
                # the children's information is sensitive (PIPL Art. 28(1)); the generated
                # sentence does not say why it is needed or how it affects the child (Art. 30)
                ("sensitive_necessity", UNSTATED),
                ("sensitive_impact", UNSTATED),
            ],
            cites,
        )

    def cookies(self) -> None:
        rng = self.rng
        self.section("Cookies and Similar Technologies")
        s1 = self.say(
            "We use cookies and similar technologies to remember your preferences and "
            "to keep you signed in."
        )
        s2 = self.say(
            "Most browsers let you refuse or delete cookies in their settings, but "
            "some features may then stop working.",
            new_paragraph=False,
        )
        third = rng.random() < 0.5
        cites = [self.cite(s1), self.cite(s2)]
        if third:
            cites.append(
                self.cite(
                    self.say(
                        "Our analytics partners may also place cookies on your device.",
                        new_paragraph=False,
                    )
                )
            )
        self.block(
            "cookies",
            None,
            [
                ("used", True),
                ("third_party", third if third else UNSTATED),
                ("consent", self.maybe(rng.choice(["deemed_by_use", "explicit"]), 0.6)),
                ("opt_out", S("browser settings")),
            ],
            cites,
        )

    def security(self) -> None:
        rng = self.rng
        self.section("How We Protect Your Information")
        chosen = rng.sample(MEASURES, rng.randint(2, 5))
        s1 = self.say(
            "We protect your personal information with industry-standard measures, "
            f"including {', '.join(w for _, w in chosen)}."
        )
        self.block(
            "security",
            None,
            [
                ("measures", [m for m, _ in chosen]),
                ("description", S(", ".join(w for _, w in chosen))),
            ],
            [self.cite(s1)],
        )
        notify = rng.random() < 0.75
        if notify:
            s2 = self.say(
                "If a personal information security incident occurs, we will inform you "
                "by email, text message or push notification, and report it to the "
                "regulatory authorities as required."
            )
        self.block(
            "breach",
            None,
            [
                ("notify_individuals", True if notify else UNSTATED),
                ("notify_authority", True if notify else UNSTATED),
                ("channel", S("email, text message or push notification") if notify else UNSTATED),
            ],
            [self.cite(s2)] if notify else [],
        )
        if self.has("disclaimer"):
            for index in range(self.plan.count("disclaimer")):
                s3 = self.say(
                    "We shall not be liable for any leakage of personal information "
                    "caused by hacker attacks, computer viruses or force majeure."
                )
                self.block(
                    "disclaimer",
                    f"liability_{index}",
                    [
                        ("covers", ["hacking", "force_majeure"]),
                    ],
                    [self.cite(s3)],
                )

    def changes(self) -> None:
        rng = self.rng
        self.section("Changes to This Policy")
        s1 = self.say(
            "We may update this Privacy Policy from time to time; for material changes "
            "we will notify you by a pop-up notice in the app or by email."
        )
        s2 = self.say(
            "If you continue to use our services after the update takes effect, you "
            "agree to be bound by the updated policy.",
            new_paragraph=False,
        )
        self.block(
            "changes",
            None,
            [
                ("notify", True),
                ("channel", S("pop-up notice in the app or email")),
                ("acceptance", rng.choice(["continued_use", "continued_use", "notice_only"])),
                ("new_purpose", UNSTATED),
            ],
            [self.cite(s1), self.cite(s2)],
        )
        self.section("Contact Us")
        self.say(
            "If you have any questions, comments or complaints about this policy, please "
            "contact us at {email}; we will reply within fifteen working days."
        )

    def waivers(self) -> None:
        rng = self.rng
        self.out.append("\n# Accepted deviations, reviewed by legal.\n")
        for index in range(self.plan.count("waiver")):
            requirement = rng.choice(
                ["PIPL-17-1-2c", "PIPL-39", "GDPR-13-1-f", "PIPL-52", "GDPR-13-2-a"]
            )
            self.block(
                "waiver",
                f"w{index}_{requirement.lower().replace('-', '_')}",
                [
                    ("requirement", S(requirement)),
                    ("reason", S("retention schedule under review with the business owner")),
                    ("approver", S(rng.choice(["Legal Counsel", "DPO", "Head of Compliance"]))),
                    ("expires", datetime.date(2031, rng.randint(1, 12), rng.randint(1, 28))),
                ],
                [],
            )

    def irrelevant(self) -> None:
        cites = [(f"{s.number}", f"{s.number}. {s.heading}") for s in self.sections]
        self.block("irrelevant", "headings", [("reason", S("title and section headings"))], cites)


# --- Rendering the notice --------------------------------------------------------------------


def typeset(text: str, typographic: bool) -> str:
    """How published notices look: curly quotes and apostrophes, em dashes, no-break spaces."""
    if not typographic:
        return text
    out: list[str] = []
    opened = False
    for i, char in enumerate(text):
        if char == '"':
            out.append("\u201d" if opened else "\u201c")
            opened = not opened
        elif char == "'":
            after_letter = i > 0 and text[i - 1].isalnum()
            out.append("\u2019" if after_letter else "\u2018")
        else:
            out.append(char)
    result = "".join(out).replace(" - ", " \u2014 ")
    # A no-break space between a number and its unit, as word processors insert.
    for unit in ("days", "working days", "years"):
        result = result.replace(f" {unit}", f"\u00a0{unit}", 1)
    return result


def render_notice(writer: Writer, target: int) -> str:
    rng = writer.rng
    lines = [f"{writer.brand} Privacy Policy", ""]
    if isinstance(getattr(writer, "effective", None), datetime.date):
        lines += [f"Effective date: {writer.effective:%B %d, %Y}", ""]
    # Filler paragraphs bring the notice to its target size, spread over the sections.
    size = sum(len(" ".join(p)) for s in writer.sections for p in s.paragraphs)
    while size < target:
        paragraph = [writer.filler() for _ in range(rng.randint(1, 3))]
        sec = rng.choice(writer.sections)
        sec.paragraphs.insert(rng.randint(0, len(sec.paragraphs)), paragraph)
        size += len(" ".join(paragraph)) + 1
    for sec in writer.sections:
        lines += [f"{sec.number}. {sec.heading}", ""]
        for paragraph in sec.paragraphs:
            text = typeset(" ".join(paragraph), writer.typographic)
            if writer.wrap:
                lines += textwrap.wrap(
                    text, writer.wrap, break_long_words=False, break_on_hyphens=False
                )
            else:
                lines.append(text)
            lines.append("")
    return "\n".join(lines)


# --- A corpus --------------------------------------------------------------------------------


def plan_for(index: int, rng: random.Random, share: float) -> set[str]:
    """Optional kinds of document `index`: random, and each in one of any 4 consecutive docs.

    `share` (0 to 1) is where the document's size lies in the size range: longer notices say more.
    """
    chosen = {k for k in OPTIONAL_KINDS if rng.random() < 0.25 + 0.6 * share}
    chosen |= {k for j, k in enumerate(OPTIONAL_KINDS) if (index + j) % 4 == 0}
    return chosen


def document(index: int, seed: int, policy_kb: tuple[float, float]) -> tuple[str, str]:
    """The policy text and notice text of document `index` (source path not yet filled in)."""
    rng = random.Random(f"{seed}:{index}:plan")
    policy_target = int(rng.uniform(*policy_kb) * 1024)
    span = policy_kb[1] - policy_kb[0] or 1
    share = (policy_target / 1024 - policy_kb[0]) / span
    optional = plan_for(index, rng, share)
    notice_kb = NOTICE_KB[0] + share * (NOTICE_KB[1] - NOTICE_KB[0]) + rng.uniform(-2, 2)
    notice_target = int(min(max(notice_kb, NOTICE_KB[0]), NOTICE_KB[1]) * 1024)

    def attempt(richness: int) -> Writer:
        writer = Writer(f"{seed}:{index}", Plan(optional, richness))
        writer.write()
        return writer

    # Size grows about linearly with richness: probe two points and interpolate, then step to
    # the richness whose size is closest to the target.
    low, high = attempt(0), attempt(8)
    low_size, high_size = _size(low), _size(high)
    richness = max(0, round((policy_target - low_size) * 8 / max(1, high_size - low_size)))
    writer = attempt(richness)
    while _size(writer) < policy_target and richness < 60:
        richness += 1
        writer = attempt(richness)
    while richness > 0:
        smaller = attempt(richness - 1)
        if abs(_size(smaller) - policy_target) >= abs(_size(writer) - policy_target):
            break
        richness, writer = richness - 1, smaller
    return "".join(writer.out).lstrip("\n"), render_notice(writer, notice_target)


def _size(writer: Writer) -> int:
    return len("".join(writer.out).encode("utf-8"))


def write_corpus(
    out: Path, count: int, seed: int = 1, policy_kb: tuple[float, float] = POLICY_KB
) -> list[Path]:
    """Write `count` documents under `out` (replacing earlier ones); return the policy paths."""
    sources = out / "sources"
    sources.mkdir(parents=True, exist_ok=True)
    for old in list(out.glob("doc_*.policy")) + list(sources.glob("doc_*.txt")):
        old.unlink()
    paths = []
    for index in range(count):
        stem = f"doc_{index:04d}"
        policy, notice = document(index, seed, policy_kb)
        policy = policy.replace("sources/{stem}.txt", f"sources/{stem}.txt")
        (sources / f"{stem}.txt").write_text(notice, encoding="utf-8")
        path = out / f"{stem}.policy"
        path.write_text(policy, encoding="utf-8")
        paths.append(path)
    return paths


def verify(out: Path) -> tuple[int, str]:
    """`policycheck lint` over the corpus: its exit code (0 or 1 is good) and its error output."""
    done = subprocess.run(
        [sys.executable, "-m", "checker", "lint", "--no-cache", "--jobs", "1", str(out)],
        capture_output=True,
        text=True,
        check=False,
    )
    return done.returncode, done.stderr


def kinds_in(paths: list[Path]) -> set[str]:
    """Statement kinds used in the corpus (by the first word of each top-level block line)."""
    found = set()
    for path in paths:
        for line in path.read_text(encoding="utf-8").splitlines():
            if line and line[0].isalpha() and line.rstrip().endswith("{"):
                found.add(line.split(" ", 1)[0])
    return found


def parse_range(text: str) -> tuple[float, float]:
    low, _, high = text.partition(":")
    return float(low), float(high or low)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("count", type=int, help="number of documents")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--out", type=Path, default=Path(__file__).parent / "out" / "corpus")
    parser.add_argument(
        "--policy-kb",
        type=parse_range,
        default=POLICY_KB,
        help="size range of the .policy files in KB, MIN:MAX (default 5:20)",
    )
    parser.add_argument("--no-verify", action="store_true", help="do not lint the result")
    args = parser.parse_args(argv)
    paths = write_corpus(args.out, args.count, args.seed, args.policy_kb)
    policy_bytes = sum(p.stat().st_size for p in paths)
    notice_bytes = sum(p.stat().st_size for p in (args.out / "sources").glob("doc_*.txt"))
    print(
        f"wrote {len(paths)} documents to {args.out}: policies {policy_bytes / 1024:.0f} KB, "
        f"notices {notice_bytes / 1024:.0f} KB"
    )
    if args.no_verify:
        return 0
    code, errors = verify(args.out)
    if code not in (0, 1):
        print(errors, file=sys.stderr)
        print(
            f"policycheck lint exited {code}: the generator and the language disagree",
            file=sys.stderr,
        )
        return 2
    print(
        f"verified: policycheck lint exits {code} (no input errors); "
        f"statement kinds used: {len(kinds_in(paths))}"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
