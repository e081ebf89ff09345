"""Compiled requirement sets kept in the cache directory: the same verdicts, and a run that finds
them there loads no YAML, pydantic or Lark; an edited file, a changed build or a damaged entry is
never served from there."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from checker.language.facts import Policy
from checker.notice.loading import load_policy
from checker.resources import shipped_sets
from checker.rules.engine import evaluate
from checker.rules.requirements import load_requirement_file, set_from_data, set_to_data

ROOT = Path(__file__).resolve().parents[1]
EXAMPLES = Path(__file__).parent / "examples"
POLICIES = sorted((ROOT / "policies").glob("*.policy"))
TODAY = __import__("datetime").date(2026, 12, 1)


def _bundled() -> list[Policy]:
    return [load_policy(p, str(p))[0] for p in POLICIES]


@pytest.mark.parametrize("name", sorted(shipped_sets()))
def test_a_set_read_back_gives_every_bundled_notice_the_same_report(name: str) -> None:
    path = shipped_sets()[name]
    fresh = load_requirement_file(path.read_text(encoding="utf-8"), str(path))
    kept = set_from_data(json.loads(json.dumps(set_to_data(fresh))), str(path))
    assert [r.spec for r in kept.requirements] == [r.spec for r in fresh.requirements]
    assert [r.span for r in kept.requirements] == [r.span for r in fresh.requirements]
    for policy in _bundled():
        assert evaluate(policy, [kept], TODAY) == evaluate(policy, [fresh], TODAY)


def test_data_not_as_written_is_refused_not_trusted() -> None:
    path = shipped_sets()["gdpr"]
    data = set_to_data(load_requirement_file(path.read_text(encoding="utf-8"), str(path)))
    for broken in (
        {**data, "format": "policycheck-sets/0"},
        {**data, "requirements": [{**data["requirements"][0], "spec": {"id": 1}}]},
        {**data, "requirements": [{**data["requirements"][0], "span": ["1", 2, 3, 4]}]},
        {**data, "trees": {text: ["and_"] for text in data["trees"]}},
        [data],
    ):
        with pytest.raises((ValueError, TypeError, LookupError)):
            set_from_data(broken, str(path))
    severity = {**data["requirements"][0]["spec"], "severity": "fatal"}
    with pytest.raises(TypeError):
        set_from_data({**data, "requirements": [{**data["requirements"][0], "spec": severity}]}, "")


# --- As the command runs it ---------------------------------------------------------------

RULES = """\
set: house
law: HOUSE
title: House rules
jurisdictions: [cn]
requirements:
  - id: HOUSE-1
    title: The handler gives a contact
    article: Rule 1
    quote: the handler gives a contact
    severity: warning
    require: handler.contact is unstated
    message: MESSAGE
    remedy: Add a contact channel.
"""

# Runs `policycheck` in a fresh interpreter and writes the names of the modules it loaded.
RUN = """
import atexit, sys
atexit.register(lambda: open(sys.argv[1], "w").write("\\n".join(sorted(sys.modules))))
from checker.cli import main
sys.exit(main(sys.argv[2:]))
"""


@pytest.fixture
def project(tmp_path: Path) -> Path:
    shutil.copy(EXAMPLES / "sample.policy", tmp_path / "shop.policy")
    shutil.copy(EXAMPLES / "notice.txt", tmp_path / "notice.txt")
    (tmp_path / "house.yaml").write_text(RULES.replace("MESSAGE", "first wording"), "utf-8")
    return tmp_path


def lint(project: Path, *args: str) -> tuple[int, str, set[str]]:
    modules = project / "modules.txt"
    done = subprocess.run(
        [sys.executable, "-c", RUN, str(modules), "lint", "--jobs", "1", *args],
        cwd=project,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.stderr == ""
    return done.returncode, done.stdout, set(modules.read_text().split())


def edit_policy(project: Path, n: int) -> None:
    """A new comment: the report cache misses, the requirement files are unchanged."""
    with (project / "shop.policy").open("a", encoding="utf-8") as f:
        f.write(f"# edit {n}\n")


def test_a_run_that_finds_its_sets_kept_loads_no_yaml_pydantic_or_lark(project: Path) -> None:
    first = lint(project, "shop.policy", "--requirements", "pipl,ndsr,gdpr,house.yaml")
    assert {"yaml", "pydantic", "lark"} <= first[2]  # compiled from the files, then kept
    assert list((project / ".policycheck_cache" / "derived").glob("*.json"))
    edit_policy(project, 1)
    second = lint(project, "shop.policy", "--requirements", "pipl,ndsr,gdpr,house.yaml")
    assert second[:2] == first[:2]
    assert "first wording" in second[1]
    assert not {"yaml", "pydantic", "lark"} & second[2]


def test_an_edited_requirement_file_is_compiled_anew(project: Path) -> None:
    lint(project, "shop.policy", "--requirements", "pipl,ndsr,gdpr,house.yaml")
    (project / "house.yaml").write_text(RULES.replace("MESSAGE", "second wording"), "utf-8")
    edit_policy(project, 1)
    code, out, modules = lint(project, "shop.policy", "--requirements", "pipl,ndsr,gdpr,house.yaml")
    assert code == 1
    assert "second wording" in out and "first wording" not in out
    assert "pydantic" in modules  # this one file was read and checked again


def test_a_damaged_entry_is_a_miss_with_the_same_output(project: Path) -> None:
    before = lint(project, "shop.policy", "--requirements", "pipl,ndsr,gdpr,house.yaml")
    for entry in (project / ".policycheck_cache" / "derived").glob("*.json"):
        head, _, body = entry.read_bytes().partition(b"\n")
        entry.write_bytes(head + b"\n" + body.replace(b"handler", b"handlers"))
    edit_policy(project, 1)
    after = lint(project, "shop.policy", "--requirements", "pipl,ndsr,gdpr,house.yaml")
    assert after[:2] == before[:2]
    assert "pydantic" in after[2]


def test_no_cache_keeps_nothing(project: Path) -> None:
    lint(project, "shop.policy", "--no-cache", "--requirements", "pipl,ndsr,gdpr,house.yaml")
    assert not (project / ".policycheck_cache").exists()


def test_the_store_keeps_the_most_recent_entries_only(tmp_path: Path) -> None:
    from checker.commands.derived_store import KEEP, DerivedStore

    store = DerivedStore(tmp_path / "derived")
    for n in range(KEEP + 10):
        store.put("requirement-set", f"text {n}", {"n": n})
    assert len(list((tmp_path / "derived").glob("*.json"))) == KEEP
    fresh = DerivedStore(tmp_path / "derived")
    assert fresh.get("requirement-set", f"text {KEEP + 9}") == {"n": KEEP + 9}
