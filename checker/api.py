"""The Python API for notebooks and scripts: `check_file(path)` -> a `FileReport`.

Nothing here prints; rendering happens in `checker.report`.
"""

from __future__ import annotations

import os
from dataclasses import replace
from pathlib import Path

import checker.symbolic  # noqa: F401 - registers the symbolic engine in `engines`
from checker.engine import Engine, engines
from checker.outcome import FileReport, outcomes_of
from checker.result import CheckOptions, ModelResult
from checker.verdict import Status
from dsl.frontend import FrontendResult, compile_file, compile_text
from dsl.model import Model, domain_of


class Refused(Exception):
    """The engine cannot check this model with these options (e.g. an unbounded int)."""


def unbounded_slots(model: Model) -> list[str]:
    return [
        s.name
        for s, init in zip(model.slots, model.initial, strict=True)
        if domain_of(s.type) is None or init is None
    ]


def select_engine(model: Model, options: CheckOptions) -> Engine:
    """`explicit` needs finite domains; `auto` takes explicit when it can, else symbolic."""
    unbounded = unbounded_slots(model)
    wanted = options.engine
    if wanted == "auto":
        wanted = "explicit" if not unbounded else "symbolic"
    if wanted not in engines:
        raise Refused(f"the {wanted} engine is not available in this version")
    if wanted == "explicit" and unbounded:
        names = ", ".join(f"'{n}'" for n in unbounded)
        raise Refused(
            f"the explicit engine enumerates states and needs finite domains, but {names} "
            "is an unbounded `int` (or has an `any` initial value over one); give it a range "
            "such as 0..10, or use --engine symbolic"
        )
    return engines[wanted]


def check_model_file(path: str, options: CheckOptions | None = None) -> FileReport:
    return _check_compiled(path, compile_file(path), options or CheckOptions())


def _check_compiled(path: str, front: FrontendResult, options: CheckOptions) -> FileReport:
    """The verification half of `check`, shared by files and text."""
    if front.model is None:
        return FileReport(path, front.diagnostics, front.files)
    model = front.model
    if model.is_library:
        return FileReport(path, front.diagnostics, front.files, is_library=True)
    try:
        engine = select_engine(model, options)
        if options.cross_check and engine.name == "explicit":
            result = _cross_checked(model, options)
        else:
            result = engine.check(model, options)
        if options.engine == "auto" and engine.name == "explicit" and not result.complete:
            result = _symbolic_after_limit(model, options, result)
    except Refused as exc:
        return FileReport(path, front.diagnostics, front.files, refusal=str(exc))
    lint = _lint_summary(model, options) if options.lint else ""
    return FileReport(path, front.diagnostics, front.files, result, outcomes_of(result), lint=lint)


def check_file(path: str | os.PathLike[str], options: CheckOptions | None = None) -> FileReport:
    """Check one `.rev` file: diagnostics if it is malformed, else verdicts and dead ends."""
    return check_model_file(str(path), options)


def check_text(text: str, options: CheckOptions | None = None, directory: str | None = None) -> FileReport:
    """Check source text (imports resolve from `directory`, default: the working directory)."""
    return _check_compiled("<text>.rev", compile_text(text, directory=directory), options or CheckOptions())


class EngineDisagreement(Exception):
    """The two engines disagree on a verdict: a bug in one of them, never a user error."""


def _cross_checked(model: Model, options: CheckOptions) -> ModelResult:
    from checker.crosscheck import cross_check

    checked = cross_check(model, options)
    if checked.disagreements:
        lines = [f"{d.property or 'dead ends'}: explicit {d.explicit}, symbolic {d.symbolic}: {d.message}"
                 for d in checked.disagreements]
        raise EngineDisagreement("the explicit and symbolic engines disagree on " + model.path
                                 + "\n  " + "\n  ".join(lines))
    return checked.result


def _symbolic_after_limit(model: Model, options: CheckOptions, explicit: ModelResult) -> ModelResult:
    """`--engine auto` when the explicit search hit the state limit: Z3 takes over.

    A definitive explicit verdict (a counterexample or witness found before the limit) is
    kept; every other property gets the symbolic engine's verdict (a k-inductive proof, a
    counterexample, or "holds up to depth K")."""
    symbolic = engines["symbolic"].check(model, options)
    verdicts = tuple(
        e if e.status is not Status.UNKNOWN else s
        for e, s in zip(explicit.verdicts, symbolic.verdicts, strict=True)
    )
    return replace(symbolic, verdicts=verdicts, states=explicit.states,
                   transitions=explicit.transitions,
                   seconds=explicit.seconds + symbolic.seconds)


def _lint_summary(model: Model, options: CheckOptions) -> str:
    from checker.symbolic.cli_lint import lint_summary
    from checker.symbolic.lint import lint

    return lint_summary(lint(model, min(options.depth, 12), options.timeout_s))


def collect_paths(targets: list[str]) -> tuple[list[str], list[str]]:
    """Expand directories into their `.rev` files (sorted); also return targets that don't exist."""
    found: list[str] = []
    missing: list[str] = []
    for t in targets:
        p = Path(t)
        if p.is_dir():
            found.extend(str(f) for f in sorted(p.rglob("*.rev")))
        elif p.exists():
            found.append(t)
        else:
            missing.append(t)
    return found, missing
