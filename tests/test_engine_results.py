"""One run of `check` searches a scenario file's case once, and the shared result is
the result the file would get on its own."""

from __future__ import annotations

import checker.api as api
from checker.api import EngineResults, check_model_file
from checker.core.result import CheckOptions

CASE = "cases/prc/current.rev"
SCENARIOS = "cases/prc/current_scenarios.rev"


def _verdicts(report: api.FileReport) -> list[tuple[str, str, str]]:
    assert report.result is not None
    return [(v.property, v.status.value, str(v.method)) for v in report.result.verdicts]


def test_a_scenario_file_shares_its_cases_search(monkeypatch) -> None:
    calls: list[str] = []
    real = api.run_engines

    def counting(model, options):  # type: ignore[no-untyped-def]
        calls.append(model.name)
        return real(model, options)

    monkeypatch.setattr(api, "run_engines", counting)
    options = CheckOptions()
    shared = EngineResults()
    case = check_model_file(CASE, options, shared)
    scenarios = check_model_file(SCENARIOS, options, shared)
    assert len(calls) == 1  # the second file reused the first file's search
    alone = check_model_file(SCENARIOS, options)
    assert len(calls) == 2
    assert _verdicts(scenarios) == _verdicts(alone) == _verdicts(case)
    assert scenarios.result is not None and alone.result is not None
    assert scenarios.result.model.path == alone.result.model.path  # its own model, not the case's
    assert [o.match for o in scenarios.outcomes] == [o.match for o in alone.outcomes]


def test_different_options_are_not_shared(monkeypatch) -> None:
    calls: list[str] = []
    real = api.run_engines
    monkeypatch.setattr(api, "run_engines", lambda m, o: calls.append(m.name) or real(m, o))
    shared = EngineResults()
    check_model_file(CASE, CheckOptions(), shared)
    check_model_file(CASE, CheckOptions(max_states=10**6 + 1), shared)
    assert len(calls) == 2
