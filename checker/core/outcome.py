"""Verdicts against expectations: what `check` reports and what decides the exit code."""

from __future__ import annotations

import builtins
import enum
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from checker.core.limits import dead_ends_unsettled
from checker.core.result import ModelResult
from checker.core.verdict import Status, Verdict
from dsl.diagnostics import Diagnostic
from dsl.model import Expectation, Property
from dsl.source import SourceFile

if TYPE_CHECKING:
    from checker.scenario.run import ScenarioOutcome


class Match(enum.Enum):
    MET = "met"  # the verdict is the expected one
    DIFFERS = "differs"  # a definite verdict other than the expected one
    FAILS = "fails"  # no expectation, and the property fails
    UNSETTLED = "unsettled"  # unknown or bounded: neither met nor refuted
    NONE = "no expectation"  # no expectation, and the property does not fail


@dataclass(frozen=True, slots=True)
class PropertyOutcome:
    property: Property
    verdict: Verdict
    expectation: Expectation | None
    match: Match

    @builtins.property  # the field `property` shadows the builtin in this class body
    def is_problem(self) -> bool:
        return self.match in (Match.DIFFERS, Match.FAILS)


def match(verdict: Verdict, expectation: Expectation | None) -> Match:
    definite = verdict.status in (Status.HOLDS, Status.FAILS, Status.NOT_APPLICABLE)
    if expectation is None:
        if verdict.status is Status.FAILS:
            return Match.FAILS
        return Match.NONE if definite else Match.UNSETTLED
    if not definite:
        return Match.UNSETTLED
    return (
        Match.MET
        if verdict.status.value == _AS_STATUS.get(expectation.verdict, expectation.verdict)
        else Match.DIFFERS
    )


# Findings about the law that the checker meets with a plain status: "no such rule in the law" is a
# principle that does not apply; "holds vacuously" holds (the reason says why nothing can happen).
_AS_STATUS = {"silent": "not applicable", "holds vacuously": "holds"}


@dataclass(frozen=True, slots=True)
class FileReport:
    """Everything `check` found for one file: diagnostics, or a model's verdicts."""

    path: str
    diagnostics: tuple[Diagnostic, ...] = ()
    files: dict[str, SourceFile] = field(default_factory=dict, compare=False)
    result: ModelResult | None = None
    outcomes: tuple[PropertyOutcome, ...] = ()
    refusal: str = ""  # the model is fine but cannot be checked with these options
    is_library: bool = False
    lint: str = ""  # the one-line lint summary, when asked for
    scenarios: tuple[ScenarioOutcome, ...] = ()  # also in `outcomes`, with their facts here

    @property
    def has_errors(self) -> bool:
        return any(d.is_error for d in self.diagnostics) or bool(self.refusal)

    @property
    def exit_code(self) -> int:
        return exit_code([self])

    @property
    def dead_ends_unsettled(self) -> str:
        """Why the dead-end search settled nothing ('' if it did): a limit or a bound cut it
        short."""
        return "" if self.result is None else dead_ends_unsettled(self.result)

    @property
    def unsettled(self) -> bool:
        """Some verdict, or the dead-end search, is neither shown nor refuted (exit 3)."""
        return any(o.match is Match.UNSETTLED for o in self.outcomes) or bool(
            self.dead_ends_unsettled
        )


def outcomes_of(result: ModelResult) -> tuple[PropertyOutcome, ...]:
    expectations = {e.property: e for e in result.model.expectations}
    out = []
    for prop in result.model.properties:
        verdict = result.verdict(prop.name)
        if verdict is None:
            continue
        exp = expectations.get(prop.name)
        out.append(PropertyOutcome(prop, verdict, exp, match(verdict, exp)))
    return tuple(out)


def exit_code(reports: list[FileReport]) -> int:
    """0 all as expected; 1 a verdict differs (or fails unexpected); 2 bad input; 3 unsettled
    (a verdict, or the dead-end search, cut short by a limit or a bound: never a pass)."""
    if any(r.has_errors for r in reports):
        return 2
    if any(o.is_problem for r in reports for o in r.outcomes) or any(
        r.result is not None and r.result.range_errors for r in reports
    ):
        return 1
    if any(r.unsettled for r in reports):
        return 3
    return 0


@dataclass(frozen=True, slots=True)
class Tally:
    """What a `check` run printed, counted once for every format (issue 12: counts that add
    up). A *problem* is what makes the exit code 1: a verdict that differs from its `expect`,
    a property that fails without one, a range error. Dead ends and warnings are findings the
    report shows; they are counted but do not change the exit code."""

    files: int
    met: int
    differs: int  # a definite verdict other than the expected one
    fails: int  # fails, and no `expect`
    range_errors: int
    unsettled: int  # verdicts and dead-end searches cut short (exit 3)
    not_applicable: int  # not modelled, excluded, or the model lacks what the property needs
    dead_ends: int
    warnings: int
    errors: int  # error diagnostics and engine refusals (exit 2)
    files_with_errors: int

    @property
    def problems(self) -> int:
        return self.differs + self.fails + self.range_errors

    def as_dict(self) -> dict[str, int]:
        fields = (
            "files",
            "met",
            "problems",
            "differs",
            "fails",
            "range_errors",
            "unsettled",
            "not_applicable",
            "dead_ends",
            "warnings",
            "errors",
            "files_with_errors",
        )
        return {k: getattr(self, k) for k in fields}


def tally(reports: list[FileReport]) -> Tally:
    outcomes = [o for r in reports for o in r.outcomes]
    results = [r.result for r in reports if r.result is not None]
    return Tally(
        files=len(reports),
        met=sum(1 for o in outcomes if o.match is Match.MET),
        differs=sum(1 for o in outcomes if o.match is Match.DIFFERS),
        fails=sum(1 for o in outcomes if o.match is Match.FAILS),
        range_errors=sum(len(res.range_errors) for res in results),
        unsettled=sum(1 for o in outcomes if o.match is Match.UNSETTLED)
        + sum(1 for r in reports if r.dead_ends_unsettled),
        not_applicable=sum(1 for o in outcomes if o.verdict.status is Status.NOT_APPLICABLE),
        dead_ends=sum(max(res.dead_end_count or 0, len(res.dead_ends)) for res in results),
        warnings=sum(1 for r in reports for d in r.diagnostics if not d.is_error),
        errors=sum(1 for r in reports for d in r.diagnostics if d.is_error)
        + sum(1 for r in reports if r.refusal),
        files_with_errors=sum(1 for r in reports if r.has_errors),
    )


def summary_line(reports: list[FileReport]) -> str:
    """The last line of `check`'s text report; every count in it is one `Tally` field."""
    t = tally(reports)
    kinds = [
        (t.differs, "verdict(s) differ from expect"),
        (t.fails, "unexpected failure(s)"),
        (t.range_errors, "range error(s)"),
    ]
    detail = ", ".join(f"{n} {what}" for n, what in kinds if n)
    parts = [
        f"{t.met} expectation(s) met",
        f"{t.problems} problem(s)" + (f" ({detail})" if detail else ""),
        f"{t.unsettled} unsettled",
        f"{t.not_applicable} not applicable",
        f"{t.dead_ends} dead end(s)",
        f"{t.warnings} warning(s)",
        f"{t.files_with_errors} file(s) with errors"
        + (f" ({t.errors} error(s))" if t.errors else ""),
    ]
    return f"{t.files} file(s): " + ", ".join(parts) + f" — exit {exit_code(reports)}"
