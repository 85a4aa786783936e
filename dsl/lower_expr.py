"""Typing and lowering of expressions: AST expressions -> model expressions over state slots.

Quantifiers over finite sets are unrolled, rule parameters and bound variables are replaced by
their elements, constants are folded, so `share[c]` becomes a fixed slot wherever it can.
Emits E102 (unknown name), E106 (unknown organ), E108 (not an actor), E201 (type mismatch),
E204 (not constant), E205 (indexing), E208 (step attribute outside a step pattern), E209
(non-linear arithmetic), E303 (quantifiers unrolling to too many terms).

One recursion over the expression forms, whose parts share the scope and the unrolling budget;
the scope and types are `dsl.scope`, constant folding `dsl.fold`.
"""

from __future__ import annotations

from dataclasses import replace

from dsl import ast
from dsl import model as m
from dsl.codes import Code
from dsl.diagnostics import Diagnostic, error
from dsl.fold import make_binary, make_not, too_large
from dsl.parser import MAX_DIGITS
from dsl.scope import BOOL, INT, ErrorType, Scope, SymbolType, T, type_name
from dsl.source import Span
from dsl.suggest import closest

MAX_UNROLLED = 100_000


class ExprLowering:
    """Lowers expressions in one scope. Each entry point returns what it lowered and the
    diagnostics it found (collected during the recursion, never raised); the count of
    unrolled quantifier bodies carries over calls, against MAX_UNROLLED per model."""

    def __init__(self) -> None:
        self.unrolled = 0  # quantifier bodies lowered so far, against MAX_UNROLLED
        self._found: list[Diagnostic] = []  # the current entry point's diagnostics

    def err(self, code: Code, message: str, span: Span, label: str = "", help: str = "") -> None:
        self._found.append(error(code, message, span, label, help))

    # ------------------------------------------------------------------ entry points
    def boolean(self, e: ast.Expr, scope: Scope, what: str) -> tuple[m.Expr, list[Diagnostic]]:
        """`e` as a condition: E201 unless it is true or false."""
        self._found = []
        return self._boolean(e, scope, what), self._found

    def constant(
        self, e: ast.Expr, scope: Scope, what: str
    ) -> tuple[m.Value | None, list[Diagnostic]]:
        """The value of `e`, which must not depend on the state (E204); None after an error."""
        self._found = []
        return self._constant(e, scope, what), self._found

    def typed(self, e: ast.Expr, scope: Scope) -> tuple[m.Expr, T, list[Diagnostic]]:
        """`e` lowered, with its type."""
        self._found = []
        lowered, t = self._lower(e, scope)
        return lowered, t, self._found

    def _boolean(self, e: ast.Expr, scope: Scope, what: str) -> m.Expr:
        lowered, t = self._lower(e, scope)
        if not isinstance(t, m.BoolType | ErrorType):
            self.err("E201", f"{what} must be true or false", _span(e), f"this is {type_name(t)}")
        return lowered

    def _constant(self, e: ast.Expr, scope: Scope, what: str) -> m.Value | None:
        lowered, t = self._lower(e, scope)
        if isinstance(t, ErrorType):
            return None
        if not isinstance(lowered, m.Lit):
            self.err("E204", f"{what} must be a constant", _span(e), "depends on the state")
            return None
        return lowered.value

    # ------------------------------------------------------------------ the recursion
    def _lower(self, e: ast.Expr, scope: Scope) -> tuple[m.Expr, T]:
        match e:
            case ast.Number(value=v):
                return m.Lit(v), INT
            case ast.Boolean(value=v):
                return m.Lit(v), BOOL
            case ast.Name():
                return self._name(e, scope)
            case ast.StepField(field=f):
                if not scope.in_step_pattern:
                    self.err(
                        "E208",
                        f"`{f}` describes a step and can only be used in a step pattern",
                        e.span,
                        "not inside `step where …`",
                    )
                    return m.Lit(False), ErrorType()
                return m.StepAttr(f), SymbolType(f"<{f}>")
            case ast.Index():
                return self._index(e, scope)
            case ast.Unary(op="not", operand=a):
                return make_not(self._boolean(a, scope, "the operand of `not`")), BOOL
            case ast.Unary(op="-", operand=a):
                inner, t = self._lower(a, scope)
                if not self._need_int(t, a, "`-`"):
                    return m.Lit(0), ErrorType()
                if isinstance(inner, m.Lit):
                    return m.Lit(-inner.value), INT  # type: ignore[operator]
                return m.Neg(inner), INT
            case ast.BinOp():
                return self._binop(e, scope)
            case ast.Member():
                return self._member(e, scope)
            case ast.IsOrgan():
                return self._is_organ(e, scope)
            case ast.Quantified():
                return self._quantified(e, scope)
            case ast.FinalRef():
                return self._final(e, scope)
        raise AssertionError(f"unexpected expression {e!r}")

    def _final(self, e: ast.FinalRef, scope: Scope) -> tuple[m.Expr, T]:
        if not scope.final_allowed:
            self.err(
                "E201", "`final` (the lawful end states) can only be used in a property", e.span
            )
            return m.Lit(False), ErrorType()
        if scope.final is None:
            scope.missing.append("final")
            if scope.report_unknown:
                self.err(
                    "E102",
                    "the procedure declares no lawful end states",
                    e.span,
                    "`final` is undefined",
                    help="add a line `final CONDITION`",
                )
            return m.Lit(False), ErrorType()
        return scope.final, BOOL

    def _need_int(self, t: T, e: ast.Expr, where: str) -> bool:
        """Report a non-number; True when `t` is a number (so constants may be folded)."""
        if not isinstance(t, m.IntType | ErrorType):
            self.err("E201", f"{where} needs a number", _span(e), f"this is {type_name(t)}")
        return isinstance(t, m.IntType)

    def _unknown(self, name: str, span: Span, scope: Scope, what: str = "name") -> None:
        scope.missing.append(name)
        if not scope.report_unknown:
            return
        close = closest(name, scope.all_names())
        self.err(
            "E102",
            f"unknown {what} '{name}'",
            span,
            "not declared",
            help=f"did you mean '{close}'?" if close else "",
        )

    def _name(self, e: ast.Name, scope: Scope) -> tuple[m.Expr, T]:
        name = e.name
        if name in scope.bound:
            value, enum = scope.bound[name]
            return m.Lit(value), enum
        name = scope.alias(name)
        if name in scope.erroneous:  # its own error is reported: not again as an unknown name
            return m.Lit(0), ErrorType()
        if name in scope.variables:
            var = scope.variables[name]
            if var.keys is not None:
                self.err(
                    "E205",
                    f"'{name}' is a map over '{var.index_set}': name an entry, "
                    f"e.g. {name}[{var.keys[0] if var.keys else 'x'}]",
                    e.span,
                    "needs an index",
                )
                return m.Lit(0), ErrorType()
            return m.SlotRef(var.first_slot, name), var.type
        if name in scope.consts:
            v = scope.consts[name]
            return m.Lit(v), (
                BOOL if isinstance(v, bool) else INT if isinstance(v, int) else SymbolType(v)
            )
        if name in scope.symbols or (
            scope.in_step_pattern
            and (name in scope.kinds or name in scope.actors or name in scope.rules)
        ):
            return m.Lit(name), SymbolType(name)
        if name in scope.sets:
            self.err(
                "E201", f"'{name}' is a set; use it with `in`, `forall`, `sum` or `count`", e.span
            )
            return m.Lit(False), ErrorType()
        for table, what in (
            (scope.actors, "an actor"),
            (scope.kinds, "an act kind"),
            (scope.rules, "a rule"),
        ):
            if name in table:  # declared, but only a step pattern can name it
                scope.missing.append(name)
                if scope.report_unknown:
                    self.err(
                        "E102",
                        f"'{name}' is {what}, not a value of the state",
                        e.span,
                        "only a step pattern can name it",
                        help="e.g. `never step where actor == NAME`, or `actor is ORGAN`",
                    )
                return m.Lit(False), ErrorType()
        self._unknown(name, e.span, scope)
        return m.Lit(False), ErrorType()

    def _index(self, e: ast.Index, scope: Scope) -> tuple[m.Expr, T]:
        name = scope.alias(e.target.name)
        var = scope.variables.get(name)
        if var is None:
            self._unknown(name, e.target.span, scope, "variable")
            return m.Lit(0), ErrorType()
        if var.keys is None:
            self.err("E205", f"'{name}' is not a map and cannot be indexed", e.span)
            return m.Lit(0), ErrorType()
        key, kt = self._lower(e.index, scope)
        if isinstance(kt, ErrorType):
            return m.Lit(0), var.type
        if isinstance(key, m.Lit):
            if key.value not in var.keys:
                self.err(
                    "E205",
                    f"'{key.value}' is not an element of '{var.index_set}'",
                    _span(e.index),
                    f"'{name}' is indexed by {{{', '.join(var.keys)}}}",
                )
                return m.Lit(0), ErrorType()
            i = var.keys.index(key.value)
            return m.SlotRef(var.first_slot + i, f"{name}[{key.value}]"), var.type
        if not (isinstance(kt, m.EnumType) and set(kt.values) <= set(var.keys)):
            self.err(
                "E205",
                f"the index of '{name}' must be an element of '{var.index_set}'",
                _span(e.index),
                f"this is {type_name(kt)}",
            )
            return m.Lit(0), ErrorType()
        return m.MapRef(var.first_slot, var.keys, key, f"{name}[…]"), var.type

    def _compatible(self, a: T, b: T) -> bool:
        if isinstance(a, ErrorType) or isinstance(b, ErrorType):
            return True
        if isinstance(a, m.IntType) and isinstance(b, m.IntType):
            return True
        if isinstance(a, m.BoolType) and isinstance(b, m.BoolType):
            return True
        if isinstance(a, SymbolType) and a.value.startswith("<"):
            return isinstance(b, SymbolType | m.EnumType)
        if isinstance(b, SymbolType) and b.value.startswith("<"):
            return isinstance(a, SymbolType | m.EnumType)
        if isinstance(a, m.EnumType) and isinstance(b, m.EnumType):
            return bool(set(a.values) & set(b.values))
        if isinstance(a, m.EnumType) and isinstance(b, SymbolType):
            return b.value in a.values
        if isinstance(b, m.EnumType) and isinstance(a, SymbolType):
            return a.value in b.values
        if isinstance(a, SymbolType) and isinstance(b, SymbolType):
            return True
        return False

    def _step_symbol_check(self, attr: m.Expr, other: ast.Expr, other_t: T, scope: Scope) -> None:
        """`kind == x`: x must be a declared kind (likewise actors and rules)."""
        if not isinstance(attr, m.StepAttr) or not isinstance(other_t, SymbolType):
            return
        table = {"kind": scope.kinds, "actor": scope.actors, "rule": scope.rules}[attr.field]
        if other_t.value not in table:
            words = {"kind": "act kind", "actor": "actor", "rule": "rule"}[attr.field]
            close = closest(other_t.value, list(table))
            scope.missing.append(other_t.value)
            if scope.report_unknown:
                self.err(
                    "E102",
                    f"unknown {words} '{other_t.value}'",
                    _span(other),
                    f"compared with the step's {attr.field}",
                    help=f"did you mean '{close}'?" if close else "",
                )

    def _operand(self, e: ast.Expr, other: ast.Expr, scope: Scope) -> tuple[m.Expr, T]:
        """`kind == appeal`: beside a step attribute a name is read in that attribute's own
        namespace (act kinds, actors, rules) first, so a variable or constant of the same name
        cannot capture it (issue 12: `var appeal` made `remedy_after_decision` fail)."""
        if (
            scope.in_step_pattern
            and isinstance(other, ast.StepField)
            and isinstance(e, ast.Name)
            and e.name not in scope.bound
        ):
            table = {"kind": scope.kinds, "actor": scope.actors, "rule": scope.rules}[other.field]
            name = scope.alias(e.name)
            if name in table:
                return m.Lit(name), SymbolType(name)
        return self._lower(e, scope)

    def _binop(self, e: ast.BinOp, scope: Scope) -> tuple[m.Expr, T]:
        op = e.op
        if op in ("and", "or", "implies"):
            left = self._boolean(e.left, scope, f"the left side of `{op}`")
            right = self._boolean(e.right, scope, f"the right side of `{op}`")
            return make_binary(op, left, right), BOOL
        if op in ("==", "!=") and not scope.in_step_pattern:
            # `kind == initiation` outside a step pattern: E208 on `kind`, and the other side
            # read as in a pattern, so the kind name is not reported again as unknown
            for side, other in ((e.left, e.right), (e.right, e.left)):
                if isinstance(side, ast.StepField) and not isinstance(other, ast.StepField):
                    self._lower(side, scope)
                    self._lower(other, replace(scope, in_step_pattern=True))
                    return m.Lit(False), ErrorType()
        left, lt = self._operand(e.left, e.right, scope)
        right, rt = self._operand(e.right, e.left, scope)
        if op in ("+", "-", "*"):
            ints = self._need_int(lt, e.left, f"`{op}`") & self._need_int(rt, e.right, f"`{op}`")
            if not ints:  # never fold `'a' - 1`
                return m.Lit(0), ErrorType()
            if op == "*" and not isinstance(left, m.Lit) and not isinstance(right, m.Lit):
                self.err(
                    "E209",
                    "multiplication of two state-dependent numbers is not supported",
                    e.span,
                    "multiply by a constant instead",
                )
            folded = make_binary(op, left, right)
            if isinstance(folded, m.Lit) and too_large(folded.value):
                # operands are below the limit, so computing this one step was cheap
                self.err(
                    "E210",
                    f"this computes a number of more than {MAX_DIGITS:,} digits",
                    e.span,
                    "too large",
                    help="constants and bounds must stay below 10^1000",
                )
                return m.Lit(0), ErrorType()
            return folded, INT
        if op in ("<", "<=", ">", ">="):
            ints = self._need_int(lt, e.left, f"`{op}`") & self._need_int(rt, e.right, f"`{op}`")
            if not ints:
                return m.Lit(False), ErrorType()
            return make_binary(op, left, right), BOOL
        # == and !=
        self._step_symbol_check(left, e.right, rt, scope)
        self._step_symbol_check(right, e.left, lt, scope)
        if not self._compatible(lt, rt):
            self.err(
                "E201",
                f"cannot compare {type_name(lt)} with {type_name(rt)}",
                e.span,
                "these can never be equal",
            )
        return make_binary(op, left, right), BOOL

    def _member(self, e: ast.Member, scope: Scope) -> tuple[m.Expr, T]:
        operand, t = self._lower(e.operand, scope)
        coll = e.collection
        result: m.Expr
        if isinstance(coll, ast.RangeLiteral):
            lo, lo_t = self._lower(coll.lo, scope)
            hi, hi_t = self._lower(coll.hi, scope)
            ints = (
                self._need_int(t, e.operand, "`in lo..hi`")
                & self._need_int(lo_t, coll.lo, "`lo..hi`")
                & self._need_int(hi_t, coll.hi, "`lo..hi`")
            )
            if not ints:
                return m.Lit(False), ErrorType()
            result = make_binary(
                "and", make_binary("<=", lo, operand), make_binary("<=", operand, hi)
            )
        elif isinstance(coll, ast.Name):
            set_name = scope.alias(coll.name)
            if set_name not in scope.sets:
                self._unknown(set_name, coll.span, scope, "set")
                return m.Lit(False), ErrorType()
            elements = scope.sets[set_name]
            if not self._compatible(t, m.EnumType(set_name, elements)):
                self.err("E201", f"{type_name(t)} is never in '{set_name}'", e.span)
            result = _in(operand, elements)
        else:
            items = [self._operand(i, e.operand, scope) for i in coll.items]
            for (_, it), node in zip(items, coll.items, strict=True):
                self._step_symbol_check(operand, node, it, scope)
                if not self._compatible(t, it):
                    self.err(
                        "E201",
                        f"{type_name(t)} can never be {type_name(it)}",
                        _span(node),
                        "not a possible value",
                    )
            if all(isinstance(x, m.Lit) for x, _ in items):
                result = _in(operand, tuple(x.value for x, _ in items))  # type: ignore[union-attr]
            else:
                result = m.Lit(False)
                for x, _ in items:
                    result = make_binary("or", result, make_binary("==", operand, x))
        return (make_not(result) if e.negated else result), BOOL

    def _is_organ(self, e: ast.IsOrgan, scope: Scope) -> tuple[m.Expr, T]:
        operand, operand_t = self._lower(e.operand, scope)
        if e.organ in scope.aliases:
            e = replace(e, organ=scope.alias(e.organ))
        if e.organ not in scope.organs:
            scope.missing.append(e.organ)
            if scope.report_unknown:
                close = closest(e.organ, list(scope.organs))
                self.err(
                    "E106",
                    f"unknown organ '{e.organ}'",
                    e.organ_span,
                    "not declared",
                    help=f"did you mean '{close}'?" if close else "declare it: organ NAME is court",
                )
            return m.Lit(False), BOOL
        if isinstance(operand_t, ErrorType):  # already reported; `False` is no actor
            return m.Lit(False), BOOL
        actors = tuple(a.name for a in scope.actors.values() if e.organ in a.organ_chain)
        if isinstance(operand, m.Lit):
            actor = scope.actors.get(str(operand.value))
            if actor is None:
                self.err("E108", f"'{operand.value}' is not an actor", _span(e.operand))
                return m.Lit(False), BOOL
            return m.Lit(e.organ in actor.organ_chain), BOOL
        if not (isinstance(operand, m.StepAttr) and operand.field == "actor"):
            self.err("E201", "`is` compares an actor with an organ", e.span, "use `actor is ORGAN`")
            return m.Lit(False), BOOL
        return _in(operand, actors), BOOL

    def _quantified(self, e: ast.Quantified, scope: Scope) -> tuple[m.Expr, T]:
        if e.set_name in scope.aliases:
            e = replace(e, set_name=scope.alias(e.set_name))
        if e.set_name not in scope.sets:
            self._unknown(e.set_name, e.set_span, scope, "set")
            return m.Lit(False), ErrorType()
        self.unrolled += len(scope.sets[e.set_name])
        if self.unrolled > MAX_UNROLLED:  # nested quantifiers over large sets (hostile input)
            if self.unrolled - len(scope.sets[e.set_name]) > MAX_UNROLLED:
                return m.Lit(False), ErrorType()  # reported once, at the first that overflowed
            self.err(
                "E303",
                f"quantifiers unroll to more than {MAX_UNROLLED:,} terms",
                e.span,
                "too many terms",
                help="use smaller sets or fewer nested quantifiers",
            )
            return m.Lit(False), ErrorType()
        parts: list[m.Expr] = []
        numbers = True
        for element in scope.sets[e.set_name]:
            inner = scope.bind(e.var, element, e.set_name)
            if e.quantifier in ("forall", "exists", "count"):
                parts.append(self._boolean(e.body, inner, f"the body of `{e.quantifier}`"))
            else:
                body, bt = self._lower(e.body, inner)
                numbers = self._need_int(bt, e.body, "`sum`") and numbers
                parts.append(body)
        if not numbers:
            return m.Lit(0), ErrorType()
        match e.quantifier:
            case "forall":
                acc: m.Expr = m.Lit(True)
                for p in parts:
                    acc = make_binary("and", acc, p)
                return acc, BOOL
            case "exists":
                acc = m.Lit(False)
                for p in parts:
                    acc = make_binary("or", acc, p)
                return acc, BOOL
            case "sum":
                return _sum(parts), INT
            case "count":
                return _sum([_ite(p) for p in parts]), INT
        raise AssertionError(e.quantifier)


def _ite(p: m.Expr) -> m.Expr:
    if isinstance(p, m.Lit):
        return m.Lit(1 if p.value else 0)
    return m.Ite(p, m.Lit(1), m.Lit(0))


def _sum(parts: list[m.Expr]) -> m.Expr:
    if not parts:
        return m.Lit(0)
    acc = parts[0]
    for p in parts[1:]:
        acc = make_binary("+", acc, p)
    return acc


def _in(operand: m.Expr, values: tuple[m.Value, ...]) -> m.Expr:
    if isinstance(operand, m.Lit):
        return m.Lit(operand.value in values)
    if len(values) == 1:
        return m.Binary("==", operand, m.Lit(values[0]))
    return m.In(operand, values)


def _span(e: object) -> Span:
    span: Span = getattr(e, "span")  # noqa: B009 - every AST node has a span
    return span
