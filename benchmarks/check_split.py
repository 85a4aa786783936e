"""Where the seconds of `revcheck check cases/` go: one run, split by pipeline stage.

    python benchmarks/check_split.py            # every .rev under cases/
    python benchmarks/check_split.py cases/prc  # one folder

The run is `check`'s own (`checker.api.check_model_file` per file, one `EngineResults` for
the run, `--engine auto`), in this process. Each stage's functions are timed where `check`
calls them, by wrapping them for the run; a stage nested in another is listed under it and
not counted twice in the total. Seconds are CPU seconds (`time.process_time`), which a busy
machine disturbs less than wall-clock seconds; the wall clock of the whole run is printed too.
Start it with `python -X importtime` to see the imports split further.
"""

from __future__ import annotations

import sys
import time
from collections import defaultdict
from collections.abc import Callable
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

# (stage, module, function, nested under); nested stages are part of their parent's time
STAGES = [
    ("front end (parse, check)", "checker.api", "compile_file", ""),
    ("  of it: parse (Lark) and build the AST", "dsl.parser", "_parse", "front end (parse, check)"),
    ("explicit engine", "checker.select", "_explicit", ""),
    ("  of it: compile to Python", "checker.explicit.search", "compile_model", "explicit engine"),
    ("  of it: judge properties", "checker.explicit.search", "judge", "explicit engine"),
    ("symbolic engine (Z3)", "checker.select", "_symbolic", ""),
    ("scenarios (their products)", "checker.scenario.run", "check_scenarios", ""),
]


def _timed(
    spent: dict[str, float],
    calls: dict[str, int],
    active: list[str],
    stage: str,
    parent: str,
    fn: Callable[..., Any],
) -> Callable[..., Any]:
    """`fn`, its CPU time added to `stage` and its call counted: a top stage only when no other
    top stage is running (a scenario's product searched by the explicit engine is the
    scenarios' time), a nested one only inside its parent."""

    def wrapper(*args: Any, **kwargs: Any) -> Any:
        counted = (not active) if not parent else (active[-1:] == [parent])
        if not counted:
            return fn(*args, **kwargs)
        if not parent:
            active.append(stage)
        calls[stage] += 1
        start = time.process_time()
        try:
            return fn(*args, **kwargs)
        finally:
            spent[stage] += time.process_time() - start
            if not parent:
                active.pop()

    return wrapper


def main(argv: list[str]) -> int:
    cpu0, wall0 = time.process_time(), time.perf_counter()
    import importlib

    from checker.api import EngineResults, check_model_file, collect_paths
    from checker.core.result import CheckOptions

    imports = time.process_time() - cpu0
    from checker import select

    spent: dict[str, float] = defaultdict(float)
    calls: dict[str, int] = defaultdict(int)
    active: list[str] = []
    originals = [(importlib.import_module(m), name) for _, m, name, _ in STAGES]
    saved = [(mod, name, getattr(mod, name)) for mod, name in originals]
    engines = dict(select.ENGINES)
    try:
        for (stage, _, name, parent), (mod, _) in zip(STAGES, originals, strict=True):
            setattr(mod, name, _timed(spent, calls, active, stage, parent, getattr(mod, name)))
        select.ENGINES.update(explicit=select._explicit, symbolic=select._symbolic)
        paths, missing = collect_paths(argv or [str(ROOT / "cases")])
        if missing:
            print("not found: " + ", ".join(missing), file=sys.stderr)
            return 2
        results = EngineResults()
        run0 = time.process_time()
        for path in paths:
            check_model_file(path, CheckOptions(engine="auto"), results)
        run = time.process_time() - run0
    finally:  # the functions as they were (the script may run inside another program)
        for mod, name, fn in saved:
            setattr(mod, name, fn)
        select.ENGINES.clear()
        select.ENGINES.update(engines)
    wall = time.perf_counter() - wall0
    print(f"{len(paths)} files; CPU seconds, and calls of the stage's function")
    print(f"{'imports (revcheck, Lark, ...; Z3 when first used)':<52} {imports:6.2f}")
    top = 0.0
    for stage, _, _, parent in STAGES:
        print(f"{stage:<52} {spent[stage]:6.2f} {calls[stage]:6d}")
        top += spent[stage] if not parent else 0.0
    print(f"{'the rest (outcomes, expectations, notes)':<52} {run - top:6.2f}")
    print(f"{'total':<52} {imports + run:6.2f}   (wall clock {wall:.2f} s)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
