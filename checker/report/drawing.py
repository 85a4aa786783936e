"""The reachable state graph, projected onto chosen variables, as DOT or Mermaid.

A full state graph is unreadable beyond a few hundred states; the projection onto the
procedural `stage` is the view a lawyer wants. Used by `revcheck graph` (`checker.cli.graph`).
"""

from __future__ import annotations

from checker.core.result import CheckOptions
from checker.core.show_expr import value_text
from checker.explicit.search import explore
from dsl.model import Model

MAX_DRAWN = 500


def _label(model: Model, state: tuple, slots: list[int]) -> str:  # type: ignore[type-arg]
    return ", ".join(f"{model.slots[i].name}={value_text(state[i])}" for i in slots)


def project(
    model: Model, options: CheckOptions, names: list[str] | None
) -> tuple[list[str], list[tuple[str, str, str]], list[str]]:
    """Nodes, edges (src, dst, label) and initial nodes of the (projected) reachable graph."""
    space = explore(model, options)
    if names:
        slots = [i for i, s in enumerate(model.slots) if s.var in names or s.name in names]
    else:
        slots = list(range(len(model.slots)))
    nodes: dict[str, None] = {}
    edges: dict[tuple[str, str, str], None] = {}
    initial: dict[str, None] = {}
    for sid, state in enumerate(space.states):
        nodes.setdefault(_label(model, state, slots))
        if space.parent[sid] == -1:
            initial.setdefault(_label(model, state, slots))
    for src, rule, dst in space.edges():
        a = _label(model, space.states[src], slots)
        b = _label(model, space.states[dst], slots)
        if names and a == b:
            continue  # a step that does not move the projection
        edges.setdefault((a, b, model.rules[rule].rule))
    return list(nodes), list(edges), list(initial)


def _quote(s: str) -> str:
    return '"' + s.replace("\\", "\\\\").replace('"', '\\"') + '"'


def to_dot(
    name: str, nodes: list[str], edges: list[tuple[str, str, str]], initial: list[str]
) -> str:
    out = [f"digraph {_quote(name)} {{", "  rankdir=LR;", "  node [shape=box, style=rounded];"]
    for n in nodes:
        extra = ", penwidth=2" if n in initial else ""
        out.append(f"  {_quote(n)} [label={_quote(n)}{extra}];")
    for a, b, label in edges:
        out.append(f"  {_quote(a)} -> {_quote(b)} [label={_quote(label)}];")
    out.append("}")
    return "\n".join(out)


def _esc(s: str) -> str:
    return s.replace('"', "'")


def to_mermaid(nodes: list[str], edges: list[tuple[str, str, str]], initial: list[str]) -> str:
    ids = {n: f"s{i}" for i, n in enumerate(nodes)}
    out = ["stateDiagram-v2"]
    for n in nodes:
        out.append(f'  state "{_esc(n)}" as {ids[n]}')
    for n in initial:
        out.append(f"  [*] --> {ids[n]}")
    for a, b, label in edges:
        out.append(f"  {ids[a]} --> {ids[b]} : {_esc(label)}")
    return "\n".join(out)
