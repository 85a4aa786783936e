"""`--cross-check`: run the explicit and the symbolic engine on one model and compare.

Input: a finite `Model` and `CheckOptions`. Output: a `CrossCheck` holding the explicit
engine's result (what the report shows) and every `Disagreement`. Any disagreement is an
internal error: the engines encode one reference semantics (`checker.semantics`).

Compared, for safety properties (`always`, `never`, `reachable`, `never step`, `requires
earlier`), and only where the symbolic verdict is definitive or bounded:
- definitive verdicts must be equal (holds / fails);
- a symbolic "holds up to depth K" contradicts an explicit counterexample of at most K steps;
- counterexamples and witnesses must have the same length (both are shortest);
- the shortest dead end must have the same length when the symbolic search reached it.
This is the only module that imports both engines.
"""

from __future__ import annotations

from dataclasses import dataclass, replace

from checker import explicit
from checker.result import CheckOptions, ModelResult
from checker.symbolic import engine as symbolic
from checker.verdict import Status, Verdict
from dsl.model import SAFETY_FORMS, Model


@dataclass(frozen=True, slots=True)
class Disagreement:
    property: str  # "" for dead ends
    explicit: str
    symbolic: str
    message: str


@dataclass(frozen=True, slots=True)
class CrossCheck:
    result: ModelResult  # the explicit engine's
    symbolic: ModelResult
    disagreements: tuple[Disagreement, ...]

    @property
    def agree(self) -> bool:
        return not self.disagreements


def _describe(v: Verdict) -> str:
    return f"{v.word} ({v.how})"


def compare_verdicts(e: Verdict, s: Verdict, depth: int) -> str | None:
    """Why two verdicts on one safety property disagree, or None."""
    definite = (Status.HOLDS, Status.FAILS)
    if e.status in definite and s.status in definite:
        if e.status is not s.status:
            return "the engines give opposite verdicts"
        if e.trace is not None and s.trace is not None and len(e.trace) != len(s.trace):
            return f"shortest traces differ in length: {len(e.trace)} vs {len(s.trace)}"
        return None
    if e.trace is not None and len(e.trace) <= depth and s.status in (Status.BOUNDED, Status.UNKNOWN):
        if s.method.value == "bounded":
            return f"the explicit engine has a trace of {len(e.trace)} steps within the bound {depth}"
    return None


def cross_check(model: Model, options: CheckOptions) -> CrossCheck:
    ex = explicit.check(model, replace(options, engine="explicit"))
    sy = symbolic.check(model, replace(options, engine="symbolic"))
    found: list[Disagreement] = []
    for prop in model.properties:
        if prop.missing or not isinstance(prop.form, SAFETY_FORMS):
            continue
        e, s = ex.verdict(prop.name), sy.verdict(prop.name)
        if e is None or s is None:
            continue
        why = compare_verdicts(e, s, options.depth)
        if why is not None:
            found.append(Disagreement(prop.name, _describe(e), _describe(s), why))
    if ex.complete:
        e_len = min((len(d.trace) for d in ex.dead_ends), default=None)
        s_len = min((len(d.trace) for d in sy.dead_ends), default=None)
        if e_len != s_len and (e_len is None or e_len <= options.depth):
            found.append(
                Disagreement("", str(e_len), str(s_len), "shortest dead ends differ (None: none)")
            )
    return CrossCheck(ex, sy, tuple(found))
