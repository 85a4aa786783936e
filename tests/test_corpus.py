"""Permanent differential-testing entries: `tests/corpus/*.rev`, each checked by both engines.

Every entry must give no disagreement (`checker.select`) and meet its own expectations in
both engines. Add a shrunk Hypothesis counterexample here as a small `.rev` file that says,
in a comment, what went wrong.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from checker.core.result import CheckOptions
from checker.select import cross_check
from dsl.frontend import compile_file

CORPUS = sorted((Path(__file__).parent / "corpus").glob("*.rev"))


@pytest.mark.parametrize("path", CORPUS, ids=[p.stem for p in CORPUS])
def test_corpus_entry(path: Path) -> None:
    front = compile_file(str(path))
    assert front.model is not None, [d.message for d in front.diagnostics]
    result = cross_check(front.model, CheckOptions(depth=20))
    assert result.agree, result.disagreements
    for engine in (result.result, result.symbolic):
        for exp in front.model.expectations:
            verdict = engine.verdict(exp.property)
            assert verdict is not None and verdict.status.value == exp.verdict, (
                engine.engine,
                verdict,
            )
    assert [r.rule for r in result.result.range_errors] == [
        r.rule for r in result.symbolic.range_errors
    ]
