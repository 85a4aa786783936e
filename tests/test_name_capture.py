"""No silent name capture (issue 12).

A procedure that declares a variable with the name of something the imported principles read
(an act kind, an organ, a conventional variable or value, `decision_period`) must not change a
principle's verdict silently: either every verdict stays what it was, or a diagnostic that names
the declared name says why (W403 shadowing, W404 near miss, W405 does not fit, or an error).
The vocabulary is read from the library itself, so a principle added later is covered too.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from checker.api import check_model_file
from checker.core.outcome import FileReport
from checker.core.result import CheckOptions
from dsl import ast
from dsl.check_bindings import read_names
from dsl.imports import BUNDLED_SPEC
from dsl.parser import parse
from dsl.source import SourceFile

BASE = Path(__file__).resolve().parent / "capture" / "base.rev"
OPTIONS = CheckOptions(engine="explicit")


def vocabulary() -> list[str]:
    """Every name the principles read, and every act kind and organ the library declares."""
    path = BUNDLED_SPEC / "principles.rev"
    module, diags = parse(SourceFile(str(path), path.read_text("utf-8")))
    assert module is not None and not diags
    names: list[str] = []
    for d in module.decls:
        if isinstance(d, ast.KindDecl | ast.OrganDecl):
            names.append(d.name)
        elif isinstance(d, ast.PropertyDecl):
            names += read_names(d.body)
    return sorted(set(names))


def verdicts(report: FileReport) -> dict[str, str]:
    return {o.property.name: o.verdict.status.value for o in report.outcomes}


@pytest.fixture(scope="module")
def base() -> FileReport:
    report = check_model_file(str(BASE), OPTIONS)
    assert not report.diagnostics, [d.message for d in report.diagnostics]
    found = verdicts(report)
    # the base models every principle: a drift of the library's conventions shows here first
    assert "not applicable" not in found.values(), found
    return report


def declared_in_base() -> set[str]:
    text = BASE.read_text("utf-8")
    return {
        line.split()[1]
        for line in text.splitlines()
        if line.split()[:1] in (["var"], ["const"], ["actor"], ["rule"])
    }


@pytest.mark.parametrize("type_text", ["bool = false", "{alpha_1, alpha_2} = alpha_1"])
def test_no_vocabulary_name_changes_a_verdict_silently(
    tmp_path: Path, base: FileReport, type_text: str
) -> None:
    before = verdicts(base)
    names = [n for n in vocabulary() if n not in declared_in_base()]
    assert {"appeal", "hearing", "enforcement_organ", "changed", "sale_undone"} <= set(names)
    changed_loudly = 0
    for name in names:
        case = tmp_path / f"capture_{name}.rev"
        text = BASE.read_text("utf-8").replace(
            "procedure capture_base", f"procedure capture_{name}"
        )
        case.write_text(text + f"\nvar {name} : {type_text}\n", "utf-8")
        report = check_model_file(str(case), OPTIONS)
        after = verdicts(report)
        differ = sorted(p for p in before if after.get(p) != before[p])
        if not differ:
            continue
        said = [d for d in report.diagnostics if f"'{name}'" in d.message]
        assert said, f"`var {name}` changed {differ} without a diagnostic naming it"
        changed_loudly += 1
    assert changed_loudly > 0  # the values of conventional variables do change verdicts, loudly


def test_a_variable_named_like_an_act_kind_does_not_capture_it(
    tmp_path: Path, base: FileReport
) -> None:
    """The reported case: `var appeal` made `remedy_after_decision` fail."""
    case = tmp_path / "appeal.rev"
    case.write_text(BASE.read_text("utf-8") + "\nvar appeal : {none, filed} = none\n", "utf-8")
    report = check_model_file(str(case), OPTIONS)
    assert verdicts(report) == verdicts(base)
    assert [d.code for d in report.diagnostics] == ["W403"]


def test_a_typo_in_a_conventional_value_says_did_you_mean(tmp_path: Path) -> None:
    case = tmp_path / "typo.rev"
    case.write_text(BASE.read_text("utf-8").replace("sale_undone}", "sale_undon}"), "utf-8")
    report = check_model_file(str(case), OPTIONS)
    (w,) = [d for d in report.diagnostics if d.code == "W404"]
    assert "did you mean 'sale_undone'" in w.label
    note = next(
        o.verdict.note for o in report.outcomes if o.property.name == "third_party_protection"
    )
    assert note.startswith("not modelled: needs `sale_undone`")
    assert "principles bind sale_undone = sale_undon" in note


def test_bind_maps_a_principle_name_to_the_case_name(tmp_path: Path, base: FileReport) -> None:
    case = tmp_path / "bound.rev"
    text = (
        BASE.read_text("utf-8")
        .replace("var sale :", "var auction :")
        .replace("sale_undone}", "auction_undone}")
    )
    case.write_text(
        text + "\nprinciples bind sale = auction, sale_undone = auction_undone\n", "utf-8"
    )
    report = check_model_file(str(case), OPTIONS)
    assert not report.diagnostics
    assert verdicts(report) == verdicts(base)
    prop = next(o.property for o in report.outcomes if o.property.name == "third_party_protection")
    assert dict(prop.reads) == {"sale": "auction", "sale_undone": "auction_undone"}
    from checker.report.check.text import render_reports

    assert (
        "third_party_protection reads sale as auction, sale_undone as auction_undone (bind)"
        in render_reports([report])
    )
