"""Explicit engine throughput on the Tower of Hanoi, next to a hand-written plain-Python BFS.

    python benchmarks/hanoi.py            # 10, 11, 12 disks
    python benchmarks/hanoi.py 8 9        # other sizes

Each measurement runs in a fresh subprocess so that peak RSS (`ru_maxrss`) belongs to it
alone. "engine" is `checker.explicit.check` end to end: compiling the model, BFS with the
graph's edges, the `reachable` property with its replayed 2**n - 1 step witness, dead ends;
"explore" is the search alone (`checker.explicit.explore`); "plain" needs no revcheck.
"""

from __future__ import annotations

import json
import resource
import subprocess
import sys
import time
from collections import deque
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PEGS = ("a", "b", "c")


def plain_bfs(n: int) -> tuple[int, int]:
    """The same puzzle without revcheck: tuples of pegs, a parent dict, the same moves."""
    start = ("a",) * n
    parent: dict[tuple[str, ...], tuple[str, ...] | None] = {start: None}
    queue = deque([start])
    goal = ("c",) * n
    while queue:
        s = queue.popleft()
        top = {p: n for p in PEGS}
        for d in range(n - 1, -1, -1):
            top[s[d]] = d
        for x in PEGS:
            d = top[x]
            for y in PEGS:
                if x != y and d < top[y]:
                    t = s[:d] + (y,) + s[d + 1 :]
                    if t not in parent:
                        parent[t] = s
                        queue.append(t)
    length, s = 0, goal
    while parent[s] is not None:
        s, length = parent[s], length + 1  # type: ignore[assignment]
    return len(parent), length


def run_one(kind: str, n: int) -> dict[str, float]:
    from checker.explicit.search import check, explore  # imports are not timed
    from tests.handmade import hanoi

    started = time.perf_counter()
    if kind == "engine":
        result = check(hanoi(n))
        states = result.states
        witness = result.verdicts[0].trace
        assert witness is not None and len(witness) == 2**n - 1
    elif kind == "explore":
        states = len(explore(hanoi(n)).states)
    else:
        states, length = plain_bfs(n)
        assert length == 2**n - 1
    seconds = time.perf_counter() - started
    assert states == 3**n
    peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # KiB on Linux
    return {"states": states, "seconds": seconds, "peak_mb": peak_mb}


def main(argv: list[str]) -> None:
    if argv[:1] == ["--one"]:
        print(json.dumps(run_one(argv[1], int(argv[2]))))
        return
    sizes = [int(a) for a in argv] or [10, 11, 12]
    print(f"{'disks':>5} {'run':>7} {'states':>9} {'seconds':>8} {'states/s':>10} {'peak MB':>8}")
    for n in sizes:
        for kind in ("engine", "explore", "plain"):
            out = subprocess.run(
                [sys.executable, __file__, "--one", kind, str(n)],
                capture_output=True,
                text=True,
                check=True,
                cwd=ROOT,
            )
            r = json.loads(out.stdout)
            rate = r["states"] / r["seconds"]
            print(
                f"{n:>5} {kind:>7} {r['states']:>9,} {r['seconds']:>8.2f} {rate:>10,.0f} "
                f"{r['peak_mb']:>8.0f}"
            )


if __name__ == "__main__":
    sys.path.insert(0, str(ROOT))
    main(sys.argv[1:])
