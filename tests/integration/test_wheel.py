"""The built wheel, installed into a clean virtual environment, works away from the repository.

pre-commit and `pip install policycheck` both run the installed package, never the checkout: the
grammars, requirement sets, their cases and the docs that `explain` reads must ship inside the
wheel (`checker/grammar`, `checker/requirements`, `checker/docs`; see pyproject.toml's hatch
force-include and checker/resources.py), and so must the HTML report's templates and assets
(package data under `checker/reporters/html/`). The wheel is built from the working tree with
`python -m build`, installed with its dependencies from PyPI, and run from a temporary directory;
its output is compared with the checkout's on the same input.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
import zipfile
from dataclasses import dataclass
from pathlib import Path

import pytest

pytestmark = pytest.mark.integration

ROOT = Path(__file__).resolve().parents[2]
DATA = Path(__file__).resolve().parent / "data"
EXAMPLES = ROOT / "tests" / "examples"


@dataclass(frozen=True)
class Installed:
    wheel: Path
    python: Path
    policycheck: Path


def _env(**extra: str) -> dict[str, str]:
    # Nothing from the checkout may leak into the installed tool's imports.
    env = {k: v for k, v in os.environ.items() if k not in ("PYTHONPATH", "PYTHONHOME")}
    env.update(extra)
    return env


def _run(args: list[str | Path], cwd: Path, **env: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [str(a) for a in args], cwd=cwd, env=_env(**env), capture_output=True, text=True
    )


@pytest.fixture(scope="module")
def installed(tmp_path_factory: pytest.TempPathFactory) -> Installed:
    dist = tmp_path_factory.mktemp("dist")
    built = _run([sys.executable, "-m", "build", "--wheel", "--outdir", dist, ROOT], cwd=dist)
    assert built.returncode == 0, f"building the wheel failed:\n{built.stdout}\n{built.stderr}"
    wheels = sorted(dist.glob("policycheck-*.whl"))
    assert len(wheels) == 1, wheels

    venv = tmp_path_factory.mktemp("venv") / "env"
    created = _run([sys.executable, "-m", "venv", venv], cwd=dist)
    assert created.returncode == 0, created.stderr
    bin_dir = venv / ("Scripts" if os.name == "nt" else "bin")
    python = bin_dir / ("python.exe" if os.name == "nt" else "python")
    pip = _run(
        [python, "-m", "pip", "install", "--quiet", "--disable-pip-version-check", wheels[0]],
        cwd=dist,
    )
    assert pip.returncode == 0, f"installing the wheel failed:\n{pip.stdout}\n{pip.stderr}"
    return Installed(wheels[0], python, bin_dir / "policycheck")


@pytest.fixture
def workdir(tmp_path: Path) -> Path:
    """A directory outside the repository with the example notice and the test's policies."""
    assert not tmp_path.is_relative_to(ROOT)
    for name in ("sample.policy", "notice.txt"):
        shutil.copy(EXAMPLES / name, tmp_path / name)
    for name in ("clean.policy", "no_contact.policy", "house.yaml"):
        shutil.copy(DATA / name, tmp_path / name)
    shutil.copy(DATA / "notice.txt", tmp_path / "shop_notice.txt")
    for name in ("clean.policy", "no_contact.policy"):
        policy = tmp_path / name
        text = policy.read_text(encoding="utf-8")
        policy.write_text(text.replace('"notice.txt"', '"shop_notice.txt"'), encoding="utf-8")
    return tmp_path


def _checkout(args: list[str], cwd: Path) -> subprocess.CompletedProcess[str]:
    """The same command, run from the checkout's sources."""
    return _run([sys.executable, "-m", "checker", *args], cwd=cwd, PYTHONPATH=str(ROOT))


def _same(installed: Installed, args: list[str], cwd: Path) -> subprocess.CompletedProcess[str]:
    ours = _run([installed.policycheck, *args], cwd=cwd)
    theirs = _checkout(args, cwd)
    assert "Traceback" not in ours.stderr, ours.stderr
    assert (ours.returncode, ours.stdout, ours.stderr) == (
        theirs.returncode,
        theirs.stdout,
        theirs.stderr,
    ), f"installed and checkout differ on policycheck {' '.join(args)}"
    return ours


def test_the_wheel_ships_the_grammars_requirement_sets_cases_and_docs(installed: Installed) -> None:
    with zipfile.ZipFile(installed.wheel) as wheel:
        names = set(wheel.namelist())
    assert "checker/grammar/policy.lark" in names
    assert "checker/grammar/condition.lark" in names
    assert "checker/data/taxonomy.json" in names
    shipped = {
        f"checker/{path.relative_to(ROOT).as_posix()}"
        for folder in ("grammar", "requirements", "docs")
        for path in (ROOT / folder).rglob("*")
        if path.is_file()
    }
    assert {n for n in shipped if n.startswith("checker/requirements/") and n.endswith(".yaml")}
    assert shipped - names == set(), "files of grammar/, requirements/ or docs/ not in the wheel"
    modules = {
        f"checker/{p.relative_to(ROOT / 'checker').as_posix()}"
        for p in (ROOT / "checker").rglob("*.py")
    }
    assert modules - names == set(), "modules of checker/ not in the wheel"
    # The evidence report's templates, stylesheet and script are package data.
    html = ROOT / "checker" / "reporters" / "html"
    report_files = {
        f"checker/{p.relative_to(ROOT / 'checker').as_posix()}"
        for folder in ("templates", "static")
        for p in (html / folder).iterdir()
        if p.is_file()
    }
    assert {n for n in report_files if n.endswith("report.js")}
    assert report_files - names == set(), "templates or assets of the HTML report not in the wheel"
    assert not any(n.startswith(("tests/", "policies/", "bench/")) for n in names)


def test_the_installed_package_runs_from_the_virtual_environment(
    installed: Installed, workdir: Path
) -> None:
    where = _run([installed.python, "-c", "import checker; print(checker.__file__)"], cwd=workdir)
    assert where.returncode == 0, where.stderr
    assert Path(where.stdout.strip()).is_relative_to(installed.python.parent.parent)


def test_the_installed_linter_fails_a_policy_that_breaks_a_requirement(
    installed: Installed, workdir: Path
) -> None:
    args = ["lint", "--no-cache", "--requirements", "house.yaml"]
    failing = _run([installed.policycheck, *args, "no_contact.policy"], cwd=workdir)
    assert failing.returncode == 1, failing.stdout + failing.stderr
    assert any(
        re.match(r"no_contact\.policy:11:\d+: error HOUSE-17-1-1 ", line)
        for line in failing.stdout.splitlines()
    ), failing.stdout
    assert failing.stderr == ""

    passing = _run([installed.policycheck, *args, "clean.policy"], cwd=workdir)
    assert passing.returncode == 0, passing.stdout + passing.stderr
    summary = "1 document, 2 requirements: 0 failed, 0 incomplete, 0 waived, 2 passed"
    assert summary in passing.stdout, passing.stdout


def test_the_installed_report_command_writes_the_evidence_report(
    installed: Installed, workdir: Path
) -> None:
    args = ["report", "--no-cache", "--requirements", "house.yaml", "--output", "site"]
    done = _run([installed.policycheck, *args, "clean.policy", "no_contact.policy"], cwd=workdir)
    assert done.returncode == 0, done.stdout + done.stderr
    site = workdir / "site"
    assert sorted(p.name for p in (site / "notices").iterdir()) == [
        "clean.html",
        "no_contact.html",
    ]
    assert sorted(p.name for p in (site / "assets").iterdir()) == ["report.css", "report.js"]
    assert "HOUSE-17-1-1" in (site / "index.html").read_text(encoding="utf-8")


def test_the_installed_linter_chooses_the_shipped_sets_as_the_checkout_does(
    installed: Installed, workdir: Path
) -> None:
    # sample.policy targets `cn`: its sets come from the wheel's checker/requirements.
    result = _same(installed, ["lint", "--no-cache", "sample.policy"], workdir)
    assert result.returncode in (0, 1)
    assert "1 document, " in result.stdout
    assert "1 document, 0 requirements" not in result.stdout


def test_the_installed_rules_command_lists_every_shipped_requirement(
    installed: Installed, workdir: Path
) -> None:
    result = _same(installed, ["rules", "--format", "json"], workdir)
    assert result.returncode == 0
    rules = json.loads(result.stdout)
    assert rules, "no requirement is shipped"
    assert all({"id", "title", "law", "article", "severity"} <= set(rule) for rule in rules)
    assert len({rule["id"] for rule in rules}) == len(rules)

    # explain reads the requirement's cases (checker/requirements/cases) and the error catalogue
    # (checker/docs/errors.md) from the wheel.
    _same(installed, ["explain", rules[0]["id"]], workdir)
    _same(installed, ["explain", "E103"], workdir)
