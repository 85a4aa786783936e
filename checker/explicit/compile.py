"""Compile a finite checked model once into Python functions for the explicit engine.

Input: a `dsl.model.Model`. Output: a `CompiledModel` holding
- `expand(state)`: every enabled rule instance's successor, as `(rule index, next state)`, with
  `None` for the next state when the update leaves a declared range (a modelling error);
- predicates for `final` and for every expression and step pattern of the model's properties
  (a step pattern becomes one residual state predicate per rule instance).
States are packed integers (`checker.explicit.packing`); `layout` converts them to the model's
tuples and back.

A *timed* model (`checker.core.semantics.is_timed`: a deadline or a `within` property) is explored
over extended states: the model's slots followed by one clock per deadline rule instance
(`checker.core.semantics` defines the clocks), packed above the slots. Its `expand` also yields
the built-in time step, as rule index `time_rule` (= the number of rule instances), after the
discrete steps; the clock arithmetic is generated with the rest. Predicates read the model's
fields only, so they take timed and untimed states alike.

All of it is generated as one Python module and `exec`uted once per model: interpreting the
expression tree per state is an order of magnitude slower. Raises `UnboundedModel` for a model
the explicit engine cannot enumerate (an unbounded `int` or an `any` initial value).
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass, field

from checker.core.semantics import deadline_rules, is_timed
from checker.explicit.loop import add_search
from checker.explicit.packing import Field, Layout, layout_of
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

Code = int  # a packed state
Predicate = Callable[[Code], bool]
Watcher = Callable[[Code, int], int]
Successors = list[tuple[int, Code | None]]
KEEP_TABLE_CLOCKS = 12  # up to this many clocks, the clocks a step keeps come from a table


class UnboundedModel(Exception):
    """The model has a variable without a finite domain: the explicit engine cannot enumerate
    it (the symbolic engine can). The message names the variables, for the CLI to print."""


@dataclass(frozen=True, slots=True)
class CompiledPattern:
    """A step pattern per rule instance: `None` where the rule can never match, else the
    predicate its pre-state must satisfy (constant-true patterns get `always`). One more entry,
    always `None`, stands for the time step: no pattern matches the passage of time."""

    per_rule: tuple[Predicate | None, ...]


def always(_: Code) -> bool:
    return True


@dataclass(frozen=True, slots=True)
class CompiledModel:
    model: Model
    source: str  # the generated module, for debugging and tests
    _expand: list[Callable[[Code], Successors]] = field(repr=False)  # [] until first asked
    final: Predicate | None
    timed: bool
    width: int  # the model's slots; a timed state has one clock per deadline rule after them
    time_rule: int  # the rule index of the time step (= len(model.rules)); never a rule
    layout: Layout
    search: Callable[..., tuple[int, int, int, int]] | None  # the inlined BFS, if asked for
    _predicates: dict[Expr, Predicate] = field(repr=False)
    _patterns: dict[StepPattern, CompiledPattern] = field(repr=False)
    _watchers: dict[tuple[tuple[Expr, bool], ...], Watcher] = field(repr=False)

    @property
    def expand(self) -> Callable[[Code], Successors]:
        """`expand(state)` (see the module docstring). A model compiled with its inlined loop
        gets it on first use: the loop is all a search without step watches runs."""
        if not self._expand:
            builder = ModuleBuilder(self.model)
            builder.add_expand(self.timed)
            self._expand.append(builder.load()["expand"])  # type: ignore[arg-type]
        return self._expand[0]

    def predicate(self, e: Expr) -> Predicate:
        """The compiled form of `e` (compiled on demand if the model did not mention it)."""
        found = self._predicates.get(e)
        if found is None:
            found = ModuleBuilder(self.model).predicates_only([e])[e]
            self._predicates[e] = found
        return found

    def pattern(self, p: StepPattern) -> CompiledPattern:
        found = self._patterns.get(p)
        if found is None:
            found = ModuleBuilder(self.model).patterns_only([p])[p]
            self._patterns[p] = found
        return found

    def watcher(self, keys: tuple[tuple[Expr, bool], ...]) -> Watcher:
        """`watch(s, pending)`: bit j set when `pending` has bit j and expression j of `keys`
        evaluates to its wanted truth value in `s`: every watched property of a state in one
        call, with no call per property (`checker.explicit.search` uses it per state). The
        keys `compile_model` was given are in the model's module already."""
        if keys not in self._watchers:
            builder = ModuleBuilder(self.model)
            builder.add_watch(keys)
            self._watchers[keys] = builder.load()["watch"]  # type: ignore[assignment]
        return self._watchers[keys]


def compile_model(
    model: Model,
    inline_search: bool = True,
    keep_edges: bool = False,
    watched: tuple[tuple[Expr, bool], ...] = (),
) -> CompiledModel:
    """Generate and load the model's step function and property predicates (once).

    With `inline_search` the module has the search loop with the step function inlined
    (`search`, recording edges if `keep_edges`), and `expand` is generated only if asked for:
    each costs as much to generate as the other. Without it, `search` is None (a search that
    watches steps runs the generic loop over `expand`). The `watched` expressions get their
    `watcher` in the same module and no predicate of their own (the search judges them; a
    predicate is still compiled if asked for): for a small model, compiling the module costs
    more than searching it."""
    require_finite(model)
    exprs, patterns = _property_parts(model)
    watched_exprs = {e for e, _ in watched}
    exprs = [e for e in exprs if e not in watched_exprs]
    if model.final is not None and model.final not in exprs:
        exprs.insert(0, model.final)
    builder = ModuleBuilder(model)
    timed = is_timed(model)
    if inline_search:
        add_search(builder, timed, keep_edges)
    else:
        builder.add_expand(timed)
    pred_names = {e: builder.add_predicate(e) for e in exprs}
    pattern_names = {p: builder.add_pattern(p) for p in patterns}
    if watched:
        builder.add_watch(watched)
    ns = builder.load()
    predicates = {e: ns[name] for e, name in pred_names.items()}
    return CompiledModel(
        model=model,
        source=builder.source,
        _expand=[] if inline_search else [ns["expand"]],  # type: ignore[list-item]
        search=ns["search"] if inline_search else None,  # type: ignore[arg-type]
        final=predicates[model.final] if model.final is not None else None,  # type: ignore[arg-type]
        timed=timed,
        width=len(model.slots),
        time_rule=len(model.rules),
        layout=builder.layout,
        _predicates=predicates,  # type: ignore[arg-type]
        _patterns={p: _pattern(ns, names) for p, names in pattern_names.items()},
        _watchers={watched: ns["watch"]} if watched else {},  # type: ignore[dict-item]
    )


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


class ModuleBuilder:
    """Accumulates the generated module's source; `load` compiles and executes it once."""

    def __init__(self, model: Model) -> None:
        self.model = model
        self.layout = layout_of(model)
        self.py = PySource(self.layout)
        self.lines: list[str] = []
        self._count = 0

    @property
    def source(self) -> str:
        return "\n".join(self.lines) + "\n"

    def load(self) -> dict[str, object]:
        ns: dict[str, object] = dict(self.py.namespace)
        code = compile(self.source, f"<revcheck model {self.model.name}>", "exec")
        exec(code, ns)  # noqa: S102 - our own generated source, from a type-checked model
        return ns

    def add_expand(self, timed: bool) -> None:
        """`expand(s)`: the successors of `s` in rule declaration order, then (timed) the
        clocks each keeps and the time step."""
        rules = self.model.rules
        guards = [r.guard for r in rules]
        updates = [u.value for r in rules for u in r.updates]
        hoisted, temps = self.py.hoist([*guards, *updates], guards, {}, "t")
        if timed and self.layout.clocks:
            self.add_due()
        self.lines += ["def expand(s):"]
        self.lines += [f"    {line}" for line in hoisted]
        self.lines.append("    out = []")
        for k, rule in enumerate(rules):
            self.lines.append(f"    # {k}: {rule.name}")
            self.lines.append(f"    if {self.py.code(rule.guard, temps)}:")
            self._add_step(k, rule.updates, temps)
        if timed:
            self._add_time()
        self.lines.append("    return out")

    def _add_step(self, k: int, updates: tuple[Update, ...], temps: dict[str, str]) -> None:
        """Rule `k`'s successor appended to `out` (guard already open), `None` when an update
        leaves its range."""
        body, checks, result = self.successor(k, updates, temps)
        self.lines += [f"        {line}" for line in body]
        if checks:
            self.lines.append(f"        if {' and '.join(checks)}:")
            self.lines.append(f"            out.append(({k}, {result}))")
            self.lines.append("        else:")
            self.lines.append(f"            out.append(({k}, None))")
        else:
            self.lines.append(f"        out.append(({k}, {result}))")

    def successor(
        self, k: int, updates: tuple[Update, ...], temps: dict[str, str]
    ) -> tuple[list[str], list[str], str]:
        """Rule `k`'s step: the lines computing shared update subexpressions and the values
        that need a range check, those checks, and the new packed state: the pre-state with
        the updated fields cleared and their codes or'ed in."""
        values = [u.value for u in updates]
        body, local = self.py.hoist(values, values, temps, f"r{k}_")
        fields = self.layout.fields
        keep = self.layout.all_mask
        constant = 0
        parts: list[str] = []
        checks: list[str] = []
        for n, u in enumerate(updates):
            t, f = self.model.slots[u.slot].type, fields[u.slot]
            keep &= ~f.bits
            if isinstance(u.value, Lit):
                code = f.code_of(u.value.value)
                if code is None:  # a literal outside the range: always a range error
                    checks.append("False")
                else:
                    constant |= code << f.shift
                continue
            direct = self.py.code_in(f, u.value, local)
            if direct is not None:  # a copy or a conditional choice of codes
                parts.append(direct if f.shift == 0 else f"({direct} << {f.shift})")
                continue
            value = self.py.code(u.value, local)
            if not provably_within(self.model, u.value, t):
                name = f"v{k}_{n}"
                body.append(f"{name} = {value}")
                value = name
                check = range_check(self.py, name, t)
                if check is not None:
                    checks.append(check)
            parts.append(self.py.encode(f, value))
        result = " | ".join([f"(s & {keep})", *([str(constant)] if constant else []), *parts])
        return body, checks, result if updates else "s"

    def _add_time(self) -> None:
        """The clocks of timed states (`checker.core.semantics`): a discrete step keeps the
        clock of a deadline rule it leaves enabled and does not perform, and zeroes the rest;
        the time step (last) is allowed while every enabled deadline rule's clock is below its
        deadline and adds a day to each of them (zeroing the others)."""
        time_rule = len(self.model.rules)
        if not self.layout.clocks:  # time passes freely: a self-loop on every state
            self.lines.append(f"    out.append(({time_rule}, s))")
            return
        keep, _ = self.clock_tables()
        self.lines += [
            "    out = [(k, None if t is None else t & " + keep + " & _own[k]) for k, t in out]",
            "    on = due(s)",
        ]
        allowed, new = self.time_parts()
        self.lines.append(f"    if {allowed}:")
        self.lines.append(f"        out.append(({time_rule}, {new}))")

    def clock_tables(self) -> tuple[str, list[int]]:
        """The source of the mask of the clocks a step into `t` keeps running (those of the
        deadline rules enabled in `t`), and per rule the mask that zeroes its own clock."""
        clocks = self.layout.clocks
        index = {r.name: j for j, r in enumerate(deadline_rules(self.model))}
        model_mask, all_mask = self.layout.model_mask, self.layout.all_mask
        own = [
            all_mask & ~clocks[index[r.name]].bits if r.name in index else all_mask
            for r in self.model.rules
        ]
        self.py.namespace["_own"] = tuple(own)
        if len(clocks) <= KEEP_TABLE_CLOCKS:
            table = [model_mask | _clock_bits(clocks, on) for on in range(1 << len(clocks))]
            self.py.namespace["_keep"] = tuple(table)
            return "_keep[due(t)]", own
        self.py.namespace["_clock_bits"] = _clock_bits
        self.py.namespace["_clocks"] = clocks
        return f"({model_mask} | _clock_bits(_clocks, due(t)))", own

    def time_parts(self) -> tuple[str, str]:
        """Whether a day may pass in `s` (given `on = due(s)`), and the state after it."""
        allowed, new = [], [f"(s & {self.layout.model_mask})"]
        for j, f in enumerate(self.layout.clocks):
            c = self.py.raw(f)
            allowed.append(f"(not on & {1 << j} or {c} < {len(f.domain) - 1})")
            new.append(f"(({c} + 1) << {f.shift} if on & {1 << j} else 0)")
        return " and ".join(allowed), " | ".join(new)

    def add_due(self) -> None:
        """`due(s)`: bit j set when the j-th deadline rule instance's guard holds in `s`."""
        guards = [r.guard for r in deadline_rules(self.model)]
        hoisted, temps = self.py.hoist(guards, guards, {}, "t")
        self.lines += ["def due(s):"]
        self.lines += [f"    {line}" for line in hoisted]
        codes = [f"({1 << j} if {self.py.code(g, temps)} else 0)" for j, g in enumerate(guards)]
        self.lines.append(f"    return {' | '.join(codes)}")

    def add_predicate(self, e: Expr) -> str:
        name = f"pred{self._count}"
        self._count += 1
        hoisted, temps = self.py.hoist([e], [e], {}, "t")
        self.lines += [f"def {name}(s):"]
        self.lines += [f"    {line}" for line in hoisted]
        self.lines.append(f"    return bool({self.py.code(e, temps)})")
        return name

    def add_watch(self, keys: tuple[tuple[Expr, bool], ...]) -> None:
        """`watch(s, pending)` for `CompiledModel.watcher`."""
        self.lines += ["def watch(s, pending):", "    hit = 0"]
        for j, (e, wanted) in enumerate(keys):
            test = self.py.code(e, {})
            self.lines.append(f"    if pending & {1 << j} and {'' if wanted else 'not '}{test}:")
            self.lines.append(f"        hit |= {1 << j}")
        self.lines.append("    return hit")

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


def _clock_bits(clocks: tuple[Field, ...], on: int) -> int:
    """The bits of the clocks whose bit is set in `on`."""
    bits = 0
    for j, f in enumerate(clocks):
        if on >> j & 1:
            bits |= f.bits
    return bits
