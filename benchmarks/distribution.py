"""Time to prove distribution consistency for N creditors with unbounded amounts.

    python benchmarks/distribution.py [N ...]        (default: 2 8 16 32)

Generates `cases/prc/distribution.rev` with `set creditors = {c1, ..., cN}`, compiles it, and
runs the symbolic engine (its whole schedule: BMC, k-induction with lemmas, Spacer). Prints,
per N: rule instances, state slots, wall-clock and CPU seconds for the whole check (on a
shared machine they differ), and the verdict of each consistency property. Not a timed
test: the figures depend on the machine.
"""

from __future__ import annotations

import re
import sys
import time
from pathlib import Path

from checker.core.result import CheckOptions
from checker.symbolic.engine import check
from dsl.frontend import compile_text

ROOT = Path(__file__).resolve().parent.parent
CASE = ROOT / "cases" / "prc" / "distribution.rev"
PROPERTIES = ("conservation", "no_excess_return", "standing_creditors_keep", "obligor_restored")


def model_text(n: int) -> str:
    text = CASE.read_text(encoding="utf-8")
    creditors = ", ".join(f"c{i}" for i in range(1, n + 1))
    return re.sub(r"set creditors = \{[^}]*\}", f"set creditors = {{{creditors}}}", text)


def run(n: int) -> tuple[float, int, int, dict[str, str]]:
    front = compile_text(model_text(n), directory=str(CASE.parent))
    assert front.model is not None, [d.message for d in front.diagnostics]
    model = front.model
    started, cpu = time.perf_counter(), time.process_time()
    result = check(model, CheckOptions(engine="symbolic", depth=30))
    seconds = time.perf_counter() - started
    print(f"      (N = {n}: {time.process_time() - cpu:.2f} s CPU)")
    words = {v.property: f"{v.word} ({v.how})" for v in result.verdicts if v.property in PROPERTIES}
    return seconds, len(model.rules), len(model.slots), words


def main(argv: list[str]) -> None:
    sizes = [int(a) for a in argv] or [2, 8, 16, 32]
    print(f"{'N':>3} {'rules':>6} {'slots':>6} {'seconds':>8}  verdicts")
    previous = None
    for n in sizes:
        seconds, rules, slots, words = run(n)
        growth = f"  x{seconds / previous:.1f}" if previous else ""
        print(f"{n:>3} {rules:>6} {slots:>6} {seconds:>8.2f}{growth}")
        for name in PROPERTIES:
            print(f"      {name}: {words.get(name, '?')}")
        previous = seconds


if __name__ == "__main__":
    main(sys.argv[1:])
