"""Stage 4: evaluation. Policy x requirement sets -> one outcome per requirement, with evidence.

Pure and deterministic: no files, no clock (the date for waiver expiry is an argument). A
requirement with `for_each` is checked once per statement of that kind, and fails at each statement
that does not meet it; otherwise it is checked once for the document. A fact that is needed but not
encoded makes the outcome `incomplete` — reported, never passed.
"""

from __future__ import annotations

import datetime
import re
import string
from collections.abc import Iterable
from functools import cache
from operator import attrgetter
from typing import Any

from checker.errors import did_you_mean
from checker.language.facts import SHAPES, UNSTATED, Category, Fact, Policy, Waiver
from checker.rules.conditions import Trace
from checker.rules.own_checks import CHECKS, LAW, WAIVER_CHECKS
from checker.rules.requirements import Requirement, RequirementSet
from checker.rules.results import DocumentReport, Evidence, Finding, Outcome, Status


def evaluate(
    policy: Policy, sets: Iterable[RequirementSet], today: datetime.date
) -> DocumentReport:
    chosen = list(sets)
    run = _Run(policy)
    outcomes = [run.check(req) for s in chosen for req in s.requirements]
    outcomes, extra = apply_waivers(policy, chosen, outcomes, today)
    extra += ambiguous_quotes(policy)
    extra += sensitivity_adjustments(policy)
    return DocumentReport(
        path=policy.path,
        title=policy.document.title or policy.path,
        source=policy.document.source or "",
        sets=tuple(s.name for s in chosen),
        outcomes=tuple(sorted(outcomes, key=attrgetter("id"))),
        extra=tuple(sorted(extra, key=Finding.sort_key)),
    )


def check(policy: Policy, req: Requirement) -> Outcome:
    """The verdict of one requirement on one policy."""
    return _Run(policy).check(req)


class _Run:
    """One evaluation of one policy: the evidence its outcomes share is made once here.

    Many requirements read the same facts, so each fact's `Evidence` is made once per run, keyed
    by `id()` of the fact: the run holds the policy, and through it every fact a trace can touch,
    so no id can be taken by another object while the run (and so the cache) lives.
    """

    def __init__(self, policy: Policy) -> None:
        self.policy = policy
        self._evidence: dict[int, Evidence] = {}
        self._classified: dict[Any, Any] = {}  # shared by the traces: see Trace.classified

    def check(self, req: Requirement) -> Outcome:
        if req.spec.for_each is None:
            return self._check_document(req)
        return self._check_each(req, req.spec.for_each)

    def _check_document(self, req: Requirement) -> Outcome:
        policy = self.policy
        trace = Trace(policy, classified=self._classified)
        applies = True if req.applies is None else req.applies(trace, None)
        if applies is False:
            return self._outcome(req, "not_applicable", (), trace.touched)
        if applies:
            _decided(trace)
        required = req.require(trace, None)
        verdict = _verdict(applies, required)
        if verdict is True:
            return self._outcome(req, "pass", (), trace.touched)
        status: Status = "fail" if verdict is False else "incomplete"
        anchor = _anchor(policy, trace, None, status)
        would_fail = applies is None and required is False
        finding = self._finding(req, status, anchor, None, trace, would_fail)
        return self._outcome(req, status, (finding,), trace.touched)

    def _check_each(self, req: Requirement, kind: str) -> Outcome:
        policy, classified = self.policy, self._classified
        applies_to, require = req.applies, req.require
        findings: list[Finding] = []
        looked_at: dict[int, Fact] = {}  # what the statements that applied touched
        applied = 0
        for item in policy.of_kind(kind):
            trace = Trace(policy, {id(item): item}, classified=classified)  # the item is touched
            applies = True if applies_to is None else applies_to(trace, item)
            if applies is False:
                continue
            applied += 1
            if applies:
                _decided(trace)
            required = require(trace, item)
            verdict = _verdict(applies, required)
            looked_at.update(trace.touched)
            if verdict is True:
                continue
            status: Status = "fail" if verdict is False else "incomplete"
            anchor = _anchor(policy, trace, item, status)
            would_fail = applies is None and required is False
            findings.append(self._finding(req, status, anchor, item, trace, would_fail))
        if not applied:
            return self._outcome(req, "not_applicable", (), looked_at)
        if not findings:
            return self._outcome(req, "pass", (), looked_at)
        status = "fail" if any(f.status == "fail" for f in findings) else "incomplete"
        return self._outcome(req, status, tuple(sorted(findings, key=Finding.sort_key)), looked_at)

    def _outcome(
        self,
        req: Requirement,
        status: Status,
        findings: tuple[Finding, ...],
        touched: dict[int, Fact],
    ) -> Outcome:
        spec = req.spec
        return Outcome(
            id=spec.id,
            status=status,
            severity=spec.severity,
            title=spec.title,
            law=req.law,
            article=spec.article,
            findings=findings,
            evidence=self._evidence_list(touched, None),
        )

    def _finding(
        self,
        req: Requirement,
        status: Status,
        span: Any,
        item: Fact | None,
        trace: Trace,
        would_fail: bool = False,
    ) -> Finding:
        """The finding of a statement (or the document) that does not meet `req`.

        `would_fail`: whether the rule applies is undecided, and the statement fails it where it
        does; the message then says so, which is what the reviewer has to weigh.
        """
        policy = self.policy
        missing = (
            tuple(
                dict.fromkeys(
                    f"{owner.label}: {field}" if owner else f"{field} block"
                    for owner, field in trace.missing
                )
            )
            if trace.missing
            else ()
        )
        if status == "incomplete":
            message = _undecided_message(missing, trace)
            if would_fail:
                message += f"; where it applies: {render_message(req, policy, item)}"
        else:
            message = render_message(req, policy, item)
        spec = req.spec
        return Finding(
            id=spec.id,
            status=status,
            severity=spec.severity,
            title=spec.title,
            law=req.law,
            article=spec.article,
            message=message,
            path=policy.path,
            span=span,
            subject=item.label if item is not None else None,
            missing=missing if status == "incomplete" else (),
            evidence=self._evidence_list(
                trace.touched, trace.culprit[0] if trace.culprit else item
            ),
            waived_by=None,
            remedy=spec.remedy,
        )

    def _evidence_list(self, touched: dict[int, Fact], first: Fact | None) -> tuple[Evidence, ...]:
        """The facts looked at, in file order, with the deciding fact (if any) first."""
        if not touched:
            return ()
        facts = sorted(touched.values(), key=_SPAN)
        if first is not None and id(first) in touched:
            # What a stable sort on (is not first, span) gives: the deciding fact, then the rest.
            facts = [first, *(f for f in facts if f is not first)]
        return tuple([self._evidence_of(f) for f in facts])

    def _evidence_of(self, fact: Fact) -> Evidence:
        found = self._evidence.get(id(fact))
        if found is None:
            found = Evidence(label=fact.label, span=fact.span, cites=fact.cites)
            self._evidence[id(fact)] = found
        return found


_SPAN = attrgetter("span")


def _verdict(applies: bool | None, required: bool | None) -> bool | None:
    """Whether a statement meets a rule: `applies` implies `required`, in Kleene logic.

    A rule whose trigger the notice leaves undecided (a place that may lie on either side of a
    border, a fact `is known` finds open) still passes a statement that meets it either way;
    one that would fail, or cannot be judged, where the rule applies cannot be decided.
    """
    if applies is None and required is not True:
        return None
    return required


def _anchor(policy: Policy, trace: Trace, item: Fact | None, status: Status) -> Any:
    """Where a finding points: the deciding field, else the statement, else the `document`
    header. An undecidable finding points at what leaves it undecided — a field the notice
    leaves open (the `unstated` written), else the statement whose field is not encoded (the
    `document` header, if a whole statement is missing) — not at a field some other test read."""
    if status == "incomplete":
        for fact, field in trace.left_open:
            if item is None or fact is item:
                return fact.spans.get(field, _header(fact))
        owner = trace.missing[0][0] if trace.missing else None
        if owner is not None and (item is None or owner is item):
            return _header(owner)
    elif trace.culprit is not None:
        fact, field = trace.culprit
        if item is None or fact is item:
            return fact.spans.get(field, fact.spans.get("name", fact.span))
    return _header(item if item is not None else policy.document)


def _header(fact: Fact) -> Any:
    return fact.spans.get("name", fact.spans.get("header", fact.span))


class _Lenient(string.Formatter):
    """Formats message templates: silence and gaps in words, lists joined, references followed."""

    def get_field(self, field_name: str, args: Any, kwargs: Any) -> tuple[Any, str]:
        head, _, rest = field_name.partition(".")
        if not rest:
            found: tuple[Any, str] = super().get_field(field_name, args, kwargs)
            return found
        # `{recipient.legal_name}`: the named recipient's field (checked at load time).
        policy: Policy = kwargs["__policy__"]
        ref, kind = kwargs.get(head), kwargs["__refs__"].get(head)
        target = policy.named(kind, ref) if isinstance(ref, str) and kind else None
        if target is None:
            return (UNSTATED if ref is UNSTATED else None), field_name
        return getattr(target, rest, None), field_name

    def format_field(self, value: Any, format_spec: str) -> str:
        if value is None:
            return "(not encoded)"
        if value is UNSTATED:
            return "unstated"
        if isinstance(value, tuple):
            return ", ".join(str(v) for v in value) or "(none)"
        if isinstance(value, bool):
            return "yes" if value else "no"
        return str(value)


def render_message(req: Requirement, policy: Policy, item: Fact | None) -> str:
    values: dict[str, Any] = {
        "document": policy.document.title,
        "law": req.law,
        "article": req.spec.article,
        "id": req.id,
        "label": item.label if item is not None else policy.document.title,
        "name": item.name if item is not None else None,
        "kind": item.KIND if item is not None else "document",
    }
    if item is not None:
        for key in req.placeholders:
            key = key.partition(".")[0]
            if key not in values:
                values[key] = getattr(item, key, None)
        values["__refs__"] = _references(item.KIND)
    values["__policy__"] = policy
    return _format(req.spec.message, values)


def _format(message: str, values: dict[str, Any]) -> str:
    """`_LENIENT.format(message, **values)`, made quicker for templates with plain fields only."""
    template = _plain_template(message)
    if template is None:
        return _LENIENT.format(message, **values)
    # What string.Formatter.vformat does for such a template, without its general machinery:
    # literal text, then each field looked up and formatted (no conversion, empty format spec).
    # A name without a dot is looked up as Formatter.get_field looks it up: values[name].
    out: list[str] = []
    for literal, field_name, dotted in template:
        out.append(literal)
        if field_name is not None:
            value = _LENIENT.get_field(field_name, (), values)[0] if dotted else values[field_name]
            out.append(_LENIENT.format_field(value, ""))
    return "".join(out)


_LENIENT = _Lenient()

# A field `{name}` or `{name.field}`; anything else (`{0}`, `{}`, `{a[0]}`) goes the general way.
_PLAIN_FIELD = re.compile(r"[A-Za-z_][A-Za-z0-9_]*(?:\.[A-Za-z_][A-Za-z0-9_]*)*")


@cache
def _plain_template(message: str) -> tuple[tuple[str, str | None, bool], ...] | None:
    """A message template as (literal text, field name or None, whether the name has a dot)
    triples, if every field in it is plain: a name, no conversion (`!r`) and no format spec
    (`:>9`). None for any other template.

    Keyed by the template text alone, so a cached entry always describes its key.
    """
    try:
        parsed = list(_LENIENT.parse(message))
    except ValueError:  # a malformed template: let the formatter raise its own error
        return None
    parts: list[tuple[str, str | None, bool]] = []
    for literal, field_name, spec, conversion in parsed:
        if field_name is not None and (
            spec or conversion is not None or not _PLAIN_FIELD.fullmatch(field_name)
        ):
            return None
        parts.append((literal, field_name, field_name is not None and "." in field_name))
    return tuple(parts)


@cache
def _references(kind: str) -> dict[str, str | None]:
    """The fields of a kind that name another statement, and that statement's kind.

    SHAPES is fixed when the fact models are defined, so the answer for a kind never changes.
    """
    return {name: shape.ref for name, shape in SHAPES[kind].items() if shape.scalar == "ref"}


# --- Waivers --------------------------------------------------------------------------------


def apply_waivers(
    policy: Policy,
    sets: list[RequirementSet],
    outcomes: list[Outcome],
    today: datetime.date,
) -> tuple[list[Outcome], list[Finding]]:
    waivers = policy.of_kind("waiver")
    if not waivers:  # most policies: nothing to index
        return outcomes, []
    known = {r.id: r for s in sets for r in s.requirements}
    by_id = {o.id: i for i, o in enumerate(outcomes)}
    extra: list[Finding] = []
    for waiver in waivers:
        assert isinstance(waiver, Waiver)
        target = waiver.requirement or ""
        span = waiver.spans.get("requirement", waiver.span)

        def problem(code: str, message: str, w: Waiver = waiver, s: Any = span) -> None:
            severity, title = WAIVER_CHECKS[code]
            extra.append(
                Finding(
                    id=code,
                    status="fail",
                    severity=severity,
                    title=title,
                    law=LAW,
                    article="waivers",
                    message=message,
                    path=policy.path,
                    span=s,
                    subject=w.label,
                )
            )

        if target in CHECKS:
            what = CHECKS[target].article
            problem(
                "WAIVER-NOT-ALLOWED", f"{target} checks the policy's {what} and may not be waived"
            )
            continue
        if target not in known:
            from checker.rules.requirements import all_requirement_ids

            everything = all_requirement_ids() | known.keys()
            if target not in everything:
                hint = did_you_mean(target, everything)
                problem(
                    "WAIVER-UNKNOWN",
                    f"waiver names '{target}', which is no requirement"
                    + (f"; {hint}" if hint else ""),
                )
            continue
        if waiver.expires is not None and waiver.expires < today:
            problem(
                "WAIVER-EXPIRED",
                f"waiver of {target} expired on {waiver.expires}",
                s=waiver.spans.get("expires", span),
            )
            continue
        if not known[target].spec.waivable:
            problem("WAIVER-NOT-ALLOWED", f"{target} may not be waived")
            continue
        index = by_id[target]
        outcome = outcomes[index]
        if outcome.status not in ("fail", "incomplete"):
            problem(
                "WAIVER-UNUSED",
                f"waiver of {target} suppresses nothing: it {outcome.status}".replace(
                    "it pass", "it passes"
                ).replace("it not_applicable", "it does not apply"),
            )
            continue
        who = f"{waiver.approver} until {waiver.expires}: {waiver.reason}"
        outcomes[index] = outcome._replace(
            status="waived",
            findings=tuple(f._replace(status="waived", waived_by=who) for f in outcome.findings),
        )
    return outcomes, extra


def _decided(trace: Trace) -> None:
    """Once `applies` holds, a fact its tests found left open did not decide the outcome: an
    undecided `require` names only what it reads."""
    trace.left_open.clear()


def _undecided_message(missing: tuple[str, ...], trace: Trace) -> str:
    """Why an outcome is `incomplete`: the facts not encoded, and those the notice leaves open."""
    left_open = tuple(dict.fromkeys(f"{owner.label}: {field}" for owner, field in trace.left_open))
    parts = []
    if missing:
        parts.append(f"not encoded: {', '.join(missing)}")
    if left_open:
        parts.append(f"the notice leaves open: {', '.join(left_open)}")
    return f"cannot decide: {'; '.join(parts) or 'not encoded: a needed fact'}"


def ambiguous_quotes(policy: Policy) -> list[Finding]:
    """A warning at every quote whose words occur in several places and that names none.

    Quote anchoring records the places (`Citation.places`); such a citation is anchored at the
    first, which may not be the passage the fact was read from.
    """
    found: list[Finding] = []
    check = CHECKS["QUOTE-AMBIGUOUS"]
    for fact in policy.statements:
        for cite in fact.cites:
            if not cite.ambiguous:
                continue
            lines = cite.places
            shown = ", ".join(str(n) for n in lines[:8])
            more = f" and {len(lines) - 8} more" if len(lines) > 8 else ""
            quote = cite.quote if len(cite.quote) <= 60 else cite.quote[:59] + "…"
            found.append(
                Finding(
                    id="QUOTE-AMBIGUOUS",
                    status="fail",
                    severity=check.severity,
                    title=check.title,
                    law=LAW,
                    article=check.article,
                    message=f'quote "{quote}" (clause {cite.label}) occurs in {len(lines)} places '
                    f"of the notice, on lines {shown}{more}; it is taken to be the first",
                    path=policy.path,
                    span=cite.quote_span,
                    subject=fact.label,
                    evidence=(Evidence(label=fact.label, span=fact.span, cites=(cite,)),),
                    remedy=check.fix,
                )
            )
    return found


def sensitivity_adjustments(policy: Policy) -> list[Finding]:
    """A note at every `category` statement that adjusts a taxonomy key's sensitivity.

    The adjustment changes verdicts (a category no longer sensitive takes PIPL Arts. 29-32 off
    it), so it is reported on every lint, with its reason, rather than applied silently.
    """
    categories = policy.of_kind("category")
    if not categories:
        return []
    from checker.language.taxonomy import classify, taxonomy_keys

    known = taxonomy_keys()
    check = CHECKS["SENSITIVITY-ADJUSTED"]
    found: list[Finding] = []
    for fact in categories:
        assert isinstance(fact, Category)
        if fact.key not in known:
            continue  # a new key is declared, not adjusted
        before = classify(fact.key)
        after = classify(fact.key, {fact.key: (fact.pipl_sensitive, fact.gdpr_special)})
        changes = [
            _class_change(law, old, new)
            for law, old, new in (
                (
                    "sensitive personal information (PIPL Art. 28)",
                    before.pipl_sensitive,
                    after.pipl_sensitive,
                ),
                ("a special category (GDPR Art. 9(1))", before.gdpr_special, after.gdpr_special),
            )
            if old != new
        ]
        what = "; ".join(changes) if changes else "changes none of its classes"
        found.append(
            Finding(
                id="SENSITIVITY-ADJUSTED",
                status="fail",
                severity=check.severity,
                title=check.title,
                law=LAW,
                article=check.article,
                message=f"for this notice {fact.key} {what}: {fact.reason}",
                path=policy.path,
                span=fact.spans.get("reason", fact.span),
                subject=fact.label,
                evidence=(Evidence(label=fact.label, span=fact.span, cites=fact.cites),),
                remedy=check.fix,
            )
        )
    return found


def _class_change(law: str, old: str | None, new: str | None) -> str:
    if new is None:
        return f"is not {law}, though the table classes it '{old}'"
    return f"is {law} ('{new}')"
