"""Positive tests of lowering: what a correct program becomes in the checked model.

Slots and initial values, rule instances, quantifier unrolling, constant folding, organ
hierarchies, libraries, amendment bills and Unicode identifiers.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from dsl import model as m
from dsl.frontend import FrontendResult, compile_file, compile_text

HEADER = 'procedure p "test"\nimport principles\nsource art1 "Article 1"\n'


def write(folder: Path, files: dict[str, str]) -> None:
    for name, text in files.items():
        path = folder / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")


def compiled(text: str, tmp_path: Path) -> m.Model:
    path = tmp_path / "main.rev"
    path.write_text(text, encoding="utf-8")
    return ok(compile_file(str(path)))


def ok(result: FrontendResult) -> m.Model:
    assert result.errors == (), [f"{d.span} {d.code} {d.message}" for d in result.errors]
    assert result.model is not None
    return result.model


def rule(model: m.Model, name: str) -> m.RuleInstance:
    return next(r for r in model.rules if r.name == name)


def slot(model: m.Model, name: str) -> m.SlotRef:
    index = next(i for i, s in enumerate(model.slots) if s.name == name)
    return m.SlotRef(index, name)


def prop(model: m.Model, name: str) -> m.Property:
    found = model.property(name)
    assert found is not None
    return found


# ----------------------------------------------------------------------------- variables and slots


def test_slots_and_initial_values(tmp_path: Path) -> None:
    model = compiled(
        HEADER
        + "set creditors = {c1, c2, c3}\n"
        + "var stage : {executed, pending} \n"
        + "var held : 2..5\n"
        + "var share : [creditors] 0..3 = [c1: 2, c2: 1, c3: 0]\n"
        + "var paid : [creditors] bool\n"
        + "var owed : [creditors] 0..2 = 1\n"
        + "var unknown : 0..2 = any\n"
        + "var winner : creditors = c2\n"
        + "var debt : int = any\n",
        tmp_path,
    )
    assert [s.name for s in model.slots] == [
        "stage", "held",
        "share[c1]", "share[c2]", "share[c3]",
        "paid[c1]", "paid[c2]", "paid[c3]",
        "owed[c1]", "owed[c2]", "owed[c3]",
        "unknown", "winner", "debt",
    ]  # fmt: skip
    assert model.initial == (
        ("executed",), (2,),
        (2,), (1,), (0,),
        (False,), (False,), (False,),
        (1,), (1,), (1,),
        (0, 1, 2), ("c2",), None,
    )  # fmt: skip
    share = next(v for v in model.variables if v.name == "share")
    assert (share.first_slot, share.keys, share.index_set) == (2, ("c1", "c2", "c3"), "creditors")
    assert share.type == m.IntType(0, 3)
    winner = next(v for v in model.variables if v.name == "winner")
    assert winner.type == m.EnumType("creditors", ("c1", "c2", "c3"))
    assert not model.finite  # `debt : int = any` is for the symbolic engine


# ----------------------------------------------------------------------------- rules


def test_one_rule_instance_per_parameter_binding(tmp_path: Path) -> None:
    model = compiled(
        HEADER
        + "actor bureau is enforcement_organ\n"
        + "set creditors = {c1, c2}\nset items = {house, car}\n"
        + "var share : [creditors] 0..3 = 1\nvar held : 0..9\n"
        + "rule pay(c in creditors) { by bureau kind enforcement_measure cites art1\n"
        + "  when share[c] > 0 then share[c] := share[c] - 1; held := held + 1 }\n"
        + "rule seize(c in creditors, i in items) "
        "{ by bureau kind enforcement_measure cites art1 }\n",
        tmp_path,
    )
    assert [r.name for r in model.rules] == [
        "pay(c1)", "pay(c2)",
        "seize(c1, house)", "seize(c1, car)", "seize(c2, house)", "seize(c2, car)",
    ]  # fmt: skip
    pay = rule(model, "pay(c2)")
    assert pay.rule == "pay" and pay.binding == (("c", "c2"),)
    assert (pay.actor, pay.kind, pay.citations) == ("bureau", "enforcement_measure", ("art1",))
    share_c2, held = slot(model, "share[c2]"), slot(model, "held")
    assert pay.guard == m.Binary(">", share_c2, m.Lit(0))
    assert pay.updates == (  # in slot order: `share` is declared before `held`
        m.Update(share_c2.slot, m.Binary("-", share_c2, m.Lit(1))),
        m.Update(held.slot, m.Binary("+", held, m.Lit(1))),
    )
    assert rule(model, "seize(c2, car)").guard == m.Lit(True)


def test_run_time_map_index_becomes_a_map_reference(tmp_path: Path) -> None:
    model = compiled(
        HEADER
        + "actor bureau is enforcement_organ\nset creditors = {c1, c2}\n"
        + "var share : [creditors] 0..3\nvar winner : creditors\n"
        + "rule r { by bureau kind enforcement_measure cites art1\n"
        + "  when share[winner] < 3 then share[winner] := 3 }\n",
        tmp_path,
    )
    r = rule(model, "r")
    winner = slot(model, "winner")
    assert r.guard == m.Binary("<", m.MapRef(0, ("c1", "c2"), winner, "share[…]"), m.Lit(3))
    assert r.updates == tuple(
        m.Update(i, m.Ite(m.Binary("==", winner, m.Lit(k)), m.Lit(3), m.SlotRef(i, f"share[{k}]")))
        for i, k in enumerate(("c1", "c2"))
    )


def test_duty_deadline_and_modality(tmp_path: Path) -> None:
    model = compiled(
        HEADER
        + "actor bureau is enforcement_organ\nconst period = 15\nvar done : bool\n"
        + "rule decide { by bureau kind substantive_decision cites art1 "
        "duty within period * 2 days\n"
        + "  when not done then done := true }\n"
        + "rule maybe { by bureau kind procedural_decision cites art1 power }\n",
        tmp_path,
    )
    assert (rule(model, "decide").duty, rule(model, "decide").deadline_days) == (True, 30)
    assert (rule(model, "maybe").duty, rule(model, "maybe").deadline_days) == (False, None)


# ----------------------------------------------------------------------------- expressions


def test_quantifiers_are_unrolled_over_their_sets(tmp_path: Path) -> None:
    model = compiled(
        HEADER
        + "set creditors = {c1, c2, c3}\nvar share : [creditors] 0..3\n"
        + "property all_paid { always forall c in creditors: share[c] == 0 }\n"
        + "property some_paid { reachable exists c in creditors: share[c] > 0 }\n"
        + "property total { always sum(c in creditors: share[c]) <= 9 }\n"
        + "property counted { always count(c in creditors: share[c] > 1) < 3 }\n"
        + "property nested { always forall a in creditors: "
        "forall b in creditors: share[a] >= 0 }\n",
        tmp_path,
    )
    s1, s2, s3 = (slot(model, f"share[c{i}]") for i in (1, 2, 3))

    def chain(op: str, parts: list[m.Expr]) -> m.Expr:
        acc = parts[0]
        for p in parts[1:]:
            acc = m.Binary(op, acc, p)  # type: ignore[arg-type]
        return acc

    assert prop(model, "all_paid").form == m.Invariant(
        chain("and", [m.Binary("==", s, m.Lit(0)) for s in (s1, s2, s3)])
    )
    assert prop(model, "some_paid").form == m.Reachable(
        chain("or", [m.Binary(">", s, m.Lit(0)) for s in (s1, s2, s3)])
    )
    assert prop(model, "total").form == m.Invariant(
        m.Binary("<=", chain("+", [s1, s2, s3]), m.Lit(9))
    )
    ites = [m.Ite(m.Binary(">", s, m.Lit(1)), m.Lit(1), m.Lit(0)) for s in (s1, s2, s3)]
    assert prop(model, "counted").form == m.Invariant(m.Binary("<", chain("+", ites), m.Lit(3)))
    # 3 x 3 terms, each repeated for every `b`
    nested = prop(model, "nested").form
    assert isinstance(nested, m.Invariant)
    assert str(nested.predicate).count("SlotRef") == 9


def test_constants_are_folded(tmp_path: Path) -> None:
    model = compiled(
        HEADER
        + "actor bureau is enforcement_organ\n"
        + "const total = 3\nconst double = total * 2 + 1\n"
        "const negative = -total\nconst yes = total > 2\n"
        + "set creditors = {c1, c2}\n"
        + "var held : negative..double = total\nvar flag : bool = yes\n"
        + "rule r { by bureau kind initiation cites art1\n"
        + "  when held < double - 1 and (yes or flag) and true then held := total * total - 2 }\n"
        + "property p { always held in negative..total + 4 }\n"
        + "property q { always count(c in creditors: total > 1) == 2 }\n"
        + "property r2 { always (held == 1 and false) or flag "
        "implies held >= 0 and 3 * held < 9 }\n",
        tmp_path,
    )
    held = slot(model, "held")
    assert model.slots[held.slot].type == m.IntType(-3, 7)
    assert model.initial[held.slot] == (3,)
    assert model.initial[slot(model, "flag").slot] == (True,)
    r = rule(model, "r")
    assert r.guard == m.Binary("<", held, m.Lit(6))  # `yes or flag` and `true` folded away
    assert r.updates == (m.Update(held.slot, m.Lit(7)),)
    assert prop(model, "p").form == m.Invariant(
        m.Binary("and", m.Binary("<=", m.Lit(-3), held), m.Binary("<=", held, m.Lit(7)))
    )
    assert prop(model, "q").form == m.Invariant(m.Lit(True))
    r2 = prop(model, "r2").form
    assert isinstance(r2, m.Invariant) and isinstance(r2.predicate, m.Binary)
    assert r2.predicate.op == "implies"
    assert r2.predicate.left == slot(model, "flag")  # `(held == 1 and false) or flag` is `flag`


def test_actor_is_organ_follows_the_organ_hierarchy(tmp_path: Path) -> None:
    model = compiled(
        HEADER
        + 'organ execution_division is enforcement_organ "执行局"\n'
        + "actor bureau is execution_division\nactor judge is trial_organ\nactor debtor is party\n"
        + "var x : bool\n"
        + "rule a { by bureau kind initiation cites art1 }\n"
        + "property by_court { never step where actor is court }\n"
        + "property by_enforcement { never step where actor is enforcement_organ }\n"
        + "property by_party { never step where actor is party and kind == initiation }\n"
        + "property nobody { never step where actor is appellate_organ }\n"
        + "property constant { never step where bureau is court and not (debtor is court) }\n",
        tmp_path,
    )
    bureau = model.actor("bureau")
    assert bureau is not None
    assert bureau.organ_chain == ("execution_division", "enforcement_organ", "court")
    actor = m.StepAttr("actor")

    def where(name: str) -> m.Expr:
        form = prop(model, name).form
        assert isinstance(form, m.NeverStep)
        return form.pattern.where

    assert where("by_court") == m.In(actor, ("bureau", "judge"))
    assert where("by_enforcement") == m.Binary("==", actor, m.Lit("bureau"))
    assert where("by_party") == m.Binary(
        "and",
        m.Binary("==", actor, m.Lit("debtor")),
        m.Binary("==", m.StepAttr("kind"), m.Lit("initiation")),
    )
    assert where("nobody") == m.In(actor, ())
    assert where("constant") == m.Lit(True)


# ----------------------------------------------------------------------------- libraries


def test_library_import_from_a_spec_folder(tmp_path: Path) -> None:
    write(
        tmp_path,
        {
            "spec/vocab.rev": 'library vocab "shared"\norgan tribunal "a tribunal"\nkind ruling\n'
            + "property no_ruling { never step where kind == ruling }\n",
            "spec/more.rev": "library more\nimport vocab\norgan panel is tribunal\n",
            "cases/x/lib_beside.rev": "library lib_beside\nkind filing\n",
            "cases/x/main.rev": "procedure main\nimport more\nimport vocab\n"
            'import "lib_beside.rev"\n'
            + "actor t is panel\nvar x : bool\n"
            + "rule r { by t kind ruling when not x then x := true }\n"
            + "rule s { by t kind filing }\n"
            + "expect no_ruling fails\n",
        },
    )
    model = ok(compile_file(str(tmp_path / "cases/x/main.rev")))
    assert [o.name for o in model.organs] == ["tribunal", "panel"]  # vocab loaded once, first
    assert [k.name for k in model.kinds] == ["ruling", "filing"]
    assert model.actor("t").organ_chain == ("panel", "tribunal")  # type: ignore[union-attr]
    no_ruling = prop(model, "no_ruling")
    assert no_ruling.origin.endswith("vocab.rev") and no_ruling.missing == ""
    assert [(e.property, e.verdict) for e in model.expectations] == [("no_ruling", "fails")]


def test_library_property_naming_what_the_procedure_lacks_is_not_applicable(tmp_path: Path) -> None:
    write(
        tmp_path,
        {
            "spec/principled.rev": "library principled\nkind hearing_act\n"
            + "property returned { reachable stage == returned }\n"
            + "property no_auction { never step where rule == auction }\n"
            + "property shares { always sum(c in creditors: share[c]) >= 0 }\n"
            + "property heard { never step where kind == hearing_act }\n",
            "main.rev": "procedure main\nimport principled\nvar x : bool\n",
        },
    )
    result = compile_file(str(tmp_path / "main.rev"))
    model = ok(result)
    assert result.diagnostics == ()  # not an error, not even a warning
    assert prop(model, "returned").missing == "not modelled: needs `stage`, `returned`"
    assert prop(model, "no_auction").missing == "not modelled: needs `auction`"
    assert prop(model, "shares").missing == "not modelled: needs `creditors`"
    assert prop(model, "heard").missing == ""


def test_the_bundled_principles_apply_to_a_procedure(tmp_path: Path) -> None:
    model = compiled(HEADER + "actor bureau is enforcement_organ\nvar x : bool\n", tmp_path)
    names = [p.name for p in model.properties]
    assert names[:4] == [
        "trial_execution_separation", "party_disposition", "hearing_before_decision",
        "remedy_after_decision",
    ]  # fmt: skip
    # these four use only the library's vocabulary, so they apply to any procedure
    assert all(p.missing == "" for p in model.properties[:4])


# ----------------------------------------------------------------------------- amendment bills

BASE = """procedure base "the law in force"
import principles
source art1 "Article 1"
actor bureau is enforcement_organ
actor judge is trial_organ
var stage : {executed, pending, decided} = executed
rule apply "the party applies" { by bureau kind initiation cites art1 \
when stage == executed then stage := pending }
rule decide { by bureau kind substantive_decision cites art1 duty when stage == pending \
then stage := decided }
rule reopen { by bureau kind procedural_decision cites art1 when stage == decided \
then stage := executed }
property decided_reachable { reachable stage == decided }
expect trial_execution_separation fails
expect decided_reachable holds
"""


def test_bill_repeals_amends_and_inserts_rules(tmp_path: Path) -> None:
    write(
        tmp_path,
        {
            "law/base.rev": BASE,
            "bills/bill.rev": 'procedure bill "a trial organ decides"\nextends "../law/base.rev"\n'
            + "repeal rule reopen\n"
            + 'amend rule decide "decided by the judge" { by judge }\n'
            + "insert rule hear { by judge kind hearing cites art1 when stage == pending }\n"
            + "expect trial_execution_separation holds\n"
            + "property never_back { never stage == executed and stage == decided }\n",
        },
    )
    model = ok(compile_file(str(tmp_path / "bills/bill.rev")))
    assert (model.name, model.title) == ("bill", "a trial organ decides")
    assert [r.name for r in model.rules] == ["apply", "decide", "hear"]
    decide = rule(model, "decide")
    # only `by` was replaced: kind, cites, duty, when and then come from the base
    assert (decide.actor, decide.kind, decide.citations, decide.duty) == (
        "judge", "substantive_decision", ("art1",), True,
    )  # fmt: skip
    assert decide.guard == m.Binary("==", slot(model, "stage"), m.Lit("pending"))
    assert decide.updates == (m.Update(0, m.Lit("decided")),)
    assert decide.title == "decided by the judge"
    assert rule(model, "apply").title == "the party applies"
    base_path, amended_by = decide.origin.split(", amended by ")
    assert base_path.endswith("law/base.rev") and amended_by.endswith("bills/bill.rev")
    assert rule(model, "hear").origin.startswith("inserted by")
    assert rule(model, "apply").origin.endswith("base.rev")
    expectations = {e.property: e.verdict for e in model.expectations}
    assert expectations == {"trial_execution_separation": "holds", "decided_reachable": "holds"}
    assert prop(model, "never_back").origin.endswith("bill.rev")


def test_a_chain_of_two_bills(tmp_path: Path) -> None:
    write(
        tmp_path,
        {
            "base.rev": BASE,
            "first.rev": 'procedure first\nextends "base.rev"\nrepeal rule reopen\n'
            + "amend rule decide { by judge }\n",
            "second.rev": 'procedure second\nextends "first.rev"\n'
            + "amend rule decide { kind procedural_decision cites art1 }\n"
            + "repeal expect decided_reachable\n"
            + "insert rule reopen { by judge kind procedural_decision cites art1 "
            "when stage == decided then stage := executed }\n",
        },
    )
    model = ok(compile_file(str(tmp_path / "second.rev")))
    assert model.name == "second"
    assert [r.name for r in model.rules] == ["apply", "decide", "reopen"]
    decide = rule(model, "decide")
    assert (decide.actor, decide.kind) == ("judge", "procedural_decision")  # both bills apply
    assert decide.origin.count("amended by") == 2
    assert (
        rule(model, "reopen").actor == "judge"
    )  # repealed by the first, re-inserted by the second
    assert [e.property for e in model.expectations] == ["trial_execution_separation"]


# ----------------------------------------------------------------------------- Unicode


def test_chinese_identifiers(tmp_path: Path) -> None:
    text = """procedure 执行回转 "现行法"
import principles
source 第二百四十四条 "民事诉讼法第二百四十四条"
actor 原执行机构 is enforcement_organ "原执行机构"
actor 原被执行人 is party
set 债权人 = {甲, 乙}
var 阶段 : {已执行, 待决, 已裁定} = 已执行
var 份额 : [债权人] 0..2 = [甲: 2, 乙: 1]
rule 申请执行回转 "原被执行人申请" {
  by 原被执行人  kind initiation  cites 第二百四十四条
  when 阶段 == 已执行
  then 阶段 := 待决
}
rule 返还(人 in 债权人) {
  by 原执行机构  kind enforcement_measure  cites 第二百四十四条
  when 阶段 == 待决 and 份额[人] > 0
  then 份额[人] := 份额[人] - 1
}
property 守恒 { always sum(人 in 债权人: 份额[人]) <= 3 }
expect 守恒 holds
"""
    model = compiled(text, tmp_path)
    assert model.name == "执行回转"
    assert [s.name for s in model.slots] == ["阶段", "份额[甲]", "份额[乙]"]
    assert [r.name for r in model.rules] == ["申请执行回转", "返还(甲)", "返还(乙)"]
    assert rule(model, "返还(乙)").binding == (("人", "乙"),)


def test_columns_count_characters_not_bytes(tmp_path: Path) -> None:
    text = 'procedure 执行 "x"\nvar 阶段 : {已执行, 待决} = 已执行\nfinal 阶段 == 已执形\n'
    result = compile_text(text, directory=str(tmp_path))
    (d,) = result.errors
    assert (d.code, d.span.line, d.span.col, d.span.end_col) == ("E102", 3, 13, 16)
    assert d.help == "did you mean '已执行'?"


@pytest.mark.parametrize(
    "path", sorted(Path(__file__).resolve().parent.joinpath("models").glob("*.rev"))
)
def test_the_known_models_compile_without_diagnostics(path: Path) -> None:
    result = compile_file(str(path))
    ok(result)
    assert [d.code for d in result.diagnostics] == []
