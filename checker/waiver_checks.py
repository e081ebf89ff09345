"""The checks policycheck makes of a policy's own waivers: the `WAIVER-*` codes.

They are reported like requirements (`policycheck rules` lists them, `policycheck explain
WAIVER-UNKNOWN` explains one, `--select`/`--ignore` choose them) but belong to no law: they say
that a waiver itself is wrong — expired, naming nothing, excusing nothing, or excusing what may
not be excused. Kept apart from the engine so that listing them loads nothing else.
"""

from __future__ import annotations

from typing import Literal, NamedTuple


class WaiverCheck(NamedTuple):
    severity: Literal["error", "warning", "info"]
    title: str
    means: str
    fix: str


WAIVER_LAW = "policycheck"
WAIVER_ARTICLE = "waivers"

CHECKS: dict[str, WaiverCheck] = {
    "WAIVER-EXPIRED": WaiverCheck(
        "error",
        "A waiver has passed its expiry date",
        "The waiver's `expires` date is before today, so it no longer excuses the requirement it "
        "names; the requirement's own findings are reported again.",
        "Renew the waiver with a new expiry date and a fresh approval, or fix what it excused.",
    ),
    "WAIVER-UNKNOWN": WaiverCheck(
        "error",
        "A waiver names a requirement that does not exist",
        "The waiver's `requirement` is not the id of any requirement policycheck knows (a typo, "
        "or a requirement that was renamed or removed), so it excuses nothing.",
        "Correct the requirement id (`policycheck rules` lists them) or delete the waiver.",
    ),
    "WAIVER-UNUSED": WaiverCheck(
        "warning",
        "A waiver no longer suppresses anything",
        "The requirement the waiver names passes or does not apply to this notice: the waiver "
        "excuses nothing and would silently excuse a future failure.",
        "Delete the waiver: the requirement it names no longer fails.",
    ),
    "WAIVER-NOT-ALLOWED": WaiverCheck(
        "error",
        "A waiver names a requirement that cannot be waived",
        "The requirement's file marks it `waivable: false`: its findings are reported whatever "
        "the waiver says.",
        "Delete the waiver and fix the finding: this requirement may not be waived.",
    ),
}

WAIVER_CHECKS: dict[str, tuple[Literal["error", "warning", "info"], str]] = {
    code: (check.severity, check.title) for code, check in CHECKS.items()
}
"""code -> (severity, title)."""
