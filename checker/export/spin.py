"""Running SPIN on an exported model, and holding its answers against revcheck's.

Input: a `PromelaModel` (`checker.export.promela`). Output: a `SpinResult` (states stored,
which tagged asserts pan reported violated, whether the search was complete, seconds), and
`compare` lists every disagreement with a revcheck `ModelResult` in words (empty: agreement).

pan runs with `-c0` (never stop at an error), so every violated assert is reported; pan
prints an error only when its text differs from the previous one, so the distinct messages
are exactly the violated asserts.
"""

from __future__ import annotations

import re
import shutil
import subprocess
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

from checker.core.result import ModelResult
from checker.core.verdict import Status
from checker.export.promela import (
    TAG_DEAD_END,
    TAG_INVARIANT,
    TAG_NEVER_STEP,
    TAG_RANGE,
    TAG_REACHABLE,
    PromelaModel,
)

_TAG = re.compile(r"assertion violated \(\(_nr_pr==(\d+)\)")
_STORED = re.compile(r"^\s*(\d+) states, stored", re.M)


class SpinUnavailable(Exception):
    """`spin` or a C compiler is not installed."""


@dataclass(frozen=True, slots=True)
class SpinResult:
    states: int  # pan's "states, stored"
    violated: frozenset[int]  # tags of the violated asserts
    complete: bool  # False if pan ran out of search depth or memory
    seconds: float  # pan's search alone (not spin's or gcc's)
    compile_seconds: float
    output: str


def spin_available() -> bool:
    return shutil.which("spin") is not None and shutil.which("gcc") is not None


def run_spin(exported: PromelaModel, optimize: bool = False, hash_bits: int = 20) -> SpinResult:
    """Generate pan from the model, compile it (`-O2` when `optimize`: for timing) and run the
    exhaustive search; a search that runs out of depth is run again with ten times the depth."""
    if not spin_available():
        raise SpinUnavailable("spin and gcc are needed (Debian: apt-get install spin gcc)")
    with tempfile.TemporaryDirectory(prefix="revcheck-spin-") as folder:
        work = Path(folder)
        (work / "model.pml").write_text(exported.text, encoding="utf-8")
        started = time.perf_counter()
        _run(["spin", "-o2", "-o3", "-a", "model.pml"], work)
        level = "-O2" if optimize else "-O0"
        _run(["gcc", level, "-DNOREDUCE", "-DSAFETY", "-DMEMLIM=4096", "-o", "pan", "pan.c"], work)
        compile_seconds = time.perf_counter() - started
        depth = 100_000
        while True:
            search_started = time.perf_counter()
            out = _run(["./pan", "-c0", "-n", f"-m{depth}", f"-w{hash_bits}"], work)
            seconds = time.perf_counter() - search_started
            if "max search depth too small" not in out or depth >= 100_000_000:
                break
            depth *= 10
    stored = _STORED.search(out)
    if stored is None:
        raise RuntimeError("pan printed no state count:\n" + out[-2000:])
    complete = "max search depth too small" not in out and "out of memory" not in out
    return SpinResult(
        states=int(stored.group(1)),
        violated=frozenset(int(t) for t in _TAG.findall(out)),
        complete=complete,
        seconds=seconds,
        compile_seconds=compile_seconds,
        output=out,
    )


def _run(cmd: list[str], cwd: Path) -> str:
    done = subprocess.run(cmd, cwd=cwd, capture_output=True, text=True, check=False)
    if done.returncode != 0:
        raise RuntimeError(
            f"{' '.join(cmd)} failed ({done.returncode}):\n{done.stdout}{done.stderr}"
        )
    return done.stdout


def compare(exported: PromelaModel, spin: SpinResult, ours: ModelResult) -> list[str]:
    """Every way SPIN's answers differ from revcheck's: states, invariants, dead ends, range
    errors."""
    problems: list[str] = []
    if not spin.complete or not ours.complete:
        return ["a search was incomplete: nothing compared"]
    expected = exported.spin_states(ours.states)
    if spin.states != expected:
        problems.append(
            f"states: SPIN stored {spin.states}, revcheck {ours.states} (expected SPIN {expected})"
        )
    for k, name in enumerate(exported.invariants):
        verdict = ours.verdict(name)
        spin_fails = TAG_INVARIANT + k in spin.violated
        if verdict is None or verdict.status not in (Status.HOLDS, Status.FAILS):
            problems.append(f"{name}: revcheck has no settled verdict")
        elif (verdict.status is Status.FAILS) != spin_fails:
            problems.append(
                f"{name}: revcheck {verdict.word}, SPIN {'fails' if spin_fails else 'holds'}"
            )
    for tag, names, violated_means in (
        (TAG_REACHABLE, exported.reachable, Status.HOLDS),
        (TAG_NEVER_STEP, exported.never_steps, Status.FAILS),
    ):
        for k, name in enumerate(names):
            verdict = ours.verdict(name)
            violated = tag + k in spin.violated
            if verdict is None or verdict.status not in (Status.HOLDS, Status.FAILS):
                problems.append(f"{name}: revcheck has no settled verdict")
            elif (verdict.status is violated_means) != violated:
                theirs = (
                    violated_means
                    if violated
                    else ({Status.HOLDS, Status.FAILS} - {violated_means}).pop()
                )
                problems.append(f"{name}: revcheck {verdict.word}, SPIN {theirs.value}")
    count = max(ours.dead_end_count or 0, len(ours.dead_ends))
    if (count > 0) != (TAG_DEAD_END in spin.violated):
        problems.append(
            f"dead ends: revcheck {count}, "
            f"SPIN {'some' if TAG_DEAD_END in spin.violated else 'none'}"
        )
    ours_range = {e.rule for e in ours.range_errors}
    spin_range = {exported.rules[t - TAG_RANGE] for t in spin.violated if t >= TAG_RANGE}
    if ours_range != spin_range:
        problems.append(f"range errors: revcheck {sorted(ours_range)}, SPIN {sorted(spin_range)}")
    return problems
