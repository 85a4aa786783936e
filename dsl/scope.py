"""What an expression may name, and the types the lowering gives it.

Shared by the lowering (`dsl.lower_expr`) and the declaration checks that build scopes and
report types (`dsl.check_model`, `dsl.check_rules`, `dsl.check_properties`).
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from typing import assert_never

from dsl import model as m


@dataclass(frozen=True, slots=True)
class SymbolType:
    """The type of a bare symbol (`pending`, `c1`): compatible with any enum containing it."""

    value: str


@dataclass(frozen=True, slots=True)
class ErrorType:
    """Already reported; suppresses follow-on errors."""


T = m.BoolType | m.IntType | m.EnumType | SymbolType | ErrorType
BOOL = m.BOOL
INT = m.INT


@dataclass(slots=True)
class Scope:
    """Everything an expression may name. Built once per model; `bind` adds bound variables."""

    consts: dict[str, m.Value]
    sets: dict[str, tuple[str, ...]]
    variables: dict[str, m.Variable]
    symbols: frozenset[str]
    kinds: frozenset[str]
    actors: dict[str, m.Actor]
    rules: frozenset[str]
    organs: frozenset[str]
    bound: dict[str, tuple[str, m.EnumType]] = field(default_factory=dict)
    in_step_pattern: bool = False
    missing: list[str] = field(default_factory=list)  # unknown names, for library properties
    report_unknown: bool = True
    final: m.Expr | None = None  # the procedure's lawful end states, for `final` in properties
    final_allowed: bool = False  # only properties may say `final`
    erroneous: frozenset[str] = frozenset()  # constants whose value was an error (E210, E204…)
    aliases: dict[str, str] = field(default_factory=dict)  # `LIB bind read = declared`

    def alias(self, name: str) -> str:
        """The procedure's name for a name a library principle reads (itself when unbound)."""
        return self.aliases.get(name, name)

    def bind(self, name: str, value: str, set_name: str) -> Scope:
        bound = dict(self.bound)
        bound[name] = (value, m.EnumType(set_name, self.sets[set_name]))
        return replace(self, bound=bound)

    def all_names(self) -> list[str]:
        """Candidates for 'did you mean': in a step pattern also kinds, actors and rules. In no
        particular order: difflib ranks by (ratio, name), so the order picks no suggestion
        (and sorting 20,000 symbols for every unknown name was most of a hostile file's time)."""
        names = [*self.bound, *self.variables, *self.consts, *self.symbols]
        if self.in_step_pattern:
            names += [*self.kinds, *self.actors, *self.rules]
        return names


def type_name(t: T) -> str:
    match t:
        case m.BoolType():
            return "a truth value (bool)"
        case m.IntType():
            return "a number"
        case m.EnumType(values=values):
            shown = ", ".join(values[:6]) + (", …" if len(values) > 6 else "")
            return f"one of {{{shown}}}"
        case SymbolType(value=v):
            return f"the value `{v}`"
        case ErrorType():
            return "an erroneous expression"
    assert_never(t)
