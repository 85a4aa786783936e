"""Repair search on the PRC law in force: candidates checked, pruned, seconds, speed-up 1 -> 2.

    python benchmarks/repair.py              # K = 4, the 12 move instances of spec/moves.rev
    python benchmarks/repair.py 3            # another K

The search makes four principles hold on cases/prc/current.rev (trial-execution separation,
party disposition, hearing before decision, timeliness) without breaking the principles that
held. It runs on a dask.distributed LocalCluster of one worker process, then of two (the
cluster's start-up is counted: it is what a user waits for), and in this process for the
reference. The target (issue 16): under 60 s on 2 cores. The repairs must be the same each
time; the script exits 1 if they differ. CPU seconds of this process are not the work (the
workers do it), so only wall-clock seconds are printed; a busy machine stretches them.
"""

from __future__ import annotations

import sys
import time

from checker.distributed import task_runner
from checker.repair.catalogue import DEFAULT_CATALOGUE
from checker.repair.run import RepairReport, repair

CASE = "cases/prc/current.rev"
PRINCIPLES = ("trial_execution_separation", "party_disposition", "hearing_before_decision",
              "timeliness")


def run(k: int, workers: int | None) -> tuple[float, RepairReport]:
    started = time.perf_counter()
    with task_runner(workers) as runner:
        report = repair(CASE, str(DEFAULT_CATALOGUE), PRINCIPLES, k, runner)
    assert isinstance(report, RepairReport)
    return time.perf_counter() - started, report


def main() -> int:
    k = int(sys.argv[1]) if len(sys.argv) > 1 else 4
    rows = []
    for workers in (1, 2, None):
        seconds, report = run(k, workers)
        rows.append((workers, seconds, report))
    first = rows[0][2].result
    print(f"repair {CASE}: {len(first.instances)} move instances, K = {k}, "
          f"{len(PRINCIPLES)} principles")
    print(f"  candidates checked {first.stats.checked}, from the cache {first.stats.cached}, "
          f"pruned {first.stats.pruned_superset} (supersets) + "
          f"{first.stats.pruned_counterexample} (counterexample intact), "
          f"{first.stats.incompatible} with two instances of one move")
    for workers, seconds, report in rows:
        where = f"{workers} worker(s)" if workers else "in process"
        print(f"  {where:>12}: {seconds:6.1f} s  ({report.result.stats.checked / seconds:.2f} "
              "candidates/s)")
    print(f"  speed-up 1 -> 2 workers: {rows[0][1] / rows[1][1]:.2f}x")
    labels = [tuple(tuple(r.result.instances[i].label for i in c.moves) for c in r.result.repairs)
              for _, _, r in rows]
    for repair_moves in labels[0]:
        print("  repair: " + ", ".join(repair_moves))
    if any(other != labels[0] for other in labels[1:]):
        print("  ERROR: the repairs differ with the number of workers")
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
