"""What checking one model produces: verdicts, dead ends, range errors, and how much was
explored."""

from __future__ import annotations

from dataclasses import dataclass

from checker.core.trace import Trace
from checker.core.verdict import Method, Verdict
from dsl.model import Model


@dataclass(frozen=True, slots=True)
class CheckOptions:
    max_states: int = 1_000_000
    engine: str = "explicit"  # explicit | symbolic | auto
    depth: int = 30  # bound for the symbolic engine's BMC / k-induction
    timeout_s: float | None = None  # wall-clock budget per file (None: none); see docs/output.md
    cross_check: bool = False  # run both engines and treat any disagreement as an internal error
    lint: bool = False  # add a one-line summary of the rule set's static analysis


@dataclass(frozen=True, slots=True)
class DeadEnd:
    """A reachable non-final state where no rule applies: a procedural gap (法律空白)."""

    trace: Trace  # the shortest path to the state; the state is trace.states[-1]


@dataclass(frozen=True, slots=True)
class RangeError:
    """A reachable step that sets a variable outside its declared range: a modelling error."""

    message: str
    trace: Trace  # the shortest trace to the pre-state (replayable); `rule` is the offending step
    rule: str = ""  # the rule instance whose update leaves the range


@dataclass(frozen=True, slots=True)
class ModelResult:
    model: Model
    verdicts: tuple[Verdict, ...]
    dead_ends: tuple[DeadEnd, ...]
    range_errors: tuple[RangeError, ...] = ()
    states: int = 0
    transitions: int = 0
    complete: bool = True  # False when a state or time limit stopped exploration
    seconds: float = 0.0
    engine: str = "explicit"
    depth: int | None = None  # the symbolic engine's search bound
    dead_end_count: int | None = None  # all dead ends found; `dead_ends` may list only the first
    stopped: Method | None = None  # STATE_LIMIT or TIME_LIMIT when a limit stopped the search
    limit_note: str = ""  # what the limit cut short: rate, estimated space, a hint
    notes: tuple[str, ...] = ()  # remarks on how it was checked ("cross-check not possible: …")

    def verdict(self, name: str) -> Verdict | None:
        return next((v for v in self.verdicts if v.property == name), None)
