"""`parse(pretty(ast)) == ast`: the pretty-printer is the parser's inverse (spans excluded).

Hypothesis generates expressions and small modules in the shapes the parser produces (so no
`Unary("-", Number)`: the parser folds `-3` into `Number(-3)`); every `.rev` file of the
repository is also parsed, printed, parsed again and compared.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from dsl import ast
from dsl.parser import parse
from dsl.pretty import pretty, pretty_expr
from dsl.source import SourceFile

ROOT = Path(__file__).resolve().parent.parent

# identifiers: ASCII, Chinese, accented; never a keyword of the language
NAMES = ["a", "b", "stage", "held", "c1", "x_2", "_tmp", "执行回转", "原执行机构", "Größe", "δ"]
name = st.sampled_from(NAMES)
text = st.text(st.characters(blacklist_categories=("Cs",)), max_size=12)


def parse_text(source: str) -> ast.Module:
    module, diags = parse(SourceFile("<roundtrip>.rev", source))
    assert not diags, f"{[d.message for d in diags]}\n--- text ---\n{source}"
    assert module is not None
    return module


def parse_expr(source: str) -> ast.Expr:
    module = parse_text(f"procedure p\nconst k = {source}\n")
    (decl,) = module.decls
    assert isinstance(decl, ast.ConstDecl)
    return decl.value


# ----------------------------------------------------------------------------- expressions


def _extend(inner: st.SearchStrategy[ast.Expr]) -> st.SearchStrategy[ast.Expr]:
    collection = st.one_of(
        st.lists(inner, min_size=1, max_size=3).map(lambda xs: ast.SetLiteral(tuple(xs))),
        st.builds(ast.RangeLiteral, inner, inner),
        st.builds(ast.Name, name),
    )
    return st.one_of(
        st.builds(ast.Index, st.builds(ast.Name, name), inner),
        st.builds(ast.Unary, st.just("not"), inner),
        inner.filter(lambda e: not isinstance(e, ast.Number)).map(lambda e: ast.Unary("-", e)),
        st.builds(
            ast.BinOp,
            st.sampled_from(
                ["and", "or", "implies", "==", "!=", "<", "<=", ">", ">=", "+", "-", "*"]
            ),
            inner,
            inner,
        ),
        st.builds(ast.Member, inner, collection, st.booleans()),
        st.builds(ast.IsOrgan, inner, name),
        st.builds(
            ast.Quantified,
            st.sampled_from(["forall", "exists", "sum", "count"]),
            name,
            name,
            inner,
        ),
    )


atoms = st.one_of(
    st.integers(-(10**30), 10**30).map(ast.Number),
    st.booleans().map(ast.Boolean),
    st.builds(ast.Name, name),
    st.sampled_from(["kind", "actor", "rule"]).map(ast.StepField),
)
exprs = st.recursive(atoms, _extend, max_leaves=12)


@settings(derandomize=True, deadline=None, max_examples=300)
@given(exprs)
def test_expression_round_trip(e: ast.Expr) -> None:
    assert parse_expr(pretty_expr(e)) == e


@pytest.mark.parametrize(
    ("source", "printed"),
    [
        ("a and (b or c1)", "a and (b or c1)"),
        ("(a implies b) implies c1", "(a implies b) implies c1"),
        ("a implies b implies c1", "a implies b implies c1"),
        ("(a == b) == c1", "(a == b) == c1"),
        ("a - (b - c1)", "a - (b - c1)"),
        ("a - b - c1", "a - b - c1"),
        ("-(a + b) * -3", "-(a + b) * -3"),
        ("(forall x in s: a) and b", "(forall x in s: a) and b"),
        ("b and (forall x in s: a)", "b and (forall x in s: a)"),
        ("not (a in {b, c1})", "not a in {b, c1}"),
        ("sum(x in s: held[x] * 2) >= 1", "sum(x in s: held[x] * 2) >= 1"),
    ],
)
def test_pretty_parenthesises_only_where_needed(source: str, printed: str) -> None:
    e = parse_expr(source)
    assert pretty_expr(e) == printed
    assert parse_expr(printed) == e


# ----------------------------------------------------------------------------- modules

small = st.recursive(atoms, _extend, max_leaves=4)
types = st.recursive(
    st.one_of(
        st.builds(ast.BoolTypeExpr),
        st.builds(ast.IntTypeExpr),
        st.lists(name, min_size=1, max_size=3).map(lambda v: ast.EnumTypeExpr(tuple(v))),
        st.builds(ast.RangeTypeExpr, small, small),
        st.builds(ast.ElementTypeExpr, name),
    ),
    lambda t: st.builds(ast.MapTypeExpr, name, t),
    max_leaves=3,
)
initials = st.one_of(
    st.none(),
    st.builds(ast.AnyInitial),
    st.lists(st.tuples(name, small), min_size=1, max_size=3).map(
        lambda es: ast.MapInitial(tuple(es))
    ),
    small,
)
assignments = st.builds(ast.Assignment, name, st.none() | small, small)
clauses = st.one_of(
    st.builds(ast.By, name),
    st.builds(ast.KindClause, name),
    st.lists(name, min_size=1, max_size=3).map(lambda s: ast.Cites(tuple(s))),
    st.builds(ast.When, small),
    st.lists(assignments, min_size=1, max_size=3).map(lambda a: ast.Then(tuple(a))),
    st.builds(ast.Modality, st.just(True), st.none() | small),
    st.just(ast.Modality(False)),
)
rules = st.builds(
    ast.RuleDecl,
    name,
    st.lists(st.builds(ast.Param, name, name), max_size=2).map(tuple),
    text,
    st.lists(clauses, max_size=6).map(tuple),
)
patterns = st.builds(ast.StepPatternExpr, st.none() | small)


def _body(form: str) -> st.SearchStrategy[ast.PropertyBody]:
    shapes = {
        "always": [small],
        "never_state": [small],
        "never_step": [patterns],
        "reachable": [small],
        "eventually": [small],
        "requires_earlier": [patterns, patterns],
        "after_possible": [patterns, patterns],
        "leads_to_state": [small, small],
        "leads_to_step": [patterns, small],
    }[form]
    within = st.none() | small if form.startswith("leads_to") else st.none()
    return st.builds(
        lambda ops, w: ast.PropertyBody(form, tuple(ops), w),  # type: ignore[arg-type]
        st.tuples(*shapes),
        within,
    )


bodies = st.sampled_from(
    [
        "always",
        "never_state",
        "never_step",
        "reachable",
        "eventually",
        "requires_earlier",
        "after_possible",
        "leads_to_state",
        "leads_to_step",
    ]
).flatmap(_body)

scenario_steps = st.one_of(
    st.builds(
        ast.ScenarioStep,
        name,
        st.lists(name, max_size=2).map(tuple),
        st.none() | small,
    ),
    st.integers(1, 400).map(lambda n: ast.ScenarioStep("", (), None, days=n)),
)
scenarios = st.builds(
    ast.ScenarioDecl,
    name,
    text,
    st.lists(small, max_size=2).map(tuple),
    st.lists(scenario_steps, max_size=4).map(tuple),
    st.sampled_from(["always", "reachable", "eventually", "final"]),
    small,
    cites=st.lists(name, max_size=2).map(tuple),
)

decls = st.one_of(
    scenarios,
    scenarios.map(ast.AmendScenario),
    st.builds(ast.Import, name, st.just(False)),
    st.builds(ast.Import, text, st.just(True)),
    st.builds(ast.Extends, text),
    st.builds(ast.SourceDecl, name, text, text, text),
    st.builds(ast.OrganDecl, name, st.none() | name, text),
    st.builds(ast.KindDecl, name, text),
    st.builds(ast.ActorDecl, name, name, text),
    st.builds(ast.ConstDecl, name, small),
    st.builds(ast.SetDecl, name, st.lists(name, min_size=1, max_size=3).map(tuple)),
    st.builds(ast.VarDecl, name, types, initials),
    rules,
    st.builds(ast.FinalDecl, small),
    st.builds(ast.PropertyDecl, name, text, bodies),
    st.builds(ast.ExpectDecl, name, st.sampled_from(["holds", "fails"]), text),
    st.builds(ast.Repeal, st.sampled_from(["rule", "var", "property", "expect", "scenario"]), name),
    st.builds(ast.Amend, name, text, st.lists(clauses, max_size=3).map(tuple)),
    st.just(ast.Repeal("final", "")),
    st.builds(ast.AmendVar, st.builds(ast.VarDecl, name, types, initials)),
    st.builds(ast.AmendProperty, st.builds(ast.PropertyDecl, name, text, bodies)),
    rules.map(ast.Insert),
    st.builds(ast.Bind, name, st.lists(st.tuples(name, name), min_size=1, max_size=3).map(tuple)),
    st.builds(
        ast.Allow,
        st.sampled_from(["L601", "L603", "W401", "dead_rule"]),
        st.lists(name, max_size=2).map(tuple),
        text,
    ),
)
modules = st.builds(
    ast.Module,
    st.sampled_from(["procedure", "library"]),
    name,
    text,
    st.lists(decls, max_size=8).map(tuple),
)


@settings(derandomize=True, deadline=None, max_examples=150)
@given(modules)
def test_module_round_trip(module: ast.Module) -> None:
    assert parse_text(pretty(module)) == module


# --------------------------------------------------------------------------- the repository's files


def _repository_files() -> list[Path]:
    found: list[Path] = []
    for folder in ("tests/models", "spec", "cases", "tests/diagnostics"):
        found += sorted((ROOT / folder).rglob("*.rev"))
    return found


REPOSITORY_FILES = _repository_files()


@pytest.mark.parametrize(
    "path", REPOSITORY_FILES, ids=[str(p.relative_to(ROOT)) for p in REPOSITORY_FILES]
)
def test_repository_file_round_trip(path: Path) -> None:
    source = SourceFile(str(path), path.read_text(encoding="utf-8"))
    module, diags = parse(source)
    if module is None:  # a syntax-error fixture: nothing to print
        assert diags and path.parent.name in ("diagnostics", "lib")
        return
    printed = pretty(module)
    assert parse_text(printed) == module
    assert pretty(parse_text(printed)) == printed  # printing is idempotent
