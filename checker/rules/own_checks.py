"""The checks policycheck makes of a policy's own encoding: its waivers, quotes and categories.

They are reported like requirements (`policycheck rules` lists them, `policycheck explain
WAIVER-UNKNOWN` explains one, `--select`/`--ignore` choose them) but belong to no law: they say
that the encoding itself is wrong — a waiver expired, naming nothing, excusing nothing or excusing
what may not be excused (`WAIVER-*`); a quote that does not say which of several places of the
notice it means (`QUOTE-*`); or, as a note a reviewer must see, that the policy changed what the
law treats as sensitive for one notice (`SENSITIVITY-ADJUSTED`). Kept apart from the engine so
that listing them loads nothing else.
"""

from __future__ import annotations

from typing import Literal, NamedTuple


class OwnCheck(NamedTuple):
    severity: Literal["error", "warning", "info"]
    title: str
    means: str
    fix: str
    article: Literal["waivers", "quotes", "categories"] = "waivers"
    """What of the policy it checks; reported as the finding's article, beside LAW."""


LAW = "policycheck"

CHECKS: dict[str, OwnCheck] = {
    "WAIVER-EXPIRED": OwnCheck(
        "error",
        "A waiver has passed its expiry date",
        "The waiver's `expires` date is before today, so it no longer excuses the requirement it "
        "names; the requirement's own findings are reported again.",
        "Renew the waiver with a new expiry date and a fresh approval, or fix what it excused.",
    ),
    "WAIVER-UNKNOWN": OwnCheck(
        "error",
        "A waiver names a requirement that does not exist",
        "The waiver's `requirement` is not the id of any requirement policycheck knows (a typo, "
        "or a requirement that was renamed or removed), so it excuses nothing.",
        "Correct the requirement id (`policycheck rules` lists them) or delete the waiver.",
    ),
    "WAIVER-UNUSED": OwnCheck(
        "warning",
        "A waiver no longer suppresses anything",
        "The requirement the waiver names passes or does not apply to this notice: the waiver "
        "excuses nothing and would silently excuse a future failure.",
        "Delete the waiver: the requirement it names no longer fails.",
    ),
    "WAIVER-NOT-ALLOWED": OwnCheck(
        "error",
        "A waiver names a requirement that cannot be waived",
        "The requirement's file marks it `waivable: false`: its findings are reported whatever "
        "the waiver says.",
        "Delete the waiver and fix the finding: this requirement may not be waived.",
    ),
    "QUOTE-AMBIGUOUS": OwnCheck(
        "warning",
        "A quote occurs in more than one place of the notice",
        "A fact rests on one passage of the notice, but its quote's words begin on several lines "
        "and the citation does not say which it means; it is anchored at the first, which may not "
        "be the passage the fact was read from.",
        "Lengthen the quote until its words occur only once, or name the place meant with the "
        'notice line where it begins: `cite "label" "quote" line N`.',
        "quotes",
    ),
    "SENSITIVITY-ADJUSTED": OwnCheck(
        "info",
        "A policy adjusts the sensitivity of a taxonomy category for this notice",
        "A `category` statement names a taxonomy key and says, with a reason, that for this "
        "notice it is (or is not) sensitive personal information (PIPL Art. 28) or a special "
        "category of personal data (GDPR Art. 9(1)). Every requirement that reads sensitivity "
        "(PIPL Arts. 29-32, GDPR Art. 9) follows the adjustment, so a reviewer must see it and "
        "agree with its reason.",
        "Nothing to fix if the reason holds; otherwise delete the `category` statement so the "
        "key keeps the classes of requirements/sensitive_categories.yaml.",
        "categories",
    ),
}

WAIVER_CHECKS: dict[str, tuple[Literal["error", "warning", "info"], str]] = {
    code: (check.severity, check.title)
    for code, check in CHECKS.items()
    if check.article == "waivers"
}
"""code -> (severity, title) of the waiver checks."""
