"""Replaying a docket against a case: each dated act judged by the reference semantics.

An entry is lawful when its rule exists in the case, the actor is the rule's actor (competence)
and the rule's condition holds in the state the entries before it produced. Between two
entries the calendar days pass: a `duty within N days` that stays open past its N days has run
out (the day counting as in `checker.core.semantics`: a duty's days run from the entry that
opened it, and performing it, or closing it, stops them). Replay stops judging at the first
unlawful act (the docket has left the law) and names the rule that comes closest.

Why one module of some 470 lines: replay is one walk over the docket, and each of its checks
(lawful act, deadline, the rule that comes closest) reads the walk's state (the state, the
clocks, the open duties) as it stands at that entry.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field, replace
from typing import Literal

from checker.core.semantics import RangeViolation, State, apply, evaluate, is_final
from checker.core.show_expr import show, value_text
from checker.docket.docket import Docket, DocketError, Entry
from checker.docket.repealed import Repealed
from dsl.model import Binary, Expr, Model, RuleInstance, Value, domain_of
from dsl.suggest import closest

Status = Literal["lawful", "unlawful", "not judged"]


@dataclass(frozen=True, slots=True)
class OpenDuty:
    rule: str
    actor: str
    since: datetime.date
    due: datetime.date | None  # the last day, for a duty with a deadline


@dataclass(frozen=True, slots=True)
class MissedDeadline:
    rule: str
    actor: str
    days: int
    since: datetime.date
    last_day: datetime.date
    before_entry: int  # the entry whose date lies after the last day


@dataclass(frozen=True, slots=True)
class Closest:
    """The rule that would have allowed something close, and why it did not apply."""

    rule: str
    actor: str
    why: tuple[str, ...]
    cites: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class EntryResult:
    entry: Entry
    status: Status
    rule: str = ""  # the rule instance the entry maps to
    reasons: tuple[str, ...] = ()  # why unlawful
    cites: tuple[tuple[str, str], ...] = ()  # (source, title) of the rule
    changes: tuple[tuple[str, Value, Value], ...] = ()
    open_duties: tuple[OpenDuty, ...] = ()  # after the entry
    missed: tuple[MissedDeadline, ...] = ()  # deadlines that ran out since the entry before
    notes: tuple[str, ...] = ()
    closest: Closest | None = None
    repealed_by: str = ""  # "bill.rev line 60" when the act's rule was repealed


@dataclass(frozen=True, slots=True)
class ReplayReport:
    case: str
    docket: str
    entries: tuple[EntryResult, ...]
    first_unlawful: int | None
    missed: tuple[MissedDeadline, ...]
    final_state: tuple[tuple[str, Value], ...]
    ends_lawfully: bool | None  # the state after the last judged entry is a lawful end (`final`)
    open_at_end: tuple[OpenDuty, ...] = field(default=())

    @property
    def exit_code(self) -> int:
        """0 every act lawful and in time; 1 an unlawful act or a deadline that ran out."""
        return 1 if self.first_unlawful is not None or self.missed else 0


def initial_state(model: Model, docket: Docket) -> State:
    """The one state the docket starts in: the case's initial values with its `initial` facts."""
    slots = {s.name: i for i, s in enumerate(model.slots)}
    chosen: dict[int, Value] = {}
    for name, value in docket.initial:
        if name not in slots:
            close = closest(name, list(slots))
            raise DocketError(
                docket.path,
                0,
                "initial",
                f"the case has no variable '{name}'"
                + (f" (did you mean '{close}'?)" if close else ""),
            )
        i = slots[name]
        allowed = model.initial[i]
        if allowed is not None and value not in allowed:
            raise DocketError(
                docket.path,
                0,
                "initial",
                f"'{name}' cannot start at {value_text(value)}: "
                f"the case lets it start at {_values(allowed)}",
            )
        chosen[i] = value
    state: list[Value] = []
    for i, allowed in enumerate(model.initial):
        if i in chosen:
            state.append(chosen[i])
        elif allowed is not None and len(allowed) == 1:
            state.append(allowed[0])
        else:
            what = "any whole number" if allowed is None else _values(allowed)
            raise DocketError(
                docket.path,
                0,
                "initial",
                f"the case leaves '{model.slots[i].name}' open "
                f"({what}): say in `initial` which it is",
            )
    return tuple(state)


def _values(vs: tuple[Value, ...]) -> str:
    return "{" + ", ".join(value_text(v) for v in vs) + "}"


@dataclass(frozen=True, slots=True)
class _Target:
    """What an entry's act maps to before judging: a rule instance of the case, or a repealed
    one."""

    rule: RuleInstance | None
    repealed: Repealed | None = None
    alternatives: tuple[RuleInstance, ...] = ()  # by article: every rule of the actor citing it


def resolve(model: Model, docket: Docket, repealed: dict[str, Repealed]) -> list[_Target]:
    """Map every entry to a rule (DocketError for an unknown actor, act or article, or dates out
    of order): a malformed docket is refused before any entry is judged."""
    actors = {a.name for a in model.actors}
    by_instance = {r.name: r for r in model.rules}
    declared: dict[str, list[RuleInstance]] = {}
    for r in model.rules:
        declared.setdefault(r.rule, []).append(r)
    sources = {s.name for s in model.sources}
    out = []
    previous: Entry | None = None
    for e in docket.entries:
        if previous is not None and e.date < previous.date:
            raise DocketError(
                docket.path,
                e.index,
                "date",
                f"{e.date} is before {previous.date}, the date of "
                f"entry {previous.index}: entries must be in date order",
            )
        previous = e
        if e.actor not in actors:
            close = closest(e.actor, sorted(actors))
            raise DocketError(
                docket.path,
                e.index,
                "actor",
                f"the case has no actor '{e.actor}'"
                + (f" (did you mean '{close}'?)" if close else ""),
            )
        if e.article and e.article not in sources:
            raise DocketError(
                docket.path, e.index, "article", f"the case cites no source '{e.article}'"
            )
        out.append(_resolve_act(model, docket, e, by_instance, declared, repealed))
    return out


def _resolve_act(
    model: Model,
    docket: Docket,
    e: Entry,
    by_instance: dict[str, RuleInstance],
    declared: dict[str, list[RuleInstance]],
    repealed: dict[str, Repealed],
) -> _Target:
    if not e.act:  # by article: the rules that cite it, the actor's first
        citing = [r for r in model.rules if e.article in r.citations]
        if not citing:
            raise DocketError(
                docket.path, e.index, "article", f"no rule of the case cites '{e.article}'"
            )
        own = [r for r in citing if r.actor == e.actor]
        return _Target((own or citing)[0], alternatives=tuple(own))
    name = e.act if not e.args else f"{e.act}({', '.join(e.args)})"
    if name in by_instance:
        return _Target(by_instance[name])
    if e.act in declared and not e.args and len(declared[e.act]) == 1:
        return _Target(declared[e.act][0])
    if e.act in declared:
        params = len(declared[e.act][0].binding)
        raise DocketError(
            docket.path,
            e.index,
            "args",
            f"rule '{e.act}' takes {params} argument(s); "
            f"'{name}' is none of its instances ({', '.join(r.name for r in declared[e.act])})",
        )
    hit = repealed.get(name) or repealed.get(e.act)
    if hit is not None:
        return _Target(None, hit)
    close = closest(e.act, sorted(declared))
    raise DocketError(
        docket.path,
        e.index,
        "act",
        f"no rule '{e.act}' in the case" + (f" (did you mean '{close}'?)" if close else ""),
    )


def conjuncts(e: Expr) -> list[Expr]:
    if isinstance(e, Binary) and e.op == "and":
        return conjuncts(e.left) + conjuncts(e.right)
    return [e]


def failing(rule: RuleInstance, state: State) -> list[str]:
    """The parts of the rule's condition that do not hold in `state`, in words."""
    return [f"`{show(c)}` does not hold" for c in conjuncts(rule.guard) if not evaluate(c, state)]


def _closest(model: Model, state: State, e: Entry, tried: RuleInstance | None) -> Closest | None:
    """The rule that comes closest to the act: fewest unmet conditions, the entry's actor, the
    same kind of act and the same article preferred."""
    best: tuple[float, RuleInstance, list[str]] | None = None
    for r in model.rules:
        if tried is not None and r.name == tried.name:
            continue
        why = failing(r, state)
        if r.actor != e.actor:
            why.insert(0, f"it is performed by {r.actor}, not {e.actor}")
        score = float(len(why))
        if tried is not None and r.kind != tried.kind:
            score += 0.5
        if e.article and e.article not in r.citations:
            score += 0.25
        if tried is not None and r.rule == tried.rule:
            score -= 0.75
        if best is None or score < best[0]:
            best = (score, r, why)
    if best is None:
        return None
    _, r, why = best
    return Closest(r.name, r.actor, tuple(why), r.citations)


def _cites(model: Model, r: RuleInstance) -> tuple[tuple[str, str], ...]:
    out = []
    for c in r.citations:
        src = model.source(c)
        out.append((c, src.title if src else c))
    return tuple(out)


def replay(
    model: Model,
    docket: Docket,
    repealed: dict[str, Repealed] | None = None,
    as_of: datetime.date | None = None,
) -> ReplayReport:
    """Judge every entry; with `as_of`, also the deadlines that run out after the last entry
    up to that date (reported with `before_entry` one past the last entry)."""
    targets = resolve(model, docket, repealed or {})
    if as_of is not None and docket.entries and as_of < docket.entries[-1].date:
        raise DocketError(
            docket.path,
            len(docket.entries),
            "date",
            f"{docket.entries[-1].date} is after the --as-of date {as_of}",
        )
    state = initial_state(model, docket)
    duties = [r for r in model.rules if r.duty]
    first = docket.entries[0].date if docket.entries else datetime.date.today()
    since: dict[str, datetime.date] = {r.name: first for r in duties if evaluate(r.guard, state)}
    prev = first
    results: list[EntryResult] = []
    all_missed: list[MissedDeadline] = []
    left: int | None = None
    for e, target in zip(docket.entries, targets, strict=True):
        missed: list[MissedDeadline] = []
        if left is None:
            for r in duties:  # the days from `prev` to this entry's date pass
                if r.deadline_days is None or r.name not in since:
                    continue
                last = since[r.name] + datetime.timedelta(days=r.deadline_days)
                if prev <= last < e.date:
                    missed.append(
                        MissedDeadline(
                            r.name, r.actor, r.deadline_days, since[r.name], last, e.index
                        )
                    )
        prev = e.date
        all_missed.extend(missed)
        if left is not None:
            results.append(
                EntryResult(
                    e,
                    "not judged",
                    target.rule.name if target.rule else e.act,
                    ("an earlier act already left the law",),
                )
            )
            continue
        enabled = [r for r in target.alternatives if evaluate(r.guard, state)]
        if enabled:  # an act given by its article is the rule of that article that applies
            target = _Target(enabled[0])
        result, after = _judge(model, state, e, target, missed)
        if len(enabled) > 1:
            result = replace(
                result,
                notes=(
                    *result.notes,
                    f"'{e.article}' fits several acts of {e.actor} "
                    f"here ({', '.join(r.name for r in enabled)}); taken as {enabled[0].name}: "
                    "name the act to choose",
                ),
            )
        results.append(result)
        if result.status == "unlawful":
            left = e.index
            continue
        rule = target.rule
        assert rule is not None
        for r in duties:  # days run from the act that opened the duty; performing it stops them
            if not evaluate(r.guard, after):
                since.pop(r.name, None)
            elif r.name == rule.name or r.name not in since:
                since[r.name] = e.date
        state = after
        results[-1] = _with_open(results[-1], model, duties, since)
    if as_of is not None and left is None:
        after_last = len(docket.entries) + 1
        for r in duties:
            if r.deadline_days is not None and r.name in since:
                last = since[r.name] + datetime.timedelta(days=r.deadline_days)
                if prev <= last < as_of:
                    all_missed.append(
                        MissedDeadline(
                            r.name, r.actor, r.deadline_days, since[r.name], last, after_last
                        )
                    )
    return ReplayReport(
        model.path,
        docket.path,
        tuple(results),
        left,
        tuple(all_missed),
        tuple((s.name, v) for s, v in zip(model.slots, state, strict=True)),
        is_final(model, state) if model.final is not None else None,
        _open(model, duties, since),
    )


def _open(
    model: Model, duties: list[RuleInstance], since: dict[str, datetime.date]
) -> tuple[OpenDuty, ...]:
    return tuple(
        OpenDuty(
            r.name,
            r.actor,
            since[r.name],
            None
            if r.deadline_days is None
            else since[r.name] + datetime.timedelta(days=r.deadline_days),
        )
        for r in duties
        if r.name in since
    )


def _with_open(
    res: EntryResult, model: Model, duties: list[RuleInstance], since: dict[str, datetime.date]
) -> EntryResult:
    return replace(res, open_duties=_open(model, duties, since))


def _judge(
    model: Model, state: State, e: Entry, target: _Target, missed: list[MissedDeadline]
) -> tuple[EntryResult, State]:
    if target.rule is None:
        assert target.repealed is not None
        old = target.repealed
        where = f"{old.bill} line {old.line}"
        why = (
            f"rule '{old.rule.name}' (cites {', '.join(old.rule.citations) or 'nothing'}) "
            f"was repealed by {where}",
        )
        return EntryResult(
            e,
            "unlawful",
            old.rule.name,
            why,
            missed=tuple(missed),
            closest=_closest(model, state, e, old.rule),
            repealed_by=where,
        ), state
    rule = target.rule
    reasons: list[str] = []
    if rule.actor != e.actor:
        actor = model.actor(rule.actor)
        organ = f" ({actor.organ})" if actor else ""
        reasons.append(
            f"{e.actor} has no competence for '{rule.name}': the rule is performed by "
            f"{rule.actor}{organ}"
        )
    reasons.extend(failing(rule, state))
    notes: list[str] = []
    if e.article and e.article not in rule.citations:
        notes.append(
            f"'{rule.name}' does not rest on '{e.article}' "
            f"(it cites {', '.join(rule.citations) or 'nothing'})"
        )
    after = state
    if not reasons:
        try:
            after = apply(model, rule, state)
        except RangeViolation as exc:
            reasons.append(f"the model cannot follow it: {exc}")
    if reasons:
        return EntryResult(
            e,
            "unlawful",
            rule.name,
            tuple(reasons),
            _cites(model, rule),
            missed=tuple(missed),
            notes=tuple(notes),
            closest=_closest(model, state, e, rule),
        ), state
    names = {s.name: i for i, s in enumerate(model.slots)}
    for var, value in e.values:
        i = names.get(var)
        if i is None:
            notes.append(f"the docket records '{var}', which the case does not model")
        elif after[i] != value:
            notes.append(
                f"the docket records {var} = {value_text(value)}; under the case it is "
                f"{value_text(after[i])}"
            )
        elif domain_of(model.slots[i].type) is not None and value not in (
            domain_of(model.slots[i].type) or ()
        ):
            notes.append(f"{value_text(value)} is not a value of '{var}'")
    changes = tuple(
        (model.slots[i].name, state[i], after[i]) for i in range(len(state)) if state[i] != after[i]
    )
    return EntryResult(
        e,
        "lawful",
        rule.name,
        (),
        _cites(model, rule),
        changes,
        missed=tuple(missed),
        notes=tuple(notes),
    ), after
