"""SARIF 2.1.0 for `revcheck diff`: an amendment's consequences, annotated on the new version.

One result per regression (level `error`; `note` with an `inSource` suppression when the new
version expects it), fixed or otherwise changed verdict (`note`), step newly reachable or no
longer reachable (`note`), new dead end (`warning`) and removed one (`note`), and rule added,
repealed or amended (`note`). Each is located in the *new* version: a property at its
declaration (or `expect` line), a step or rule change at the bill's `insert`/`amend`/`repeal`
line when there is one, else at the rule. Related locations (and a code flow) follow the
rules on the witness trace; for a trace of the old version only when the old version is a file
in the working tree (a git revision's line numbers would point into the wrong text).
"""

from __future__ import annotations

from checker.diff.rules import RuleChange, header
from checker.diff.steps import StepWitness
from checker.diff.versions import Change, DiffReport
from checker.report.check.sarif import (
    DEAD_END,
    Finding,
    Rule,
    diagnostic_finding,
    dumps,
    property_span,
    sarif_log,
    trace_related,
    trace_words,
)
from dsl.model import Model
from dsl.source import Span

REGRESSION = Rule("regression", "A property that did not fail before the amendment fails after it")
FIXED = Rule("fixed", "A property that failed before the amendment holds after it")
VERDICT_CHANGED = Rule(
    "verdict-changed", "A property's verdict changed in another way (or it was added or removed)"
)
STEP_ADDED = Rule(
    "step-added", "An act (rule, actor, organ, kind) that only the new version makes possible"
)
STEP_REMOVED = Rule(
    "step-removed", "An act (rule, actor, organ, kind) that the new version makes impossible"
)
GUARANTEE_WEAKENED = Rule(
    "guarantee-weakened",
    "A property, principle or expectation removed or weakened, "
    "an actor reclassified or an act's kind changed by the amendment",
)
GUARANTEE_CHANGED = Rule(
    "guarantee-changed",
    "A guarantee changed in a way that is not a regression "
    "(an expectation strengthened, or a change allowed with --allow-removed)",
)
DEAD_END_REMOVED = Rule(
    "dead-end-removed", "A procedural gap of the old version that the new version closes"
)
RULE_CHANGED = {
    "added": Rule("rule-added", "A rule the new version adds"),
    "repealed": Rule("rule-repealed", "A rule the new version repeals"),
    "amended": Rule("rule-amended", "A rule the new version amends"),
}


def _property_findings(diff: DiffReport, old: Model, new: Model) -> list[Finding]:
    out = []
    for p in diff.properties:
        if p.change is Change.UNCHANGED:
            continue
        before = p.old.verdict.word if p.old else "absent"
        after = p.new.verdict.word if p.new else "absent"
        text = f"{p.name}: {before} → {after} ({p.change.value}) in procedure {new.name}"
        span = property_span(new, p.new) if p.new else header(new)
        facts = {"property": p.name, "change": p.change.value, "before": before, "after": after}
        if p.change is Change.REGRESSED and p.new is not None:
            trace = p.new.verdict.trace
            related = trace_related(new, trace) if trace is not None else ()
            text += ". New counterexample: " + (
                trace_words(new, trace) if trace is not None else p.new.verdict.how
            )
            reason = None
            if p.acknowledged:
                exp = p.new.expectation
                reason = exp.reason if exp and exp.reason else "expect fails"
            out.append(
                Finding(
                    REGRESSION,
                    "note" if reason else "error",
                    text,
                    span,
                    related,
                    suppression=reason,
                    properties=facts,
                )
            )
        else:
            rule = FIXED if p.change is Change.FIXED else VERDICT_CHANGED
            out.append(Finding(rule, "note", text, span, properties=facts))
    return out


def _cites(model: Model, w: StepWitness) -> str:
    rule = next((r for r in model.rules if r.rule == w.label.rule), None)
    return f"; cites {', '.join(rule.citations)}" if rule is not None and rule.citations else ""


def _step_findings(diff: DiffReport, old: Model, new: Model) -> list[Finding]:
    reach = diff.reach
    if reach is None:
        return []
    changes: dict[str, RuleChange] = {c.rule: c for c in diff.rules}
    new_spans = {r.rule: r.span for r in new.rules}
    out = []
    for w in reach.added_steps:
        span: Span = changes[w.label.rule].span if w.label.rule in changes else w.span
        text = (
            f"newly possible: {w.label}{_cites(new, w)}. "
            f"Shortest witness: {trace_words(new, w.trace)}"
        )
        out.append(
            Finding(
                STEP_ADDED,
                "note",
                text,
                span,
                trace_related(new, w.trace),
                properties={
                    "rule": w.label.rule,
                    "actor": w.label.actor,
                    "organ": w.label.organ,
                    "kind": w.label.kind,
                },
            )
        )
    for w in reach.removed_steps:
        span = (
            changes[w.label.rule].span
            if w.label.rule in changes
            else new_spans.get(w.label.rule, header(new))
        )
        related = trace_related(old, w.trace) if diff.old.root is None else ()
        text = (
            f"no longer possible: {w.label}{_cites(old, w)}. Shortest witness in the old version: "
            f"{trace_words(old, w.trace)}"
        )
        out.append(
            Finding(
                STEP_REMOVED,
                "note",
                text,
                span,
                related,
                properties={
                    "rule": w.label.rule,
                    "actor": w.label.actor,
                    "organ": w.label.organ,
                    "kind": w.label.kind,
                },
            )
        )
    for d in reach.new_dead_ends:
        state = ", ".join(f"{k} = {v}" for k, v in d.state)
        out.append(
            Finding(
                DEAD_END,
                "warning",
                f"new dead end in procedure {new.name}: {state}. Path: {trace_words(new, d.trace)}",
                d.span,
                trace_related(new, d.trace),
            )
        )
    for d in reach.removed_dead_ends:
        state = ", ".join(f"{k} = {v}" for k, v in d.state)
        out.append(
            Finding(
                DEAD_END_REMOVED,
                "note",
                f"dead end of the old version closed: {state}",
                header(new),
            )
        )
    return out


def diff_findings(diff: DiffReport) -> list[Finding]:
    if diff.bad_input:
        return [diagnostic_finding(d) for r in diff.reports for d in r.diagnostics]
    assert diff.old_report.result is not None and diff.new_report.result is not None
    old, new = diff.old_report.result.model, diff.new_report.result.model
    out = _property_findings(diff, old, new)
    for c in diff.rules:
        details = f": {'; '.join(c.details)}" if c.details else ""
        origin = f" [{diff.new.redact(c.origin)}]" if c.origin else ""
        out.append(
            Finding(
                RULE_CHANGED[c.kind.value],
                "note",
                f"rule {c.rule} {c.kind.value}{details}{origin}",
                c.span,
            )
        )
    for g in diff.law:
        rule, level = (GUARANTEE_WEAKENED, "error") if g.regression else (GUARANTEE_CHANGED, "note")
        allowed = " (allowed with --allow-removed)" if g.allowed else ""
        out.append(
            Finding(
                rule,
                level,
                f"{g.kind.value}: {g.name}{allowed}. Old: {g.old or '-'}. "
                f"New: {g.new or '- (removed)'}",
                g.span,
            )
        )
    return out + _step_findings(diff, old, new)


def render_diff_sarif(diff: DiffReport) -> str:
    show = lambda path: diff.new.repo_path_of(diff.old.repo_path_of(path))  # noqa: E731
    return dumps(sarif_log(diff_findings(diff), show))
