"""The language reference (docs/language.md), generated from the fact model so it never drifts.

`python -m checker.language.reference > docs/language.md` rewrites it; a test checks the file
is current.
"""

from __future__ import annotations

import ast
import inspect
import itertools
from functools import cache

from checker.language.facts import FACT_KINDS, KIND_MODELS, SHAPES, Fact, Shape

_SCALAR_WORDS = {
    "text": '"text"',
    "flag": "yes / no",
    "int": "number",
    "date": "YYYY-MM-DD",
    "category": "data category key",
}


def describe(shape: Shape) -> str:
    if shape.scalar == "enum":
        one = " \\| ".join(f"`{c}`" for c in shape.choices)
    elif shape.scalar == "ref":
        one = f"name of a `{shape.ref}`"
    else:
        one = _SCALAR_WORDS[shape.scalar]
    if shape.one_or_many:
        text = f"{one}, or a list of them"
    else:
        text = f"list of {one}" if shape.many else one
    if shape.all_ok:
        text += ", or `all`"
    if shape.unstated_ok:
        text += ", or `unstated`"
    return text


def field_docs(model: type[Fact]) -> dict[str, str]:
    """Docstrings written under fields in the model source (`x: int` then `\"\"\"doc\"\"\"`)."""
    return _field_docs(model.KIND)


@cache
def _field_docs(kind: str) -> dict[str, str]:
    model = KIND_MODELS[kind]
    docs: dict[str, str] = {}
    try:
        tree = ast.parse(inspect.getsource(model))
    except (OSError, TypeError):
        return docs
    body = tree.body[0].body if tree.body and isinstance(tree.body[0], ast.ClassDef) else []
    for node, after in itertools.pairwise(body):
        if (
            isinstance(node, ast.AnnAssign)
            and isinstance(node.target, ast.Name)
            and isinstance(after, ast.Expr)
            and isinstance(after.value, ast.Constant)
            and isinstance(after.value.value, str)
        ):
            docs[node.target.id] = " ".join(after.value.value.split())
    return docs


CITATIONS = (
    "## Citations",
    "",
    '`cite "clause" "verbatim quote"` says where in the notice a fact comes from. The clause is',
    "the encoder's name for the passage (a section number, a heading) and is shown in reports; the",
    "quote is looked up in the notice's text, ignoring letter case, typographic quotes and dashes,",
    "unusual spaces and line breaks, and must be there (E302).",
    "",
    "When the quote's words occur in more than one place of the notice, `policycheck lint` warns",
    "(QUOTE-AMBIGUOUS) and the citation is anchored at the first place. Lengthen the quote until",
    "its words occur once, or, when the notice itself repeats them (a heading, a sentence said",
    "twice), name the place meant by the notice line where it begins:",
    "",
    "```",
    'cite "Title" "Privacy Policy" line 1',
    "```",
    "",
    "A `line N` on which the quote does not begin is an error (E303), so a changed notice is",
    "noticed. `policycheck coverage --quotes` lists where every quote landed (notice line and",
    "paragraph) and every other place its words occur; `--format json` always does.",
    "",
)
"""The citation syntax, stated once: it is the grammar's, not the fact model's."""


def language_reference() -> str:
    out = [
        "# Policy language reference",
        "",
        "Generated from `checker/language/facts.py` by `python -m checker.language.reference`; "
        "do not edit by hand.",
        "",
        "Every field may be left out (not encoded: requirements that need it report the gap), set",
        "to `unstated` where marked (the notice is silent), or given a value. Every statement",
        "except `document`, `category` and `waiver` needs at least one",
        '`cite "clause" "verbatim quote"`, unless all its fields are `unstated`.',
        "",
        *CITATIONS,
    ]
    for model in FACT_KINDS:
        doc = " ".join((model.__doc__ or "").split())
        head = f"`{model.KIND}"
        if model.NAME_FIELD:
            head += f" <{model.NAME_FIELD}>"
            if model.NAME_QUALIFIED:
                head += "[.<name>]"
        elif not model.SINGLE:
            head += " <name>"
        head += " { ... }`"
        out.append(f"## {model.KIND}")
        out.append("")
        out.append(f"{head} — {doc}" + (" At most one per file." if model.SINGLE else ""))
        out.append("")
        out.append("| field | value | notes |")
        out.append("| --- | --- | --- |")
        docs = field_docs(model)
        for name, shape in SHAPES[model.KIND].items():
            if name == model.NAME_FIELD:
                note = "given after the keyword"
            else:
                note = "required" if name in model.REQUIRED else ""
            extra = docs.get(name, "")
            note = "; ".join(n for n in (note, extra) if n)
            out.append(f"| `{name}` | {describe(shape)} | {note} |")
        out.append("")
    return "\n".join(out)


if __name__ == "__main__":
    print(language_reference(), end="")
