"""The procedure's stage graph as inline SVG: the reachable states projected on one variable,
with the steps of a trace highlighted.

Graphviz lays it out when `dot` is installed; otherwise a layered layout is computed here with
NetworkX (ranks by breadth-first distance from the start, order within a rank by the variable's
declared values) and drawn by `_svg`, so a fresh machine without Graphviz still gets a picture.
"""

from __future__ import annotations

import html
import re
import shutil
import subprocess
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

import networkx as nx

from checker.core.trace import TIME_STEP, Trace
from checker.report.narrative import Lang, rule_title
from dsl.model import EnumType, Model, Value

NODE_W, NODE_H, GAP_X, GAP_Y, MARGIN, TOP = 190, 46, 70, 26, 20, 90


@dataclass(frozen=True, slots=True)
class StageGraph:
    """The projection: nodes are values of `var`, edges (a, b) with the rules taking them."""

    var: str
    slot: int
    nodes: tuple[Value, ...]
    initial: tuple[Value, ...]
    edges: dict[tuple[Value, Value], tuple[str, ...]]  # -> rule instance names


def stage_slot(model: Model) -> int | None:
    """The stage variable: one named `stage`, else the enumerated variable with most values."""
    scalars = [(i, s) for i, s in enumerate(model.slots) if s.key is None]
    named = next((i for i, s in scalars if s.var == "stage"), None)
    if named is not None:
        return named
    enums = [(len(s.type.values), -i, i) for i, s in scalars if isinstance(s.type, EnumType)]
    return max(enums)[2] if enums else None


def project(model: Model, space: Any) -> StageGraph | None:
    """The stage graph of an explored state space (None without a stage variable or edges)."""
    slot = stage_slot(model)
    if slot is None or space is None or not getattr(space, "has_edges", True):
        return None
    column = [state[slot] for state in space.states]  # each state decoded once
    edges: dict[tuple[Value, Value], dict[str, None]] = {}
    seen = dict.fromkeys(column)
    for src, rule, dst in space.edges():
        a, b = column[src], column[dst]
        if a != b:
            edges.setdefault((a, b), {}).setdefault(model.rules[rule].name)
    t = model.slots[slot].type
    order = list(t.values) if isinstance(t, EnumType) else sorted(seen, key=str)
    nodes = tuple(v for v in order if v in seen)
    initial = tuple(dict.fromkeys(column[i] for i in range(len(column)) if space.parent[i] == -1))
    return StageGraph(
        model.slots[slot].var, slot, nodes, initial, {k: tuple(v) for k, v in edges.items()}
    )


def trace_edges(graph: StageGraph, trace: Trace) -> dict[tuple[Value, Value], list[int]]:
    """The projected edges a trace takes, with the numbers of the steps taking them."""
    out: dict[tuple[Value, Value], list[int]] = {}
    states = trace.states
    for i, (name, after) in enumerate(trace.steps, start=1):
        a, b = states[i - 1][graph.slot], after[graph.slot]
        if name != TIME_STEP and a != b:
            out.setdefault((a, b), []).append(i)
    return out


def node_label(model: Model, graph: StageGraph, value: Value, lang: Lang) -> str:
    from checker.report.narrative import state_phrase

    phrase = state_phrase(model, graph.slot, value, lang)
    return phrase or str(value)


def render_svg(
    model: Model, graph: StageGraph, lang: Lang, trace: Trace | None = None, engine: str = "auto"
) -> str:
    """The graph as an `<svg>` element; `engine` auto (dot if installed), dot, or networkx."""
    lit = trace_edges(graph, trace) if trace is not None else {}
    visited = {v for e in lit for v in e}
    if trace is not None:
        visited.add(trace.initial[graph.slot])
    if engine in ("auto", "dot") and shutil.which("dot"):
        svg = _dot_svg(model, graph, lang, lit, visited)
        if svg is not None:
            return svg
    return _svg(model, graph, lang, lit, visited)


def _edge_title(model: Model, names: Iterable[str], lang: Lang) -> str:
    return "\n".join(dict.fromkeys(rule_title(model, n, lang) for n in names))


# ----------------------------------------------------------------------------- Graphviz


def _q(s: str) -> str:
    return '"' + s.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n") + '"'


_DOT_CACHE: dict[tuple[int, str], tuple[StageGraph, str | None]] = {}


def _dot_svg(
    model: Model,
    graph: StageGraph,
    lang: Lang,
    lit: dict[tuple[Value, Value], list[int]],
    visited: set[Value],
) -> str | None:
    """Graphviz lays the graph out once per graph and language; each run's highlight is then a
    class on the run's edges and stages (styled by the page), so a case's hundred explanation
    pages cost one `dot` call."""
    key = (id(graph), lang)
    cached = _DOT_CACHE.get(key)
    if cached is None or cached[0] is not graph:
        if len(_DOT_CACHE) > 64:
            _DOT_CACHE.clear()
        cached = _DOT_CACHE[key] = (graph, _dot_base(model, graph, lang))
    svg = cached[1]
    if svg is None:
        return None
    index = {v: i for i, v in enumerate(graph.nodes)}
    for k, edge in enumerate(graph.edges):
        steps = lit.get(edge)
        if steps:
            svg = svg.replace(
                f'<g id="e{k}" class="edge">',
                f'<g id="e{k}" class="edge hl" data-steps="{", ".join(map(str, steps))}">',
            )
    for v in visited:
        if v in index:
            svg = svg.replace(
                f'<g id="n{index[v]}" class="node">', f'<g id="n{index[v]}" class="node visited">'
            )
    return svg


def _dot_base(model: Model, graph: StageGraph, lang: Lang) -> str | None:
    ids = {v: f"n{i}" for i, v in enumerate(graph.nodes)}
    out = [
        "digraph stages {",
        "  rankdir=LR; bgcolor=transparent;",
        '  node [shape=box, style="rounded,filled", fillcolor="#ffffff", '
        'fontsize=11, fontname="sans-serif"];',
        '  edge [color="#9aa5b1", fontsize=10, fontname="sans-serif"];',
    ]
    for v in graph.nodes:
        out.append(
            f"  {ids[v]} [id={_q(ids[v])}, label={_q(_wrap(node_label(model, graph, v, lang)))}, "
            f"tooltip={_q(str(v))}];"
        )
    for k, ((a, b), names) in enumerate(graph.edges.items()):
        out.append(
            f'  {ids[a]} -> {ids[b]} [id="e{k}", tooltip={_q(_edge_title(model, names, lang))}];'
        )
    out.append("}")
    try:
        done = subprocess.run(
            ["dot", "-Tsvg"],
            input="\n".join(out).encode(),
            capture_output=True,
            timeout=20,
            check=True,
        )
    except (OSError, subprocess.SubprocessError):
        return None
    text = done.stdout.decode("utf-8", "replace")
    start = text.find("<svg")
    if start < 0:
        return None
    svg = re.sub(r"<!--.*?-->", "", text[start:], flags=re.S)
    return svg.replace("<svg ", '<svg class="stage-graph dot" ', 1)


# ----------------------------------------------------------------------------- own layout


def layout(graph: StageGraph) -> dict[Value, tuple[float, float]]:
    """Layered positions: rank = breadth-first distance from the initial values."""
    g: nx.DiGraph[Value] = nx.DiGraph()
    g.add_nodes_from(graph.nodes)
    g.add_edges_from(graph.edges)
    start = [v for v in graph.initial if v in g] or list(graph.nodes[:1])
    dist: dict[Value, int] = dict(nx.multi_source_dijkstra_path_length(g, start)) if start else {}
    far = max(dist.values(), default=0) + 1
    rank = {v: dist.get(v, far) for v in graph.nodes}
    order = {v: i for i, v in enumerate(graph.nodes)}
    layers: dict[int, list[Value]] = {}
    for v in sorted(graph.nodes, key=lambda v: (rank[v], order[v])):
        layers.setdefault(rank[v], []).append(v)
    pos: dict[Value, tuple[float, float]] = {}
    for r, members in sorted(layers.items()):
        for k, v in enumerate(members):
            pos[v] = (MARGIN + r * (NODE_W + GAP_X), TOP + k * (NODE_H + GAP_Y))
    return pos


def _wrap(text: str, width: int = 26) -> str:
    """Break a label into at most three lines (by words; Chinese by characters)."""
    if " " not in text:
        width = 13
        lines = [text[i : i + width] for i in range(0, len(text), width)]
    else:
        lines, line = [], ""
        for w in text.split():
            if line and len(line) + 1 + len(w) > width:
                lines.append(line)
                line = w
            else:
                line = f"{line} {w}".strip()
        lines.append(line)
    if len(lines) > 3:
        lines = [*lines[:2], lines[2][: max(1, len(lines[2]) - 1)] + "…"]
    return "\n".join(lines)


def _svg(
    model: Model,
    graph: StageGraph,
    lang: Lang,
    lit: dict[tuple[Value, Value], list[int]],
    visited: set[Value],
) -> str:
    pos = layout(graph)
    width = max((x for x, _ in pos.values()), default=0) + NODE_W + MARGIN
    height = max((y for _, y in pos.values()), default=0) + NODE_H + MARGIN
    esc = html.escape
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" class="stage-graph" width="{width:.0f}" '
        f'height="{height:.0f}" viewBox="0 0 {width:.0f} {height:.0f}" role="img" '
        f'aria-label="stage graph of {esc(graph.var)}">',
        _marker("arrow", "#9aa5b1", 8) + _marker("arrow-hl", "#c81e1e", 11),
    ]
    # plain edges first, highlighted ones on top
    for (a, b), names in sorted(graph.edges.items(), key=lambda e: e[0] in lit):
        steps = lit.get((a, b))
        d, mid = _path(pos[a], pos[b])
        cls = "edge hl" if steps else "edge"
        marker = "arrow-hl" if steps else "arrow"
        parts.append(
            f'<g class="{cls}"><title>{esc(_edge_title(model, names, lang))}</title>'
            f'<path d="{d}" fill="none" marker-end="url(#{marker})"/>'
        )
        if steps:
            parts.append(
                f'<text class="step-no" x="{mid[0]:.0f}" y="{mid[1]:.0f}">'
                f"{esc(', '.join(map(str, steps)))}</text>"
            )
        parts.append("</g>")
    for v in graph.nodes:
        x, y = pos[v]
        label = _wrap(node_label(model, graph, v, lang)).split("\n")
        cls = "stage-node visited" if v in visited else "stage-node"
        first = y + NODE_H / 2 - (len(label) - 1) * 7 + 4
        texts = "".join(
            f'<tspan x="{x + NODE_W / 2:.0f}" y="{first + 14 * k:.0f}">{esc(t)}</tspan>'
            for k, t in enumerate(label)
        )
        parts.append(
            f'<g class="{cls}"><title>{esc(graph.var)} = {esc(str(v))}</title>'
            f'<rect x="{x:.0f}" y="{y:.0f}" width="{NODE_W}" height="{NODE_H}" rx="8"/>'
            f'<text text-anchor="middle">{texts}</text></g>'
        )
    parts.append("</svg>")
    return "".join(parts)


def _marker(name: str, colour: str, size: int) -> str:
    """An arrowhead in user units, so a thick highlighted edge does not get a huge one."""
    return (
        f'<defs><marker id="{name}" viewBox="0 0 10 10" refX="10" refY="5" '
        f'markerUnits="userSpaceOnUse" markerWidth="{size}" markerHeight="{size}" '
        f'orient="auto-start-reverse"><path d="M0,0 L10,5 L0,10 z" fill="{colour}"/>'
        "</marker></defs>"
    )


def _path(a: tuple[float, float], b: tuple[float, float]) -> tuple[str, tuple[float, float]]:
    """An edge from box a to box b: straight forward, curved when it goes back or sideways."""
    ax, ay = a
    bx, by = b
    if bx > ax:
        x1, y1, x2, y2 = ax + NODE_W, ay + NODE_H / 2, bx, by + NODE_H / 2
        mx, my = (x1 + x2) / 2, (y1 + y2) / 2
        return f"M{x1:.0f},{y1:.0f} C{mx:.0f},{y1:.0f} {mx:.0f},{y2:.0f} {x2:.0f},{y2:.0f}", (
            mx,
            my - 4,
        )
    # back or within a layer: leave from the top, arc above, enter from the top
    x1, y1 = ax + NODE_W / 2 + 12, ay
    x2, y2 = bx + NODE_W / 2 - 12, by
    lift = min(TOP - 8, 30 + abs(ax - bx) * 0.08 + abs(ay - by) * 0.1)
    cy = min(y1, y2) - lift
    return (
        f"M{x1:.0f},{y1:.0f} C{x1:.0f},{cy:.0f} {x2:.0f},{cy:.0f} {x2:.0f},{y2:.0f}",
        ((x1 + x2) / 2, cy + lift * 0.25),
    )
