"""Check one candidate bill: the task a Dask worker runs. Plain, picklable values in and out."""

from __future__ import annotations

import os
import tempfile
from collections.abc import Collection
from dataclasses import dataclass, replace

from checker.core.result import CheckOptions
from checker.core.trace import TIME_STEP
from checker.core.verdict import Status, Verdict
from dsl.model import SAFETY_FORMS, Invariant, LeadsTo, Model, NeverStep, RequiresEarlier

# a counterexample survives any move that leaves its steps alone only for these forms: a finite
# path that breaks the property whatever comes after (`reachable` fails with no path at all)
_PRUNABLE = (Invariant, NeverStep, RequiresEarlier)


@dataclass(frozen=True, slots=True)
class Counterexample:
    """What a move must touch to possibly remove this counterexample."""

    rules: frozenset[str]  # declared rule names of its steps
    has_time: bool  # days pass on it: a new deadline may forbid that


@dataclass(frozen=True, slots=True)
class Outcome:
    """One candidate's verdicts, or why it could not be checked."""

    statuses: tuple[tuple[str, str], ...]  # property -> Status.value
    counterexamples: tuple[tuple[str, Counterexample], ...]  # prunable failures only
    error: str = ""  # the bill does not compile, or the engines refused it
    states: int = 0
    complete: bool = True

    def status(self, prop: str) -> str:
        return dict(self.statuses).get(prop, "")

    def counterexample(self, prop: str) -> Counterexample | None:
        return dict(self.counterexamples).get(prop)


def check_bill(
    text: str, options: CheckOptions | None = None, properties: Collection[str] | None = None
) -> Outcome:
    """Compile and check `text` (its `extends` is an absolute path); the status of every
    property, or of `properties` only (the search needs the chosen and the kept principles;
    judging the case's own properties too took about half of each check). A state or time
    limit leaves the outcome incomplete: never a repair."""
    from checker.select import Refused, run_engines

    model, problem = compile_bill(text)
    if model is None:
        return Outcome((), (), error=problem)
    if properties is not None:
        wanted = frozenset(properties)
        model = replace(model, properties=tuple(p for p in model.properties if p.name in wanted))
    try:
        result = run_engines(model, options or CheckOptions(engine="auto"))
    except Refused as exc:
        return Outcome((), (), error=str(exc))
    statuses = tuple((v.property, v.status.value) for v in result.verdicts)
    cexes = tuple(
        (v.property, c) for v in result.verdicts if (c := _counterexample(model, v)) is not None
    )
    return Outcome(statuses, cexes, states=result.states, complete=result.complete)


def compile_bill(text: str) -> tuple[Model | None, str]:
    """The bill's consolidated model, or the first error ("E107: ...") it does not compile
    with. Written to a temporary file: its `extends` is absolute, its own name irrelevant."""
    from dsl.frontend import compile_file

    folder = tempfile.mkdtemp(prefix="revcheck-repair-")
    path = os.path.join(folder, "candidate.rev")
    try:
        with open(path, "w", encoding="utf-8") as f:
            f.write(text)
        front = compile_file(path)
    finally:
        if os.path.exists(path):
            os.unlink(path)
        os.rmdir(folder)
    errors = [d for d in front.diagnostics if d.is_error]
    if front.model is None or errors:
        first = errors[0] if errors else None
        return None, f"{first.code}: {first.message}" if first else "no model"
    return front.model, ""


def _counterexample(model: Model, verdict: Verdict) -> Counterexample | None:
    if verdict.status is not Status.FAILS or verdict.trace is None:
        return None
    if verdict.trace.loop_start is not None:
        return None
    prop = next((p for p in model.properties if p.name == verdict.property), None)
    if prop is None:
        return None
    form = prop.form
    bounded = isinstance(form, LeadsTo) and form.within_days is not None
    if not (isinstance(form, _PRUNABLE) or bounded):
        return None
    assert isinstance(form, SAFETY_FORMS) or bounded
    declared = {r.name: r.rule for r in model.rules}
    names = [name for name, _ in verdict.trace.steps]
    rules = frozenset(declared.get(n, n) for n in names if n != TIME_STEP)
    return Counterexample(rules, TIME_STEP in names)
