"""What `revcheck check cases/` costs, case by case: states, seconds, states/s (a CI job).

    python benchmarks/cases.py            # every .rev under cases/
    python benchmarks/cases.py cases/prc  # one folder

Each case is checked by `checker.api.check_file` with `--engine auto` (as `check` and `matrix`
do), in this process, one after the other; the time is the wall clock of the whole check
(compiling, search, every verdict and the liveness principles). The last line is the total, the
figure the CI job pays. Scenario files are included, as `check cases/` includes them.
"""

from __future__ import annotations

import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


def main(argv: list[str]) -> int:
    from checker.api import check_file, collect_paths
    from checker.core.result import CheckOptions

    paths, missing = collect_paths(argv or [str(ROOT / "cases")])
    if missing:
        print("not found: " + ", ".join(missing), file=sys.stderr)
        return 2
    total_s, total_states = 0.0, 0
    print(f"{'case':<48} {'engine':<9} {'states':>9} {'seconds':>8} {'states/s':>10}")
    for path in paths:
        start = time.perf_counter()
        report = check_file(path, CheckOptions(engine="auto"))
        seconds = time.perf_counter() - start
        result = report.result
        states = result.states if result is not None else 0
        engines = sorted({v.engine for v in result.verdicts}) if result is not None else ["error"]
        rate = f"{states / seconds:,.0f}" if states and seconds > 0 else "-"
        name = (
            str(Path(path).resolve().relative_to(ROOT))
            if Path(path).resolve().is_relative_to(ROOT)
            else path
        )
        print(f"{name:<48} {'+'.join(engines):<9} {states:>9,} {seconds:>8.2f} {rate:>10}")
        total_s += seconds
        total_states += states
    print(
        f"{'total (' + str(len(paths)) + ' files)':<48} {'':<9} {total_states:>9,} {total_s:>8.2f}"
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
