"""The pre-commit hooks, installed by the real `pre-commit` from this repository's HEAD commit.

A temporary git repository plays a project that encodes its privacy notice: its
`.pre-commit-config.yaml` names this repository (by path) at its current HEAD, its
`.policycheck.toml` points at a requirement set of the test's own (`data/house.yaml`, modelled on
PIPL Arts. 14(1) and 17(1)(1), so that verdicts do not move with the shipped sets), and `policies/`
holds the notice and its encodings. pre-commit builds the hook environment once for the
module (pip installs the committed package, with its dependencies from PyPI, into PRE_COMMIT_HOME
under a temporary directory); each test gets a fresh project repository that reuses it.

The hooks come from the *committed* code: commit `.pre-commit-hooks.yaml` and the package before
expecting a change to show here.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

import pytest

pytestmark = pytest.mark.integration

ROOT = Path(__file__).resolve().parents[2]
DATA = Path(__file__).resolve().parent / "data"

CONFIG = """\
repos:
  - repo: {repo}
    rev: {rev}
    hooks:
      - id: policycheck
      - id: policycheck-fmt
"""


@dataclass(frozen=True)
class Hooks:
    """What every project repository of this module shares: its config and pre-commit's cache."""

    config: str
    env: dict[str, str]


def _clean_env(**extra: str) -> dict[str, str]:
    # Variables of an enclosing git hook or pre-commit run (GIT_DIR, GIT_INDEX_FILE, SKIP, ...)
    # would point git or pre-commit at the wrong repository or skip the hooks under test.
    env = {
        k: v
        for k, v in os.environ.items()
        if not k.startswith(("GIT_", "PRE_COMMIT")) and k != "SKIP"
    }
    env.update(extra)
    return env


def _git(cwd: Path, *args: str, env: dict[str, str] | None = None) -> str:
    result = subprocess.run(
        ["git", *args], cwd=cwd, env=env or _clean_env(), capture_output=True, text=True
    )
    assert result.returncode == 0, f"git {' '.join(args)} failed:\n{result.stderr}"
    return result.stdout.strip()


def _project_head() -> str:
    if shutil.which("git") is None:
        pytest.skip("git is not installed: pre-commit installs hooks from a git repository")
    probe = subprocess.run(
        ["git", "rev-parse", "HEAD"], cwd=ROOT, env=_clean_env(), capture_output=True, text=True
    )
    if probe.returncode != 0:
        pytest.skip("not a git checkout with a commit: pre-commit installs hooks from a commit")
    head = probe.stdout.strip()
    committed = subprocess.run(
        ["git", "cat-file", "-e", f"{head}:.pre-commit-hooks.yaml"], cwd=ROOT, env=_clean_env()
    )
    assert committed.returncode == 0, (
        "HEAD has no .pre-commit-hooks.yaml: pre-commit installs the hooks from the committed tree"
    )
    return head


def _pre_commit(repo: Path, env: dict[str, str], *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "pre_commit", *args, "--color=never"],
        cwd=repo,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )


def _run_hook(repo: Path, hooks: Hooks, hook_id: str) -> subprocess.CompletedProcess[str]:
    return _pre_commit(repo, hooks.env, "run", hook_id, "--all-files", "--verbose")


def _new_project(where: Path, config: str, env: dict[str, str]) -> Path:
    """A git repository with the hook config, a house requirement set and the notice text."""
    repo = where / "project"
    (repo / "policies").mkdir(parents=True)
    (repo / "rules").mkdir()
    (repo / ".pre-commit-config.yaml").write_text(config, encoding="utf-8")
    config_file = repo / ".policycheck.toml"
    config_file.write_text('requirements = ["rules/house.yaml"]\n', encoding="utf-8")
    shutil.copy(DATA / "house.yaml", repo / "rules" / "house.yaml")
    shutil.copy(DATA / "notice.txt", repo / "policies" / "notice.txt")
    _git(repo, "init", "-q", env=env)
    _git(repo, "config", "user.name", "Policy Tester", env=env)
    _git(repo, "config", "user.email", "policy-tester@example.com", env=env)
    _git(repo, "config", "commit.gpgsign", "false", env=env)
    _git(repo, "add", "-A", env=env)
    _git(repo, "commit", "-q", "--no-verify", "-m", "Project skeleton", env=env)
    return repo


def _add_policy(repo: Path, name: str, data_file: str) -> Path:
    path = repo / "policies" / name
    shutil.copy(DATA / data_file, path)
    _git(repo, "add", str(path.relative_to(repo)))
    return path


@pytest.fixture(scope="module")
def hooks(tmp_path_factory: pytest.TempPathFactory) -> Hooks:
    head = _project_head()
    env = _clean_env(PRE_COMMIT_HOME=str(tmp_path_factory.mktemp("pre-commit-home")))
    # A JSON string is a YAML double-quoted scalar: any path spells safely.
    config = CONFIG.format(repo=json.dumps(str(ROOT)), rev=head)
    seed = _new_project(tmp_path_factory.mktemp("seed"), config, env)
    installed = _pre_commit(seed, env, "install-hooks")
    assert installed.returncode == 0, f"pre-commit could not install the hooks:\n{installed.stdout}"
    return Hooks(config, env)


@pytest.fixture
def project(hooks: Hooks, tmp_path: Path) -> Path:
    return _new_project(tmp_path, hooks.config, hooks.env)


def test_the_hooks_pass_a_commit_of_a_text_no_policy_cites(project: Path, hooks: Hooks) -> None:
    (project / "policies" / "notice.txt").write_text("Edited notice.\n", encoding="utf-8")
    (project / "NOTES.txt").write_text("Meeting notes.\n", encoding="utf-8")
    _git(project, "add", "-A")
    lint = _run_hook(project, hooks, "policycheck")
    assert lint.returncode == 0, lint.stdout
    assert "none of the changed files is a policy or a notice text a policy cites" in lint.stdout
    fmt = _run_hook(project, hooks, "policycheck-fmt")
    assert fmt.returncode == 0, fmt.stdout
    assert "(no files to check)Skipped" in fmt.stdout


def test_committing_an_edited_notice_rechecks_the_policies_that_quote_it(
    project: Path, hooks: Hooks
) -> None:
    _add_policy(project, "shop.policy", "clean.policy")
    _git(project, "commit", "-q", "--no-verify", "-m", "Encode the notice")
    installed = _pre_commit(project, hooks.env, "install")
    assert installed.returncode == 0, installed.stdout
    # The notice is reworded: the policy's quote of §2 no longer matches it.
    notice = project / "policies" / "notice.txt"
    text = notice.read_text(encoding="utf-8")
    notice.write_text(text.replace("that you tick yourself", "ticked for you"), encoding="utf-8")
    _git(project, "add", "policies/notice.txt")
    head = _git(project, "rev-parse", "HEAD")
    commit = subprocess.run(
        ["git", "commit", "-m", "Reword the consent sentence"],
        cwd=project,
        env=hooks.env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    assert commit.returncode != 0, commit.stdout
    assert "policycheck lint" in commit.stdout and "Failed" in commit.stdout, commit.stdout
    assert "- exit code: 2" in commit.stdout, commit.stdout
    assert re.search(r"policies/shop\.policy:\d+:\d+: error\[E302\] quote ", commit.stdout), (
        commit.stdout
    )
    assert "Traceback" not in commit.stdout
    assert _git(project, "rev-parse", "HEAD") == head, "the commit was refused"


def test_the_lint_hook_passes_a_policy_that_meets_every_requirement(
    project: Path, hooks: Hooks
) -> None:
    _add_policy(project, "shop.policy", "clean.policy")
    result = _run_hook(project, hooks, "policycheck")
    assert result.returncode == 0, result.stdout
    assert "Passed" in result.stdout
    # Both house requirements were checked, through the config the hook found from the file.
    summary = "1 document, 2 requirements: 0 failed, 0 incomplete, 0 waived, 2 passed"
    assert summary in result.stdout, result.stdout


def test_the_lint_hook_fails_on_policies_that_break_a_requirement(
    project: Path, hooks: Hooks
) -> None:
    # Enough files that pre-commit would split them across processes (it passes at least 4 per
    # process, up to one batch per CPU) if the hook did not ask for require_serial.
    for n in range(8):
        _add_policy(project, f"shop_{n}.policy", "clean.policy")
    _add_policy(project, "no_contact.policy", "no_contact.policy")
    _add_policy(project, "silent_consent.policy", "silent_consent.policy")
    result = _run_hook(project, hooks, "policycheck")
    assert result.returncode == 1, result.stdout
    assert "Failed" in result.stdout
    assert "- exit code: 1" in result.stdout
    lines = result.stdout.splitlines()
    # The handler gives no contact (PIPL Art. 17(1)(1)): reported at `contact = unstated`.
    assert any(
        re.match(r"policies/no_contact\.policy:11:\d+: error HOUSE-17-1-1 ", line) for line in lines
    ), result.stdout
    # Consent deemed from silence is no consent (PIPL Art. 14(1)): at `consent = deemed_by_silence`.
    assert any(
        re.match(r"policies/silent_consent\.policy:25:\d+: error HOUSE-14-1 ", line)
        for line in lines
    ), result.stdout
    assert not any(line.startswith("policies/shop_") for line in lines), result.stdout
    # require_serial: one policycheck process saw all ten files and wrote one report.
    summaries = [line for line in lines if " requirements: " in line]
    assert len(summaries) == 1, result.stdout
    assert summaries[0].startswith("10 documents, 2 requirements: 2 failed"), result.stdout


def test_the_lint_hook_fails_on_a_syntax_error_with_its_position(
    project: Path, hooks: Hooks
) -> None:
    path = _add_policy(project, "shop.policy", "clean.policy")
    text = path.read_text(encoding="utf-8")
    path.write_text(text.replace("contact    = [", "contact    : [", 1), encoding="utf-8")
    _git(project, "add", "-A")
    result = _run_hook(project, hooks, "policycheck")
    assert result.returncode == 1, result.stdout
    assert "- exit code: 2" in result.stdout
    # `contact    : [`: the ':' where '=' belongs, by line and column.
    assert "policies/shop.policy:11:14: error[E" in result.stdout, result.stdout
    assert "Traceback" not in result.stdout


def test_the_fmt_hook_rewrites_a_badly_laid_out_policy_and_then_passes(
    project: Path, hooks: Hooks
) -> None:
    # messy.policy.in is clean.policy (same facts, same comments) laid out badly.
    messy = _add_policy(project, "shop.policy", "messy.policy.in")
    tidy = _add_policy(project, "tidy.policy", "clean.policy")
    before = messy.read_text(encoding="utf-8")

    first = _run_hook(project, hooks, "policycheck-fmt")
    assert first.returncode == 1, first.stdout
    assert "- files were modified by this hook" in first.stdout
    after = messy.read_text(encoding="utf-8")
    assert after != before
    # Compared with the same hook's output for the well laid-out copy, not with the data file,
    # so that a change of the canonical layout at HEAD does not break this test.
    assert after == tidy.read_text(encoding="utf-8")
    assert "# as written in §1" in after

    _git(project, "add", "-A")
    second = _run_hook(project, hooks, "policycheck-fmt")
    assert second.returncode == 0, second.stdout
    assert "Passed" in second.stdout
    assert messy.read_text(encoding="utf-8") == after
