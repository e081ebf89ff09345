"""The README's examples of `init`, `diff` and `diff --agreement` show what the commands print.

Each block after a `<!-- output: NAME -->` marker in README.md is produced here by running the
commands it shows, in a fresh folder (a git repository for `diff`); the test fails when the README
and the output part. `UPDATE_README=1 pytest tests/test_readme_outputs.py` rewrites the blocks.
"""

from __future__ import annotations

import os
import re
import shutil
from collections.abc import Callable
from pathlib import Path

import pytest
from gitrepo import commit, init_repo
from two_encodings import NOTICE, POLICY, write_two_encodings

from checker.cli import main

ROOT = Path(__file__).resolve().parents[1]
README = ROOT / "README.md"
BLOCK = re.compile(r"(<!-- output: (\w+) -->\n```(\w*)\n)(.*?)(^```$)", re.M | re.S)

Capture = pytest.CaptureFixture[str]


def command(capsys: Capture, line: str) -> str:
    """`$ policycheck ...` and what it prints (stdout, then stderr)."""
    capsys.readouterr()
    main(line.split()[1:])
    captured = capsys.readouterr()
    return f"$ {line}\n{captured.out}{captured.err}"


def init_example(folder: Path, capsys: Capture) -> str:
    (folder / "policies" / "sources").mkdir(parents=True)
    shutil.copy(NOTICE, folder / "policies" / "sources" / "shop.txt")
    out = command(capsys, "policycheck init policies/sources/shop.txt")
    lines = (folder / "policies" / "shop.policy").read_text(encoding="utf-8").splitlines()
    out += "$ head -n 24 policies/shop.policy\n" + "\n".join(lines[:24]) + "\n"
    out += "$ tail -n 3 policies/shop.policy\n" + "\n".join(lines[-3:]) + "\n"
    return out


def _repository(folder: Path) -> None:
    top = init_repo(folder)
    (top / "policies" / "sources").mkdir(parents=True)
    text = POLICY.read_text(encoding="utf-8").replace(NOTICE.name, "shop.txt")
    (top / "policies" / "shop.policy").write_text(text, encoding="utf-8")
    shutil.copy(NOTICE, top / "policies" / "sources" / "shop.txt")
    commit(top, "shop")
    edited = text.replace(
        "mechanism           = unspecified", "mechanism           = bundled", 1
    ).replace("consent          = bundled", "consent          = separate", 1)
    (top / "policies" / "shop.policy").write_text(edited, encoding="utf-8")


def diff_example(folder: Path, capsys: Capture) -> str:
    _repository(folder)
    return command(capsys, "policycheck diff --fail-on-new error")


def diff_markdown_example(folder: Path, capsys: Capture) -> str:
    _repository(folder)
    return command(capsys, "policycheck diff --format markdown").split("\n", 1)[1]


def agreement_example(folder: Path, capsys: Capture) -> str:
    write_two_encodings(folder)
    return command(capsys, "policycheck diff a.policy b.policy --agreement")


EXAMPLES: dict[str, Callable[[Path, Capture], str]] = {
    "init": init_example,
    "diff": diff_example,
    "diff_markdown": diff_markdown_example,
    "agreement": agreement_example,
}


def test_every_block_has_an_example_and_every_example_a_block() -> None:
    names = [m.group(2) for m in BLOCK.finditer(README.read_text(encoding="utf-8"))]
    assert sorted(names) == sorted(EXAMPLES)


@pytest.mark.parametrize("name", sorted(EXAMPLES))
def test_the_readme_shows_what_the_command_prints(
    name: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: Capture
) -> None:
    monkeypatch.chdir(tmp_path)
    actual = EXAMPLES[name](tmp_path, capsys)
    text = README.read_text(encoding="utf-8")
    block = next(m for m in BLOCK.finditer(text) if m.group(2) == name)
    if os.environ.get("UPDATE_README"):
        text = text[: block.start(4)] + actual + text[block.end(4) :]
        README.write_text(text, encoding="utf-8")
        return
    assert block.group(4) == actual
