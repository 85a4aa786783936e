"""`did you mean`: the nearest name, the same whatever the candidates' order, within a budget."""

from __future__ import annotations

import random
from pathlib import Path

from dsl import suggest
from dsl.frontend import compile_text
from dsl.suggest import budget, closest


def test_the_nearest_name_whatever_the_order() -> None:
    names = ["decision", "decide", "deciding", "appeal", "hearing"]
    for seed in range(20):
        random.Random(seed).shuffle(names)
        assert closest("decisoin", names) == "decision"
    assert closest("zzz", names) is None
    assert closest("decid", ["decide", "decida"]) == closest("decid", ["decida", "decide"])


def test_a_spent_budget_leaves_the_suggestion_out_and_a_small_pool_still_fits() -> None:
    with budget(10):
        assert closest("aple", ["apple", "zebra"]) == "apple"  # 2 of 10 spent
        assert closest("aple", [f"n{i}" for i in range(9)] + ["apple"]) is None  # 10 > 8 left
        assert closest("aple", ["apple"]) == "apple"  # a refused pool is not charged
    assert closest("aple", ["apple"] * (suggest.COMPARISONS + 1)) is None  # outside: per call


def test_a_file_gets_one_budget_and_its_errors_stay_the_same() -> None:
    """The errors of a file with many unknown names among many names are all there; only the
    suggestions stop once the budget is spent."""
    elements = ", ".join(f"elt{i}" for i in range(2_000))
    rules = "".join(
        f"rule r{i} {{ by b kind initiation cites s when x == elt{i}x }}\n" for i in range(100)
    )
    header = 'procedure p\nimport principles\nactor b is court\nsource s "S"\n'
    text = f"{header}set s = {{{elements}}}\nvar x : s\n{rules}"
    result = compile_text(text, directory=str(Path(__file__).resolve().parent.parent))
    unknown = [d for d in result.errors if d.code == "E102"]
    assert len(unknown) == 100
    hinted = [d for d in unknown if "did you mean" in (d.help or "")]
    assert 0 < len(hinted) < 100  # the budget (100,000 comparisons) pays for about 50
    assert all(f"'elt{d.message.split('elt')[1][:-2]}'" in (d.help or "") for d in hinted)
