"""The model as Promela, so that SPIN can count the same states and judge the same invariants.

Input: a finite checked `Model`. Output: a `PromelaModel` (the text and what each tagged
assertion stands for); raises `NotExportable` when the model has no faithful Promela form.

One process, one `do` loop; every rule instance is one `d_step` (a guarded atomic step, so the
loop head is the only control location a model state is stored at). A rule whose update would
leave a declared range is not taken (revcheck reports it as a range error and does not add the
state), so its guard carries the range condition and a separate step asserts the violation.
Deadline clocks (`duty within N days`) are variables beside the model's, and a day passing is
a step, exactly as in `checker.core.semantics`. Updates are simultaneous: values are computed
into `hidden` temporaries first (hidden variables are not part of SPIN's state vector).

Each `assert` starts with a tag `_nr_pr == N` (always false: there is one process), so pan's
message "assertion violated ((_nr_pr==N)||...)" names what was violated (`TAG_*`).

Why one module of some 400 lines: it writes one Promela file, and its parts (variables, the
step process, the clock, the asserts) share one naming of variables and one set of tags.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import assert_never

from checker.core.semantics import deadline_rules, fold, is_timed, step_label
from dsl.model import (
    AfterPossible,
    Binary,
    BoolType,
    EnumType,
    Eventually,
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
    NeverStep,
    Not,
    Property,
    Reachable,
    RequiresEarlier,
    RuleInstance,
    SlotRef,
    StepAttr,
    Type,
    Value,
)

TAG_DEAD_END = 999  # a reachable non-final state where no rule is enabled
TAG_INVARIANT = 1000  # + the invariant's index in `PromelaModel.invariants`
TAG_REACHABLE = 3000  # + the index in `PromelaModel.reachable`: violated = reachable
TAG_NEVER_STEP = 5000  # + the index in `PromelaModel.never_steps`: violated = such a step
TAG_RANGE = 100_000  # + the rule instance's index in `model.rules`
INT32 = 2**31 - 1

# How to run it (the test and the benchmark use exactly this): -o2 keeps SPIN from resetting
# variables it thinks dead (that would merge states revcheck keeps apart), -o3 keeps
# statements unmerged; -DNOREDUCE turns partial-order reduction off.
SPIN_COMMAND = "spin -o2 -o3 -a MODEL.pml"
CC_COMMAND = "gcc -O2 -DNOREDUCE -DSAFETY -DMEMLIM=4096 -o pan pan.c"
PAN_COMMAND = "./pan -c0 -n -m10000000"

_BINARY = {
    "and": "&&",
    "or": "||",
    "==": "==",
    "!=": "!=",
    "<": "<",
    "<=": "<=",
    ">": ">",
    ">=": ">=",
    "+": "+",
    "-": "-",
    "*": "*",
}


class NotExportable(Exception):
    """The model has no faithful Promela form (an unbounded integer, a value beyond 32 bits)."""


@dataclass(frozen=True, slots=True)
class PromelaModel:
    text: str
    invariants: tuple[str, ...]  # property names, in tag order (TAG_INVARIANT + index)
    reachable: tuple[str, ...]  # `reachable P`: `assert(!P)` is violated iff P is reachable
    never_steps: tuple[str, ...]  # `never S`: asserted in each step S can match
    omitted: tuple[tuple[str, str], ...]  # (property, why it is not exported)
    rules: tuple[str, ...]  # rule instance names, in tag order (TAG_RANGE + index)

    @staticmethod
    def spin_states(revcheck_states: int) -> int:
        """SPIN stores one state more than revcheck: the process before it has chosen the
        initial values (its control location differs from every model state's)."""
        return revcheck_states + 1


def omission(form: object) -> str:
    """Why a property form is not exported (empty: it is)."""
    match form:
        case Invariant():
            return ""
        case Reachable() | NeverStep():
            return ""
        case RequiresEarlier() | AfterPossible():
            return (
                "a property of a run's steps (precedence, a remedy still possible) is not "
                "exported; `never` of a step and state properties are"
            )
        case Eventually() | LeadsTo():
            return (
                "liveness with duties as weak fairness (and `within N days`) has no "
                "counterpart here; not exported, not compared"
            )
    return "not exported"


class _Writer:
    """Turns the model's expressions into Promela; values of enums become numbers."""

    def __init__(self, model: Model) -> None:
        self.model = model
        self.codes: dict[str, int] = {}
        for slot in model.slots:
            if isinstance(slot.type, EnumType):
                for v in slot.type.values:
                    self.codes.setdefault(v, len(self.codes))
        self.names = [_ident("v", i, s.name) for i, s in enumerate(model.slots)]

    def value(self, v: Value, comment: bool = True) -> str:
        if isinstance(v, bool):
            return "true" if v else "false"
        if isinstance(v, int):
            if abs(v) > INT32:
                raise NotExportable(f"the value {v} does not fit Promela's 32-bit int")
            return str(v) if v >= 0 else f"({v})"
        code = self.codes.setdefault(v, len(self.codes))
        return f"{code}{_comment(v)}" if comment else str(code)

    def expr(self, e: Expr) -> str:
        match e:
            case Lit(value=v):
                return self.value(v)
            case SlotRef(slot=i):
                return self.names[i]
            case MapRef(first=first, keys=keys, key=key):
                k = self.expr(key)
                out = self.names[first + len(keys) - 1]
                for j in range(len(keys) - 2, -1, -1):
                    out = f"({k} == {self.value(keys[j])} -> {self.names[first + j]} : {out})"
                return out
            case Not(operand=o):
                return f"!({self.expr(o)})"
            case Neg(operand=o):
                return f"(-({self.expr(o)}))"
            case In(operand=o, values=values):
                if not values:
                    return "false"
                x = self.expr(o)
                return "(" + " || ".join(f"{x} == {self.value(v)}" for v in values) + ")"
            case Ite(cond=c, then=t, other=o):
                return f"({self.expr(c)} -> {self.expr(t)} : {self.expr(o)})"
            case Binary(op=op, left=left, right=right):
                a, b = self.expr(left), self.expr(right)
                if op == "implies":
                    return f"(!({a}) || {b})"
                return f"({a} {_BINARY[op]} {b})"
            case StepAttr():
                raise NotExportable("a step attribute outside a step pattern")
            case _:
                assert_never(e)

    def in_type(self, e: Expr, t: Type) -> str | None:
        """The condition that `e` lies in `t` (None: always)."""
        if isinstance(t, BoolType):
            return None
        if isinstance(t, IntType):
            if isinstance(e, Lit) and t.contains(e.value):  # type: ignore[arg-type]
                return None
            x = self.expr(e)
            return f"({t.lo} <= {x} && {x} <= {t.hi})"
        if isinstance(e, Lit) and e.value in t.values:
            return None
        if isinstance(e, SlotRef) and self.model.slots[e.slot].type == t:
            return None
        return self.expr(In(e, t.values))


def _comment(v: str) -> str:
    text = v.replace("*/", "* /")
    return f" /* {text} */"


def _ident(prefix: str, i: int, name: str) -> str:
    ascii_part = re.sub(r"[^A-Za-z0-9_]+", "_", name).strip("_")[:40]
    return f"{prefix}{i}_{ascii_part}" if ascii_part else f"{prefix}{i}"


def _ptype(t: Type, codes: int) -> str:
    """The smallest Promela type for `t`; `codes` is the number of enum codes (all enums)."""
    if isinstance(t, BoolType):
        return "bit"
    if isinstance(t, EnumType):
        return "byte" if codes <= 256 else "short"
    lo, hi = t.lo, t.hi
    if lo is None or hi is None:
        raise NotExportable("an unbounded `int` has no finite Promela counterpart")
    if 0 <= lo and hi <= 255:
        return "byte"
    if -(2**15) <= lo and hi < 2**15:
        return "short"
    if -INT32 <= lo and hi <= INT32:
        return "int"
    raise NotExportable(f"the range {lo}..{hi} does not fit Promela's 32-bit int")


def _cmt(text: str) -> str:
    return text.replace("*/", "* /").replace("\n", " ")


def to_promela(model: Model) -> PromelaModel:
    """The Promela text of a finite model (see the module docstring for its shape)."""
    if not model.finite:
        raise NotExportable(
            "the model has an unbounded `int` or an `any` initial value; SPIN needs a finite model"
        )
    w = _Writer(model)
    live = [p for p in model.properties if not p.missing]
    invariants = tuple(p for p in live if isinstance(p.form, Invariant))
    reachable = tuple(p for p in live if isinstance(p.form, Reachable))
    never_steps = tuple(p for p in live if isinstance(p.form, NeverStep))
    exported = {p.name for p in (*invariants, *reachable, *never_steps)}
    omitted = tuple(
        (p.name, p.missing and "not applicable: " + p.missing or omission(p.form))
        for p in model.properties
        if p.name not in exported
    )
    clocks = deadline_rules(model)
    clock_names = [_ident("c", i, r.name) for i, r in enumerate(clocks)]
    width = max((len(r.updates) for r in model.rules), default=0)
    temps = [f"t{i}" for i in range(width)] if width > 1 else []

    body: list[str] = []
    asserts = [
        f"/* {_cmt(p.name)} */ assert(_nr_pr == {TAG_INVARIANT + k} || {w.expr(p.form.predicate)});"  # type: ignore[union-attr]
        for k, p in enumerate(invariants)
    ] + [
        f"/* {_cmt(p.name)}: reachable? */ assert(_nr_pr == {TAG_REACHABLE + k} || "
        f"!({w.expr(p.form.predicate)}));"  # type: ignore[union-attr]
        for k, p in enumerate(reachable)
    ]
    check = ["CHECK_INVARIANTS"] if asserts else []
    body.append("  atomic { /* the initial states */")
    for i, values in enumerate(model.initial):
        distinct = list(dict.fromkeys(values or ()))
        if len(distinct) > 1:
            options = " ".join(f":: {w.names[i]} = {w.value(v)}" for v in distinct)
            body.append(f"    if {options} fi;")
    body += [f"    {c};" for c in check]
    body.append("    skip")
    body.append("  };")
    body.append("end:")
    body.append("  do")
    for r_index, rule in enumerate(model.rules):
        steps = [
            f"/* {_cmt(p.name)} */ assert(_nr_pr == {TAG_NEVER_STEP + k} || !({w.expr(f)}));"
            for k, p in enumerate(never_steps)
            if (f := fold(p.form.pattern.where, step_label(rule, model))) != Lit(False)  # type: ignore[union-attr]
        ]
        body += _rule_steps(w, model, rule, r_index, clocks, clock_names, temps, steps + check)
    guards = " || ".join(f"({w.expr(r.guard)})" for r in model.rules) or "false"
    final = w.expr(model.final) if model.final is not None else "false"
    body.append("  :: d_step { /* a dead end: no rule applies and the state is not final */")
    body.append(f"       !({guards}) -> assert(_nr_pr == {TAG_DEAD_END} || {final}) }}")
    if clocks:
        may = " && ".join(
            f"({c} + 1 <= {r.deadline_days} || !({w.expr(r.guard)}))"
            for r, c in zip(clocks, clock_names, strict=True)
        )
        advance = " ".join(
            f"{c} = ({w.expr(r.guard)} -> {c} + 1 : 0);"
            for r, c in zip(clocks, clock_names, strict=True)
        )
        body.append("  :: d_step { /* a day passes: only while no duty would become overdue */")
        body.append(f"       {may} -> {advance} }}")
    body.append("  od")
    body.append("}")

    decls = ["/* the state: one variable per slot (map entries apart) */"]
    for i, slot in enumerate(model.slots):
        first = (model.initial[i] or (False,))[0]
        legend = ""
        if isinstance(slot.type, EnumType):
            legend = "; " + ", ".join(f"{w.codes[v]} = {v}" for v in slot.type.values)
        decls.append(
            f"{_ptype(slot.type, len(w.codes))} {w.names[i]} = {w.value(first, comment=False)};"
            f" /* {_cmt(slot.name)} : {_cmt(str(slot.type))}{_cmt(legend)} */"
        )
    if len(w.codes) >= 2**15:
        raise NotExportable("more than 32,767 distinct enum values")
    if clocks:
        decls.append(
            "/* deadline clocks: whole days each duty has been enabled and not performed */"
        )
        for r, c in zip(clocks, clock_names, strict=True):
            decls.append(f"byte {c} = 0; /* {_cmt(r.name)}: within {r.deadline_days} days */")
    if asserts:
        decls.append(
            "/* the invariants (and `reachable` as violations), checked in every state reached */"
        )
        decls.append("#define CHECK_INVARIANTS \\")
        decls += [f"  {a[: a.rindex(';')]}; \\" for a in asserts[:-1]]
        decls.append(f"  {asserts[-1][: asserts[-1].rindex(';')]}")
    if temps:
        decls.append(
            "/* simultaneous assignment: values first (hidden: not in the state vector) */"
        )
        decls.append("hidden int " + ", ".join(temps) + ";")
    text = "\n".join(
        [
            *_header(model, (*invariants, *reachable, *never_steps), omitted, clocks),
            "",
            *decls,
            "",
            "active proctype revcheck() {",
            *body,
            "",
        ]
    )
    return PromelaModel(
        text,
        tuple(p.name for p in invariants),
        tuple(p.name for p in reachable),
        tuple(p.name for p in never_steps),
        omitted,
        tuple(r.name for r in model.rules),
    )


def _rule_steps(
    w: _Writer,
    model: Model,
    rule: RuleInstance,
    r_index: int,
    clocks: tuple[RuleInstance, ...],
    clock_names: list[str],
    temps: list[str],
    check: list[str],
) -> list[str]:
    """The `d_step` of one rule instance, and the one asserting its range error if it can have
    one."""
    cites = f" (cites {', '.join(rule.citations)})" if rule.citations else ""
    guard = w.expr(rule.guard)
    ranges = [c for u in rule.updates if (c := w.in_type(u.value, model.slots[u.slot].type))]
    ok = " && ".join(ranges)
    if len(rule.updates) == 1:
        u = rule.updates[0]
        effect = [f"{w.names[u.slot]} = {w.expr(u.value)};"]
    else:
        effect = [f"{temps[k]} = {w.expr(u.value)};" for k, u in enumerate(rule.updates)]
        effect += [f"{w.names[u.slot]} = {temps[k]};" for k, u in enumerate(rule.updates)]
    for r, c in zip(clocks, clock_names, strict=True):
        if r.name == rule.name:
            effect.append(f"{c} = 0;")
        else:
            effect.append(f"{c} = ({w.expr(r.guard)} -> {c} : 0);")
    lines = [
        f"  :: d_step {{ /* {_cmt(rule.name)}{_cmt(cites)} */",
        f"       ({guard}){' && ' + ok if ok else ''} ->",
    ]
    lines += [f"       {s}" for s in [c for c in check if c.startswith("/*")] + effect]
    lines += [f"       {c};" for c in check if not c.startswith("/*")]
    lines.append("       skip }")
    if ok:
        lines.append(f"  :: d_step {{ /* {_cmt(rule.name)} would leave a declared range */")
        lines.append(
            f"       ({guard}) && !({ok}) -> assert(_nr_pr == {TAG_RANGE + r_index} || false) }}"
        )
    return lines


def _header(
    model: Model,
    exported: tuple[Property, ...],
    omitted: tuple[tuple[str, str], ...],
    clocks: tuple[RuleInstance, ...],
) -> list[str]:
    lines = [
        f"/* revcheck export --to promela: procedure {_cmt(model.name)}"
        + (f' "{_cmt(model.title)}"' if model.title else ""),
        f" * from {_cmt(model.path)}",
        " *",
        " * Exported: the state, every rule instance as a guarded atomic step, the invariants, ",
        " * `reachable` (an assert of the negation: violated = reachable) and `never` of a step",
        " * (asserted in the steps that could match) as asserts,",
        " * the dead-end check (a non-final state where no rule applies) "
        "and range errors as asserts"
        + (", the deadline clocks and the passage of days." if clocks else "."),
        " * Not exported, hence not compared with revcheck:",
    ]
    lines += [f" *   {_cmt(name)}: {_cmt(why)}" for name, why in omitted] or [" *   nothing"]
    if is_timed(model) and not clocks:
        lines.append(
            " *   the passage of days: no deadline clock, so a day passing changes no state"
        )
    lines.append(" *   duties as weak fairness (SPIN's weak fairness is per process, not per rule)")
    lines += [
        " *",
        " * Run: " + SPIN_COMMAND.replace("MODEL", "THIS") + "; " + CC_COMMAND + "; " + PAN_COMMAND,
        " * SPIN stores one state more than revcheck counts: the process before it chooses the",
        " * initial values. pan reports every violated assert; the tag `_nr_pr == N` names it:",
        f" *   {TAG_DEAD_END}: a dead end; {TAG_RANGE}+r: rule instance r leaves a range;",
    ]
    tags = {Invariant: TAG_INVARIANT, Reachable: TAG_REACHABLE, NeverStep: TAG_NEVER_STEP}
    for form, base in tags.items():
        mine = [p for p in exported if isinstance(p.form, form)]
        lines += [
            f" *   {base + k}: {_cmt(p.name)} ({type(p.form).__name__})" for k, p in enumerate(mine)
        ]
    lines.append(" */")
    return lines
