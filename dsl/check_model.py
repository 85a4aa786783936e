"""Name resolution, type checking and lowering of declarations: a Program -> a checked Model.

Input: the consolidated declarations of one procedure (after `extends`) and the libraries it
imports. Output: `dsl.model.Model` and diagnostics. Emits E101, E102, E105-E109, E201-E207,
E301-E303 and the warnings W401-W402.

The declarations in the order they depend on each other (vocabulary, constants and sets,
variables, then rules, properties and scenarios, whose checks are the mixins `RuleChecks`,
`PropertyChecks` and `ScenarioChecks`); what is left here is the shared vocabulary and state.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from dsl import ast
from dsl import model as m
from dsl.ast_walk import names_in, span_of
from dsl.check_allows import allowances, without_allowed
from dsl.check_properties import PropertyChecks
from dsl.check_rules import RuleChecks
from dsl.check_scenarios import ScenarioChecks
from dsl.codes import Code
from dsl.diagnostics import Diagnostic, error
from dsl.lower_expr import ExprLowering
from dsl.provenance import Part, Provenance
from dsl.scope import ErrorType, Scope, SymbolType, type_name
from dsl.source import Span
from dsl.suggest import closest

MAX_SLOTS = 10_000  # a map over a huge set is refused (hostile input)
MAX_RANGE = 10_000_000


@dataclass(frozen=True, slots=True)
class Program:
    """One procedure's own (consolidated) module and the libraries it imports, in load order."""

    main: ast.Module
    libraries: tuple[ast.Module, ...] = ()
    provenance: dict[Part, Provenance] = field(default_factory=dict)  # amended or inserted


@dataclass(slots=True)
class _Names:
    """First declaration of each name per namespace, for E101 with a pointer to the original."""

    diags: list[Diagnostic]
    seen: dict[tuple[str, str], Span] = field(default_factory=dict)

    def declare(self, namespace: str, name: str, span: Span, what: str) -> bool:
        key = (namespace, name)
        if key in self.seen:
            first = self.seen[key]
            self.diags.append(
                Diagnostic(
                    "E101",
                    f"{what} '{name}' is declared twice",
                    span,
                    "declared again here",
                    secondary=((first, "first declared"),),
                )
            )
            return False
        self.seen[key] = span
        return True


class ModelChecker(RuleChecks, PropertyChecks, ScenarioChecks):
    def __init__(self, program: Program) -> None:
        self.program = program
        self.diags: list[Diagnostic] = []
        self.names = _Names(self.diags)
        self.lowering = ExprLowering()

    # ------------------------------------------------------------------ helpers
    def _decls(self, cls: type | tuple[type, ...]) -> list[tuple[ast.Module, object]]:
        out: list[tuple[ast.Module, object]] = []
        for mod in (*self.program.libraries, self.program.main):
            out.extend((mod, d) for d in mod.decls if isinstance(d, cls))
        return out

    def _base_scope(self, **kw: object) -> Scope:
        return Scope(
            self.consts,
            self.sets,
            self.variables,
            self.symbols,
            frozenset(self.kinds),
            self.actors,
            frozenset(self.rule_names),
            frozenset(self.organs),
            **{"erroneous": frozenset(getattr(self, "failed_consts", ())), **kw},  # type: ignore[arg-type]
        )

    # ------------------------------------------------------------------ vocabulary
    def _vocabulary(self) -> None:
        self.sources: dict[str, m.Source] = {}
        for _, d in self._decls(ast.SourceDecl):
            assert isinstance(d, ast.SourceDecl)
            if self.names.declare("source", d.name, d.span, "source"):
                self.sources[d.name] = m.Source(d.name, d.title, d.zh, d.text, d.span, d.title_zh)
        self.organ_decls: dict[str, ast.OrganDecl] = {}
        for _, d in self._decls(ast.OrganDecl):
            assert isinstance(d, ast.OrganDecl)
            if self.names.declare("organ", d.name, d.span, "organ"):
                self.organ_decls[d.name] = d
        self.organs: dict[str, m.Organ] = {}
        for d in self.organ_decls.values():
            if d.parent is not None and d.parent not in self.organ_decls:
                close = closest(d.parent, list(self.organ_decls))
                self.diags.append(
                    error(
                        "E106",
                        f"unknown organ '{d.parent}'",
                        d.parent_span,
                        "not declared",
                        help=f"did you mean '{close}'?" if close else "",
                    )
                )
            self.organs[d.name] = m.Organ(d.name, d.parent, d.label, d.span)
        self.kinds: dict[str, m.ActKind] = {}
        for _, d in self._decls(ast.KindDecl):
            assert isinstance(d, ast.KindDecl)
            if self.names.declare("kind", d.name, d.span, "act kind"):
                self.kinds[d.name] = m.ActKind(d.name, d.label, d.span)
        self.actors: dict[str, m.Actor] = {}
        for _, d in self._decls(ast.ActorDecl):
            assert isinstance(d, ast.ActorDecl)
            if not self.names.declare("actor", d.name, d.span, "actor"):
                continue
            if d.organ not in self.organs:
                close = closest(d.organ, list(self.organs))
                self.diags.append(
                    error(
                        "E106",
                        f"unknown organ '{d.organ}'",
                        d.organ_span,
                        "not declared",
                        help=f"did you mean '{close}'?"
                        if close
                        else "declare it (organ NAME is court) or `import principles`",
                    )
                )
            self.actors[d.name] = m.Actor(
                d.name, d.organ, d.label, self._chain(d.organ, d.span), d.span, d.title_zh
            )

    def _chain(self, organ: str, span: Span) -> tuple[str, ...]:
        chain: list[str] = []
        current: str | None = organ
        while current is not None and current in self.organs:
            if current in chain:
                self.diags.append(error("E106", f"organ hierarchy of '{organ}' is circular", span))
                break
            chain.append(current)
            current = self.organs[current].parent
        return tuple(chain) if chain else (organ,)

    # ------------------------------------------------------------------ constants and sets
    def _constants_and_sets(self) -> None:
        self.consts: dict[str, m.Value] = {}
        self.failed_consts: set[str] = set()
        self.sets: dict[str, tuple[str, ...]] = {}
        self.variables: dict[str, m.Variable] = {}
        self.rule_names: set[str] = {
            d.name for _, d in self._decls(ast.RuleDecl) if isinstance(d, ast.RuleDecl)
        }
        # sets, constants and variables share one namespace: the first one *written* wins,
        # whichever of the three kinds is processed first below
        self.duplicate_values: set[int] = set()
        for _, d in self._decls((ast.SetDecl, ast.ConstDecl, ast.VarDecl)):
            if not self.names.declare("value", d.name, d.span, "name"):  # type: ignore[attr-defined]
                self.duplicate_values.add(id(d))
        symbols: set[str] = set()
        for _, d in self._decls(ast.SetDecl):
            assert isinstance(d, ast.SetDecl)
            if id(d) in self.duplicate_values:
                continue
            seen: set[str] = set()
            for el, sp in zip(
                d.elements, d.element_spans or [d.span] * len(d.elements), strict=False
            ):
                if el in seen:
                    self.diags.append(error("E101", f"'{el}' appears twice in set '{d.name}'", sp))
                seen.add(el)
            self.sets[d.name] = tuple(dict.fromkeys(d.elements))
            symbols.update(d.elements)
        for _, d in self._decls(ast.VarDecl):
            assert isinstance(d, ast.VarDecl)
            t = d.type
            while isinstance(t, ast.MapTypeExpr):
                t = t.element
            if isinstance(t, ast.EnumTypeExpr):
                symbols.update(t.values)
        self.symbols = frozenset(symbols)
        for _, d in self._decls(ast.ConstDecl):
            assert isinstance(d, ast.ConstDecl)
            if id(d) in self.duplicate_values:
                continue
            value = self._constant(d.value, self._base_scope(), f"the value of constant '{d.name}'")
            if value is not None:
                self.consts[d.name] = value
            else:  # reported once, at its own value; uses of it are not unknown names
                self.failed_consts.add(d.name)

    def _constant(self, e: ast.Expr, scope: Scope, what: str) -> m.Value | None:
        """A constant expression, evaluated before the variables are declared: naming a
        variable (declared anywhere) is E204, not an unknown name."""
        declared = {d.name for _, d in self._decls(ast.VarDecl)}  # type: ignore[attr-defined]
        for name in names_in(e):
            if name.name in declared and name.name not in scope.bound:
                self.diags.append(
                    error(
                        "E204",
                        f"{what} must be a constant",
                        name.span,
                        f"'{name.name}' is a variable",
                    )
                )
                return None
        return self._lowered_constant(e, scope, what)

    # ------------------------------------------------------------------ variables
    def _type(self, t: ast.TypeExpr, var: str) -> m.Type | None:
        scope = self._base_scope()
        match t:
            case ast.BoolTypeExpr():
                return m.BOOL
            case ast.IntTypeExpr():
                return m.INT
            case ast.EnumTypeExpr(values=values):
                if len(set(values)) != len(values):
                    self.diags.append(error("E101", f"a value of '{var}' is listed twice", t.span))
                return m.EnumType(var, tuple(dict.fromkeys(values)))
            case ast.RangeTypeExpr(lo=lo, hi=hi):
                lo_v = self._constant(lo, scope, "the lower bound")
                hi_v = self._constant(hi, scope, "the upper bound")
                for bound, value in ((lo, lo_v), (hi, hi_v)):
                    if value is not None and (
                        isinstance(value, bool) or not isinstance(value, int)
                    ):
                        self.diags.append(
                            error(
                                "E201",
                                "the bounds of a range must be numbers",
                                span_of(bound),
                                "this is a truth value"
                                if isinstance(value, bool)
                                else f"this is `{value}`",
                            )
                        )
                if (
                    not isinstance(lo_v, int)
                    or not isinstance(hi_v, int)
                    or isinstance(lo_v, bool)
                    or isinstance(hi_v, bool)
                ):
                    return None
                if hi_v < lo_v:
                    self.diags.append(error("E207", f"the range {lo_v}..{hi_v} is empty", t.span))
                    return None
                if hi_v - lo_v > MAX_RANGE:
                    self.diags.append(
                        error(
                            "E303",
                            f"the range {lo_v}..{hi_v} is too large to enumerate",
                            t.span,
                            help="use `int` (unbounded) and the symbolic engine",
                        )
                    )
                    return None
                return m.IntType(lo_v, hi_v)
            case ast.ElementTypeExpr(set_name=s):
                if s not in self.sets:
                    self._unknown_set(s, t.span)
                    return None
                return m.EnumType(s, self.sets[s])
            case ast.MapTypeExpr():
                self.diags.append(error("E205", "a map of maps is not supported", t.span))
                return None
        raise AssertionError(t)

    def _unknown_set(self, name: str, span: Span) -> None:
        close = closest(name, list(self.sets))
        self.diags.append(
            error(
                "E102",
                f"unknown set '{name}'",
                span,
                "not declared",
                help=f"did you mean '{close}'?" if close else "declare it: set NAME = {a, b}",
            )
        )

    def _variables(self) -> None:
        self.slots: list[m.Slot] = []
        self.initial: list[tuple[m.Value, ...] | None] = []
        for _, d in self._decls(ast.VarDecl):
            assert isinstance(d, ast.VarDecl)
            if id(d) in self.duplicate_values:
                continue
            keys: tuple[str, ...] | None = None
            index_set: str | None = None
            elem = d.type
            if isinstance(d.type, ast.MapTypeExpr):
                index_set = d.type.index_set
                if index_set not in self.sets:
                    self._unknown_set(index_set, d.type.span)
                    continue
                keys = self.sets[index_set]
                elem = d.type.element
            t = self._type(elem, d.name)
            if t is None:
                continue
            if len(self.slots) + len(keys or (0,)) > MAX_SLOTS:
                self.diags.append(error("E303", "too many state variables", d.span))
                return
            var = m.Variable(d.name, t, len(self.slots), keys, index_set, d.span)
            self.variables[d.name] = var
            for k in keys if keys is not None else (None,):
                self.slots.append(
                    m.Slot(f"{d.name}[{k}]" if k is not None else d.name, d.name, k, t)
                )
            self.initial.extend(self._initial(d, var))

    def _initial(self, d: ast.VarDecl, var: m.Variable) -> list[tuple[m.Value, ...] | None]:
        n = len(var.keys) if var.keys is not None else 1
        t = var.type
        init = d.initial
        if isinstance(init, ast.AnyInitial):
            return [m.domain_of(t)] * n
        if init is None:
            default: m.Value = (
                False
                if isinstance(t, m.BoolType)
                else (t.lo if t.lo is not None else 0)
                if isinstance(t, m.IntType)
                else t.values[0]
            )
            return [(default,)] * n
        if isinstance(init, ast.MapInitial):
            if var.keys is None:
                self.diags.append(error("E201", f"'{d.name}' is not a map", init.span))
                return [(self._default(t),)]
            values: dict[str, tuple[m.Value, ...]] = {}
            for (key, expr), kspan in zip(init.entries, init.key_spans, strict=True):
                if key not in var.keys:
                    self.diags.append(
                        error("E205", f"'{key}' is not an element of '{var.index_set}'", kspan)
                    )
                    continue
                values[key] = (self._init_value(expr, var, d.name),)
            missing = [k for k in var.keys if k not in values]
            if missing:
                self.diags.append(
                    error(
                        "E202",
                        f"no initial value for {', '.join(f'{d.name}[{k}]' for k in missing)}",
                        init.span,
                        help="give every entry a value, or one value for all",
                    )
                )
            return [values.get(k, (self._default(t),)) for k in var.keys]
        return [(self._init_value(init, var, d.name),)] * n

    def _default(self, t: m.Type) -> m.Value:
        dom = m.domain_of(t)
        return dom[0] if dom else 0

    def _init_value(self, expr: ast.Expr, var: m.Variable, name: str) -> m.Value:
        lowered, vt = self._typed(expr, self._base_scope())
        if isinstance(vt, ErrorType):
            return self._default(var.type)
        if not isinstance(lowered, m.Lit):
            self.diags.append(error("E204", "an initial value must be a constant", span_of(expr)))
            return self._default(var.type)
        self._check_value(lowered.value, vt, var.type, span_of(expr), name, "E202")
        return lowered.value

    def _check_value(
        self, value: m.Value, vt: object, t: m.Type, span: Span, name: str, code: Code
    ) -> bool:
        """A constant written to `name`: right type and inside its declared range."""
        ok_type = (
            (isinstance(t, m.BoolType) and isinstance(value, bool))
            or (isinstance(t, m.IntType) and isinstance(value, int) and not isinstance(value, bool))
            or (isinstance(t, m.EnumType) and isinstance(value, str))
        )
        if not ok_type:
            self.diags.append(
                error("E201", f"'{name}' holds {type_name(t)}, not {type_name(vt)}", span)  # type: ignore[arg-type]
            )
            return False
        if isinstance(t, m.IntType) and not t.contains(value):  # type: ignore[arg-type]
            self.diags.append(
                error(code, f"{value} is outside the range {t} of '{name}'", span, "out of range")
            )
            return False
        if isinstance(t, m.EnumType) and value not in t.values:
            self.diags.append(
                error(
                    code,
                    f"'{value}' is not a value of '{name}'",
                    span,
                    f"'{name}' is one of {{{', '.join(t.values)}}}",
                )
            )
            return False
        return True

    # ------------------------------------------------------------------ the whole
    def check(self) -> m.Model:
        self._vocabulary()
        self._constants_and_sets()
        self._variables()
        self._shadowing()
        rules = self._rules()
        final = self.final_expr = self._final()
        properties = self._properties()
        scenarios = self._scenarios(rules)
        expectations = self._expectations(properties, self.scenario_names)
        main = self.program.main
        self.allows, problems = allowances(main, {r.rule for r in rules})
        self.diags += problems
        return m.Model(
            main.name,
            main.title,
            main.kind == "library",
            main.path,
            tuple(self.sources.values()),
            tuple(self.organs.values()),
            tuple(self.kinds.values()),
            tuple(self.actors.values()),
            tuple(self.sets.items()),
            tuple(self.variables.values()),
            tuple(self.slots),
            tuple(self.initial),
            tuple(rules),
            final,
            tuple(properties),
            tuple(expectations),
            main.span,
            self._value_titles(),
            tuple(scenarios),
            self.allows,
            title_zh=main.title_zh,
        )

    def _value_titles(self) -> tuple[m.ValueTitle, ...]:
        """`value` declarations, checked against the variables they title (E102, E202)."""
        out = []
        for _, d in self._decls(ast.ValueDecl):
            assert isinstance(d, ast.ValueDecl)
            var = self.variables.get(d.var)
            if var is None:
                close = closest(d.var, list(self.variables))
                self.diags.append(
                    error(
                        "E102",
                        f"unknown variable '{d.var}'",
                        d.span,
                        "`value` titles a variable's value",
                        help=f"did you mean '{close}'?" if close else "",
                    )
                )
                continue
            if d.value is not None and not self._value_fits(var.type, d.value, d.var, d.span):
                continue
            out.append(m.ValueTitle(d.var, d.value, d.title, d.title_zh))
        return tuple(out)

    def _value_fits(self, t: m.Type, value: m.Value, name: str, span: Span) -> bool:
        fits = (
            (isinstance(t, m.BoolType) and isinstance(value, bool))
            or (
                isinstance(t, m.IntType)
                and isinstance(value, int)
                and not isinstance(value, bool)
                and t.contains(value)
            )
            or (isinstance(t, m.EnumType) and value in t.values)
        )
        if not fits:
            self.diags.append(
                error("E202", f"'{value}' is not a value of '{name}'", span, f"'{name}' is {t}")
            )
        return fits


def check_program(program: Program) -> tuple[m.Model, list[Diagnostic]]:
    checker = ModelChecker(program)
    model = checker.check()
    return model, _dedupe(without_allowed(checker.diags, model.allows, program.main.path))


def _dedupe(diags: list[Diagnostic]) -> list[Diagnostic]:
    """A parameterised rule is checked once per instance: report each problem once."""
    seen: set[tuple[str, str, Span]] = set()
    out = []
    for d in diags:
        key = (d.code, d.message, d.span)
        if key not in seen:
            seen.add(key)
            out.append(d)
    return out


__all__ = ["Program", "check_program", "SymbolType"]
