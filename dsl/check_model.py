"""Name resolution, type checking and lowering of declarations: a Program -> a checked Model.

Input: the consolidated declarations of one procedure (after `extends`) and the libraries it
imports. Output: `dsl.model.Model` and diagnostics. Emits E101, E102, E105-E109, E201-E207,
E301-E303 and the warnings W401-W402.
"""

from __future__ import annotations

import difflib
import itertools
import math
from dataclasses import dataclass, field, fields, is_dataclass

from dsl import ast
from dsl import model as m
from dsl.diagnostics import Diagnostic, error, warning
from dsl.lower_expr import ErrorType, ExprLowering, Scope, SymbolType, type_name
from dsl.source import Span

MAX_SLOTS = 10_000  # a map over a huge set is refused (hostile input)
MAX_RANGE = 10_000_000
MAX_INSTANCES = 10_000


@dataclass(frozen=True, slots=True)
class Program:
    """One procedure's own (consolidated) module and the libraries it imports, in load order."""

    main: ast.Module
    libraries: tuple[ast.Module, ...] = ()
    rule_origins: dict[str, str] = field(default_factory=dict)


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


class ModelChecker:
    def __init__(self, program: Program) -> None:
        self.program = program
        self.diags: list[Diagnostic] = []
        self.names = _Names(self.diags)
        self.lowering = ExprLowering(self.diags)

    # ------------------------------------------------------------------ helpers
    def _decls(self, cls: type) -> list[tuple[ast.Module, object]]:
        out = []
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
            **kw,  # type: ignore[arg-type]
        )

    # ------------------------------------------------------------------ vocabulary
    def _vocabulary(self) -> None:
        self.sources: dict[str, m.Source] = {}
        for _, d in self._decls(ast.SourceDecl):
            assert isinstance(d, ast.SourceDecl)
            if self.names.declare("source", d.name, d.span, "source"):
                self.sources[d.name] = m.Source(d.name, d.title, d.zh, d.text, d.span)
        self.organ_decls: dict[str, ast.OrganDecl] = {}
        for _, d in self._decls(ast.OrganDecl):
            assert isinstance(d, ast.OrganDecl)
            if self.names.declare("organ", d.name, d.span, "organ"):
                self.organ_decls[d.name] = d
        self.organs: dict[str, m.Organ] = {}
        for d in self.organ_decls.values():
            if d.parent is not None and d.parent not in self.organ_decls:
                close = difflib.get_close_matches(d.parent, list(self.organ_decls), n=1)
                self.diags.append(
                    error("E106", f"unknown organ '{d.parent}'", d.parent_span, "not declared",
                          help=f"did you mean '{close[0]}'?" if close else "")
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
                close = difflib.get_close_matches(d.organ, list(self.organs), n=1)
                self.diags.append(
                    error("E106", f"unknown organ '{d.organ}'", d.organ_span, "not declared",
                          help=f"did you mean '{close[0]}'?" if close
                          else "declare it (organ NAME is court) or `import principles`")
                )
            self.actors[d.name] = m.Actor(d.name, d.organ, d.label, self._chain(d.organ, d.span), d.span)

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
        self.sets: dict[str, tuple[str, ...]] = {}
        self.variables: dict[str, m.Variable] = {}
        self.rule_names: set[str] = {
            d.name for _, d in self._decls(ast.RuleDecl)  # type: ignore[attr-defined]
        }
        # sets, constants and variables share one namespace: the first one *written* wins,
        # whichever of the three kinds is processed first below
        self.duplicate_values: set[int] = set()
        for _, d in self._decls((ast.SetDecl, ast.ConstDecl, ast.VarDecl)):  # type: ignore[arg-type]
            if not self.names.declare("value", d.name, d.span, "name"):  # type: ignore[attr-defined]
                self.duplicate_values.add(id(d))
        symbols: set[str] = set()
        for _, d in self._decls(ast.SetDecl):
            assert isinstance(d, ast.SetDecl)
            if id(d) in self.duplicate_values:
                continue
            seen: set[str] = set()
            for el, sp in zip(d.elements, d.element_spans or [d.span] * len(d.elements), strict=False):
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

    def _constant(self, e: ast.Expr, scope: Scope, what: str) -> m.Value | None:
        """A constant expression, evaluated before the variables are declared: naming a
        variable (declared anywhere) is E204, not an unknown name."""
        declared = {d.name for _, d in self._decls(ast.VarDecl)}  # type: ignore[attr-defined]
        for name in _names_in(e):
            if name.name in declared and name.name not in scope.bound:
                self.diags.append(error("E204", f"{what} must be a constant", name.span,
                                        f"'{name.name}' is a variable"))
                return None
        return self.lowering.constant(e, scope, what)

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
                    if value is not None and (isinstance(value, bool) or not isinstance(value, int)):
                        self.diags.append(error("E201", "the bounds of a range must be numbers",
                                                _span(bound), "this is a truth value" if isinstance(value, bool) else f"this is `{value}`"))
                if not isinstance(lo_v, int) or not isinstance(hi_v, int) or isinstance(lo_v, bool) or isinstance(hi_v, bool):
                    return None
                if hi_v < lo_v:
                    self.diags.append(error("E207", f"the range {lo_v}..{hi_v} is empty", t.span))
                    return None
                if hi_v - lo_v > MAX_RANGE:
                    self.diags.append(
                        error("E303", f"the range {lo_v}..{hi_v} is too large to enumerate", t.span,
                              help="use `int` (unbounded) and the symbolic engine")
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
        close = difflib.get_close_matches(name, list(self.sets), n=1)
        self.diags.append(
            error("E102", f"unknown set '{name}'", span, "not declared",
                  help=f"did you mean '{close[0]}'?" if close else "declare it: set NAME = {a, b}")
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
                self.slots.append(m.Slot(f"{d.name}[{k}]" if k is not None else d.name, d.name, k, t))
            self.initial.extend(self._initial(d, var))

    def _initial(self, d: ast.VarDecl, var: m.Variable) -> list[tuple[m.Value, ...] | None]:
        n = len(var.keys) if var.keys is not None else 1
        t = var.type
        init = d.initial
        if isinstance(init, ast.AnyInitial):
            return [m.domain_of(t)] * n
        if init is None:
            default: m.Value = (
                False if isinstance(t, m.BoolType)
                else (t.lo if t.lo is not None else 0) if isinstance(t, m.IntType)
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
                    error("E202", f"no initial value for {', '.join(f'{d.name}[{k}]' for k in missing)}",
                          init.span, help="give every entry a value, or one value for all")
                )
            return [values.get(k, (self._default(t),)) for k in var.keys]
        return [(self._init_value(init, var, d.name),)] * n

    def _default(self, t: m.Type) -> m.Value:
        dom = m.domain_of(t)
        return dom[0] if dom else 0

    def _init_value(self, expr: ast.Expr, var: m.Variable, name: str) -> m.Value:
        lowered, vt = self.lowering.lower(expr, self._base_scope())
        if isinstance(vt, ErrorType):
            return self._default(var.type)
        if not isinstance(lowered, m.Lit):
            self.diags.append(error("E204", "an initial value must be a constant", _span(expr)))
            return self._default(var.type)
        self._check_value(lowered.value, vt, var.type, _span(expr), name, "E202")
        return lowered.value

    def _check_value(self, value: m.Value, vt: object, t: m.Type, span: Span, name: str, code: str) -> bool:
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
            self.diags.append(error(code, f"{value} is outside the range {t} of '{name}'", span,
                                    "out of range"))
            return False
        if isinstance(t, m.EnumType) and value not in t.values:
            self.diags.append(error(code, f"'{value}' is not a value of '{name}'", span,
                                    f"'{name}' is one of {{{', '.join(t.values)}}}"))
            return False
        return True

    # ------------------------------------------------------------------ rules
    def _rules(self) -> list[m.RuleInstance]:
        instances: list[m.RuleInstance] = []
        for mod, d in self._decls(ast.RuleDecl):
            assert isinstance(d, ast.RuleDecl)
            if not self.names.declare("rule", d.name, d.span, "rule"):
                continue
            if mod is not self.program.main and self.program.main.kind == "procedure":
                pass  # rules in libraries are allowed (shared procedural building blocks)
            instances.extend(self._rule(d))
            if len(instances) > MAX_INSTANCES:
                self.diags.append(error("E303", "too many rule instances", d.span))
                break
        return instances

    def _clauses(self, d: ast.RuleDecl) -> dict[type, object]:
        found: dict[type, object] = {}
        for c in d.clauses:
            key = type(c)
            if key in found:
                word = {ast.By: "by", ast.KindClause: "kind", ast.Cites: "cites", ast.When: "when",
                        ast.Then: "then", ast.Modality: "duty/power"}[key]
                self.diags.append(
                    error("E302", f"rule '{d.name}' has more than one `{word}`", _span(c),
                          "second clause", help="combine them into one clause")
                )
                continue
            found[key] = c
        return found

    def _rule(self, d: ast.RuleDecl) -> list[m.RuleInstance]:
        c = self._clauses(d)
        by = c.get(ast.By)
        kind = c.get(ast.KindClause)
        cites = c.get(ast.Cites)
        modality = c.get(ast.Modality)
        actor = ""
        if by is None:
            self.diags.append(error("E301", f"rule '{d.name}' does not say who acts", d.span,
                                    "no `by`", help="add `by ACTOR`: every act has an acting organ or party"))
        else:
            assert isinstance(by, ast.By)
            actor = by.actor
            if actor not in self.actors:
                close = difflib.get_close_matches(actor, list(self.actors), n=1)
                self.diags.append(error("E108", f"unknown actor '{actor}'", by.span, "not declared",
                                        help=f"did you mean '{close[0]}'?" if close else "declare it: actor NAME is ORGAN"))
        kind_name = None
        if kind is None:
            self.diags.append(warning("W402", f"rule '{d.name}' does not say what kind of act it is", d.span))
        else:
            assert isinstance(kind, ast.KindClause)
            kind_name = kind.kind
            if kind_name not in self.kinds:
                close = difflib.get_close_matches(kind_name, list(self.kinds), n=1)
                self.diags.append(error("E107", f"unknown act kind '{kind_name}'", kind.span, "not declared",
                                        help=f"did you mean '{close[0]}'?" if close else "declare it: kind NAME, or `import principles`"))
        citations: tuple[str, ...] = ()
        if cites is None:
            if self.sources:  # a puzzle that declares no sources at all cites nothing
                self.diags.append(warning("W401", f"rule '{d.name}' cites no legal source", d.span))
        else:
            assert isinstance(cites, ast.Cites)
            citations = cites.sources
            for name, sp in zip(cites.sources, cites.source_spans, strict=True):
                if name not in self.sources:
                    close = difflib.get_close_matches(name, list(self.sources), n=1)
                    self.diags.append(error("E105", f"unknown source '{name}'", sp, "not declared",
                                            help=f"did you mean '{close[0]}'?" if close else 'declare it: source NAME "title"'))
        duty = False
        deadline = None
        if modality is not None:
            assert isinstance(modality, ast.Modality)
            duty = modality.duty
            if modality.within is not None:
                days = self.lowering.constant(modality.within, self._base_scope(), "a deadline")
                if isinstance(days, int) and not isinstance(days, bool) and days >= 0:
                    deadline = days
                elif days is not None:
                    self.diags.append(error("E201", "a deadline is a whole number of days", _span(modality.within)))
        for p in d.params:
            if p.set_name not in self.sets:
                self._unknown_set(p.set_name, p.span)
                return []
        count = math.prod(len(self.sets[p.set_name]) for p in d.params)
        if count > MAX_INSTANCES:  # refuse before instantiating (hostile input)
            self.diags.append(error("E303", f"rule '{d.name}' has {count:,} instances, more than {MAX_INSTANCES:,}", d.span))
            return []
        origin = self.program.rule_origins.get(d.name, d.span.path)
        out = []
        for binding in itertools.product(*(self.sets[p.set_name] for p in d.params)):
            scope = self._base_scope()
            for p, value in zip(d.params, binding, strict=True):
                scope = scope.bind(p.name, value, p.set_name)
            when = c.get(ast.When)
            guard: m.Expr = m.Lit(True)
            if when is not None:
                assert isinstance(when, ast.When)
                guard = self.lowering.boolean(when.guard, scope, "a rule's condition (`when`)")
            updates = self._updates(c.get(ast.Then), scope, d.name)
            name = d.name if not d.params else f"{d.name}({', '.join(binding)})"
            out.append(m.RuleInstance(
                name, d.name, tuple((p.name, v) for p, v in zip(d.params, binding, strict=True)),
                actor, kind_name, citations, guard, updates, duty, deadline, d.title, origin, d.span,
            ))
        return out

    def _updates(self, then: object, scope: Scope, rule: str) -> tuple[m.Update, ...]:
        if then is None:
            return ()
        assert isinstance(then, ast.Then)
        updates: dict[int, m.Update] = {}
        for a in then.assignments:
            var = self.variables.get(a.target)
            if var is None:
                if a.target in self.consts:
                    self.diags.append(error("E201", f"'{a.target}' is a constant and cannot be assigned", a.span))
                else:
                    close = difflib.get_close_matches(a.target, list(self.variables), n=1)
                    self.diags.append(error("E102", f"unknown variable '{a.target}'", a.span, "not declared",
                                            help=f"did you mean '{close[0]}'?" if close else ""))
                continue
            value, vt = self.lowering.lower(a.value, scope)
            targets: list[tuple[int, m.Expr]] = []
            if var.keys is None:
                if a.index is not None:
                    self.diags.append(error("E205", f"'{a.target}' is not a map", _span(a.index)))
                    continue
                targets.append((var.first_slot, value))
            else:
                if a.index is None:
                    self.diags.append(error("E205", f"'{a.target}' is a map: assign one entry, e.g. {a.target}[{var.keys[0] if var.keys else 'x'}]", a.span))
                    continue
                key, kt = self.lowering.lower(a.index, scope)
                if isinstance(key, m.Lit):
                    if key.value not in var.keys:
                        self.diags.append(error("E205", f"'{key.value}' is not an element of '{var.index_set}'", _span(a.index)))
                        continue
                    targets.append((var.first_slot + var.keys.index(key.value), value))  # type: ignore[arg-type]
                else:
                    if not (isinstance(kt, m.EnumType) and set(kt.values) <= set(var.keys)):
                        self.diags.append(error("E205", f"the index of '{a.target}' must be an element of '{var.index_set}'", _span(a.index)))
                        continue
                    for i, k in enumerate(var.keys):
                        old = m.SlotRef(var.first_slot + i, f"{a.target}[{k}]")
                        targets.append((var.first_slot + i, m.Ite(m.Binary("==", key, m.Lit(k)), value, old)))
            if not self._assignable(vt, var.type):
                self.diags.append(error("E201", f"'{a.target}' holds {type_name(var.type)}, not {type_name(vt)}", _span(a.value)))
                continue
            if isinstance(value, m.Lit) and not isinstance(vt, ErrorType):
                self._check_value(value.value, vt, var.type, _span(a.value), a.target, "E203")
            for slot, expr in targets:
                if slot in updates:
                    self.diags.append(error("E206", f"rule '{rule}' assigns {self.slots[slot].name} twice in one step", a.span,
                                            help="assignments in `then` happen at once; assign each variable once"))
                    continue
                updates[slot] = m.Update(slot, expr)
        return tuple(updates[s] for s in sorted(updates))

    def _assignable(self, vt: object, t: m.Type) -> bool:
        if isinstance(vt, ErrorType):
            return True
        if isinstance(t, m.BoolType):
            return isinstance(vt, m.BoolType)
        if isinstance(t, m.IntType):
            return isinstance(vt, m.IntType)
        if isinstance(vt, SymbolType):
            return vt.value in t.values
        if isinstance(vt, m.EnumType):
            return set(vt.values) <= set(t.values)
        return False

    # ------------------------------------------------------------------ finals, properties, expectations
    def _final(self) -> m.Expr | None:
        finals = self._decls(ast.FinalDecl)
        if not finals:
            return None
        acc: m.Expr = m.Lit(False)
        from dsl.lower_expr import make_binary

        for _, d in finals:
            assert isinstance(d, ast.FinalDecl)
            acc = make_binary("or", acc, self.lowering.boolean(d.predicate, self._base_scope(), "`final`"))
        return acc

    def _pattern(self, p: ast.StepPatternExpr, scope: Scope) -> m.StepPattern:
        if p.where is None:
            return m.StepPattern(m.Lit(True))
        scope.in_step_pattern = True
        try:
            return m.StepPattern(self.lowering.boolean(p.where, scope, "a step pattern"))
        finally:
            scope.in_step_pattern = False

    def _excluded(self) -> set[str]:
        """Library properties the procedure declines with `import … except` (E113 if unknown)."""
        library_props = {d.name for mod in self.program.libraries for d in mod.decls
                         if isinstance(d, ast.PropertyDecl)}
        excluded: set[str] = set()
        for d in self.program.main.decls:
            if not isinstance(d, ast.Import):
                continue
            for name, span in zip(d.excepted, d.excepted_spans, strict=True):
                if name not in library_props:
                    close = difflib.get_close_matches(name, sorted(library_props), n=1)
                    self.diags.append(error("E113", f"the imported libraries have no property '{name}'",
                                            span, "nothing to except",
                                            help=f"did you mean '{close[0]}'?" if close else ""))
                excluded.add(name)
        return excluded

    def _properties(self) -> list[m.Property]:
        excluded = self._excluded()
        out = []
        for mod, d in self._decls(ast.PropertyDecl):
            assert isinstance(d, ast.PropertyDecl)
            if not self.names.declare("property", d.name, d.span, "property"):
                continue
            if d.name in excluded:
                out.append(m.Property(d.name, m.Invariant(m.Lit(True)), d.title, d.text, d.span.path,
                                      f"excluded by this procedure (`import … except {d.name}`)", d.span))
                continue
            from_library = mod is not self.program.main or mod.kind == "library"
            scope = self._base_scope(report_unknown=not from_library, final=self.final_expr, final_allowed=True)
            if from_library:
                self._library_vocabulary(d.body)
            form = self._form(d.body, scope)
            missing = ""
            if scope.missing and from_library:
                names = ", ".join(f"'{n}'" for n in dict.fromkeys(scope.missing))
                missing = f"the procedure declares no {names}"
            if form is not None:
                out.append(m.Property(d.name, form, d.title, d.text, d.span.path, missing, d.span))
        return out

    def _library_vocabulary(self, body: ast.PropertyBody) -> None:
        """A principle may name state a procedure lacks (then: not applicable), but its act
        kinds and organs are the library's own vocabulary: a typo there is an error, or the
        principle would silently be 'not applicable' everywhere."""
        for node in _nodes_in(body):
            if isinstance(node, ast.IsOrgan) and node.organ not in self.organs:
                close = difflib.get_close_matches(node.organ, list(self.organs), n=1)
                self.diags.append(error("E106", f"unknown organ '{node.organ}'", node.organ_span, "not declared",
                                        help=f"did you mean '{close[0]}'?" if close else ""))
            names: list[ast.Name] = []
            if isinstance(node, ast.BinOp) and node.op in ("==", "!="):
                for a, b in ((node.left, node.right), (node.right, node.left)):
                    if isinstance(a, ast.StepField) and a.field == "kind" and isinstance(b, ast.Name):
                        names.append(b)
            if (isinstance(node, ast.Member) and isinstance(node.operand, ast.StepField)
                    and node.operand.field == "kind" and isinstance(node.collection, ast.SetLiteral)):
                names += [i for i in node.collection.items if isinstance(i, ast.Name)]
            for n in names:
                if n.name not in self.kinds:
                    close = difflib.get_close_matches(n.name, list(self.kinds), n=1)
                    self.diags.append(error("E107", f"unknown act kind '{n.name}'", n.span, "not declared",
                                            help=f"did you mean '{close[0]}'?" if close else ""))

    def _form(self, b: ast.PropertyBody, scope: Scope) -> m.PropertyForm | None:
        ops = b.operands
        low = self.lowering

        def pred(e: object, what: str) -> m.Expr:
            return low.boolean(e, scope, what)  # type: ignore[arg-type]

        def pat(e: object) -> m.StepPattern:
            return self._pattern(e, scope)  # type: ignore[arg-type]

        within = None
        if b.within is not None:
            days = low.constant(b.within, scope, "a period")
            if isinstance(days, int) and not isinstance(days, bool) and days >= 0:
                within = days
            elif days is not None:
                self.diags.append(error("E201", "a period is a whole number of days", _span(b.within)))
        match b.form:
            case "always":
                return m.Invariant(pred(ops[0], "`always`"))
            case "never_state":
                from dsl.lower_expr import make_not

                return m.Invariant(make_not(pred(ops[0], "`never`")))
            case "never_step":
                return m.NeverStep(pat(ops[0]))
            case "reachable":
                return m.Reachable(pred(ops[0], "`reachable`"))
            case "eventually":
                return m.Eventually(pred(ops[0], "`eventually`"))
            case "requires_earlier":
                return m.RequiresEarlier(pat(ops[0]), pat(ops[1]))
            case "after_possible":
                return m.AfterPossible(pat(ops[0]), pat(ops[1]))
            case "leads_to_state" | "leads_to_step":
                trigger = pred(ops[0], "the left side of `leads_to`") if b.form == "leads_to_state" else pat(ops[0])
                target = pat(ops[1]) if isinstance(ops[1], ast.StepPatternExpr) else pred(ops[1], "the right side of `leads_to`")
                return m.LeadsTo(trigger, target, within)
        raise AssertionError(b.form)

    def _expectations(self, properties: list[m.Property]) -> list[m.Expectation]:
        names = [p.name for p in properties]
        out: dict[str, m.Expectation] = {}
        for _, d in self._decls(ast.ExpectDecl):
            assert isinstance(d, ast.ExpectDecl)
            if d.property not in names:
                close = difflib.get_close_matches(d.property, names, n=1)
                self.diags.append(error("E109", f"`expect` names no property '{d.property}'", d.span,
                                        "no such property", help=f"did you mean '{close[0]}'?" if close else ""))
                continue
            if d.property in out:
                self.diags.append(Diagnostic("E101", f"two expectations for '{d.property}'", d.span,
                                             secondary=((out[d.property].span, "first expectation"),)))
                continue
            out[d.property] = m.Expectation(d.property, d.verdict, d.reason, d.span)
        return list(out.values())

    # ------------------------------------------------------------------ the whole
    def check(self) -> m.Model:
        self._vocabulary()
        self._constants_and_sets()
        self._variables()
        rules = self._rules()
        final = self.final_expr = self._final()
        properties = self._properties()
        expectations = self._expectations(properties)
        main = self.program.main
        return m.Model(
            main.name, main.title, main.kind == "library", main.path,
            tuple(self.sources.values()), tuple(self.organs.values()), tuple(self.kinds.values()),
            tuple(self.actors.values()), tuple(self.sets.items()), tuple(self.variables.values()),
            tuple(self.slots), tuple(self.initial), tuple(rules), final, tuple(properties),
            tuple(expectations), main.span,
        )


def check_program(program: Program) -> tuple[m.Model, list[Diagnostic]]:
    checker = ModelChecker(program)
    model = checker.check()
    return model, _dedupe(checker.diags)


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


def _nodes_in(e: object) -> list[object]:
    """Every AST node below `e`, without recursion."""
    out: list[object] = []
    stack = [e]
    while stack:
        node = stack.pop()
        if isinstance(node, tuple):
            stack.extend(node)
        elif is_dataclass(node) and not isinstance(node, Span):
            out.append(node)
            stack.extend(getattr(node, f.name) for f in fields(node))
    return out


def _names_in(e: object) -> list[ast.Name]:
    """Every `Name` in an expression, including indexed map names, without recursion."""
    out: list[ast.Name] = []
    stack = [e]
    while stack:
        node = stack.pop()
        if isinstance(node, ast.Name):
            out.append(node)
        elif isinstance(node, tuple):
            stack.extend(node)
        elif is_dataclass(node) and not isinstance(node, Span):
            stack.extend(getattr(node, f.name) for f in fields(node))
    return out


def _span(e: object) -> Span:
    return getattr(e, "span")  # noqa: B009


__all__ = ["Program", "check_program", "SymbolType"]
