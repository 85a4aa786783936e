"""The other provisions that break a failing `never step` principle, for `explain` and the site.

The counterexample shows the shortest run, so one provision; `checker.explicit.breaches` finds
a shortest run for every rule that breaks the principle. Only for verdicts of the explicit
engine on a complete search of the case's own model (a scenario restricts the runs, and a
search cut short has not seen every rule).
"""

from __future__ import annotations

from checker.core.outcome import FileReport, PropertyOutcome
from checker.core.result import CheckOptions
from checker.core.trace import Trace
from checker.core.verdict import Status
from dsl.model import NeverStep


def other_breaches(report: FileReport, outcome: PropertyOutcome) -> tuple[tuple[str, Trace], ...]:
    """(declared rule, its shortest breaking run) for each rule other than the counterexample's."""
    from checker.explicit.breaches import breaches, space_with_edges

    result, prop, verdict = report.result, outcome.property, outcome.verdict
    if (
        result is None
        or result.engine != "explicit"
        or not result.complete
        or verdict.status is not Status.FAILS
        or verdict.trace is None
        or not verdict.trace.steps
        or not isinstance(prop.form, NeverStep)
        or not any(p is prop for p in result.model.properties)
    ):
        return ()
    model = result.model
    space = space_with_edges(
        model, getattr(result, "space", None), CheckOptions(max_states=result.states + 1)
    )
    if not space.complete:
        return ()
    last = verdict.trace.steps[-1][0]
    own = next((r.rule for r in model.rules if r.name == last), last)
    return tuple((rule, trace) for rule, trace in breaches(space, prop.form.pattern) if rule != own)
