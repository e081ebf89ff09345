"""A small lint run with every kind of result, built directly (no files), for the reporter tests.

The demo requirement set has one requirement per verdict on the demo policy:

    DEMO-39       error    fail            (a transfer abroad with bundled consent)
    DEMO-17-1     warning  pass            (the handler's contact is stated)
    DEMO-25       info     not_applicable  (no public disclosure)
    DEMO-31       warning  incomplete      (no minors block encoded)
    DEMO-17-1-2c  error    waived          (no retention period, accepted by a waiver)
    DEMO-17-1-2b  info     fail            (the source of the data is unstated)

and the policy's waivers raise each of the four WAIVER-* checks. Input errors come from parsing a
broken policy, plus a missing file and an unknown requirement set (no path, no position).
"""

from __future__ import annotations

import datetime
from pathlib import Path

from checker.errors import CheckerError, ErrorList
from checker.notice.anchoring import anchor
from checker.notice.loading import parse_policy
from checker.reporters.run import LintOptions, LintRun
from checker.rules.engine import evaluate
from checker.rules.requirements import RequirementSet, load_requirement_file

TODAY = datetime.date(2026, 1, 1)
POLICY_PATH = "policies/demo.policy"

REQUIREMENTS = """\
set: demo
law: PIPL
title: Demo Law on Personal Information
jurisdictions: [cn]
source: https://example.org/demo-law
requirements:
  - id: DEMO-39
    title: Personal information sent abroad needs separate consent
    article: Art. 39
    quote: 取得个人的单独同意
    gloss: obtain the individual's separate consent
    severity: error
    for_each: transfer
    require: consent == separate
    message: "{label} sends personal information abroad with consent {consent}"
    remedy: Obtain separate consent for the transfer.
    not_formalised: Whether a security assessment or standard contract is in place.
    waivable: false
  - id: DEMO-17-1
    title: The notice names the handler's contact
    article: Art. 17(1)(1)
    quote: 个人信息处理者的名称或者姓名和联系方式
    severity: warning
    require: handler.contact is stated
    message: the notice names no contact of the handler
    remedy: Name a contact channel.
  - id: DEMO-25
    title: Public disclosure needs separate consent
    article: Art. 25
    quote: 不得公开其处理的个人信息
    severity: info
    for_each: disclosure
    require: consent == separate
    message: "{label} discloses personal information without separate consent"
    remedy: Obtain separate consent before disclosing.
  - id: DEMO-31
    title: The notice states the age below which guardians consent
    article: Art. 31
    quote: 不满十四周岁未成年人
    severity: warning
    require: minors.threshold is stated
    message: the notice states no age threshold for minors
    remedy: State the age threshold.
  - id: DEMO-17-1-2c
    title: The notice states how long personal information is kept
    article: Art. 17(1)(2)
    quote: 保存期限
    severity: error
    for_each: collection
    require: retention is stated
    message: "{label} states no retention period"
    remedy: State the retention period.
  - id: DEMO-17-1-2b
    title: The notice states where personal information comes from
    article: Art. 17(1)(2)
    quote: 处理方式
    severity: info
    for_each: collection
    require: source is stated
    message: "{label} does not say where the data comes from"
    remedy: State the source of the data.
"""

POLICY = """\
document {
  title         = "Demo Notice"
  source        = "notice.txt"
  jurisdictions = [cn]
}

handler {
  legal_name = "Demo Ltd"
  contact    = ["privacy@example.com"]
  cite "1" "Demo Ltd is the handler"
}

recipient r {
  legal_name = "R Inc"
  cite "2" "R Inc, in the US"
}

transfer overseas {
  destination = us
  recipient   = r
  consent     = bundled
  cite "2" "we send your data to R Inc, in the US"
}

collection signup {
  data      = [user.name]
  source    = unstated
  retention = unstated
  cite "3" "we collect your name"
}

waiver retention_schedule {
  requirement = "DEMO-17-1-2c"
  reason      = "retention is in the separate schedule"
  approver    = "Jane Roe, DPO"
  expires     = 2030-01-01
}

waiver old_contact {
  requirement = "DEMO-17-1"
  reason      = "contact page pending"
  approver    = "Jane Roe, DPO"
  expires     = 2020-01-01
}

waiver typo {
  requirement = "NOPE-1"
  reason      = "misspelt"
  approver    = "Jane Roe, DPO"
  expires     = 2030-01-01
}

waiver disclosure {
  requirement = "DEMO-25"
  reason      = "no longer needed"
  approver    = "Jane Roe, DPO"
  expires     = 2030-01-01
}

waiver abroad {
  requirement = "DEMO-39"
  reason      = "business need"
  approver    = "Jane Roe, DPO"
  expires     = 2030-01-01
}
"""

NOTICE = """\
Demo Notice
1. Demo Ltd is the handler of your personal information.
2. We send your data to R Inc, in the US.
3. We collect your name.
"""

BROKEN_POLICY = 'document {\n  title = "Broken"\n  titel = "x"\n}\n'

EXPECTED_STATUSES = {
    "DEMO-39": "fail",
    "DEMO-17-1": "pass",
    "DEMO-25": "not_applicable",
    "DEMO-31": "incomplete",
    "DEMO-17-1-2c": "waived",
    "DEMO-17-1-2b": "fail",
}
WAIVER_FINDINGS = ("WAIVER-EXPIRED", "WAIVER-NOT-ALLOWED", "WAIVER-UNKNOWN", "WAIVER-UNUSED")


def demo_set() -> RequirementSet:
    return load_requirement_file(REQUIREMENTS, "requirements/demo.yaml")


def line_of(text: str, needle: str) -> int:
    """The 1-based line of the first line of `text` containing `needle`."""
    return next(i for i, line in enumerate(text.splitlines(), 1) if needle in line)


def input_errors() -> list[CheckerError]:
    try:
        parse_policy(BROKEN_POLICY, "policies/broken.policy")
    except ErrorList as exc:
        errors = list(exc.errors)
    else:  # pragma: no cover - the broken policy must not parse
        raise AssertionError("the broken policy parsed")
    errors.append(CheckerError("E601", "no such file or directory", "policies/missing.policy"))
    errors.append(
        CheckerError("E605", "unknown requirement set 'pipel'", hint="did you mean 'pipl'?")
    )
    return ErrorList(errors).sorted()


def build_run(
    policy: str = POLICY,
    path: str = POLICY_PATH,
    errors: list[CheckerError] | None = None,
    fail_on: str = "error",
) -> LintRun:
    """Parse, anchor and evaluate one policy against the demo set, as `run_lint` would."""
    requirements = demo_set()
    parsed = anchor(parse_policy(policy, path), NOTICE)
    report = evaluate(parsed, [requirements], TODAY)
    return LintRun(
        reports=[report],
        errors=list(errors or []),
        requirements=sorted(requirements.requirements, key=lambda r: r.id),
        texts={path: policy},
        options=LintOptions(paths=(Path("policies"),), fail_on=fail_on, today=TODAY),
    )
