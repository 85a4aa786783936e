"""The breadth-first search loop with a model's step function inlined, as generated source.

`checker.explicit.compile` puts it into the model's module (`CompiledModel.search`): for a
search that watches no step pattern it replaces the loop of `checker.explicit.search` over
`expand`'s successor lists, with no list and no call per state. Both loops find the same
states, steps and edges in the same order (tests/test_explicit.py, tests/test_liveness.py).
"""

from __future__ import annotations

import time
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from checker.explicit.compile import ModuleBuilder


def add_search(builder: ModuleBuilder, timed: bool, keep_edges: bool) -> None:
    """`search(...)`: the breadth-first loop of `checker.explicit.search.explore` with the
    step function inlined, for a search that watches no step patterns: no successor list,
    no call per state. Arguments and results are those of `explore`'s loop; it returns
    (next state to expand, states found, transitions, why it stopped: 0 done, 1 state
    limit, 2 time limit, 3 settled); `watch` (`CompiledModel.watcher`) is asked about the
    `pending` bits per state, and what it finds is appended to `found` as (state id,
    bits). `keep_edges` records each state's edges as a row of the compressed arrays (a
    row cut short by the state limit is dropped); `timed` adds the clocks and the time
    step (`_add_time`: the clock arithmetic is the same)."""
    rules = builder.model.rules
    guards = [r.guard for r in rules]
    updates = [u.value for r in rules for u in r.updates]
    hoisted, temps = builder.py.hoist([*guards, *updates], guards, {}, "t")
    builder.py.namespace["_monotonic"] = time.monotonic
    clocked = timed and bool(builder.layout.clocks)
    keep, own = builder.clock_tables() if clocked else ("", [])
    if clocked:
        builder.add_due()
    builder.lines += [
        "def search(codes, index, parent, via, deadlocked, hits, i, n, max_states, deadline,"
        " watch, pending, found, stop, edge_start, edge_rule, edge_dst):",
        "    add_code, add_parent, add_via = codes.append, parent.append, via.append",
        "    lookup = index.setdefault",
        "    add_rule, add_dst, close = edge_rule.append, edge_dst.append, edge_start.append",
        "    transitions = 0",
        "    while i < n:",
        "        if deadline is not None and not i & 1023 and _monotonic() >= deadline:",
        "            return i, n, transitions, 2",
        "        s = codes[i]",
        "        if pending:",
        "            hit = watch(s, pending)",
        "            if hit:",
        "                found.append((i, hit))",
        "                pending &= ~hit",
        "        m = e = 0",
    ]
    builder.lines += [f"        {line}" for line in hoisted]
    for k, rule in enumerate(rules):
        body, checks, result = builder.successor(k, rule.updates, temps)
        builder.lines.append(f"        # {k}: {rule.name}")
        builder.lines.append(f"        if {builder.py.code(rule.guard, temps)}:")
        builder.lines += [f"            {line}" for line in body]
        pad = "            "
        if checks:
            builder.lines.append(f"            if not ({' and '.join(checks)}):")
            builder.lines.append(f"                hits.setdefault({k}, i)")
            builder.lines.append("                e = 1")
            builder.lines.append("            else:")
            pad += "    "
        builder.lines.append(f"{pad}m += 1")
        builder.lines.append(f"{pad}t = {result}")
        if clocked:
            builder.lines.append(f"{pad}t = t & {keep} & {own[k]}")
        _add_visit(builder, pad, str(k), keep_edges)
    if timed:
        _add_time_step(builder, keep_edges)
    builder.lines += [
        "        if not m and not e:",
        "            deadlocked.append(i)",
        "        transitions += m",
    ]
    if keep_edges:
        builder.lines.append("        close(len(edge_dst))")
    builder.lines += [
        "        i += 1",
        "        if stop and not pending:",
        "            return i, n, transitions, 3",
        "    return i, n, transitions, 0",
    ]


def _add_visit(
    builder: ModuleBuilder, pad: str, rule: str, keep_edges: bool, time_step: bool = False
) -> None:
    """The successor `t` of state `i` by rule index `rule`: numbered if new (or, at the
    state limit, the search stops, dropping the state's unfinished row), and recorded.
    A state with no discrete step counts as deadlocked even if the limit cuts its time
    step short, as in `explore`'s generic loop."""
    builder.lines += [
        f"{pad}j = lookup(t, n)",
        f"{pad}if j == n:",
        f"{pad}    if n >= max_states:",
        f"{pad}        del index[t]",
    ]
    if time_step:
        builder.lines.append(f"{pad}        if not m and not e:")
        builder.lines.append(f"{pad}            deadlocked.append(i)")
    if keep_edges:
        builder.lines += [
            f"{pad}        del edge_rule[edge_start[-1]:]",
            f"{pad}        del edge_dst[edge_start[-1]:]",
        ]
    builder.lines += [
        f"{pad}        return i, n, transitions, 1",
        f"{pad}    n += 1",
        f"{pad}    add_code(t)",
        f"{pad}    add_parent(i)",
        f"{pad}    add_via({rule})",
    ]
    if keep_edges:
        builder.lines += [f"{pad}add_rule({rule})", f"{pad}add_dst(j)"]


def _add_time_step(builder: ModuleBuilder, keep_edges: bool) -> None:
    """The time step of the inlined loop: counted as a transition, never as a discrete
    step (a state where only time passes is deadlocked)."""
    pad = "        "
    if not builder.layout.clocks:
        builder.lines.append(f"{pad}if True:")
        builder.lines.append(f"{pad}    t = s")
    else:
        allowed, new = builder.time_parts()
        builder.lines.append(f"{pad}on = due(s)")
        builder.lines.append(f"{pad}if {allowed}:")
        builder.lines.append(f"{pad}    t = {new}")
    _add_visit(builder, pad + "    ", str(len(builder.model.rules)), keep_edges, time_step=True)
    builder.lines.append(f"{pad}    transitions += 1")
