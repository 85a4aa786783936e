"""revcheck and SPIN side by side on TwoPhase(N): the same states, the same verdict, their times.

    python benchmarks/spin_twophase.py        # N = 3 and 7
    python benchmarks/spin_twophase.py 5 7

The model is `benchmarks/twophase.py`'s TwoPhase commit (288 states for N = 3, 296,448 for
N = 7, as TLC counts them). revcheck: `checker.explicit.search.check` end to end (compile,
BFS, the invariant, dead ends). SPIN: the model from `revcheck export --to promela`, pan
generated (`spin -o2 -o3 -a`), compiled with `gcc -O2 -DNOREDUCE -DSAFETY` and run
exhaustively; "spin gen+cc" is the generation and C compilation, "pan" the search alone.
SPIN stores one state more than revcheck (the process before the initial values are chosen);
the script asserts the counts, the invariant verdict and the dead-end verdict agree.
"""

from __future__ import annotations

import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "benchmarks"))

from twophase import PUBLISHED, twophase_source  # noqa: E402

from checker.explicit.search import check  # noqa: E402
from checker.export.promela import to_promela  # noqa: E402
from checker.export.spin import compare, run_spin, spin_available  # noqa: E402
from dsl.frontend import compile_text  # noqa: E402


def main(argv: list[str]) -> None:
    if not spin_available():
        print("spin and gcc are needed: apt-get install spin gcc", file=sys.stderr)
        raise SystemExit(2)
    sizes = [int(a) for a in argv] or [3, 7]
    print(f"{'N':>3} {'tool':>14} {'states':>9} {'seconds':>8} {'states/s':>10}")
    for n in sizes:
        front = compile_text(twophase_source(n), path=f"twophase_{n}.rev")
        assert front.model is not None, [d.message for d in front.diagnostics]
        model = front.model
        started = time.perf_counter()
        ours = check(model)
        seconds = time.perf_counter() - started
        if n in PUBLISHED:
            assert ours.states == PUBLISHED[n], (n, ours.states)
        exported = to_promela(model)
        bits = max(18, ours.states.bit_length() + 2)
        theirs = run_spin(exported, optimize=True, hash_bits=bits)
        problems = compare(exported, theirs, ours)
        assert not problems, problems
        print(
            f"{n:>3} {'revcheck':>14} {ours.states:>9,} {seconds:>8.2f} "
            f"{ours.states / seconds:>10,.0f}"
        )
        print(f"{n:>3} {'spin gen+cc':>14} {'':>9} {theirs.compile_seconds:>8.2f} {'':>10}")
        rate = theirs.states / theirs.seconds if theirs.seconds else float("inf")
        print(f"{n:>3} {'pan':>14} {theirs.states:>9,} {theirs.seconds:>8.2f} {rate:>10,.0f}")
        print(
            f"{n:>3} {'agree':>14} states {ours.states:,} = {theirs.states:,} - 1; "
            f"invariant {ours.verdicts[0].word}; dead ends {ours.dead_end_count or 0}"
        )


if __name__ == "__main__":
    main(sys.argv[1:])
