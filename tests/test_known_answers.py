"""Known answers from outside the project, checked through the whole pipeline (text -> verdict).

Each puzzle's state count and shortest solution length are classic results; the rule sets
are in tests/models/. A generated Tower of Hanoi pins 3^n states and 2^n - 1 moves for n = 1..5.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from benchmarks.twophase import plain_bfs, twophase_source
from checker import CheckOptions, Match, Status, check_file, check_text

MODELS = Path(__file__).parent / "models"


def verdict(report, name):  # type: ignore[no-untyped-def]
    outcome = next(o for o in report.outcomes if o.property.name == name)
    return outcome.verdict


def test_two_jugs_four_litres_in_six_steps() -> None:
    report = check_file(MODELS / "jugs.rev")
    four = verdict(report, "four_litres")
    assert four.status is Status.HOLDS and four.trace is not None
    assert len(four.trace) == 6
    assert (
        four.trace.states[-1][
            report.result.model.slots.index(  # type: ignore[union-attr]
                next(s for s in report.result.model.slots if s.name == "big")
            )
        ]
        == 4
    )  # type: ignore[union-attr]
    never = verdict(report, "never_four")
    assert never.status is Status.FAILS and never.trace is not None and len(never.trace) == 6
    assert report.result.states == 16  # type: ignore[union-attr]  # (0..3 x 0..5) minus unreachable
    assert all(o.match is Match.MET for o in report.outcomes)


def test_river_crossing_takes_seven_crossings() -> None:
    report = check_file(MODELS / "river.rev")
    across = verdict(report, "all_across")
    assert across.status is Status.HOLDS and across.trace is not None
    assert len(across.trace) == 7
    assert verdict(report, "safe").status is Status.HOLDS
    assert report.result.states == 10  # type: ignore[union-attr]  # the safe configurations
    assert report.exit_code == 0


def hanoi(n: int) -> str:
    """The Tower of Hanoi with n disks in the language: disk i may move when no smaller
    disk sits on its peg or on the target peg."""
    lines = [
        f'procedure hanoi{n} "Tower of Hanoi, {n} disks"',
        "organ player",
        "actor solver is player",
        "set pegs = {a, b, c}",
    ]
    lines += [f"var d{i} : pegs = a" for i in range(1, n + 1)]
    for i in range(1, n + 1):
        clear = " and ".join([f"d{j} != d{i} and d{j} != q" for j in range(1, i)]) or "true"
        lines.append(
            f"rule move{i}(q in pegs) {{ by solver when d{i} != q and {clear} then d{i} := q }}"
        )
    done = " and ".join(f"d{i} == c" for i in range(1, n + 1))
    lines.append(f"property solved {{ reachable {done} }}")
    lines.append(f"property never_solved {{ never {done} }}")
    return "\n".join(lines) + "\n"


@pytest.mark.parametrize("n", [1, 2, 3, 4, 5])
def test_hanoi_state_count_and_shortest_solution(n: int) -> None:
    report = check_text(hanoi(n))
    assert not report.has_errors, report.diagnostics
    assert report.result is not None
    assert report.result.states == 3**n
    solved = verdict(report, "solved")
    assert solved.status is Status.HOLDS and solved.trace is not None
    assert len(solved.trace) == 2**n - 1
    never = verdict(report, "never_solved")
    assert never.status is Status.FAILS and never.trace is not None
    assert len(never.trace) == 2**n - 1  # the shortest counterexample is the optimal solution


def test_hanoi3_file_agrees_with_generated_model() -> None:
    report = check_file(MODELS / "hanoi3.rev")
    assert report.result is not None and report.result.states == 27
    solved = verdict(report, "solved")
    assert solved.trace is not None and len(solved.trace) == 7


def test_state_limit_gives_unknown_never_holds() -> None:
    report = check_text(hanoi(5), CheckOptions(max_states=50))
    assert report.result is not None and not report.result.complete
    never = verdict(report, "never_solved")
    assert never.status is Status.UNKNOWN
    assert "state limit" in never.how
    assert report.exit_code == 3


def test_two_phase_commit_has_the_published_state_count() -> None:
    """TwoPhase.tla (Lamport) with 3 resource managers has 288 reachable states under TLC;
    the generated rule set (benchmarks/twophase.py) must have as many, keep TCConsistent,
    and the hand-written BFS there must agree (so the benchmark compares like with like)."""
    report = check_text(twophase_source(3))
    assert not report.has_errors, report.diagnostics
    assert report.result is not None and report.result.states == 288 == plain_bfs(3)
    assert verdict(report, "consistent").status is Status.HOLDS
    assert all(o.match is Match.MET for o in report.outcomes)
    assert plain_bfs(4) == check_text(twophase_source(4)).result.states  # type: ignore[union-attr]
