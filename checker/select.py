"""Which engine checks a model: the engine table, `--engine auto`, and `--cross-check`.

Every engine is a function `(Model, CheckOptions) -> ModelResult`; the table below names them
(no registration by import side effect), and each engine is imported only when it is used, so
a finite model never loads Z3 and `revcheck --help` loads neither.

- `select_engine`: `explicit` needs finite domains; `auto` takes explicit when it can.
- `run_engines`: the chosen engine, then, for `auto`, the symbolic engine on what the explicit
  search left unsettled at its state limit, or, with `cross_check`, both engines compared.
- `cross_check`: compared, for safety properties (`always`, `never`, `reachable`, `never step`,
  `requires earlier`), and only where the symbolic verdict is definitive or bounded: definitive
  verdicts must be equal; a symbolic "holds up to depth K" contradicts an explicit
  counterexample of at most K steps; counterexamples and witnesses must have the same length
  (both are shortest); the shortest dead end must have the same length when the symbolic
  search reached it. This is the only module that reaches both engines.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, replace

from checker.core.result import CheckOptions, ModelResult
from checker.core.verdict import Method, Status, Verdict
from dsl.model import SAFETY_FORMS, Model, domain_of

EngineCheck = Callable[[Model, CheckOptions], ModelResult]


def _explicit(model: Model, options: CheckOptions) -> ModelResult:
    """Breadth-first search over compiled step functions; finite models only."""
    from checker.explicit.search import check

    return check(model, options)


def _symbolic(model: Model, options: CheckOptions) -> ModelResult:
    """Bounded model checking and k-induction with Z3; handles unbounded integers."""
    from checker.symbolic.engine import check

    return check(model, options)


ENGINES: dict[str, EngineCheck] = {"explicit": _explicit, "symbolic": _symbolic}


class Refused(Exception):
    """The engine cannot check this model with these options (e.g. an unbounded int)."""


class EngineDisagreement(Exception):
    """The two engines disagree on a verdict: a bug in one of them, never a user error."""


def unbounded_slots(model: Model) -> list[str]:
    return [
        s.name
        for s, init in zip(model.slots, model.initial, strict=True)
        if domain_of(s.type) is None or init is None
    ]


def select_engine(model: Model, options: CheckOptions) -> str:
    """`explicit` needs finite domains; `auto` takes explicit when it can, else symbolic."""
    unbounded = unbounded_slots(model)
    wanted = options.engine
    if wanted == "auto":
        wanted = "explicit" if not unbounded else "symbolic"
    if wanted not in ENGINES:
        raise Refused(f"the {wanted} engine is not available in this version")
    if wanted == "explicit" and unbounded:
        names = ", ".join(f"'{n}'" for n in unbounded)
        raise Refused(
            f"the explicit engine enumerates states and needs finite domains, but {names} "
            "is an unbounded `int` (or has an `any` initial value over one); give it a range "
            "such as 0..10, or use --engine symbolic"
        )
    return wanted


def run_engines(model: Model, options: CheckOptions) -> ModelResult:
    """The verdicts `check` reports for `model` (raises `Refused`, `EngineDisagreement`)."""
    engine = select_engine(model, options)
    if options.cross_check and not unbounded_slots(model):
        result = _cross_checked(model, replace(options, engine=engine))
    else:
        result = ENGINES[engine](model, options)
        if options.cross_check:
            result = replace(result, notes=(*result.notes, cross_check_impossible(model)))
    if options.engine == "auto" and engine == "explicit" and not result.complete:
        result = _symbolic_after_limit(model, options, result)
    return result


def cross_check_impossible(model: Model) -> str:
    """Why `--cross-check` cannot compare two engines on `model`, said plainly."""
    names = ", ".join(f"'{n}'" for n in unbounded_slots(model))
    return (
        f"cross-check not possible: unbounded integers ({names}); only the symbolic "
        "engine can check this model, so its verdicts stand unchecked by a second engine"
    )


def _cross_checked(model: Model, options: CheckOptions) -> ModelResult:
    """Both engines; the result of the one `options.engine` names (explicit unless symbolic)."""
    checked = cross_check(model, options)
    if checked.disagreements:
        lines = [
            f"{d.property or 'dead ends'}: explicit {d.explicit}, symbolic {d.symbolic}: "
            f"{d.message}"
            for d in checked.disagreements
        ]
        raise EngineDisagreement(
            "the explicit and symbolic engines disagree on "
            + model.path
            + "\n  "
            + "\n  ".join(lines)
        )
    return checked.symbolic if options.engine == "symbolic" else checked.result


def _symbolic_after_limit(
    model: Model, options: CheckOptions, explicit: ModelResult
) -> ModelResult:
    """`--engine auto` when the explicit search hit the state limit: Z3 takes over.

    A definitive explicit verdict (a counterexample or witness found before the limit) is
    kept; every other property gets the symbolic engine's verdict (a k-inductive proof, a
    counterexample, or "holds up to depth K")."""
    if explicit.stopped is Method.TIME_LIMIT:
        return explicit  # the time budget is spent: nothing is left for the fallback
    left = None
    if options.timeout_s is not None:  # the fallback gets what the explicit search left
        left = max(0.01, options.timeout_s - explicit.seconds)
    # the symbolic engine gets only the properties the explicit search left unsettled
    unsettled = {e.property for e in explicit.verdicts if e.status is Status.UNKNOWN}
    rest = replace(model, properties=tuple(p for p in model.properties if p.name in unsettled))
    symbolic = ENGINES["symbolic"](rest, replace(options, timeout_s=left))
    verdicts = tuple(
        e
        if e.status is not Status.UNKNOWN
        else _took_over(symbolic.verdict(e.property), e, options)
        for e in explicit.verdicts
    )
    return replace(
        symbolic,
        verdicts=verdicts,
        states=explicit.states,
        limit_note=explicit.limit_note,
        transitions=explicit.transitions,
        seconds=explicit.seconds + symbolic.seconds,
    )


def _took_over(s: Verdict | None, e: Verdict, options: CheckOptions) -> Verdict:
    if s is None:
        return e
    return replace(s, bound=options.timeout_s) if s.method is Method.TIME_LIMIT else s


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
    if (
        e.trace is not None
        and len(e.trace) <= depth
        and s.status in (Status.BOUNDED, Status.UNKNOWN)
    ):
        if s.method.value == "bounded":
            return (
                f"the explicit engine has a trace of {len(e.trace)} steps within the bound {depth}"
            )
    return None


def compare_statuses(e: Verdict, s: Verdict) -> str | None:
    """Two definitive verdicts on a liveness property must agree."""
    definite = (Status.HOLDS, Status.FAILS)
    if e.status in definite and s.status in definite and e.status is not s.status:
        return "the engines give opposite verdicts"
    return None


def cross_check(model: Model, options: CheckOptions) -> CrossCheck:
    ex = ENGINES["explicit"](model, replace(options, engine="explicit"))
    sy = ENGINES["symbolic"](model, replace(options, engine="symbolic"))
    found: list[Disagreement] = []
    for prop in model.properties:
        if prop.missing:
            continue
        e, s = ex.verdict(prop.name), sy.verdict(prop.name)
        if e is None or s is None:
            continue
        if isinstance(prop.form, SAFETY_FORMS):
            why = compare_verdicts(e, s, options.depth)
        else:
            # liveness: where both engines settle it, the same verdict (lassos need not be shortest)
            why = compare_statuses(e, s)
        if why is not None:
            found.append(Disagreement(prop.name, _describe(e), _describe(s), why))
    if ex.complete and sy.stopped is None:
        e_len = min((len(d.trace) for d in ex.dead_ends), default=None)
        s_len = min((len(d.trace) for d in sy.dead_ends), default=None)
        if e_len != s_len and (e_len is None or e_len <= options.depth):
            found.append(
                Disagreement("", str(e_len), str(s_len), "shortest dead ends differ (None: none)")
            )
    return CrossCheck(ex, sy, tuple(found))
