"""Static analysis of rule sets: dead provisions, competence conflicts, contradictions,
vacuous properties; each finding names its rules, citations and how it was established."""

from __future__ import annotations

import argparse
from pathlib import Path

from checker.cli.lint import add_lint_parser, run_lint
from checker.report.lint.text import render_findings
from checker.symbolic.lint import Finding, lint
from dsl.frontend import compile_file, compile_text
from dsl.model import Model

ROOT = Path(__file__).parent.parent

RULES = """
procedure lint_me "a rule set with every kind of finding"
import principles

source art_1 "Art. 1"
source art_2 "Art. 2"

actor bureau is enforcement_organ
actor bench is trial_organ
actor debtor is party

var stage : {start, pending, decided, returned} = start
var amount : int = any
var flag : bool = false

rule apply { by debtor kind initiation cites art_1 when stage == start then stage := pending }
rule impossible { by debtor kind withdrawal cites art_2 when amount > 5 and amount < 3 \
then stage := start }
rule unreachable { by bureau kind procedural_decision cites art_2 \
when stage == returned and flag then flag := false }
rule bureau_decides { by bureau duty kind substantive_decision cites art_1 \
when stage == pending then stage := decided }
rule bench_decides { by bench duty kind substantive_decision cites art_2 \
when stage == pending and amount >= 0 then stage := returned }

final stage in {decided, returned}

property vacuous { always flag implies amount > 0 }
property meaningful { always stage == decided implies stage != start }
"""


def model_of(text: str) -> Model:
    front = compile_text(text, directory=str(ROOT / "cases" / "prc"))
    assert front.model is not None, [d.message for d in front.diagnostics]
    return front.model


def by_code(findings: tuple[Finding, ...], code: str) -> list[Finding]:
    return [f for f in findings if f.code == code]


def test_findings() -> None:
    findings = lint(model_of(RULES), depth=10)
    dead = {f.rules[0]: f for f in by_code(findings, "dead-rule")}
    assert set(dead) == {"impossible", "unreachable"}
    assert (
        dead["impossible"].how == "unsatisfiable outright"
        and dead["impossible"].severity == "error"
    )
    assert dead["impossible"].citations == (("art_2", "Art. 2"),)
    assert dead["unreachable"].how.startswith("proven: k-inductive")
    conflicts = by_code(findings, "competence-conflict")
    assert [f.rules for f in conflicts] == [("bureau_decides", "bench_decides")]
    assert conflicts[0].severity == "warning" and conflicts[0].how.startswith(
        "witness"
    )  # a legal finding
    clashes = by_code(findings, "contradiction")
    assert [f.rules for f in clashes] == [("bureau_decides", "bench_decides")]
    assert (
        clashes[0].severity == "warning"
    )  # both are duties: a collision of norms, not a broken file
    assert clashes[0].message.endswith("(both are duties)")
    vacuous = by_code(findings, "vacuous-property")
    assert [f.property for f in vacuous] == ["vacuous"]
    text = render_findings(findings)
    assert "error[L601 dead-rule]: rule 'impossible' can never apply" in text
    assert dead["unreachable"].severity == "warning"
    assert vacuous[0].severity in ("warning", "note")
    assert "cites art_2: Art. 2" in text


def test_distribution_has_no_errors() -> None:
    front = compile_text(
        (ROOT / "cases" / "prc" / "distribution.rev").read_text(encoding="utf-8"),
        directory=str(ROOT / "cases" / "prc"),
    )
    assert front.model is not None
    findings = lint(front.model, depth=8)
    assert not [f for f in findings if f.severity == "error"], render_findings(findings)


def test_cli_exit_codes(tmp_path: Path, capsys) -> None:  # type: ignore[no-untyped-def]
    parser = argparse.ArgumentParser()
    add_lint_parser(parser.add_subparsers(dest="command"))
    bad = tmp_path / "bad.rev"
    bad.write_text(
        RULES.replace("import principles", f'import "{ROOT / "spec" / "principles.rev"}"'),
        encoding="utf-8",
    )
    assert run_lint(parser.parse_args(["lint", str(bad), "--depth", "6"])) == 1
    assert "error[L601 dead-rule]" in capsys.readouterr().out
    assert run_lint(parser.parse_args(["lint", str(tmp_path / "missing.rev")])) == 2
    broken = tmp_path / "broken.rev"
    broken.write_text("procedure p\nvar x : int = \n", encoding="utf-8")
    assert run_lint(parser.parse_args(["lint", str(broken)])) == 2


def test_only_rules_that_share_a_decision_kind_or_a_variable_are_paired() -> None:
    """The pairs compared are those `combinations` gives, less those that cannot compete or
    clash; the findings are those of comparing every pair, in the same order."""
    from itertools import combinations

    from checker.symbolic.encode import Encoding
    from checker.symbolic.lint import _Linter

    for case in ("cases/prc/current.rev", "cases/prc/draft_enforcement_law.rev"):
        model = compile_file(str(ROOT / case)).model
        assert model is not None
        linter = _Linter(Encoding(model), 1)
        groups = list(linter._grouped().items())
        chosen = linter._pairs_to_compare(groups)
        assert chosen == sorted(chosen) and len(set(chosen)) == len(chosen)
        assert 0 < len(chosen) < len(groups) * (len(groups) - 1) // 2  # some are left out
        for i, j in combinations(range(len(groups)), 2):
            if (i, j) in chosen:
                continue
            for x in groups[i][1]:
                for y in groups[j][1]:
                    assert not linter._competing(x, y), (x.name, y.name)
                    assert not {u.slot for u in x.updates} & {u.slot for u in y.updates}
