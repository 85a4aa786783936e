"""Lint levels a CI can use (issue 12): codes L601-L604, error only for a rule set that cannot
mean what it says, warnings and notes for legal findings, `allow CODE "reason"` lines, exit
codes with `--fail-on`, and the same in JSON, SARIF and JUnit."""

from __future__ import annotations

import json
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest

from checker.cli import main

LAW = """procedure levels "Findings of every level"
source art1 "Article 1 (a test article)"
organ court
organ bureau_organ
kind substantive_decision
kind initiation
actor bench is court
actor bureau is bureau_organ
actor debtor is court
var stage : {start, pending, decided} = start
var amount : 0..3 = 0
rule apply { by debtor kind initiation cites art1 when stage == start then stage := pending }
rule impossible { by debtor kind initiation cites art1 when amount > 2 and amount < 1 \
then stage := start }
rule bench_decides { by bench kind substantive_decision cites art1 duty \
when stage == pending then stage := decided }
rule bureau_decides { by bureau kind substantive_decision cites art1 when stage == pending \
then stage := decided }
final stage == decided
"""


def lint_run(tmp_path: Path, extra: str = "", *options: str) -> tuple[int, str]:
    path = tmp_path / "levels.rev"
    path.write_text(LAW + extra, "utf-8")
    out = tmp_path / "out.txt"
    code = main(["lint", str(path), "--depth", "4", "--output", str(out), *options])
    return code, out.read_text("utf-8")


def test_only_a_rule_set_that_cannot_mean_what_it_says_is_an_error(tmp_path: Path) -> None:
    code, text = lint_run(tmp_path)
    assert code == 1
    assert "error[L601 dead-rule]: rule 'impossible' can never apply" in text
    assert "warning[L602 competence-conflict]" in text  # a legal finding, witnessed
    assert "lint: 1 error(s), 1 warning(s), 0 note(s)" in text


def test_an_allow_line_accepts_a_reviewed_finding(tmp_path: Path) -> None:
    allow = '\nallow L601 for impossible "kept to mirror the statute\'s text; reviewed"\n'
    code, text = lint_run(tmp_path, allow)
    assert code == 0
    assert "allowed[L601 dead-rule]: rule 'impossible' can never apply" in text
    assert "kept to mirror the statute's text; reviewed" in text
    assert (
        "lint: 0 error(s), 1 warning(s), 0 note(s) (L602 competence-conflict: 1); "
        "1 allowed (L601: 1)" in text
    )


def test_an_allow_by_name_and_a_stale_allow(tmp_path: Path) -> None:
    extra = (
        '\nallow dead_rule "the name works as the code"\nallow L603 for apply "nothing to accept"\n'
    )
    code, text = lint_run(tmp_path, extra)
    assert code == 0
    assert "`allow L603 for apply`" in text and "accepts no finding" in text


@pytest.mark.parametrize(("fail_on", "expected"), [("error", 0), ("warning", 1), ("note", 1)])
def test_fail_on_chooses_the_level_that_fails(tmp_path: Path, fail_on: str, expected: int) -> None:
    allow = '\nallow L601 for impossible "reviewed"\n'
    code, _ = lint_run(tmp_path, allow, "--fail-on", fail_on)
    assert code == expected


def test_machine_formats_carry_codes_levels_and_allowances(tmp_path: Path) -> None:
    allow = '\nallow L601 for impossible "reviewed"\n'
    code, text = lint_run(tmp_path, allow, "--format", "json")
    assert code == 0
    doc = json.loads(text)
    assert doc["exit_code"] == 0
    assert doc["summary"] == {
        "error": 0,
        "warning": 1,
        "note": 0,
        "allowed": 1,
        "files_with_errors": 0,
    }
    found = {f["id"]: f for f in doc["files"][0]["findings"]}
    assert found["L601"]["allowed"] == "reviewed" and found["L601"]["severity"] == "error"
    assert found["L602"]["allowed"] is None and found["L602"]["severity"] == "warning"
    _, text = lint_run(tmp_path, allow, "--format", "sarif")
    results = {r["ruleId"]: r for r in json.loads(text)["runs"][0]["results"]}
    assert results["L601"]["suppressions"][0]["justification"] == "reviewed"
    assert results["L602"]["level"] == "warning" and "suppressions" not in results["L602"]
    _, text = lint_run(tmp_path, allow, "--format", "junit")
    root = ET.fromstring(text)
    assert root.get("failures") == "0"
    _, text = lint_run(tmp_path, "", "--format", "junit")
    assert ET.fromstring(text).get("failures") == "1"


SHIPPED = sorted((Path(__file__).resolve().parent.parent / "cases").rglob("*.rev"))


@pytest.mark.parametrize("path", SHIPPED, ids=lambda p: f"{p.parent.name}/{p.name}")
def test_shipped_cases_have_no_lint_error(path: Path) -> None:
    """`revcheck lint cases/` exits 0: an error is only ever a condition no state satisfies,
    which the depth bound does not change, so depth 1 finds every error there is. (One test
    per case: the cases spread over the test workers.)"""
    from checker.report.lint.levels import counted
    from checker.symbolic.lint import lint
    from dsl.frontend import compile_file

    front = compile_file(str(path))
    assert front.model is not None, path
    errors = [
        f for f in counted(lint(front.model, depth=1), front.model.allows) if f.severity == "error"
    ]
    assert not errors, (path, [f.message for f in errors])


def test_every_shipped_case_is_linted() -> None:
    from checker.api import collect_paths

    paths, _ = collect_paths([str(Path(__file__).resolve().parent.parent / "cases")])
    assert sorted(Path(p).resolve() for p in paths) == SHIPPED
