"""The evidence report's cost: its size, the time to write it, and the time to open it.

    .venv/bin/python bench/report.py [--docs N] [--repeat R] [--seed S] [--out FILE]

For the bundled notices (policies/) and for a generated corpus of N notices (default 1,000, from
bench/generate.py, kept under bench/out/), measured against the lint run the report sits on:

  1. in process, pinned to one CPU, interleaved: `run_lint(jobs=1, no cache)` (the baseline), and
     `write_report` on that run (re-reading every policy and notice, working out and writing the
     pages) - the report's own cost, as a ratio to the lint;
  2. the commands, as subprocesses pinned to one CPU: `policycheck lint --no-cache --jobs 1` and
     `policycheck report --no-cache --jobs 1 --output DIR` (the whole command: lint, then report);
  3. the size of what is written: every file, the overview, the largest notice page;
  4. opening the overview in Chromium from disk (file://): the navigation's load event and first
     contentful paint, and when the filters are ready (the matrix is interactive), medians of
     `--opens` fresh pages. Chromium is Debian's package at /usr/bin/chromium.

Prints a table and writes JSON (default bench/out/report.json). No figure here is asserted by a
test; the README in this folder records the figures of a run.

    .venv/bin/python bench/report.py --screenshot docs/report-overview.png

only writes the README's picture: the matrix of the bundled notices' overview, in Chromium.
"""

from __future__ import annotations

import argparse
import datetime
import io
import json
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

import run  # noqa: E402  (bench/ is not a package)

from checker.commands.lint import run_lint  # noqa: E402
from checker.commands.report import write_report  # noqa: E402
from checker.reporters.run import LintOptions  # noqa: E402

ROOT = run.ROOT
CHROMIUM = "/usr/bin/chromium"


def sizes(site: Path) -> dict[str, Any]:
    files = [p for p in site.rglob("*") if p.is_file()]
    notices = sorted((site / "notices").glob("*.html"), key=lambda p: p.stat().st_size)
    return {
        "files": len(files),
        "total_bytes": sum(p.stat().st_size for p in files),
        "overview_bytes": (site / "index.html").stat().st_size,
        "largest_notice_page_bytes": notices[-1].stat().st_size if notices else 0,
        "median_notice_page_bytes": (
            statistics.median(p.stat().st_size for p in notices) if notices else 0
        ),
    }


def in_process(paths: list[Path], site: Path, repeat: int) -> dict[str, Any]:
    options = LintOptions(paths=tuple(paths), jobs=1, cache_dir=None)
    now = datetime.datetime.now(datetime.UTC)
    last: dict[str, Any] = {}

    def lint() -> None:
        run.forget_content_caches()
        last["run"] = run_lint(options)

    def report() -> None:
        # On the run of the lint just before it, as `policycheck report` does.
        write_report(last["run"], site, io.StringIO(), now)

    lint()
    timed = run.measure({"lint": lint, "report on top of it": report}, repeat, warmup=1)
    # `measure` rotates the order; a report always needs a run, which `lint` left behind.
    return timed


def commands(paths: list[Path], site: Path, repeat: int) -> dict[str, Any]:
    policycheck = run.command_path()
    argv = [str(p) for p in paths]
    return run.measure_commands(
        {
            "policycheck lint": [policycheck, "lint", "--no-cache", "--jobs", "1", *argv],
            "policycheck report": [
                policycheck,
                "report",
                "--no-cache",
                "--jobs",
                "1",
                "--output",
                str(site),
                *argv,
            ],
        },
        ROOT,
        repeat,
    )


def open_times(page: Path, opens: int) -> dict[str, Any] | None:
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        return None
    if not Path(CHROMIUM).exists():
        return None
    loads, paints, ready, walls = [], [], [], []
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM)
        for _ in range(opens + 1):  # the first open warms the browser's caches: not counted
            context = browser.new_context(viewport={"width": 1400, "height": 900})
            tab = context.new_page()
            start = time.perf_counter()
            tab.goto(page.resolve().as_uri(), wait_until="load", timeout=120_000)
            tab.wait_for_function("document.getElementById('shown').textContent !== ''")
            wall = time.perf_counter() - start
            timing = tab.evaluate(
                """() => {
                  const nav = performance.getEntriesByType('navigation')[0];
                  const paint = performance.getEntriesByName('first-contentful-paint')[0];
                  return [nav.loadEventEnd, paint ? paint.startTime : null, performance.now()];
                }"""
            )
            loads.append(timing[0] / 1000)
            paints.append((timing[1] or 0) / 1000)
            ready.append(timing[2] / 1000)
            walls.append(wall)
            context.close()
        browser.close()
    return {
        "load_event_s": statistics.median(loads[1:]),
        "first_contentful_paint_s": statistics.median(paints[1:]),
        "filters_ready_s": statistics.median(ready[1:]),
        "wall_s": statistics.median(walls[1:]),
        "samples_load_s": [round(x, 3) for x in loads[1:]],
    }


def screenshot(out: Path) -> None:
    """The overview's matrix of the bundled notices, as the README shows it."""
    from playwright.sync_api import sync_playwright

    with tempfile.TemporaryDirectory(prefix="policycheck-report-") as tmp:
        site = Path(tmp) / "site"
        os.chdir(ROOT)  # paths as a user in the repository sees them: `policies/...`
        options = LintOptions(paths=(Path("policies"),), jobs=1, cache_dir=None)
        write_report(run_lint(options), site, io.StringIO(), datetime.datetime.now(datetime.UTC))
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(executable_path=CHROMIUM)
            page = browser.new_page(viewport={"width": 1180, "height": 1000})
            page.goto((site / "index.html").as_uri())
            top = page.locator("#matrix-h").bounding_box()
            table = page.locator("#matrix").bounding_box()
            assert top is not None and table is not None
            height = table["y"] + table["height"] - top["y"] + 14
            clip = {"x": 0, "y": top["y"] - 6, "width": 1180, "height": height}
            page.screenshot(path=str(out), type="png", clip=clip, full_page=True)
            browser.close()


def measure_corpus(
    name: str, paths: list[Path], repeat: int, opens: int, work: Path
) -> dict[str, Any]:
    print(f"{name}: in process", flush=True)
    site = work / f"{name}-site"
    timed = in_process(paths, site, repeat)
    print(f"{name}: commands", flush=True)
    cmd_site = work / f"{name}-cmd-site"
    cmds = commands(paths, cmd_site, repeat)
    print(f"{name}: opening the overview", flush=True)
    opened = open_times(site / "index.html", opens)
    lint_s = timed["lint"]["median_s"]
    report_s = timed["report on top of it"]["median_s"]
    return {
        "in_process": timed,
        "report_over_lint": report_s / lint_s,
        "commands": cmds,
        "report_command_over_lint_command": run.ratio(
            cmds["policycheck report"], cmds["policycheck lint"]
        ),
        "size": sizes(site),
        "open_overview": opened,
    }


def table(results: dict[str, Any]) -> str:
    lines = [
        "| corpus | lint (s) | report on top (s) | ratio | lint cmd (s) | report cmd (s) | ratio "
        "| total size | overview | largest notice page | overview load / FCP / ready (s) |",
        "| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | --- |",
    ]
    for name, r in results["corpora"].items():
        t, c, s, o = r["in_process"], r["commands"], r["size"], r["open_overview"]
        opened = (
            f"{o['load_event_s']:.2f} / {o['first_contentful_paint_s']:.2f} / "
            f"{o['filters_ready_s']:.2f}"
            if o
            else "(no Chromium)"
        )
        lines.append(
            f"| {name} | {t['lint']['median_s']:.2f} | {t['report on top of it']['median_s']:.2f} "
            f"| {r['report_over_lint']:.2f}x | {c['policycheck lint']['median_s']:.2f} "
            f"| {c['policycheck report']['median_s']:.2f} "
            f"| {r['report_command_over_lint_command']:.2f}x "
            f"| {s['total_bytes'] / 1e6:.1f} MB ({s['files']} files) "
            f"| {s['overview_bytes'] / 1e3:.0f} KB | {s['largest_notice_page_bytes'] / 1e3:.0f} KB "
            f"| {opened} |"
        )
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--docs", type=int, default=1000, help="documents in the generated corpus")
    parser.add_argument("--repeat", type=int, default=5, help="timed repetitions (medians)")
    parser.add_argument("--big-repeat", type=int, default=2, help="repetitions on the big corpus")
    parser.add_argument("--opens", type=int, default=5, help="timed openings of the overview")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--out", type=Path, default=run.OUT / "report.json")
    parser.add_argument("--screenshot", type=Path, help="only write the README's picture here")
    args = parser.parse_args(argv)
    if args.screenshot:
        screenshot(args.screenshot)
        return 0
    cpu = run.pin_to_one_cpu()
    results: dict[str, Any] = {
        "machine": run.machine(),
        "pinned_cpu": cpu,
        "load_average_before": os.getloadavg(),
        "corpora": {},
    }
    print("corpus", flush=True)
    folder, _ = run.corpus(args.docs, args.seed)
    with tempfile.TemporaryDirectory(prefix="policycheck-report-bench-") as tmp:
        work = Path(tmp)
        results["corpora"]["policies/ (5 notices)"] = measure_corpus(
            "bundled", [ROOT / "policies"], args.repeat, args.opens, work
        )
        results["corpora"][f"generated ({args.docs} notices)"] = measure_corpus(
            "generated", [folder], args.big_repeat, args.opens, work
        )
    results["load_average_after"] = os.getloadavg()
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(results, indent=2), encoding="utf-8")
    print(table(results))
    print(f"load average before {results['load_average_before']}, after {os.getloadavg()}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
