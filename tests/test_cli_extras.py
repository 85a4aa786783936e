"""The smaller commands and flags: explain, graph, lint, --cross-check, --lint."""

from __future__ import annotations

from pathlib import Path

import pytest

import checker.select as select
from checker.cli import main

MODELS = Path(__file__).parent / "models"
CASES = Path(__file__).parent.parent / "cases"


def test_explain_prints_the_trace_and_the_articles(capsys: pytest.CaptureFixture[str]) -> None:
    assert (
        main(
            [
                "explain",
                str(CASES / "prc" / "current.rev"),
                "trial_execution_separation",
                "--lang",
                "en",
            ]
        )
        == 0
    )
    out = capsys.readouterr().out
    assert "Verdict: fails" in out and "The articles relied on:" in out
    assert (
        "substantive_decision" in out and "原执行机构" in out
    )  # the details; the article's original


def test_explain_an_unknown_property_suggests_a_name(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["explain", str(MODELS / "jugs.rev"), "four_litre"]) == 2
    assert "did you mean 'four_litres'" in capsys.readouterr().err


def test_graph_projection_in_dot_and_mermaid(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["graph", str(CASES / "prc" / "current.rev"), "--project", "rev"]) == 0
    dot = capsys.readouterr().out
    assert dot.startswith("digraph") and '"rev=docketed"' in dot and "order_reversal" in dot
    assert main(["graph", str(MODELS / "jugs.rev"), "--format", "mermaid"]) == 0
    assert capsys.readouterr().out.startswith("stateDiagram-v2")


def test_graph_refuses_a_huge_drawing_and_unknown_variables(
    capsys: pytest.CaptureFixture[str],
) -> None:
    assert main(["graph", str(CASES / "prc" / "current.rev")]) == 2
    assert "--project" in capsys.readouterr().err
    assert main(["graph", str(MODELS / "jugs.rev"), "--project", "nope"]) == 2


# `check --cross-check` on the puzzles: tests/test_differential.py (verdict by verdict).


def test_a_disagreement_between_engines_is_an_internal_error(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    def disagree(model, options):  # type: ignore[no-untyped-def]
        raise select.EngineDisagreement("the explicit and symbolic engines disagree on x: y")

    monkeypatch.setattr(select, "_cross_checked", disagree)
    assert main(["check", str(MODELS / "jugs.rev"), "--cross-check"]) == 4
    err = capsys.readouterr().err
    assert "internal error" in err and "disagree" in err and "Traceback" not in err


def test_lint_summary_in_check_and_lint_formats(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    assert main(["check", str(CASES / "de" / "zpo_717.rev"), "--lint"]) == 0
    assert "lint: no findings" in capsys.readouterr().out
    out = tmp_path / "lint.sarif"
    assert main(["lint", str(MODELS / "jugs.rev"), "--format", "sarif", "--output", str(out)]) == 0
    assert '"version": "2.1.0"' in out.read_text(encoding="utf-8")


def test_lint_of_a_missing_file_is_bad_input(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["lint", "no/such/file.rev"]) == 2


COUNTERS = """procedure counters
organ o
actor a is o
var x : 0..1000 = 0
var y : 0..1000 = 0
rule up_x { by a when x < 1000 then x := x + 1 }
rule up_y { by a when y < 1000 then y := y + 1 }
property bounded { always x + y <= 2000 }
"""


def test_auto_hands_over_to_z3_at_the_state_limit() -> None:
    from checker import CheckOptions, Method, Status, check_text

    auto = check_text(COUNTERS, CheckOptions(max_states=5_000, engine="auto"))
    verdict = auto.outcomes[0].verdict
    assert verdict.status is Status.HOLDS and verdict.method is Method.K_INDUCTION
    assert (
        auto.result is not None and auto.result.engine == "symbolic" and auto.result.states == 5_000
    )
    explicit = check_text(COUNTERS, CheckOptions(max_states=5_000, engine="explicit"))
    assert explicit.outcomes[0].verdict.status is Status.UNKNOWN  # never "holds" at a limit


def test_expect_not_applicable_pins_a_principle_the_case_cannot_express() -> None:
    from checker import Match, check_text

    source = """procedure small
import principles
actor a is party
var x : bool
rule r { by a kind initiation when not x then x := true }
final x
expect third_party_protection not applicable "no judicial sale in this model"
expect reversal_ends fails "a wrong expectation is still caught"
"""
    report = check_text(source, directory=str(CASES.parent))
    by_name = {o.property.name: o for o in report.outcomes}
    assert by_name["third_party_protection"].match is Match.MET
    assert by_name["reversal_ends"].match is Match.DIFFERS
