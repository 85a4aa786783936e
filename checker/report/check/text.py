"""The human report: a table per procedure, then each failing or unexpected result as
numbered legal steps (who acted, in what capacity, what kind of act, under which article)."""

from __future__ import annotations

from checker.core.outcome import FileReport, Match, PropertyOutcome, summary_line, tally
from checker.core.result import ModelResult
from checker.core.show_expr import value_text
from checker.core.trace import Trace, rule_by_name, state_dict, view
from checker.report.narrative import actor_title, change_phrase, rule_title
from dsl.diagnostics import render
from dsl.model import Model

_MARK = {
    Match.MET: "ok",
    Match.DIFFERS: "MISMATCH",
    Match.FAILS: "FAILS",
    Match.UNSETTLED: "unsettled",
    Match.NONE: "-",
}


def render_trace(model: Model, trace: Trace, indent: str = "      ") -> list[str]:
    out = []
    init = state_dict(model, trace.initial)
    shown = ", ".join(f"{k} = {value_text(v)}" for k, v in init.items())
    out.append(f"{indent}0. initial state: {shown or '(no variables)'}")
    steps = view(model, trace)
    loop_first = None if trace.loop_start is None else trace.loop_start + 1
    for k, step in enumerate(steps):
        n = step.number
        if step.is_time:
            # consecutive days are one line ("3 days pass"); a loop start begins a new line
            if k > 0 and steps[k - 1].is_time and n != loop_first:
                continue
            last = n
            while last < len(steps) and steps[last].is_time and last + 1 != loop_first:
                last += 1
            days = last - n + 1
            label = f"{n}" if days == 1 else f"{n}–{last}"
            out.append(
                f"{indent}{label}. " + ("a day passes" if days == 1 else f"{days} days pass")
            )
        else:
            kind = step.kind or "act of unstated kind"
            if rule_by_name(model, step.rule).title:  # titles first, the identifiers after
                who = actor_title(model, step.actor, "en")
                what = rule_title(model, step.rule, "en")
                out.append(
                    f"{indent}{n}. {who}: {what} — {kind} [rule {step.rule}, {step.actor}, "
                    f"{step.organ}]"
                )
            else:
                organ = f"{step.organ}" + (f", {step.actor_label}" if step.actor_label else "")
                out.append(f"{indent}{n}. {step.actor} ({organ}) — {kind} — rule {step.rule}")
            for src, title in step.citations:
                out.append(f"{indent}     cites {src}: {title}")
        slot_of = {s.name: i for i, s in enumerate(model.slots)}
        for name, before, after in step.changes:
            raw = f"{name}: {value_text(before)} → {value_text(after)}"
            said = change_phrase(model, slot_of[name], before, after, "en")
            out.append(f"{indent}     {raw}" if said == raw else f"{indent}     {said} ({raw})")
    if loop_first is not None:
        n = len(trace)
        repeat = f"step {n} repeats" if loop_first == n else f"steps {loop_first}–{n} repeat"
        out.append(f"{indent}   from step {loop_first} on, {repeat} forever")
    return out


def _table(rows: list[list[str]], header: list[str]) -> list[str]:
    widths = [max(len(r[i]) for r in [header, *rows]) for i in range(len(header))]

    def line(r: list[str]) -> str:
        return "  " + "  ".join(c.ljust(w) for c, w in zip(r, widths, strict=True)).rstrip()

    return [line(header), *(line(r) for r in rows)]


def _outcome_row(o: PropertyOutcome) -> list[str]:
    exp = o.expectation.verdict if o.expectation else "-"
    name = f"scenario {o.property.name}" if o.property.origin == "scenario" else o.property.name
    return [name, o.verdict.word, o.verdict.how, exp, _MARK[o.match]]


def render_result(report: FileReport, result: ModelResult, verbose: bool = False) -> list[str]:
    """One checked file: how it was searched, the verdict table, dead ends, range errors, the
    traces worth showing and the notes on failures without one (one function per part)."""
    out = _engine_lines(result)
    out.append("")
    rows = [_outcome_row(o) for o in report.outcomes]
    if rows:
        out += _table(rows, ["property", "verdict", "how obtained", "expected", "match"])
        for o in report.outcomes:  # `LIB bind a = b`: say how a principle was read (visible)
            bound = [f"{read} as {own}" for read, own in o.property.reads if read != own]
            if bound:
                out.append(f"  {o.property.name} reads {', '.join(bound)} (bind)")
    else:
        out.append("  (no properties)")
    out += _dead_end_lines(report, result)
    for err in result.range_errors:
        out.append("")
        out.append(f"  RANGE ERROR: {err.message}")
        out += render_trace(result.model, err.trace)
    for o in report.outcomes:
        out += _outcome_trace(o, result.model, verbose)
    for o in report.outcomes:
        if o.verdict.trace is None and o.verdict.note and o.match is not Match.MET:
            out.append(f"  note on {o.property.name}: {o.verdict.note}")
    return out


def _engine_lines(result: ModelResult) -> list[str]:
    """Which engine searched how much, the limit that stopped it, and the result's notes."""
    out = []
    if result.engine == "symbolic" and result.states:
        taken = [v.property for v in result.verdicts if v.engine == "symbolic"]
        out.append(
            f"  explicit search stopped at the state limit ({result.states:,} states); "
            "the symbolic engine took over (--engine auto)"
            + (f" for {', '.join(taken)}" if taken else "")
        )
    if result.engine == "symbolic":
        ends = (
            "proven absent"
            if result.complete
            else "search stopped at the time limit"
            if result.stopped is not None
            else f"searched up to depth {result.depth}"
        )
        out.append(
            f"  symbolic engine (Z3): {len(result.model.rules)} rule instances, "
            "bounded model checking "
            f"to depth {result.depth}, k-induction and Spacer; dead ends {ends}; "
            f"{result.seconds:.2f} s"
        )
    else:
        explored = f"{result.states:,} states, {result.transitions:,} transitions"
        if not result.complete:
            explored += " (exploration stopped at a limit)"
        out.append(f"  {result.engine} engine: {explored}, {result.seconds:.2f} s")
    if result.limit_note:
        out.append(f"  limit: {result.limit_note}")
    for note in result.notes:
        out.append(f"  note: {note}")
    return out


def _dead_end_lines(report: FileReport, result: ModelResult) -> list[str]:
    out = []
    if result.dead_ends:
        out.append("")
        count = max(result.dead_end_count or 0, len(result.dead_ends))
        shown = (
            "" if count == len(result.dead_ends) else f" (the first {len(result.dead_ends)} shown)"
        )
        out.append(
            f"  dead ends (reachable non-final states where no rule applies): {count}{shown}"
        )
        for i, de in enumerate(result.dead_ends, start=1):
            last = state_dict(result.model, de.trace.states[-1])
            shown = ", ".join(f"{k} = {value_text(v)}" for k, v in last.items())
            out.append(f"  dead end {i}: {shown}")
            out += render_trace(result.model, de.trace)
    elif result.complete:
        out.append("  dead ends: none")
    else:
        out.append(f"  dead ends: unsettled, none found ({report.dead_ends_unsettled})")
    if result.dead_ends and report.dead_ends_unsettled:
        out.append(f"  dead ends: unsettled ({report.dead_ends_unsettled})")
    return out


def _outcome_trace(o: PropertyOutcome, model: Model, verbose: bool) -> list[str]:
    """A property's trace with its heading, when it is worth showing: a mismatch, a failure,
    or any trace when verbose."""
    show = o.verdict.trace is not None and (
        o.match is not Match.MET or o.verdict.status.value == "fails" or verbose
    )
    if not show:
        return []
    head = f"  {o.property.name}: {o.verdict.word}"
    if o.expectation is not None:
        head += f" (expected {o.expectation.verdict}: {_MARK[o.match]})"
    out = ["", head]
    if o.property.text:
        out.append(f"    property: {o.property.text}")
    if o.expectation is not None and o.expectation.reason:
        out.append(f"    reason given: {o.expectation.reason}")
    if o.verdict.note:
        out.append(f"    {o.verdict.note}")
    word = "witness" if o.verdict.status.value == "holds" else "counterexample"
    assert o.verdict.trace is not None
    out.append(f"    {word} ({len(o.verdict.trace)} steps):")
    out += render_trace(model, o.verdict.trace)
    return out


def render_report(report: FileReport, verbose: bool = False) -> str:
    out: list[str] = []
    for d in report.diagnostics:
        if d.is_error or verbose or d.code.startswith("W"):
            out.append(render(d, report.files))
    if report.refusal:
        out.append(f"error: cannot check {report.path}: {report.refusal}")
    if report.is_library:
        out.append(
            f"{report.path}: library, checked for errors "
            "(its properties are checked in the procedures that import it)"
        )
    if report.result is not None:
        model = report.result.model
        title = f' "{model.title}"' if model.title else ""
        out.append(f"{report.path} — procedure {model.name}{title}")
        out += render_result(report, report.result, verbose)
        if report.lint:
            out.append(f"  {report.lint} (details: revcheck lint {report.path})")
    return "\n".join(out)


def render_reports(reports: list[FileReport], verbose: bool = False) -> str:
    """One file: its full report. Several (`check DIR`): one line per file, then the full report
    of every file that has something to look at (a problem, an error, an unsettled verdict, a
    warning); `verbose` gives every file's full report."""
    if len(reports) == 1 or verbose:
        parts = [render_report(r, verbose) for r in reports]
    else:
        details = [render_report(r) for r in reports if _needs_reading(r)]
        note = (
            "the files with a problem, an error, an unsettled verdict or a warning follow; "
            "-v shows every file"
            if details
            else "each file alone, or -v, shows every property, trace and dead end"
        )
        parts = [_file_lines(reports) + f"\n({note})", *details]
    summary = "\n" + summary_line(reports)
    return "\n\n".join(p for p in parts if p) + "\n" + summary


def _needs_reading(report: FileReport) -> bool:
    t = tally([report])
    return bool(t.problems or t.errors or t.unsettled or t.warnings or report.refusal)


def _file_lines(reports: list[FileReport]) -> str:
    """The table of `check DIR`: a file a line, with what its report would say in counts."""
    rows: list[list[str]] = []
    for r in reports:
        t = tally([r])
        if r.is_library:
            rows.append([r.path, "library", "", "", "", ""])
            continue
        if r.result is None:
            rows.append([r.path, f"{t.errors} error(s)", "", "", "", ""])
            continue
        states = f"{r.result.states:,} states" if r.result.engine == "explicit" else r.result.engine
        rows.append(
            [
                r.path,
                f"{t.met} met",
                f"{t.problems} problem(s)",
                f"{t.unsettled} unsettled",
                f"{t.dead_ends} dead end(s)",
                states,
            ]
        )
    widths = [max(len(row[i]) for row in rows) for i in range(len(rows[0]))]
    lines = [
        "  ".join(c.ljust(w) for c, w in zip(row, widths, strict=True)).rstrip() for row in rows
    ]
    return "\n".join(lines)
