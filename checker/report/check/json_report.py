"""The machine report: one JSON document (schema `revcheck/check/1`, see docs/output.md).

Traces are ITF-compatible (`vars`, `states`, `loop`), with each step's legal reading added.
"""

from __future__ import annotations

import json
from typing import Any

from checker.core.outcome import FileReport, exit_code
from checker.core.trace import Trace, state_dict, view
from checker.core.verdict import Verdict
from dsl.diagnostics import Diagnostic
from dsl.model import Model

SCHEMA = "revcheck/check/1"


def trace_json(model: Model, trace: Trace) -> dict[str, Any]:
    states = []
    for i, s in enumerate(trace.states):
        entry: dict[str, Any] = {"#meta": {"index": i}}
        entry.update(state_dict(model, s))
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
            "changes": [{"var": n, "before": b, "after": a} for n, b, a in st.changes],
        }
        for st in view(model, trace)
    ]
    out: dict[str, Any] = {
        "#meta": {"format": "ITF", "source": model.path},
        "vars": [s.name for s in model.slots],
        "states": states,
        "steps": steps,
    }
    if trace.loop_start is not None:
        out["loop"] = trace.loop_start
    return out


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
        "trace": trace_json(model, v.trace) if v.trace is not None else None,
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
                "expected": o.expectation.verdict if o.expectation else None,
                "reason": o.expectation.reason if o.expectation else None,
                "match": o.match.value,
                **verdict_json(model, o.verdict),
            }
            for o in r.outcomes
        ],
        dead_end_count=max(res.dead_end_count or 0, len(res.dead_ends)),
        dead_ends=[
            {"state": state_dict(model, d.trace.states[-1]), "trace": trace_json(model, d.trace)}
            for d in res.dead_ends
        ],
        range_errors=[{"message": e.message, "trace": trace_json(model, e.trace)} for e in res.range_errors],
    )
    return out


def render_json(reports: list[FileReport]) -> str:
    doc = {"schema": SCHEMA, "exit_code": exit_code(reports), "files": [file_json(r) for r in reports]}
    return json.dumps(doc, ensure_ascii=False, indent=2)
