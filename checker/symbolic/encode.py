"""Encode a checked model as a Z3 transition relation, built once.

Input: a `dsl.model.Model`. Output: an `Encoding` with
- one Z3 constant per slot and state: `Bool`, `Int` (a bounded range keeps its bounds as a
  constraint, `well_typed`), and for an enumeration or a set element a constant of a Z3
  *enumeration sort* (one sort per declared enum), so a finite domain needs no range assertion;
- `init(s)`: the initial-state predicate (an `any` initial value leaves the slot free);
- `transition(s, label, t)`: some rule instance fires from `s` to `t`; `label` is an `Int`
  holding the index of the instance (the *step label*), so the rule, actor, organ and kind of
  a step are functions of it;
- expressions of the model over a state (and, inside step patterns, over a rule's label).

Built once: the transition relation, every guard and every range condition are encoded over
one pair of *template* states (`cur`, `nxt`) when the encoding is made; each step of an
unrolling instantiates them by substitution (`z3.substitute`), so nothing is rebuilt from the
model per step.

The encoding means exactly `checker.core.semantics`: a rule instance fires when its guard holds and
every updated value lies in its slot's declared domain (an update that leaves it is a range
error, reported separately, and no step of the state graph); all updates are simultaneous and
every slot not updated keeps its value (frame condition).

Why one module of some 500 lines: it is one class, and every part of the encoding (sorts,
values, guards, steps, expressions) shares its sorts, its template state and the terms built
over that state once.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from typing import Any, assert_never

import z3
from z3.z3 import _to_expr_ref

from checker.core.semantics import fold
from dsl.model import (
    Binary,
    BoolType,
    EnumType,
    Expr,
    In,
    IntType,
    Ite,
    Lit,
    MapRef,
    Model,
    Neg,
    Not,
    RuleInstance,
    SlotRef,
    StepAttr,
    Type,
    Value,
)
from dsl.operators import STRICT_OPERATORS

StateVars = tuple[z3.ExprRef, ...]
Label = dict[str, str | None]  # a step's rule, actor and kind


class _Enum:
    """One Z3 enumeration sort for one declared enum (or set): its constants by value."""

    def __init__(
        self, ctx: z3.Context, name: str, values: tuple[str, ...], taken: set[str]
    ) -> None:
        names = []
        for v in values:
            n = v if v not in taken else f"{v}!{name}"
            taken.add(n)
            names.append(n)
        self.sort, consts = z3.EnumSort(name, names, ctx=ctx)
        self.const: dict[str, z3.ExprRef] = dict(zip(values, consts, strict=True))
        self.value: dict[str, str] = {str(c): v for v, c in self.const.items()}
        self.by_id: dict[int, str] = {c.get_id(): v for v, c in self.const.items()}


def assert_all(solver: z3.Solver, *terms: z3.BoolRef) -> None:
    """`solver.add(*terms)` for terms that are Boolean already, by one C call each (the
    wrapper casts every term to Bool in Python first)."""
    ref = solver.ctx.ref()
    for t in terms:
        z3.Z3_solver_assert(ref, solver.solver, t.as_ast())


class Encoding:
    """One model's Z3 vocabulary; each instance owns a fresh Z3 context."""

    def __init__(self, model: Model) -> None:
        self.model = model
        self.ctx = z3.Context()
        self.true = z3.BoolVal(True, self.ctx)
        self.false = z3.BoolVal(False, self.ctx)
        self._enums: dict[tuple[str, tuple[str, ...]], _Enum] = {}
        self._by_sort: dict[str, _Enum] = {}
        self._by_sort_id: dict[int, _Enum] = {}  # the same, by the sort's id (no printing)
        taken: set[str] = set()
        for name, values in model.sets:
            self._enum(EnumType(name, values), taken)
        self.slot_enum: tuple[_Enum | None, ...] = tuple(
            self._enum(s.type, taken) if isinstance(s.type, EnumType) else None for s in model.slots
        )
        self.labels: tuple[Label, ...] = tuple(
            {"rule": r.rule, "actor": r.actor, "kind": r.kind} for r in model.rules
        )
        self._residuals: dict[tuple[int, Expr], Expr] = {}
        self._bool = z3.BoolSort(self.ctx)
        # the constants' Python class and sort, per slot, for `state`
        self._makers: tuple[tuple[str, type[z3.ExprRef], z3.SortRef], ...] = tuple(
            (slot.name, *self._maker(slot.type, e))
            for slot, e in zip(model.slots, self.slot_enum, strict=True)
        )
        # expressions built over `cur` (by node identity, the node kept alive with its term):
        # guards, properties and dead ends share their parts, built once
        self._over_cur: dict[int, tuple[Expr, z3.ExprRef]] = {}
        # the templates every step is instantiated from
        self._substitutions: dict[tuple[int, int, int], tuple[Any, ...]] = {}
        self.cur = self.state("cur")
        self.nxt = self.state("nxt")
        self.lab = self.label("cur")
        self._guards = tuple(self._build(r.guard, self.cur) for r in model.rules)
        self._ranges = tuple(self._in_range(r, self.cur) for r in model.rules)
        self._updates = tuple(self._new_state(r, self.cur) for r in model.rules)
        self._transition = self._build_transition()
        self._typed = self._well_typed(self.cur)

    def _enum(self, t: EnumType, taken: set[str]) -> _Enum:
        key = (t.name, t.values)
        found = self._enums.get(key)
        if found is None:
            name = t.name if t.name not in self._by_sort else f"{t.name}!{len(self._enums)}"
            found = _Enum(self.ctx, name, t.values, taken)
            self._enums[key] = found
            self._by_sort[name] = found
            self._by_sort_id[z3.Z3_get_sort_id(self.ctx.ref(), found.sort.ast)] = found
        return found

    def _keys_enum(self, keys: tuple[str, ...]) -> _Enum:
        """The enumeration sort of a map's index set (the set's, or one made for it)."""
        for e in self._enums.values():
            if tuple(e.const) == keys:
                return e
        taken = {str(c) for e in self._enums.values() for c in e.const.values()}
        return self._enum(EnumType(f"keys!{len(self._enums)}", keys), taken)

    # ------------------------------------------------------------------ names and values

    def value(self, v: Value | None, sort: z3.SortRef | None = None) -> z3.ExprRef:
        """A literal as a Z3 term; a name needs the enumeration sort it belongs to (`sort`),
        found from its value alone when only one enum declares it."""
        if isinstance(v, bool):
            return z3.BoolVal(v, self.ctx)
        if isinstance(v, int):
            return z3.IntVal(v, self.ctx)
        if sort is not None:
            e = self._by_sort.get(sort.name())
            if e is not None and isinstance(v, str) and v in e.const:
                return e.const[v]
            raise ValueError(f"'{v}' is not a value of {sort}")
        owners = [e for e in self._enums.values() if v in e.const]
        if len(owners) != 1:
            raise ValueError(f"cannot tell which enumeration '{v}' belongs to")
        return owners[0].const[v]  # type: ignore[index]

    def slot_value(self, i: int, v: Value) -> z3.ExprRef:
        """`v` as a value of slot `i`."""
        e = self.slot_enum[i]
        return e.const[v] if e is not None else self.value(v)  # type: ignore[index]

    def name_of(self, term: z3.ExprRef) -> Value:
        """The model value of an enumeration constant."""
        e = self._by_sort[term.sort().name()]
        found = e.by_id.get(term.get_id())  # no printing: terms are shared within a context
        return found if found is not None else e.value[str(term)]

    def enum_of_sort(self, sort: z3.SortRef) -> dict[str, z3.ExprRef] | None:
        e = self._by_sort.get(sort.name())
        return None if e is None else e.const

    # ------------------------------------------------------------------ states

    def _maker(self, t: Type, e: _Enum | None) -> tuple[type[z3.ExprRef], z3.SortRef]:
        if isinstance(t, BoolType):
            return z3.BoolRef, self._bool
        if e is not None:
            return z3.DatatypeRef, e.sort
        return z3.ArithRef, z3.IntSort(self.ctx)

    def state(self, tag: str) -> StateVars:
        """Fresh constants for one state; `tag` keeps names unique within a solver. Made by
        direct C calls (`z3.Bool` and the like rebuild the sort for every constant)."""
        ctx, ref = self.ctx, self.ctx.ref()
        return tuple(
            cls(z3.Z3_mk_const(ref, z3.Z3_mk_string_symbol(ref, f"{name}@{tag}"), sort.ast), ctx)
            for name, cls, sort in self._makers
        )

    def boolean(self, name: str) -> z3.BoolRef:
        """The Boolean constant `name`, by direct C calls (`z3.Bool` makes the sort anew)."""
        ref = self.ctx.ref()
        const = z3.Z3_mk_const(ref, z3.Z3_mk_string_symbol(ref, name), self._bool.ast)
        return z3.BoolRef(const, self.ctx)

    def solver(self) -> z3.Solver:
        """A solver for the engine's ground queries (runs, steps, candidates), tuned for them:
        no relevancy filtering (every part of a step's formula matters) and the simplex
        arithmetic solver, measured faster on the small linear constraints of these models
        (`benchmarks/symbolic.py`: about a third less time on the PRC cases). Spacer's Horn
        solver and the independent re-check of invariants keep Z3's defaults."""
        solver = z3.Solver(ctx=self.ctx)
        solver.set("smt.relevancy", 0)
        solver.set("smt.arith.solver", 2)
        return solver

    def label(self, tag: str) -> z3.ArithRef:
        return z3.Int(f"step@{tag}", self.ctx)

    def at(
        self,
        formula: z3.ExprRef,
        s: StateVars,
        t: StateVars | None = None,
        label: z3.ArithRef | None = None,
    ) -> z3.ExprRef:
        """A template formula (over `cur`, `nxt`, `lab`) instantiated at `s`, `t`, `label`."""
        # keyed by the identity of the state tuples, which the cache keeps alive (so an id is
        # never reused for another tuple while its entry exists)
        key = (id(s), id(t), id(label))
        arrays = self._substitutions.get(key)
        if arrays is not None and (
            arrays[3] is not s or arrays[4] is not t or arrays[5] is not label
        ):
            arrays = None
        if arrays is None:
            src = list(self.cur) + (list(self.nxt) if t is not None else [])
            dst = list(s) + (list(t) if t is not None else [])
            if label is not None:
                src.append(self.lab)
                dst.append(label)
            n = len(src)
            arrays = (
                n,
                (z3.Ast * n)(*(x.as_ast() for x in src)),
                (z3.Ast * n)(*(x.as_ast() for x in dst)),
                s,
                t,
                label,
                dst,
            )
            self._substitutions[key] = arrays
        n, a, b = arrays[0], arrays[1], arrays[2]
        # one C call: `z3.substitute` re-checks every pair's sorts in Python on every call
        return _to_expr_ref(z3.Z3_substitute(self.ctx.ref(), formula.as_ast(), n, a, b), self.ctx)

    def substitute(
        self, formula: z3.ExprRef, src: Sequence[z3.ExprRef], dst: Sequence[z3.ExprRef]
    ) -> z3.ExprRef:
        """`formula` with each of `src` replaced by its partner in `dst`, by one C call."""
        n = len(src)
        a = (z3.Ast * n)(*(x.as_ast() for x in src))
        b = (z3.Ast * n)(*(x.as_ast() for x in dst))
        return _to_expr_ref(z3.Z3_substitute(self.ctx.ref(), formula.as_ast(), n, a, b), self.ctx)

    def in_domain(self, t: Type, x: z3.ExprRef) -> z3.BoolRef:
        """`x` is a value of type `t` (an enumeration sort holds only its values)."""
        match t:
            case BoolType() | EnumType():
                return self.true
            case IntType(lo=lo, hi=hi):
                parts = []
                if lo is not None:
                    parts.append(x >= lo)
                if hi is not None:
                    parts.append(x <= hi)
                return self.all(parts)
        assert_never(t)

    def _well_typed(self, s: StateVars) -> z3.BoolRef:
        return self.all(
            [self.in_domain(slot.type, x) for slot, x in zip(self.model.slots, s, strict=True)]
        )

    def well_typed(self, s: StateVars) -> z3.BoolRef:
        """Every slot of `s` holds a value of its declared type."""
        return self.at(self._typed, s)

    def init(self, s: StateVars) -> z3.BoolRef:
        parts = []
        for i, (values, x) in enumerate(zip(self.model.initial, s, strict=True)):
            if values is not None:
                parts.append(self.any([x == self.slot_value(i, v) for v in values]))
        return self.all(parts)

    def distinct(self, a: StateVars, b: StateVars) -> z3.BoolRef:
        return self.any([x != y for x, y in zip(a, b, strict=True)])

    # ------------------------------------------------------------------ steps

    def _new_state(self, rule: RuleInstance, s: StateVars) -> StateVars:
        new = list(s)
        for u in rule.updates:
            new[u.slot] = self._build(u.value, s, sort=s[u.slot].sort())
        return tuple(new)

    def _in_range(self, rule: RuleInstance, s: StateVars) -> z3.BoolRef:
        slots = self.model.slots
        return self.all(
            [  # an enumeration sort holds only its values: only ranges can be left
                self.in_domain(slots[u.slot].type, self._build(u.value, s))
                for u in rule.updates
                if isinstance(slots[u.slot].type, IntType)
            ]
        )

    def guard(self, k: int, s: StateVars) -> z3.BoolRef:
        """The guard of rule instance `k` in `s`."""
        return self.at(self._guards[k], s)

    def successor(self, k: int, s: StateVars) -> StateVars:
        """The state rule instance `k` yields from `s` (range not checked)."""
        return tuple(self.at(x, s) for x in self._updates[k])

    def in_range(self, rule: RuleInstance, s: StateVars) -> z3.BoolRef:
        """Every value `rule` assigns in `s` lies in its slot's domain."""
        return self.at(self._ranges[self._index(rule)], s)

    def can_fire(self, rule: RuleInstance, s: StateVars) -> z3.BoolRef:
        """`rule` has a successor in `s`: its guard holds and its updates stay in range."""
        k = self._index(rule)
        return self.all([self.guard(k, s), self.at(self._ranges[k], s)])

    def _index(self, rule: RuleInstance) -> int:
        for k, r in enumerate(self.model.rules):
            if r is rule:
                return k
        return self.model.rules.index(rule)

    def _build_transition(self) -> z3.BoolRef:
        rules, s, t, label = self.model.rules, self.cur, self.nxt, self.lab
        if not rules:
            return self.false
        guard = self._guards[-1]
        for k in range(len(rules) - 2, -1, -1):
            guard = z3.If(label == k, self._guards[k], guard)
        parts = [label >= 0, label < len(rules), guard]
        for i, (old, new) in enumerate(zip(s, t, strict=True)):
            value = old
            for k in range(len(rules) - 1, -1, -1):
                if any(u.slot == i for u in rules[k].updates):
                    value = z3.If(label == k, self._updates[k][i], value)
            parts.append(new == value)
        return self.all(parts)

    def transition(self, s: StateVars, label: z3.ArithRef, t: StateVars) -> z3.BoolRef:
        """Rule instance number `label` fires from `s` to `t`.

        Functional form: the guard of the chosen instance holds, and each slot of `t` is an
        if-chain over the instances that update it, ending in the slot's old value (frame).
        Encoded once over the templates; instantiated here by substitution."""
        return self.at(self._transition, s, t, label)

    def residual(self, where: Expr, k: int) -> Expr:
        """A step pattern's condition for steps of rule instance `k`: a pre-state predicate."""
        key = (k, where)
        found = self._residuals.get(key)
        if found is None:
            found = fold(where, self.labels[k])
            self._residuals[key] = found
        return found

    def step_matches(self, where: Expr, s: StateVars) -> Iterator[tuple[int, z3.BoolRef]]:
        """For each rule instance that can match `where`: (index, its step matches from `s`)."""
        for k, rule in enumerate(self.model.rules):
            rest = self.residual(where, k)
            if isinstance(rest, Lit) and not rest.value:
                continue
            yield k, self.all([self.can_fire(rule, s), self.expr(rest, s)])

    def some_step_matches(self, where: Expr, s: StateVars) -> z3.BoolRef:
        """Some step matching `where` can be taken from `s`."""
        return self.any([m for _, m in self.step_matches(where, s)])

    def label_matches(self, where: Expr, s: StateVars, label: z3.ArithRef) -> z3.BoolRef:
        """The step numbered `label` taken from `s` matches `where`."""
        parts = []
        for k in range(len(self.model.rules)):
            rest = self.residual(where, k)
            if isinstance(rest, Lit) and not rest.value:
                continue
            parts.append(z3.And(label == k, self.expr(rest, s)))
        return self.any(parts)

    # ------------------------------------------------------------------ expressions

    def expr(
        self,
        e: Expr,
        s: Sequence[z3.ExprRef],
        label: Label | None = None,
        sort: z3.SortRef | None = None,
    ) -> z3.ExprRef:
        """`e` over the state `s` (and the step `label`, inside a step pattern); `sort`: the
        enumeration sort a bare name must take (a value assigned to an enum slot)."""
        return self._build(e, s, label, sort)

    def _build(
        self,
        e: Expr,
        s: Sequence[z3.ExprRef],
        label: Label | None = None,
        sort: z3.SortRef | None = None,
    ) -> z3.ExprRef:
        """`sort`: the enumeration sort a name literal must take (from its context)."""
        if s is self.cur and label is None and sort is None:
            found = self._over_cur.get(id(e))
            if found is not None and found[0] is e:
                return found[1]
            out = self._make(e, s, label, sort)
            self._over_cur[id(e)] = (e, out)
            return out
        return self._make(e, s, label, sort)

    def _make(
        self,
        e: Expr,
        s: Sequence[z3.ExprRef],
        label: Label | None = None,
        sort: z3.SortRef | None = None,
    ) -> z3.ExprRef:
        build = self._build
        match e:
            case Lit(value=v):
                return self.value(v, sort if isinstance(v, str) else None)
            case SlotRef(slot=i):
                return s[i]
            case MapRef(first=first, keys=keys, key=key):
                if isinstance(key, Lit):
                    return s[first + keys.index(key.value)]
                k = build(key, s, label, self._keys_enum(keys).sort)
                consts = self._consts_of(k)
                out = s[first + len(keys) - 1]
                for n in range(len(keys) - 2, -1, -1):
                    c = consts[keys[n]] if consts is not None else self.value(keys[n])
                    out = z3.If(k == c, s[first + n], out)
                return out
            case Not(operand=o):
                x = build(o, s, label)
                return z3.BoolRef(z3.Z3_mk_not(self.ctx.ref(), x.as_ast()), self.ctx)
            case Neg(operand=o):
                return -build(o, s, label)
            case In(operand=o, values=values):
                x = build(o, s, label)
                consts = self._consts_of(x)
                if consts is not None:  # a name the enum lacks is never its value
                    return self.any([x == consts[v] for v in values if v in consts])
                return self.any([x == self.value(v) for v in values])
            case Ite(cond=c, then=t, other=o):
                a = build(t, s, label, sort)
                b = build(o, s, label, sort if sort is not None else self._enum_sort(a))
                if isinstance(t, Lit) and isinstance(t.value, str) and sort is None:
                    a = build(t, s, label, self._enum_sort(b))
                return z3.If(build(c, s, label), a, b)
            case StepAttr(field=f):
                if label is None:
                    raise ValueError("step attribute encoded outside a step pattern")
                return self.value(label[f])
            case Binary(op=op, left=left, right=right):
                if op in ("==", "!=") and isinstance(left, Lit) and isinstance(right, Lit):
                    return z3.BoolVal((left.value == right.value) == (op == "=="), self.ctx)
                if isinstance(left, Lit) and isinstance(left.value, str):
                    left, right = right, left  # `==` and `!=` are the only operators on names
                a = build(left, s, label)
                ea = self._enum_of(a)
                if ea is not None and isinstance(right, Lit) and right.value not in ea.const:
                    return z3.BoolVal(op == "!=", self.ctx)  # never its value
                return self._binary(op, a, build(right, s, label, None if ea is None else ea.sort))
            case _:
                assert_never(e)

    def _enum_of(self, x: z3.ExprRef) -> _Enum | None:
        """The enumeration `x` takes its values from, if any: found by the sort's id, by two
        C calls (`x.sort()` makes a Python object, `name()` prints it)."""
        ref = self.ctx.ref()
        return self._by_sort_id.get(z3.Z3_get_sort_id(ref, z3.Z3_get_sort(ref, x.as_ast())))

    def _consts_of(self, x: z3.ExprRef) -> dict[str, z3.ExprRef] | None:
        e = self._enum_of(x)
        return None if e is None else e.const

    def _enum_sort(self, x: z3.ExprRef) -> z3.SortRef | None:
        e = self._enum_of(x)
        return None if e is None else e.sort

    def _binary(self, op: str, a: z3.ExprRef, b: z3.ExprRef) -> z3.ExprRef:
        match op:
            case "and":
                return self._nary(z3.Z3_mk_and, [a, b])
            case "or":
                return self._nary(z3.Z3_mk_or, [a, b])
            case "implies":
                ref = self.ctx.ref()
                return z3.BoolRef(z3.Z3_mk_implies(ref, a.as_ast(), b.as_ast()), self.ctx)
            case _ if op in STRICT_OPERATORS:
                return STRICT_OPERATORS[op](a, b)
        raise ValueError(f"unknown operator {op}")

    def all(self, parts: Sequence[z3.BoolRef]) -> z3.BoolRef:
        true = self.true.ast.value  # terms are shared: `true` is one node, known by address
        parts = [p for p in parts if p.ast.value != true]
        if not parts:
            return self.true
        return parts[0] if len(parts) == 1 else self._nary(z3.Z3_mk_and, parts)

    def any(self, parts: Sequence[z3.BoolRef]) -> z3.BoolRef:
        false = self.false.ast.value
        parts = [p for p in parts if p.ast.value != false]
        if not parts:
            return self.false
        return parts[0] if len(parts) == 1 else self._nary(z3.Z3_mk_or, parts)

    def _nary(self, make: Any, parts: Sequence[z3.BoolRef]) -> z3.BoolRef:
        """`z3.And` or `z3.Or` of Boolean terms by one C call (the wrappers cast each part)."""
        arr = (z3.Ast * len(parts))(*(p.as_ast() for p in parts))
        return z3.BoolRef(make(self.ctx.ref(), len(parts), arr), self.ctx)
