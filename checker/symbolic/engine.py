"""The symbolic engine: verdicts, dead ends and range errors of a model, by Z3.

Input: a checked `Model` (finite or not) and `CheckOptions` (`depth` is the bound K,
`timeout_s` a time limit honoured by every Z3 call). Output: a `ModelResult` with
`engine="symbolic"`. Each property is settled by the schedule of `checker.symbolic.prove`.

Verdicts are honest about how they were obtained:
- *holds* only with a proof: k-induction (`Method.K_INDUCTION`, bound k) or an inductive
  invariant found by Spacer and re-checked (`Method.INVARIANT`, `Verdict.invariant`);
- *fails* with a shortest counterexample (`Method.COUNTEREXAMPLE`), replayed;
- *holds up to depth K* (`Status.BOUNDED`) when neither was found within the bound;
- *unknown* when the time limit ran out ("time limit reached after …"), or Spacer proved a
  bad state reachable but the run is longer than BMC unrolled;
- `reachable P`: *holds* with a shortest witness; *fails* only when `never P` is proven;
  otherwise *unknown* ("no witness up to depth K");
- liveness forms and `after S possible S2` are *unknown*, with the reason: they need the
  explicit engine's fair-cycle search (no liveness-to-safety reduction here yet).
Dead ends are searched up to depth K unless their absence is proven;
`ModelResult.complete` says which (False: "searched up to depth K").
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass, replace

import z3

from checker.core.result import CheckOptions, DeadEnd, ModelResult, RangeError
from checker.core.semantics import (
    RangeViolation,
    apply,
    deadline_rules,
    evaluate,
    fold,
    is_final,
)
from checker.core.show_expr import show
from checker.core.trace import ReplayError, Trace
from checker.core.verdict import Method, Status, Verdict
from checker.symbolic import liveness
from checker.symbolic.bmc import BadCondition, Hit, Monitor, Outcome, search
from checker.symbolic.decode import final_step, trace
from checker.symbolic.encode import Encoding, StateVars
from dsl.model import (
    AfterPossible,
    Eventually,
    Expr,
    Invariant,
    LeadsTo,
    Lit,
    Model,
    NeverStep,
    Property,
    Reachable,
    RequiresEarlier,
)

DEAD_END_CAP = 20
NO_TARGET = "after this step no run can take a step matching the target pattern (no rule can)"
NEEDS_EXPLICIT = "needs the explicit engine: {form} is judged by {why}, not symbolically"
_FORM_NAMES = {
    "Eventually": ("`eventually`", "a search for fair cycles"),
    "LeadsTo": ("`leads_to`", "a search for fair cycles"),
    "AfterPossible": ("`after … possible`", "backward reachability"),
}


@dataclass(frozen=True, slots=True)
class _Job:
    """A monitor and what to make of its outcome."""

    monitor: Monitor
    verdict: Callable[[Outcome], Verdict] | None = None


def check(
    model: Model,
    options: CheckOptions | None = None,
    *,
    spacer: bool = True,
    induction: bool = True,
    strengthen: bool = True,
) -> ModelResult:
    """The verdicts of `model`; `spacer`, `induction`, `strengthen` (auxiliary invariants)
    choose the proof methods (all by default; tests switch some off to exercise the others)."""
    options = options or CheckOptions(engine="symbolic")
    started = time.perf_counter()
    deadline = None if options.timeout_s is None else time.monotonic() + options.timeout_s
    enc = Encoding(model)
    builder = _Verdicts(enc, options)
    verdicts: dict[str, Verdict] = {}
    jobs: list[tuple[str, _Job]] = []
    live: list[Property] = []
    for prop in model.properties:
        job = builder.job(prop)
        if isinstance(job, Verdict):
            verdicts[prop.name] = job
            if job.status is Status.UNKNOWN and isinstance(prop.form, (Eventually, LeadsTo)):
                live.append(prop)
        else:
            jobs.append((prop.name, job))
    dead = Monitor(lambda s, h: dead_end(enc, s), limit=DEAD_END_CAP)
    ranges = [(k, Monitor(range_bad(enc, k))) for k in range_candidates(enc, deadline)]
    monitors = [j.monitor for _, j in jobs] + [dead] + [m for _, m in ranges]
    outcomes = search(
        enc,
        monitors,
        options.depth,
        deadline,
        spacer=spacer,
        induction=induction,
        strengthen=strengthen,
    )
    for (name, job), out in zip(jobs, outcomes, strict=False):
        assert job.verdict is not None
        verdicts[name] = job.verdict(out)
    if live:
        proven = [m.bad for m, o in zip(monitors, outcomes, strict=True) if o.proved]
        hist: list[Expr] = []
        for m in monitors:
            hist += [p for p in m.histories if p not in hist]
        for prop in live:
            verdicts[prop.name] = _liveness(enc, prop, proven, hist, deadline, verdicts[prop.name])
    dead_out = outcomes[len(jobs)]
    ends = tuple(DeadEnd(_dead_end_trace(enc, hit)) for hit in dead_out.hits)
    errors = tuple(
        _range_error(enc, k, out.hits[0])
        for (k, _), out in zip(ranges, outcomes[len(jobs) + 1 :], strict=True)
        if out.hits
    )
    errors = tuple(sorted(errors, key=lambda e: len(e.trace)))
    timed_out = any(o.timed_out for o in outcomes) or (
        deadline is not None and time.monotonic() >= deadline and not dead_out.proved
    )
    return ModelResult(
        model=model,
        verdicts=tuple(verdicts[p.name] for p in model.properties),
        dead_ends=ends,
        range_errors=errors,
        complete=dead_out.proved,
        seconds=time.perf_counter() - started,
        engine="symbolic",
        dead_end_count=len(ends),
        depth=options.depth,
        stopped=Method.TIME_LIMIT if timed_out else None,
    )


# --------------------------------------------------------------------------- monitors


def dead_end(enc: Encoding, s: StateVars) -> z3.BoolRef:
    """No rule instance is enabled in `s` and `s` is not final."""
    parts = [z3.Not(enc.expr(r.guard, s)) for r in enc.model.rules]
    if enc.model.final is not None:
        parts.append(z3.Not(enc.expr(enc.model.final, s)))
    return enc.all(parts)


def range_candidates(enc: Encoding, deadline: float | None = None) -> list[int]:
    """Rule instances with an update that can leave its slot's domain in some typed state
    (when the time runs out, every rule that assigns a range is a candidate)."""
    out = []
    s = enc.state("range")
    solver = enc.solver()
    solver.add(enc.well_typed(s))
    if deadline is not None:
        solver.set("timeout", max(1, int((deadline - time.monotonic()) * 1000)))
    for k, rule in enumerate(enc.model.rules):
        if not rule.updates or z3.is_true(enc.in_range(rule, s)):
            continue  # nothing assigned can leave its domain (booleans, enums, unbounded ints)
        if solver.check(enc.expr(rule.guard, s), z3.Not(enc.in_range(rule, s))) != z3.unsat:
            out.append(k)
    return out


def range_bad(enc: Encoding, k: int) -> Callable[[StateVars, dict[Expr, z3.BoolRef]], z3.BoolRef]:
    rule = enc.model.rules[k]
    return lambda s, h: z3.And(enc.expr(rule.guard, s), z3.Not(enc.in_range(rule, s)))


class _Verdicts:
    """Turns each property into a monitor and each outcome into a verdict."""

    def __init__(self, enc: Encoding, options: CheckOptions) -> None:
        self.enc = enc
        self.options = options

    def job(self, prop: Property) -> _Job | Verdict:
        enc = self.enc
        name = prop.name
        if prop.missing:
            return self._verdict(
                name, Status.NOT_APPLICABLE, Method.NOT_APPLICABLE, note=prop.missing
            )
        match prop.form:
            case Invariant(predicate=p):
                return _Job(
                    Monitor(lambda s, h: z3.Not(enc.expr(p, s))),
                    lambda out: self._safety(name, out, lambda hit: self._state_trace(hit)),
                )
            case Reachable(predicate=p):
                return _Job(
                    Monitor(lambda s, h: enc.expr(p, s)), lambda out: self._reachable(name, out)
                )
            case NeverStep(pattern=pat):
                where = pat.where
                return _Job(
                    Monitor(lambda s, h: enc.some_step_matches(where, s)),
                    lambda out: self._safety(name, out, lambda hit: self._step_trace(hit, where)),
                )
            case RequiresEarlier(step=st, earlier=early):
                step_where, early_where = st.where, early.where
                return _Job(
                    Monitor(
                        lambda s, h: z3.And(
                            z3.Not(h[early_where]), enc.some_step_matches(step_where, s)
                        ),
                        histories=(early_where,),
                    ),
                    lambda out: self._safety(
                        name, out, lambda hit: self._step_trace(hit, step_where, early_where)
                    ),
                )
            case AfterPossible(step=st, target=target) if not self._can_match(target.where):
                # No rule can ever take a target step, so the remedy is closed after every S
                # step: the property fails exactly when an S step is reachable.
                where = st.where
                return _Job(
                    Monitor(lambda s, h: enc.some_step_matches(where, s)),
                    lambda out: self._safety(
                        name, out, lambda hit: self._step_trace(hit, where), NO_TARGET
                    ),
                )
        form, why = _FORM_NAMES.get(type(prop.form).__name__, ("this form", "another search"))
        return self._verdict(
            name,
            Status.UNKNOWN,
            Method.NOT_APPLICABLE,
            note=NEEDS_EXPLICIT.format(form=form, why=why),
        )

    def _can_match(self, where: Expr) -> bool:
        """Some rule instance's steps can match `where` (its residual is not constant false)."""
        for k in range(len(self.enc.model.rules)):
            rest = self.enc.residual(where, k)
            if not (isinstance(rest, Lit) and not rest.value):
                return True
        return False

    # ------------------------------------------------------------------ outcomes

    def _verdict(self, name: str, status: Status, method: Method, **kw: object) -> Verdict:
        return Verdict(name, status, method, engine="symbolic", **kw)  # type: ignore[arg-type]

    def _open(self, name: str, out: Outcome, status: Status, note: str = "") -> Verdict:
        if out.refuted and not out.hits:
            return self._verdict(
                name,
                Status.UNKNOWN,
                Method.BOUNDED,
                bound=out.depth,
                note="Spacer proved a bad state reachable, but no run to it was found up to "
                f"depth {out.depth}",
            )
        if out.timed_out:
            return self._verdict(
                name,
                Status.UNKNOWN,
                Method.TIME_LIMIT,
                bound=self.options.timeout_s,
                note=f"searched up to depth {out.depth}" if out.depth >= 0 else "",
            )
        return self._verdict(name, status, Method.BOUNDED, bound=self.options.depth, note=note)

    def _proof(self, name: str, out: Outcome, status: Status, note: str = "") -> Verdict:
        if out.invariant is not None:
            return self._verdict(
                name, status, Method.INVARIANT, note=note, invariant=show(out.invariant)
            )
        return self._verdict(name, status, Method.K_INDUCTION, bound=out.proven, note=note)

    def _safety(
        self, name: str, out: Outcome, make_trace: Callable[[Hit], Trace], note: str = ""
    ) -> Verdict:
        if out.hits:
            return self._verdict(
                name, Status.FAILS, Method.COUNTEREXAMPLE, trace=make_trace(out.hits[0]), note=note
            )
        if out.proved:
            return self._proof(name, out, Status.HOLDS)
        return self._open(name, out, Status.BOUNDED)

    def _reachable(self, name: str, out: Outcome) -> Verdict:
        if out.hits:
            return self._verdict(
                name, Status.HOLDS, Method.WITNESS, trace=self._state_trace(out.hits[0])
            )
        if out.proved:
            return self._proof(
                name, out, Status.FAILS, "unreachable: its negation is an inductive invariant"
            )
        note = f"no witness up to depth {self.options.depth}; not proven unreachable"
        return self._open(name, out, Status.UNKNOWN, note)

    def _state_trace(self, hit: Hit) -> Trace:
        return trace(self.enc, hit.states, hit.rules)

    def _step_trace(self, hit: Hit, where: object, earlier: object = None) -> Trace:
        """The run to the pre-state, then the matching step (chosen by the reference semantics)."""
        k, after = final_step(self.enc, hit.states[-1], where)  # type: ignore[arg-type]
        result = trace(self.enc, (*hit.states, after), (*hit.rules, k))
        if earlier is not None:
            _confirm_no_earlier(self.enc, result, earlier)
        return result


def _liveness(
    enc: Encoding,
    prop: Property,
    lemmas: list[BadCondition],
    hist: list[Expr],
    deadline: float | None,
    unknown: Verdict,
) -> Verdict:
    """A WF1 proof (`checker.symbolic.liveness`), or `unknown` with the reason it lacks."""
    ms = None if deadline is None else int((deadline - time.monotonic()) * 1000)
    if ms is not None and ms <= 0:
        return unknown
    assert isinstance(prop.form, (Eventually, LeadsTo))
    why = liveness.why_not(bool(deadline_rules(enc.model)), prop.form)
    if why is not None:
        return replace(unknown, note=why)
    try:
        found = liveness.prove(enc, prop.form, lemmas, hist, ms)
    except z3.Z3Exception:  # interrupted at the time limit
        found = None
    if found is None:
        form = "`eventually`" if isinstance(prop.form, Eventually) else "`leads_to`"
        return replace(unknown, note=liveness.NOT_SIMPLE.format(form=form))
    return Verdict(prop.name, Status.HOLDS, Method.FAIRNESS, note=found.note, engine="symbolic")


def _confirm_no_earlier(enc: Encoding, t: Trace, earlier: object) -> None:
    """A `requires earlier` counterexample: no step before the last matches `earlier`."""
    for (name, _), before in zip(t.steps[:-1], t.states, strict=False):
        k = next(i for i, r in enumerate(enc.model.rules) if r.name == name)
        if evaluate(fold(earlier, enc.labels[k]), before):  # type: ignore[arg-type]
            raise ReplayError(f"symbolic engine: step {name} matches the earlier pattern")


def _dead_end_trace(enc: Encoding, hit: Hit) -> Trace:
    t = trace(enc, hit.states, hit.rules)
    last = t.states[-1]
    if any(evaluate(r.guard, last) for r in enc.model.rules) or is_final(enc.model, last):
        raise ReplayError("symbolic engine: a reported dead end is not one")
    return t


def _range_error(enc: Encoding, k: int, hit: Hit) -> RangeError:
    rule = enc.model.rules[k]
    t = trace(enc, hit.states, hit.rules)
    try:
        apply(enc.model, rule, t.states[-1])
    except RangeViolation as violation:
        return RangeError(str(violation), t, rule=rule.name)
    raise ReplayError(f"symbolic engine: {rule.name} stays in range in the reported state")
