"""The machine report: one JSON document (schema `revcheck/check/1`, see docs/output.md).

Traces are ITF-compatible (`vars`, `states`, `loop`), with each step's legal reading added.
"""

from __future__ import annotations

import json
from typing import Any

from checker.core.outcome import FileReport, exit_code, tally
from checker.core.trace import Trace, itf_value, state_dict, view
from checker.core.verdict import Verdict
from checker.scenario.render import scenario_json
from dsl.diagnostics import Diagnostic
from dsl.model import Model

SCHEMA = "revcheck/check/1"


def trace_json(model: Model, trace: Trace, about: str = "") -> dict[str, Any]:
    """`about`: what the trace shows (a property's name, "dead end", "range error: RULE"), so
    that `revcheck replay-trace` can check it alone."""
    states = []
    for i, s in enumerate(trace.states):
        entry: dict[str, Any] = {"#meta": {"index": i}}
        entry.update(itf_state(model, s))
        states.append(entry)
    steps = [
        {
            "index": st.number,
            "rule": st.rule,
            "declared_rule": st.declared_rule,
            "actor": st.actor,
            "actor_label": st.actor_label,
            "organ": st.organ,
            "kind": st.kind,
            "time": st.is_time,
            "citations": [{"source": s, "title": t} for s, t in st.citations],
            "changes": [
                {"var": n, "before": itf_value(b), "after": itf_value(a)} for n, b, a in st.changes
            ],
        }
        for st in view(model, trace)
    ]
    out: dict[str, Any] = {
        "#meta": {"format": "ITF", "source": model.path, **({"about": about} if about else {})},
        "vars": [s.name for s in model.slots],
        "states": states,
        "steps": steps,
    }
    if trace.loop_start is not None:
        out["loop"] = trace.loop_start
    return out


def itf_state(model: Model, state: tuple[Any, ...]) -> dict[str, Any]:
    return {k: itf_value(v) for k, v in state_dict(model, state).items()}


def verdict_json(model: Model, v: Verdict) -> dict[str, Any]:
    return {
        "verdict": v.word,
        "status": v.status.value,
        "method": v.method.value,
        "how": v.how,
        "states": v.states,
        "bound": v.bound,
        "engine": v.engine,
        "note": v.note,
        "trace": trace_json(model, v.trace, v.property) if v.trace is not None else None,
    }


def diagnostic_json(d: Diagnostic) -> dict[str, Any]:
    s = d.span
    return {
        "code": d.code,
        "severity": d.severity.value,
        "message": d.message,
        "file": s.path,
        "line": s.line,
        "column": s.col,
        "end_line": s.end_line,
        "end_column": s.end_col,
        "label": d.label,
        "help": d.help,
    }


def file_json(r: FileReport) -> dict[str, Any]:
    out: dict[str, Any] = {
        "path": r.path,
        "diagnostics": [diagnostic_json(d) for d in r.diagnostics],
        "refusal": r.refusal or None,
        "library": r.is_library,
    }
    res = r.result
    if res is None:
        return out
    model = res.model
    out.update(
        procedure=model.name,
        title=model.title,
        engine=res.engine,
        states=res.states,
        transitions=res.transitions,
        complete=res.complete,
        seconds=round(res.seconds, 4),
        properties=[
            {
                "name": o.property.name,
                "title": o.property.title,
                "text": o.property.text,
                "origin": o.property.origin,
                # a principle: the names it read and what they resolved to (docs/language.md §4)
                "reads": {read: own for read, own in o.property.reads},
                "expected": o.expectation.verdict if o.expectation else None,
                "reason": o.expectation.reason if o.expectation else None,
                "match": o.match.value,
                **verdict_json(model, o.verdict),
            }
            for o in r.outcomes
        ],
        stopped=res.stopped.value if res.stopped is not None else None,
        limit_note=res.limit_note or None,
        dead_ends_settled=not r.dead_ends_unsettled,
        dead_ends_unsettled=r.dead_ends_unsettled or None,
        dead_end_count=max(res.dead_end_count or 0, len(res.dead_ends)),
        dead_ends=[
            {
                "state": itf_state(model, d.trace.states[-1]),
                "trace": trace_json(model, d.trace, "dead end"),
            }
            for d in res.dead_ends
        ],
        range_errors=[
            {
                "message": e.message,
                "rule": e.rule,
                "trace": trace_json(model, e.trace, f"range error: {e.rule}"),
            }
            for e in res.range_errors
        ],
        scenarios=[scenario_json(s) for s in r.scenarios],
    )
    return out


def render_json(reports: list[FileReport]) -> str:
    doc = {
        "schema": SCHEMA,
        "exit_code": exit_code(reports),
        "summary": tally(reports).as_dict(),
        "files": [file_json(r) for r in reports],
    }
    return json.dumps(doc, ensure_ascii=False, indent=2)
