"""`revcheck graph FILE`: the reachable state graph as Graphviz DOT, Mermaid or SVG.

A full state graph is unreadable beyond a few hundred states, so `--project VAR,...` draws
the graph projected onto chosen variables (e.g. the procedural `stage`): one node per
combination of their values, one edge per rule that moves between them. That is the view a
lawyer wants: which acts lead from which procedural situation to which.

Exit codes: 0 the whole reachable graph drawn; 2 bad input, or the output cannot be written;
3 a state or time limit stopped the exploration: the partial graph is drawn, marked `PARTIAL`
in a comment of the DOT or Mermaid text, and said on standard error.
"""

from __future__ import annotations

import argparse
import shutil
import subprocess
import sys
from dataclasses import replace

from checker.api import check_file
from checker.cli.common import add_limit_options, emit, limit_options
from checker.core.result import CheckOptions, ModelResult
from checker.core.verdict import Method
from checker.explicit.compile import UnboundedModel
from checker.report.check.text import render_report
from checker.report.drawing import (
    MAX_DRAWN,
    project,
    to_dot,
    to_mermaid,
)


def run(args: argparse.Namespace) -> int:
    options = CheckOptions(engine="explicit", **limit_options(args))
    report = check_file(args.file, options)
    if report.result is None or report.has_errors:
        print(render_report(report), file=sys.stderr)
        return 2
    model = report.result.model
    names = [n.strip() for n in args.project.split(",")] if args.project else None
    unknown = [
        n
        for n in names or []
        if n not in {s.var for s in model.slots} | {s.name for s in model.slots}
    ]
    if unknown:
        print(f"revcheck: error: no variable {', '.join(unknown)} in {args.file}", file=sys.stderr)
        return 2
    try:
        # the drawing's search redoes the check's: no clock, and no further than it got, so
        # the drawing is exactly what `_partial` describes (breadth-first order is fixed)
        states = report.result.states if report.result.stopped is not None else options.max_states
        nodes, edges, initial = project(
            model, replace(options, max_states=max(1, states), timeout_s=None), names
        )
    except UnboundedModel as exc:
        print(f"revcheck: error: {exc}", file=sys.stderr)
        return 2
    if len(nodes) > MAX_DRAWN:
        print(
            f"revcheck: error: the graph has {len(nodes):,} nodes; "
            f"drawing is limited to {MAX_DRAWN}. "
            "Use --project VAR[,VAR] to draw it projected onto some variables.",
            file=sys.stderr,
        )
        return 2
    partial = _partial(report.result)
    if args.format == "mermaid":
        text = to_mermaid(nodes, edges, initial)
        text = text if not partial else text + f"\n%% PARTIAL: {partial}"
    else:
        text = to_dot(model.name, nodes, edges, initial)
        text = text if not partial else f"// PARTIAL: {partial}\n" + text
    if args.format == "svg":
        dot = shutil.which("dot")
        if dot is None:
            print(
                "revcheck: error: --format svg needs Graphviz's `dot` program; install graphviz, "
                "or use --format dot",
                file=sys.stderr,
            )
            return 2
        text = subprocess.run(
            [dot, "-Tsvg"], input=text, capture_output=True, text=True, check=True
        ).stdout
    if not emit(text, args.output):
        return 2
    if partial:  # a partial drawing is not the graph: say so, and exit 3 as for any limit
        print(f"revcheck: note: the graph is partial: {partial}", file=sys.stderr)
        return 3
    return 0


def _partial(result: ModelResult) -> str:
    """Why the drawing shows only part of the reachable graph ('' if it shows all of it)."""
    if result.stopped is None:
        return ""
    what = "state limit" if result.stopped is Method.STATE_LIMIT else "time limit"
    return f"exploration stopped at the {what} after {result.states:,} states; " + (
        "raise --max-states" if result.stopped is Method.STATE_LIMIT else "raise --timeout"
    )


def register(sub: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    p = sub.add_parser("graph", help="draw the reachable state graph (dot, mermaid, svg)")
    p.add_argument("file", metavar="FILE")
    p.add_argument("--format", choices=["dot", "mermaid", "svg"], default="dot")
    p.add_argument(
        "--project", metavar="VAR[,VAR]", help="draw the graph projected onto these variables"
    )
    add_limit_options(p, max_states=100_000)  # a partial graph exits 3, marked PARTIAL
    p.add_argument("--output", metavar="FILE")
    p.set_defaults(func=run)
