"""Constant folding and boolean simplification of model expressions, with the operator table
every engine uses (`dsl.operators`): the lowering builds every binary node through here.
"""

from __future__ import annotations

from dsl import model as m
from dsl.operators import apply_operator
from dsl.parser import MAX_DIGITS


def _fold(op: str, a: m.Value, b: m.Value) -> m.Value:
    """A constant operation, folded with the operator table every engine uses."""
    value: m.Value = apply_operator(op, a, b)
    return value


TOO_LARGE = 10**MAX_DIGITS  # the literal limit holds for computed values too (E210)


def too_large(v: m.Value) -> bool:
    return isinstance(v, int) and not isinstance(v, bool) and abs(v) >= TOO_LARGE


def make_binary(op: str, left: m.Expr, right: m.Expr) -> m.Expr:
    """A binary node with constant folding and boolean simplification."""
    if isinstance(left, m.Lit) and isinstance(right, m.Lit):
        return m.Lit(_fold(op, left.value, right.value))
    if op == "and":
        if isinstance(left, m.Lit):
            return right if left.value else m.Lit(False)
        if isinstance(right, m.Lit):
            return left if right.value else m.Lit(False)
    if op == "or":
        if isinstance(left, m.Lit):
            return m.Lit(True) if left.value else right
        if isinstance(right, m.Lit):
            return m.Lit(True) if right.value else left
    return m.Binary(op, left, right)  # type: ignore[arg-type]


def make_not(e: m.Expr) -> m.Expr:
    if isinstance(e, m.Lit):
        return m.Lit(not e.value)
    if isinstance(e, m.Not):
        return e.operand
    return m.Not(e)
