"""Reports of `policycheck diff A B --agreement`: text for the review, and JSON
(`policycheck-agreement/1`, described by docs/agreement.schema.json) to track agreement."""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

from checker import __version__
from checker.rules.agreement import CLASSES, GUIDE, Agreement, guide_link

SCHEMA = "policycheck-agreement/1"
QUOTE_WIDTH = 100


def _short(text: str) -> str:
    text = " ".join(text.split())
    return text if len(text) <= QUOTE_WIDTH else text[: QUOTE_WIDTH - 1] + "…"


def _value(value: str | None) -> str:
    return value if value is not None else "(not encoded)"


def _guide(cls: str) -> str:
    link = guide_link(cls)
    return f"{cls}: {link}" if link else f"{cls}: no convention in {GUIDE} yet"


def _kappa(value: float | None) -> str:
    return "undefined (every verdict the same)" if value is None else f"{value:.2f}"


def render_text(result: Agreement) -> str:
    a, b = result.a_path, result.b_path
    out = [f"{a} and {b}: two encodings of {result.source}", ""]
    for pair in result.differing_pairs:
        names = pair.a_label if pair.a_label == pair.b_label else f"{pair.a_label} / {pair.b_label}"
        out.append(f"{names}:")
        for r in pair.fields:
            out.append(f"  {r.field}: {_value(r.a)} ({a}) / {_value(r.b)} ({b})  [{_guide(r.cls)}]")
        out += [f'    {a}: "{_short(q)}"' for q in pair.a_quotes]
        out += [f'    {b}: "{_short(q)}"' for q in pair.b_quotes]
        out.append("")
    for u in result.disagreements:
        side, other = (a, b) if u.side == "a" else (b, a)
        how = (
            f"{other} reads these words as {', '.join(u.read_as)}"
            if u.read_as
            else (f"{other} has no {u.kind} citing these words")
        )
        out.append(f"only in {side}: {u.label}: {how}  [{_guide(u.cls)}]")
        out += [f'    "{_short(q)}"' for q in u.quotes]
    if result.unmatched:
        out.append("")
    if result.verdicts:
        out.append("verdicts that differ:")
        for v in result.verdicts:
            because = f"; read differently: {', '.join(v.statements)}" if v.statements else ""
            out.append(
                f"  {v.severity} {v.id} {v.title}: {v.a} ({a}) / {v.b} ({b}) "
                f"[{v.law} {v.article}]{because}"
            )
        out.append("")
    classes = result.classes()
    if classes:
        out.append("disagreements by class:")
        out += [
            f"  {n} {_guide(cls).replace(': ', ' → ', 1)}" for cls, n in sorted(classes.items())
        ]
        out.append("")
    out.append(
        f"{len(result.pairs)} statements matched ({len(result.differing_pairs)} read differently), "
        f"{sum(1 for u in result.unmatched if u.side == 'a')} only in {a}, "
        f"{sum(1 for u in result.unmatched if u.side == 'b')} only in {b}"
    )
    out.append(
        f"agreement: {result.same} of {result.obligations} obligations with the same verdict "
        f"({result.share:.1%}); Cohen's kappa {_kappa(result.kappa)}"
    )
    return "\n".join(out) + "\n"


def report(result: Agreement) -> dict[str, Any]:
    return {
        "schema": SCHEMA,
        "tool": {"name": "policycheck", "version": __version__},
        "a": result.a_path,
        "b": result.b_path,
        "source": result.source,
        "matched": len(result.pairs),
        "differences": [
            {
                "kind": p.kind,
                "a_statement": p.a_label,
                "b_statement": p.b_label,
                "overlap": round(p.overlap, 4),
                "a_quotes": list(p.a_quotes),
                "b_quotes": list(p.b_quotes),
                "fields": [
                    {
                        "field": r.field,
                        "a": r.a,
                        "b": r.b,
                        "class": r.cls,
                        "guide": guide_link(r.cls),
                    }
                    for r in p.fields
                ],
            }
            for p in result.differing_pairs
        ],
        "unmatched": [
            {
                "side": u.side,
                "kind": u.kind,
                "statement": u.label,
                "quotes": list(u.quotes),
                "read_as": list(u.read_as),
                "class": u.cls,
                "guide": guide_link(u.cls),
            }
            for u in result.unmatched
        ],
        "verdicts": [
            {
                "id": v.id,
                "title": v.title,
                "severity": v.severity,
                "law": v.law,
                "article": v.article,
                "a": v.a,
                "b": v.b,
                "statements": list(v.statements),
            }
            for v in result.verdicts
        ],
        "classes": {
            cls: {"count": n, "about": CLASSES[cls], "guide": guide_link(cls)}
            for cls, n in sorted(result.classes().items())
        },
        "agreement": {
            "obligations": result.obligations,
            "same": result.same,
            "share": round(result.share, 4),
            "kappa": None if result.kappa is None else round(result.kappa, 4),
        },
    }


def render_json(result: Agreement) -> str:
    return json.dumps(report(result), ensure_ascii=False, indent=2) + "\n"


RENDERERS: dict[str, Callable[[Agreement], str]] = {"text": render_text, "json": render_json}
