"""Lowered expressions as Python source text, with shared subexpressions hoisted.

Input: `dsl.model` expressions and the model's `Layout`. Output: Python expression strings over
the local `s`, the packed state (`checker.explicit.packing`), plus a namespace of constants they
mention (`In` sets, domains, key tables). A slot is read from its bit field where it is used; a
comparison of a slot with a literal and a slot's `in` test compare codes without decoding.
`checker.explicit.compile` assembles these strings into functions; nothing here runs per state.

Hoisting (common subexpression elimination) only moves a subexpression that the code would
evaluate anyway (an *eager* occurrence: not behind `and`/`or`/`implies` or an `Ite` branch),
so the generated code never evaluates anything the reference semantics would skip.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from typing import assert_never

from checker.core.semantics import fold
from checker.explicit.packing import Field, Layout
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
from dsl.operators import STRICT_OPERATORS

_PY_OPS = set(STRICT_OPERATORS)  # each is its own Python operator: `a op b`
_SHORT_CIRCUIT = {"and", "or", "implies"}


class PySource:
    """Builds Python source for expressions; one instance per generated module."""

    def __init__(self, layout: Layout) -> None:
        self.layout = layout
        self.namespace: dict[str, object] = {}
        self._const_names: dict[tuple[str, object], str] = {}
        self._keys: dict[int, str] = {}  # id(node) -> source without temporaries
        self._nodes: list[Expr] = []  # keeps memoised nodes alive so their ids stay unique

    def const(self, kind: str, value: dict[Value, int] | Iterable[Value]) -> str:
        """A name in the generated module's globals bound to `value`: a `set` (frozenset), a
        `map` (dict: key table or encoder) or a `tuple` (a domain)."""
        bound: object
        if isinstance(value, dict):
            key: tuple[str, object] = (kind, tuple(sorted(value.items())))
            bound = value
        else:
            values = tuple(value)
            key = (kind, tuple((type(v).__name__, v) for v in values))
            bound = frozenset(values) if kind == "set" else values
        name = self._const_names.get(key)
        if name is None:
            name = f"_{kind}{len(self._const_names)}"
            self._const_names[key] = name
            self.namespace[name] = bound
        return name

    # ----------------------------------------------------------------- bit fields

    def raw(self, f: Field) -> str:
        """The field's code in `s`."""
        if f.width == 0:
            return "0"
        if f.shift == 0:
            return f"(s & {f.mask})"
        return f"(s >> {f.shift} & {f.mask})"

    def value(self, f: Field, raw: str) -> str:
        """The slot's value from its code: bools stay 0/1 (they only meet bools, `not`,
        `and`/`or` and `in` sets, where 0/1 and False/True agree), ints are shifted by `lo`,
        enum values looked up in the domain."""
        first = f.domain[0]
        if isinstance(first, bool):
            return raw
        if isinstance(first, int):
            return raw if first == 0 else f"({raw} + {first})"
        return f"{self.const('tuple', f.domain)}[{raw}]"

    def encode(self, f: Field, value: str) -> str:
        """The code of a value (already known to lie in the domain), shifted into place."""
        first = f.domain[0]
        if f.width == 0:
            return "0"
        if isinstance(first, bool):
            code = value
        elif isinstance(first, int):
            code = value if first == 0 else f"({value} - {first})"
        else:
            code = f"{self.const('map', {v: n for n, v in enumerate(f.domain)})}[{value}]"
        return code if f.shift == 0 else f"({code} << {f.shift})"

    def code_in(self, f: Field, e: Expr, temps: dict[str, str]) -> str | None:
        """The code of `e`'s value in field `f`'s domain, computed without decoding, when
        `e` is made of literals of the domain, fields with the same domain and `Ite`s of
        them (a copy or a conditional update); None otherwise. Such a value is always
        within the domain, so it needs no range check."""
        match e:
            case Lit(value=v):
                c = f.code_of(v)
                return None if c is None else str(c)
            case Ite(cond=c, then=a, other=b):
                then, other = self.code_in(f, a, temps), self.code_in(f, b, temps)
                if then is None or other is None:
                    return None
                return f"({then} if {self.code(c, temps)} else {other})"
        g = self._field(e)
        same = (
            g is not None
            and g.domain == f.domain
            and all(type(x) is type(y) for x, y in zip(g.domain, f.domain, strict=True))
        )
        return self.raw(g) if same and g is not None else None

    def _field(self, e: Expr) -> Field | None:
        """The field `e` reads when it is a slot (or a map entry with a constant key)."""
        if isinstance(e, SlotRef):
            return self.layout.fields[e.slot]
        if isinstance(e, MapRef) and isinstance(e.key, Lit) and e.key.value in e.keys:
            return self.layout.fields[e.first + e.keys.index(e.key.value)]
        return None

    def _map_read(self, e: MapRef, temps: dict[str, str]) -> str:
        fields = self.layout.fields[e.first : e.first + len(e.keys)]
        f = fields[0]
        assert all(g.domain == f.domain for g in fields), "a map's entries share one type"
        shifts = self.const("map", {k: g.shift for k, g in zip(e.keys, fields, strict=True)})
        return self.value(f, f"(s >> {shifts}[{self.code(e.key, temps)}] & {f.mask})")

    def _compare_codes(self, op: str, left: Expr, right: Expr) -> str | None:
        """`slot == literal` (or `!=`) as a comparison of codes; None when not of that shape."""
        if op not in ("==", "!="):
            return None
        f, lit = self._field(left), right
        if f is None:
            f, lit = self._field(right), left
        if f is None or not isinstance(lit, Lit):
            return None
        c = f.code_of(lit.value)
        if c is None:  # a value outside the slot's domain: never equal
            return "False" if op == "==" else "True"
        return f"({self.raw(f)} {op} {c})"

    def key(self, e: Expr) -> str:
        """The source of `e` with nothing hoisted: also its identity for hoisting (it tells
        `1` from `True`, which compare equal as `Lit` values)."""
        k = self._keys.get(id(e))
        if k is None:
            k = self._code(e, {})
            self._keys[id(e)] = k
            self._nodes.append(e)
        return k

    def code(self, e: Expr, temps: dict[str, str]) -> str:
        """Python source for `e`; subexpressions whose key is in `temps` become that local.
        With no temporaries the source is the key, memoised: hoisting asks for the key of
        every node, and building each from scratch would be quadratic in the depth."""
        if not temps:
            return self.key(e)
        if not _is_leaf(e):
            name = temps.get(self.key(e))
            if name is not None:
                return name
        return self._code(e, temps)

    def _code(self, e: Expr, temps: dict[str, str]) -> str:
        match e:
            case Lit(value=v):
                return repr(v)
            case SlotRef(slot=i):
                slot = self.layout.fields[i]
                return self.value(slot, self.raw(slot))
            case MapRef():
                if (entry := self._field(e)) is not None:
                    return self.value(entry, self.raw(entry))
                return self._map_read(e, temps)
            case Not(operand=o):
                return f"(not {self.code(o, temps)})"
            case Neg(operand=o):
                return f"(-{self.code(o, temps)})"
            case In(operand=o, values=values):
                if (field := self._field(o)) is not None:
                    codes = sorted({c for v in values if (c := field.code_of(v)) is not None})
                    return f"({self.raw(field)} in {self.const('set', codes)})"
                return f"({self.code(o, temps)} in {self.const('set', values)})"
            case Ite(cond=c, then=t, other=o):
                return (
                    f"({self.code(t, temps)} if {self.code(c, temps)} else {self.code(o, temps)})"
                )
            case Binary(op=op, left=left, right=right):
                if (compared := self._compare_codes(op, left, right)) is not None:
                    return compared
                if op == "or":
                    return self._or_of([_flatten("and", d) for d in _flatten("or", e)], temps)
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

    def _or_of(self, disjuncts: list[list[Expr]], temps: dict[str, str]) -> str:
        """A disjunction of conjunctions, consecutive ones with the same first conjunct
        factored: `a and b or a and c` as `a and (b or c)`. Expressions are pure and total,
        so this evaluates to the same truth value while testing `a` once (a quantifier
        `exists r: exists s: P(r) and Q(s)` expands to exactly that shape)."""
        groups: list[tuple[Expr, list[list[Expr]]]] = []
        for conj in disjuncts:
            if groups and self.key(groups[-1][0]) == self.key(conj[0]):
                groups[-1][1].append(conj[1:])
            else:
                groups.append((conj[0], [conj[1:]]))
        parts = []
        for head, rests in groups:
            first = self.code(head, temps)
            if any(not rest for rest in rests):  # `a or a and b` is `a`
                parts.append(first)
            elif len(rests) == 1:
                parts.append(
                    "(" + " and ".join([first, *(self.code(c, temps) for c in rests[0])]) + ")"
                )
            else:
                parts.append(f"({first} and {self._or_of(rests, temps)})")
        return parts[0] if len(parts) == 1 else "(" + " or ".join(parts) + ")"

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


def _flatten(op: str, e: Expr) -> list[Expr]:
    """The operands of a chain of `op` (`and` or `or`), left to right."""
    if isinstance(e, Binary) and e.op == op:
        return [*_flatten(op, e.left), *_flatten(op, e.right)]
    return [e]


def _is_leaf(e: Expr) -> bool:
    """Literals only: a slot read is a shift and a mask, worth hoisting when repeated."""
    return isinstance(e, Lit)


def _children(e: Expr) -> Iterator[tuple[Expr, bool]]:
    """The direct subexpressions of `e`, each with whether it is evaluated whenever `e` is."""
    match e:
        case Lit() | SlotRef() | StepAttr():
            return
        case MapRef(key=k):
            yield k, True
        case In(operand=o):
            if not _is_field(o):  # a field's `in` test compares codes
                yield o, True
        case Not(operand=o) | Neg(operand=o):
            yield o, True
        case Ite(cond=c, then=t, other=o):
            yield c, True
            yield t, False
            yield o, False
        case Binary(op=op, left=left, right=right):
            if op in ("==", "!=") and _code_compared(left, right):
                return  # compared as codes: neither side is evaluated
            yield left, True
            yield right, op not in _SHORT_CIRCUIT
        case _:
            assert_never(e)


def _is_field(e: Expr) -> bool:
    """A slot, or a map entry with a constant key: one bit field (`PySource._field`)."""
    return isinstance(e, SlotRef) or (
        isinstance(e, MapRef) and isinstance(e.key, Lit) and e.key.value in e.keys
    )


def _code_compared(left: Expr, right: Expr) -> bool:
    """The shape `PySource._compare_codes` compiles without evaluating either side."""
    return (_is_field(left) and isinstance(right, Lit)) or (
        _is_field(right) and isinstance(left, Lit)
    )


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
    label: dict[str, str | None] = {"rule": rule.rule, "actor": rule.actor, "kind": rule.kind}
    return fold(where, label)
