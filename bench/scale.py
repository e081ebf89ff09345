"""The seven figures of linting at scale, each a ratio measured in one run on one machine.

    .venv/bin/python bench/scale.py [--docs 800] [--big 10000] [--small 100] [--repeat 3]
                                    [--out bench/out/scale.json]

Every figure runs the installed `policycheck` as a user does (a subprocess, its peak resident set
read from the kernel's accounting of that child), beside a baseline run in the same session:

1. streaming: peak RSS of `lint --no-cache --jobs 1` over `--big` generated notices against the
   same over `--small` (target <= 1.5);
2. compact JSON: bytes of `lint --format json --show-passed policies` against the report of the
   same notices before the compact schema (`JSON_BEFORE`, measured on policies/ as it was; target
   <= 0.25);
3. cache: a cached re-run of `--docs` notices against the uncached run, per format (wall time,
   target <= 0.10), and the cached run's peak RSS against the uncached one's (target <= 1.0);
4. parallel: `--jobs 2` against `--jobs 1` over `--docs` notices, no cache (speed-up, target
   >= 1.7); the two outputs must be identical;
5. cold start: `lint --jobs 1` of one small notice just edited (its report not cached, the
   compiled requirement sets kept from an earlier run: a pre-commit hook's run) against
   `python -c "import lark, pydantic, yaml"` (target <= 1.5); `--no-cache` beside it;
6. public APIs: building the facts of `--docs` notices (in process) against a bare Lark parse of
   the same files (a share, no target: what making facts without pydantic costs);
7. throughput: a bare Lark parse of `--docs` notices in a process of its own against
   `lint --no-cache --jobs 1` over them (speed-up, target >= 3), and against the floor (`FLOOR`):
   what no lint of those files can skip, so how far any rework of the stages above it can go.

Corpora come from bench/generate.py (written once under bench/out/, each with a pyproject.toml of
its own so that its cache lies inside it). Wall-time figures are medians of `--repeat` interleaved
runs. Nothing here is asserted by a test.
"""

from __future__ import annotations

import argparse
import gc
import json
import os
import shutil
import statistics
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
OUT = HERE / "out"
POLICYCHECK = Path(sys.executable).with_name("policycheck")
FORMATS = ("text", "json", "sarif", "github", "junit")

JSON_BEFORE = 3_760_186
"""Bytes of `policycheck lint --format json --show-passed policies` before the compact schema
(schema 1, policies/ of 2026-12-04: six notices, 123 requirements)."""

BARE_PARSE = """
import sys
from pathlib import Path
import lark
grammar = Path(sys.argv[1]).read_text(encoding="utf-8")
parser = lark.Lark(grammar, parser="lalr", propagate_positions=True)
for path in sorted(Path(sys.argv[2]).glob("*.policy")):
    parser.parse(path.read_text(encoding="utf-8"))
"""


FLOOR = r"""
import re
import sys
from pathlib import Path

import checker.commands.lint_output  # the modules a lint imports
import checker.rules.engine
from checker.language.scanner import _LINE
from checker.notice.anchoring import places, prepare
from checker.rules.requirements import resolve_sets, sets_for_jurisdictions

QUOTE = re.compile(r'cite "(?:[^"\\]|\\.)*" "((?:[^"\\]|\\.)*)"')
resolve_sets(sets_for_jurisdictions(("cn", "eu")))  # compiling the sets, as `--no-cache` does
for path in sorted(Path(sys.argv[1]).glob("*.policy")):
    text = path.read_text(encoding="utf-8")
    for line in text.split("\n"):
        if line:
            _LINE.fullmatch(line)
    notice = prepare((path.parent / "sources" / (path.stem + ".txt")).read_text(encoding="utf-8"))
    for quote in QUOTE.findall(text):
        places(notice, quote)
"""
"""What no lint of these files can skip, as one process: its start-up (imports, compiling the
requirement sets), reading each policy and its notice, one match of the scanner's line pattern
per policy line, and finding each quote in the normalised notice. Facts, verdicts and the report
come on top of this."""

# As on a user's machine, Python keeps the compiled bytecode of every module it imports: with
# PYTHONDONTWRITEBYTECODE set (some shells and containers set it), each run compiles the checker's
# modules from source again, while the baseline's libraries were compiled when pip installed them.
ENV = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}


def run(cmd: list[str], cwd: Path, stdout: Any = subprocess.DEVNULL) -> tuple[float, int, int]:
    """Wall seconds, peak RSS (KiB) and exit code of one subprocess."""
    start = time.perf_counter()
    proc = subprocess.Popen(cmd, cwd=cwd, stdout=stdout, stderr=subprocess.DEVNULL, env=ENV)
    _, status, usage = os.wait4(proc.pid, 0)
    proc.returncode = os.waitstatus_to_exitcode(status)
    return time.perf_counter() - start, usage.ru_maxrss, proc.returncode


def lint(corpus: Path, *args: str) -> list[str]:
    return [str(POLICYCHECK), "lint", "--color", "never", *args, str(corpus)]


def checked(result: tuple[float, int, int], what: str) -> tuple[float, int, int]:
    if result[2] not in (0, 1):
        raise SystemExit(f"{what}: exit code {result[2]} (input errors or a crash)")
    return result


def interleaved(actions: dict[str, Any], repeat: int) -> dict[str, list[tuple[float, int, int]]]:
    """Run each action `repeat` times in rotating order, after one warm-up of each."""
    for action in actions.values():
        action()
    got: dict[str, list[tuple[float, int, int]]] = {k: [] for k in actions}
    names = list(actions)
    for i in range(repeat):
        for name in names[i % len(names) :] + names[: i % len(names)]:
            gc.collect()
            got[name].append(actions[name]())
    return got


def median_wall(samples: list[tuple[float, int, int]]) -> float:
    return statistics.median(s[0] for s in samples)


def corpus(count: int) -> Path:
    path = OUT / f"scale-{count}"
    if not (path / "pyproject.toml").exists():
        print(f"  generating {count} notices in {path} ...", file=sys.stderr)
        shutil.rmtree(path, ignore_errors=True)
        subprocess.run(
            [sys.executable, str(HERE / "generate.py"), str(count), "--out", str(path)],
            check=True,
            stdout=subprocess.DEVNULL,
        )
        (path / "pyproject.toml").write_text("[tool.policycheck]\n", encoding="utf-8")
    return path


def fresh(path: Path) -> Path:
    shutil.rmtree(path / ".policycheck_cache", ignore_errors=True)
    return path


def streaming(small: Path, big: Path) -> dict[str, Any]:
    rss = {}
    for name, path in (("small", small), ("big", big)):
        _, rss[name], _ = checked(run(lint(path, "--no-cache", "--jobs", "1"), path), name)
    return {"small_kib": rss["small"], "big_kib": rss["big"], "ratio": rss["big"] / rss["small"]}


def compact_json() -> dict[str, Any]:
    out = OUT / "scale-report.json"
    with out.open("wb") as sink:
        cmd = lint(Path("policies"), "--no-cache", "--format", "json", "--show-passed")
        checked(run(cmd, ROOT, sink), "json")
    size = out.stat().st_size
    return {"bytes": size, "before": JSON_BEFORE, "ratio": size / JSON_BEFORE}


def cache(path: Path, repeat: int) -> dict[str, Any]:
    figures: dict[str, Any] = {}
    for fmt in FORMATS:
        cmd = lint(path, "--jobs", "1", "--format", fmt)
        got = interleaved(
            {
                "uncached": lambda cmd=cmd: checked(run(cmd, fresh(path)), "uncached"),
                "cached": lambda cmd=cmd: checked(run(cmd, path), "cached"),
            },
            repeat,
        )
        uncached, cached = median_wall(got["uncached"]), median_wall(got["cached"])
        peak_uncached = max(s[1] for s in got["uncached"])
        peak_cached = max(s[1] for s in got["cached"])
        figures[fmt] = {
            "uncached_s": uncached,
            "cached_s": cached,
            "ratio": cached / uncached,
            "rss_ratio": peak_cached / peak_uncached,
        }
    return figures


def parallel(path: Path, repeat: int) -> dict[str, Any]:
    outputs = {}
    for jobs in ("1", "2"):
        out = OUT / f"scale-jobs{jobs}.txt"
        with out.open("wb") as sink:
            checked(run(lint(path, "--no-cache", "--jobs", jobs), path, sink), f"jobs {jobs}")
        outputs[jobs] = out.read_bytes()
    commands = {jobs: lint(path, "--no-cache", "--jobs", jobs) for jobs in ("1", "2")}
    got = interleaved(
        {k: lambda cmd=cmd: checked(run(cmd, path), "parallel") for k, cmd in commands.items()},
        repeat,
    )
    one, two = median_wall(got["1"]), median_wall(got["2"])
    return {
        "jobs1_s": one,
        "jobs2_s": two,
        "speedup": one / two,
        "same_output": outputs["1"] == outputs["2"],
    }


def cold_start(path: Path, repeat: int) -> dict[str, Any]:
    """A pre-commit hook's run: one small notice, just edited (so its report is not cached),
    with the compiled requirement sets kept from an earlier run; and the same with `--no-cache`
    (every set compiled from its YAML), beside the imports baseline."""
    small = min(path.glob("*.policy"), key=lambda p: p.stat().st_size)
    original = small.read_bytes()
    edits = iter(range(1_000_000))

    def edited() -> tuple[float, int, int]:
        small.write_bytes(original + f"# edit {next(edits)}\n".encode())
        return checked(run(lint(small, "--jobs", "1"), path), "one-file lint")

    try:
        got = interleaved(
            {
                "imports": lambda: run([sys.executable, "-c", "import lark, pydantic, yaml"], path),
                "lint": edited,
                "no_cache": lambda: checked(
                    run(lint(small, "--no-cache", "--jobs", "1"), path), "one-file lint"
                ),
            },
            repeat * 5,
        )
    finally:
        small.write_bytes(original)
    imports, one = median_wall(got["imports"]), median_wall(got["lint"])
    no_cache = median_wall(got["no_cache"])
    return {
        "imports_s": imports,
        "lint_s": one,
        "ratio": one / imports,
        "no_cache_s": no_cache,
        "no_cache_ratio": no_cache / imports,
    }


def build_share(path: Path, repeat: int) -> dict[str, Any]:
    sys.path.insert(0, str(ROOT))
    import lark

    from checker.language.build import build_policy
    from checker.language.syntax import parse_syntax

    texts = [p.read_text(encoding="utf-8") for p in sorted(path.glob("*.policy"))]
    trees = [parse_syntax(t) for t in texts]
    parser = lark.Lark(
        (ROOT / "grammar" / "policy.lark").read_text(encoding="utf-8"),
        parser="lalr",
        propagate_positions=True,
    )

    def timed(action: Any) -> float:
        samples = []
        for _ in range(repeat):
            gc.collect()
            start = time.process_time()
            action()
            samples.append(time.process_time() - start)
        return statistics.median(samples)

    build = timed(lambda: [build_policy(t, "p.policy") for t in trees])
    bare = timed(lambda: [parser.parse(t) for t in texts])
    return {"build_s": build, "bare_parse_s": bare, "ratio": build / bare}


def throughput(path: Path, repeat: int) -> dict[str, Any]:
    grammar = str(ROOT / "grammar" / "policy.lark")
    got = interleaved(
        {
            "bare": lambda: run([sys.executable, "-c", BARE_PARSE, grammar, str(path)], path),
            "lint": lambda: checked(run(lint(path, "--no-cache", "--jobs", "1"), path), "lint"),
            "floor": lambda: run([sys.executable, "-c", FLOOR, str(path)], path),
        },
        repeat,
    )
    bare, whole, floor = (median_wall(got[k]) for k in ("bare", "lint", "floor"))
    return {
        "bare_s": bare,
        "lint_s": whole,
        "speedup": bare / whole,
        "floor_s": floor,
        "floor_speedup": bare / floor,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--docs", type=int, default=800)
    parser.add_argument("--big", type=int, default=10_000)
    parser.add_argument("--small", type=int, default=100)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--out", type=Path, default=OUT / "scale.json")
    args = parser.parse_args()
    OUT.mkdir(exist_ok=True)
    os.sched_setaffinity(0, set(range(os.cpu_count() or 1)))
    docs, small, big = corpus(args.docs), corpus(args.small), corpus(args.big)
    results: dict[str, Any] = {"docs": args.docs, "small": args.small, "big": args.big}
    steps = (
        ("1. streaming", lambda: streaming(small, big)),
        ("2. compact JSON", compact_json),
        ("3. cache", lambda: cache(docs, args.repeat)),
        ("4. parallel", lambda: parallel(docs, args.repeat)),
        ("5. cold start", lambda: cold_start(docs, args.repeat)),
        ("6. fact building", lambda: build_share(docs, args.repeat)),
        ("7. throughput", lambda: throughput(docs, args.repeat)),
    )
    for name, step in steps:
        print(f"  {name} ...", file=sys.stderr)
        results[name] = step()
        print(f"{name}: {json.dumps(results[name])}")
    args.out.write_text(json.dumps(results, indent=2) + "\n", encoding="utf-8")


if __name__ == "__main__":
    main()
