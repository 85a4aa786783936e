"""How a procedure's names meet the names its imported principles read (issue 12: no capture).

A library principle reads three sorts of names: the library's own vocabulary (act kinds,
organs), conventional state (`sale`, `sale_undone`, `decision_period`) and `final`. Each is
resolved explicitly: by a `LIB bind read = declared` line, or by the procedure declaring the
conventional name itself; otherwise the principle is *not modelled* and says which name it
needs. Near misses and names that shadow the vocabulary are warnings with codes, so a verdict
never changes silently. Emits E114, E102 (a `bind` target), W403, W404, W405.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cached_property

from dsl import ast
from dsl.ast_walk import nodes_in
from dsl.check_context import CheckingContext
from dsl.diagnostics import Diagnostic, error, warning
from dsl.source import Span
from dsl.suggest import closest

NEAR = 0.75  # difflib ratio above which a declared name is reported as a near miss


@dataclass(frozen=True, slots=True)
class Reads:
    """The names one principle reads, split by what the library itself declares."""

    vocabulary: tuple[str, ...]  # act kinds and organs the library declares
    conventional: tuple[str, ...]  # names the importing procedure must declare (or bind)


def read_names(body: ast.PropertyBody) -> list[str]:
    """Every name a property body reads, in order, without its quantifiers' bound variables."""
    bound = {n.var for n in nodes_in(body) if isinstance(n, ast.Quantified)}
    out: list[tuple[tuple[int, int], str]] = []
    for node in nodes_in(body):
        if isinstance(node, ast.Name) and node.name not in bound:
            out.append(((node.span.line, node.span.col), node.name))
        elif isinstance(node, ast.IsOrgan):
            out.append(((node.organ_span.line, node.organ_span.col), node.organ))
        elif isinstance(node, ast.Quantified):
            out.append(((node.set_span.line, node.set_span.col), node.set_name))
    return list(dict.fromkeys(name for _, name in sorted(out)))


class BindingChecks(CheckingContext):
    """The binding half of `ModelChecker` (a mixin, like `PropertyChecks`)."""

    # ------------------------------------------------------------------ what libraries declare
    def _library_declared(self, library: ast.Module) -> set[str]:
        names: set[str] = set()
        for d in library.decls:
            if isinstance(
                d,
                ast.KindDecl
                | ast.OrganDecl
                | ast.ConstDecl
                | ast.SetDecl
                | ast.VarDecl
                | ast.ActorDecl,
            ):
                names.add(d.name)
            if isinstance(d, ast.SetDecl):
                names.update(d.elements)
        return names

    def _reads(self, library: ast.Module, body: ast.PropertyBody) -> Reads:
        own = self._library_declared(library)
        names = read_names(body)
        return Reads(tuple(n for n in names if n in own), tuple(n for n in names if n not in own))

    @cached_property
    def _case_names(self) -> dict[str, tuple[str, Span]]:
        """What the procedure itself declares: name -> (what it is, where). Read once per
        check: every principle not modelled asks (a set of 20,000 elements made it costly)."""
        out: dict[str, tuple[str, Span]] = {}
        for d in self.program.main.decls:
            match d:
                case ast.VarDecl(name=name, type=t):
                    out.setdefault(name, ("a variable", d.span))
                    while isinstance(t, ast.MapTypeExpr):
                        t = t.element
                    if isinstance(t, ast.EnumTypeExpr):
                        spans = t.value_spans or (t.span,) * len(t.values)
                        for v, sp in zip(t.values, spans, strict=False):
                            out.setdefault(v, (f"a value of '{name}'", sp))
                case ast.ConstDecl(name=name):
                    out.setdefault(name, ("a constant", d.span))
                case ast.SetDecl(name=name):
                    out.setdefault(name, ("a set", d.span))
                    spans = d.element_spans or (d.span,) * len(d.elements)
                    for el, sp in zip(d.elements, spans, strict=False):
                        out.setdefault(el, (f"an element of '{name}'", sp))
                case ast.KindDecl(name=name):
                    out.setdefault(name, ("an act kind", d.span))
                case ast.OrganDecl(name=name):
                    out.setdefault(name, ("an organ", d.span))
                case ast.ActorDecl(name=name):
                    out.setdefault(name, ("an actor", d.span))
                case ast.RuleDecl(name=name):
                    out.setdefault(name, ("a rule", d.span))
        return out

    # ------------------------------------------------------------------ `LIB bind a = b`
    def _bindings(self) -> dict[str, dict[str, str]]:
        """library name -> {name its principles read: the procedure's name} (E114, E102, E101)."""
        libraries = {lib.name: lib for lib in self.program.libraries}
        case = self._case_names
        out: dict[str, dict[str, str]] = {}
        for d in self.program.main.decls:
            if not isinstance(d, ast.Bind):
                continue
            lib = libraries.get(d.library)
            if lib is None:
                close = closest(d.library, list(libraries))
                self.diags.append(
                    error(
                        "E114",
                        f"`bind` names no imported library '{d.library}'",
                        d.library_span,
                        "not imported",
                        help=f"did you mean '{close}'?" if close else f"`import {d.library}` first",
                    )
                )
                continue
            readable: list[str] = []
            for p in lib.decls:
                if isinstance(p, ast.PropertyDecl):
                    readable += read_names(p.body)
            readable = list(dict.fromkeys(readable))
            mapping = out.setdefault(d.library, {})
            spans = d.pair_spans or ((d.span, d.span),) * len(d.pairs)
            for (read, declared), (read_span, declared_span) in zip(d.pairs, spans, strict=False):
                if read not in readable:
                    close = closest(read, readable)
                    self.diags.append(
                        error(
                            "E114",
                            f"no principle of '{d.library}' reads '{read}'",
                            read_span,
                            "nothing to bind",
                            help=f"did you mean '{close}'?"
                            if close
                            else "the names its principles read are listed in docs/language.md",
                        )
                    )
                    continue
                if read in mapping:
                    self.diags.append(error("E101", f"'{read}' is bound twice", read_span))
                    continue
                if declared not in case:
                    close = closest(declared, list(case))
                    self.diags.append(
                        error(
                            "E102",
                            f"unknown name '{declared}'",
                            declared_span,
                            "this procedure declares no such name",
                            help=f"did you mean '{close}'?" if close else "",
                        )
                    )
                    continue
                mapping[read] = declared
        return out

    # ------------------------------------------------------------------ shadowing
    def _shadowing(self) -> None:
        """W403: a variable, constant or set of the procedure named like an act kind, organ,
        actor or rule. Step patterns read such a name as the kind (or actor, rule) anyway;
        the warning says so, because a reader of the case would not know it."""
        vocabulary: dict[str, str] = {}
        for lib in self.program.libraries:
            for d in lib.decls:
                if isinstance(d, ast.KindDecl):
                    vocabulary.setdefault(d.name, f"an act kind of '{lib.name}'")
                elif isinstance(d, ast.OrganDecl):
                    vocabulary.setdefault(d.name, f"an organ of '{lib.name}'")
        for d in self.program.main.decls:
            if isinstance(d, ast.KindDecl | ast.OrganDecl | ast.ActorDecl | ast.RuleDecl):
                what = type(d).__name__.removesuffix("Decl").lower()
                what = {
                    "kind": "an act kind",
                    "organ": "an organ",
                    "actor": "an actor",
                    "rule": "a rule",
                }[what]
                vocabulary.setdefault(d.name, f"{what} of this procedure")
        for d in self.program.main.decls:
            if isinstance(d, ast.VarDecl | ast.ConstDecl | ast.SetDecl) and d.name in vocabulary:
                sort = {ast.VarDecl: "variable", ast.ConstDecl: "constant", ast.SetDecl: "set"}[
                    type(d)
                ]
                self.diags.append(
                    warning(
                        "W403",
                        f"the {sort} '{d.name}' has the name of {vocabulary[d.name]}",
                        d.span,
                        "shadows a vocabulary name",
                        help=(
                            f"beside `kind`, `actor` or `rule` in a step pattern '{d.name}' "
                            "still means the act kind (or actor, rule); "
                            f"rename the {sort} to avoid the confusion"
                        ),
                    )
                )

    # ------------------------------------------------------------------ principles not modelled
    def _not_modelled(
        self,
        prop: str,
        library: ast.Module,
        body: ast.PropertyBody,
        missing: list[str],
        aliases: dict[str, str],
    ) -> str:
        """The verdict's note for a principle that reads names the procedure lacks, and W404
        for each near miss (a declared name close to a missing one, a value the variable lacks)."""
        case = self._case_names
        hints: list[str] = []
        reverse = {v: k for k, v in aliases.items()}
        absent = set(missing)
        for name in dict.fromkeys(missing):
            read = reverse.get(name, name)
            if name == "final":
                continue
            close = closest(name, [n for n in case if n not in absent], cutoff=NEAR)
            if close:
                what, span = case[close]
                hints.append(
                    f"the case has '{close}' ({what}): bind it with "
                    f"`{library.name} bind {read} = {close}` or rename it"
                )
                self.diags.append(
                    warning(
                        "W404",
                        f"'{close}' is close to '{read}', which the principle '{prop}' reads; "
                        f"the principle is not modelled",
                        span,
                        f"did you mean '{read}'?",
                        help=f"rename it to '{read}', or `{library.name} bind {read} = {close}`",
                    )
                )
        shown = ", ".join(f"`{reverse.get(n, n)}`" for n in dict.fromkeys(missing))
        note = f"not modelled: needs {shown}"
        return note + (f" ({'; '.join(hints)})" if hints else "")

    def _misfit(
        self,
        prop: str,
        library: ast.Module,
        body: ast.PropertyBody,
        errors: list[Diagnostic],
        aliases: dict[str, str],
    ) -> tuple[str, list[Diagnostic]]:
        """Errors lowering a principle that reads names the procedure declares: the case's
        names do not fit how the principle reads them (W405, not modelled). Errors in a
        principle that reads nothing of the case stay errors: the library is wrong."""
        case = self._case_names
        reads = self._reads(library, body)
        ours = [aliases.get(n, n) for n in reads.conventional if aliases.get(n, n) in case]
        ours += [aliases[n] for n in reads.vocabulary if n in aliases]
        if not ours or not errors:
            return "", errors
        first = errors[0]
        near = [
            aliases.get(n.name, n.name)
            for n in nodes_in(body)
            if isinstance(n, ast.Name) and _within(n.span, first.span)
        ]
        ours = [n for n in ours if n in near] or ours
        names = ", ".join(f"'{n}'" for n in dict.fromkeys(ours))
        for n in dict.fromkeys(ours):
            what, span = case[n]
            self.diags.append(
                warning(
                    "W405",
                    f"'{n}' ({what}) does not fit how the principle '{prop}' reads it: "
                    f"{first.message}",
                    span,
                    "the principle is not modelled",
                    help=f"see {first.span}; declare it as the library's comments say, or bind "
                    f"the principle's name to another of yours with `{library.name} bind`",
                )
            )
        return f"not modelled: {names} of this procedure do not fit: {first.message}", []


def _within(inner: Span, outer: Span) -> bool:
    return (
        inner.path == outer.path
        and (outer.line, outer.col) <= (inner.line, inner.col)
        and ((inner.end_line, inner.end_col) <= (outer.end_line, outer.end_col))
    )
