"""What the evidence report's tests write reports of: the bundled notices, and a hostile one."""

from __future__ import annotations

from pathlib import Path

from checker.cli import main

ROOT = Path(__file__).resolve().parents[2]
POLICIES = ROOT / "policies"

HOSTILE_POLICY = """\
document {
  title         = "<script>alert(\\"title\\")</script> Hostile & Co"
  source        = "hostile.txt"
  language      = en
  jurisdictions = [cn]
}

handler {
  legal_name = "<img src=x onerror=alert(1)>"
  contact    = ["privacy@example.com"]
  cite "§1 <i>" "<script>alert(\\"notice\\")</script> We are Hostile Shop Ltd."
}

purpose account {
  description = "نحن نجمع اسمك"
  necessary   = yes
  cite "§3" "نحن نجمع اسمك وبريدك الإلكتروني"
}

collection registration {
  data      = [user.name, user.contact.email]
  source    = [data_subject]
  purposes  = [account]
  consent   = explicit
  retention = unstated
  cite "§2" "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA"
  cite "§4" "We keep your data for <b>two years</b>"
}

waiver {
  requirement = "PIPL-52"
  reason      = "<a href=\\"javascript:alert(1)\\">click</a> \u200fעד סוף השנה"
  approver    = "DPO <script>x</script>"
  expires     = 2099-12-31
}
"""

LONG_LINE = "Section 2. " + "A" * 100_000
RTL_LINE = (
    "Section 3. نحن نجمع اسمك وبريدك الإلكتروني \u202eevil override\u202c לצורך יצירת החשבון."
)
LAST_LINE = "The last paragraph of a notice of a megabyte."


def hostile_notice() -> str:
    """About a megabyte: markup, a line of 100,000 characters, right-to-left text, overrides."""
    lines = [
        "Hostile Shop Privacy Notice",
        "",
        'Section 1. <script>alert("notice")</script> We are Hostile Shop Ltd. & our e-mail is '
        "privacy@example.com.",
        "",
        LONG_LINE,
        "",
        RTL_LINE,
        "",
        "Section 4. We keep your data for <b>two years</b> and delete it afterwards.",
        "",
    ]
    filler = " ".join(["Padding paragraph about nothing in particular."] * 20)
    while sum(len(line) + 1 for line in lines) < 1_000_000:
        lines += [filler, ""]
    return "\n".join([*lines, LAST_LINE, ""])


def write_report(paths: list[Path], out: Path, *extra: str) -> int:
    return main(["report", *map(str, paths), "--output", str(out), "--no-cache", *extra])
