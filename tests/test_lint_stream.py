"""`policycheck lint` writes each document as it is checked: the bytes do not depend on how.

Workers render their documents and the parent writes them in order, so `--jobs 2` must print
exactly what `--jobs 1` prints, a run served from the cache exactly what a fresh one prints, and
the streamed report exactly what the reporter makes of the whole run held in memory — in every
format, with passed requirements, input errors and a baseline in play.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from checker.cli import main
from checker.commands.lint import run_lint
from checker.reporters import FORMATS
from checker.reporters.run import LintOptions

ROOT = Path(__file__).resolve().parents[1]
COPIES = 3  # 6 notices x 3: more files than one worker takes, so --jobs 2 uses a pool


@pytest.fixture(scope="module")
def corpus(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("corpus")
    shutil.copytree(ROOT / "policies" / "sources", folder / "sources")
    for policy in sorted((ROOT / "policies").glob("*.policy")):
        for i in range(COPIES):
            shutil.copy(policy, folder / f"{policy.stem}_{i}.policy")
    (folder / "broken.policy").write_text('document { titel = "x" }\n', encoding="utf-8")
    return folder


def lint(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    code = main(["lint", *args])
    out, err = capsys.readouterr()
    return code, out, err


FORMAT_NAMES = sorted(FORMATS)


@pytest.mark.parametrize("fmt", FORMAT_NAMES)
def test_two_jobs_print_what_one_job_prints(
    corpus: Path, capsys: pytest.CaptureFixture[str], fmt: str
) -> None:
    args = [str(corpus), "--format", fmt, "--show-passed", "--no-cache"]
    one = lint(capsys, *args, "--jobs", "1")
    two = lint(capsys, *args, "--jobs", "2")
    assert one == two
    assert one[0] == 2, "the broken policy is an input error"
    assert "E202" in one[2] or "E202" in one[1]


@pytest.mark.parametrize("fmt", FORMAT_NAMES)
def test_a_cached_run_prints_what_a_fresh_run_prints(
    corpus: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str], fmt: str
) -> None:
    work = tmp_path / "work"
    shutil.copytree(corpus, work)
    (work / "pyproject.toml").write_text("[tool.policycheck]\n", encoding="utf-8")
    args = [str(work), "--format", fmt, "--jobs", "1"]
    fresh = lint(capsys, *args, "--no-cache")
    first = lint(capsys, *args)  # fills the cache
    assert any((work / ".policycheck_cache").rglob("*.json"))
    second = lint(capsys, *args)
    assert fresh == first == second


@pytest.mark.parametrize("fmt", FORMAT_NAMES)
def test_the_streamed_report_is_the_report_of_the_whole_run(
    corpus: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str], fmt: str
) -> None:
    policies = sorted(corpus.glob("[a-z]*_0.policy"))
    output = tmp_path / "report.out"
    args = [*map(str, policies), "--format", fmt, "--no-cache", "--output", str(output)]
    assert lint(capsys, *args)[0] == 1
    run = run_lint(LintOptions(paths=tuple(policies)))
    run.texts.update({str(p): p.read_text(encoding="utf-8") for p in policies})
    assert output.read_text(encoding="utf-8") == FORMATS[fmt](run, False)


@pytest.mark.parametrize("fmt", FORMAT_NAMES)
def test_a_baseline_gives_the_same_bytes_with_any_number_of_jobs(
    corpus: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str], fmt: str
) -> None:
    policies = [str(p) for p in sorted(corpus.glob("*_[0-9].policy"))]
    baseline = tmp_path / "baseline.json"
    recorded = policies[: len(policies) // 2]
    assert lint(capsys, *recorded, "--write-baseline", str(baseline), "--no-cache")[0] == 0
    args = [*policies, "--format", fmt, "--baseline", str(baseline)]
    one = lint(capsys, *args, "--no-cache", "--jobs", "1")
    two = lint(capsys, *args, "--no-cache", "--jobs", "2")
    assert one == two
    assert one[0] == 1
    (tmp_path / "pyproject.toml").write_text("[tool.policycheck]\n", encoding="utf-8")
    cached = [str(shutil.copy(p, tmp_path)) for p in policies]
    shutil.copytree(corpus / "sources", tmp_path / "sources")
    args = [*cached, "--format", fmt, "--baseline", str(baseline), "--jobs", "1"]
    fresh = lint(capsys, *args, "--no-cache")
    assert lint(capsys, *args) == fresh
    assert lint(capsys, *args) == fresh, "served from the cache"


def test_statistics_and_show_passed_are_the_same_from_the_cache(
    corpus: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    work = tmp_path / "work"
    shutil.copytree(corpus, work)
    (work / "pyproject.toml").write_text("[tool.policycheck]\n", encoding="utf-8")
    for flags in (["--statistics"], ["--show-passed"], ["--quiet"]):
        args = [str(work), "--jobs", "1", *flags]
        fresh = lint(capsys, *args, "--no-cache")
        assert lint(capsys, *args) == fresh
        assert lint(capsys, *args) == fresh, f"{flags} served from the cache"
