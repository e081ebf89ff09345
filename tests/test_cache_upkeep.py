"""The cache directory stays bounded: entries unused for a week go, used ones stay, the sweep runs
at most once a day, and nothing outside the report entries is touched."""

from __future__ import annotations

import os
import shutil
import time
from pathlib import Path

import pytest

from checker.cli import main
from checker.commands import cache_upkeep
from checker.commands.cache_upkeep import MAX_AGE, SWEEP_EVERY, sweep

DATA = Path(__file__).parent / "data"
RULES = str(DATA / "house_rules.yaml")
POLICY = """\
document { title = "Shop" source = "notice.txt" jurisdictions = [other] }
handler { legal_name = "Shop Ltd" contact = unstated cite "1" "We are Shop Ltd." }
"""
DAY = 24 * 3600


@pytest.fixture()
def project(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    (tmp_path / "shop.policy").write_text(POLICY, encoding="utf-8")
    shutil.copy(DATA / "notice.txt", tmp_path / "notice.txt")
    monkeypatch.chdir(tmp_path)
    return tmp_path


def lint(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str]:
    code = main(["lint", "shop.policy", "--requirements", RULES, "--jobs", "1", *args])
    return code, capsys.readouterr().out


def entries(project: Path) -> list[Path]:
    cache = project / ".policycheck_cache"
    return sorted(p for p in cache.glob("??/*") if p.is_file())


def age(path: Path, seconds: float) -> None:
    path.touch()
    then = time.time() - seconds
    os.utime(path, (then, then))


def test_entries_unused_for_a_week_are_removed_and_others_kept(
    project: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    first = lint(capsys)
    written = entries(project)
    assert written, "a run with the cache on writes entries"
    cache = project / ".policycheck_cache"
    stale = cache / written[0].parent.name / ("0" * 64 + ".json")
    stale.write_text("an entry of a policy that no longer exists", encoding="utf-8")
    unfinished = cache / written[0].parent.name / ".abc.json.123.tmp"
    unfinished.write_text("a write that never finished", encoding="utf-8")
    recent = cache / written[0].parent.name / ("1" * 64 + ".json")
    recent.write_text("used yesterday", encoding="utf-8")
    compiled = cache / "derived" / ("2" * 64 + ".json")
    compiled.parent.mkdir(exist_ok=True)
    compiled.write_text("a compiled set: bounded by the derived store itself", encoding="utf-8")
    age(compiled, MAX_AGE + DAY)
    age(stale, MAX_AGE + DAY)
    age(unfinished, MAX_AGE + DAY)
    age(recent, DAY)
    age(cache / cache_upkeep.MARKER, SWEEP_EVERY + 60)

    assert lint(capsys) == first
    assert not stale.exists() and not unfinished.exists()
    assert recent.exists() and all(p.exists() for p in written)
    assert (cache / ".gitignore").exists()
    assert compiled.exists(), "the compiled sets have their own bound"


def test_a_cache_in_use_keeps_serving_after_sweeps(
    project: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    """A hit renews what it read: six days later the run is served from the cache, and a sweep
    two days after that keeps what that run used."""
    first = lint(capsys)
    cache = project / ".policycheck_cache"
    for entry in entries(project):
        age(entry, MAX_AGE - DAY)
    assert lint(capsys) == first
    age(cache / cache_upkeep.MARKER, SWEEP_EVERY + 60)
    sweep(cache, time.time() + 2 * DAY)

    import checker.notice.loading

    def no_parsing(*args: object, **kwargs: object) -> None:
        raise AssertionError("parsed although the cache was in use")

    monkeypatch.setattr(checker.notice.loading, "load_policy", no_parsing)
    assert lint(capsys) == first


def test_the_sweep_runs_at_most_once_a_day(project: Path) -> None:
    cache = project / ".policycheck_cache" / "ab"
    cache.mkdir(parents=True)
    old = cache / ("ab" * 32 + ".json")
    old.write_text("{}", encoding="utf-8")
    age(old, MAX_AGE + DAY)
    now = time.time()
    assert sweep(project / ".policycheck_cache", now) == 1
    old.write_text("{}", encoding="utf-8")
    age(old, MAX_AGE + DAY)
    assert sweep(project / ".policycheck_cache", now + SWEEP_EVERY / 2) == 0
    assert old.exists()
    assert sweep(project / ".policycheck_cache", now + SWEEP_EVERY + 1) == 1
    assert not old.exists()


def test_only_the_entry_folders_are_swept(project: Path) -> None:
    cache = project / ".policycheck_cache"
    mine = cache / "notes" / "keep.txt"
    mine.parent.mkdir(parents=True)
    mine.write_text("not an entry", encoding="utf-8")
    age(mine, MAX_AGE + DAY)
    assert sweep(cache) == 0
    assert mine.exists()


def test_no_cache_directory_is_made_by_sweeping(tmp_path: Path) -> None:
    assert sweep(tmp_path / "nothing-here") == 0
    assert not (tmp_path / "nothing-here").exists()


def test_no_cache_leaves_the_directory_alone(
    project: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    lint(capsys)
    cache = project / ".policycheck_cache"
    stale = entries(project)[0]
    age(stale, MAX_AGE + DAY)
    age(cache / cache_upkeep.MARKER, SWEEP_EVERY + 60)
    lint(capsys, "--no-cache")
    assert stale.exists()
