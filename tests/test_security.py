"""A policy is untrusted input: CI lints the policies of pull requests.

What such a policy must never achieve, checked through the command line as a user sees it:
- make the checker read and print a file outside the project (`source` is confined);
- write terminal control sequences to standard output (they are shown escaped);
- have a requirement file's message template run as a format program (templates are data).
"""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import pytest

from checker.cli import main

EXAMPLES = Path(__file__).parent / "examples"
SAMPLE = (EXAMPLES / "sample.policy").read_text(encoding="utf-8")
NOTICE = (EXAMPLES / "notice.txt").read_text(encoding="utf-8")
ROOT = Path(__file__).resolve().parents[1]
SECRET = "SECRET_TOKEN=hunter2-do-not-print"
QUOTE = '"Example Shop Ltd. is the handler of your personal information"'


@dataclass
class Run:
    code: int
    out: str
    err: str


@pytest.fixture
def cli(capsys: pytest.CaptureFixture[str]) -> Callable[..., Run]:
    def run(*args: str) -> Run:
        capsys.readouterr()
        try:
            code = main(list(args))
        except SystemExit as stopped:
            code = int(stopped.code or 0)
        out, err = capsys.readouterr()
        assert "Traceback" not in out + err
        return Run(code, out, err)

    return run


@pytest.fixture
def project(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """`project/` (the working directory, a git work tree) and, beside it, `outside/secret.env`."""
    (tmp_path / "outside").mkdir()
    (tmp_path / "outside" / "secret.env").write_text(SECRET + "\n", encoding="utf-8")
    root = tmp_path / "project"
    root.mkdir()
    (root / ".git").mkdir()
    (root / "notice.txt").write_text(NOTICE, encoding="utf-8")
    monkeypatch.chdir(root)
    return root


def policy_citing(source: str, quote: str = '"SECRET_TOKEN=hunter2-do-not-prinx"') -> str:
    """The sample policy pointed at `source`, one quote a near miss of the secret (so a closest
    passage hint, if one were given, would print it)."""
    return SAMPLE.replace('"notice.txt"', f'"{source}"').replace(QUOTE, quote)


# --- 1. `source` is confined to the project --------------------------------------------------


def _escapes(project: Path) -> dict[str, str]:
    secret = project.parent / "outside" / "secret.env"
    (project / "link.txt").symlink_to(secret)
    (project / "sub").mkdir()
    (project / "sub" / "up").symlink_to(project.parent)
    return {
        "a relative path out": "../outside/secret.env",
        "an absolute path": str(secret),
        "a symbolic link out": "link.txt",
        "a directory link out": "sub/up/outside/secret.env",
        "the process environment": "/proc/self/environ",
    }


@pytest.mark.parametrize(
    "way",
    [
        "a relative path out",
        "an absolute path",
        "a symbolic link out",
        "a directory link out",
        "the process environment",
    ],
)
def test_a_source_outside_the_project_is_refused_and_never_printed(
    way: str, project: Path, cli: Callable[..., Run], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("POLICYCHECK_TEST_SECRET", SECRET)
    source = _escapes(project)[way]
    if source.startswith("/proc") and not Path(source).exists():
        pytest.skip("no /proc on this system")
    (project / "shop.policy").write_text(policy_citing(source), encoding="utf-8")
    for command in (["lint", "--no-cache"], ["coverage"]):
        run = cli(*command, "shop.policy")
        assert run.code == 2
        assert "shop.policy:4:19: error[E301]" in run.err
        assert "is outside the project root" in run.err
        assert "hunter2" not in run.out + run.err
    run = cli("explain", "PIPL-17-2", "shop.policy")
    assert run.code == 2 and "error[E301]" in run.err and "hunter2" not in run.out + run.err


def test_a_near_miss_of_a_notice_inside_the_project_still_gets_its_hint(
    project: Path, cli: Callable[..., Run]
) -> None:
    # The control of the test above: the same policy, its notice inside the project.
    (project / "inside.env").write_text(SECRET + "\n", encoding="utf-8")
    (project / "shop.policy").write_text(policy_citing("inside.env"), encoding="utf-8")
    run = cli("lint", "--no-cache", "shop.policy")
    assert run.code == 2
    assert 'the closest passage (notice line 1) is "SECRET_TOKEN=hunter2' in run.err


def test_the_project_root_is_the_git_work_tree_when_there_is_no_configuration(
    project: Path, cli: Callable[..., Run]
) -> None:
    (project / "policies").mkdir()
    (project / "notices").mkdir()
    (project / "notices" / "notice.txt").write_text(NOTICE, encoding="utf-8")
    text = SAMPLE.replace('"notice.txt"', '"../notices/notice.txt"')
    (project / "policies" / "shop.policy").write_text(text, encoding="utf-8")
    run = cli("lint", "--no-cache", "policies/shop.policy")
    assert run.code in (0, 1) and "error[" not in run.err


def test_without_a_git_work_tree_the_root_is_the_policys_directory(
    tmp_path: Path, cli: Callable[..., Run], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    (tmp_path / "notice.txt").write_text(NOTICE, encoding="utf-8")
    (tmp_path / "policies").mkdir()
    text = SAMPLE.replace('"notice.txt"', '"../notice.txt"')
    (tmp_path / "policies" / "shop.policy").write_text(text, encoding="utf-8")
    run = cli("lint", "--no-cache", "policies/shop.policy")
    assert run.code == 2 and "error[E301] source text ../notice.txt: is outside" in run.err


def test_the_configuration_file_sets_the_root_and_source_roots_widen_it(
    project: Path, cli: Callable[..., Run]
) -> None:
    (project / "policies").mkdir()
    (project / "policies" / ".policycheck.toml").write_text("", encoding="utf-8")
    text = SAMPLE.replace('"notice.txt"', '"../notice.txt"')
    (project / "policies" / "shop.policy").write_text(text, encoding="utf-8")
    # The configuration's directory is the root, though the git work tree is wider.
    run = cli("lint", "--no-cache", "policies/shop.policy")
    assert run.code == 2 and "error[E301]" in run.err
    (project / "policies" / ".policycheck.toml").write_text(
        'source-roots = [".."]\n', encoding="utf-8"
    )
    run = cli("lint", "--no-cache", "policies/shop.policy")
    assert run.code in (0, 1) and "error[" not in run.err


def test_source_roots_must_be_a_list_of_strings(project: Path, cli: Callable[..., Run]) -> None:
    (project / ".policycheck.toml").write_text('source-roots = "../notices"\n', encoding="utf-8")
    (project / "shop.policy").write_text(SAMPLE, encoding="utf-8")
    run = cli("lint", "--no-cache", "shop.policy")
    assert run.code == 2
    assert "error[E501] 'source-roots' must be a list of strings, not a string" in run.err


@pytest.mark.parametrize("kind", ["a named pipe", "a device"])
def test_a_source_that_is_not_a_regular_file_is_refused_without_reading(
    kind: str, project: Path
) -> None:
    if kind == "a named pipe":
        os.mkfifo(project / "notice.pipe")
        source = "notice.pipe"
    else:
        (project / "zero").symlink_to("/dev/zero")
        source = "zero"
    (project / "shop.policy").write_text(
        SAMPLE.replace('"notice.txt"', f'"{source}"'), encoding="utf-8"
    )
    # In a process of its own: reading a pipe would block, and the timeout guards the suite.
    done = subprocess.run(
        [sys.executable, "-m", "checker", "lint", "--no-cache", "shop.policy"],
        cwd=project,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
        env={**os.environ, "PYTHONPATH": str(ROOT)},
    )
    assert done.returncode == 2
    assert "shop.policy:4:19: error[E301]" in done.stderr
    assert "is not a regular file" in done.stderr or "is outside the project" in done.stderr


# --- 2. Terminal escapes never reach standard output ------------------------------------------

ESCAPES = "\x1b[2J\x1b]0;owned\x07\x9b31m\u202e"
"""Clear the screen, set the window title (OSC ... BEL), a C1 CSI, a right-to-left override."""


@pytest.fixture
def hostile_policy(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A policy whose title and one quote (and its notice) hold terminal escape sequences."""
    monkeypatch.chdir(tmp_path)
    sentence = "Example Shop Ltd. is the handler"
    notice = NOTICE.replace(sentence, f"Example Shop Ltd.{ESCAPES} is the handler")
    (tmp_path / "notice.txt").write_text(notice, encoding="utf-8")
    text = SAMPLE.replace(sentence, f"Example Shop Ltd.{ESCAPES} is the handler").replace(
        '"Example Shop Privacy Notice"', f'"Example{ESCAPES} Shop"'
    )
    (tmp_path / "shop.policy").write_text(text, encoding="utf-8")
    return tmp_path / "shop.policy"


def assert_no_raw_escape(output: str) -> None:
    for ch in "\x1b\x07\x9b\u202e":
        assert ch not in output, repr(ch)


@pytest.mark.parametrize("fmt", ["text", "github"])
def test_escapes_in_a_title_or_quote_are_printed_visibly_by_lint(
    fmt: str, hostile_policy: Path, cli: Callable[..., Run]
) -> None:
    run = cli(
        "lint", "--no-cache", "--show-passed", "--format", fmt, "--color", "never", "shop.policy"
    )
    assert run.code == 1
    assert_no_raw_escape(run.out)
    assert "Example\\u001b[2J\\u001b]0;owned\\u0007\\u009b31m\\u202e Shop" in run.out


def test_colour_codes_are_the_only_escapes_lint_writes(
    hostile_policy: Path, cli: Callable[..., Run]
) -> None:
    run = cli("lint", "--no-cache", "--color", "always", "shop.policy")
    assert run.code == 1
    assert "\x1b[2J" not in run.out and "\x07" not in run.out and "\u202e" not in run.out
    assert "\x1b[31m" in run.out  # the checker's own colour


def test_escapes_are_printed_visibly_by_explain_and_coverage(
    hostile_policy: Path, cli: Callable[..., Run]
) -> None:
    run = cli("explain", "NDSR-21-1-4-copy", "shop.policy")
    assert run.code == 1 and "\\u001b[2J" in run.out
    assert_no_raw_escape(run.out)
    run = cli("coverage", "shop.policy")
    assert run.code == 0
    assert_no_raw_escape(run.out)


def test_escapes_in_a_diff_are_printed_visibly(
    hostile_policy: Path, cli: Callable[..., Run]
) -> None:
    text = hostile_policy.read_text(encoding="utf-8").replace("legal_name = ", "legal_name=")
    hostile_policy.write_text(text, encoding="utf-8")
    run = cli("fmt", "--diff", "shop.policy")
    assert run.code == 0 and "+  legal_name =" in run.out
    assert_no_raw_escape(run.out)
    assert "\\u001b[2J" in run.out


# --- 3. Message templates are data -----------------------------------------------------------

RULES = """\
set: house
law: HOUSE
title: House rules
requirements:
  - id: HOUSE-1
    title: The handler is named
    article: Rule 1
    quote: the handler is named
    severity: error
    require: handler.legal_name == "Nobody Ltd."
    message: MESSAGE
    remedy: Name the handler.
"""


@pytest.mark.parametrize(
    "message",
    [
        '"{label!r} is not named"',
        '"{label!x} is not named"',
        '"{label:>40} is not named"',
        '"{label:d} is not named"',
        '"{label:{id}} is not named"',
        '"{label:{__policy__}} is not named"',
    ],
)
def test_a_template_with_more_than_plain_fields_is_refused_when_loaded(
    message: str, tmp_path: Path, cli: Callable[..., Run], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    (tmp_path / "notice.txt").write_text(NOTICE, encoding="utf-8")
    (tmp_path / "shop.policy").write_text(SAMPLE, encoding="utf-8")
    # An absolute path: loaded sets are kept by path for the life of the process.
    rules = tmp_path / "rules.yaml"
    rules.write_text(RULES.replace("MESSAGE", message), encoding="utf-8")
    # `rules` and `lint` load the file the same way, so they refuse it alike.
    for command in (
        ["rules", "--requirements", str(rules)],
        ["lint", "--no-cache", "--requirements", str(rules), "shop.policy"],
    ):
        run = cli(*command)
        assert run.code == 2, (command, run)
        assert run.err.startswith(f"{rules}:11:14: error[E402] message field '{{label")
        assert "= help: write {label}" in run.err


def test_a_template_with_plain_fields_is_loaded_and_rendered(
    tmp_path: Path, cli: Callable[..., Run], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    (tmp_path / "notice.txt").write_text(NOTICE, encoding="utf-8")
    (tmp_path / "shop.policy").write_text(SAMPLE, encoding="utf-8")
    message = '"{label} ({id}, {{braces}}) is for {description}"'
    text = (
        RULES.replace("MESSAGE", message)
        .replace("    require:", "    for_each: purpose\n    require:")
        .replace('handler.legal_name == "Nobody Ltd."', 'description == "nothing"')
    )
    (tmp_path / "rules.yaml").write_text(text, encoding="utf-8")
    run = cli("lint", "--no-cache", "--requirements", str(tmp_path / "rules.yaml"), "shop.policy")
    assert run.code == 1
    assert "purpose account (HOUSE-1, {braces}) is for create your account" in run.out
