"""What `repair` prints: the repairs by size, each as a bill, and a table move x principle."""

from __future__ import annotations

import json
from typing import Any

from checker.repair.run import RepairReport
from checker.repair.search import Candidate, SearchResult

FIXES, BREAKS, SAME = "fixes", "breaks", "-"


def effect(result: SearchResult, single: Candidate, prop: str) -> str:
    before, after = result.base.status(prop), single.outcome.status(prop)
    if single.outcome.error:
        return "error"
    if before != "holds" and after == "holds":
        return FIXES
    if before == "holds" and after != "holds":
        return BREAKS
    return SAME


def table_columns(result: SearchResult) -> tuple[str, ...]:
    broken = [
        p for p in result.guarded if any(effect(result, s, p) == BREAKS for s in result.singles)
    ]
    return (*result.chosen, *broken)


def render_text(report: RepairReport, extends: str) -> str:
    r = report.result
    s = r.stats
    out = [
        f"repair of {report.case}: make {len(r.chosen)} principle(s) hold: "
        + (", ".join(r.chosen) or "(none)")
    ]
    out.append("  and keep holding: " + (", ".join(r.guarded) or "(none)"))
    out.append(
        f"  moves: {len(r.instances)} applicable from {report.catalogue.path}, "
        f"up to {report.max_moves} per bill"
    )
    for m, why in report.skipped:
        out.append(f"    skipped {m.label}: {why}")
    out.append("")
    if r.repairs:
        out.append(f"{len(r.repairs)} minimal repair(s), smallest first:")
        for n, c in enumerate(r.repairs, 1):
            labels = ", ".join(r.instances[i].label for i in c.moves)
            out.append(
                f"  {n}. {labels}  ({len(c.moves)} move{'s' if len(c.moves) != 1 else ''}"
                f", {c.outcome.states:,} states, exhaustive)"
            )
    else:
        out.append(
            f"no bill of at most {report.max_moves} move(s) from the catalogue makes every "
            "chosen principle hold without breaking one that held"
        )
        alone = [
            p
            for p in r.chosen
            if r.base.status(p) != "holds" and not any(effect(r, c, p) == FIXES for c in r.singles)
        ]
        if alone:
            out.append(
                "  no single move fixes " + ", ".join(alone) + " (they may need several together)"
            )
        out.append(
            "  try a larger --max-moves, or fewer --principles (the table shows which "
            "move fixes which)"
        )
    if r.unsettled:
        out.append(
            f"  {len(r.unsettled)} candidate(s) unsettled (a limit or an error): "
            "not counted as repairs"
        )
    out += ["", _table(r), ""]
    out.append(
        f"candidates checked: {s.checked}; from the cache: {s.cached}; pruned: "
        f"{s.pruned_superset} supersets of a repair, {s.pruned_counterexample} that "
        f"leave a counterexample intact; {s.incompatible} with two instances of one move"
    )
    where = f"{report.workers} Dask worker(s)" if report.workers else "in process"
    out.append(f"{report.seconds:.1f} s, {where}")
    for n in range(len(r.repairs)):
        out += [
            "",
            f"// ---------------------------------------------------------------- repair {n + 1}",
            report.bill(n, extends).rstrip("\n"),
        ]
    return "\n".join(out)


def _table(r: SearchResult) -> str:
    cols = table_columns(r)
    if not r.singles or not cols:
        return "(no single move checked)"
    labels = [r.instances[c.moves[0]].label for c in r.singles]
    width = max(len("move"), *(len(x) for x in labels))
    head = "move".ljust(width) + "  " + "  ".join(cols)
    lines = ["which single move fixes (or breaks) which principle:", head]
    for label, c in zip(labels, r.singles, strict=True):
        cells = "  ".join(effect(r, c, p).ljust(len(p)) for p in cols)
        lines.append(label.ljust(width) + "  " + cells)
    return "\n".join(lines)


def render_json(report: RepairReport, extends: str) -> str:
    r = report.result
    s = r.stats
    data: dict[str, Any] = {
        "case": report.case,
        "catalogue": report.catalogue.path,
        "principles": list(r.chosen),
        "kept": list(r.guarded),
        "max_moves": report.max_moves,
        "moves": [
            {
                "label": m.label,
                "move": m.move,
                "title": m.title,
                "models": m.models,
                "parameters": dict(m.values),
            }
            for m in r.instances
        ],
        "skipped": [{"label": m.label, "reason": why} for m, why in report.skipped],
        "repairs": [
            {
                "moves": [r.instances[i].label for i in c.moves],
                "size": len(c.moves),
                "states": c.outcome.states,
                "bill": report.bill(n, extends),
            }
            for n, c in enumerate(r.repairs)
        ],
        "table": {
            r.instances[c.moves[0]].label: {p: effect(r, c, p) for p in table_columns(r)}
            for c in r.singles
        },
        "unsettled": [
            {"moves": [r.instances[i].label for i in c.moves], "error": c.outcome.error}
            for c in r.unsettled
        ],
        "stats": {
            "checked": s.checked,
            "cached": s.cached,
            "pruned_superset": s.pruned_superset,
            "pruned_counterexample": s.pruned_counterexample,
            "incompatible": s.incompatible,
            "levels": s.levels,
        },
        "exit_code": report.exit_code,
        "seconds": round(report.seconds, 3),
        "workers": report.workers,
    }
    return json.dumps(data, indent=2, ensure_ascii=False)
