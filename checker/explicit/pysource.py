"""Lowered expressions as Python source text, with shared subexpressions hoisted.

Input: `dsl.model` expressions. Output: Python expression strings over the locals `s0, s1, ...`
(the unpacked state) plus a namespace of constants they mention (`In` sets, map-key tables).
`checker.explicit.compile` assembles these strings into functions; nothing here runs per state.

Hoisting (common subexpression elimination) only moves a subexpression that the code would
evaluate anyway (an *eager* occurrence: not behind `and`/`or`/`implies` or an `Ite` branch),
so the generated code never evaluates anything the reference semantics would skip.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from typing import assert_never

from checker.core.semantics import fold
from dsl.model import (
    Binary,
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

_PY_OPS = {"==", "!=", "<", "<=", ">", ">=", "+", "-", "*"}
_SHORT_CIRCUIT = {"and", "or", "implies"}


class PySource:
    """Builds Python source for expressions; one instance per generated module."""

    def __init__(self) -> None:
        self.namespace: dict[str, object] = {}
        self._const_names: dict[tuple[str, object], str] = {}
        self._keys: dict[int, str] = {}  # id(node) -> source without temporaries
        self._nodes: list[Expr] = []  # keeps memoised nodes alive so their ids stay unique

    def const(self, kind: str, value: object) -> str:
        """A name in the generated module's globals bound to `value` (a set or a key table)."""
        key = (kind, value if kind == "set" else tuple(sorted(value.items())))  # type: ignore[attr-defined]
        name = self._const_names.get(key)
        if name is None:
            name = f"_{kind}{len(self._const_names)}"
            self._const_names[key] = name
            self.namespace[name] = frozenset(value) if kind == "set" else value  # type: ignore[arg-type]
        return name

    def key(self, e: Expr) -> str:
        """The source of `e` with nothing hoisted: also its identity for hoisting (it tells
        `1` from `True`, which compare equal as `Lit` values)."""
        k = self._keys.get(id(e))
        if k is None:
            k = self.code(e, {})
            self._keys[id(e)] = k
            self._nodes.append(e)
        return k

    def code(self, e: Expr, temps: dict[str, str]) -> str:
        """Python source for `e`; subexpressions whose key is in `temps` become that local."""
        if temps and not _is_leaf(e):
            name = temps.get(self.key(e))
            if name is not None:
                return name
        match e:
            case Lit(value=v):
                return repr(v)
            case SlotRef(slot=i):
                return f"s{i}"
            case MapRef(first=first, keys=keys, key=key):
                if isinstance(key, Lit) and key.value in keys:
                    return f"s{first + keys.index(key.value)}"
                table = self.const("map", {k: first + n for n, k in enumerate(keys)})
                return f"s[{table}[{self.code(key, temps)}]]"
            case Not(operand=o):
                return f"(not {self.code(o, temps)})"
            case Neg(operand=o):
                return f"(-{self.code(o, temps)})"
            case In(operand=o, values=values):
                return f"({self.code(o, temps)} in {self.const('set', values)})"
            case Ite(cond=c, then=t, other=o):
                return (
                    f"({self.code(t, temps)} if {self.code(c, temps)} else {self.code(o, temps)})"
                )
            case Binary(op=op, left=left, right=right):
                a, b = self.code(left, temps), self.code(right, temps)
                if op == "implies":
                    return f"((not {a}) or {b})"
                if op in ("and", "or") or op in _PY_OPS:
                    return f"({a} {op} {b})"
                raise ValueError(f"unknown operator {op}")
            case StepAttr(field=f):
                raise ValueError(f"step attribute '{f}' outside a step pattern")
            case _:
                assert_never(e)

    def hoist(
        self, roots: Iterable[Expr], eager_roots: Iterable[Expr], taken: dict[str, str], prefix: str
    ) -> tuple[list[str], dict[str, str]]:
        """Assignments for subexpressions that occur twice or more in `roots` and eagerly in
        `eager_roots`; returns the assignment lines (children first) and the extended temps."""
        counts: dict[str, int] = {}
        for root in roots:
            for node, _ in _walk(root, True):
                if not _is_leaf(node):
                    k = self.key(node)
                    counts[k] = counts.get(k, 0) + 1
        temps = dict(taken)
        lines: list[str] = []
        for root in eager_roots:
            for node in _eager_postorder(root):
                k = self.key(node)
                if _is_leaf(node) or k in temps or counts.get(k, 0) < 2:
                    continue
                name = f"{prefix}{len(temps)}"
                lines.append(f"{name} = {self.code(node, temps)}")
                temps[k] = name
        return lines, temps


def _is_leaf(e: Expr) -> bool:
    return isinstance(e, Lit | SlotRef) or (isinstance(e, MapRef) and isinstance(e.key, Lit))


def _children(e: Expr) -> Iterator[tuple[Expr, bool]]:
    """The direct subexpressions of `e`, each with whether it is evaluated whenever `e` is."""
    match e:
        case Lit() | SlotRef() | StepAttr():
            return
        case MapRef(key=k):
            yield k, True
        case Not(operand=o) | Neg(operand=o) | In(operand=o):
            yield o, True
        case Ite(cond=c, then=t, other=o):
            yield c, True
            yield t, False
            yield o, False
        case Binary(op=op, left=left, right=right):
            yield left, True
            yield right, op not in _SHORT_CIRCUIT
        case _:
            assert_never(e)


def _walk(e: Expr, eager: bool) -> Iterator[tuple[Expr, bool]]:
    yield e, eager
    for child, child_eager in _children(e):
        yield from _walk(child, eager and child_eager)


def _eager_postorder(e: Expr) -> Iterator[Expr]:
    for child, child_eager in _children(e):
        if child_eager:
            yield from _eager_postorder(child)
    yield e


# --------------------------------------------------------------------------- range checks


def provably_within(model: Model, e: Expr, t: Type) -> bool:
    """True when every value `e` can take lies in `t`, so the update needs no run-time check."""
    match e:
        case Lit(value=v):
            return _value_within(v, t)
        case SlotRef(slot=i):
            return _type_within(model.slots[i].type, t)
        case MapRef(first=first, keys=keys):
            return all(_type_within(model.slots[first + n].type, t) for n in range(len(keys)))
        case Ite(then=a, other=b):
            return provably_within(model, a, t) and provably_within(model, b, t)
    return not isinstance(t, IntType | EnumType)


def _value_within(v: Value, t: Type) -> bool:
    if isinstance(t, IntType):
        return isinstance(v, int) and t.contains(v)
    if isinstance(t, EnumType):
        return v in t.values
    return True


def _type_within(inner: Type, outer: Type) -> bool:
    if inner == outer:
        return True
    if isinstance(inner, IntType) and isinstance(outer, IntType) and inner.bounded:
        return _value_within(inner.lo, outer) and _value_within(inner.hi, outer)  # type: ignore[arg-type]
    return False


def range_check(py: PySource, value: str, t: Type) -> str | None:
    """Source testing that the local `value` lies in `t` (None when nothing to test)."""
    if isinstance(t, IntType):
        return f"{t.lo} <= {value} <= {t.hi}"
    if isinstance(t, EnumType):
        return f"{value} in {py.const('set', t.values)}"
    return None


# --------------------------------------------------------------------------- step patterns


def residual(where: Expr, rule: RuleInstance) -> Expr:
    """The pattern `where` for steps of `rule`: step attributes replaced by the rule's own
    values and constants folded, leaving a predicate on the pre-state (or a `Lit`)."""
    label: dict[str, Value | None] = {"rule": rule.rule, "actor": rule.actor, "kind": rule.kind}
    return fold(where, label)
