"""Timings of the review commands: `init`, `diff` and `diff --agreement`, each beside `lint`.

    .venv/bin/python bench/review.py [--docs N] [--repeat R] [--out FILE]

Every `diff` figure is given with the time of `policycheck lint --no-cache` over the same
policies in the same run, as its baseline (a diff lints at most twice what a lint does: the base
and the head). All runs are subprocesses of the installed `policycheck`, as a user or CI runs it,
in temporary git repositories; the median of R runs is reported.

  bundled: the five notices of policies/ and their texts
    init     `policycheck init` of each notice text (median per notice)
    lint     `policycheck lint --no-cache policies`
    diff-1   `policycheck diff --no-cache` with one policy edited in the work tree
    diff-rq  `policycheck diff --no-cache HEAD --requirements rules/pipl.yaml` after a change to
             that requirement file, so every policy is linted on both sides
    agree    `policycheck diff A B --agreement` of two encodings of one notice
  corpus: N generated notices (bench/generate.py, default 1,000), the same measurements but init
    (of 20 notices) and agree (not defined on generated pairs)

Results are printed as a table and written as JSON (default bench/out/review.json).
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
TOOL = str(Path(sys.executable).parent / "policycheck")
GIT_ENV = {
    "GIT_AUTHOR_NAME": "bench",
    "GIT_AUTHOR_EMAIL": "bench@example.com",
    "GIT_COMMITTER_NAME": "bench",
    "GIT_COMMITTER_EMAIL": "bench@example.com",
    "GIT_CONFIG_NOSYSTEM": "1",
    "GIT_CONFIG_GLOBAL": os.devnull,
}


def git(repo: Path, *args: str) -> None:
    subprocess.run(
        ["git", *args], cwd=repo, check=True, capture_output=True, env={**os.environ, **GIT_ENV}
    )


def timed(argv: list[str], cwd: Path, ok: tuple[int, ...] = (0, 1)) -> float:
    start = time.perf_counter()
    done = subprocess.run(argv, cwd=cwd, capture_output=True, text=True)
    took = time.perf_counter() - start
    if done.returncode not in ok:
        raise SystemExit(f"{' '.join(argv)} exited {done.returncode}:\n{done.stderr[-2000:]}")
    return took


def median(repeat: int, run: Callable[[], float]) -> float:
    return statistics.median(run() for _ in range(repeat))


def repository(policies: Path, folder: Path) -> Path:
    """A git repository holding a copy of `policies` (and the shipped PIPL set as a file)."""
    repo = folder / "repo"
    shutil.copytree(policies, repo / "policies", ignore=shutil.ignore_patterns(".*"))
    (repo / "rules").mkdir()
    shutil.copy(ROOT / "requirements" / "pipl.yaml", repo / "rules" / "pipl.yaml")
    git(repo, "init", "-q", "-b", "main")
    git(repo, "add", "-A")
    git(repo, "commit", "-q", "-m", "corpus")
    return repo


def edit_one_policy(repo: Path) -> Path:
    """Change one fact of the first policy (a consent read as bundled); return the file."""
    policy = sorted((repo / "policies").glob("*.policy"))[0]
    text = policy.read_text(encoding="utf-8")
    for old, new in (("= explicit", "= bundled"), ("= separate", "= bundled"), ("= yes", "= no")):
        if old in text:
            policy.write_text(text.replace(old, new, 1), encoding="utf-8")
            return policy
    raise SystemExit(f"nothing to edit in {policy}")


def edit_requirements(repo: Path) -> None:
    rules = repo / "rules" / "pipl.yaml"
    text = rules.read_text(encoding="utf-8")
    # One rule made stricter: a warning becomes an error (every verdict is recomputed anyway).
    rules.write_text(text.replace("severity: warning", "severity: error", 1), encoding="utf-8")


def measure(policies: Path, repeat: int, init_count: int, agreement: bool) -> dict[str, float]:
    figures: dict[str, float] = {}
    with tempfile.TemporaryDirectory(prefix="policycheck-bench-") as tmp:
        folder = Path(tmp)
        repo = repository(policies, folder)
        notices = sorted((repo / "policies" / "sources").glob("*.txt"))[:init_count]
        out = folder / "init"
        out.mkdir()

        def init_all() -> float:
            total = 0.0
            for notice in notices:
                target = out / f"{notice.stem}.policy"
                total += timed([TOOL, "init", str(notice), "-o", str(target), "--force"], repo)
            return total / len(notices)

        figures["init"] = median(repeat, init_all)
        figures["lint"] = median(
            repeat, lambda: timed([TOOL, "lint", "--no-cache", "policies"], repo)
        )
        edited = edit_one_policy(repo)
        figures["diff-1"] = median(repeat, lambda: timed([TOOL, "diff", "--no-cache"], repo))
        git(repo, "checkout", "-q", "--", str(edited.relative_to(repo)))
        edit_requirements(repo)
        figures["diff-rq"] = median(
            repeat,
            lambda: timed(
                [TOOL, "diff", "--no-cache", "HEAD", "--requirements", "rules/pipl.yaml"], repo
            ),
        )
        if agreement:
            sys.path.insert(0, str(ROOT / "tests"))
            from two_encodings import write_two_encodings

            pair = folder / "pair"
            a, b = write_two_encodings(pair)
            figures["agree"] = median(
                repeat, lambda: timed([TOOL, "diff", str(a), str(b), "--agreement"], pair)
            )
    return figures


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--docs", type=int, default=1000, help="generated notices (0: none)")
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--out", type=Path, default=HERE / "out" / "review.json")
    args = parser.parse_args()

    results: dict[str, object] = {
        "machine": {"cpus": os.cpu_count(), "python": platform.python_version()},
        "repeat": args.repeat,
    }
    results["bundled"] = measure(ROOT / "policies", args.repeat, 5, agreement=True)
    if args.docs:
        corpus = HERE / "out" / f"corpus-{args.docs}"
        if not corpus.exists():
            subprocess.run(
                [sys.executable, str(HERE / "generate.py"), str(args.docs), "--out", str(corpus)],
                check=True,
            )
        results["corpus"] = measure(corpus, args.repeat, 20, agreement=False)
    for name in ("bundled", "corpus"):
        figures = results.get(name)
        if not isinstance(figures, dict):
            continue
        lint = figures["lint"]
        print(f"\n{name}")
        for key, seconds in figures.items():
            ratio = "" if key in ("lint", "init", "agree") else f"  ({seconds / lint:.2f}x lint)"
            print(f"  {key:8} {seconds:8.3f} s{ratio}")
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(results, indent=2) + "\n", encoding="utf-8")


if __name__ == "__main__":
    main()
