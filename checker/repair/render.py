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
            out.append(f"  {_line(r, c, n)}")
    else:
        out.append(
            f"no bill of at most {report.max_moves} move(s) from the catalogue makes every "
            "chosen principle hold without breaking one that held"
        )
        out += _partial_text(report)
    if r.unsettled:
        out.append(
            f"  {len(r.unsettled)} candidate(s) unsettled (a limit or an error): "
            "not counted as repairs"
            + ("; a larger set of principles may be repairable" if r.partial_searched else "")
        )
    out += ["", _table(r), ""]
    out.append(
        f"candidates checked: {s.checked}; from the cache: {s.cached}; pruned: "
        f"{s.pruned_superset} supersets of a repair, {s.pruned_counterexample} that "
        f"leave a counterexample intact; {s.incompatible} with two instances of one move"
        + (
            f"; {s.partial_checked} of the checked for the partial repairs"
            if s.partial_checked
            else ""
        )
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


def no_single_fix(r: SearchResult) -> tuple[str, ...]:
    """Chosen principles that no single move makes hold (several may, together)."""
    return tuple(
        p
        for p in r.chosen
        if r.base.status(p) != "holds" and not any(effect(r, c, p) == FIXES for c in r.singles)
    )


def left_out(r: SearchResult) -> tuple[str, ...]:
    """Chosen principles in none of the largest repairable sets."""
    inside = {p for c in r.partial for p in c.principles}
    return tuple(p for p in r.chosen if p not in inside)


def _partial_text(report: RepairReport) -> list[str]:
    r = report.result
    k = report.max_moves
    out: list[str] = []
    if r.partial:
        sets = r.partial_sets
        out.append(
            f"the largest sets of the chosen principles that bills of at most {k} move(s) "
            f"repair: {r.partial_size} of {len(r.chosen)}, in {len(sets)} set(s) "
            "(not a repair of all: exit 1)"
        )
        for principles in sets:
            mine = [c for c in r.partial if c.principles == principles]
            out.append("  " + ", ".join(principles) + ":")
            out += [f"    {line}" for line in _grouped(r, mine)]
        out.append(
            f"  no set of {r.partial_size + 1} of them is repaired by a bill of at most {k} "
            "move(s); each set's bills: --principles with that set, --format json, or "
            "-o DIR/report.txt (DIR/partial_N.rev)"
        )
    elif r.partial_searched:
        out.append(f"  not even one of them is repaired by a bill of at most {k} move(s)")
    elif len(r.chosen) > 1:
        out.append("  (--no-partial: the largest repairable sets of them were not searched)")
    single = set(no_single_fix(r))
    reach = set(r.out_of_reach())
    names = left_out(r) if r.partial else r.chosen
    groups = (
        (
            "no applicable move touches its counterexample in the case",
            [p for p in names if p in reach],
        ),
        (
            "no single move fixes it; several may, together",
            [p for p in names if p in single and p not in reach],
        ),
        ("", [p for p in names if p not in single and p not in reach] if r.partial else []),
    )
    lead = "in none of these sets: " if r.partial else ""
    for why, group in groups:
        if group:
            tail = f" ({why})" if why else ""
            out.append(f"  {lead}{', '.join(group)}{tail}")
    out.append(
        "  try a larger --max-moves, or fewer --principles (the table shows which move fixes which)"
    )
    return out


def _grouped(r: SearchResult, cands: list[Candidate]) -> list[str]:
    """One line for bills that differ only in the parameters of their moves, when every
    combination of those parameters is among them ("hearing(d=10) | hearing(d=15)")."""
    groups: dict[tuple[str, ...], list[Candidate]] = {}
    for c in cands:
        groups.setdefault(tuple(r.instances[i].move for i in c.moves), []).append(c)
    lines = []
    for group in groups.values():
        columns = [
            list(dict.fromkeys(r.instances[c.moves[k]].label for c in group))
            for k in range(len(group[0].moves))
        ]
        product = 1
        for col in columns:
            product *= len(col)
        states = ", ".join(f"{c.outcome.states:,}" for c in group)
        many = "s" if len(group[0].moves) != 1 else ""
        if product == len(group):
            labels = ", ".join(" | ".join(col) for col in columns)
            lines.append(
                f"{labels}  ({len(group[0].moves)} move{many}; {states} states, exhaustive)"
            )
        else:
            lines += [_line(r, c, 0)[3:] for c in group]
    return lines


def _line(r: SearchResult, c: Candidate, n: int) -> str:
    labels = ", ".join(r.instances[i].label for i in c.moves)
    many = "s" if len(c.moves) != 1 else ""
    return f"{n}. {labels}  ({len(c.moves)} move{many}, {c.outcome.states:,} states, exhaustive)"


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
        "repairs": [_bill_json(r, c, report.bill(n, extends)) for n, c in enumerate(r.repairs)],
        "table": {
            r.instances[c.moves[0]].label: {p: effect(r, c, p) for p in table_columns(r)}
            for c in r.singles
        },
        "partial": {
            "searched": r.partial_searched,
            "size": r.partial_size,
            "sets": [
                {
                    "principles": list(principles),
                    "repairs": [
                        _bill_json(r, c, report.partial_bill(n, extends))
                        for n, c in enumerate(r.partial)
                        if c.principles == principles
                    ],
                }
                for principles in r.partial_sets
            ],
            "left_out": list(left_out(r)) if r.partial else [],
            "no_single_fix": list(no_single_fix(r)),
            "out_of_reach": list(r.out_of_reach()),
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
            "partial_checked": s.partial_checked,
        },
        "exit_code": report.exit_code,
        "seconds": round(report.seconds, 3),
        "workers": report.workers,
    }
    return json.dumps(data, indent=2, ensure_ascii=False)


def _bill_json(r: SearchResult, c: Candidate, bill: str) -> dict[str, Any]:
    """A repair (or a partial one) in the JSON: its moves, its size, and the bill's text."""
    return {
        "moves": [r.instances[i].label for i in c.moves],
        "size": len(c.moves),
        "states": c.outcome.states,
        "bill": bill,
    }
