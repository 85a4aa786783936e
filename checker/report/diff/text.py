"""The human report of `revcheck diff`: verdicts before and after, rules changed, steps and
dead ends gained or lost with their shortest witnesses, and a one-line summary."""

from __future__ import annotations

from checker.core.outcome import FileReport
from checker.core.show_expr import value_text
from checker.diff.revision import Version
from checker.diff.rules import RuleChange
from checker.diff.steps import DeadEndWitness, StepWitness
from checker.diff.versions import Change, DiffReport, PropertyChange
from checker.report.check.text import render_report, render_trace
from dsl.model import Model


def _side(word: str, version: Version, report: FileReport) -> str:
    if report.result is None:
        return f"{word}: {version.label}"
    r = report.result
    if r.engine != "explicit":
        return f"{word}: {version.label} — procedure {r.model.name}, {r.engine} engine"
    limit = "" if r.complete else " (stopped at a limit)"
    return f"{word}: {version.label} — procedure {r.model.name}, {r.states:,} states{limit}"


def _mark(p: PropertyChange) -> str:
    if p.change is Change.REGRESSED and p.acknowledged:
        return "regressed (expected by the new version)"
    return p.change.value


def _table(rows: list[list[str]]) -> list[str]:
    widths = [max(len(r[i]) for r in rows) for i in range(len(rows[0]))]
    return [
        "  " + "  ".join(c.ljust(w) for c, w in zip(r, widths, strict=True)).rstrip() for r in rows
    ]


def _steps(
    title: str, sign: str, witnesses: tuple[StepWitness, ...], model: Model, where: str
) -> list[str]:
    if not witnesses:
        return []
    out = ["", f"{title} ({len(witnesses)}):"]
    for w in witnesses:
        out.append(f"  {sign} {w.label}")
        out.append(f"      shortest witness in the {where} version ({len(w.trace)} steps):")
        out += render_trace(model, w.trace, indent="        ")
    return out


def _dead_ends(
    title: str, ends: tuple[DeadEndWitness, ...], count: int, model: Model, where: str
) -> list[str]:
    if not count:
        return []
    out = [
        "",
        f"{title} ({count}{', first ' + str(len(ends)) + ' shown' if count > len(ends) else ''}):",
    ]
    for d in ends:
        out.append("  " + ", ".join(f"{k} = {value_text(v)}" for k, v in d.state))
        out.append(f"      path in the {where} version ({len(d.trace)} steps):")
        out += render_trace(model, d.trace, indent="        ")
    return out


def _clauses(c: RuleChange) -> list[str]:
    out: list[str] = []
    for k in c.clauses:
        out.append(f"             {k.clause}:")
        out.append(f"               old: {k.old}")
        out.append(f"               new: {k.new}")
    return out


def _law(diff: DiffReport) -> list[str]:
    """Guarantees removed or weakened, actors reclassified: each with its old and new text."""
    if not diff.law:
        return []
    out = ["", "guarantees and actors:"]
    for c in diff.law:
        mark = (
            "regression"
            if c.regression
            else ("allowed (--allow-removed)" if c.allowed else "change")
        )
        at = f"{diff.new.display(c.span.path)}:{c.span.line}:{c.span.col}"
        out.append(f"  {c.kind.value}: {c.name}  [{mark}]  at {at}")
        out.append(f"      old: {c.old or '-'}")
        out.append(f"      new: {c.new or '- (removed)'}")
    return out


def render_diff(diff: DiffReport, fail_on: str = "regression") -> str:
    """The diff as text: the two sides, the properties, the rules, the law, the steps and dead
    ends, then the summary (one function per part)."""
    if diff.bad_input:
        return _bad_input(diff, fail_on)
    assert diff.old_report.result is not None and diff.new_report.result is not None
    new_model = diff.new_report.result.model
    out = [
        f"revcheck diff {diff.old.label} → {diff.new.label}",
        "  " + _side("old", diff.old, diff.old_report),
        "  " + _side("new", diff.new, diff.new_report),
        "",
    ]
    out += _properties(diff, new_model)
    out += _rules(diff)
    out += _law(diff)
    out += _reach(diff)
    out += [f"note: {n}" for n in diff.notes]
    out += ["", summary(diff, fail_on)]
    return "\n".join(out)


def _bad_input(diff: DiffReport, fail_on: str) -> str:
    parts = [render_report(r) for r in diff.reports]
    for r in diff.reports:
        if r.is_library:
            parts.append(f"error: {r.path} is a library; diff compares two procedures")
    return (
        "\n\n".join(p for p in parts if p) + f"\n\ndiff: bad input — exit {diff.exit_code(fail_on)}"
    )


def _properties(diff: DiffReport, new_model: Model) -> list[str]:
    """The verdict table, then each regression with its new counterexample."""
    out = ["properties:"]
    rows = [["property", "before", "after", "change"]]
    for p in diff.properties:
        rows.append(
            [
                p.name,
                p.old.verdict.word if p.old else "-",
                p.new.verdict.word if p.new else "-",
                _mark(p),
            ]
        )
    out += _table(rows)
    for p in diff.properties:
        if p.change is Change.REGRESSED and p.new is not None:
            out += [
                "",
                f"{p.name} regressed: {p.old.verdict.word if p.old else '-'} "
                f"→ {p.new.verdict.word}",
            ]
            if p.new.property.text:
                out.append(f"    property: {p.new.property.text}")
            if p.acknowledged and p.new.expectation is not None and p.new.expectation.reason:
                out.append(f"    expected by the new version: {p.new.expectation.reason}")
            trace = p.new.verdict.trace
            if trace is None:
                out.append(
                    f"    {p.new.verdict.how}"
                    + (f"; {p.new.verdict.note}" if p.new.verdict.note else "")
                )
                continue
            out.append(f"    new counterexample ({len(trace)} steps):")
            out += render_trace(new_model, trace)
    return out


def _rules(diff: DiffReport) -> list[str]:
    if not diff.rules:
        return ["", "rules: no rule added, repealed or amended"]
    out = ["", "rules:"]
    for c in diff.rules:
        origin = f"  [{diff.new.redact(c.origin)}]" if c.origin else ""
        at = f"{diff.new.display(c.span.path)}:{c.span.line}:{c.span.col}"
        out.append(f"  {c.kind.value:<8} {c.rule}  at {at}{origin}")
        out += _clauses(c)
    return out


def _reach(diff: DiffReport) -> list[str]:
    """Steps reachable in one version only, and dead ends new or removed."""
    reach = diff.reach
    if reach is None:
        return []
    assert diff.old_report.result is not None and diff.new_report.result is not None
    old_model, new_model = diff.old_report.result.model, diff.new_report.result.model
    out = _steps("steps no longer reachable", "-", reach.removed_steps, old_model, "old")
    out += _steps("steps newly reachable", "+", reach.added_steps, new_model, "new")
    if not reach.removed_steps and not reach.added_steps:
        out += ["", "steps: the same steps are reachable in both versions"]
    out += _dead_ends(
        "new dead ends", reach.new_dead_ends, reach.new_dead_end_count, new_model, "new"
    )
    out += _dead_ends(
        "dead ends removed", reach.removed_dead_ends, reach.removed_dead_end_count, old_model, "old"
    )
    if not reach.new_dead_end_count and not reach.removed_dead_end_count:
        out += ["", "dead ends: none new, none removed"]
    out += [f"note: {n}" for n in reach.notes]
    return out


def summary(diff: DiffReport, fail_on: str) -> str:
    counts = {c: sum(1 for p in diff.properties if p.change is c) for c in Change}
    words = [f"{counts[c]} {c.value}" for c in Change if counts[c]]
    parts = [", ".join(words) or "no properties"]
    if diff.rules:
        parts.append(f"{len(diff.rules)} rule(s) changed")
    if diff.law:
        parts.append(f"{len(diff.law_regressions)} guarantee(s) removed or weakened")
    if diff.reach is not None:
        parts.append(
            f"{len(diff.reach.removed_steps)} step(s) removed, {len(diff.reach.added_steps)} added"
        )
        parts.append(
            f"{diff.reach.new_dead_end_count} new dead end(s), "
            f"{diff.reach.removed_dead_end_count} removed"
        )
    return f"summary: {'; '.join(parts)} — exit {diff.exit_code(fail_on)} (--fail-on {fail_on})"
