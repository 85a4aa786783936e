"""The machine report of `revcheck diff`: one JSON document, schema `revcheck/diff/1`
(docs/output.md). Verdicts and traces use the same shapes as `revcheck/check/1`."""

from __future__ import annotations

import json
from typing import Any

from checker.core.outcome import FileReport, PropertyOutcome
from checker.diff.revision import Version
from checker.diff.steps import DeadEndWitness, StepWitness
from checker.diff.versions import DiffReport, PropertyChange
from checker.report.check.json_report import diagnostic_json, trace_json, verdict_json
from dsl.model import Model
from dsl.source import Span

SCHEMA = "revcheck/diff/1"


def span_json(span: Span, version: Version) -> dict[str, Any]:
    return {
        "file": version.display(span.path),
        "line": span.line,
        "column": span.col,
        "end_line": span.end_line,
        "end_column": span.end_col,
    }


def _side(version: Version, report: FileReport) -> dict[str, Any]:
    out: dict[str, Any] = {
        "label": version.label,
        "revision": version.revision,
        "path": version.repo_path or version.path,
        "diagnostics": [diagnostic_json(d) for d in report.diagnostics],
        "refusal": report.refusal or None,
        "library": report.is_library,
    }
    if report.result is not None:
        r = report.result
        out.update(
            procedure=r.model.name,
            title=r.model.title,
            engine=r.engine,
            states=r.states,
            transitions=r.transitions,
            complete=r.complete,
        )
    return out


def _outcome(model: Model, o: PropertyOutcome | None) -> dict[str, Any] | None:
    if o is None:
        return None
    return {
        "expected": o.expectation.verdict if o.expectation else None,
        "match": o.match.value,
        **verdict_json(model, o.verdict),
    }


def _property(diff: DiffReport, p: PropertyChange) -> dict[str, Any]:
    assert diff.old_report.result is not None and diff.new_report.result is not None
    return {
        "name": p.name,
        "change": p.change.value,
        "acknowledged": p.acknowledged,
        "before": _outcome(diff.old_report.result.model, p.old),
        "after": _outcome(diff.new_report.result.model, p.new),
    }


def _step(w: StepWitness, model: Model, version: Version) -> dict[str, Any]:
    return {
        "rule": w.label.rule,
        "actor": w.label.actor,
        "organ": w.label.organ,
        "kind": w.label.kind,
        "location": span_json(w.span, version),
        "witness": trace_json(model, w.trace),
    }


def _dead_end(d: DeadEndWitness, model: Model) -> dict[str, Any]:
    return {"state": dict(d.state), "trace": trace_json(model, d.trace)}


def diff_json(diff: DiffReport, fail_on: str = "regression") -> dict[str, Any]:
    doc: dict[str, Any] = {
        "schema": SCHEMA,
        "exit_code": diff.exit_code(fail_on),
        "fail_on": fail_on,
        "old": _side(diff.old, diff.old_report),
        "new": _side(diff.new, diff.new_report),
    }
    if diff.bad_input:
        return doc
    assert diff.old_report.result is not None and diff.new_report.result is not None
    old_model, new_model = diff.old_report.result.model, diff.new_report.result.model
    doc["properties"] = [_property(diff, p) for p in diff.properties]
    doc["rules"] = [
        {
            "rule": c.rule,
            "change": c.kind.value,
            "details": list(c.details),
            "clauses": [{"clause": k.clause, "old": k.old, "new": k.new} for k in c.clauses],
            "origin": diff.new.redact(c.origin),
            "location": span_json(c.span, diff.new),
        }
        for c in diff.rules
    ]
    doc["law"] = [
        {
            "change": c.kind.value,
            "name": c.name,
            "old": c.old,
            "new": c.new,
            "regression": c.regression,
            "allowed": c.allowed,
            "location": span_json(c.span, diff.new),
        }
        for c in diff.law
    ]
    reach = diff.reach
    if reach is not None:
        doc["steps"] = {
            "removed": [_step(w, old_model, diff.old) for w in reach.removed_steps],
            "added": [_step(w, new_model, diff.new) for w in reach.added_steps],
        }
        doc["dead_ends"] = {
            "removed": [_dead_end(d, old_model) for d in reach.removed_dead_ends],
            "new": [_dead_end(d, new_model) for d in reach.new_dead_ends],
            "removed_count": reach.removed_dead_end_count,
            "new_count": reach.new_dead_end_count,
        }
    else:
        doc["steps"] = None
        doc["dead_ends"] = None
    doc["notes"] = [*(reach.notes if reach else ()), *diff.notes]
    return doc


def render_diff_json(diff: DiffReport, fail_on: str = "regression") -> str:
    text = json.dumps(diff_json(diff, fail_on), ensure_ascii=False, indent=2)
    return diff.new.redact(diff.old.redact(text))  # no temporary checkout paths in the output
