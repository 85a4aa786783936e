"""Model expressions back in the language's own notation, for verdict notes.

The checked model has only slots and literals, so this prints what a reader can recognise:
`stage == decided`, `share[c1] > 0`, `kind == hearing`.
"""

from __future__ import annotations

from typing import assert_never

from dsl.model import Binary, Expr, In, Ite, Lit, MapRef, Neg, Not, SlotRef, StepAttr, Value

_TIGHT = {"*": 7, "+": 6, "-": 6}
_LEVEL = {"implies": 1, "or": 2, "and": 3}


def show(e: Expr) -> str:
    """An expression in the language's own notation, for verdict notes."""
    return _show(e, 0)


def _show(e: Expr, outer: int) -> str:
    match e:
        case Lit(value=v):
            return value_text(v)
        case SlotRef(name=name) | MapRef(name=name):
            return name
        case StepAttr(field=f):
            return f
        case Not(operand=o):
            return _wrap(f"not {_show(o, 9)}", 4, outer)  # `not (a < b)`: clearer than the rule
        case Neg(operand=o):
            return f"-{_show(o, 8)}"
        case In(operand=o, values=values):
            inner = ", ".join(value_text(v) for v in values)
            return _wrap(f"{_show(o, 6)} in {{{inner}}}", 5, outer)
        case Ite(cond=c, then=t, other=o):
            return f"(if {show(c)} then {show(t)} else {show(o)})"
        case Binary(op=op, left=left, right=right):
            level = _LEVEL.get(op, _TIGHT.get(op, 5))
            return _wrap(f"{_show(left, level)} {op} {_show(right, level + 1)}", level, outer)
        case _:
            assert_never(e)


def _wrap(text: str, level: int, outer: int) -> str:
    return f"({text})" if level < outer else text


def value_text(v: Value) -> str:
    """A state value as the language writes it: `true`, `3`, `decided`."""
    if isinstance(v, bool):
        return "true" if v else "false"
    return str(v)
