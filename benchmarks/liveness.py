"""The cost of liveness next to safety on the same 100,000-state model.

    python benchmarks/liveness.py          # 5 dials of 10 positions: 100,000 states
    python benchmarks/liveness.py 4 12     # 4 dials of 12 positions

The model: `n` dials, each turned one position at a time by its own rule (a duty, so weakly
fair), wrapping round: 10**5 states, 500,000 edges, one strongly connected graph. Each
measurement is `checker.explicit.check` end to end (compiling, BFS, the verdict) in a fresh
subprocess, for one property at a time:

- safety:      `always d0 <= 9`                      (holds: every state is visited)
- eventually:  `eventually d0 == 9`                  (holds: every component is examined)
- leads_to:    `d1 == 0 leads_to d0 == 9`            (holds)
- lasso:       `d1 == 0 leads_to d0 == 9`, with dial 0 a power (fails: a lasso is built)
- networkx:    the components of the same region by `networkx.strongly_connected_components`
               instead of the engine's Tarjan (graph construction included), for comparison.
"""

from __future__ import annotations

import json
import resource
import subprocess
import sys
import time
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from dsl.model import SlotRef
    from tests.handmade import Builder

ROOT = Path(__file__).resolve().parent.parent
KINDS = ("safety", "eventually", "leads_to", "lasso", "networkx")


def dials(n: int, k: int, power_dial0: bool = False) -> tuple[Builder, list[SlotRef]]:
    from dsl.model import IntType
    from tests.handmade import Builder, ite, op

    m = Builder(f"dials{n}x{k}")
    refs = [m.var(f"d{i}", IntType(0, k - 1), 0) for i in range(n)]
    for i, d in enumerate(refs):
        m.rule(
            f"turn{i}",
            True,
            {d: ite(op("<", d, k - 1), op("+", d, 1), 0)},
            duty=not (power_dial0 and i == 0),
        )
    return m, refs


def run_one(kind: str, n: int, k: int) -> dict[str, float | str]:
    from checker.explicit.search import check, explore
    from dsl.model import Eventually, Invariant, LeadsTo
    from tests.handmade import eq, op

    m, d = dials(n, k, power_dial0=kind == "lasso")
    if kind == "safety":
        m.prop("p", Invariant(op("<=", d[0], k - 1)))
    elif kind == "eventually":
        m.prop("p", Eventually(eq(d[0], k - 1)))
    elif kind in ("leads_to", "lasso"):
        m.prop("p", LeadsTo(eq(d[1], 0), eq(d[0], k - 1)))
    model = m.build()
    started = time.perf_counter()
    if kind == "networkx":
        import networkx as nx  # type: ignore[import-untyped]

        space = explore(model)
        goal = space.compiled.predicate(eq(d[0], k - 1))
        g = nx.DiGraph()
        g.add_nodes_from(i for i, c in enumerate(space.codes) if not goal(c))
        g.add_edges_from((u, v) for u, _, v in space.edges() if u in g and v in g)
        comps = sum(1 for _ in nx.strongly_connected_components(g))
        states, verdict = len(space.states), f"{comps} components"
    else:
        result = check(model)
        v = result.verdicts[0]
        states, verdict = result.states, v.word + (f", {v.how}" if v.trace else "")
    seconds = time.perf_counter() - started
    peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    return {"states": states, "seconds": seconds, "peak_mb": peak_mb, "verdict": verdict}


def main(argv: list[str]) -> None:
    if argv[:1] == ["--one"]:
        print(json.dumps(run_one(argv[1], int(argv[2]), int(argv[3]))))
        return
    n, k = (int(argv[0]), int(argv[1])) if len(argv) == 2 else (5, 10)
    print(f"{'run':>10} {'states':>9} {'seconds':>8} {'x safety':>8} {'peak MB':>8}  verdict")
    base = None
    for kind in KINDS:
        out = subprocess.run(
            [sys.executable, __file__, "--one", kind, str(n), str(k)],
            capture_output=True,
            text=True,
            check=True,
            cwd=ROOT,
        )
        r = json.loads(out.stdout)
        base = base or r["seconds"]
        print(
            f"{kind:>10} {r['states']:>9,} {r['seconds']:>8.2f} {r['seconds'] / base:>8.2f} "
            f"{r['peak_mb']:>8.0f}  {r['verdict']}"
        )


if __name__ == "__main__":
    sys.path.insert(0, str(ROOT))
    main(sys.argv[1:])
