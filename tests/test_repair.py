"""revcheck repair (issue 16): the repairs it prints hold, they are minimal, and with no repair
of every principle the largest repairable sets it prints are right (brute force).

Kept quick: every candidate bill is checked once for the whole module (a cache by bill text
shared by the searches and the brute force), searches run in this process, and the command
line is run only where its own behaviour is under test, on the four-move catalogue.
"""

from __future__ import annotations

import itertools
import json
import os
import subprocess
import sys
from collections.abc import Callable, Collection, Sequence
from pathlib import Path
from typing import Any

import pytest

from checker.api import check_file
from checker.core.verdict import Status
from checker.distributed import TaskRunner
from checker.repair.bill import bill_text
from checker.repair.catalogue import DEFAULT_CATALOGUE, Catalogue, load_catalogue
from checker.repair.evaluate import Outcome, check_bill
from checker.repair.render import render_json, render_text
from checker.repair.run import RepairReport, repair
from checker.repair.search import fixed, is_repair
from dsl.frontend import compile_file

ROOT = Path(__file__).resolve().parent.parent
CASE = "cases/prc/current.rev"
STATUTE = "cases/prc/statute_only.rev"
SMALL = str(ROOT / "tests" / "repair" / "small_moves.rev")
FOUR = ("trial_execution_separation", "party_disposition", "hearing_before_decision", "timeliness")


def _cli(*args: str, cwd: Path = ROOT) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "checker.cli", *args],
        cwd=cwd,
        capture_output=True,
        text=True,
        timeout=600,
    )


class _Cached(TaskRunner):
    """In process, each (bill, properties) checked once for the module."""

    def __init__(self) -> None:
        super().__init__(None)
        self.memo: dict[tuple[str, tuple[str, ...] | None], Outcome] = {}

    def map(self, fn: Callable[..., Any], items: Sequence[Any], *extra: Any) -> list[Any]:
        if fn is not check_bill:
            return super().map(fn, items, *extra)
        return [self.check(text, *extra) for text in items]

    def check(
        self, text: str, options: Any = None, properties: Collection[str] | None = None
    ) -> Outcome:
        key = (text, None if properties is None else tuple(properties))
        if key not in self.memo:
            self.memo[key] = check_bill(text, options, properties)
        return self.memo[key]


@pytest.fixture(scope="module")
def runner() -> _Cached:
    return _Cached()


def _catalogue(path: str) -> Catalogue:
    catalogue, diags, _ = load_catalogue(path)
    assert catalogue is not None, diags
    return catalogue


def test_every_move_applies_to_a_case_of_cases_and_compiles_there(tmp_path: Path) -> None:
    """Each move of spec/moves.rev amends rules some case in cases/ has, and its one-move bill
    compiles there with every citation a source with the article's text."""
    catalogue = _catalogue(str(DEFAULT_CATALOGUE))
    models = {}
    for case in (CASE, STATUTE):
        model = compile_file(str(ROOT / case)).model
        assert model is not None
        models[case] = model
    instances = catalogue.instances()
    assert len(instances) >= 14
    for m in instances:
        assert m.models, m.label  # every move names its model legislation
        homes = [c for c, model in models.items() if m.amended <= {r.rule for r in model.rules}]
        assert homes, m.label
        for case in homes:
            text = bill_text(models[case].name, str(ROOT / case), (m,), catalogue)
            path = tmp_path / f"{m.move}.rev"
            path.write_text(text, encoding="utf-8")
            front = compile_file(str(path))
            if case == STATUTE and m.move == "appeal":
                continue  # written for current.rev's values: repair skips it there (below)
            assert [d.message for d in front.diagnostics if d.is_error] == [], (m.label, case)
            assert front.model is not None
            for cited in m.cited & {name for name, _ in catalogue.sources}:
                assert any(s.name == cited and s.text for s in front.model.sources), cited


@pytest.fixture(scope="module")
def prc_four(runner: _Cached) -> RepairReport:
    report = repair(CASE, str(DEFAULT_CATALOGUE), FOUR, 4, runner)
    assert isinstance(report, RepairReport)
    return report


def test_prc_current_is_repaired_by_trial_organ_application_hearing_and_period(
    prc_four: RepairReport,
) -> None:
    r = prc_four.result
    assert prc_four.exit_code == 0
    families = {tuple(sorted(r.instances[i].move for i in c.moves)) for c in r.repairs}
    assert families == {("application_only", "hearing", "period", "trial_organ")}
    assert all(len(c.moves) == 4 for c in r.repairs)
    data = json.loads(render_json(prc_four, CASE))
    assert data["table"]["trial_organ"]["trial_execution_separation"] == "fixes"
    assert data["table"]["application_only"]["party_disposition"] == "fixes"
    assert data["partial"]["sets"] == []  # a full repair: no partial answer
    # the good-faith-buyer and fruits moves have nothing to amend in current.rev
    skipped = {m.move: why for m, why in prc_four.skipped}
    assert skipped["good_faith_buyer"].startswith("the case has no rule order_return")
    assert "order_return" in skipped["fruits"]


def test_each_printed_repair_when_checked_holds_every_chosen_principle(
    prc_four: RepairReport, tmp_path: Path
) -> None:
    r = prc_four.result
    for n in range(len(r.repairs)):
        path = tmp_path / f"repair_{n + 1}.rev"
        path.write_text(prc_four.bill(n, str(ROOT / CASE)), encoding="utf-8")
        report = check_file(path)
        assert report.result is not None and report.result.complete
        verdicts = {v.property: v for v in report.result.verdicts}
        for p in (*FOUR, *r.guarded):
            assert verdicts[p].status is Status.HOLDS, (n, p, verdicts[p].status)
    # a bill can be shown and diffed against the base like a hand-written one
    for command in (("show", str(tmp_path / "repair_1.rev")), ("diff", CASE, str(path))):
        done = _cli(*command)
        assert done.returncode in (0, 1), done.stderr
        assert "Traceback" not in done.stderr


def _brute(
    report: RepairReport, catalogue: Catalogue, runner: _Cached, k: int
) -> dict[frozenset[int], frozenset[str]]:
    """Every subset of at most k applicable moves (two instances of one move never together),
    checked directly: the chosen principles it makes hold while keeping the guarded."""
    r = report.result
    out = {}
    for size in range(0, k + 1):
        for combo in itertools.combinations(range(len(r.instances)), size):
            if len({r.instances[i].move for i in combo}) < size:
                continue
            moves = tuple(r.instances[i] for i in combo)
            text = bill_text(report.case_name, os.path.abspath(report.case), moves, catalogue)
            outcome = runner.check(text, None, (*r.chosen, *r.guarded))
            out[frozenset(combo)] = fixed(outcome, r.chosen, r.guarded)
    return out


def test_the_reported_repairs_are_exactly_the_minimal_ones_by_brute_force(
    runner: _Cached,
) -> None:
    """Every subset of a small catalogue checked directly: the minimal working sets are those
    the (pruned, cached) search reports, and no proper subset of one works."""
    principles = ("trial_execution_separation", "party_disposition")
    report = repair(CASE, SMALL, principles, 4, runner)
    assert isinstance(report, RepairReport)
    result = report.result
    holding = _brute(report, _catalogue(SMALL), runner, len(result.instances))
    works = {s for s, f in holding.items() if f >= set(principles)}
    minimal = {s for s in works if not any(t < s for t in works)}
    assert minimal, "the small catalogue can repair these two principles"
    assert {frozenset(c.moves) for c in result.repairs} == minimal
    assert all(is_repair(c.outcome, result.chosen, result.guarded) for c in result.repairs)
    assert result.stats.pruned_counterexample + result.stats.pruned_superset > 0
    assert result.partial == ()


def test_with_no_full_repair_the_largest_repairable_sets_are_right_by_brute_force(
    runner: _Cached,
) -> None:
    """Three principles, one move each, at most two moves: no full repair; the partial answer
    is every largest set of principles some bill of two moves repairs, each with exactly its
    minimal bills, as a brute force over every bill of at most two moves finds them."""
    principles = ("trial_execution_separation", "party_disposition", "restitution_damages")
    report = repair(CASE, SMALL, principles, 2, runner)
    assert isinstance(report, RepairReport)
    r = report.result
    assert r.repairs == () and report.exit_code == 1
    holding = _brute(report, _catalogue(SMALL), runner, 2)
    best = max(len(f) for f in holding.values())
    assert r.partial_size == best == 2
    expected: dict[frozenset[str], set[frozenset[int]]] = {}
    for goal in {f for f in holding.values() if len(f) == best}:
        works = {s for s, f in holding.items() if f >= goal}
        expected[goal] = {s for s in works if not any(t < s for t in works)}
    found: dict[frozenset[str], set[frozenset[int]]] = {}
    for c in r.partial:
        found.setdefault(frozenset(c.principles), set()).add(frozenset(c.moves))
    assert found == expected
    assert len(found) == 3  # every pair of the three
    assert r.stats.partial_checked >= 0 and r.out_of_reach() == ()


def test_the_partial_answer_is_printed_and_written_as_bills_that_hold(
    runner: _Cached, tmp_path: Path
) -> None:
    principles = ("trial_execution_separation", "party_disposition", "restitution_damages")
    report = repair(CASE, SMALL, principles, 2, runner)
    assert isinstance(report, RepairReport)
    text = render_text(report, CASE)
    assert (
        "the largest sets of the chosen principles that bills of at most 2 move(s) repair: "
        "2 of 3, in 3 set(s)"
    ) in text
    assert (
        "  trial_execution_separation, party_disposition:\n    trial_organ, application_only"
    ) in text
    out = tmp_path / "report.json"
    args = ("--moves", SMALL, "--max-moves", "2", "--no-cluster", "--format", "json")
    done = _cli("repair", CASE, "--principles", ",".join(principles), *args, "-o", str(out))
    assert done.returncode == 1, done.stderr  # not a repair of all three
    data = json.loads(out.read_text(encoding="utf-8"))
    assert data["exit_code"] == 1 and data["partial"]["size"] == 2
    sets = data["partial"]["sets"]
    assert [s["principles"] for s in sets][0] == list(principles[:2])
    assert data["partial"]["searched"] is True
    skipped = _cli("repair", CASE, "--principles", ",".join(principles), *args, "--no-partial")
    assert skipped.returncode == 1
    assert json.loads(skipped.stdout)["partial"] == {
        "searched": False,
        "size": 0,
        "sets": [],
        "left_out": [],
        "no_single_fix": [],
        "out_of_reach": [],
    }
    bills = sorted(tmp_path.glob("partial_*.rev"))
    assert len(bills) == sum(len(s["repairs"]) for s in sets) == 3
    for path, chosen in zip(bills, (s["principles"] for s in sets), strict=True):
        checked = check_file(path)
        assert checked.result is not None and checked.result.complete
        verdicts = {v.property: v.status for v in checked.result.verdicts}
        assert all(verdicts[p] is Status.HOLDS for p in (*chosen, *data["kept"])), path


def test_the_good_faith_buyer_and_fruits_moves_repair_the_statute_read_alone(
    runner: _Cached,
) -> None:
    """CPL 244 read alone lets the ruling reach the buyer at a judicial sale and returns no
    fruits: the SPC art. 65 moves fix both, and only together fix the fruits (the buyer's
    return awards the principal only)."""
    principles = ("third_party_protection", "restitution_fruits")
    report = repair(STATUTE, str(DEFAULT_CATALOGUE), principles, 2, runner)
    assert isinstance(report, RepairReport)
    r = report.result
    assert [r.instances[i].move for c in r.repairs for i in c.moves] == [
        "good_faith_buyer",
        "fruits",
    ]
    skipped = {m.move: why for m, why in report.skipped}
    assert "does not compile against the case" in skipped["appeal"]


def test_an_unknown_principle_and_a_bad_catalogue_are_diagnosed_with_exit_2() -> None:
    done = _cli("repair", CASE, "--principles", "trial_execution_separaton")
    assert done.returncode == 2 and "did you mean `trial_execution_separation`" in done.stderr
    assert "Traceback" not in done.stderr
    done = _cli("repair", CASE, "--moves", "tests/repair/no_models.rev")
    assert done.returncode == 2
    assert "tests/repair/no_models.rev:3:1" in done.stderr and "^" in done.stderr
    assert "names no model legislation" in done.stderr
    done = _cli("repair", "cases/prc/missing.rev")
    assert done.returncode == 2 and "Traceback" not in done.stderr
    done = _cli("repair", CASE, "--no-cluster", "--workers", "2")
    assert done.returncode == 2 and "--no-cluster" in done.stderr
    done = _cli("repair", CASE, "-o", "no/such/folder/report.txt")
    assert done.returncode == 2 and "no such folder for -o" in done.stderr


def test_candidates_pruned_by_a_counterexample_do_fail_a_chosen_principle(
    prc_four: RepairReport, runner: _Cached
) -> None:
    """The pruning argument checked on the full catalogue, with timeliness among the chosen
    (its counterexamples let days pass, so the rules with a deadline decide what touches
    them): a sample of the pruned bills, spread over the levels, each checked, each fails
    some chosen principle."""
    catalogue = _catalogue(str(DEFAULT_CATALOGUE))
    result = prc_four.result
    pruned = result.pruned
    assert len(pruned) > 20
    sample = [pruned[i] for i in range(0, len(pruned), max(1, len(pruned) // 8))][:8]
    assert {len(c) for c in sample} >= {2, 3, 4}
    for combo in sample:
        moves = tuple(result.instances[i] for i in combo)
        text = bill_text(prc_four.case_name, os.path.abspath(CASE), moves, catalogue)
        outcome = runner.check(text, None, (*result.chosen, *result.guarded))
        assert not outcome.error
        assert any(outcome.status(p) == "fails" for p in result.chosen), [m.label for m in moves]


def test_the_text_report_names_the_repair_and_prints_its_bill() -> None:
    done = _cli(
        "repair",
        CASE,
        "--principles",
        "party_disposition",
        "--moves",
        SMALL,
        "--max-moves",
        "2",
        "--no-cluster",
    )
    assert done.returncode == 0, done.stderr
    assert "1 minimal repair(s), smallest first:\n  1. application_only  (1 move" in done.stdout
    assert 'extends "cases/prc/current.rev"' in done.stdout
    assert "repeal rule start_ex_officio" in done.stdout
    assert "candidates checked: 4;" in done.stdout
    assert "in process" in done.stdout


def test_each_batch_is_announced_before_it_runs(runner: _Cached) -> None:
    """`on_batch` (the command line's progress line on a terminal) hears of every bill sent
    to the engines, batch by batch, before the batch runs."""
    sizes: list[int] = []
    memo_before: list[int] = []

    def on_batch(n: int) -> None:
        sizes.append(n)
        memo_before.append(len(runner.memo))

    principles = ("trial_execution_separation", "party_disposition")
    report = repair(CASE, SMALL, principles, 2, runner, on_batch=on_batch)
    assert isinstance(report, RepairReport)
    assert sizes and all(n > 0 for n in sizes)
    assert sum(sizes) == report.result.stats.checked
    assert memo_before == sorted(memo_before)  # announced in order, as the batches ran
