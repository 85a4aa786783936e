"""Re-checking the JSON traces revcheck writes: one ITF trace, or every trace of a report.

Input: a model and a parsed JSON document (a TRACE object, or a whole `check --format json`
report). Output: one `TraceCheck` per trace: accepted, or rejected with the reason naming the
first wrong step (initial state, a step that does not replay, a lasso that does not close, a
trace that is no counterexample of its property). Only the reference semantics is used.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from checker.certificate.evidence import check_dead_end, check_evidence, check_range_error
from checker.core.trace import ReplayError, Trace, replay, trace_of_itf
from dsl.model import Model

RANGE_ERROR = "range error: "


@dataclass(frozen=True, slots=True)
class TraceCheck:
    where: str  # where the trace sits in the document: "properties[2] (no_early_decision)"
    about: str  # a property's name, "dead end", "range error: RULE", or "" (a bare run)
    error: str = ""  # empty: accepted
    note: str = ""  # what was not checked

    @property
    def accepted(self) -> bool:
        return not self.error


SCENARIO_NOTE = "a scenario's trace: the run replays; its facts are re-checked by `revcheck check`"


def check_trace(model: Model, trace: Trace, about: str) -> str:
    """Replay `trace` and check that it shows `about`; ReplayError says what is wrong. Returns
    what was left unchecked ('' for nothing)."""
    clocks = replay(model, trace)
    if about == "dead end":
        check_dead_end(model, trace)
    elif about.startswith(RANGE_ERROR):
        check_range_error(model, trace, about[len(RANGE_ERROR) :])
    elif about:
        prop = model.property(about)
        if prop is not None:
            check_evidence(model, prop, trace, clocks)
        elif any(sc.name == about for sc in model.scenarios):
            return SCENARIO_NOTE
        else:
            raise ReplayError(f"{model.name} has no property {about!r}")
    return ""


def check_document(model: Model, doc: Any, about: str | None = None) -> list[TraceCheck]:
    """Every trace in `doc` checked against `model` (a report's files for other procedures are
    skipped); an empty list when the document holds no trace. What a trace in a report shows is
    read from where it sits (its `#meta.about` must agree); a bare trace's from `about`, else
    from its `#meta.about`."""
    out = []
    for where, place, obj in _traces(model, doc):
        said = _about(obj, "")
        what = place if place is not None else (about if about is not None else said)
        try:
            if place is not None and said and said != place:
                raise ReplayError(
                    f"the trace says it shows {said!r}, but it is the trace of {place!r}"
                )
            note = check_trace(model, trace_of_itf(model, obj), what)
        except ReplayError as exc:
            out.append(TraceCheck(where, what, str(exc)))
        else:
            out.append(TraceCheck(where, what, note=note))
    return out


def _about(obj: Any, default: str) -> str:
    meta = obj.get("#meta") if isinstance(obj, dict) else None
    about = meta.get("about") if isinstance(meta, dict) else None
    return about if isinstance(about, str) else default


def _traces(model: Model, doc: Any) -> list[tuple[str, str | None, Any]]:
    """(where, what it shows by its place in a report or None, the trace object)."""
    if isinstance(doc, dict) and "states" in doc:
        return [("trace", None, doc)]
    if not isinstance(doc, dict) or not isinstance(doc.get("files"), list):
        return []
    out: list[tuple[str, str | None, Any]] = []
    for f in doc["files"]:
        if not isinstance(f, dict) or f.get("procedure") != model.name:
            continue
        for i, p in enumerate(_list(f.get("properties"))):
            if isinstance(p, dict) and p.get("trace") is not None:
                name = str(p.get("name", ""))
                out.append((f"properties[{i}] ({name})", name, p["trace"]))
        for i, d in enumerate(_list(f.get("dead_ends"))):
            if isinstance(d, dict):
                out.append((f"dead_ends[{i}]", "dead end", d.get("trace")))
        for i, e in enumerate(_list(f.get("range_errors"))):
            if isinstance(e, dict):
                rule = str(e.get("rule", ""))
                out.append((f"range_errors[{i}]", RANGE_ERROR + rule, e.get("trace")))
    return out


def _list(x: Any) -> list[Any]:
    return x if isinstance(x, list) else []
