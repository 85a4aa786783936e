"""`revcheck replay` output: text for a reader, JSON (schema `revcheck/replay/1`, docs/output.md)
for the HTML report and scripts."""

from __future__ import annotations

import datetime
import json
from typing import Any

from checker.core.show_expr import value_text
from checker.docket.docket import DocketError
from checker.docket.replay import EntryResult, MissedDeadline, OpenDuty, ReplayReport

SCHEMA = "revcheck/replay/1"


def _missed_text(m: MissedDeadline) -> str:
    return (
        f"deadline ran out: '{m.rule}' ({m.actor}) within {m.days} days of {m.since}; "
        f"the last day was {m.last_day}"
    )


def _duty_text(d: OpenDuty) -> str:
    due = f", due by {d.due}" if d.due else ", no deadline"
    return f"{d.rule} ({d.actor}) open since {d.since}{due}"


def render_text(r: ReplayReport) -> str:
    lines = [f"{r.docket} replayed against {r.case}", ""]
    for x in r.entries:
        lines.extend(_entry_text(x))
    lines.append("")
    if r.first_unlawful is None:
        lines.append(f"every act is lawful under {r.case}")
    else:
        bad = r.entries[r.first_unlawful - 1]
        lines.append(
            f"the docket leaves the law at entry {bad.entry.index} ({bad.entry.date}, "
            f"{bad.entry.actor}: {bad.entry.act or bad.entry.article})"
        )
    lines.append(f"deadlines that ran out: {len(r.missed)}")
    for m in r.missed:
        if m.before_entry > len(r.entries):
            lines.append(f"  ! after the last entry: {_missed_text(m)}")
    if r.ends_lawfully is not None:
        lines.append(
            "after the last lawful act the procedure is in a lawful end state (`final`)"
            if r.ends_lawfully
            else (
                "after the last lawful act the procedure is not in a lawful end state: "
                "it is still open"
            )
        )
    if r.open_at_end:
        lines.append("open duties: " + "; ".join(_duty_text(d) for d in r.open_at_end))
    return "\n".join(lines) + "\n"


def _entry_text(x: EntryResult) -> list[str]:
    e = x.entry
    mark = {"lawful": "ok      ", "unlawful": "UNLAWFUL", "not judged": "-       "}[x.status]
    out = [f"{e.index:>4}. {e.date}  {mark}  {e.actor}: {x.rule or e.act}"]
    for m in x.missed:
        out.append(f"        ! {_missed_text(m)}")
    if x.cites and x.status == "lawful":
        out.append("        cites " + ", ".join(s for s, _ in x.cites))
    for c in x.changes:
        out.append(f"        {c[0]}: {value_text(c[1])} → {value_text(c[2])}")
    for reason in x.reasons if x.status == "unlawful" else ():
        out.append(f"        why: {reason}")
    if x.closest is not None:
        out.append(
            f"        closest rule: {x.closest.rule} (by {x.closest.actor}"
            + (f"; cites {', '.join(x.closest.cites)}" if x.closest.cites else "")
            + ")"
        )
        for why in x.closest.why:
            out.append(f"          does not apply: {why}")
        if not x.closest.why:
            out.append("          it applies here")
    for n in x.notes:
        out.append(f"        note: {n}")
    if x.open_duties:
        out.append(
            "        open duties: "
            + "; ".join(d.rule + (f" (due by {d.due})" if d.due else "") for d in x.open_duties)
        )
    return out


def _date(d: datetime.date | None) -> str | None:
    return None if d is None else d.isoformat()


def _duty(d: OpenDuty) -> dict[str, Any]:
    return {"rule": d.rule, "actor": d.actor, "since": _date(d.since), "due": _date(d.due)}


def _missed(m: MissedDeadline) -> dict[str, Any]:
    return {
        "rule": m.rule,
        "actor": m.actor,
        "days": m.days,
        "since": _date(m.since),
        "last_day": _date(m.last_day),
        "before_entry": m.before_entry,
    }


def replay_json(r: ReplayReport) -> dict[str, Any]:
    return {
        "schema": SCHEMA,
        "case": r.case,
        "docket": r.docket,
        "first_unlawful": r.first_unlawful,
        "deadlines_missed": [_missed(m) for m in r.missed],
        "ends_lawfully": r.ends_lawfully,
        "final_state": dict(r.final_state),
        "open_duties": [_duty(d) for d in r.open_at_end],
        "exit_code": r.exit_code,
        "entries": [
            {
                "index": x.entry.index,
                "date": _date(x.entry.date),
                "actor": x.entry.actor,
                "act": x.entry.act,
                "article": x.entry.article or None,
                "rule": x.rule,
                "status": x.status,
                "reasons": list(x.reasons),
                "repealed_by": x.repealed_by or None,
                "citations": [{"source": s, "title": t} for s, t in x.cites],
                "changes": [{"var": n, "before": b, "after": a} for n, b, a in x.changes],
                "open_duties": [_duty(d) for d in x.open_duties],
                "deadlines_missed": [_missed(m) for m in x.missed],
                "notes": list(x.notes),
                "closest": None
                if x.closest is None
                else {
                    "rule": x.closest.rule,
                    "actor": x.closest.actor,
                    "why": list(x.closest.why),
                    "citations": list(x.closest.cites),
                },
            }
            for x in r.entries
        ],
    }


def render_json(r: ReplayReport) -> str:
    return json.dumps(replay_json(r), ensure_ascii=False, indent=2) + "\n"


def error_json(exc: DocketError) -> dict[str, Any]:
    """A refused docket as data: a script reading `--format json` learns which entry and field
    are wrong without parsing the text on standard error."""
    return {
        "schema": SCHEMA,
        "docket": exc.path,
        "error": {"entry": exc.entry or None, "field": exc.field, "message": exc.message},
        "exit_code": 2,
    }


def render_error_json(exc: DocketError) -> str:
    return json.dumps(error_json(exc), ensure_ascii=False, indent=2) + "\n"
