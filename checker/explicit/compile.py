"""Compile a finite checked model once into Python functions for the explicit engine.

Input: a `dsl.model.Model`. Output: a `CompiledModel` holding
- `expand(state)`: every enabled rule instance's successor, as `(rule index, next state)`, with
  `None` for the next state when the update leaves a declared range (a modelling error);
- predicates for `final` and for every expression and step pattern of the model's properties
  (a step pattern becomes one residual state predicate per rule instance).

A *timed* model (`checker.core.semantics.is_timed`: a deadline or a `within` property) is explored
over extended states: the model's slots followed by one clock per deadline rule instance
(`checker.core.semantics` defines the clocks). Its `expand` also yields the built-in time step, as
rule index `time_rule` (= the number of rule instances), after the discrete steps. Predicates
always take the model's slots only (`CompiledModel.width` of them).

All of it is generated as one Python module and `exec`uted once per model: interpreting the
expression tree per state is an order of magnitude slower. Raises `UnboundedModel` for a model
the explicit engine cannot enumerate (an unbounded `int` or an `any` initial value).
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass, field

from checker.core.semantics import State, deadline_rules, is_timed
from checker.explicit.pysource import PySource, provably_within, range_check, residual
from dsl.model import (
    AfterPossible,
    Eventually,
    Expr,
    Invariant,
    LeadsTo,
    Lit,
    Model,
    NeverStep,
    PropertyForm,
    Reachable,
    RequiresEarlier,
    StepPattern,
    Update,
    domain_of,
)

Predicate = Callable[[State], bool]
Successors = list[tuple[int, State | None]]


class UnboundedModel(Exception):
    """The model has a variable without a finite domain: the explicit engine cannot enumerate
    it (the symbolic engine can). The message names the variables, for the CLI to print."""


@dataclass(frozen=True, slots=True)
class CompiledPattern:
    """A step pattern per rule instance: `None` where the rule can never match, else the
    predicate its pre-state must satisfy (constant-true patterns get `always`). One more entry,
    always `None`, stands for the time step: no pattern matches the passage of time."""

    per_rule: tuple[Predicate | None, ...]


def always(_: State) -> bool:
    return True


@dataclass(frozen=True, slots=True)
class CompiledModel:
    model: Model
    source: str  # the generated module, for debugging and tests
    expand: Callable[[State], Successors]
    final: Predicate | None
    timed: bool
    width: int  # the model's slots; a timed state has one clock per deadline rule after them
    time_rule: int  # the rule index of the time step (= len(model.rules)); never a rule
    _predicates: dict[Expr, Predicate] = field(repr=False)
    _patterns: dict[StepPattern, CompiledPattern] = field(repr=False)

    def predicate(self, e: Expr) -> Predicate:
        """The compiled form of `e` (compiled on demand if the model did not mention it)."""
        found = self._predicates.get(e)
        if found is None:
            found = _ModuleBuilder(self.model).predicates_only([e])[e]
            self._predicates[e] = found
        return found

    def pattern(self, p: StepPattern) -> CompiledPattern:
        found = self._patterns.get(p)
        if found is None:
            found = _ModuleBuilder(self.model).patterns_only([p])[p]
            self._patterns[p] = found
        return found


def compile_model(model: Model) -> CompiledModel:
    """Generate and load the model's step function and property predicates (once)."""
    require_finite(model)
    exprs, patterns = _property_parts(model)
    if model.final is not None:
        exprs.insert(0, model.final)
    builder = _ModuleBuilder(model)
    builder.add_expand()
    pred_names = {e: builder.add_predicate(e) for e in exprs}
    pattern_names = {p: builder.add_pattern(p) for p in patterns}
    timed = is_timed(model)
    if timed:
        builder.add_due()
    ns = builder.load()
    predicates = {e: ns[name] for e, name in pred_names.items()}
    expand = ns["expand"]
    if timed:
        expand = timed_expand(model, expand, ns["due"])  # type: ignore[arg-type]
    return CompiledModel(
        model=model,
        source=builder.source,
        expand=expand,  # type: ignore[arg-type]
        final=predicates[model.final] if model.final is not None else None,
        timed=timed,
        width=len(model.slots),
        time_rule=len(model.rules),
        _predicates=predicates,  # type: ignore[arg-type]
        _patterns={p: _pattern(ns, names) for p, names in pattern_names.items()},
    )


def timed_expand(
    model: Model, expand: Callable[[State], Successors], due: Callable[[State], tuple[bool, ...]]
) -> Callable[[State], Successors]:
    """`expand` over timed states (model slots, then clocks), as `checker.core.semantics` defines
    them: a discrete step resets the clock of every deadline rule it leaves disabled and of the
    rule it performs; the time step (last, if allowed) adds a day to every enabled deadline
    rule's clock and is allowed only while each of them is still below its deadline."""
    width = len(model.slots)
    rules = [i for i, r in enumerate(model.rules) if r.deadline_days is not None]
    limits = [model.rules[i].deadline_days for i in rules]
    time_rule = len(model.rules)
    if not rules:  # no clocks: time passes freely, a self-loop on every state

        def expand_untimed_clocks(s: State) -> Successors:
            out = expand(s)
            out.append((time_rule, s))
            return out

        return expand_untimed_clocks
    triples = list(zip(range(len(rules)), rules, limits, strict=True))

    def expand_timed(s: State) -> Successors:
        m, clocks = s[:width], s[width:]
        out: Successors = []
        for k, t in expand(m):
            if t is None:
                out.append((k, None))
                continue
            on = due(t)
            out.append(
                (k, t + tuple([clocks[j] if on[j] and r != k else 0 for j, r, _ in triples]))
            )
        on = due(m)
        if all(not on[j] or clocks[j] < n for j, _, n in triples):
            out.append(
                (time_rule, m + tuple([clocks[j] + 1 if on[j] else 0 for j, _, _ in triples]))
            )
        return out

    return expand_timed


def require_finite(model: Model) -> None:
    """Raise `UnboundedModel` naming every slot without a finite domain or initial value."""
    problems = [
        f"'{slot.name}' has the unbounded type {slot.type}"
        for slot in model.slots
        if domain_of(slot.type) is None
    ]
    problems += [
        f"'{slot.name}' has no fixed initial value (`any`)"
        for slot, init in zip(model.slots, model.initial, strict=True)
        if init is None and domain_of(slot.type) is not None
    ]
    if problems:
        raise UnboundedModel(
            "the explicit engine needs finite variables: "
            + "; ".join(problems)
            + " (give a range such as 0..10, or use the symbolic engine)"
        )


def _property_parts(model: Model) -> tuple[list[Expr], list[StepPattern]]:
    """Every expression and step pattern the properties mention, in declaration order."""
    exprs: list[Expr] = []
    patterns: list[StepPattern] = []
    for prop in model.properties:
        for part in _parts(prop.form):
            target = patterns if isinstance(part, StepPattern) else exprs
            if part not in target:
                target.append(part)  # type: ignore[arg-type]
    return exprs, patterns


def _parts(form: PropertyForm) -> Iterator[Expr | StepPattern]:
    match form:
        case Invariant(predicate=p) | Reachable(predicate=p) | Eventually(predicate=p):
            yield p
        case NeverStep(pattern=s):
            yield s
        case RequiresEarlier(step=a, earlier=b) | AfterPossible(step=a, target=b):
            yield a
            yield b
        case LeadsTo(trigger=t, target=q):
            yield t
            yield q


def _pattern(ns: dict[str, object], names: tuple[str | bool, ...]) -> CompiledPattern:
    per_rule = tuple(always if n is True else None if n is False else ns[n] for n in names)
    return CompiledPattern((*per_rule, None))  # type: ignore[arg-type]


class _ModuleBuilder:
    """Accumulates the generated module's source; `load` compiles and executes it once."""

    def __init__(self, model: Model) -> None:
        self.model = model
        self.py = PySource()
        self.lines: list[str] = []
        self._count = 0
        n = len(model.slots)
        self.unpack = f"    {', '.join(f's{i}' for i in range(n))}, = s" if n else "    pass"

    @property
    def source(self) -> str:
        return "\n".join(self.lines) + "\n"

    def load(self) -> dict[str, object]:
        ns: dict[str, object] = dict(self.py.namespace)
        code = compile(self.source, f"<revcheck model {self.model.name}>", "exec")
        exec(code, ns)  # noqa: S102 - our own generated source, from a type-checked model
        return ns

    def add_expand(self) -> None:
        """`expand(s)`: the successors of `s` in rule declaration order."""
        rules = self.model.rules
        guards = [r.guard for r in rules]
        updates = [u.value for r in rules for u in r.updates]
        hoisted, temps = self.py.hoist([*guards, *updates], guards, {}, "t")
        self.lines += ["def expand(s):", self.unpack]
        self.lines += [f"    {line}" for line in hoisted]
        self.lines.append("    out = []")
        for k, rule in enumerate(rules):
            self.lines.append(f"    # {k}: {rule.name}")
            self.lines.append(f"    if {self.py.code(rule.guard, temps)}:")
            self._add_step(k, rule.updates, temps)
        self.lines.append("    return out")

    def _add_step(self, k: int, updates: tuple[Update, ...], temps: dict[str, str]) -> None:
        """Rule `k`'s successor (guard already open): shared update subexpressions, the values
        that need a range check, then the new tuple or `None` if a check fails."""
        values = [u.value for u in updates]
        body, local = self.py.hoist(values, values, temps, f"r{k}_")
        new = [f"s{i}" for i in range(len(self.model.slots))]
        checks: list[str] = []
        for n, u in enumerate(updates):
            t = self.model.slots[u.slot].type
            code = self.py.code(u.value, local)
            if provably_within(self.model, u.value, t):
                new[u.slot] = code
                continue
            name = f"v{k}_{n}"
            body.append(f"{name} = {code}")
            new[u.slot] = name
            check = range_check(self.py, name, t)
            if check is not None:
                checks.append(check)
        result = "(" + "".join(f"{v}, " for v in new) + ")"
        self.lines += [f"        {line}" for line in body]
        if checks:
            self.lines.append(f"        if {' and '.join(checks)}:")
            self.lines.append(f"            out.append(({k}, {result}))")
            self.lines.append("        else:")
            self.lines.append(f"            out.append(({k}, None))")
        else:
            self.lines.append(f"        out.append(({k}, {result}))")

    def add_due(self) -> None:
        """`due(s)`: for each deadline rule instance in order, whether its guard holds in `s`."""
        guards = [r.guard for r in deadline_rules(self.model)]
        hoisted, temps = self.py.hoist(guards, guards, {}, "t")
        self.lines += ["def due(s):", self.unpack]
        self.lines += [f"    {line}" for line in hoisted]
        codes = [f"bool({self.py.code(g, temps)})" for g in guards]
        self.lines.append(f"    return ({''.join(c + ', ' for c in codes)})")

    def add_predicate(self, e: Expr) -> str:
        name = f"pred{self._count}"
        self._count += 1
        hoisted, temps = self.py.hoist([e], [e], {}, "t")
        self.lines += [f"def {name}(s):", self.unpack]
        self.lines += [f"    {line}" for line in hoisted]
        self.lines.append(f"    return bool({self.py.code(e, temps)})")
        return name

    def add_pattern(self, p: StepPattern) -> tuple[str | bool, ...]:
        """Per rule: True/False for a constant residual, else the residual predicate's name."""
        names: list[str | bool] = []
        for rule in self.model.rules:
            rest = residual(p.where, rule)
            if isinstance(rest, Lit):
                names.append(bool(rest.value))
            else:
                names.append(self.add_predicate(rest))
        return tuple(names)

    def predicates_only(self, exprs: list[Expr]) -> dict[Expr, Predicate]:
        names = {e: self.add_predicate(e) for e in exprs}
        ns = self.load()
        return {e: ns[n] for e, n in names.items()}  # type: ignore[misc]

    def patterns_only(self, patterns: list[StepPattern]) -> dict[StepPattern, CompiledPattern]:
        names = {p: self.add_pattern(p) for p in patterns}
        ns = self.load()
        return {p: _pattern(ns, n) for p, n in names.items()}
