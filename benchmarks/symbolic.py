"""The symbolic engine on every shipped case, next to the explicit engine.

    python benchmarks/symbolic.py [--timeout S] [--depth K] [PATH ...]   (default: cases/)

For each procedure: the explicit engine's seconds (finite models), the symbolic engine's
wall-clock and CPU seconds (they differ on a shared machine), and how each property was settled
by Z3: proved by k-induction (`kind`), by a Spacer invariant (`inv`), a liveness property
proved by a helpful duty under fairness (`fair`), refuted by a counterexample or witnessed
(`trace`), left bounded (`bnd`), unknown at the time limit (`time`), needing the explicit
engine (liveness without such a proof, `live`), not applicable (`n/a`). `agree` counts the
properties both engines settled with the same verdict, `differ` those they settled differently
(must be 0). Then every safety property the symbolic engine left unsettled, by name. Not a timed
test: the figures depend on the machine.
"""

from __future__ import annotations

import argparse
import sys
import time
from collections import Counter
from pathlib import Path

from checker.core.result import CheckOptions, ModelResult
from checker.core.verdict import Method, Status, Verdict
from checker.select import ENGINES
from dsl.frontend import compile_file
from dsl.model import SAFETY_FORMS, Model

ROOT = Path(__file__).resolve().parent.parent
COLUMNS = ("kind", "inv", "fair", "trace", "bnd", "time", "live", "n/a")


def settled_by(v: Verdict) -> str:
    if v.method is Method.K_INDUCTION:
        return "kind"
    if v.method is Method.INVARIANT:
        return "inv"
    if v.method is Method.FAIRNESS:
        return "fair"
    if v.method in (Method.COUNTEREXAMPLE, Method.WITNESS):
        return "trace"
    if v.method is Method.TIME_LIMIT:
        return "time"
    if v.status is Status.NOT_APPLICABLE:
        return "n/a"
    if v.status is Status.UNKNOWN and v.method is Method.NOT_APPLICABLE:
        return "live"
    return "bnd"


def timed(engine: str, model: Model, options: CheckOptions) -> tuple[ModelResult, float, float]:
    """The result, wall-clock seconds and CPU seconds (on a shared machine the two differ)."""
    started, cpu = time.perf_counter(), time.process_time()
    result = ENGINES[engine](model, options)
    return result, time.perf_counter() - started, time.process_time() - cpu


def main(argv: list[str]) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("paths", nargs="*", default=[str(ROOT / "cases")])
    ap.add_argument("--timeout", type=float, default=60.0, help="per file, symbolic (default 60 s)")
    ap.add_argument("--depth", type=int, default=30)
    args = ap.parse_args(argv)
    files: list[Path] = []
    for p in args.paths:
        path = Path(p)
        files += sorted(path.rglob("*.rev")) if path.is_dir() else [path]
    head = f"{'file':46} {'explicit':>8} {'symbolic':>8} {'sym cpu':>7}  " + " ".join(
        f"{c:>5}" for c in COLUMNS
    )
    print(head + "  agree differ")
    total_sym = total_cpu = 0.0
    unsettled: list[str] = []
    for f in files:
        front = compile_file(str(f))
        model = front.model
        if model is None or model.is_library:
            continue
        name = str(f.relative_to(ROOT)) if f.is_relative_to(ROOT) else str(f)
        ex = None
        ex_s = "-"
        if model.finite:
            ex, secs, _ = timed("explicit", model, CheckOptions(engine="explicit"))
            ex_s = f"{secs:.2f}"
        sy, sy_secs, sy_cpu = timed(
            "symbolic",
            model,
            CheckOptions(engine="symbolic", depth=args.depth, timeout_s=args.timeout),
        )
        total_sym += sy_secs
        total_cpu += sy_cpu
        counts = Counter(settled_by(v) for v in sy.verdicts)
        agree = differ = 0
        for prop, v in zip(model.properties, sy.verdicts, strict=True):
            if isinstance(prop.form, SAFETY_FORMS) and counts and settled_by(v) in ("bnd", "time"):
                unsettled.append(f"{name}: {prop.name}: {v.word} ({v.how})")
            e = ex.verdict(prop.name) if ex is not None else None
            definite = (Status.HOLDS, Status.FAILS)
            if e is not None and e.status in definite and v.status in definite:
                agree += e.status is v.status
                differ += e.status is not v.status
        cells = " ".join(f"{counts.get(c, 0):>5}" for c in COLUMNS)
        print(
            f"{name:46} {ex_s:>8} {sy_secs:>8.2f} {sy_cpu:>7.2f}  {cells}  {agree:>5} {differ:>6}",
            flush=True,
        )
    print(f"all files, symbolic: {total_sym:.2f} s wall, {total_cpu:.2f} s CPU")
    if unsettled:
        print("safety properties the symbolic engine left unsettled:")
        for line in unsettled:
            print("  " + line)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
