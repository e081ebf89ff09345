"""Lint at scale: flat memory, a cache that skips the work, parallel speed-up, JSON report size.

    python bench/stream.py [--small 100] [--large 10000] [--docs 800] [--code DIR] [--out FILE]

Each figure is a ratio of two runs of `python -m checker lint` measured here, in one run, on this
machine (see bench/README.md, "Lint at scale"):

1. memory: peak RSS of the lint process (`ru_maxrss` of the child) over `--large` generated
   notices against `--small` ones, in the text and JSON formats (`--jobs 1`, no cache);
2. cache: the wall time of a re-run of `--docs` notices served from a warm cache against the
   same run with `--no-cache`, in every format (`--jobs 1`), and the peak RSS of both;
3. parallel: `--jobs 2` against `--jobs 1` on `--docs` notices (text, no cache), wall time;
4. size: the bundled notices' `--format json --show-passed` report, in bytes.

`--code DIR` runs the `checker` package found in DIR instead of this repository's (for a
before/after: `git archive REV checker grammar requirements docs | tar -x -C DIR`). Corpora are
generated with bench/generate.py into bench/out/ and reused when already there.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
OUT = ROOT / "bench" / "out"
FORMATS = ("text", "json", "sarif", "github", "junit")


def corpus(n: int) -> Path:
    folder = OUT / f"stream-corpus-{n}"
    if not (folder / f"doc_{n - 1:04d}.policy").exists():
        subprocess.run(
            [sys.executable, str(ROOT / "bench" / "generate.py"), str(n), "--out", str(folder)]
            + ["--no-verify"],
            check=True,
        )
    return folder


def lint(code: Path, cwd: Path, *args: str) -> tuple[float, int, int]:
    """Wall seconds, peak RSS in KiB and bytes written of one lint process."""
    env = dict(os.environ, PYTHONPATH=str(code))
    with tempfile.TemporaryFile() as out:
        start = time.perf_counter()
        process = subprocess.Popen(
            [sys.executable, "-m", "checker", "lint", *args],
            cwd=cwd,
            env=env,
            stdout=out,
            stderr=subprocess.DEVNULL,
        )
        # wait4 gives this child's own peak, where RUSAGE_CHILDREN keeps the largest so far.
        _, status, usage = os.wait4(process.pid, 0)
        wall = time.perf_counter() - start
        process.returncode = os.waitstatus_to_exitcode(status)
        if process.returncode not in (0, 1):
            raise SystemExit(f"lint {' '.join(args)} exited {process.returncode}")
        return wall, usage.ru_maxrss, out.tell()


def memory(
    code: Path, small: int, large: int, formats: tuple[str, ...] = ("text", "json")
) -> dict[str, object]:
    result: dict[str, object] = {}
    for fmt in formats:
        peaks = []
        for n in (small, large):
            folder = corpus(n)
            _, peak, size = lint(code, folder, ".", "--format", fmt, "--no-cache", "--jobs", "1")
            peaks.append(peak)
            result[f"{fmt} {n} output bytes"] = size
        result[f"{fmt} peak KiB"] = peaks
        result[f"{fmt} ratio"] = round(peaks[1] / peaks[0], 2)
    return result


def cache(code: Path, docs: int, repeat: int) -> dict[str, object]:
    source = corpus(docs)
    result: dict[str, object] = {}
    with tempfile.TemporaryDirectory(prefix="policycheck-stream-") as tmp:
        work = Path(tmp) / "corpus"
        shutil.copytree(source, work)
        (work / "pyproject.toml").write_text("[tool.policycheck]\n", encoding="utf-8")
        for fmt in FORMATS:
            args = (".", "--format", fmt, "--jobs", "1")
            fresh = [lint(code, work, *args, "--no-cache") for _ in range(repeat)]
            lint(code, work, *args)  # fills the cache
            warm = [lint(code, work, *args) for _ in range(repeat)]
            uncached = statistics.median(w for w, _, _ in fresh)
            cached = statistics.median(w for w, _, _ in warm)
            result[fmt] = {
                "uncached s": round(uncached, 3),
                "cached s": round(cached, 3),
                "ratio": round(cached / uncached, 3),
                "uncached peak KiB": max(p for _, p, _ in fresh),
                "cached peak KiB": max(p for _, p, _ in warm),
            }
    return result


def _burn(_: int) -> int:
    total = 0
    for i in range(10_000_000):
        total += i
    return total


def ceiling() -> float:
    """The speed-up two processes get here now on pure CPU work: what --jobs 2 could reach. On a
    shared machine another load may hold a CPU, and no lint can beat this."""
    import multiprocessing

    start = time.perf_counter()
    _burn(0)
    _burn(0)
    serial = time.perf_counter() - start
    start = time.perf_counter()
    with multiprocessing.get_context("fork").Pool(2) as pool:
        pool.map(_burn, [0, 0])
    return serial / (time.perf_counter() - start)


def parallel(code: Path, docs: int, repeat: int) -> dict[str, object]:
    folder = corpus(docs)
    walls: dict[int, list[float]] = {1: [], 2: []}
    ceilings = []
    for _ in range(repeat):  # interleaved, so a busy moment hits both
        ceilings.append(ceiling())
        for jobs in (1, 2):
            walls[jobs].append(lint(code, folder, ".", "--no-cache", "--jobs", str(jobs))[0])
    one, two = (statistics.median(walls[j]) for j in (1, 2))
    return {
        "jobs 1 s": round(one, 3),
        "jobs 2 s": round(two, 3),
        "speed-up": round(one / two, 2),
        "two-process ceiling": round(statistics.median(ceilings), 2),
    }


def size(code: Path) -> dict[str, object]:
    with tempfile.TemporaryDirectory(prefix="policycheck-stream-") as tmp:
        # Run from a copy: `python -m` puts the working directory first on the path, and this
        # repository's checker would then hide the one in `code`.
        shutil.copytree(ROOT / "policies", Path(tmp) / "policies")
        args = ("policies", "--format", "json", "--show-passed", "--no-cache")
        _, _, written = lint(code, Path(tmp), *args)
    return {"bytes": written}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--small", type=int, default=100)
    parser.add_argument("--large", type=int, default=10_000)
    parser.add_argument("--docs", type=int, default=800)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--code", type=Path, default=ROOT, help="where the checker package is")
    parser.add_argument("--only", choices=("memory", "cache", "parallel", "size"), nargs="*")
    parser.add_argument(
        "--formats", nargs="*", default=None, help="memory: these formats (default: text json)"
    )
    parser.add_argument("--out", type=Path, default=OUT / "stream.json")
    args = parser.parse_args()
    code = args.code.resolve()
    wanted = args.only or ("size", "memory", "cache", "parallel")
    results: dict[str, object] = {"code": str(code), "cpus": os.cpu_count()}
    if "size" in wanted:
        results["size"] = size(code)
    if "memory" in wanted:
        results["memory"] = memory(
            code, args.small, args.large, tuple(args.formats or ("text", "json"))
        )
    if "cache" in wanted:
        results["cache"] = cache(code, args.docs, args.repeat)
    if "parallel" in wanted:
        results["parallel"] = parallel(code, args.docs, args.repeat)
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(results, indent=2) + "\n", encoding="utf-8")
    print(json.dumps(results, indent=2))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
