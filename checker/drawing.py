"""`revcheck graph FILE`: the reachable state graph as Graphviz DOT, Mermaid or SVG.

A full state graph is unreadable beyond a few hundred states, so `--project VAR,...` draws
the graph projected onto chosen variables (e.g. the procedural `stage`): one node per
combination of their values, one edge per rule that moves between them. That is the view a
lawyer wants: which acts lead from which procedural situation to which.
"""

from __future__ import annotations

import argparse
import shutil
import subprocess
import sys

from checker.api import check_file
from checker.compile import UnboundedModel
from checker.explicit import explore
from checker.report.text import render_report
from checker.result import CheckOptions
from checker.show_expr import value_text
from dsl.model import Model

MAX_DRAWN = 500


def _label(model: Model, state: tuple, slots: list[int]) -> str:  # type: ignore[type-arg]
    return ", ".join(f"{model.slots[i].name}={value_text(state[i])}" for i in slots)


def project(model: Model, options: CheckOptions, names: list[str] | None) -> tuple[list[str], list[tuple[str, str, str]], list[str]]:
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


def to_dot(name: str, nodes: list[str], edges: list[tuple[str, str, str]], initial: list[str]) -> str:
    out = [f"digraph {_quote(name)} {{", "  rankdir=LR;", "  node [shape=box, style=rounded];"]
    for n in nodes:
        extra = ", penwidth=2" if n in initial else ""
        out.append(f"  {_quote(n)} [label={_quote(n)}{extra}];")
    for a, b, label in edges:
        out.append(f"  {_quote(a)} -> {_quote(b)} [label={_quote(label)}];")
    out.append("}")
    return "\n".join(out)


def to_mermaid(nodes: list[str], edges: list[tuple[str, str, str]], initial: list[str]) -> str:
    ids = {n: f"s{i}" for i, n in enumerate(nodes)}
    esc = lambda s: s.replace('"', "'")  # noqa: E731
    out = ["stateDiagram-v2"]
    for n in nodes:
        out.append(f'  state "{esc(n)}" as {ids[n]}')
    for n in initial:
        out.append(f"  [*] --> {ids[n]}")
    for a, b, label in edges:
        out.append(f"  {ids[a]} --> {ids[b]} : {esc(label)}")
    return "\n".join(out)


def run(args: argparse.Namespace) -> int:
    options = CheckOptions(max_states=args.max_states, engine="explicit")
    report = check_file(args.file, options)
    if report.result is None or report.has_errors:
        print(render_report(report), file=sys.stderr)
        return 2
    model = report.result.model
    names = [n.strip() for n in args.project.split(",")] if args.project else None
    unknown = [n for n in names or [] if n not in {s.var for s in model.slots} | {s.name for s in model.slots}]
    if unknown:
        print(f"revcheck: error: no variable {', '.join(unknown)} in {args.file}", file=sys.stderr)
        return 2
    try:
        nodes, edges, initial = project(model, options, names)
    except UnboundedModel as exc:
        print(f"revcheck: error: {exc}", file=sys.stderr)
        return 2
    if len(nodes) > MAX_DRAWN:
        print(
            f"revcheck: error: the graph has {len(nodes):,} nodes; drawing is limited to {MAX_DRAWN}. "
            "Use --project VAR[,VAR] to draw it projected onto some variables.",
            file=sys.stderr,
        )
        return 2
    if args.format == "mermaid":
        text = to_mermaid(nodes, edges, initial)
    else:
        text = to_dot(model.name, nodes, edges, initial)
    if args.format == "svg":
        dot = shutil.which("dot")
        if dot is None:
            print("revcheck: error: --format svg needs Graphviz's `dot` program; install graphviz, "
                  "or use --format dot", file=sys.stderr)
            return 2
        text = subprocess.run([dot, "-Tsvg"], input=text, capture_output=True, text=True, check=True).stdout
    if args.output:
        with open(args.output, "w", encoding="utf-8") as f:
            f.write(text + "\n")
    else:
        print(text)
    return 0


def register(sub: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    p = sub.add_parser("graph", help="draw the reachable state graph (dot, mermaid, svg)")
    p.add_argument("file", metavar="FILE")
    p.add_argument("--format", choices=["dot", "mermaid", "svg"], default="dot")
    p.add_argument("--project", metavar="VAR[,VAR]", help="draw the graph projected onto these variables")
    p.add_argument("--max-states", type=int, default=100_000, metavar="N")
    p.add_argument("--output", metavar="FILE")
    p.set_defaults(func=run)
