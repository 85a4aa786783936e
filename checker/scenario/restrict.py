"""The product of a model with a small facts monitor: the runs consistent with a scenario.

The monitor is one extra slot `pos` (the last of the state): how many of the scenario's steps
have been taken. A rule instance may fire at `pos == i < n` only if it is the i-th step of the
prefix (and its `with` fact holds of the state after it); from `pos == n` on every rule fires as
in the model. `given` facts narrow the initial values. So the product's runs, with `pos`
dropped, are exactly the model's runs that begin with the facts, and both engines can check it.

Time. In a timed model a ghost deadline rule, enabled while the prefix is incomplete, has a
deadline of 0 days: no day passes during the prefix. This loses no behaviour the goals can
see: guards never read the clocks, so the same states are reachable, and from a state with all
clocks at 0 every run possible with later clocks is still possible (more days remain). The ghost
leads to a sink value of `pos` that no property looks at.

Days that pass (`16 days pass` in the prefix). Then the clocks matter after the facts (a duty
whose 10 days ran for 6 of them has 4 left), so the product states time itself, as ordinary
slots and rules that both engines read: one clock slot per deadline rule (0..N, the engines'
capped clock), a `<days pass>` rule per such fact (at its place in the prefix, the whole
period at once: the state does not change while no act happens, so N days can pass exactly when
every applicable deadline rule has N days left) and, after the facts, a `<a day passes>` duty
(time is weakly fair, as in the engines). Every step updates the clocks as
`checker.core.semantics` does: a step resets the clock of the rule it performs and of every
deadline rule it leaves disabled; a day advances the clock of every enabled one, and may not pass
while an enabled one has reached its N. The product has no deadlines of its own (it is untimed
to the engines), and its traces map back to the model's time steps (`checker.scenario.run`).
"""

from __future__ import annotations

from dataclasses import dataclass, replace

from checker.core.semantics import deadline_rules, evaluate, is_timed
from dsl.model import (
    Binary,
    Expr,
    In,
    IntType,
    Invariant,
    Ite,
    LeadsTo,
    Lit,
    MapRef,
    Model,
    Neg,
    Not,
    Property,
    Reachable,
    RuleInstance,
    Scenario,
    Slot,
    SlotRef,
    StepAttr,
    Update,
    Value,
    Variable,
)

GHOST = "<facts take no time>"
MONITOR = "<scenario step>"
WAIT = "<days pass>"  # `WAIT i`: the i-th step of the prefix (1-based), `N days pass`
TICK = "<a day passes>"  # after the facts, in a product that states time (days in the prefix)


class Contradiction(Exception):
    """The `given` facts leave a variable no initial value (E310)."""

    def __init__(
        self, fact_index: int, slot_name: str, alone: bool, unbounded: bool = False
    ) -> None:
        super().__init__(slot_name)
        self.fact_index = fact_index
        self.slot_name = slot_name
        self.alone = alone  # the fact contradicts the declaration, not an earlier fact
        self.unbounded = unbounded  # not a contradiction: an unbounded variable's fact must fix it


@dataclass(frozen=True, slots=True)
class Restricted:
    """The product model and how to read it."""

    model: Model
    pos: int  # the monitor's slot
    n: int  # steps in the prefix
    top: int  # the monitor's last live value (n, or n + 1 for `eventually`)
    days: tuple[tuple[str, int], ...] = ()  # product rules that are days passing: name, days

    def live(self, lo: int) -> Expr:
        """`lo <= pos <= top`: the prefix has reached step `lo` (not the ghost's sink)."""
        p = SlotRef(self.pos, MONITOR)
        return Binary("and", Binary(">=", p, Lit(lo)), Binary("<=", p, Lit(self.top)))

    def at(self, i: int) -> Expr:
        return Binary("==", SlotRef(self.pos, MONITOR), Lit(i))


def narrowed_initial(model: Model, sc: Scenario) -> tuple[tuple[Value, ...] | None, ...]:
    """The model's initial values with the `given` facts applied (raises `Contradiction`)."""
    initial = list(model.initial)
    width = len(model.slots)
    for k, fact in enumerate(sc.given):
        before = initial[fact.slot]
        name = model.slots[fact.slot].name
        if before is None:
            value = _fixed_value(fact.predicate, fact.slot)
            if value is None:
                raise Contradiction(k, name, alone=True, unbounded=True)
            initial[fact.slot] = (value,)
            continue
        probe: list[Value] = [False] * width
        kept = []
        for v in before:
            probe[fact.slot] = v
            if evaluate(fact.predicate, tuple(probe)):
                kept.append(v)
        if not kept:
            alone = model.initial[fact.slot] == before
            raise Contradiction(k, name, alone)
        initial[fact.slot] = tuple(kept)
    return tuple(initial)


def _fixed_value(e: Expr, slot: int) -> Value | None:
    """The value `x == v` fixes, for a variable with no finite set of initial values."""
    if isinstance(e, Binary) and e.op == "==":
        for a, b in ((e.left, e.right), (e.right, e.left)):
            if isinstance(a, SlotRef) and a.slot == slot and isinstance(b, Lit):
                return b.value
    return None


def after_step(e: Expr, rule: RuleInstance) -> Expr:
    """`e` of the state after `rule` fires, as an expression over the state before it."""
    updated = {u.slot: u.value for u in rule.updates}

    def post(x: Expr) -> Expr:
        match x:
            case SlotRef(slot=i):
                return updated.get(i, x)
            case MapRef(first=first, keys=keys, key=key):
                k = post(key)
                out: Expr = post(SlotRef(first + len(keys) - 1, x.name))
                for j in range(len(keys) - 2, -1, -1):
                    out = Ite(Binary("==", k, Lit(keys[j])), post(SlotRef(first + j, x.name)), out)
                return out
            case Not(operand=o):
                return Not(post(o))
            case Neg(operand=o):
                return Neg(post(o))
            case In(operand=o, values=values):
                return In(post(o), values)
            case Ite(cond=c, then=t, other=o):
                return Ite(post(c), post(t), post(o))
            case Binary(op=op, left=a, right=b):
                return Binary(op, post(a), post(b))
            case Lit() | StepAttr():
                return x
        raise AssertionError(x)

    return post(e)


def _any(parts: list[Expr]) -> Expr:
    out: Expr = parts[0]
    for p in parts[1:]:
        out = Binary("or", out, p)
    return out


def _allowed(shell: Restricted, sc: Scenario, r: RuleInstance) -> Expr:
    """When the product lets rule instance `r` fire: after the facts, or as the step of the
    prefix that names it (with that step's `with` fact on the state after)."""
    allowed: list[Expr] = [shell.live(len(sc.steps))]
    for i, st in enumerate(sc.steps):
        if r.name in st.instances:
            cond = shell.at(i)
            if st.after is not None:
                cond = Binary("and", cond, after_step(st.after, r))
            allowed.append(cond)
    return _any(allowed)


def has_days(sc: Scenario) -> bool:
    return any(st.days is not None for st in sc.steps)


def restrict(model: Model, sc: Scenario) -> Restricted:
    """The product of `model` with `sc`'s facts, its properties those of `goal_properties`
    (raises `Contradiction` when the `given` facts leave a variable no initial value)."""
    if has_days(sc):
        return _restrict_timed(model, sc)
    n = len(sc.steps)
    top = n + 1 if sc.goal == "eventually" else n
    ghost = is_timed(model) and n > 0
    pos = len(model.slots)
    p = SlotRef(pos, MONITOR)
    shell = Restricted(model, pos, n, top)
    advance = Update(pos, Ite(Binary("<", p, Lit(top)), Binary("+", p, Lit(1)), p))
    rules = []
    for r in model.rules:
        guard = Binary("and", r.guard, _allowed(shell, sc, r))
        rules.append(replace(r, guard=guard, updates=(*r.updates, advance)))
    if ghost:
        rules.append(
            RuleInstance(
                GHOST,
                GHOST,
                (),
                model.rules[0].actor,
                None,
                (),
                Binary("<", p, Lit(n)),
                (Update(pos, Lit(top + 1)),),
                duty=True,
                deadline_days=0,
                title="no day passes while the scenario's facts take place",
            )
        )
    hi = top + 1 if ghost else top
    var = Variable(MONITOR, IntType(0, hi), pos)
    product = replace(
        model,
        variables=(*model.variables, var),
        slots=(*model.slots, Slot(MONITOR, MONITOR, None, IntType(0, hi))),
        initial=(*narrowed_initial(model, sc), (0,)),
        rules=tuple(rules),
        properties=(),
        expectations=(),
        scenarios=(),
    )
    out = Restricted(product, pos, n, top)
    return replace(out, model=replace(product, properties=goal_properties(out, sc, model)))


def _all(parts: list[Expr]) -> Expr:
    out: Expr = Lit(True)
    for p in parts:
        out = p if isinstance(out, Lit) else Binary("and", out, p)
    return out


@dataclass(frozen=True, slots=True)
class _Clock:
    """A deadline rule of the model and the product slot that counts its days."""

    rule: RuleInstance
    slot: int

    @property
    def ref(self) -> SlotRef:
        return SlotRef(self.slot, f"<clock {self.rule.name}>")

    def days_left(self, days: int) -> Expr:
        """`days` more days may pass as far as this rule goes: it is not applicable, or its
        clock stays within its deadline."""
        assert self.rule.deadline_days is not None
        within = Binary("<=", Binary("+", self.ref, Lit(days)), Lit(self.rule.deadline_days))
        return Binary("or", Not(self.rule.guard), within)

    def after_days(self, days: int) -> Update:
        return Update(self.slot, Ite(self.rule.guard, Binary("+", self.ref, Lit(days)), Lit(0)))

    def after_step(self, r: RuleInstance) -> Update:
        """A step resets the clock of the rule it performs and of a rule it leaves disabled."""
        if r.name == self.rule.name:
            return Update(self.slot, Lit(0))
        return Update(self.slot, Ite(after_step(self.rule.guard, r), self.ref, Lit(0)))


def late(clocks: list[_Clock], days: int) -> list[tuple[RuleInstance, Expr]]:
    """For each deadline rule: the condition under which it forbids `days` days to pass."""
    return [(c.rule, Not(c.days_left(days))) for c in clocks]


def clocks_of(model: Model) -> list[_Clock]:
    first = len(model.slots) + 1  # after the monitor
    return [_Clock(r, first + k) for k, r in enumerate(deadline_rules(model))]


def _restrict_timed(model: Model, sc: Scenario) -> Restricted:
    """The product for facts with days in them: time stated as slots and rules (module doc)."""
    n = len(sc.steps)
    top = n + 1 if sc.goal == "eventually" else n
    pos = len(model.slots)
    p = SlotRef(pos, MONITOR)
    shell = Restricted(model, pos, n, top)
    advance = Update(pos, Ite(Binary("<", p, Lit(top)), Binary("+", p, Lit(1)), p))
    clocks = clocks_of(model)
    actor = model.rules[0].actor if model.rules else ""
    rules = []
    for r in model.rules:
        rules.append(
            replace(
                r,
                guard=Binary("and", r.guard, _allowed(shell, sc, r)),
                updates=(*r.updates, advance, *(c.after_step(r) for c in clocks)),
                duty=r.duty or r.deadline_days is not None,
                deadline_days=None,
            )
        )
    days: list[tuple[str, int]] = []
    for i, st in enumerate(sc.steps):
        if st.days is None:
            continue
        name = f"{WAIT} {i + 1}"
        days.append((name, st.days))
        rules.append(
            RuleInstance(
                name,
                WAIT,
                (),
                actor,
                None,
                (),
                Binary("and", shell.at(i), _all([c.days_left(st.days) for c in clocks])),
                (Update(pos, Lit(i + 1)), *(c.after_days(st.days) for c in clocks)),
                title=st.text,
            )
        )
    rules.append(
        RuleInstance(
            TICK,
            TICK,
            (),
            actor,
            None,
            (),
            Binary("and", shell.live(n), _all([c.days_left(1) for c in clocks])),
            (advance, *(c.after_days(1) for c in clocks)),
            duty=True,  # time is weakly fair: it cannot stop for ever
            title="a day passes",
        )
    )
    monitor = IntType(0, top)
    extra_slots = [Slot(MONITOR, MONITOR, None, monitor)]
    extra_vars = [Variable(MONITOR, monitor, pos)]
    for c in clocks:
        t = IntType(0, c.rule.deadline_days)
        extra_slots.append(Slot(c.ref.name, c.ref.name, None, t))
        extra_vars.append(Variable(c.ref.name, t, c.slot))
    product = replace(
        model,
        variables=(*model.variables, *extra_vars),
        slots=(*model.slots, *extra_slots),
        initial=(*narrowed_initial(model, sc), (0,), *((0,) for _ in clocks)),
        rules=tuple(rules),
        properties=(),
        expectations=(),
        scenarios=(),
    )
    out = Restricted(product, pos, n, top, tuple(days))
    return replace(out, model=replace(product, properties=goal_properties(out, sc, model)))


def goal_properties(r: Restricted, sc: Scenario, base: Model) -> tuple[Property, ...]:
    """The goal over the product, and the checks that tell which fact first becomes impossible:
    `<reach i>` (the prefix reaches step i) and `<enabled i>` (step i's rule can fire there)."""
    live = r.live(r.n)
    pred = sc.predicate
    goal: list[Property] = []
    match sc.goal:
        case "always":
            goal.append(Property(sc.name, Invariant(Binary("implies", live, pred))))
        case "reachable":
            goal.append(Property(sc.name, Reachable(Binary("and", live, pred))))
        case "eventually":
            goal.append(Property(sc.name, LeadsTo(r.at(r.n), pred)))
        case "final":
            end = base.final if base.final is not None else Lit(False)
            goal.append(
                Property(sc.name, Invariant(Binary("implies", Binary("and", live, end), pred)))
            )
            goal.append(Property("<ends>", Reachable(Binary("and", live, end))))
    facts = []
    clocks = clocks_of(base)
    for i, st in enumerate(sc.steps, start=1):
        facts.append(Property(f"<reach {i}>", Reachable(r.live(i))))
        if st.days is not None:  # the days may pass there; which deadline rule stops them
            able = _all([c.days_left(st.days) for c in clocks])
            facts.append(Property(f"<enabled {i}>", Reachable(Binary("and", r.at(i - 1), able))))
            for k, (_, stops) in enumerate(late(clocks, st.days)):
                facts.append(
                    Property(f"<late {i} {k}>", Reachable(Binary("and", r.at(i - 1), stops)))
                )
            continue
        guards = [x.guard for x in base.rules if x.name in st.instances]
        facts.append(
            Property(f"<enabled {i}>", Reachable(Binary("and", r.at(i - 1), _any(guards))))
        )
    return (*goal, *facts)
