"""Replaying a long docket: a 1,000-entry docket along a random endless run of prc/current.

Prints the seconds to load and replay it (the case compiled once beforehand), entries per
second, and checks the result is all lawful. Run: python3 benchmarks/replay.py [CASE] [N]
"""

from __future__ import annotations

import json
import sys
import tempfile
import time
from pathlib import Path

from checker.core.semantics import initial_states
from checker.docket.load import load_docket
from checker.docket.repealed import repealed_rules
from checker.docket.replay import replay
from checker.docket.walk import random_docket
from dsl.frontend import compile_file

ROOT = Path(__file__).resolve().parent.parent


def main() -> None:
    case = sys.argv[1] if len(sys.argv) > 1 else str(ROOT / "cases" / "prc" / "current.rev")
    n = int(sys.argv[2]) if len(sys.argv) > 2 else 1000
    started = time.perf_counter()
    model = compile_file(case).model
    assert model is not None, f"{case} does not compile"
    repealed = repealed_rules(case)  # compiles the law a bill amends: part of loading the case
    compile_s = time.perf_counter() - started
    docket, _ = random_docket(model, next(initial_states(model)), n, seed=1, long=True)
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "docket.json"
        path.write_text(json.dumps(docket), encoding="utf-8")
        started = time.perf_counter()
        report = replay(model, load_docket(str(path)), repealed)
        seconds = time.perf_counter() - started
    entries = len(report.entries)
    lawful = sum(1 for e in report.entries if e.status == "lawful")
    print(f"case {case}: compiled in {compile_s:.2f} s")
    print(
        f"replay: {entries} entries ({lawful} lawful, {len(report.missed)} deadlines ran out) "
        f"in {seconds:.3f} s, {entries / seconds:,.0f} entries/s"
    )
    if lawful != entries:
        raise SystemExit("a docket written from a run of the case must be lawful at every entry")


if __name__ == "__main__":
    main()
