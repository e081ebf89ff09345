"""Speed benchmarks of policycheck against the targets of docs/design.md §7, with their baselines.

    .venv/bin/python bench/run.py [--docs N] [--out FILE] [--repeat R] [--seed S] [--quick]

Every figure is a ratio to a baseline measured in the same run on the same machine, so the
numbers mean the same on a laptop and in CI. In-process measurements and the single-process
subprocesses run pinned to one CPU; only `--jobs 2` is given every CPU.

  a. bare parse: `lark.Lark(grammar/policy.lark, parser="lalr", propagate_positions=True).parse()`
     of each corpus file (read from disk, as the pipeline reads it) - the baseline;
  b. pipeline: per file read -> checker.notice.loading.load_policy ->
     checker.rules.engine.evaluate against the sets `policycheck lint` would choose, and
     run_lint(LintOptions(jobs=1, cache_dir=None)) over the corpus (the lint path itself);
     throughput ratio to (a), target >= 2.0;
  c. cold start: `policycheck lint --no-cache --jobs 1 SMALL.policy` against
     `python -c "import lark, pydantic, yaml"`, subprocesses, target <= 1.5x;
  d. scaling: lint throughput at 1x, 4x and 16x the corpus (should stay flat);
  e. cache: a second `policycheck lint --jobs 1` over the unchanged corpus against the first with a
     fresh cache directory, target < 1/3;
  f. `--jobs 2` against `--jobs 1` over the corpus (no cache).

Corpora come from bench/generate.py and are kept under bench/out/ (git-ignored) between runs.
Results are printed as a table and written as JSON (default bench/out/results.json).
"""

from __future__ import annotations

import argparse
import datetime
import gc
import hashlib
import json
import os
import platform
import resource
import shutil
import statistics
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
OUT = HERE / "out"
sys.path.insert(0, str(HERE))

import generate  # noqa: E402  (bench/ is not a package)

# --- Measuring --------------------------------------------------------------------------------
#
# The machine may be shared, so every comparison is interleaved: each repetition runs the
# baseline and the measured action back to back (in rotating order), and drift or a busy
# neighbour hits both alike. Wall time (time.perf_counter) is the figure; CPU time
# (time.process_time, or the children's rusage for subprocesses) is kept beside it because it is
# far less disturbed by other load.


def measure(
    actions: dict[str, Callable[[], object]], repeat: int, warmup: int = 1
) -> dict[str, dict[str, Any]]:
    """Interleaved in-process timings: name -> summary of wall and CPU seconds."""
    for _ in range(warmup):
        for action in actions.values():
            action()
    walls: dict[str, list[float]] = {k: [] for k in actions}
    cpus: dict[str, list[float]] = {k: [] for k in actions}
    names = list(actions)
    for i in range(repeat):
        for name in names[i % len(names) :] + names[: i % len(names)]:
            gc.collect()
            wall, cpu = time.perf_counter(), time.process_time()
            actions[name]()
            walls[name].append(time.perf_counter() - wall)
            cpus[name].append(time.process_time() - cpu)
    return {k: summary(walls[k], cpus[k]) for k in actions}


def measure_commands(
    commands: dict[str, list[str]],
    cwd: Path,
    repeat: int,
    warmup: int = 1,
    every_cpu: bool = False,
    before: Callable[[str], None] | None = None,
) -> dict[str, dict[str, Any]]:
    """Interleaved subprocess timings (in the order given: `before` may prepare each one)."""
    for _ in range(warmup):
        for name, argv in commands.items():
            if before:
                before(name)
            run_command(argv, cwd, every_cpu)
    walls: dict[str, list[float]] = {k: [] for k in commands}
    cpus: dict[str, list[float]] = {k: [] for k in commands}
    for _ in range(repeat):
        for name, argv in commands.items():
            if before:
                before(name)
            wall, cpu = run_command(argv, cwd, every_cpu)
            walls[name].append(wall)
            cpus[name].append(cpu)
    return {k: summary(walls[k], cpus[k]) for k in commands}


def summary(walls: list[float], cpus: list[float]) -> dict[str, Any]:
    return {
        "median_s": statistics.median(walls),
        "min_s": min(walls),
        "max_s": max(walls),
        "cpu_median_s": statistics.median(cpus),
        "samples_s": [round(s, 5) for s in walls],
        "cpu_samples_s": [round(s, 5) for s in cpus],
    }


def pin_to_one_cpu() -> int | None:
    """Run on one CPU from here on (inherited by subprocesses); returns the CPU, if supported."""
    if not hasattr(os, "sched_setaffinity"):
        return None
    cpu = min(os.sched_getaffinity(0))
    os.sched_setaffinity(0, {cpu})
    return cpu


ALL_CPUS: set[int] = set(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else set()


def _all_cpus() -> None:
    if ALL_CPUS:
        os.sched_setaffinity(0, ALL_CPUS)


def run_command(argv: list[str], cwd: Path, every_cpu: bool = False) -> tuple[float, float]:
    """Wall and CPU seconds (user + system, the process and its children) of one subprocess."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    start = time.perf_counter()
    done = subprocess.run(
        argv,
        cwd=cwd,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        preexec_fn=_all_cpus if every_cpu else None,
        check=False,
    )
    elapsed = time.perf_counter() - start
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    if done.returncode not in (0, 1):
        raise SystemExit(f"{' '.join(argv)} exited {done.returncode}:\n{done.stderr.decode()}")
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    return elapsed, cpu


def ratio(top: dict[str, Any], bottom: dict[str, Any], key: str = "median_s") -> float:
    return float(top[key]) / float(bottom[key])


# --- Corpora --------------------------------------------------------------------------------


def corpus(
    count: int, seed: int, policy_kb: tuple[float, float] = generate.POLICY_KB
) -> tuple[Path, list[Path]]:
    """A generated corpus of `count` documents, reused when the generator has not changed."""
    sizes = "" if policy_kb == generate.POLICY_KB else f"-{policy_kb[0]:g}to{policy_kb[1]:g}kb"
    folder = OUT / f"corpus-{count}-seed{seed}{sizes}"
    stamp = hashlib.sha256((HERE / "generate.py").read_bytes()).hexdigest()
    manifest = folder / "manifest.json"
    wanted = {"count": count, "seed": seed, "policy_kb": list(policy_kb), "generator": stamp}
    try:
        if json.loads(manifest.read_text(encoding="utf-8")) == wanted:
            return folder, sorted(folder.glob("doc_*.policy"))
    except (OSError, ValueError):
        pass
    if folder.exists():
        shutil.rmtree(folder)
    print(f"  generating {count} documents in {folder.relative_to(ROOT)} ...", flush=True)
    paths = generate.write_corpus(folder, count, seed, policy_kb)
    # Its own (empty) configuration: the lint cache then lives in this folder.
    (folder / ".policycheck.toml").write_text("# benchmark corpus\n", encoding="utf-8")
    manifest.write_text(json.dumps(wanted), encoding="utf-8")
    return folder, paths


def size_of(paths: list[Path]) -> int:
    return sum(p.stat().st_size for p in paths)


# --- a/b: parse and pipeline throughput -------------------------------------------------------


def bare_parser() -> Any:
    import lark

    grammar = (ROOT / "grammar" / "policy.lark").read_text(encoding="utf-8")
    return lark.Lark(grammar, parser="lalr", propagate_positions=True)


def bare_pass(parser: Any, files: list[Path]) -> Callable[[], None]:
    def run() -> None:
        for path in files:
            parser.parse(path.read_text(encoding="utf-8"))

    return run


def forget_content_caches() -> None:
    """Drop caches keyed on file content, so each pass does the work a real run does once."""
    from checker.notice import anchoring

    clear = getattr(getattr(anchoring, "prepare", None), "cache_clear", None)
    if clear is not None:
        clear()


def pipeline_pass(files: list[Path], today: datetime.date) -> Callable[[], None]:
    """read -> load_policy (parse, facts, anchoring) -> evaluate, the sets chosen as lint does."""
    from checker.notice.loading import load_policy
    from checker.rules.engine import evaluate
    from checker.rules.requirements import resolve_sets, sets_for_jurisdictions

    def run() -> None:
        forget_content_caches()
        for path in files:
            policy, _ = load_policy(path, str(path))
            names = sets_for_jurisdictions(policy.document.jurisdictions or ())
            evaluate(policy, resolve_sets(names), today)

    return run


def lint_pass(files: list[Path]) -> Callable[[], Any]:
    from checker.commands.lint import run_lint
    from checker.reporters.run import LintOptions

    options = LintOptions(paths=tuple(files), jobs=1, cache_dir=None)

    def run() -> Any:
        forget_content_caches()
        return run_lint(options)

    return run


def check_lint(files: list[Path]) -> dict[str, Any]:
    """Lint once; refuse to benchmark a corpus with input errors. Returns what was evaluated."""
    run = lint_pass(files)()
    if run.errors:
        for error in run.errors[:20]:
            print(error.render(run.texts.get(error.path)), file=sys.stderr)
        raise SystemExit(f"{len(run.errors)} input errors in the corpus: not benchmarking it")
    outcomes = sum(len(r.outcomes) for r in run.reports)
    return {
        "documents": len(run.reports),
        "requirement_sets": sorted({s for r in run.reports for s in r.sets}),
        "requirements": len(run.requirements),
        "outcomes_evaluated": outcomes,
        "findings": len(run.findings()),
    }


def with_rates(result: dict[str, Any], nbytes: int, docs: int) -> dict[str, Any]:
    """Add MB/s and documents/s (from the median wall time) to a summary."""
    median = result["median_s"]
    result.update(
        {
            "bytes": nbytes,
            "documents": docs,
            "mb_per_s": nbytes / median / 1e6,
            "docs_per_s": docs / median,
            "cpu_mb_per_s": nbytes / result["cpu_median_s"] / 1e6,
        }
    )
    return result


def compare_throughput(
    actions: dict[str, Callable[[], object]], files: list[Path], repeat: int
) -> dict[str, Any]:
    nbytes = size_of(files)
    return {k: with_rates(v, nbytes, len(files)) for k, v in measure(actions, repeat).items()}


# --- The benchmark --------------------------------------------------------------------------


def machine() -> dict[str, Any]:
    import lark
    import pydantic

    from checker import __version__

    model = platform.processor() or platform.machine()
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                model = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    return {
        "cpu": model,
        "cpus_available": len(ALL_CPUS) or os.cpu_count(),
        "python": platform.python_version(),
        "lark": lark.__version__,
        "pydantic": pydantic.VERSION,
        "policycheck": __version__,
        "platform": platform.platform(),
        "date": datetime.datetime.now().isoformat(timespec="seconds"),
    }


def command_path() -> str:
    beside = Path(sys.executable).parent / "policycheck"
    found = str(beside) if beside.exists() else shutil.which("policycheck")
    if not found:
        raise SystemExit("policycheck is not installed (run bench/run.py with .venv/bin/python)")
    return found


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--docs", type=int, default=50, help="documents in the 1x corpus")
    parser.add_argument("--out", type=Path, default=OUT / "results.json")
    parser.add_argument("--repeat", type=int, default=7, help="timed repetitions (medians)")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--quick", action="store_true", help="fewer repetitions, no 16x corpus")
    parser.add_argument(
        "--policy-kb",
        type=generate.parse_range,
        default=generate.POLICY_KB,
        help="size range of the generated policies in KB, MIN:MAX (default 5:20)",
    )
    args = parser.parse_args(argv)
    repeat = 3 if args.quick else args.repeat
    today = datetime.date.today()
    cpu = pin_to_one_cpu()
    results: dict[str, Any] = {
        "machine": machine(),
        "pinned_cpu": cpu,
        "targets": TARGETS,
        "repeat": repeat,
        "load_average_before": os.getloadavg(),
    }
    policycheck = command_path()

    print("corpus", flush=True)
    folder, files = corpus(args.docs, args.seed, args.policy_kb)
    scales = (1, 4) if args.quick else (1, 4, 16)
    _, big_files = corpus(args.docs * scales[-1], args.seed, args.policy_kb)
    nbytes = size_of(files)
    notice_bytes = size_of(sorted((folder / "sources").glob("doc_*.txt")))
    evaluated = check_lint(files)
    results["corpus"] = {
        "folder": str(folder.relative_to(ROOT)),
        "documents": len(files),
        "policy_bytes": nbytes,
        "notice_bytes": notice_bytes,
        "seed": args.seed,
        **evaluated,
    }
    print(
        f"  {len(files)} documents, {nbytes / 1e6:.2f} MB of policies, "
        f"{notice_bytes / 1e6:.2f} MB of notices; {evaluated['requirements']} requirements "
        f"in sets {evaluated['requirement_sets'] or '(none shipped)'}, "
        f"{evaluated['outcomes_evaluated']} outcomes"
    )

    # a, b ------------------------------------------------------------------------------------
    print("a/b. throughput, in-process, one CPU", flush=True)
    bare = bare_parser()
    t: dict[str, Any] = compare_throughput(
        {
            "bare": bare_pass(bare, files),
            "pipeline": pipeline_pass(files, today),
            "lint": lint_pass(files),
        },
        files,
        repeat,
    )
    t["ratio_pipeline_over_bare"] = ratio(t["bare"], t["pipeline"])
    t["ratio_lint_over_bare"] = ratio(t["bare"], t["lint"])
    t["ratio_lint_over_bare_cpu"] = ratio(t["bare"], t["lint"], "cpu_median_s")
    t["real_policies"] = real_corpus(bare, repeat)
    results["throughput"] = t

    # c ---------------------------------------------------------------------------------------
    print("c. cold start, subprocesses, one CPU", flush=True)
    small = min(files, key=lambda p: p.stat().st_size)
    cold = measure_commands(
        {
            "baseline": [sys.executable, "-c", "import lark, pydantic, yaml"],
            "import_checker": [sys.executable, "-c", "import checker.cli"],
            "lint_one_file": [policycheck, "lint", "--no-cache", "--jobs", "1", str(small)],
        },
        folder,
        repeat=max(repeat * 3, 11),
        warmup=3,
    )
    results["cold_start"] = {
        "file": str(small.relative_to(ROOT)),
        "file_bytes": small.stat().st_size,
        **cold,
        "ratio": ratio(cold["lint_one_file"], cold["baseline"]),
        "ratio_cpu": ratio(cold["lint_one_file"], cold["baseline"], "cpu_median_s"),
    }

    # d ---------------------------------------------------------------------------------------
    print("d. scaling, in-process, one CPU", flush=True)
    scaling = []
    for scale in scales:
        chosen = big_files[: args.docs * scale]
        reps = repeat if scale == 1 else max(2, repeat // scale + 1)
        row: dict[str, Any] = {
            "scale": scale,
            **compare_throughput(
                {"bare": bare_pass(bare, chosen), "lint": lint_pass(chosen)}, chosen, reps
            ),
        }
        row["ratio_lint_over_bare"] = ratio(row["bare"], row["lint"])
        scaling.append(row)
        print(
            f"  {scale:>2}x: {len(chosen)} documents, lint {row['lint']['mb_per_s']:.2f} MB/s",
            flush=True,
        )
    for row in scaling:
        row["lint_mb_per_s_relative_to_1x"] = (
            row["lint"]["mb_per_s"] / scaling[0]["lint"]["mb_per_s"]
        )
        row["lint_cpu_mb_per_s_relative_to_1x"] = (
            row["lint"]["cpu_mb_per_s"] / scaling[0]["lint"]["cpu_mb_per_s"]
        )
    results["scaling"] = scaling

    # e ---------------------------------------------------------------------------------------
    print("e. cache, subprocesses, one CPU", flush=True)
    cache_dir = folder / ".policycheck_cache"
    lint_dir = [policycheck, "lint", "--jobs", "1", str(folder)]
    entries: list[int] = []

    def fresh_cache(name: str) -> None:
        if name == "first":
            shutil.rmtree(cache_dir, ignore_errors=True)
        else:
            entries.append(sum(1 for _ in cache_dir.rglob("*.json")))

    cache = measure_commands(
        {"first": lint_dir, "second": lint_dir},
        folder,
        repeat=max(3, repeat // 2),
        before=fresh_cache,
    )
    shutil.rmtree(cache_dir, ignore_errors=True)
    results["cache"] = {
        "cache_entries": max(entries),
        **cache,
        "ratio": ratio(cache["second"], cache["first"]),
        "ratio_cpu": ratio(cache["second"], cache["first"], "cpu_median_s"),
    }

    # f ---------------------------------------------------------------------------------------
    print(f"f. --jobs 2 vs --jobs 1, subprocesses, {len(ALL_CPUS) or '?'} CPUs", flush=True)
    jobs = measure_commands(
        {
            f"jobs_{n}": [policycheck, "lint", "--no-cache", "--jobs", str(n), str(folder)]
            for n in (1, 2)
        },
        folder,
        repeat=max(3, repeat // 2),
        every_cpu=True,
    )
    results["jobs"] = {
        "cpus": len(ALL_CPUS) or None,
        **jobs,
        "speedup": ratio(jobs["jobs_1"], jobs["jobs_2"]),
    }
    results["load_average_after"] = os.getloadavg()

    results["verdicts"] = verdicts(results)
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(results, indent=2) + "\n", encoding="utf-8")
    print()
    print(table(results))
    print(f"\nresults written to {args.out}")
    return 0


def real_corpus(bare: Any, repeat: int) -> dict[str, Any] | None:
    """Bare parse and lint of the hand-encoded notices in policies/, when they lint cleanly."""
    files = sorted((ROOT / "policies").glob("*.policy"))
    if not files:
        return None
    from checker.commands.lint import run_lint
    from checker.reporters.run import LintOptions

    if run_lint(LintOptions(paths=tuple(files), jobs=1, cache_dir=None)).errors:
        return {"skipped": "policies/ has input errors right now"}
    result: dict[str, Any] = compare_throughput(
        {"bare": bare_pass(bare, files), "lint": lint_pass(files)}, files, repeat
    )
    result["ratio_lint_over_bare"] = ratio(result["bare"], result["lint"])
    return result


TARGETS = {
    "throughput_ratio": ">= 2.0 (lint MB/s over bare lark parse MB/s)",
    "cold_start_ratio": "<= 1.5 (one small file linted over `import lark, pydantic, yaml`)",
    "scaling": "flat MB/s from 1x to 16x",
    "cache_ratio": "< 0.333 (second run over first run)",
}


def verdicts(r: dict[str, Any]) -> dict[str, bool]:
    relative = [row["lint_mb_per_s_relative_to_1x"] for row in r["scaling"]]
    return {
        "throughput_ratio": r["throughput"]["ratio_lint_over_bare"] >= 2.0,
        "cold_start_ratio": r["cold_start"]["ratio"] <= 1.5,
        # Linear cost: throughput at the largest corpus within 20% of the 1x figure.
        "scaling": min(relative) >= 0.8,
        "cache_ratio": r["cache"]["ratio"] < 1 / 3,
    }


def table(r: dict[str, Any]) -> str:
    m, c, t = r["machine"], r["corpus"], r["throughput"]
    ok = {True: "met", False: "NOT met"}
    v = r["verdicts"]
    lines = [
        f"policycheck {m['policycheck']} on {m['cpu']} ({m['cpus_available']} CPUs), "
        f"Python {m['python']}, lark {m['lark']}, pydantic {m['pydantic']}; load average "
        f"{r['load_average_before'][0]:.1f} before, {r['load_average_after'][0]:.1f} after",
        f"corpus: {c['documents']} documents, {c['policy_bytes'] / 1e6:.2f} MB policies, "
        f"{c['notice_bytes'] / 1e6:.2f} MB notices, {c['requirements']} requirements in "
        f"{', '.join(c['requirement_sets']) or 'no sets'}, {c['outcomes_evaluated']} outcomes, "
        f"{c['findings']} findings",
        "",
        f"{'measure':<42}{'wall':>9}{'cpu':>9}{'MB/s':>7}{'docs/s':>8}  ratio (wall / cpu), target",
    ]

    def row(label: str, s: dict[str, Any], note: str = "") -> None:
        rate = f"{s['mb_per_s']:>7.2f}{s['docs_per_s']:>8.1f}" if "mb_per_s" in s else " " * 15
        lines.append(
            f"{label:<42}{s['median_s'] * 1000:>7.0f}ms{s['cpu_median_s'] * 1000:>7.0f}ms"
            f"{rate}  {note}".rstrip()
        )

    row("a. bare lark parse (baseline)", t["bare"])
    row("b. pipeline per file", t["pipeline"], f"{t['ratio_pipeline_over_bare']:.2f}x")
    row(
        "b. run_lint jobs=1",
        t["lint"],
        f"{t['ratio_lint_over_bare']:.2f}x / "
        f"{t['ratio_lint_over_bare_cpu']:.2f}x, >= 2.0: {ok[v['throughput_ratio']]}",
    )
    real = t.get("real_policies")
    if real and "bare" in real:
        row("   policies/: bare lark parse", real["bare"])
        row("   policies/: run_lint jobs=1", real["lint"], f"{real['ratio_lint_over_bare']:.2f}x")
    cs = r["cold_start"]
    row("c. python -c 'import lark, pydantic, yaml'", cs["baseline"])
    row("   python -c 'import checker.cli'", cs["import_checker"])
    row(
        "c. policycheck lint, one small file",
        cs["lint_one_file"],
        f"{cs['ratio']:.2f}x / {cs['ratio_cpu']:.2f}x, <= 1.5: {ok[v['cold_start_ratio']]}",
    )
    for s in r["scaling"]:
        last = s is r["scaling"][-1]
        row(
            f"d. run_lint at {s['scale']}x ({s['lint']['documents']} docs)",
            s["lint"],
            f"{s['lint_mb_per_s_relative_to_1x']:.2f} / {s['lint_cpu_mb_per_s_relative_to_1x']:.2f}"
            f" of 1x; {s['ratio_lint_over_bare']:.2f}x bare"
            + (f", flat: {ok[v['scaling']]}" if last else ""),
        )
    ca = r["cache"]
    row("e. policycheck lint, fresh cache", ca["first"])
    row(
        "e. policycheck lint, second run (cached)",
        ca["second"],
        f"{ca['ratio']:.2f}x / {ca['ratio_cpu']:.2f}x, < 0.33: {ok[v['cache_ratio']]}",
    )
    j = r["jobs"]
    row("f. policycheck lint --jobs 1", j["jobs_1"])
    row("f. policycheck lint --jobs 2", j["jobs_2"], f"{j['speedup']:.2f}x speed-up")
    return "\n".join(lines)


if __name__ == "__main__":
    sys.exit(main())
