"""Stage 2: syntax tree -> typed facts. Checks every kind, field, value and reference.

Each block becomes one fact model from checker/language/facts.py. The field shapes there decide
what a value may be; anything else is an error with the block's or value's span and, where one
fits, a did-you-mean. All errors of a file are collected before giving up.
"""

from __future__ import annotations

import datetime
from collections.abc import Callable, Iterable
from typing import Any, cast

from checker.errors import MAX_ERRORS, CheckerError, ErrorList, capped, did_you_mean, one_of
from checker.language.citations import Citation
from checker.language.facts import (
    KIND_MODELS,
    SHAPES,
    UNSTATED,
    Document,
    Fact,
    Policy,
    Shape,
    Statement,
)
from checker.language.taxonomy import taxonomy_keys
from checker.language.tree import Block, Cite, Field, ListValue, Scalar, SyntaxTree
from checker.spans import Span

# Kinds whose statements are not facts read from the notice, so they need no citation.
UNCITED_KINDS = frozenset({"document", "waiver", "category"})
_FLAGS = {"yes": True, "no": False}
_KEYWORDS = frozenset({"unstated", "all"})
"""Words with a meaning of their own as values, so never the name of a statement."""


def build_policy(tree: SyntaxTree, path: str, require_cites: bool = True) -> Policy:
    """Type-check a syntax tree into a `Policy`, or raise `ErrorList` with every problem found.

    `require_cites=False` is for requirement cases: snippets that exercise a rule, not notices.
    """
    errors: list[CheckerError] = []
    blocks: list[Block] = []
    for item in tree.items:
        if isinstance(item, Block):
            blocks.append(item)
        else:
            errors.append(
                CheckerError(
                    "E113",
                    "fields and citations belong inside a block",
                    span=item.span,
                    expected="a block such as `handler { ... }`",
                )
            )

    names = _declared_names(blocks)
    extensions = _category_extensions(blocks, errors)
    builder = _Builder(names, extensions, errors, require_cites)
    facts = [fact for fact in (builder.fact(b) for b in blocks) if fact is not None]
    _check_duplicates(facts, errors)

    documents = [f for f in facts if isinstance(f, Document)]
    if not documents and not errors:
        errors.append(
            CheckerError(
                "E209",
                "no document header",
                span=Span.point(1, 1),
                expected=(
                    'a `document { title = "..." source = "..." jurisdictions = [...] }` block'
                ),
                hint="every .policy file starts by naming the notice it encodes",
            )
        )
    if errors:
        raise ErrorList(capped([e.at(path) for e in errors], builder.more))
    statements = cast("tuple[Statement, ...]", tuple(facts))  # every kind is a Statement
    return Policy(path=path, document=documents[0], statements=statements)


def _declared_names(blocks: list[Block]) -> dict[str, set[str]]:
    names: dict[str, set[str]] = {}
    for block in blocks:
        model = KIND_MODELS.get(block.kind)
        if block.name and model is not None and model.NAME_FIELD is None:
            names.setdefault(block.kind, set()).add(block.name)
    return names


def _category_extensions(
    blocks: list[Block], errors: list[CheckerError]
) -> dict[str, tuple[bool | None, bool | None]]:
    """Project-declared data categories: `category user.parent.child { ... }`."""
    known = taxonomy_keys()
    declared: dict[str, tuple[bool | None, bool | None]] = {}
    for block in blocks:
        if block.kind != "category" or not block.name:
            continue
        key = block.name
        parent = key.rpartition(".")[0]
        fields = {item.key for item in block.items if isinstance(item, Field)}
        if key in known and "reason" not in fields:
            # Naming a taxonomy key adjusts its sensitivity for this notice: never without a
            # reason a reviewer can read, since it can take a category out of PIPL Arts. 28-32.
            errors.append(
                CheckerError(
                    "E212",
                    f"'{key}' is already a taxonomy category",
                    span=block.name_span,
                    expected='a `reason = "..."` if this notice adjusts its sensitivity',
                    hint="use it directly; declare only keys the taxonomy lacks",
                )
            )
            continue
        if key not in known and parent not in known and parent not in declared:
            errors.append(
                CheckerError(
                    "E212",
                    f"'{key}' extends '{parent or key}', which is not a taxonomy category",
                    span=block.name_span,
                    expected="a new key under an existing one, such as user.content.private.diary",
                    hint=did_you_mean(parent, known),
                )
            )
            continue
        marks: dict[str, bool | None] = {"pipl_sensitive": None, "gdpr_special": None}
        for item in block.items:
            if isinstance(item, Field) and item.key in marks and isinstance(item.value, Scalar):
                marks[item.key] = _FLAGS.get(item.value.value)
        declared[key] = (marks["pipl_sensitive"], marks["gdpr_special"])
    return declared


class _Builder:
    def __init__(
        self,
        names: dict[str, set[str]],
        extensions: dict[str, tuple[bool | None, bool | None]],
        errors: list[CheckerError],
        require_cites: bool = True,
    ) -> None:
        self.require_cites = require_cites
        self.more = 0
        """Errors counted but not kept (see `error`)."""
        self.names = names
        self.categories = set(taxonomy_keys()) | set(extensions)
        self.errors = errors

    def error(self, code: str, message: str, span: Span | None, **advice: Any) -> None:
        if len(self.errors) < 2 * MAX_ERRORS:
            self.errors.append(CheckerError(code, message, span=span, **advice))
        else:  # far past what is shown (blocks come in order): counted, not kept
            self.more += 1

    # Past the errors a file shows (MAX_ERRORS), the rest are only counted: working out advice
    # for each of a million errors (a close match among the choices) took a minute.

    def did_you_mean(self, word: str, choices: Iterable[str]) -> str | None:
        return did_you_mean(word, choices) if len(self.errors) < MAX_ERRORS else None

    def one_of(self, choices: Iterable[str], limit: int = 12) -> str:
        return one_of(choices, limit) if len(self.errors) < MAX_ERRORS else ""

    def fact(self, block: Block) -> Fact | None:
        model = KIND_MODELS.get(block.kind)
        if model is None:
            self.error(
                "E201",
                f"unknown statement kind '{block.kind}'",
                block.kind_span,
                expected=self.one_of(KIND_MODELS, limit=30),
                hint=self.did_you_mean(block.kind, KIND_MODELS),
            )
            return None
        shapes = SHAPES[block.kind]
        values: dict[str, Any] = {}
        # "header": `kind name`, where a finding about the whole statement points.
        last = block.name_span or block.kind_span
        spans: dict[str, Span] = {
            "header": block.kind_span._replace(end_line=last.end_line, end_column=last.end_column)
        }
        cites: list[Citation] = []
        given: set[str] = set()
        ok = True

        if block.name in _KEYWORDS and block.name_span is not None:
            # `recipient unstated { ... }` could never be referred to: `recipient = unstated`
            # means the notice is silent, and `all` means every one.
            self.error(
                "E214",
                f"'{block.name}' is a keyword and cannot name {_a(block.kind)}",
                block.name_span,
                expected=f"another name: `{block.kind} <name> {{ ... }}`",
            )
            ok = False
        elif block.name is not None and block.name_span is not None:
            spans["name"] = block.name_span
            if model.NAME_FIELD:
                shape = shapes[model.NAME_FIELD]
                head, head_span = block.name, block.name_span
                if model.NAME_QUALIFIED and "." in block.name:
                    # `right delete.in_app`: the kind is `delete`, `in_app` tells two apart.
                    head = block.name.split(".", 1)[0]
                    head_span = head_span._replace(end_column=head_span.column + len(head))
                if shape.scalar == "text":  # `category user.x.y { ... }`: the name is the key
                    name_value = Scalar("string", head, head_span)
                else:
                    name_value = Scalar("name", head, head_span)
                converted = self.convert(block.kind, model.NAME_FIELD, shape, name_value)
                ok &= converted is not _BAD
                values[model.NAME_FIELD] = converted
                spans[model.NAME_FIELD] = head_span
            values["name"] = block.name
        elif model.NAME_FIELD:
            self.error(
                "E208",
                f"{_a(block.kind)} needs its {model.NAME_FIELD} after the keyword",
                block.kind_span,
                expected=f"`{block.kind} <{model.NAME_FIELD}> {{ ... }}`",
            )
            ok = False

        for item in block.items:
            if isinstance(item, Cite):
                # An empty label or quote would reach anchoring as a quote "not in the notice";
                # the citation itself is what is incomplete.
                if not item.label.strip() or not item.quote.strip():
                    empty = [
                        w
                        for w, v in (("clause label", item.label), ("quote", item.quote))
                        if not v.strip()
                    ]
                    self.error(
                        "E111",
                        f"the citation's {' and '.join(empty)} {'are' if len(empty) > 1 else 'is'}"
                        " empty",
                        item.span,
                        expected='cite "clause label" "verbatim quote from the notice"',
                    )
                    ok = False
                cites.append(
                    Citation(
                        label=item.label,
                        quote=item.quote,
                        span=item.span,
                        quote_span=item.quote_span,
                        line_hint=item.line,
                    )
                )
            elif isinstance(item, Block):
                self.error(
                    "E102",
                    f"'{item.kind}' starts inside the {block.kind} block opened at line "
                    f"{block.span.line}",
                    item.kind_span,
                    expected=f"'}}' to close the {block.kind} block before a new statement",
                    hint=f"add '}}' to close the {block.kind} block",
                )
                ok = False
            else:
                given.add(item.key)
                ok &= self.field(block.kind, shapes, item, values, spans)

        # Fields that are each fine may still contradict each other.
        cross = _CROSS_CHECKS.get(block.kind)
        if ok and cross is not None:
            ok = cross(self.error, values, spans)
        for required in model.REQUIRED:
            # A field given with a bad value has its own error; it is not missing as well.
            if required not in values and required not in given:
                self.error(
                    "E208",
                    f"{_a(block.kind)} needs `{required}`",
                    block.kind_span,
                    expected=f"`{required} = ...` inside the block",
                )
                ok = False
        if (
            self.require_cites
            and not cites
            and block.kind not in UNCITED_KINDS
            and not _only_unstated(values, model)
        ):
            self.error(
                "E210",
                f"{block.kind} {block.name or ''} has no citation".replace("  ", " "),
                block.kind_span,
                expected='`cite "clause label" "verbatim quote"` inside the block',
                hint="every fact says where in the notice it comes from",
            )
            ok = False
        if not ok:
            return None
        # Every value was checked against its field's shape above (the shapes are derived from
        # the fact classes), so the fact is made as it is. tests/test_build.py validates every
        # built fact of the shipped and of generated policies with pydantic and compares.
        return model(span=block.span, cites=tuple(cites), spans=spans, **values)

    def field(
        self,
        kind: str,
        shapes: dict[str, Shape],
        item: Field,
        values: dict[str, Any],
        spans: dict[str, Span],
    ) -> bool:
        shape = shapes.get(item.key)
        model = KIND_MODELS[kind]
        if shape is None or item.key == model.NAME_FIELD:
            self.error(
                "E202",
                f"unknown field '{item.key}' in {_a(kind)}",
                item.key_span,
                expected=self.one_of(k for k in shapes if k != model.NAME_FIELD),
                hint=self.did_you_mean(item.key, shapes),
            )
            return False
        if item.key in values:
            self.error(
                "E211",
                f"'{item.key}' is given twice in this {kind}",
                item.key_span,
                hint="merge the two values into one (a list if the notice says several things)",
            )
            return False
        converted = self.convert(kind, item.key, shape, item.value)
        if converted is _BAD:
            return False
        values[item.key] = converted
        spans[item.key] = item.value.span
        return True

    def convert(self, kind: str, key: str, shape: Shape, value: Any) -> Any:
        if isinstance(value, Scalar) and value.kind == "name" and value.value == "unstated":
            if shape.unstated_ok:
                return UNSTATED
            self.error(
                "E203",
                f"`{key}` of {_a(kind)} cannot be unstated",
                value.span,
                expected=_describe(shape),
            )
            return _BAD
        if (
            isinstance(value, Scalar)
            and shape.all_ok
            and value.kind == "name"
            and value.value == "all"
        ):
            return "all"
        if shape.one_or_many and not isinstance(value, ListValue):
            return self.scalar(kind, key, shape, value)  # one place stays one place
        if shape.many:
            items = value.items if isinstance(value, ListValue) else (value,)
            converted = [self.scalar(kind, key, shape, v) for v in items]
            if any(c is _BAD for c in converted):
                return _BAD
            if not converted:
                self.error(
                    "E105", f"`{key}` is an empty list", value.span, expected=_describe(shape)
                )
                return _BAD
            return tuple(converted)
        if isinstance(value, ListValue):
            self.error(
                "E203",
                f"`{key}` takes one value, not a list",
                value.span,
                expected=_describe(shape),
                hint=_LIST_HINTS.get((kind, key)),
            )
            return _BAD
        return self.scalar(kind, key, shape, value)

    def scalar(self, kind: str, key: str, shape: Shape, value: Scalar) -> Any:
        text = value.value
        if shape.scalar == "text":
            if value.kind == "string":
                return text
        elif shape.scalar == "flag":
            if value.kind == "name" and text in _FLAGS:
                return _FLAGS[text]
            if value.kind == "name":
                self.error(
                    "E204",
                    f"'{text}' is not yes or no",
                    value.span,
                    expected=_describe(shape),
                    hint=self.did_you_mean(text, _FLAGS),
                )
                return _BAD
        elif shape.scalar == "int":
            if value.kind == "number":
                # Python refuses to convert strings of more than 4300 digits (and no notice
                # needs a number that long): report it rather than crash.
                if len(text) > 18:
                    shown = text if len(text) <= 24 else text[:23] + "…"
                    self.error(
                        "E203",
                        f"the number {shown} is too large",
                        value.span,
                        expected=_describe(shape),
                    )
                    return _BAD
                return int(text)
        elif shape.scalar == "date":
            if value.kind == "date":
                try:
                    return datetime.date.fromisoformat(text)
                except ValueError:
                    self.error(
                        "E203",
                        f"'{text}' is not a calendar date",
                        value.span,
                        expected=_describe(shape),
                    )
                    return _BAD
        elif shape.scalar == "enum":
            if value.kind == "name":
                if text in shape.choices:
                    return text
                self.error(
                    "E204",
                    f"'{text}' is not a value `{key}` of {_a(kind)} can take",
                    value.span,
                    expected=self.one_of(
                        shape.choices + (("unstated",) if shape.unstated_ok else ())
                    ),
                    hint=self.did_you_mean(text, shape.choices),
                )
                return _BAD
        elif shape.scalar == "category":
            if value.kind == "name":
                if text in self.categories:
                    return text
                self.error(
                    "E205",
                    f"unknown data category '{text}'",
                    value.span,
                    expected="a Fides taxonomy key such as user.contact.email, or `all`",
                    hint=self.did_you_mean(text, self.categories)
                    or "declare a new key with `category <parent>.<new> { ... }`",
                )
                return _BAD
        elif shape.scalar == "ref" and value.kind == "name":
            assert shape.ref is not None
            if text in self.names.get(shape.ref, set()):
                return text
            self.error(
                "E207",
                f"no {shape.ref} named '{text}' is defined",
                value.span,
                expected=f"the name of a `{shape.ref} <name> {{ ... }}` block in this file",
                hint=self.did_you_mean(text, self.names.get(shape.ref, set())),
            )
            return _BAD
        self.error(
            "E203",
            f"`{key}` of {_a(kind)} takes {_describe(shape)}, not {_article(value.kind)}",
            value.span,
            expected=_describe(shape),
            hint='quote prose: `key = "words"`' if shape.scalar == "text" else None,
        )
        return _BAD


_BAD: Any = object()

Report = Callable[..., None]
"""`_Builder.error`: records one located error (code, message, span, expected=..., hint=...)."""

_LIST_HINTS = {
    ("recipient", "legal_name"): (
        'a recipient that is one of several entities ("A or B") is `one_of = [...]`; '
        "several recipients are a `recipient` block each"
    ),
}
"""Where a list is given to a field of one value, what the encoder most likely meant."""


def _check_recipient(report: Report, values: dict[str, Any], spans: dict[str, Span]) -> bool:
    """A recipient is one entity (`legal_name`) or one of several (`one_of`), not both."""
    ok = True
    one_of = values.get("one_of")
    if one_of is not None and values.get("legal_name") not in (None, UNSTATED):
        report(
            "E215",
            "a recipient is one entity (`legal_name`) or one of several (`one_of`), not both",
            spans["one_of"],
            expected="`legal_name` for one entity, or `one_of = [...]` for one of several",
            hint="keep `one_of`, and leave `legal_name` out",
        )
        ok = False
    if one_of is not None and len(one_of) < 2:
        report(
            "E215",
            "`one_of` names a single entity",
            spans["one_of"],
            expected='two or more names: `one_of = ["A Ltd", "B Ltd"]`',
            hint='one entity is `legal_name = "..."`',
        )
        ok = False
    if values.get("chosen_by") not in (None, UNSTATED) and one_of is None:
        report(
            "E215",
            "`chosen_by` says which of several entities receives, but there is no `one_of`",
            spans["chosen_by"],
            expected="`one_of = [...]` naming the entities it chooses among",
        )
        ok = False
    return ok


_CROSS_CHECKS: dict[str, Callable[[Report, dict[str, Any], dict[str, Span]], bool]] = {
    "recipient": _check_recipient
}
"""Checks of fields against each other, by kind: fields whose values are fine alone but
contradict each other."""


def _only_unstated(values: dict[str, Any], model: type[Fact]) -> bool:
    """A block that only records silence (`breach { notify_individuals = unstated }`)."""
    own = [v for k, v in values.items() if k not in ("name", model.NAME_FIELD)]
    return bool(own) and all(v is UNSTATED for v in own)


def _a(kind: str) -> str:
    """`a handler`, `an officer`."""
    return f"an {kind}" if kind[:1] in "aeiou" else f"a {kind}"


def _article(kind: str) -> str:
    return {"string": "a string", "name": "a name", "number": "a number", "date": "a date"}[kind]


def _describe(shape: Shape) -> str:
    single = {
        "text": 'a quoted string ("...")',
        "flag": "yes or no",
        "int": "a whole number",
        "date": "a date (YYYY-MM-DD)",
        "enum": one_of(shape.choices),
        "category": "a data category key (user.contact.email, ...)",
        "ref": f"the name of a {shape.ref}",
    }[shape.scalar]
    if shape.one_or_many:
        text = f"{single}, or a [list] of them"
    else:
        text = f"a [list] of {single}" if shape.many else single
    if shape.all_ok:
        text += ", or all"
    if shape.unstated_ok:
        text += ", or unstated"
    return text


def _check_duplicates(facts: list[Fact], errors: list[CheckerError]) -> None:
    seen: dict[tuple[str, str], Fact] = {}
    for fact in facts:
        if fact.SINGLE:
            key = (fact.KIND, "")
            what = f"a second {fact.KIND} block"
        elif fact.name is not None:
            key = (fact.KIND, fact.name)
            what = f"a second {fact.KIND} named '{fact.name}'"
        else:
            continue
        first = seen.get(key)
        if first is None:
            seen[key] = fact
            continue
        errors.append(
            CheckerError(
                "E206",
                f"{what} (the first is at line {first.span.line})",
                span=fact.spans.get("name", fact.span),
                hint=(
                    f"merge them, or tell them apart after a dot: "
                    f"`{fact.KIND} {fact.name.split('.')[0]}.<name>`"
                    if fact.NAME_QUALIFIED and fact.name is not None
                    else "merge them, or give this one another name"
                ),
            )
        )
