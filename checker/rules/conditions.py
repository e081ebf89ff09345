"""The condition language of requirement files: parse, type-check against the fact model, compile.

A condition is compiled once, when its requirement file is loaded, into a Python closure — never
`eval`. Type-checking happens at the same time: a path naming a kind or field that does not exist,
or a comparison with a value the field cannot take, is a `ConditionError` with the column and a
did-you-mean.

Evaluation is three-valued: True, False, or None when a fact it needs is not encoded. `unstated`
(the notice is silent) is a definite value that equals nothing, so `consent == separate` is false
for a transfer whose consent is unstated, and undecided for one whose consent was never encoded.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from functools import cache, lru_cache
from typing import TYPE_CHECKING, Any

from checker.errors import did_you_mean, one_of
from checker.language.facts import KIND_MODELS, SHAPES, UNSTATED, Fact, Policy, Shape
from checker.language.taxonomy import CategoryInfo, classify
from checker.resources import grammar_text
from checker.rules.condition_tree import Node, Word, from_lark

if TYPE_CHECKING:
    from lark import Lark


class ConditionError(Exception):
    """A condition that does not parse or does not fit the fact model."""

    def __init__(
        self,
        message: str,
        column: int = 1,
        expected: str | None = None,
        hint: str | None = None,
        code: str | None = None,
    ) -> None:
        super().__init__(message)
        self.message = message
        self.column = column
        self.expected = expected
        self.hint = hint
        self.code = code
        """The error code when it is not the usual one (E109 for a condition past the limits)."""


MAX_DEPTH = 32
"""A compiled condition nests at most this deep, predicates expanded (the shipped sets: 7)."""
MAX_TESTS = 2_000
"""A condition, its predicates expanded, holds at most this many tests (the shipped sets: 17).
Predicates referring to predicates could otherwise double the size at each step."""


def _too_deep(column: int) -> ConditionError:
    return ConditionError(
        f"condition nested more than {MAX_DEPTH} deep (not, and/or, quantifiers and "
        "predicates within predicates)",
        column,
        hint="split it into predicates used side by side, or simplify it",
        code="E109",
    )


class AllCategories(tuple[CategoryInfo, ...]):
    """The categories of `data = all`: every category the notice collects, and known to be so
    (`data is all` tests it: "all your information" names no category of its own)."""


class _Missing:
    """A fact or field that is not encoded."""

    def __repr__(self) -> str:
        return "MISSING"


MISSING: Any = _Missing()
Truth = bool | None


@dataclass(slots=True)
class Trace:
    """What an evaluation looked at: facts read, fields found not encoded, the deciding field."""

    policy: Policy
    touched: dict[int, Fact] = field(default_factory=dict)
    missing: list[tuple[Fact | None, str]] = field(default_factory=list)
    left_open: list[tuple[Fact, str]] = field(default_factory=list)
    """Fields a `known` test found unstated: facts the notice leaves open, so it cannot decide."""
    culprit: tuple[Fact, str] | None = None
    last_read: tuple[Fact, str] | None = None
    """The fact and field most recently read: where a failing test points."""
    classified: dict[Any, tuple[CategoryInfo, ...]] = field(default_factory=dict)
    """Data categories already classified, by the value of the `data` field they come from.
    Classifying depends on the policy alone, so every trace of one policy may share one dict."""

    def touch(self, fact: Fact) -> None:
        self.touched.setdefault(id(fact), fact)

    def categories(self, keys: Any) -> Any:
        if keys is MISSING or keys is UNSTATED:
            return keys
        known = isinstance(keys, (str, tuple))  # `all`, or a tuple of keys: hashable
        if known and keys in self.classified:
            return self.classified[keys]
        extensions = _extensions(self.policy)
        found: tuple[CategoryInfo, ...]
        if keys == "all":  # "all your information": every category the notice collects
            union: dict[str, None] = {}
            for c in self.policy.of_kind("collection"):
                data = getattr(c, "data", None)
                if isinstance(data, tuple):
                    union.update(dict.fromkeys(data))
            found = AllCategories(classify(k, extensions) for k in union)
        else:
            found = tuple(classify(k, extensions) for k in keys)
        if known:
            self.classified[keys] = found
        return found


def _extensions(policy: Policy) -> dict[str, tuple[bool | None, bool | None]]:
    return {
        c.key: (c.pipl_sensitive, c.gdpr_special)  # type: ignore[attr-defined]
        for c in policy.of_kind("category")
    }


# --- Types of paths -------------------------------------------------------------------------

CATEGORY_FIELDS: dict[str, Shape] = {
    "key": Shape("text", False),
    "pipl_sensitive": Shape("flag", False),
    "gdpr_special": Shape("flag", False),
}


@dataclass(frozen=True)
class PathType:
    """`facts` (a collection of a kind), `fact` (one), `categories`, `category`, or `value`."""

    sort: str
    kind: str | None = None
    shape: Shape | None = None

    @property
    def item(self) -> PathType:
        if self.sort == "facts":
            return PathType("fact", self.kind)
        return PathType("category")


Getter = Callable[[Trace, Any], Any]
Test = Callable[[Trace, Any], Truth]


def _fields_of(t: PathType) -> dict[str, Shape]:
    if t.sort == "category":
        return CATEGORY_FIELDS
    assert t.kind is not None
    return SHAPES[t.kind]


def resolve(path: str, scope: PathType | None, column: int) -> tuple[PathType, Getter]:
    """Type and accessor of a dotted path, starting in `scope` (an item) or at the document."""
    parts = path.split(".")
    first = parts[0]
    start: Getter | None
    if scope is not None and first in _fields_of(scope):
        current, start = scope, None  # the path starts at the item itself
    elif first in KIND_MODELS:
        model = KIND_MODELS[first]
        current = PathType("fact" if model.SINGLE else "facts", first)
        start = _single(first) if model.SINGLE else _collection(first)
        parts = parts[1:]
    else:
        names = list(KIND_MODELS) + (list(_fields_of(scope)) if scope else [])
        raise ConditionError(
            f"'{first}' is neither a statement kind nor a field here",
            column,
            expected=one_of(names, limit=40),
            hint=did_you_mean(first, names),
        )
    steps: list[Getter] = [] if start is None else [start]
    for part in parts:
        if current.sort not in ("fact", "category"):
            raise ConditionError(
                f"'{part}' follows a list; use a quantifier (every/some/no) to look inside it",
                column,
            )
        fields = _fields_of(current)
        shape = fields.get(part)
        if shape is None:
            what = "a data category" if current.sort == "category" else f"a {current.kind}"
            raise ConditionError(
                f"{what} has no field '{part}'",
                column,
                expected=one_of(fields, limit=40),
                hint=did_you_mean(part, fields),
            )
        steps.append(_field(part, shape, on_category=current.sort == "category"))
        if shape.scalar == "ref":
            current = PathType("facts" if shape.many else "fact", shape.ref)
        elif shape.scalar == "category":
            current = PathType("categories", shape=shape)
        else:
            current = PathType("value", shape=shape)
    return current, _chain(steps)


def _identity(trace: Trace, scope: Any) -> Any:
    return scope


def _chain(steps: list[Getter]) -> Getter:
    """The steps of a path one after the other. Each field step passes `MISSING` and `UNSTATED`
    on unchanged (there is nothing to look inside), so the chain need not test for them."""
    if not steps:
        return _identity
    if len(steps) == 1:
        return steps[0]
    if len(steps) == 2:
        first, second = steps

        def get_two(trace: Trace, scope: Any) -> Any:
            return second(trace, first(trace, scope))

        return get_two

    def get(trace: Trace, scope: Any) -> Any:
        for step in steps:
            scope = step(trace, scope)
        return scope

    return get


def _single(kind: str) -> Getter:
    def get(trace: Trace, scope: Any) -> Any:
        found = trace.policy.of_kind(kind)
        if not found:
            trace.missing.append((None, kind))
            return MISSING
        trace.touch(found[0])
        return found[0]

    return get


def _collection(kind: str) -> Getter:
    def get(trace: Trace, scope: Any) -> Any:
        found = trace.policy.of_kind(kind)
        touched = trace.touched
        for fact in found:
            touched.setdefault(id(fact), fact)  # Trace.touch, for each
        return found

    return get


# The fields of a data category (CATEGORY_FIELDS): a sensitivity class read as yes or no.
_CATEGORY_READERS: dict[str, Callable[[CategoryInfo], Any]] = {
    "key": lambda c: c.key,
    "pipl_sensitive": lambda c: bool(c.pipl_sensitive),
    "gdpr_special": lambda c: bool(c.gdpr_special),
}
assert _CATEGORY_READERS.keys() == CATEGORY_FIELDS.keys(), "a category field without a reader"


def _field(name: str, shape: Shape, on_category: bool) -> Getter:
    """The getter of one field: of a data category, or of a fact (by the field's shape).

    Path types say which the owner is: a `category` item is always a CategoryInfo (categories
    are made only by `Trace.categories`), a `fact` always a statement.
    """
    if on_category:
        read = _CATEGORY_READERS[name]

        def get_of_category(trace: Trace, owner: Any) -> Any:
            if owner is MISSING or owner is UNSTATED:
                return owner
            return read(owner)

        return get_of_category

    # Every fact getter reads the field with `_read`; they differ in what a value becomes.
    if shape.scalar == "ref":
        ref, many = shape.ref, shape.many
        assert ref is not None

        def get_ref(trace: Trace, owner: Any) -> Any:
            value = _read(trace, owner, name)
            if value is MISSING or value is UNSTATED:
                return value
            named = trace.policy.named
            facts = tuple(f for f in (named(ref, n) for n in (value if many else (value,))) if f)
            touched = trace.touched
            for f in facts:
                touched.setdefault(id(f), f)  # Trace.touch, for each
            return facts if many else (facts[0] if facts else MISSING)

        return get_ref

    if shape.scalar == "category":

        def get_categories(trace: Trace, owner: Any) -> Any:
            value = _read(trace, owner, name)
            if value is MISSING or value is UNSTATED:
                return value
            return trace.categories(value)

        return get_categories

    def get_value(trace: Trace, owner: Any) -> Any:
        return _read(trace, owner, name)  # the value itself, UNSTATED or MISSING

    return get_value


def _read(trace: Trace, owner: Any, name: str) -> Any:
    """A fact's field as the trace records it: nothing to look inside stays as it is; a field
    not encoded is recorded as missing and read as MISSING."""
    if owner is MISSING or owner is UNSTATED:
        return owner
    value = getattr(owner, name)
    trace.last_read = (owner, name)
    if value is None:
        trace.missing.append((owner, name))
        return MISSING
    return value


# --- Compiling ------------------------------------------------------------------------------


@cache
def condition_parser() -> Lark:
    """The condition parser (not strict at run time: see `language.syntax.policy_parser`).

    Lark is loaded only here: a run whose requirement sets come from the store of compiled sets
    parses no condition, and does without it.
    """
    from lark import Lark

    return Lark(
        grammar_text("condition.lark"),
        parser="lalr",
        cache=True,
        propagate_positions=True,
    )


_TOKEN_WORDS = {
    "NAME": "a field or kind name",
    "NUMBER": "a number",
    "STRING": "a quoted string",
    "OPERATOR": "a comparison (==, !=, <, <=, >, >=)",
    "IS": "'is'",
    "IN": "'in'",
    "INCLUDES": "'includes'",
    "AND": "'and'",
    "OR": "'or'",
    "NOT": "'not'",
    "WHERE": "'where'",
    "SATISFIES": "'satisfies'",
    "LPAR": "'('",
    "RPAR": "')'",
    "LSQB": "'['",
    "RSQB": "']'",
    "$END": "the end of the condition",
}


@lru_cache(maxsize=1024)
def parse_condition(text: str) -> Node:
    """The syntax tree of a condition (shared: the compiler only reads it).

    A predicate's text is parsed once, not again at each use: a third of the conditions the
    shipped sets compile are predicates used more than once.
    """
    from lark.exceptions import UnexpectedInput

    try:
        return from_lark(condition_parser().parse(text))
    except UnexpectedInput as exc:
        expected = sorted(
            {
                _TOKEN_WORDS.get(t, t.lower())
                for t in getattr(exc, "accepts", None) or getattr(exc, "expected", None) or ()
            }
        )
        hint = None
        token = getattr(exc, "token", None)
        if token is not None and token.type in ("EVERY", "SOME", "NO"):
            hint = "put a quantifier that follows and/or/not in parentheses"
        raise ConditionError(
            "condition does not parse",
            max(1, getattr(exc, "column", 1)),
            expected=", ".join(expected) or None,
            hint=hint,
        ) from None


@dataclass
class Compiler:
    """Compiles condition trees; `predicates` maps names to their condition text.

    A predicate is compiled once per scope and its test shared by every condition that names it,
    and the size and depth of a condition count its predicates expanded: predicates that refer to
    predicates (`q1: q2 and q2`, `q2: q3 and q3`, ...) would otherwise double the work at each
    step, and a chain of them recurse without end in sight.
    """

    predicates: dict[str, str] = field(default_factory=dict)
    trees: dict[str, Node] = field(default_factory=dict)
    """Trees of condition texts already parsed (read from the store of compiled sets); any other
    text is parsed here."""
    _expanding: tuple[str, ...] = ()
    _compiled: dict[tuple[str, PathType | None], tuple[Test, int, int]] = field(
        default_factory=dict
    )
    """(predicate, scope) -> its test, size (in tests) and depth; shared with inner compilers."""
    _base: int = 0
    """How deep the condition naming this predicate already is, for an inner compiler."""
    _depth: int = 0
    _height: int = 0
    _size: int = 0

    def compile(self, text: str, scope: PathType | None = None) -> Test:
        self._depth = self._height = self._size = 0
        tree = self.trees.get(text)
        return self.node(tree if tree is not None else parse_condition(text), scope)

    def node(self, tree: Node, scope: PathType | None) -> Test:
        rule = tree.rule
        method = getattr(self, f"_{rule}", None)
        assert method is not None, rule
        self._grow(1, 1, tree)
        self._depth += 1
        try:
            result: Test = method(tree, scope)
        finally:
            self._depth -= 1
        return result

    def _grow(self, size: int, depth: int, tree: Node | None, column: int = 1) -> None:
        """Count `size` more tests, `depth` levels below the current one; refuse past the limits."""
        where = tree.column if tree is not None else column
        self._size += size
        if self._size > MAX_TESTS:
            raise ConditionError(
                f"condition expands to more than {MAX_TESTS} tests, its predicates expanded",
                where,
                hint="predicates that use other predicates several times multiply in size",
                code="E109",
            )
        self._height = max(self._height, self._depth + depth)
        if self._base + self._height > MAX_DEPTH:
            raise _too_deep(where)

    def _operands(self, tree: Node, scope: PathType | None) -> list[Test]:
        """The tests joined by a chain of one operator (`a and b and c`), left to right.

        The tree holds a chain as one node (`condition_tree`), so a long chain costs no depth (and
        no recursion) here or when it is evaluated.
        """
        return [self.node(operand, scope) for operand in tree.children]  # type: ignore[arg-type]

    def _or_(self, tree: Node, scope: PathType | None) -> Test:
        parts = self._operands(tree, scope)

        def test(trace: Trace, s: Any) -> Truth:
            # Every side is always evaluated, so the evidence lists every fact the rule reads.
            gaps = _gaps(trace)
            before = trace.culprit
            results = [part(trace, s) for part in parts]
            if any(r is True for r in results):
                _decided(trace, gaps)
                trace.culprit = before  # the sides found false are no cause of anything
                return True
            if any(r is None for r in results):
                trace.culprit = before  # nor are they when another side is undecided
                return None
            return False

        return test

    def _and_(self, tree: Node, scope: PathType | None) -> Test:
        parts = self._operands(tree, scope)

        def test(trace: Trace, s: Any) -> Truth:
            gaps = _gaps(trace)
            results = [part(trace, s) for part in parts]
            if any(r is False for r in results):
                _decided(trace, gaps)
                return False
            return None if any(r is None for r in results) else True

        return test

    def _not_(self, tree: Node, scope: PathType | None) -> Test:
        inner = self.node(tree.children[0], scope)  # type: ignore[arg-type]

        def test(trace: Trace, s: Any) -> Truth:
            value = inner(trace, s)
            return None if value is None else not value

        return test

    def _undecided(self, tree: Node, scope: PathType | None) -> Test:
        """`undecided`: what the notice says cannot settle the question; a reviewer must.

        It is written after the test that finds those words, `consent in [unspecified] and
        undecided`, so the field that test read is what the notice leaves open: the outcome's
        message names it and the finding points at it (the statement checked, if no field was
        read). Kleene logic does the rest: in an `and` with a false test it is false, in an `or`
        with a true one true.
        """

        def test(trace: Trace, s: Any) -> Truth:
            where = trace.last_read
            if where is None and isinstance(s, Fact):
                where = (s, "header")
            if where is not None:
                # Where an undecided finding points (`left_open`); a failing one points at the
                # test found false (`culprit`), which this is not.
                trace.left_open.append(where)
            return None

        return test

    def _path(self, tree: Node, scope: PathType | None) -> tuple[PathType, Getter, str]:
        token = tree.children[0]
        assert isinstance(token, Word)
        t, getter = resolve(token.value, scope, token.column)
        return t, getter, token.value

    def _quantified(self, tree: Node, scope: PathType | None) -> Test:
        quantifier, path, where, body = tree.children
        where = where.children[0] if where is not None else None  # type: ignore[union-attr]
        body = body.children[0] if body is not None else None  # type: ignore[union-attr]
        t, getter, name = self._path(path, scope)  # type: ignore[arg-type]
        if t.sort not in ("facts", "categories"):
            raise ConditionError(
                f"'{name}' is not a list of facts or data categories; '{quantifier}' needs one",
                path.column,  # type: ignore[union-attr]
            )
        item = t.item
        keep = self.node(where, item) if where is not None else None  # type: ignore[arg-type]
        check = self.node(body, item) if body is not None else None  # type: ignore[arg-type]
        return _quantifier(str(quantifier), getter, keep, check)

    def _state_test(self, tree: Node, scope: PathType | None, negate: bool = False) -> Test:
        path, state = tree.children
        kind, getter, name = self._path(path, scope)  # type: ignore[arg-type]
        wanted = str(state)
        if wanted == "all" and kind.sort != "categories":
            raise ConditionError(
                f"'{name}' is not a field of data categories; only those can be `all`",
                path.column,  # type: ignore[union-attr]
            )

        def test(trace: Trace, s: Any) -> Truth:
            trace.last_read = None
            gaps = len(trace.missing)
            value = getter(trace, s)
            if wanted == "encoded":
                # Whether a field is encoded is this test's answer, not a gap in the encoding:
                # an undecided outcome does not ask for it.
                del trace.missing[gaps:]
                result = value is not MISSING
            elif value is MISSING:  # stated or silent? nobody has looked yet
                return None
            elif wanted == "known" and (value is UNSTATED or value == ()):
                # The notice leaves the fact open: a trigger it leaves open cannot be decided,
                # neither applied nor dismissed.
                if trace.last_read is not None:
                    trace.left_open.append(trace.last_read)
                    if trace.culprit is None:  # the finding points at the open fact
                        trace.culprit = trace.last_read
                return None
            elif wanted == "unstated":
                result = value is UNSTATED
            elif wanted == "all":
                result = isinstance(value, AllCategories)
            else:
                result = value is not MISSING and value is not UNSTATED and value != ()
            outcome = result != negate
            if not outcome and trace.culprit is None:
                if trace.last_read is not None:
                    trace.culprit = trace.last_read
                elif isinstance(s, Fact):
                    trace.culprit = (s, name_of(path))
            return outcome

        return test

    def _state_test_not(self, tree: Node, scope: PathType | None) -> Test:
        return self._state_test(tree, scope, negate=True)

    def _values(self, nodes: Iterable[Any], shape: Shape | None, path: str) -> list[Any]:
        values: list[Any] = []
        for node in nodes:
            token = node.children[0]
            raw = token.value
            if node.rule == "number_value":
                values.append(int(raw))
            elif node.rule == "string_value":
                values.append(raw[1:-1].replace('\\"', '"').replace("\\\\", "\\"))
            else:
                values.append(self._name_value(raw, shape, path, token.column))
        return values

    def _name_value(self, raw: str, shape: Shape | None, path: str, column: int) -> Any:
        if shape is None:
            raise ConditionError(f"'{path}' is not a value to compare", column)
        if shape.scalar == "flag":
            if raw not in ("yes", "no"):
                raise ConditionError(f"'{path}' is yes or no, not '{raw}'", column)
            return raw == "yes"
        if shape.scalar == "enum":
            if raw not in shape.choices:
                raise ConditionError(
                    f"'{raw}' is not a value of '{path}'",
                    column,
                    expected=one_of(shape.choices),
                    hint=did_you_mean(raw, shape.choices),
                )
            return raw
        if shape.scalar in ("category",):
            return raw
        raise ConditionError(f"'{path}' takes {shape.scalar} values; quote text", column)

    def _value_path(self, path: Node, scope: PathType | None) -> tuple[Shape, Getter, str]:
        t, getter, name = self._path(path, scope)
        if t.sort != "value" or t.shape is None:
            raise ConditionError(
                f"'{name}' is a {t.sort.replace('facts', 'list of facts')}, not a value",
                path.column,
                hint="compare one of its fields, or use a quantifier",
            )
        return t.shape, getter, name

    def _compare(self, tree: Node, scope: PathType | None) -> Test:
        path, op, value = tree.children
        shape, getter, name = self._value_path(path, scope)  # type: ignore[arg-type]
        (wanted,) = self._values([value], shape, name)
        compare = _OPERATORS[str(op)](wanted)
        if shape.one_or_many:
            # One place or several: `== cn` holds when every place is cn, `!= cn` when some
            # place is not (a list with any place abroad is abroad).
            if str(op) == "!=":
                equal = _OPERATORS["=="](wanted)
                return _value_test(
                    getter, name, lambda v: not all(equal(x) for x in _items(v)), on_unstated=True
                )
            return _value_test(getter, name, lambda v: all(compare(x) for x in _items(v)))
        if shape.many:
            raise ConditionError(
                f"'{name}' is a list; use 'includes' or 'in [...]'",
                path.column,  # type: ignore[union-attr]
            )
        return _value_test(getter, name, compare, on_unstated=str(op) == "!=")

    def _member(self, tree: Node, scope: PathType | None, negate: bool = False) -> Test:
        path, values = tree.children
        shape, getter, name = self._value_path(path, scope)  # type: ignore[arg-type]
        allowed = self._values(values.children, shape, name)  # type: ignore[union-attr]
        if shape.many:
            return _value_test(
                getter,
                name,
                lambda v: all(x in allowed for x in _items(v)) != negate,
                on_unstated=negate,
            )
        return _value_test(getter, name, lambda v: (v in allowed) != negate, on_unstated=negate)

    def _not_member(self, tree: Node, scope: PathType | None) -> Test:
        return self._member(tree, scope, negate=True)

    def _includes(self, tree: Node, scope: PathType | None) -> Test:
        path, value = tree.children
        shape, getter, name = self._value_path(path, scope)  # type: ignore[arg-type]
        if not shape.many:
            raise ConditionError(
                f"'{name}' is one value; use '==' or 'in [...]'",
                path.column,  # type: ignore[union-attr]
            )
        (wanted,) = self._values([value], shape, name)
        return _value_test(getter, name, lambda v: wanted in _items(v))

    def _truth(self, tree: Node, scope: PathType | None) -> Test:
        path = tree.children[0]
        token = path.children[0]  # type: ignore[union-attr]
        name = token.value  # type: ignore[union-attr]
        in_scope = scope is not None and name.split(".")[0] in _fields_of(scope)
        if name in self.predicates and not in_scope:
            return self._predicate(name, scope, token.column)  # type: ignore[union-attr]
        t, getter, _ = self._path(path, scope)  # type: ignore[arg-type]
        if t.sort == "value" and t.shape is not None and t.shape.scalar == "flag":
            return _value_test(getter, name, lambda v: v is True)
        if t.sort in ("facts", "categories"):
            return _value_test(getter, name, lambda v: len(v) > 0)
        if t.sort == "fact":
            return _value_test(getter, name, lambda v: True)
        raise ConditionError(
            f"'{name}' is not yes/no; compare it (==, in) or test 'is stated'",
            token.column,  # type: ignore[union-attr]
            hint=did_you_mean(name, self.predicates) if self.predicates else None,
        )

    def _predicate(self, name: str, scope: PathType | None, column: int) -> Test:
        if name in self._expanding:
            raise ConditionError(f"predicate '{name}' refers to itself", column)
        found = self._compiled.get((name, scope))
        if found is None:
            inner = Compiler(
                self.predicates,
                self.trees,
                self._expanding + (name,),
                self._compiled,
                _base=self._base + self._depth,
            )
            try:
                test = inner.compile(self.predicates[name], scope)
            except ConditionError as exc:
                raise ConditionError(
                    f"in predicate '{name}': {exc.message}",
                    column,
                    exc.expected,
                    exc.hint,
                    exc.code,
                ) from None
            found = self._compiled[(name, scope)] = (test, inner._size, inner._height)
        test, size, depth = found
        self._grow(size, depth, None, column)
        return test


def _gaps(trace: Trace) -> tuple[int, int]:
    """How many gaps (fields not encoded, fields left open) the trace holds so far."""
    return len(trace.missing), len(trace.left_open)


def _decided(trace: Trace, gaps: tuple[int, int]) -> None:
    """An `and` found false, or an `or` true, whatever its undecided parts hold: the gaps they
    found decide nothing, and an undecided outcome elsewhere does not ask for them."""
    del trace.missing[gaps[0] :]
    del trace.left_open[gaps[1] :]


def _items(value: Any) -> tuple[Any, ...]:
    """The values of a list field; a field of one value or several (`OneOrMany`) may hold one."""
    return value if isinstance(value, tuple) else (value,)


def name_of(path: Any) -> str:
    return str(path.children[0]).split(".")[-1]


# Each operator, given the value compared with, is the test of a field's value against it.
_OPERATORS: dict[str, Callable[[Any], Callable[[Any], bool]]] = {
    "==": lambda b: lambda a: a == b,
    "!=": lambda b: lambda a: a != b,
    "<": lambda b: lambda a: a < b,
    "<=": lambda b: lambda a: a <= b,
    ">": lambda b: lambda a: a > b,
    ">=": lambda b: lambda a: a >= b,
}


def _value_test(
    getter: Getter, name: str, predicate: Callable[[Any], bool], on_unstated: bool = False
) -> Test:
    """A test of one value. Silence (`unstated`) satisfies only negative tests (`!=`, `not in`)."""
    field_name = name.split(".")[-1]

    def test(trace: Trace, scope: Any) -> Truth:
        trace.last_read = None
        value = getter(trace, scope)
        if value is MISSING:
            return None
        if value is UNSTATED:
            result = on_unstated
        else:
            try:
                result = bool(predicate(value))
            except TypeError:
                result = False
        if not result and trace.culprit is None:
            if trace.last_read is not None:
                trace.culprit = trace.last_read
            elif isinstance(scope, Fact):
                trace.culprit = (scope, field_name)
        return result

    return test


def _quantifier(kind: str, getter: Getter, keep: Test | None, check: Test | None) -> Test:
    """`every`, `some` or `no` over a list of facts or categories.

    Where a failing finding points (`Trace.culprit`) is decided here too: a test found false
    inside the quantifier points at a cause only for the item that decides the answer (the
    statement that breaks `every`, the one `no` finds). A `some` that finds nothing has no
    statement to blame: what the notice lacks has no place in it, so the finding falls back to
    the statement checked, or the `document` header, not to whichever item was read last.
    """

    def test(trace: Trace, scope: Any) -> Truth:
        items = getter(trace, scope)
        if items is MISSING:
            return None
        if items is UNSTATED:
            items = ()
        unknown = False
        found = False
        before = trace.culprit
        for item in items:
            member = True if keep is None else keep(trace, item)
            if member is False:
                trace.culprit = before
                continue
            ok = True if check is None else check(trace, item)
            if kind == "every":
                if ok is False:
                    if member is True:
                        if trace.culprit is None and isinstance(item, Fact):
                            trace.culprit = (item, "header")
                        return False
                    unknown = True
                elif ok is None:
                    unknown = True
            else:  # some / no
                if ok is True and member is True:
                    found = True
                    trace.culprit = before
                    if kind == "no" and before is None and isinstance(item, Fact):
                        trace.culprit = (item, "header")
                    break
                if ok is None or member is None:
                    unknown = unknown or ok is not False
            trace.culprit = before  # this item did not decide the answer
        if kind == "every":
            return None if unknown else True
        if found:
            return kind == "some"
        return None if unknown else kind == "no"

    return test
