"""An invariant found by Spacer, back in the language's syntax, and re-checked on its own.

Input: a Z3 formula over the template state `enc.cur` and history bits. Output: a model
`Expr` (printed by `checker.core.show_expr.show`), or `None` when the formula uses something the
language cannot say. A history bit becomes a pseudo slot past the state's slots, printed
`earlier(<pattern>)`: "a step matching <pattern> has been taken".

`recheck` proves, with a fresh solver and from the *translated* expression (so what is printed
is what is checked), that the invariant is inductive and excludes the bad states:
initiation `init => I`, consecution `I and L and step => I'`, safety `I => not bad`.
"""

from __future__ import annotations

from collections.abc import Sequence

import z3

from checker.symbolic.chc import BadCondition, history_vars
from checker.symbolic.encode import Encoding, StateVars
from dsl.model import Binary, Expr, Lit, Neg, Not, SlotRef
from dsl.model import Ite as IteExpr

_OPS = {
    z3.Z3_OP_LE: "<=",
    z3.Z3_OP_GE: ">=",
    z3.Z3_OP_LT: "<",
    z3.Z3_OP_GT: ">",
    z3.Z3_OP_EQ: "==",
    z3.Z3_OP_MUL: "*",
    z3.Z3_OP_SUB: "-",
}


_NEGATED = {"<=": ">", ">=": "<", "<": ">=", ">": "<=", "==": "!=", "!=": "=="}


class _Untranslatable(Exception):
    pass


def to_expr(enc: Encoding, formula: z3.ExprRef, histories: Sequence[Expr]) -> Expr | None:
    """`formula` (over `enc.cur` and the history bits) as a model expression."""
    from checker.core.show_expr import show

    names: dict[str, Expr] = {}
    for i, x in enumerate(enc.cur):
        names[str(x)] = SlotRef(i, enc.model.slots[i].name)
    n = len(enc.model.slots)
    for j, (p, bit) in enumerate(history_vars(enc, histories).items()):
        names[str(bit)] = SlotRef(n + j, f"earlier({show(p)})")
    try:
        return _tr(enc, formula, names)
    except _Untranslatable:
        return None


def _tr(enc: Encoding, e: z3.ExprRef, names: dict[str, Expr]) -> Expr:
    if z3.is_true(e):
        return Lit(True)
    if z3.is_false(e):
        return Lit(False)
    if z3.is_int_value(e):
        return Lit(e.as_long())
    if z3.is_const(e):
        key = str(e)
        if key in names:
            return names[key]
        if enc.enum_of_sort(e.sort()) is not None:
            return Lit(enc.name_of(e))
        raise _Untranslatable(key)
    if not z3.is_app(e):
        raise _Untranslatable(str(e))
    k = e.decl().kind()
    args = [_tr(enc, a, names) for a in e.children()]
    if k == z3.Z3_OP_AND:
        return _fold("and", args) if args else Lit(True)
    if k == z3.Z3_OP_OR:
        return _fold("or", args) if args else Lit(False)
    if k == z3.Z3_OP_NOT:  # `not (a >= b)` reads better as `a < b`
        a = args[0]
        if isinstance(a, Binary) and a.op in _NEGATED:
            return Binary(_NEGATED[a.op], a.left, a.right)  # type: ignore[arg-type]
        return Not(a)
    if k == z3.Z3_OP_IMPLIES:
        return Binary("implies", args[0], args[1])
    if k == z3.Z3_OP_ITE:
        return IteExpr(args[0], args[1], args[2])
    if k == z3.Z3_OP_DISTINCT and len(args) == 2:
        return Binary("!=", args[0], args[1])
    if k == z3.Z3_OP_UMINUS:
        return Neg(args[0])
    if k == z3.Z3_OP_ADD:
        out = args[0]
        for a in args[1:]:
            if isinstance(a, Binary) and a.op == "*" and a.left == Lit(-1):
                out = Binary("-", out, a.right)
            else:
                out = Binary("+", out, a)
        return out
    if k == z3.Z3_OP_DT_IS:  # an enumeration tester `is(c)(x)`
        value = enc.name_of(e.decl().params()[0]())
        return Binary("==", args[0], Lit(value))
    if k in _OPS:
        return _fold(_OPS[k], args) if k in (z3.Z3_OP_MUL,) else Binary(_OPS[k], args[0], args[1])  # type: ignore[arg-type]
    raise _Untranslatable(str(e.decl()))


def _fold(op: str, args: list[Expr]) -> Expr:
    out = args[0]
    for a in args[1:]:
        out = Binary(op, out, a)  # type: ignore[arg-type]
    return out


def recheck(
    enc: Encoding,
    invariant: Expr,
    bad: BadCondition,
    histories: Sequence[Expr],
    lemmas: Sequence[BadCondition],
    timeout_ms: int | None = None,
) -> str | None:
    """None when `invariant` is inductive (relative to `lemmas`) and excludes `bad`; else which
    obligation failed. A separate solver, from the translated expression."""
    s, t = enc.state("rc0"), enc.state("rc1")
    hs, ht = history_vars(enc, histories, "rc0"), history_vars(enc, histories, "rc1")
    label = enc.label("rc")

    def at(state: StateVars, h: dict[Expr, z3.BoolRef]) -> z3.BoolRef:
        return enc.expr(invariant, (*state, *h.values()))

    marks = [b == z3.Or(hs[p], enc.label_matches(p, s, label)) for p, b in ht.items()]
    obligations = {
        "initiation": [
            enc.well_typed(s),
            enc.init(s),
            *(z3.Not(b) for b in hs.values()),
            z3.Not(at(s, hs)),
        ],
        "consecution": [
            enc.well_typed(s),
            enc.well_typed(t),
            at(s, hs),
            *(z3.Not(lemma(s, hs)) for lemma in lemmas),
            enc.transition(s, label, t),
            *marks,
            z3.Not(at(t, ht)),
        ],
        "safety": [enc.well_typed(s), at(s, hs), bad(s, hs)],
    }
    for name, parts in obligations.items():
        solver = z3.Solver(ctx=enc.ctx)
        if timeout_ms is not None:
            solver.set("timeout", max(1, timeout_ms))
        solver.add(*parts)
        if solver.check() != z3.unsat:
            return name
    return None
