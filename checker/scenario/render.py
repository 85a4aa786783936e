"""What reports say about a scenario besides its verdict: its facts, its goal, its articles.

The verdict, expectation and trace are in the report's `properties` like any property's
(origin "scenario"); this adds the facts, for the JSON report and the HTML report."""

from __future__ import annotations

from typing import Any

from checker.core.show_expr import show
from checker.scenario.run import ScenarioOutcome


def scenario_json(s: ScenarioOutcome) -> dict[str, Any]:
    sc = s.scenario
    return {
        "name": sc.name,
        "title": sc.title,
        "citations": list(sc.citations),
        "given": [show(g.predicate) for g in sc.given],
        "steps": [
            {
                "rule": st.rule,
                "instances": list(st.instances),
                "text": st.text,
                "with": show(st.after) if st.after is not None else None,
                "days": st.days,
            }
            for st in sc.steps
        ],
        "goal": sc.goal,
        "predicate": show(sc.predicate),
        "verdict": s.outcome.verdict.word,
        "match": s.outcome.match.value,
        "restricted_states": s.states,
        "engine": s.engine,
        "line": sc.span.line,
    }
