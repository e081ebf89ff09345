"""Requirement sets: legal obligations as data (requirements/*.yaml), loaded, validated, compiled.

A requirement file names its law and holds requirements; each requirement cites its article with a
short verbatim quote, says when it applies and what must hold (in the condition language, see
grammar/condition.lark), and how to word a finding and its remedy. Loading checks every field
against the schema below and every condition against the fact model; a mistake is a
`CheckerError` with file:line:col and a did-you-mean. Nothing in a file is ever executed.
"""

from __future__ import annotations

import contextlib
import re
import string
from dataclasses import asdict, dataclass, field, fields
from functools import cache, cached_property
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal

from checker import derived
from checker.errors import CheckerError, ErrorList, did_you_mean, one_of
from checker.language.facts import KIND_MODELS, SHAPES
from checker.resources import set_files, shipped_sets
from checker.rules.condition_tree import from_data, to_data
from checker.rules.conditions import Compiler, ConditionError, PathType, Test, parse_condition
from checker.spans import Span

if TYPE_CHECKING:
    from checker.rules.yamlsafe import Located

Severity = Literal["error", "warning", "info"]
SEVERITIES: tuple[str, ...] = ("error", "warning", "info")
REQUIREMENT_ID = re.compile(r"[A-Z][A-Z0-9]*(-[A-Za-z0-9.]+)+")
SET_NAME = re.compile(r"[a-z][a-z0-9_-]*")

# The two shapes below are plain frozen dataclasses. pydantic checks a requirement file against
# them (`TypeAdapter`, with unknown keys forbidden) when the file is read from YAML; a set read
# back from the store of compiled sets was checked when it was stored, and a run served from there
# loads neither pydantic nor YAML.
_FORBID_UNKNOWN_KEYS = {"extra": "forbid"}


@dataclass(frozen=True, kw_only=True)
class RequirementSpec:
    """One obligation, as written in a requirement file."""

    __pydantic_config__ = _FORBID_UNKNOWN_KEYS

    id: str
    """Upper-case words joined by hyphens: `PIPL-39`, `GDPR-13-1-c-basis`."""
    title: str
    article: str
    quote: str
    """A short verbatim quote of the article, in the law's official language."""
    gloss: str | None = None
    """An English rendering of the quote, where the official text is not English (unofficial)."""
    severity: Severity
    for_each: str | None = None
    """A statement kind: the requirement is checked once per statement of that kind."""
    applies: str | None = None
    require: str
    message: str
    remedy: str
    not_formalised: str | None = None
    """What part of the obligation needs human judgement and is not checked."""
    waivable: bool = True
    help_uri: str | None = None


@dataclass(frozen=True, kw_only=True)
class RequirementFile:
    """A whole requirement file."""

    __pydantic_config__ = _FORBID_UNKNOWN_KEYS

    set: str
    law: str
    title: str
    jurisdictions: tuple[str, ...] = ()
    source: str | None = None
    """The most official source of the law's text (used as the rule's help link)."""
    predicates: dict[str, str] = field(default_factory=dict)
    requirements: tuple[RequirementSpec, ...]


@dataclass(frozen=True)
class Requirement:
    """A loaded requirement: the spec, its law, compiled conditions and where it was defined."""

    spec: RequirementSpec
    law: str
    set_name: str
    law_title: str
    source_uri: str | None
    path: str
    span: Span | None
    applies: Test | None
    require: Test

    @property
    def id(self) -> str:
        return self.spec.id

    @cached_property
    def placeholders(self) -> tuple[str, ...]:
        """The `{fields}` its message names."""
        return tuple(f for _, f, _, _ in string.Formatter().parse(self.spec.message) if f)

    @property
    def citation(self) -> str:
        return f"{self.law} {self.spec.article}"


@dataclass(frozen=True)
class RequirementSet:
    name: str
    law: str
    title: str
    jurisdictions: tuple[str, ...]
    requirements: tuple[Requirement, ...]
    path: str
    predicates: dict[str, str] = field(default_factory=dict)


@cache
def _file_schema() -> Any:
    """The pydantic validator of a requirement file (built on first use: see above)."""
    from pydantic import TypeAdapter

    return TypeAdapter(RequirementFile)


def load_requirement_file(text: str, path: str) -> RequirementSet:
    """Validate and compile one requirement file; raise `ErrorList` with every problem found."""
    from pydantic import ValidationError

    from checker.rules.yamlsafe import load_located

    try:
        located = load_located(text, path)
    except CheckerError as exc:
        raise ErrorList([exc]) from None
    try:
        spec: RequirementFile = _file_schema().validate_python(located.value)
    except ValidationError as exc:
        raise ErrorList([_schema_error(e, located, path) for e in exc.errors()]) from None
    errors = _form_errors(spec, located, path)
    compiler = Compiler(dict(spec.predicates))
    reserved = set(KIND_MODELS) | {f for fields in SHAPES.values() for f in fields}
    for name in spec.predicates:
        if name in reserved or not re.fullmatch(r"[a-z][a-z0-9_]*", name):
            errors.append(
                CheckerError(
                    "E402",
                    f"predicate name '{name}' is not free (a kind or field has that name)",
                    path,
                    located.span(("predicates", name)),
                )
            )
    for name, text_ in spec.predicates.items():
        # A predicate's paths are resolved where it is used (inside `for_each: transfer`,
        # `consent` is the transfer's field), so here only its syntax is checked.
        try:
            parse_condition(text_)
        except ConditionError as exc:
            errors.append(_condition_error(exc, located, ("predicates", name), path, text_))
    seen: dict[str, int] = {}
    loaded: list[Requirement] = []
    for index, req in enumerate(spec.requirements):
        where = ("requirements", index)
        if req.id in seen:
            errors.append(
                CheckerError(
                    "E405",
                    f"requirement id {req.id} is defined twice (first as entry {seen[req.id]})",
                    path,
                    located.span(where + ("id",)),
                )
            )
            continue
        seen[req.id] = index + 1
        try:
            loaded.append(_compile(req, spec, compiler, located, where, path))
        except CheckerError as exc:
            errors.append(exc)
    if errors:
        raise ErrorList(errors)
    return RequirementSet(
        spec.set, spec.law, spec.title, spec.jurisdictions, tuple(loaded), path, spec.predicates
    )


def _form_errors(spec: RequirementFile, located: Located, path: str) -> list[CheckerError]:
    """What the types cannot say: the forms of the set's name and of each id, and that no
    condition is empty."""
    errors: list[CheckerError] = []

    def check(ok: bool, where: tuple[Any, ...], problem: str) -> None:
        if not ok:
            label = ".".join(str(p) for p in where)
            errors.append(CheckerError("E402", f"{label} {problem}", path, located.span(where)))

    check(
        SET_NAME.fullmatch(spec.set) is not None,
        ("set",),
        "is not in the expected form (lower-case letters, digits, - and _)",
    )
    for name, condition in spec.predicates.items():
        check(bool(condition), ("predicates", name), "must not be empty")
    for index, req in enumerate(spec.requirements):
        where = ("requirements", index)
        check(
            REQUIREMENT_ID.fullmatch(req.id) is not None,
            (*where, "id"),
            "is not in the expected form (upper-case words joined by -, as PIPL-39)",
        )
        check(bool(req.require), (*where, "require"), "must not be empty")
        if req.applies is not None:
            check(bool(req.applies), (*where, "applies"), "must not be empty")
    return errors


def _compile(
    req: RequirementSpec,
    spec: RequirementFile,
    compiler: Compiler,
    located: Located,
    where: tuple[Any, ...],
    path: str,
) -> Requirement:
    scope = None
    if req.for_each is not None:
        model = KIND_MODELS.get(req.for_each)
        if model is None or model.SINGLE:
            kinds = [k for k, m in KIND_MODELS.items() if not m.SINGLE]
            raise CheckerError(
                "E404",
                f"for_each: '{req.for_each}' is not a statement kind that can repeat",
                path,
                located.span(where + ("for_each",)),
                expected=one_of(kinds, 30),
                hint=did_you_mean(req.for_each, kinds),
            )
        scope = PathType("fact", req.for_each)
    compiled: dict[str, Test | None] = {"applies": None}
    for key in ("applies", "require"):
        text = getattr(req, key)
        if text is None:
            continue
        try:
            compiled[key] = compiler.compile(text, scope)
        except ConditionError as exc:
            raise _condition_error(exc, located, where + (key,), path, text) from None
    _check_template(req, located, where, path)
    require = compiled["require"]
    assert require is not None
    return Requirement(
        spec=req,
        law=spec.law,
        set_name=spec.set,
        law_title=spec.title,
        source_uri=req.help_uri or spec.source,
        path=path,
        span=located.span(where),
        applies=compiled["applies"],
        require=require,
    )


TEMPLATE_COMMON = ("label", "name", "kind", "document", "law", "article", "id")


def _check_template(
    req: RequirementSpec, located: Located, where: tuple[Any, ...], path: str
) -> None:
    allowed = set(TEMPLATE_COMMON)
    if req.for_each:
        allowed |= set(SHAPES[req.for_each]) | _message_properties(req.for_each)
        # A reference may be followed one step: {recipient.legal_name}, {recipient.identity}.
        for name, shape in SHAPES[req.for_each].items():
            if shape.scalar == "ref" and not shape.many and shape.ref is not None:
                named = set(SHAPES[shape.ref]) | _message_properties(shape.ref)
                allowed |= {f"{name}.{field}" for field in named}
    try:
        parsed = list(string.Formatter().parse(req.message))
    except ValueError as exc:
        raise CheckerError(
            "E404",
            f"message is not a valid template: {exc}",
            path,
            located.span((*where, "message")),
            hint="write {{ and }} for literal braces",
        ) from None
    for _, field_name, spec, conversion in parsed:
        if field_name is None:
            continue
        # A template is data: each field is a plain name, `{field}` or `{field.sub}`. The rest of
        # Python's format language (conversions, format specs and fields nested in them) would
        # make it a small program run at lint time, where a mistake could only crash.
        extra = f"!{conversion}" if conversion is not None else ""
        extra += f":{spec}" if spec else ""
        if extra:
            what = "a conversion" if conversion is not None else "a format spec"
            if "{" in (spec or ""):
                what = "a field nested in a format spec"
            raise CheckerError(
                "E402",
                f"message field '{{{field_name}{extra}}}' has {what}; "
                "a field is written {field} or {field.sub}",
                path,
                located.span((*where, "message")),
                expected="{field} or {field.sub}, with no '!' or ':' part",
                hint=f"write {{{field_name}}}",
            )
        if field_name not in allowed:
            raise CheckerError(
                "E404",
                f"message names '{{{field_name}}}', which is not a field here",
                path,
                located.span(where + ("message",)),
                expected=one_of(allowed, 40),
                hint=did_you_mean(field_name, allowed),
            )


def _message_properties(kind: str) -> set[str]:
    return set(getattr(KIND_MODELS[kind], "MESSAGE_PROPERTIES", ()))


def _condition_error(
    exc: ConditionError, located: Located, where: tuple[Any, ...], path: str, text: str
) -> CheckerError:
    span = located.span(where)
    message = exc.message
    if span is not None and "\n" not in text and span.line == span.end_line:
        # A one-line scalar: point at the column inside the condition itself.
        quote_offset = 1 if _is_quoted(span, text) else 0
        span = Span.point(span.line, span.column + quote_offset + exc.column - 1)
    else:  # a folded condition: show it, with a caret, under the message
        message += f"\n      {' '.join(text.split())}\n      {' ' * (exc.column - 1)}^"
    code = exc.code or ("E403" if exc.message == "condition does not parse" else "E404")
    return CheckerError(code, message, path, span, expected=exc.expected, hint=exc.hint)


def _is_quoted(span: Span, text: str) -> bool:
    return span.end_column - span.column > len(text)


def _schema_error(error: Any, located: Located, path: str) -> CheckerError:
    loc = tuple(error["loc"])
    span = located.span(loc)
    kind = error["type"]
    field_name = str(loc[-1]) if loc else ""
    if kind in ("extra_forbidden", "unexpected_keyword_argument"):
        model = RequirementSpec if "requirements" in loc[:1] and len(loc) == 3 else RequirementFile
        allowed = [f.name for f in fields(model)]
        return CheckerError(
            "E402",
            f"unknown key '{field_name}'",
            path,
            span,
            expected=one_of(allowed, 30),
            hint=did_you_mean(field_name, allowed),
        )
    if kind == "missing":
        return CheckerError("E402", f"missing key '{field_name}'", path, span)
    if kind == "literal_error" and field_name == "severity":
        value = str(error.get("input"))
        return CheckerError(
            "E402",
            f"severity '{value}' is not one of error, warning, info",
            path,
            span,
            hint=did_you_mean(value, SEVERITIES),
        )
    where = ".".join(str(p) for p in loc)
    if not loc:
        return CheckerError(
            "E402",
            "a requirement file is a mapping with set, law, title and requirements",
            path,
            span,
            expected="`set: name`, `law: NAME`, `title: ...`, `requirements: [...]`",
        )
    plain = {
        "string_type": "must be text",
        "bool_type": "must be true or false",
        "list_type": "must be a list",
        "tuple_type": "must be a list",
        "dict_type": "must be a mapping of keys to values",
        "dataclass_type": "must be a mapping of keys to values",
    }.get(kind)
    if plain is not None:
        return CheckerError("E402", f"{where} {plain}", path, span)
    return CheckerError("E402", f"{where}: {error['msg']}", path, span)


# --- Compiled sets kept between runs --------------------------------------------------------
#
# A set that loaded without error is kept as plain data (checker/derived.py): its checked
# contents, each requirement's position, and the syntax tree of each condition. A later run that
# reads the same file text compiles it from there, without YAML, pydantic or Lark; the conditions
# are still checked against the fact model as they compile.

STORE_FORMAT = "policycheck-sets/1"


@cache
def load_set_file(path: Path) -> RequirementSet:
    from checker.files import read_text

    try:
        text = read_text(path)
    except CheckerError as exc:
        raise ErrorList([exc]) from None
    data = derived.stored("requirement-set", text)
    if data is not None:
        # Anything not as `set_to_data` wrote it is a miss: the file is compiled anew.
        with contextlib.suppress(ValueError, TypeError, LookupError, ConditionError):
            return set_from_data(data, str(path))
    loaded = load_requirement_file(text, str(path))
    derived.keep("requirement-set", text, set_to_data(loaded))
    return loaded


def set_to_data(loaded: RequirementSet) -> dict[str, Any]:
    """A compiled set as JSON-ready data (see `set_from_data`)."""
    texts = list(loaded.predicates.values())
    requirements = []
    for r in loaded.requirements:
        texts += [t for t in (r.spec.applies, r.spec.require) if t is not None]
        requirements.append(
            {"spec": asdict(r.spec), "source_uri": r.source_uri, "span": r.span and list(r.span)}
        )
    return {
        "format": STORE_FORMAT,
        "set": loaded.name,
        "law": loaded.law,
        "title": loaded.title,
        "jurisdictions": list(loaded.jurisdictions),
        "predicates": loaded.predicates,
        "requirements": requirements,
        "trees": {t: to_data(parse_condition(t)) for t in dict.fromkeys(texts)},
    }


def set_from_data(data: Any, path: str) -> RequirementSet:
    """The set `set_to_data` wrote, compiled from its stored trees; raises ValueError,
    TypeError, LookupError or ConditionError on anything else."""
    if not isinstance(data, dict) or data.get("format") != STORE_FORMAT:
        raise ValueError("not a stored requirement set")
    name, law, title = (_text(data[key]) for key in ("set", "law", "title"))
    jurisdictions = tuple(_text(j) for j in data["jurisdictions"])
    predicates = {_text(k): _text(v) for k, v in data["predicates"].items()}
    trees = {_text(k): from_data(v) for k, v in data["trees"].items()}
    compiler = Compiler(predicates, trees)
    loaded = []
    for entry in data["requirements"]:
        spec = _spec(entry["spec"])
        source_uri = entry["source_uri"]
        span = entry["span"]
        scope = PathType("fact", spec.for_each) if spec.for_each is not None else None
        applies = compiler.compile(spec.applies, scope) if spec.applies is not None else None
        loaded.append(
            Requirement(
                spec=spec,
                law=law,
                set_name=name,
                law_title=title,
                source_uri=None if source_uri is None else _text(source_uri),
                path=path,
                span=None if span is None else Span(*(_int(n) for n in span)),
                applies=applies,
                require=compiler.compile(spec.require, scope),
            )
        )
    return RequirementSet(name, law, title, jurisdictions, tuple(loaded), path, predicates)


def _spec(data: Any) -> RequirementSpec:
    spec = RequirementSpec(**data)
    for f in fields(RequirementSpec):
        value = getattr(spec, f.name)
        if f.name == "waivable":
            ok = isinstance(value, bool)
        elif f.name == "severity":
            ok = value in SEVERITIES
        else:
            ok = isinstance(value, str) or (value is None and f.default is None)
        if not ok:
            raise TypeError(f"stored requirement field {f.name} is {value!r}")
    return spec


def _text(value: Any) -> str:
    if not isinstance(value, str):
        raise TypeError("not text")
    return value


def _int(value: Any) -> int:
    if type(value) is not int:
        raise TypeError("not a number")
    return value


# --- Finding and choosing sets --------------------------------------------------------------


def resolve_sets(names: list[str]) -> list[RequirementSet]:
    """Sets by name (shipped), file path or directory path, in the order given, deduplicated."""
    shipped = shipped_sets()
    chosen: list[RequirementSet] = []
    errors: list[CheckerError] = []
    for name in names:
        paths = set_files(name)
        if paths is None:
            errors.append(
                CheckerError(
                    "E605",
                    f"unknown requirement set '{name}'",
                    expected=one_of(shipped),
                    hint=did_you_mean(name, shipped),
                )
            )
            continue
        for p in paths:
            try:
                loaded = load_set_file(p)
            except ErrorList as exc:
                errors.extend(exc.errors)
                continue
            if all(s.path != loaded.path for s in chosen):
                chosen.append(loaded)
    if errors:
        raise ErrorList(errors)
    return chosen


@cache
def set_jurisdictions(path: Path) -> tuple[str, ...]:
    """The `jurisdictions` of a set file, read without compiling its requirements (from the
    store of compiled sets where the file is there)."""
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError):
        return ()
    data = derived.stored("requirement-set", text)
    if not (isinstance(data, dict) and isinstance(data.get("jurisdictions"), list)):
        import yaml

        try:
            data = yaml.load(text, Loader=getattr(yaml, "CSafeLoader", yaml.SafeLoader))
        except yaml.YAMLError:
            return ()
    value = data.get("jurisdictions", ()) if isinstance(data, dict) else ()
    return tuple(str(v) for v in value) if isinstance(value, list) else ()


def sets_for_jurisdictions(jurisdictions: tuple[str, ...]) -> list[str]:
    """Names of the shipped sets whose jurisdictions meet the document's."""
    wanted = set(jurisdictions)
    return [name for name, path in shipped_sets().items() if wanted & set(set_jurisdictions(path))]


@cache
def all_requirement_ids() -> frozenset[str]:
    """Ids of every shipped requirement (a waiver may name one of a set not being checked)."""
    ids: set[str] = set()
    for path in shipped_sets().values():
        try:
            ids.update(r.id for r in load_set_file(path).requirements)
        except ErrorList:
            continue
    return frozenset(ids)


def sets_by_name(names: set[str], named: list[RequirementSet]) -> list[RequirementSet]:
    """The sets called `names`: those among `named` (already loaded), else the shipped ones."""
    found = {s.name: s for s in named}
    shipped = shipped_sets()
    for name in names - set(found):
        if name in shipped:
            found[name] = load_set_file(shipped[name])
    return [found[n] for n in sorted(found) if n in names]
