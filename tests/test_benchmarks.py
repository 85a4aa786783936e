"""The benchmark scripts still run (their figures are for notes, not for tests)."""

from __future__ import annotations

from pathlib import Path

import pytest

from benchmarks import check_split

ROOT = Path(__file__).parent.parent


def test_check_split_times_every_stage_of_a_check(capsys: pytest.CaptureFixture[str]) -> None:
    """It wraps `check`'s own functions by name: a renamed one would leave its stage at zero."""
    assert check_split.main([str(ROOT / "cases" / "jp")]) == 0
    out = capsys.readouterr().out
    seconds = {
        line[:52].strip(): float(line[52:].split()[0])
        for line in out.splitlines()[1:]
        if line[52:].strip()
    }
    for stage, _, _, _ in check_split.STAGES:
        if "symbolic" not in stage:  # the Japanese cases are finite: no Z3
            assert seconds[stage.strip()] > 0, (stage, out)
    assert seconds["total"] >= seconds["explicit engine"]


def test_check_split_leaves_the_functions_as_they_were() -> None:
    import importlib

    from checker import select

    before = [getattr(importlib.import_module(m), n) for _, m, n, _ in check_split.STAGES]
    engines = dict(select.ENGINES)
    check_split.main([str(ROOT / "cases" / "jp" / "ccp_260.rev")])
    after = [getattr(importlib.import_module(m), n) for _, m, n, _ in check_split.STAGES]
    assert after == before and select.ENGINES == engines
