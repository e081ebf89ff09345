"""The error catalogue, its documentation and the code agree, and every documented example is real.

docs/errors.md has one section per code of `CATALOGUE` (`## E101 unterminated string`), and no
other; every code is raised somewhere in checker/, and every code checker/ raises is catalogued.
Each section's example is run again and must render exactly the output the section shows; an
example given as a shell command shows a golden file's text, which tests/test_error_messages.py
keeps true.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from checker.config import load_config
from checker.errors import CATALOGUE, CheckerError, ErrorList
from checker.notice.anchoring import anchor
from checker.notice.loading import parse_policy
from checker.rules.requirements import load_requirement_file

ROOT = Path(__file__).resolve().parents[1]
DOC = (ROOT / "docs" / "errors.md").read_text(encoding="utf-8")
GOLDEN = Path(__file__).parent / "golden" / "errors"
CODE = re.compile(r'"(E\d{3})"')


def sections() -> dict[str, tuple[str, str]]:
    """code -> (title, body) for every `## Exxx title` section of docs/errors.md."""
    found: dict[str, tuple[str, str]] = {}
    parts = re.split(r"^## (E\d{3}) (.*)$", DOC, flags=re.M)
    for code, title, body in zip(parts[1::3], parts[2::3], parts[3::3], strict=True):
        assert code not in found, f"{code} has two sections"
        found[code] = (title, body)
    return found


SECTIONS = sections()


def codes_in_source() -> dict[str, set[str]]:
    """code -> the checker modules whose source names it (the catalogue itself left out)."""
    used: dict[str, set[str]] = {}
    for path in sorted((ROOT / "checker").rglob("*.py")):
        if path.name == "errors.py":
            continue
        for code in CODE.findall(path.read_text(encoding="utf-8")):
            used.setdefault(code, set()).add(str(path.relative_to(ROOT)))
    return used


def test_the_documentation_has_one_section_per_catalogued_code_and_no_other() -> None:
    assert sorted(SECTIONS) == sorted(CATALOGUE)


@pytest.mark.parametrize("code", sorted(CATALOGUE))
def test_each_section_is_headed_by_the_code_and_its_catalogue_title(code: str) -> None:
    title, body = SECTIONS[code]
    assert title == CATALOGUE[code]
    for part in ("**What it means.**", "**Example", "```text", "**How to fix.**"):
        assert part in body, f"the {code} section has no {part}"


@pytest.mark.parametrize("code", sorted(CATALOGUE))
def test_every_catalogued_code_is_raised_somewhere_in_the_checker(code: str) -> None:
    assert code in codes_in_source(), f"{code} is catalogued but no module of checker/ uses it"


def test_every_code_the_checker_raises_is_catalogued() -> None:
    unknown = {code: where for code, where in codes_in_source().items() if code not in CATALOGUE}
    assert not unknown


def blocks(body: str) -> list[tuple[str, str]]:
    """The fenced code blocks of a section: (language, content with a final newline)."""
    return [(lang, text) for lang, text in re.findall(r"^```(\w*)\n(.*?)^```$", body, re.M | re.S)]


def render(errors: list[CheckerError], text: str) -> str:
    return "".join(e.render(text) + "\n" for e in ErrorList(errors).sorted())


def run_example(kinds: dict[str, str], folder: Path) -> str:
    """Run a section's example as the checker would; its errors, rendered."""
    if "policy" in kinds:
        text = kinds["policy"]
        try:
            policy = parse_policy(text, "shop.policy")
            if "notice" in kinds:
                anchor(policy, kinds["notice"])
        except ErrorList as exc:
            return render(exc.errors, text)
    elif "yaml" in kinds:
        try:
            load_requirement_file(kinds["yaml"], "rules.yaml")
        except ErrorList as exc:
            return render(exc.errors, kinds["yaml"])
    elif "toml" in kinds:
        (folder / ".policycheck.toml").write_text(kinds["toml"], encoding="utf-8")
        try:
            load_config(Path(".policycheck.toml"))
        except CheckerError as exc:
            return render([exc], kinds["toml"])
    else:
        raise AssertionError(f"no runnable example in {sorted(kinds)}")
    raise AssertionError("the example was accepted")


@pytest.mark.parametrize("code", sorted(CATALOGUE))
def test_each_documented_example_renders_exactly_the_documented_error(
    code: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    _, body = SECTIONS[code]
    found = blocks(body)
    shown = [text for lang, text in found if lang == "text"]
    assert len(shown) == 1, f"the {code} section shows {len(shown)} outputs"
    golden = re.search(r"<!-- golden: (\w+) -->", body)
    if golden is not None:  # a shell command: the output is a golden file's
        expected = (GOLDEN / f"{golden.group(1)}.txt").read_text(encoding="utf-8")
    else:
        expected = run_example({lang: text for lang, text in found if lang != "text"}, tmp_path)
    assert shown[0] == expected
    assert f"error[{code}]" in expected
