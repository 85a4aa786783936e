"""SARIF 2.1.0 for code-scanning tools (GitHub, GitLab, VS Code's SARIF viewer).

Input: `Finding`s (from `check`, `diff` or `lint`). Output: one SARIF log with one run whose
`tool.driver.rules` are the properties, `dead-end`, `range-error`, the `diff-*` changes and the
diagnostic codes that occur. `render_check_sarif` makes the findings of a `check` run:

- a property that fails against its expectation (or fails without one): level `error`, at the
  property's span, with a related location (and a code-flow step) for every rule on the
  counterexample;
- a property that fails as its `expect` line says: level `note`, with an `inSource`
  suppression whose justification is the reason given;
- an unsettled verdict (unknown, bounded): kind `open` (level `none`, as the standard requires);
- a principle not applicable (not modelled, excluded): level `note`, saying what it needs;
  with an `inSource` suppression (the reason) when an `expect` line says so;
- a dead end or range error: level `warning`, at the rule of the step that leads there;
- a diagnostic (bad input): at its span, level `error` or `warning`.

URIs are paths relative to the working directory (run revcheck from the repository's root);
columns count Unicode code points (`columnKind`).
"""

from __future__ import annotations

import json
import os
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import quote

from checker.core.outcome import FileReport, Match, PropertyOutcome
from checker.core.trace import Trace, view
from dsl.diagnostics import Diagnostic
from dsl.model import Model
from dsl.source import Span

SARIF_SCHEMA = "https://json.schemastore.org/sarif-2.1.0.json"
SARIF_VERSION = "2.1.0"


@dataclass(frozen=True, slots=True)
class Rule:
    """A SARIF reporting descriptor: what kind of finding a `rule_id` is."""

    id: str
    short: str
    full: str = ""


@dataclass(frozen=True, slots=True)
class Finding:
    rule: Rule
    level: str  # error | warning | note | none
    message: str
    span: Span | None
    related: tuple[tuple[Span, str], ...] = ()  # the rules on a trace, each with its step
    kind: str = "fail"  # fail | open | pass | informational | review
    suppression: str | None = None  # justification of an in-source suppression (`expect`)
    properties: dict[str, Any] = field(default_factory=dict)


DEAD_END = Rule(
    "dead-end", "A reachable non-final state where no rule applies (a procedural gap, 法律空白)"
)
RANGE_ERROR = Rule("range-error", "A reachable step sets a variable outside its declared range")
REFUSAL = Rule("engine-refusal", "The model cannot be checked with the chosen engine and options")


def uri(path: str) -> str:
    """A relative URI for `path` (posix separators, percent-encoded)."""
    rel = path
    if os.path.isabs(path):
        try:
            rel = os.path.relpath(path)
        except ValueError:
            pass
    return quote(rel.replace(os.sep, "/"), safe="/:._-~")


def location(span: Span, message: str = "", show: Callable[[str], str] = str) -> dict[str, Any]:
    physical: dict[str, Any] = {"artifactLocation": {"uri": uri(show(span.path))}}
    if span.line > 0:
        end_line = max(span.end_line, span.line)
        end_col = span.end_col if span.end_col > 0 else span.col + 1
        if end_line == span.line and end_col <= span.col:
            end_col = span.col + 1
        physical["region"] = {
            "startLine": span.line,
            "startColumn": max(span.col, 1),
            "endLine": end_line,
            "endColumn": end_col,
        }
    out: dict[str, Any] = {"physicalLocation": physical}
    if message:
        out["message"] = {"text": message}
    return out


def _result(f: Finding, rule_index: int, show: Callable[[str], str]) -> dict[str, Any]:
    res: dict[str, Any] = {"ruleId": f.rule.id, "ruleIndex": rule_index}
    if f.kind != "fail":
        res["kind"] = f.kind
    res["level"] = f.level if f.kind == "fail" else "none"
    res["message"] = {"text": f.message}
    if f.span is not None:
        res["locations"] = [location(f.span, show=show)]
    if f.related:
        res["relatedLocations"] = [
            {"id": i, **location(span, text, show)}
            for i, (span, text) in enumerate(f.related, start=1)
        ]
        flow = [
            {"location": location(span, text, show), "executionOrder": i}
            for i, (span, text) in enumerate(f.related, start=1)
        ]
        res["codeFlows"] = [{"threadFlows": [{"locations": flow}]}]
    if f.suppression is not None:
        res["suppressions"] = [{"kind": "inSource", "justification": f.suppression}]
    if f.properties:
        res["properties"] = f.properties
    return res


def sarif_log(findings: Iterable[Finding], show: Callable[[str], str] = str) -> dict[str, Any]:
    """One SARIF log: rules in order of first use, then the results."""
    findings = list(findings)
    rules: dict[str, int] = {}
    descriptors: list[dict[str, Any]] = []
    for f in findings:
        if f.rule.id not in rules:
            rules[f.rule.id] = len(descriptors)
            d: dict[str, Any] = {
                "id": f.rule.id,
                "shortDescription": {"text": f.rule.short or f.rule.id},
            }
            if f.rule.full:
                d["fullDescription"] = {"text": f.rule.full}
            descriptors.append(d)
    results = [_result(f, rules[f.rule.id], show) for f in findings]
    driver = {"name": "revcheck", "version": _version(), "rules": descriptors}
    run = {"tool": {"driver": driver}, "columnKind": "unicodeCodePoints", "results": results}
    return {"$schema": SARIF_SCHEMA, "version": SARIF_VERSION, "runs": [run]}


def _version() -> str:
    from importlib.metadata import PackageNotFoundError, version

    try:
        return version("revcheck")
    except PackageNotFoundError:
        return "0"


def dumps(log: dict[str, Any]) -> str:
    return json.dumps(log, ensure_ascii=False, indent=2)


# --------------------------------------------------------------------------- check


def trace_related(model: Model, trace: Trace) -> tuple[tuple[Span, str], ...]:
    """A related location per step of `trace`: the rule instance's span, with the legal reading."""
    spans = {r.name: r.span for r in model.rules}
    out = []
    for st in view(model, trace):
        if st.is_time:
            continue
        cites = f"; cites {', '.join(s for s, _ in st.citations)}" if st.citations else ""
        out.append(
            (
                spans.get(st.rule, model.span),
                f"step {st.number}: {st.rule} by {st.actor} ({st.organ}), "
                f"{st.kind or 'unstated kind'}{cites}",
            )
        )
    return tuple(out)


def trace_words(model: Model, trace: Trace) -> str:
    """A trace in one line, for a message: `1. execute_part (enforcement_bureau); 2. …`."""
    steps = [
        f"{st.number}. a day passes" if st.is_time else f"{st.number}. {st.rule} ({st.actor})"
        for st in view(model, trace)
    ]
    return "; ".join(steps) or "the initial state"


def in_tree(path: str) -> bool:
    """A path under the working directory (not a bundled library elsewhere)."""
    try:
        rel = os.path.relpath(path)
    except ValueError:
        return False
    return not rel.startswith("..") and path != "<builtin>"


def property_rule(o: PropertyOutcome) -> Rule:
    p = o.property
    return Rule(p.name, p.title or p.name, p.text)


def property_span(model: Model, o: PropertyOutcome) -> Span:
    """Where a property's result belongs: its declaration in the procedure's own file; for a
    principle imported from a library, the procedure's `expect` line for it if there is one
    (the line a drafter edits), else the declaration in the library if it is in the tree."""
    span = o.property.span
    if span.path == model.span.path and span.line > 0:
        return span
    if o.expectation is not None and o.expectation.span.line > 0:
        return o.expectation.span
    if in_tree(span.path) and span.line > 0:
        return span
    return Span(model.span.path, 1, 1, 1, 2)


def outcome_finding(model: Model, o: PropertyOutcome) -> Finding | None:
    v = o.verdict
    where = f"procedure {model.name}"
    expected = f" (expected {o.expectation.verdict})" if o.expectation else ""
    related = trace_related(model, v.trace) if v.trace is not None else ()
    if o.match is Match.UNSETTLED:
        return Finding(
            property_rule(o),
            "none",
            f"Property {o.property.name} is {v.word} in {where}{expected}: {v.how}",
            property_span(model, o),
            kind="open",
        )
    if (
        v.status.value == "not applicable" and not o.is_problem
    ):  # not modelled: a note, never a pass
        why = v.note or v.how
        reason = o.expectation.reason if o.expectation and o.expectation.reason else None
        return Finding(
            property_rule(o),
            "note",
            f"Property {o.property.name} is not applicable in {where}{expected}: {why}",
            property_span(model, o),
            suppression=reason,
        )
    if v.status.value != "fails":
        if not o.is_problem:
            return None
        return Finding(
            property_rule(o),
            "error",
            f"Property {o.property.name} {v.word} in {where}{expected}: {v.how}",
            property_span(model, o),
            related,
        )
    text = (
        f"Property {o.property.name} fails in {where}{expected}: {o.property.text}. "
        "Counterexample: "
    )
    text += trace_words(model, v.trace) if v.trace is not None else (v.note or v.how)
    if o.is_problem:
        return Finding(property_rule(o), "error", text, property_span(model, o), related)
    reason = o.expectation.reason if o.expectation and o.expectation.reason else "expect fails"
    return Finding(
        property_rule(o), "note", text, property_span(model, o), related, suppression=reason
    )


def diagnostic_finding(d: Diagnostic) -> Finding:
    text = d.message + (f" (help: {d.help})" if d.help else "")
    return Finding(
        Rule(d.code, d.message),
        "error" if d.is_error else "warning",
        text,
        d.span if d.span.line > 0 or d.span.path else None,
        tuple((s, label) for s, label in d.secondary),
    )


def last_rule_span(model: Model, trace: Trace) -> Span:
    if trace.steps:
        name = trace.steps[-1][0]
        return next((r.span for r in model.rules if r.name == name), model.span)
    return Span(model.span.path, 1, 1, 1, 2)


def input_findings(r: FileReport) -> list[Finding]:
    """A file's diagnostics and its engine refusal, if any."""
    out = [diagnostic_finding(d) for d in r.diagnostics]
    if r.refusal:
        out.append(
            Finding(
                REFUSAL, "error", f"cannot check {r.path}: {r.refusal}", Span(r.path, 1, 1, 1, 2)
            )
        )
    return out


def principle_findings(r: FileReport, names: Iterable[str]) -> list[Finding]:
    """The results of `check` for the properties `names` only, in that order (for `matrix`):
    bad input as in `check_findings`, else one finding per property as `outcome_finding` makes
    it (none for a property that holds as it should, or that the file does not have)."""
    if r.result is None:
        return input_findings(r)
    model = r.result.model
    by_name = {o.property.name: o for o in r.outcomes}
    found = (outcome_finding(model, o) for name in names if (o := by_name.get(name)) is not None)
    return [f for f in found if f is not None]


def check_findings(reports: Iterable[FileReport]) -> list[Finding]:
    out: list[Finding] = []
    for r in reports:
        out += input_findings(r)
        if r.result is None:
            continue
        model = r.result.model
        out += [f for o in r.outcomes if (f := outcome_finding(model, o)) is not None]
        for de in r.result.dead_ends:
            state = ", ".join(
                f"{s.name} = {v}" for s, v in zip(model.slots, de.trace.states[-1], strict=True)
            )
            out.append(
                Finding(
                    DEAD_END,
                    "warning",
                    f"dead end in procedure {model.name}: {state}. "
                    f"Path: {trace_words(model, de.trace)}",
                    last_rule_span(model, de.trace),
                    trace_related(model, de.trace),
                )
            )
        if r.dead_ends_unsettled:  # a limit cut the dead-end search short: not "no dead ends"
            out.append(
                Finding(
                    DEAD_END,
                    "none",
                    f"dead ends in procedure {model.name} unsettled: {r.dead_ends_unsettled}"
                    + (f" ({r.result.limit_note})" if r.result.limit_note else ""),
                    Span(model.span.path, 1, 1, 1, 2),
                    kind="open",
                )
            )
        for err in r.result.range_errors:
            span = next((x.span for x in model.rules if x.name == err.rule), model.span)
            out.append(
                Finding(
                    RANGE_ERROR,
                    "error",
                    f"{err.message} (procedure {model.name})",
                    span,
                    trace_related(model, err.trace),
                )
            )
    return out


def render_check_sarif(reports: list[FileReport]) -> str:
    return dumps(sarif_log(check_findings(reports)))
