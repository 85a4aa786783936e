"""Amendment bills: `extends` with `repeal`, `amend`, `insert`, chains of bills, diagnostics,
the consolidated text printed by `revcheck show` (golden files), and every case's expectations.

Fixtures are in tests/amendments/: `base.rev`, `bill_one.rev` (extends base), `bill_two.rev`
(extends bill_one), `vars_one.rev` (extends base: `amend var`, `amend property`, `repeal
final`), `vars_two.rev` (extends vars_one, the same forms again), and two files with inline
expected diagnostics (`// E111@LINE:COL`).
`pytest --update-golden` rewrites tests/golden/show_*.txt; review the diff before committing.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from checker.cli import main
from checker.report.consolidated import consolidated_text
from dsl import ast
from dsl.frontend import compile_file
from dsl.imports import load_program
from dsl.parser import parse
from dsl.pretty import pretty
from dsl.source import SourceFile

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
FIXTURES = HERE / "amendments"
GOLDEN = HERE / "golden"


def rules_of(path: Path) -> dict[str, ast.RuleDecl]:
    program, _files, diags = load_program(str(path))
    assert program is not None and not [d for d in diags if d.is_error]
    return {d.name: d for d in program.main.decls if isinstance(d, ast.RuleDecl)}


def clause(rule: ast.RuleDecl, cls: type) -> object:
    return next(c for c in rule.clauses if isinstance(c, cls))


# ----------------------------------------------------------------------------- semantics


def test_repeal_removes_the_rule_and_its_origin() -> None:
    program, _, _ = load_program(str(FIXTURES / "bill_one.rev"))
    assert program is not None
    names = [d.name for d in program.main.decls if isinstance(d, ast.RuleDecl)]
    assert "open_ex_officio" not in names
    assert ("rule", "open_ex_officio") not in program.provenance


def test_amend_replaces_only_the_clauses_given_and_keeps_their_place() -> None:
    base, amended = (
        rules_of(FIXTURES / "base.rev")["decide"],
        rules_of(FIXTURES / "bill_one.rev")["decide"],
    )
    assert [type(c) for c in amended.clauses] == [type(c) for c in base.clauses]
    assert clause(amended, ast.Cites).sources == ("bill1_s1", "art2")  # type: ignore[attr-defined]
    assert clause(amended, ast.By) == clause(base, ast.By)
    assert clause(amended, ast.Then) == clause(base, ast.Then)
    assert clause(amended, ast.Modality) == clause(base, ast.Modality)
    assert amended.title == "the judge decides after the hearing"


def test_amend_adds_a_clause_the_rule_lacked_at_the_end() -> None:
    hear = rules_of(FIXTURES / "bill_two.rev")["hear"]
    assert isinstance(hear.clauses[-1], ast.Modality) and hear.clauses[-1].duty


def test_insert_adds_a_rule_marked_as_inserted() -> None:
    program, _, _ = load_program(str(FIXTURES / "bill_one.rev"))
    assert program is not None
    hear = program.provenance["rule", "hear"]
    assert hear.inserted_by.endswith("bill_one.rev") and not hear.declared_in
    assert str(hear).startswith("inserted by ") and hear.shown() == str(hear)


def test_chain_of_two_bills_records_every_amendment() -> None:
    program, _, _ = load_program(str(FIXTURES / "bill_two.rev"))
    assert program is not None
    origin = program.provenance["rule", "decide"]
    assert origin.declared_in.endswith("base.rev")
    assert [Path(b).name for b in origin.amended_by] == ["bill_one.rev", "bill_two.rev"]
    assert re.fullmatch(
        r".*base\.rev, amended by .*bill_one\.rev, amended by .*bill_two\.rev", str(origin)
    )
    assert origin.shown() == f"from {origin}"
    assert re.fullmatch(
        r"inserted by .*bill_one\.rev, amended by .*bill_two\.rev",
        str(program.provenance["rule", "hear"]),
    )
    decide = rules_of(FIXTURES / "bill_two.rev")["decide"]
    assert clause(decide, ast.Modality) == ast.Modality(duty=False)  # bill two: power
    assert clause(decide, ast.When) == clause(
        rules_of(FIXTURES / "bill_one.rev")["decide"], ast.When
    )


def test_repeal_var_and_the_bill_takes_the_last_word_on_expectations() -> None:
    front = compile_file(str(FIXTURES / "bill_two.rev"))
    assert front.model is not None, front.diagnostics
    assert "noted" not in [s.name for s in front.model.slots]
    expects = {e.property: e.verdict for e in front.model.expectations}
    assert expects["no_court_start"] == "holds"  # bill one overrides the base's `fails`


def test_repeal_property_takes_its_expect_with_it(tmp_path: Path) -> None:
    bill = tmp_path / "bill.rev"
    bill.write_text(
        f'procedure b\nextends "{FIXTURES / "base.rev"}"\nrepeal property decided_reachable\n',
        encoding="utf-8",
    )
    front = compile_file(str(bill))
    assert front.model is not None, front.diagnostics
    assert "decided_reachable" not in [e.property for e in front.model.expectations]


# -------------------------------------------------------------------- variables, properties, finals


def decls_of(path: Path) -> tuple[list[object], dict[tuple[str, str], str]]:
    program, _files, diags = load_program(str(path))
    assert program is not None and not [d for d in diags if d.is_error], diags
    return list(program.main.decls), {k: str(v) for k, v in program.provenance.items()}


def named(decls: list[object], cls: type, name: str) -> tuple[int, object]:
    return next((i, d) for i, d in enumerate(decls) if isinstance(d, cls) and d.name == name)  # type: ignore[attr-defined]


def test_amend_var_replaces_type_and_initial_in_place() -> None:
    base, _ = decls_of(FIXTURES / "base.rev")
    amended, origins = decls_of(FIXTURES / "vars_one.rev")
    i, stage = named(amended, ast.VarDecl, "stage")
    assert i == named(base, ast.VarDecl, "stage")[0]  # the same place as in the base
    assert stage == ast.VarDecl(
        "stage", ast.EnumTypeExpr(("idle", "pending", "decided", "closed")), ast.Name("idle")
    )
    _, noted = named(amended, ast.VarDecl, "noted")
    assert noted == ast.VarDecl(
        "noted", ast.RangeTypeExpr(ast.Number(0), ast.Number(2)), ast.Number(0)
    )
    assert re.fullmatch(r".*base\.rev, amended by .*vars_one\.rev", origins[("var", "stage")])
    assert sum(isinstance(d, ast.VarDecl) for d in amended) == sum(
        isinstance(d, ast.VarDecl) for d in base
    )


def test_amend_property_replaces_body_and_title_and_keeps_its_expect() -> None:
    base, _ = decls_of(FIXTURES / "base.rev")
    amended, origins = decls_of(FIXTURES / "vars_one.rev")
    _, prop = named(amended, ast.PropertyDecl, "decided_reachable")

    def order(decls: list[object]) -> list[str]:
        return [d.name for d in decls if isinstance(d, ast.PropertyDecl)]

    assert order(amended) == order(base)  # replaced in place
    assert isinstance(prop, ast.PropertyDecl)
    assert prop.title == "a case can be closed"
    assert prop.body == ast.PropertyBody(
        "reachable", (ast.BinOp("==", ast.Name("stage"), ast.Name("closed")),)
    )
    expects = [
        d for d in amended if isinstance(d, ast.ExpectDecl) and d.property == "decided_reachable"
    ]
    assert [(e.verdict, e.reason) for e in expects] == [
        ("holds", "art. 2")
    ]  # the base's, unchanged
    assert ("property", "decided_reachable") in origins
    assert ("property", "no_court_start") not in origins  # untouched: no provenance


def test_repeal_final_removes_the_base_lines_and_keeps_the_bills() -> None:
    amended, _ = decls_of(FIXTURES / "vars_one.rev")
    finals = [d.predicate for d in amended if isinstance(d, ast.FinalDecl)]
    assert finals == [ast.BinOp("==", ast.Name("stage"), ast.Name("closed"))]


def test_a_bills_final_is_added_without_repeal_final(tmp_path: Path) -> None:
    bill = tmp_path / "bill.rev"
    bill.write_text(
        f'procedure b\nextends "{FIXTURES / "base.rev"}"\nfinal stage == idle\n', encoding="utf-8"
    )
    assert len([d for d in decls_of(bill)[0] if isinstance(d, ast.FinalDecl)]) == 2


def test_chain_of_two_bills_amending_vars_properties_and_finals() -> None:
    amended, origins = decls_of(FIXTURES / "vars_two.rev")
    _, noted = named(amended, ast.VarDecl, "noted")
    assert noted == ast.VarDecl("noted", ast.BoolTypeExpr(), ast.Boolean(False))
    assert re.fullmatch(
        r".*base\.rev, amended by .*vars_one\.rev, amended by .*vars_two\.rev",
        origins[("var", "noted")],
    )
    assert re.fullmatch(r".*base\.rev, amended by .*vars_one\.rev", origins[("var", "stage")])
    _, prop = named(amended, ast.PropertyDecl, "decided_reachable")
    assert isinstance(prop, ast.PropertyDecl)
    assert prop.title == "a case can be closed"  # bill two gives no title: bill one's stays
    assert prop.body.operands[0] == ast.BinOp(
        "and", ast.BinOp("==", ast.Name("stage"), ast.Name("closed")), ast.Name("noted")
    )
    finals = [d.predicate for d in amended if isinstance(d, ast.FinalDecl)]
    assert finals == [prop.body.operands[0]]  # bill two repealed bill one's final line
    expects = [
        d.reason
        for d in amended
        if isinstance(d, ast.ExpectDecl) and d.property == "decided_reachable"
    ]
    assert expects == ["vars bill two: a closed case with its note"]


@pytest.mark.parametrize("name", ["vars_one", "vars_two"])
def test_bills_amending_vars_and_properties_meet_their_expectations(name: str) -> None:
    assert main(["check", str(FIXTURES / f"{name}.rev")]) == 0


def test_repeal_var_forgets_its_provenance(tmp_path: Path) -> None:
    bill = tmp_path / "bill.rev"
    bill.write_text(
        f'procedure b\nextends "{FIXTURES / "vars_one.rev"}"\nrepeal var noted\nrepeal rule note\n',
        encoding="utf-8",
    )
    _, origins = decls_of(bill)
    assert ("var", "noted") not in origins and ("var", "stage") in origins


@pytest.mark.parametrize(
    "text",
    [
        "amend var nothing : bool = false",
        "amend var stgae : {idle, pending} = idle",
        'amend property nothing "t" { reachable stage == decided }',
        "amend property no_such { always true }",
        "repeal final\nrepeal final",  # the second finds no line of the base left
    ],
)
def test_new_forms_against_a_missing_name_are_e111(text: str, tmp_path: Path) -> None:
    bill = tmp_path / "bill.rev"
    bill.write_text(f'procedure b\nextends "{FIXTURES / "base.rev"}"\n{text}\n', encoding="utf-8")
    front = compile_file(str(bill))
    assert front.model is None
    e111 = [d for d in front.diagnostics if d.code == "E111"]
    assert len(e111) == 1 and e111[0].span.line == text.count("\n") + 3, front.diagnostics


def test_new_forms_round_trip_through_pretty() -> None:
    text = (
        'procedure b\nextends "base.rev"\n'
        "amend var x : 0..5 = 0\namend var m : [s] bool = [a: true]\namend var y : {p, q}\n"
        'amend property p "title" { always x <= 5 }\n'
        "amend property q { step leads_to x == 1 within 3 days }\n"
        "repeal final\nrepeal var y\nfinal x == 5\n"
    )
    module, diags = parse(SourceFile("<bill>.rev", text))
    assert module is not None and not diags
    kinds = [type(d).__name__ for d in module.decls]
    assert kinds == [
        "Extends",
        "AmendVar",
        "AmendVar",
        "AmendVar",
        "AmendProperty",
        "AmendProperty",
        "Repeal",
        "Repeal",
        "FinalDecl",
    ]
    assert module.decls[6] == ast.Repeal("final", "")
    printed = pretty(module)
    assert "\namend var x : 0..5 = 0\n" in printed and "\nrepeal final\n" in printed
    assert '\namend property p "title" { always x <= 5 }\n' in printed
    again, diags = parse(SourceFile("<printed>.rev", printed))
    assert not diags and again == module
    assert pretty(again) == printed


@pytest.mark.parametrize(
    "text", ["repeal final x", "amend var x", "amend final x == 1", "amend expect p holds"]
)
def test_malformed_new_forms_are_syntax_errors(text: str) -> None:
    module, diags = parse(SourceFile("<bill>.rev", f"procedure b\n{text}\n"))
    assert module is None and diags and all(d.code.startswith("E0") for d in diags)


# ----------------------------------------------------------------------------- diagnostics

_EXPECT = re.compile(r"([EW]\d{3})@(\d+):(\d+)")


def expected_codes(path: Path) -> set[tuple[str, int, int]]:
    return {
        (m[1], int(m[2]), int(m[3])) for m in _EXPECT.finditer(path.read_text(encoding="utf-8"))
    }


@pytest.mark.parametrize("name", ["bad_bill", "extends_library"])
def test_diagnostics_of_bills(name: str) -> None:
    path = FIXTURES / f"{name}.rev"
    front = compile_file(str(path))
    found = {
        (d.code, d.span.line, d.span.col)
        for d in front.diagnostics
        if Path(d.span.path).resolve() == path.resolve()
    }
    assert front.model is None
    assert found == expected_codes(path)


def test_extending_a_missing_file_is_e110(tmp_path: Path) -> None:
    bill = tmp_path / "bill.rev"
    bill.write_text('procedure b\nextends "nowhere.rev"\n', encoding="utf-8")
    assert [d.code for d in compile_file(str(bill)).diagnostics] == ["E110"]


def test_show_reports_errors_with_exit_2(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["show", str(FIXTURES / "bad_bill.rev")]) == 2
    assert "E111" in capsys.readouterr().err


# ------------------------------------------------------------------------- golden consolidated text

SHOWN = {
    "show_bill_two": "tests/amendments/bill_two.rev",
    "show_reform_proposal": "cases/prc/reform_proposal.rev",
    "show_vars_two": "tests/amendments/vars_two.rev",
}


@pytest.mark.parametrize("name", sorted(SHOWN))
def test_show_golden(name: str, update_golden: bool, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(ROOT)  # paths in the output are relative to the repository
    text, code = consolidated_text(SHOWN[name])
    assert code == 0, text
    golden = GOLDEN / f"{name}.txt"
    if update_golden:
        golden.write_text(text + "\n", encoding="utf-8")
    assert golden.exists(), f"no golden file {golden}; run pytest --update-golden"
    assert text + "\n" == golden.read_text(encoding="utf-8")


def test_show_prints_each_declared_rule_once(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(ROOT)
    text, _ = consolidated_text("cases/prc/reform_proposal.rev")
    rules = re.findall(r"^rule (\w+)", text, flags=re.M)
    assert len(rules) == len(set(rules))
    assert "// rule start_ex_officio — repealed by cases/prc/reform_proposal.rev" in text


# ---------------------------------------------------------------- every case meets its expectations


def test_every_case_meets_its_expectations(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(ROOT)
    out = tmp_path / "check.json"
    code = main(["check", "cases", "--format", "json", "--output", str(out)])
    report = json.loads(out.read_text(encoding="utf-8"))
    problems = [
        (f["path"], p["name"], p["verdict"], p.get("expected"))
        for f in report["files"]
        for p in f.get("properties", [])
        if p["match"] in ("differs", "fails")
    ]
    assert problems == []
    assert all(
        not f["diagnostics"] or all(d["severity"] != "error" for d in f["diagnostics"])
        for f in report["files"]
    )
    assert code in (0, 3)  # 3 only while some verdict is still unsettled
