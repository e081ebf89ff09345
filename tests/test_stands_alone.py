"""The repository stands alone: a fresh clone has everything its files refer to.

Every relative link in the README and in docs/ resolves to a file in the repository, and no tracked
file refers to a document or folder that lives outside it.
"""

from __future__ import annotations

import re
import subprocess
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
LINK = re.compile(r"\]\(([^)#\s]+)(?:#[^)]*)?\)")


def _tracked() -> list[Path]:
    listed = subprocess.run(
        ["git", "ls-files", "-z"], cwd=ROOT, capture_output=True, check=False, text=True
    )
    if listed.returncode != 0:  # an unpacked sdist: every file in it counts
        return [p for p in ROOT.rglob("*") if p.is_file() and ".venv" not in p.parts]
    return [ROOT / name for name in listed.stdout.split("\0") if name]


MARKDOWN = sorted([ROOT / "README.md", *(ROOT / "docs").glob("*.md")])


@pytest.mark.parametrize("document", MARKDOWN, ids=lambda p: str(p.relative_to(ROOT)))
def test_every_relative_link_resolves_inside_the_repository(document: Path) -> None:
    broken = []
    for target in LINK.findall(document.read_text(encoding="utf-8")):
        if re.match(r"[a-z]+:", target):  # https:, mailto: — not a file of ours
            continue
        resolved = (document.parent / target).resolve()
        if not resolved.exists() or ROOT not in (resolved, *resolved.parents):
            broken.append(target)
    assert broken == []


# Names of documents and folders that exist only beside a checkout, never in it.
OUTSIDE = re.compile(r"(?<![\w/])(DESIGN\.md|LEGAL\.md|STYLE\.md)|\.\./shared/|/work/shared")


def test_no_tracked_file_refers_to_a_file_outside_the_repository() -> None:
    offenders = []
    for path in _tracked():
        if path.suffix not in {".py", ".md", ".yaml", ".yml", ".toml", ".lark", ".policy", ""}:
            continue
        try:
            text = path.read_text(encoding="utf-8")
        except (UnicodeDecodeError, OSError):
            continue
        for number, line in enumerate(text.splitlines(), start=1):
            if OUTSIDE.search(line) and path.name != Path(__file__).name:
                offenders.append(f"{path.relative_to(ROOT)}:{number}: {line.strip()[:80]}")
    assert offenders == []
