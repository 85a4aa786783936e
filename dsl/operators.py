"""What each binary operator means on values: one table for the whole tool.

The front end folds constants with it (`dsl.lower_expr`), the reference semantics evaluates
with it (`checker.core.semantics`), the explicit engine emits exactly these Python operators
(`checker.explicit.pysource`) and the symbolic engine applies the same callables to Z3 terms,
which overload them (`checker.symbolic.encode`). `and`, `or` and `implies` short-circuit where
expressions are evaluated; on two values they are the functions below.
"""

from __future__ import annotations

import operator
from collections.abc import Callable
from typing import Any

# Comparison and arithmetic: both operands are evaluated; Python's operators on values (and
# Z3's overloads on terms).
STRICT_OPERATORS: dict[str, Callable[[Any, Any], Any]] = {
    "==": operator.eq,
    "!=": operator.ne,
    "<": operator.lt,
    "<=": operator.le,
    ">": operator.gt,
    ">=": operator.ge,
    "+": operator.add,
    "-": operator.sub,
    "*": operator.mul,
}

# The connectives on two known truth values.
CONNECTIVES: dict[str, Callable[[Any, Any], bool]] = {
    "and": lambda a, b: bool(a) and bool(b),
    "or": lambda a, b: bool(a) or bool(b),
    "implies": lambda a, b: (not a) or bool(b),
}


def apply_operator(op: str, a: Any, b: Any) -> Any:
    """`a op b` on two values (both already evaluated)."""
    if op in STRICT_OPERATORS:
        return STRICT_OPERATORS[op](a, b)
    if op in CONNECTIVES:
        return CONNECTIVES[op](a, b)
    raise ValueError(f"unknown operator {op}")
