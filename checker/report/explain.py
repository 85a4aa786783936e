"""One verdict read as a legal narrative: numbered steps with the articles' full texts.

Used by `revcheck explain` (`checker.cli.explain`).
"""

from __future__ import annotations

import difflib

from checker.core.outcome import FileReport
from checker.core.trace import view
from checker.core.verdict import Status
from checker.report.check.text import render_report, render_trace
from dsl.model import Model


def explain(report: FileReport, name: str) -> tuple[str, int]:
    """The explanation of property `name`, and an exit code (0 shown, 2 no such property)."""
    if report.result is None:
        return render_report(report), 2
    model = report.result.model
    outcome = next((o for o in report.outcomes if o.property.name == name), None)
    if outcome is None:
        names = [o.property.name for o in report.outcomes]
        close = difflib.get_close_matches(name, names, n=1)
        hint = f"; did you mean '{close[0]}'?" if close else f"; the properties are: {', '.join(names)}"
        return f"error: {report.path} has no property '{name}'{hint}", 2
    prop, verdict = outcome.property, outcome.verdict
    out = [f"{report.path} — procedure {model.name}" + (f' "{model.title}"' if model.title else "")]
    out.append(f"property {prop.name}" + (f' "{prop.title}"' if prop.title else ""))
    if prop.text:
        out.append(f"  {prop.text}")
    if prop.origin and prop.origin != model.path:
        out.append(f"  (a principle declared in {prop.origin})")
    out.append(f"verdict: {verdict.word} ({verdict.how})")
    if outcome.expectation is not None:
        exp = outcome.expectation
        out.append(f"expected: {exp.verdict} — {outcome.match.value}" + (f'; reason given: "{exp.reason}"' if exp.reason else ""))
    if verdict.note:
        out.append(verdict.note)
    if verdict.trace is None:
        if verdict.status is Status.HOLDS:
            out.append("There is no counterexample: the verdict covers every run of the procedure.")
        return "\n".join(out), 0
    word = "witness" if verdict.status is Status.HOLDS else "counterexample"
    out.append("")
    out.append(f"The {word}, step by step ({len(verdict.trace)} steps):")
    out += render_trace(model, verdict.trace, indent="  ")
    out += _articles(model, verdict.trace)
    return "\n".join(out), 0


def _articles(model: Model, trace: object) -> list[str]:
    cited: list[str] = []
    for step in view(model, trace):  # type: ignore[arg-type]
        for name, _ in step.citations:
            if name not in cited:
                cited.append(name)
    if not cited:
        return []
    out = ["", "The articles relied on:"]
    for name in cited:
        src = model.source(name)
        if src is None:
            continue
        out.append(f"  [{name}] {src.title}")
        if src.zh:
            out.append(f"      {src.zh}")
        if src.text:
            out.append(f"      {src.text}")
    return out
