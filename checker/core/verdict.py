"""Verdicts say what was found *and how*: a bounded search never prints plain "holds"."""

from __future__ import annotations

import builtins
import enum
from dataclasses import dataclass

from checker.core.trace import Trace


class Status(enum.Enum):
    HOLDS = "holds"
    FAILS = "fails"
    BOUNDED = "holds up to depth"  # no counterexample within the bound: not a proof
    UNKNOWN = "unknown"
    NOT_APPLICABLE = "not applicable"


class Method(enum.Enum):
    EXHAUSTIVE = "exhaustive"
    K_INDUCTION = "k-inductive"
    INVARIANT = "inductive invariant"  # found by Spacer (CHC), re-checked; `Verdict.invariant`
    FAIRNESS = "fairness"  # liveness by a helpful duty (rule WF1, symbolic); `note` names it
    BOUNDED = "bounded"
    COUNTEREXAMPLE = "counterexample"
    WITNESS = "witness"
    STATE_LIMIT = "state limit"
    TIME_LIMIT = "time limit"
    NOT_APPLICABLE = "not applicable"


@dataclass(frozen=True, slots=True)
class Verdict:
    property: str
    status: Status
    method: Method
    states: int | None = None  # states explored (exhaustive) or the limit hit
    bound: int | float | None = None  # k for induction, depth for BMC, a limit (states, or seconds)
    trace: Trace | None = None
    note: str = ""  # e.g. what never happens in a lasso; why not applicable
    engine: str = "explicit"
    invariant: str = ""  # the inductive invariant that proves it, in the language's syntax

    @builtins.property  # `property` is a field of this class
    def how(self) -> str:
        """How the verdict was obtained, in words: 'exhaustive, 1,234 states'."""
        match self.method:
            case Method.EXHAUSTIVE:
                return f"exhaustive, {self.states:,} states"
            case Method.K_INDUCTION:
                return f"k-inductive, k = {self.bound}"
            case Method.INVARIANT:
                return "proved by inductive invariant (Spacer)"
            case Method.FAIRNESS:
                return f"proved under fairness: {self.note}"
            case Method.BOUNDED:
                return f"bounded, depth {self.bound}"
            case Method.COUNTEREXAMPLE | Method.WITNESS:
                assert self.trace is not None
                word = "counterexample" if self.method is Method.COUNTEREXAMPLE else "witness"
                shape = "lasso" if self.trace.loop_start is not None else "trace"
                n = len(self.trace)
                return f"{word}: {shape} of {n} step{'' if n == 1 else 's'}"
            case Method.STATE_LIMIT:
                return f"state limit {self.bound:,} reached"
            case Method.TIME_LIMIT:
                return self._time_limit()
            case Method.NOT_APPLICABLE:
                return self.note or "the model lacks what the property needs"
        raise AssertionError(self.method)

    def _time_limit(self) -> str:
        """'time limit reached after 2 s, searched 12,345 states' (or '… up to depth 5')."""
        after = f" after {self.bound:g} s" if isinstance(self.bound, (int, float)) else ""
        if self.states:
            return f"time limit reached{after}, searched {self.states:,} states"
        if self.note.startswith("searched"):
            return f"time limit reached{after}, {self.note}"
        return f"time limit reached{after}"

    @builtins.property
    def word(self) -> str:
        """The verdict as printed: 'holds', 'fails', 'holds up to depth 12', 'unknown'."""
        if self.status is Status.BOUNDED:
            return f"holds up to depth {self.bound}"
        word: str = self.status.value
        return word

    def meets(self, expected: str) -> bool:
        return self.status.value == expected
