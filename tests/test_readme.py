"""The README's example output is real: the finding it shows is what `policycheck lint` prints
for the bundled policies today, to the character.

The block is the code block after the `<!-- lint-example: ... -->` marker; its first line names
the file and the place, and the test lints that file and compares the finding printed there.
"""

from __future__ import annotations

import difflib
import re
from pathlib import Path

import pytest

from checker.cli import main

ROOT = Path(__file__).resolve().parents[1]
EXAMPLE = re.compile(r"<!-- lint-example:[^>]*-->\n```\n(.*?)```\n", re.S)
HEADER = re.compile(r"^(?P<path>[^:\s]+\.policy):\d+:\d+: ")


def readme_example() -> list[str]:
    found = EXAMPLE.search((ROOT / "README.md").read_text(encoding="utf-8"))
    assert found, "README.md has no code block after a `<!-- lint-example: ... -->` marker"
    return found.group(1).splitlines()


def printed_finding(output: str, first: str) -> list[str]:
    """The finding printed at the place `first` names, up to the next finding; if none is printed
    there (the policy changed), the first finding of the same requirement, for the diff."""
    lines = output.splitlines()
    if first in lines:
        start = lines.index(first)
    else:
        rule = first.split(": ", 1)[1].split()[1]  # `error PIPL-39-consent ...` -> the id
        same = [i for i, line in enumerate(lines) if f" {rule} " in line and HEADER.match(line)]
        if not same:
            return []
        start = same[0]
    end = start + 1
    while end < len(lines) and lines[end].startswith(" "):
        end += 1
    return lines[start:end]


def test_the_readme_example_is_what_lint_prints(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    shown = readme_example()
    header = HEADER.match(shown[0])
    assert header, f"the example's first line names no .policy place: {shown[0]}"
    monkeypatch.chdir(ROOT)
    assert main(["lint", header["path"], "--no-cache", "--jobs", "1", "--color", "never"]) == 1
    real = printed_finding(capsys.readouterr().out, shown[0])
    diff = "\n".join(
        difflib.unified_diff(shown, real, "README.md", "policycheck lint", lineterm="")
    )
    assert shown == real, f"README.md's example is not what lint prints:\n{diff}"
