"""A bill that repeals a rule repeals what the law said about that rule alone.

The reform bill (cases/prc/reform_proposal.rev) repeals the objection route and the unlimited
procuratorial recommendation of the law in force; an `allow L603 for RULE` line that the law in
force keeps for a repealed rule must go with the rule, or the bill would not even compile (E115).
"""

from __future__ import annotations

from pathlib import Path

from dsl.frontend import compile_file

BASE = """procedure base "a law"
source art1 "Article 1"
organ court
kind decision
actor judge is court
var stage : {start, done} = start
rule decide { by judge kind decision cites art1 when stage == start then stage := done }
rule redo { by judge kind decision cites art1 when stage == done then stage := start }
final stage == done
allow L603 for decide, redo "reviewed: both are the court's discretion"
allow L603 for redo "reviewed: redo only"
"""


def test_repealing_a_rule_repeals_its_allow_lines(tmp_path: Path) -> None:
    (tmp_path / "base.rev").write_text(BASE, encoding="utf-8")
    (tmp_path / "bill.rev").write_text(
        'procedure bill "no redo"\nextends "base.rev"\nrepeal rule redo\n', encoding="utf-8"
    )
    result = compile_file(str(tmp_path / "bill.rev"))
    assert result.model is not None, [(d.code, d.message) for d in result.diagnostics]
    assert not [d for d in result.diagnostics if d.code == "E115"]


def test_the_reform_bill_compiles_over_the_law_in_force() -> None:
    root = Path(__file__).resolve().parent.parent
    result = compile_file(str(root / "cases" / "prc" / "reform_proposal.rev"))
    assert result.model is not None, [(d.code, d.message) for d in result.diagnostics if d.is_error]
