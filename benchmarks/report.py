"""Time `revcheck report cases/ -o DIR` for every shipped case (the target: under 10 s on 2 cores).

    python benchmarks/report.py [DIR]        (default: a temporary folder)

Runs the whole report in this process and prints the seconds for checking (the matrix, which
checks each case once and keeps its state space) and for writing the pages (explanations, stage
graphs, bills' diffs, consolidated law), the pages written, and the states explored per second
by the checks. Not a timed test: the figures depend on the machine and its load.
"""

from __future__ import annotations

import sys
import tempfile
import time
from pathlib import Path

from checker.api import collect_paths
from checker.report.html import build_site

ROOT = Path(__file__).resolve().parent.parent


def main() -> None:
    out = sys.argv[1] if len(sys.argv) > 1 else tempfile.mkdtemp(prefix="revcheck-report-")
    paths, _ = collect_paths([str(ROOT / "cases")])
    marks: list[tuple[str, float]] = []
    started = time.perf_counter()
    site = build_site(paths, out, progress=lambda item: marks.append((item, time.perf_counter())))
    total = time.perf_counter() - started
    checked = (
        next((t for item, t in marks if item.startswith("pages of")), started + total) - started
    )
    states = sum(
        r.report.result.states
        for r in site.matrix.rows
        if r.report is not None and r.report.result is not None
    )
    print(f"cases: {len(site.matrix.rows)}, pages: {len(site.pages)}, states explored: {states:,}")
    print(f"checking: {checked:.2f} s ({states / max(checked, 1e-9):,.0f} states/s)")
    print(f"pages:    {total - checked:.2f} s")
    print(f"total:    {total:.2f} s  -> {Path(out) / 'index.html'}")


if __name__ == "__main__":
    main()
