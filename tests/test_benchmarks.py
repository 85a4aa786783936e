"""The benchmark scripts still run (their figures are for notes, not for tests)."""

from __future__ import annotations

from pathlib import Path

import pytest

from benchmarks import check_split

ROOT = Path(__file__).parent.parent


def test_check_split_times_every_stage_of_a_check(capsys: pytest.CaptureFixture[str]) -> None:
    """It wraps `check`'s own functions by name: a renamed one would leave its stage uncalled.

    Calls are counted, not seconds: a fast machine rounds a short stage to 0.00 s."""
    assert check_split.main([str(ROOT / "cases" / "jp")]) == 0
    out = capsys.readouterr().out
    columns = {line[:52].strip(): line[52:].split() for line in out.splitlines()[1:]}
    for stage, _, _, _ in check_split.STAGES:
        calls = int(columns[stage.strip()][1])
        if "symbolic" in stage:  # the Japanese cases are finite: no Z3
            assert calls == 0, out
        else:
            assert calls > 0, (stage, out)
    assert float(columns["total"][0]) >= float(columns["explicit engine"][0])


def test_check_split_leaves_the_functions_as_they_were() -> None:
    import importlib

    from checker import select

    before = [getattr(importlib.import_module(m), n) for _, m, n, _ in check_split.STAGES]
    engines = dict(select.ENGINES)
    check_split.main([str(ROOT / "cases" / "jp" / "ccp_260.rev")])
    after = [getattr(importlib.import_module(m), n) for _, m, n, _ in check_split.STAGES]
    assert after == before and select.ENGINES == engines
