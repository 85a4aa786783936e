"""The Python API for notebooks and scripts: `check_file(path)` -> a `FileReport`.

Nothing here prints; rendering happens in `checker.report`.
"""

from __future__ import annotations

import os
from dataclasses import replace
from pathlib import Path
from typing import TYPE_CHECKING

from checker.core.outcome import FileReport, outcomes_of
from checker.core.result import CheckOptions, ModelResult
from checker.select import Refused, run_engines
from dsl.frontend import FrontendResult, compile_file, compile_text
from dsl.model import Model

if TYPE_CHECKING:
    from checker.scenario.run import ScenarioOutcome


class EngineResults:
    """The engines' results of one run of many files, by what the engines read of a model.

    A scenario file imports its case unchanged: its rules, state and properties are the
    case's own, so the case's search is not run twice (`check cases/` checks both files).
    The key leaves out only what no engine reads (names, titles, sources, expectations,
    scenarios, allowances); everything else must be equal, options included."""

    def __init__(self) -> None:
        self._seen: dict[tuple[Model, CheckOptions], ModelResult] = {}

    def run(self, model: Model, options: CheckOptions) -> ModelResult:
        key = (_what_engines_read(model), options)
        if (earlier := self._seen.get(key)) is None:
            earlier = self._seen[key] = run_engines(model, options)
            return earlier
        return replace(earlier, model=model)


def _what_engines_read(model: Model) -> Model:
    return replace(
        model,
        name="",
        title="",
        title_zh="",
        path="",
        sources=(),
        expectations=(),
        scenarios=(),
        allows=(),
        value_titles=(),
    )


def check_model_file(
    path: str, options: CheckOptions | None = None, results: EngineResults | None = None
) -> FileReport:
    """Check one file; `results` shares engine results across the files of one run."""
    return _check_compiled(path, compile_file(path), options or CheckOptions(), results)


def _check_compiled(
    path: str,
    front: FrontendResult,
    options: CheckOptions,
    results: EngineResults | None = None,
) -> FileReport:
    """The verification half of `check`, shared by files and text."""
    if front.model is None:
        return FileReport(path, front.diagnostics, front.files)
    model = front.model
    if model.is_library:
        return FileReport(path, front.diagnostics, front.files, is_library=True)
    try:
        result = results.run(model, options) if results else run_engines(model, options)
    except Refused as exc:
        return FileReport(path, front.diagnostics, front.files, refusal=str(exc))
    lint = _lint_summary(model, options) if options.lint else ""
    outcomes, diagnostics = outcomes_of(result), front.diagnostics
    scenarios: tuple[ScenarioOutcome, ...] = ()
    if model.scenarios:  # each on the model restricted to its facts (checker.scenario)
        from checker.scenario.run import check_scenarios

        scenarios, found = check_scenarios(model, options)
        outcomes += tuple(s.outcome for s in scenarios)
        diagnostics = (*diagnostics, *found)
    return FileReport(
        path, diagnostics, front.files, result, outcomes, lint=lint, scenarios=scenarios
    )


def check_file(path: str | os.PathLike[str], options: CheckOptions | None = None) -> FileReport:
    """Check one `.rev` file: diagnostics if it is malformed, else verdicts and dead ends."""
    return check_model_file(str(path), options)


def check_text(
    text: str, options: CheckOptions | None = None, directory: str | None = None
) -> FileReport:
    """Check source text (imports resolve from `directory`, default: the working directory)."""
    return _check_compiled(
        "<text>.rev", compile_text(text, directory=directory), options or CheckOptions()
    )


def _lint_summary(model: Model, options: CheckOptions) -> str:
    from checker.report.lint.text import lint_summary
    from checker.symbolic.lint import lint

    return lint_summary(lint(model, min(options.depth, 12), options.timeout_s), model.allows)


def collect_paths(targets: list[str]) -> tuple[list[str], list[str]]:
    """Expand directories into their `.rev` files (sorted); also return targets that don't exist."""
    found: list[str] = []
    missing: list[str] = []
    for t in targets:
        p = Path(t)
        if os.path.isdir(p):  # os.path: an over-long or looping name is "missing", no OSError
            found.extend(str(f) for f in sorted(p.rglob("*.rev")))
        elif os.path.lexists(p):
            found.append(t)
        else:
            missing.append(t)
    return found, missing
