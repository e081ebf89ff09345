"""Data categories: the Fides taxonomy keys, and which of them are sensitive in law.

The key list ships as data (checker/data/taxonomy.json), generated from the `fideslang` package so
that start-up does not import it; `python -m checker.language.taxonomy` regenerates the file and
`python -m checker.language.taxonomy --check` exits 1 if it differs from the installed package
(CI runs it with the `taxonomy` extra, whose fideslang holds pydantic back, in an environment of
its own).
Sensitivity comes from a table cited to PIPL Art. 28 and GDPR Art. 9 that a legal engineer can
edit: requirements/sensitive_categories.yaml.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from functools import cache
from typing import Any

from checker import derived
from checker.resources import data_path, sensitivity_file

TAXONOMY_FILE = "taxonomy.json"


@dataclass(frozen=True)
class CategoryInfo:
    key: str
    name: str
    pipl_sensitive: str | None = None
    """The PIPL Art. 28 class (e.g. 'financial account'), or None."""
    gdpr_special: str | None = None
    """The GDPR Art. 9(1) class (e.g. 'health'), or None."""


@cache
def taxonomy_keys() -> dict[str, str]:
    """Fides key -> human name, from the shipped list."""
    entries = json.loads(data_path(TAXONOMY_FILE).read_text(encoding="utf-8"))["categories"]
    return {e["key"]: e["name"] for e in entries}


@cache
def sensitivity_table() -> dict[str, dict[str, Any]]:
    text = sensitivity_file().read_text(encoding="utf-8")
    kept = derived.stored("sensitivity-table", text)
    if isinstance(kept, dict) and all(isinstance(v, dict) for v in kept.values()):
        return kept
    import yaml

    table = dict(yaml.safe_load(text)["categories"])
    derived.keep("sensitivity-table", text, table)
    return table


def classify(
    key: str, extensions: dict[str, tuple[bool | None, bool | None]] | None = None
) -> CategoryInfo:
    """Name and sensitivity of a key; a key inherits the classes of its nearest listed ancestor.

    `extensions` maps project-declared keys to their own (pipl_sensitive, gdpr_special) marks.
    """
    if not extensions or key not in extensions:
        return _classify_shipped(key)
    return _classify(key, extensions)


@cache
def _classify_shipped(key: str) -> CategoryInfo:
    return _classify(key, None)


def _classify(
    key: str, extensions: dict[str, tuple[bool | None, bool | None]] | None
) -> CategoryInfo:
    table = sensitivity_table()
    names = taxonomy_keys()
    pipl: str | None = None
    gdpr: str | None = None
    parts = key.split(".")
    for depth in range(len(parts), 0, -1):
        prefix = ".".join(parts[:depth])
        entry = table.get(prefix)
        if entry:
            pipl = pipl or entry.get("pipl")
            gdpr = gdpr or entry.get("gdpr")
    if extensions and key in extensions:
        own_pipl, own_gdpr = extensions[key]
        if own_pipl is not None:
            pipl = (pipl or "declared sensitive") if own_pipl else None
        if own_gdpr is not None:
            gdpr = (gdpr or "declared special category") if own_gdpr else None
    return CategoryInfo(key, names.get(key, key), pipl, gdpr)


def regenerate() -> dict[str, Any]:
    """The taxonomy file's content, made from the installed `fideslang` package."""
    import importlib

    fideslang: Any = importlib.import_module("fideslang")  # optional: the `taxonomy` extra
    categories = sorted(
        (
            {"key": str(c.fides_key), "name": str(c.name)}
            for c in fideslang.DEFAULT_TAXONOMY.data_category
        ),
        key=lambda e: e["key"],
    )
    return {"generated_from": f"fideslang {fideslang.__version__}", "categories": categories}


def check_shipped(upstream: dict[str, Any]) -> list[str]:
    """How the shipped key list differs from `upstream` (a `regenerate()` result); [] if equal."""
    shipped = json.loads(data_path(TAXONOMY_FILE).read_text(encoding="utf-8"))
    ours = {e["key"]: e["name"] for e in shipped["categories"]}
    theirs = {e["key"]: e["name"] for e in upstream["categories"]}
    problems = [f"missing key {k} ({theirs[k]})" for k in sorted(theirs.keys() - ours.keys())]
    problems += [
        f"key {k} is not in {upstream['generated_from']}"
        for k in sorted(ours.keys() - theirs.keys())
    ]
    problems += [
        f"{k} is named {ours[k]!r}, upstream {theirs[k]!r}"
        for k in sorted(ours.keys() & theirs.keys())
        if ours[k] != theirs[k]
    ]
    return problems


def main(argv: list[str]) -> int:
    content = regenerate()
    if argv == ["--check"]:
        problems = check_shipped(content)
        for problem in problems:
            print(f"{data_path(TAXONOMY_FILE)}: {problem}")
        verdict = "differs from" if problems else "matches"
        print(f"the shipped taxonomy {verdict} {content['generated_from']}")
        return 1 if problems else 0
    data_path(TAXONOMY_FILE).write_text(json.dumps(content, indent=1) + "\n", encoding="utf-8")
    print(f"wrote {len(content['categories'])} categories ({content['generated_from']})")
    return 0


if __name__ == "__main__":
    import sys

    raise SystemExit(main(sys.argv[1:]))
