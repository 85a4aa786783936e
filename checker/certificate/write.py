"""Certificates: for each verdict, what makes it checkable afterwards without the engine.

Input: the `FileReport`s of `check`. Output: one JSON document (schema `revcheck/certificate/1`,
docs/output.md). Per verdict, the evidence is

- `trace`: a counterexample or witness, as the ITF trace `check --format json` writes;
- `state-space`: an exhaustive search; the file's `state_space` holds the number of states and
  a digest of the reachable set (`checker.certificate.digest`), taken from the engine's own
  state space;
- `inductive-invariant`: a k-induction proof; the invariant in the language's syntax (the
  property and the invariants proven with it, which the proof used as lemmas) and k;
- `none`: nothing to certify (bounded, unknown, not applicable), with the reason.

`checker.certificate.verify` checks each of these with other means than the engine's.
"""

from __future__ import annotations

from typing import Any

from checker.certificate.digest import state_digest
from checker.certificate.inductive import check_inductive
from checker.core.outcome import FileReport
from checker.core.result import ModelResult
from checker.core.show_expr import show
from checker.core.verdict import Method, Status, Verdict
from checker.report.check.json_report import trace_json
from dsl.model import Binary, Expr, Invariant, Lit, Model, Not, Property, Reachable

SCHEMA = "revcheck/certificate/1"


def certificate_json(reports: list[FileReport]) -> dict[str, Any]:
    files = [file_certificate(r.path, r.result) for r in reports if r.result is not None]
    return {"schema": SCHEMA, "files": files}


def file_certificate(path: str, result: ModelResult) -> dict[str, Any]:
    model = result.model
    space = _state_space(result)
    proven = _proven_invariants(model, result.verdicts)
    # The proofs may have leaned on auxiliary invariants (`checker.symbolic.houdini`, over
    # slots and history bits) that no certificate writes down: then the proven invariants
    # alone need not be inductive, and a certificate resting on them would be rejected.
    gap = check_inductive(model, conjunction(proven)) if proven else ""
    if gap:
        proven = []
    out: dict[str, Any] = {
        "path": path,
        "procedure": model.name,
        "engine": result.engine,
        "state_space": space,
        "verdicts": [_verdict(model, v, space is not None, proven, gap) for v in result.verdicts],
        "dead_ends": _dead_ends(model, result, space is not None, proven, gap),
    }
    return out


def _dead_ends(
    model: Model, result: ModelResult, has_space: bool, proven: list[Expr], gap: str = ""
) -> dict[str, Any]:
    """Dead ends found come with their traces; none at all rests on the state space, or on an
    invariant implying that every state is final or lets some rule apply (symbolic proofs)."""
    out: dict[str, Any] = {
        "count": max(result.dead_end_count or 0, len(result.dead_ends)),
        "evidence": "state-space" if has_space else "traces" if result.dead_ends else "none",
        "traces": [trace_json(model, d.trace, "dead end") for d in result.dead_ends],
    }
    symbolic = result.engine == "symbolic" and result.complete
    if not has_space and symbolic and not result.dead_ends and not gap:
        invariant = conjunction([*proven, no_dead_end(model)])
        out.update(evidence="inductive-invariant", invariant=show(invariant))
    return out


def no_dead_end(model: Model) -> Expr:
    """The state predicate "not a dead end": final, or some rule instance applies."""
    parts = ([model.final] if model.final is not None else []) + [r.guard for r in model.rules]
    out: Expr = parts[0] if parts else Lit(False)
    for p in parts[1:]:
        out = Binary("or", out, p)
    return out


def conjunction(parts: list[Expr]) -> Expr:
    out = parts[0]
    for p in parts[1:]:
        out = Binary("and", out, p)
    return out


def _state_space(result: ModelResult) -> dict[str, Any] | None:
    """The count and digest of the explicit engine's reachable set, when it explored it all."""
    space = getattr(result, "space", None)
    if space is None or not space.complete or not result.complete:
        return None
    states, clocks = space.states, space.clocks
    n = len(states)
    full = [tuple(states[i]) + (tuple(clocks[i]) if clocks is not None else ()) for i in range(n)]
    return {
        "states": n,
        "digest": state_digest(full),
        "encoding": "sorted compact JSON lines [slot values..., deadline clocks...], sha256",
    }


def _proven_invariants(model: Model, verdicts: tuple[Verdict, ...]) -> list[Expr]:
    """The state predicates 1-induction proved: the lemmas every such proof may lean on. Their
    conjunction is inductive (each is kept by every step given the others), so it is one
    invariant proving all of them. A k > 1 proof has no such invariant and is not certified."""
    out: list[Expr] = []
    for v in verdicts:
        prop = model.property(v.property)
        if prop is None or v.method is not Method.K_INDUCTION or v.bound != 1:
            continue
        if isinstance(prop.form, Invariant) and v.status is Status.HOLDS:
            out.append(prop.form.predicate)
        elif isinstance(prop.form, Reachable) and v.status is Status.FAILS:
            out.append(Not(prop.form.predicate))
    return out


def _verdict(
    model: Model, v: Verdict, has_space: bool, proven: list[Expr], gap: str = ""
) -> dict[str, Any]:
    out: dict[str, Any] = {
        "property": v.property,
        "verdict": v.word,
        "method": v.method.value,
        "engine": v.engine,
    }
    prop = model.property(v.property)
    if v.trace is not None:
        out["evidence"] = {"kind": "trace", "trace": trace_json(model, v.trace, v.property)}
    elif v.method is Method.EXHAUSTIVE and has_space:
        out["evidence"] = {"kind": "state-space"}
    elif gap and v.method in (Method.INVARIANT, Method.K_INDUCTION) and _proves_invariant(prop, v):
        out["evidence"] = {
            "kind": "none",
            "why": "the proofs leaned on auxiliary invariants this certificate cannot write "
            f"down; the proven invariants alone are not inductive ({gap}); not certified",
        }
    elif v.method is Method.INVARIANT and v.invariant and _proves_invariant(prop, v):
        # Spacer's invariant is inductive given the lemmas proven before it: write them beside it
        text = v.invariant
        lemmas = [show(e) for e in proven]
        written = " and ".join([f"({text})", *(f"({e})" for e in lemmas)])
        out["evidence"] = {
            "kind": "inductive-invariant",
            "k": None,
            "found_by": "Spacer",
            "invariant": written,
        }
    elif (
        v.method is Method.K_INDUCTION
        and v.bound == 1
        and prop is not None
        and proven
        and (
            isinstance(prop.form, Invariant)
            and v.status is Status.HOLDS
            or isinstance(prop.form, Reachable)
            and v.status is Status.FAILS
        )
    ):
        target = (
            prop.form.predicate if isinstance(prop.form, Invariant) else Not(prop.form.predicate)
        )
        # one invariant for every 1-inductive proof of the file: the conjunction of them all
        invariant = conjunction(proven if target in proven else [target, *proven])
        out["evidence"] = {
            "kind": "inductive-invariant",
            "k": v.bound,
            "invariant": show(invariant),
        }
    else:
        out["evidence"] = {"kind": "none", "why": _why_none(v, has_space)}
    return out


def _proves_invariant(prop: Property | None, v: Verdict) -> bool:
    return prop is not None and (
        isinstance(prop.form, Invariant)
        and v.status is Status.HOLDS
        or isinstance(prop.form, Reachable)
        and v.status is Status.FAILS
    )


def _why_none(v: Verdict, has_space: bool) -> str:
    if v.status is Status.NOT_APPLICABLE:
        return "not applicable: " + (v.note or "the model lacks what the property needs")
    if v.status in (Status.BOUNDED, Status.UNKNOWN):
        return f"unsettled ({v.how}): there is nothing to certify"
    if v.method is Method.EXHAUSTIVE:
        return "the engine kept no complete state space to digest"
    if v.method is Method.K_INDUCTION and v.bound != 1:
        return (
            f"a k-induction proof with k = {v.bound} has no inductive invariant written down "
            "(only 1-induction is certified)"
        )
    if v.method is Method.K_INDUCTION:
        return (
            "a k-induction proof of a property of steps uses monitor bits that the language "
            "cannot write down; not certified"
        )
    return f"no certificate for a verdict obtained this way ({v.how})"
