"""Two encodings of one bundled notice that differ in known ways, as two legal engineers' might.

The second reader, against the first (policies/company_app.policy):

* takes the transfer abroad to have separate consent (`consent = separate`, not `bundled`);
* reads no legal basis into registration (`basis_pipl = unstated`, not `[consent]`);
* reads guardian consent into the opening sentence (`guardian_consent = yes`, not `unstated`);
* reads the words that put some information outside the policy as an `irrelevant` paragraph, not
  a `disclaimer`.
"""

from __future__ import annotations

import re
import shutil
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
POLICY = ROOT / "policies" / "company_app.policy"
NOTICE = ROOT / "policies" / "sources" / "004_4656aebb13097a8c.txt"

READINGS = [
    (
        r"  # No consent of its own: only the policy acceptance bundled into the using agreement.\n"
        r"  (consent +)= bundled",
        r"  \1= separate",
    ),
    (
        r"(  purposes +)= \[account, personalised_service\]\n(  basis_pipl +)= \[consent\]",
        r"\1= [account, personalised_service]\n\2= unstated",
    ),
    (
        r"(  guardian_consent +)= unstated",
        r"\1= yes\n"
        r'  cite "Preamble" "This APP of our company respect and protect the personal privacy of '
        r'all service users."',
    ),
    (
        r"disclaimer excluded_from_policy \{\n  covers += \[other\]",
        r'irrelevant excluded_from_policy {\n  reason = "information the notice puts outside itself"',
    ),
]
"""(pattern, replacement): each applied once, whatever the alignment of the fields."""


def write_two_encodings(folder: Path) -> tuple[Path, Path]:
    """a.policy (the bundled encoding) and b.policy (the other reading) in `folder`."""
    (folder / "sources").mkdir(parents=True, exist_ok=True)
    shutil.copy(NOTICE, folder / "sources" / NOTICE.name)
    text = POLICY.read_text(encoding="utf-8")
    a, b = folder / "a.policy", folder / "b.policy"
    a.write_text(text, encoding="utf-8")
    for pattern, replacement in READINGS:
        text, count = re.subn(pattern, replacement, text, count=1)
        assert count == 1, pattern
    b.write_text(text, encoding="utf-8")
    return a, b
