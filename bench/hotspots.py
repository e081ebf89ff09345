"""Where policycheck spends its time: start-up, each pipeline stage, and the hottest functions.

    .venv/bin/python bench/hotspots.py [--docs N] [--repeat R] [--out DIR] [--stages]

Measures, on one CPU, over the same synthetic corpus as bench/run.py:

1. start-up: `python -X importtime` of what linting an uncached file imports, grouped by package,
   and the one-time work of a first lint in a fresh process (loading requirement sets, ...);
2. stages: CPU time of each stage of the pipeline, called one after the other per file as
   checker.commands.lint does - read, lex (lark's basic lexer alone, for scale), parse into the
   syntax tree with its comments (the fast path; the Lark path and its separate comment pass
   for scale), build (facts from checked values), anchoring (notice read, normalisation, quote
   search), set selection, evaluation - and the whole of run_lint, whose excess over the stages
   is listing, sorting and garbage collection (`--stages` prints only this table);
3. functions: cProfile of run_lint over the corpus, the top functions by own time and the own time
   grouped by component (lark, pydantic, each checker module, regular expressions, ...);
4. the cached path: cProfile of run_lint with a warm cache, as the second `policycheck lint` runs;
5. pyinstrument's view of the same lint, if pyinstrument can be imported (it is not a project
   dependency: put a separate environment's site-packages on PYTHONPATH to use it).

cProfile adds a fixed cost per Python call, so it overstates call-heavy code (the lexer, pydantic
`__init__`); the stage timings of (2) are taken without it and are the shares to quote.
Writes bench/out/profile.txt and bench/out/profile.json.
"""

from __future__ import annotations

import argparse
import cProfile
import datetime
import gc
import io
import json
import os
import pstats
import re
import statistics
import subprocess
import sys
import tempfile
import time
from collections import defaultdict
from collections.abc import Callable
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

import run  # noqa: E402  (bench/ is not a package)

ROOT = run.ROOT


def cpu_times(action: Callable[[], None], repeat: int) -> float:
    """Median CPU seconds of `action` after one warm-up."""
    action()
    samples = []
    for _ in range(repeat):
        gc.collect()
        start = time.process_time()
        action()
        samples.append(time.process_time() - start)
    return statistics.median(samples)


# --- 1. Start-up ------------------------------------------------------------------------------

FIRST_LINT = r"""
import json, sys, time
t0 = time.perf_counter()
import checker.cli
t1 = time.perf_counter()
from pathlib import Path
import checker.notice.anchoring, checker.language.build, checker.rules.engine  # noqa: E401
import checker.files, checker.language.syntax  # noqa: E401
from checker.rules.requirements import shipped_sets, load_set_file
from checker.language.taxonomy import taxonomy_keys, sensitivity_table
from checker.commands.lint import LintOptions, run_lint
t2 = t3 = time.perf_counter()
for path in shipped_sets().values():
    load_set_file(path)
t4 = time.perf_counter()
taxonomy_keys(); sensitivity_table()
t5 = time.perf_counter()
options = LintOptions(paths=(Path(sys.argv[1]),), jobs=1, cache_dir=None)
run_lint(options)
t6 = time.perf_counter()
from checker.notice import anchoring
getattr(anchoring.prepare, "cache_clear", lambda: None)()
run_lint(options)
t7 = time.perf_counter()
from checker.language.lark_syntax import policy_parser
policy_parser()
t8 = time.perf_counter()
print(json.dumps({
    "import checker.cli (all a cached run needs)": t1 - t0,
    "import the rest (parser, fact model, engine, requirements)": t2 - t1,
    "load and compile the shipped requirement sets": t4 - t3,
    "load taxonomy and sensitivity table": t5 - t4,
    "first run_lint of one small file (what remains)": t6 - t5,
    "second run_lint of the same file (warm)": t7 - t6,
    "(Lark policy parser, built only for text the fast path refuses)": t8 - t7,
}))
"""


LINT_IMPORTS = (
    "import checker.cli, checker.notice.anchoring, checker.language.build, checker.rules.engine, "
    "checker.files, checker.rules.requirements, checker.language.syntax"
)
"""What linting a file that is not in the cache imports (a cached run needs only checker.cli)."""


def import_times(repeat: int) -> dict[str, float]:
    """Own import time (ms) of what a lint imports, grouped by package; medians of runs."""
    runs: list[dict[str, float]] = []
    for _ in range(repeat):
        done = subprocess.run(
            [sys.executable, "-X", "importtime", "-c", LINT_IMPORTS],
            capture_output=True,
            text=True,
            check=True,
            cwd=ROOT,
        )
        groups: dict[str, float] = defaultdict(float)
        for line in done.stderr.splitlines():
            m = re.match(r"import time:\s+(\d+) \|\s+\d+ \|(\s*)(\S+)", line)
            if not m:
                continue
            module = m.group(3)
            top = module.split(".")[0]
            key = module if top == "checker" else top
            if top in ("pydantic_core", "annotated_types", "typing_inspection"):
                key = "pydantic"
            groups[key] += int(m.group(1)) / 1000
        runs.append(groups)
    keys = {k for r in runs for k in r}
    return {k: statistics.median(r.get(k, 0.0) for r in runs) for k in keys}


def first_lint(small: Path, repeat: int) -> dict[str, float]:
    runs = []
    for _ in range(repeat):
        done = subprocess.run(
            [sys.executable, "-c", FIRST_LINT, str(small)],
            capture_output=True,
            text=True,
            check=True,
            cwd=ROOT,
        )
        runs.append(json.loads(done.stdout))
    return {k: statistics.median(r[k] for r in runs) * 1000 for k in runs[0]}


# --- 2. Stages --------------------------------------------------------------------------------


def stages(files: list[Path], repeat: int) -> dict[str, float]:
    """CPU seconds per stage over the corpus (medians), called in pipeline order."""
    import lark

    from checker.commands.lint import run_lint
    from checker.files import read_text
    from checker.language.build import build_policy
    from checker.language.lark_syntax import policy_parser
    from checker.language.syntax import comments_of, parse_syntax
    from checker.notice import anchoring
    from checker.notice.anchoring import anchor
    from checker.reporters.run import LintOptions
    from checker.rules.engine import evaluate
    from checker.rules.requirements import resolve_sets, sets_for_jurisdictions

    today = datetime.date.today()
    grammar = (ROOT / "grammar" / "policy.lark").read_text(encoding="utf-8")
    # For scale: the lexer alone (parser=None keeps one lexer instead of building one per call),
    # the same LALR parse with rule callbacks that build nothing, and the bare tree-building parse.
    lexer_only = lark.Lark(grammar, parser=None, lexer="basic")

    class Nothing(lark.Transformer[Any, None]):
        def _nothing(self, children: list[Any]) -> None:
            return None

        start = block = field = cite = list = _nothing

    null_parser = lark.Lark(grammar, parser="lalr", lexer="contextual", transformer=Nothing())
    bare = run.bare_parser()
    texts = {p: read_text(p) for p in files}
    trees = {p: parse_syntax(t) for p, t in texts.items()}
    built = {p: build_policy(trees[p], str(p)) for p in files}
    notices = {p: read_text(p.parent / (built[p].document.source or "")) for p in files}
    anchored = {p: anchor(built[p], notices[p]) for p in files}
    chosen = {
        p: resolve_sets(sets_for_jurisdictions(anchored[p].document.jurisdictions or ()))
        for p in files
    }

    def each(step: Callable[[Path], object]) -> Callable[[], None]:
        def run_all() -> None:
            for p in files:
                step(p)

        return run_all

    def anchoring_step() -> None:
        anchoring.prepare.cache_clear()
        for p in files:
            anchor(built[p], read_text(p.parent / (built[p].document.source or "")))

    parser = policy_parser()
    measured = {
        "read policy file": each(read_text),
        "(bare lark parse to a Tree, the baseline)": each(lambda p: bare.parse(texts[p])),
        "(lex only: lark basic lexer)": each(lambda p: list(lexer_only.lex(texts[p]))),
        "(lex + LALR, callbacks that build nothing)": each(lambda p: null_parser.parse(texts[p])),
        "(Lark path: lex + LALR + syntax nodes)": each(lambda p: parser.parse(texts[p])),
        "parse (fast path, as lint runs it)": each(lambda p: parse_syntax(texts[p])),
        # The fast path collects comments while parsing; comments_of serves the Lark path.
        "(comments_of, the Lark path's second pass)": each(lambda p: comments_of(texts[p])),
        "build facts (from checked values, no re-validation)": each(
            lambda p: build_policy(trees[p], str(p))
        ),
        "anchoring (read notice, normalise, find)": anchoring_step,
        "choose requirement sets": each(
            lambda p: resolve_sets(sets_for_jurisdictions(anchored[p].document.jurisdictions or ()))
        ),
        "evaluate": each(lambda p: evaluate(anchored[p], chosen[p], today)),
    }
    result = {name: cpu_times(action, repeat) for name, action in measured.items()}

    def whole() -> None:
        anchoring.prepare.cache_clear()
        run_lint(LintOptions(paths=tuple(files), jobs=1, cache_dir=None))

    result["run_lint, whole"] = cpu_times(whole, repeat)
    gc.disable()
    try:
        result["run_lint, whole, garbage collector off"] = cpu_times(whole, repeat)
    finally:
        gc.enable()
    return result


# --- 3, 4. Functions --------------------------------------------------------------------------


def component(filename: str, function: str) -> str:
    """Which part of the program a profiled function belongs to."""
    if "/checker/" in filename:
        return "checker." + Path(filename).stem
    for package in ("lark", "pydantic_core", "pydantic", "yaml", "json", "re", "difflib"):
        if f"/{package}/" in filename or filename.endswith(f"/{package}.py"):
            return "pydantic" if package == "pydantic_core" else package
    if filename == "~":  # a builtin: name it by what it is a method of
        if "pydantic_core" in function or "SchemaValidator" in function:
            return "pydantic"
        if "re.Pattern" in function or "re.Match" in function:
            return "re (regular expressions)"
        return "builtins (str, list, dict, ...)"
    return "other: " + Path(filename).name


def profile(action: Callable[[], object], top: int) -> dict[str, Any]:
    profiler = cProfile.Profile()
    profiler.enable()
    action()
    profiler.disable()
    stats = pstats.Stats(profiler)
    raw: dict[Any, Any] = stats.stats  # type: ignore[attr-defined]
    total = sum(v[2] for v in raw.values())
    groups: dict[str, float] = defaultdict(float)
    rows = []
    for (filename, line, function), (_, calls, own, cumulative, _) in raw.items():
        groups[component(filename, function)] += own
        short = filename.split("site-packages/")[-1].replace(str(ROOT) + "/", "")
        rows.append((own, cumulative, calls, f"{short}:{line}({function})"))
    rows.sort(reverse=True)
    text = io.StringIO()
    stats.stream = text  # type: ignore[attr-defined]
    stats.sort_stats("cumulative").print_stats(30)
    return {
        "total_s": total,
        "by_component": dict(sorted(groups.items(), key=lambda kv: -kv[1])),
        "top_own_time": [
            {"function": name, "own_s": own, "cumulative_s": cum, "calls": calls}
            for own, cum, calls, name in rows[:top]
        ],
        "cumulative_text": text.getvalue(),
    }


def cached_profile(files: list[Path]) -> dict[str, Any]:
    from checker.commands.lint import run_lint
    from checker.reporters.run import LintOptions

    with tempfile.TemporaryDirectory() as cache:
        options = LintOptions(paths=tuple(files), jobs=1, cache_dir=Path(cache))
        run_lint(options)  # fills the cache
        return profile(lambda: run_lint(options), 15)


def pyinstrument_text(action: Callable[[], object]) -> str | None:
    try:
        import pyinstrument  # type: ignore[import-not-found,unused-ignore]
    except ImportError:
        return None
    profiler = pyinstrument.Profiler(interval=0.0005)
    profiler.start()
    action()
    profiler.stop()
    text: str = profiler.output_text(unicode=True, color=False, show_all=False)
    return text


# --- Report -----------------------------------------------------------------------------------


def report(r: dict[str, Any]) -> str:
    out = [
        f"policycheck profile, {r['corpus']['documents']} documents "
        f"({r['corpus']['policy_bytes'] / 1e6:.2f} MB), {r['machine']['cpu']}, "
        f"Python {r['machine']['python']}, {r['machine']['date']}",
        "",
    ]
    out.append("1. start-up: own import time of what an uncached lint imports, by package (ms)")
    imports = r["imports_ms"]
    total = sum(imports.values())
    for name, ms in sorted(imports.items(), key=lambda kv: -kv[1])[:18]:
        out.append(f"   {name:<44}{ms:>8.1f}  {ms / total:>5.1%}")
    out.append(f"   {'total':<44}{total:>8.1f}")
    out.append("   first lint in a fresh process (ms, wall):")
    for name, ms in r["first_lint_ms"].items():
        out.append(f"   {name:<60}{ms:>8.1f}")
    out.append("")
    out.append("2. stages over the corpus (CPU ms, medians; shares of run_lint, whole;")
    out.append("   rows in parentheses are references, not stages)")
    whole = r["stages_s"]["run_lint, whole"]
    for name, s in r["stages_s"].items():
        out.append(f"   {name:<50}{s * 1000:>8.1f}  {s / whole:>6.1%}")
    out.append("")
    for key, title in (
        ("profile", "3. cProfile of run_lint (own time)"),
        ("cached_profile", "4. cProfile of run_lint with a warm cache"),
    ):
        p = r[key]
        out.append(f"{title}: {p['total_s'] * 1000:.0f} ms under the profiler")
        for name, s in list(p["by_component"].items())[:14]:
            out.append(f"   {name:<50}{s * 1000:>8.1f}  {s / p['total_s']:>6.1%}")
        out.append("   top functions:")
        for row in p["top_own_time"]:
            out.append(
                f"   {row['own_s'] * 1000:>8.1f} ms {row['calls']:>8} calls  {row['function']}"
            )
        out.append("")
    if r.get("pyinstrument"):
        out.append("5. pyinstrument")
        out.append(r["pyinstrument"])
    return "\n".join(out)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--docs", type=int, default=50)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--out", type=Path, default=run.OUT)
    parser.add_argument(
        "--stages", action="store_true", help="only the stage table (2.), printed, nothing written"
    )
    args = parser.parse_args(argv)
    run.pin_to_one_cpu()
    _, files = run.corpus(args.docs, args.seed)
    small = min(files, key=lambda p: p.stat().st_size)
    if args.stages:
        for name, seconds in stages(files, args.repeat).items():
            print(f"   {name:<50} {seconds * 1000:7.1f} ms")
        return 0
    result: dict[str, Any] = {
        "machine": run.machine(),
        "corpus": {"documents": len(files), "policy_bytes": run.size_of(files)},
        "load_average_before": os.getloadavg(),
    }
    print("start-up ...", flush=True)
    result["imports_ms"] = import_times(args.repeat)
    result["first_lint_ms"] = first_lint(small, args.repeat)
    print("stages ...", flush=True)
    result["stages_s"] = stages(files, args.repeat)
    print("functions ...", flush=True)
    from checker.commands.lint import run_lint
    from checker.notice import anchoring
    from checker.reporters.run import LintOptions

    def lint() -> None:
        anchoring.prepare.cache_clear()
        run_lint(LintOptions(paths=tuple(files), jobs=1, cache_dir=None))

    lint()
    result["profile"] = profile(lint, 30)
    result["cached_profile"] = cached_profile(files)
    result["pyinstrument"] = pyinstrument_text(lint)
    result["load_average_after"] = os.getloadavg()
    text = report(result)
    args.out.mkdir(parents=True, exist_ok=True)
    (args.out / "profile.txt").write_text(text + "\n", encoding="utf-8")
    (args.out / "profile.json").write_text(json.dumps(result, indent=1) + "\n", encoding="utf-8")
    print(text)
    return 0


if __name__ == "__main__":
    sys.exit(main())
