"""Requirement cases: small policy snippets with the verdict a requirement must reach on them.

Cases are data, kept beside the requirement sets (requirements/cases/<set>.yaml) and shipped with
them: the test suite runs every case, a meta-test demands a passing and a failing case for every
requirement, and `policycheck explain ID` shows one of each as the requirement's examples.

    cases:
      - requirement: PIPL-39
        name: A transfer abroad with separate consent and a named recipient passes PIPL-39
        expect: pass
        policy: |
          recipient r { legal_name = "R Ltd" contact = "r@example.com" }
          transfer t { destination = outside_cn recipient = r consent = separate }

A snippet without a `document` block gets a default header (jurisdictions cn and eu); citations
are optional in snippets.
"""

from __future__ import annotations

from functools import cache
from pathlib import Path
from typing import Literal

from pydantic import BaseModel, ValidationError

from checker.errors import CheckerError, ErrorList
from checker.language.build import build_policy
from checker.language.facts import Policy
from checker.language.syntax import parse_syntax
from checker.resources import shipped_dir
from checker.rules.yamlsafe import load_located

DEFAULT_HEADER = (
    'document {\n  title = "Requirement case"\n  source = "case.txt"\n'
    "  jurisdictions = [cn, eu]\n}\n"
)


class Case(BaseModel, frozen=True, extra="forbid", defer_build=True):
    requirement: str
    name: str
    expect: Literal["pass", "fail", "not_applicable", "incomplete"]
    policy: str


class CaseFile(BaseModel, frozen=True, extra="forbid", defer_build=True):
    cases: tuple[Case, ...]


def case_files() -> list[Path]:
    return sorted((shipped_dir("requirements") / "cases").glob("*.yaml"))


@cache
def load_cases(path: Path) -> tuple[Case, ...]:
    located = load_located(path.read_text(encoding="utf-8"), str(path))
    try:
        return CaseFile.model_validate(located.value).cases
    except ValidationError as exc:
        first = exc.errors()[0]
        raise ErrorList(
            [
                CheckerError(
                    "E402",
                    f"{first['loc']}: {first['msg']}",
                    str(path),
                    located.span(tuple(first["loc"])),
                )
            ]
        ) from None


def all_cases() -> list[Case]:
    return [case for path in case_files() for case in load_cases(path)]


def case_policy(case: Case) -> Policy:
    """The snippet of a case as a policy (with the default header when it has none)."""
    text = case.policy
    if "document" not in {line.split(" ", 1)[0] for line in text.splitlines()}:
        text = DEFAULT_HEADER + text
    try:
        tree = parse_syntax(text)
    except CheckerError as exc:
        raise ErrorList([exc.at(f"case: {case.name}")]) from None
    return build_policy(tree, f"case: {case.name}", require_cites=False)


def examples() -> dict[tuple[str, str], str]:
    """(requirement id, expected verdict) -> the snippet of its first case, for display.

    The shipped case files are read with libyaml's safe loader when PyYAML has it: about ten
    times quicker than `all_cases`, which tracks every position for error messages and validates
    every case (the test suite runs and validates them all; the evidence report only shows them).
    """
    import yaml

    loader = getattr(yaml, "CSafeLoader", None)
    found: dict[tuple[str, str], str] = {}
    if loader is None:
        for case in all_cases():
            found.setdefault((case.requirement, case.expect), case.policy)
        return found
    for path in case_files():
        data = yaml.load(path.read_text(encoding="utf-8"), Loader=loader)
        for case in data.get("cases", ()) if isinstance(data, dict) else ():
            key = (str(case.get("requirement")), str(case.get("expect")))
            if isinstance(case.get("policy"), str):
                found.setdefault(key, case["policy"])
    return found
