"""revcheck repair (issue 16): the repairs it prints hold, and they are minimal."""

from __future__ import annotations

import itertools
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from checker.api import check_file
from checker.core.verdict import Status
from checker.distributed import TaskRunner
from checker.repair.bill import bill_text
from checker.repair.catalogue import DEFAULT_CATALOGUE, load_catalogue
from checker.repair.evaluate import check_bill
from checker.repair.run import RepairReport, repair
from checker.repair.search import is_repair
from dsl.frontend import compile_file

ROOT = Path(__file__).resolve().parent.parent
CASE = "cases/prc/current.rev"
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


def test_every_move_of_the_catalogue_applies_to_prc_current_and_compiles_there() -> None:
    catalogue, diags, _ = load_catalogue(str(DEFAULT_CATALOGUE))
    assert catalogue is not None, diags
    model = compile_file(str(ROOT / CASE)).model
    assert model is not None
    rules = {r.rule for r in model.rules}
    instances = catalogue.instances()
    assert len(instances) >= 12
    for m in instances:
        assert m.models, m.label  # every move names its model legislation
        assert m.amended <= rules, (m.label, m.amended - rules)
        text = bill_text(model.name, str(ROOT / CASE), (m,), catalogue)
        path = ROOT / "tests" / "repair" / f"_tmp_{m.move}.rev"
        path.write_text(text, encoding="utf-8")
        try:
            front = compile_file(str(path))
        finally:
            path.unlink()
        assert [d.message for d in front.diagnostics if d.is_error] == [], m.label
        for cited in m.cited:  # each citation is a source with the article's text
            assert any(s.name == cited and s.text for s in front.model.sources), cited


@pytest.fixture(scope="module")
def prc_four(tmp_path_factory: pytest.TempPathFactory) -> dict[str, object]:
    out = tmp_path_factory.mktemp("repair") / "report.json"
    done = _cli("repair", CASE, "--principles", ",".join(FOUR), "--format", "json", "-o", str(out))
    assert done.returncode == 0, done.stderr
    data: dict[str, object] = json.loads(out.read_text(encoding="utf-8"))
    data["folder"] = str(out.parent)
    return data


def test_prc_current_is_repaired_by_trial_organ_application_hearing_and_period(
    prc_four: dict[str, object],
) -> None:
    repairs = prc_four["repairs"]
    assert isinstance(repairs, list) and repairs
    families = {tuple(sorted(label.split("(")[0] for label in r["moves"])) for r in repairs}
    assert families == {("application_only", "hearing", "period", "trial_organ")}
    assert all(r["size"] == 4 for r in repairs)
    table = prc_four["table"]
    assert isinstance(table, dict)
    assert table["trial_organ"]["trial_execution_separation"] == "fixes"
    assert table["application_only"]["party_disposition"] == "fixes"


def test_each_printed_repair_when_checked_holds_every_chosen_principle(
    prc_four: dict[str, object],
) -> None:
    folder = Path(str(prc_four["folder"]))
    kept = prc_four["kept"]
    assert isinstance(kept, list)
    repairs = prc_four["repairs"]
    assert isinstance(repairs, list)
    for n in range(1, len(repairs) + 1):
        report = check_file(folder / f"repair_{n}.rev")
        assert report.result is not None and report.result.complete
        verdicts = {v.property: v for v in report.result.verdicts}
        for p in (*FOUR, *kept):
            assert verdicts[p].status is Status.HOLDS, (n, p, verdicts[p].status)
        # the bill can be shown and diffed against the base like a hand-written one
        for command in (
            ("show", str(folder / f"repair_{n}.rev")),
            ("diff", CASE, str(folder / f"repair_{n}.rev")),
        ):
            done = _cli(*command)
            assert done.returncode in (0, 1), done.stderr
            assert "Traceback" not in done.stderr


def test_the_reported_repairs_are_exactly_the_minimal_ones_by_brute_force() -> None:
    """Every subset of a small catalogue checked directly: the minimal working sets are those
    the (pruned, cached) search reports, and no proper subset of one works."""
    principles = ("trial_execution_separation", "party_disposition")
    report = repair(CASE, SMALL, principles, 4, TaskRunner(None))
    assert isinstance(report, RepairReport)
    result = report.result
    catalogue, _, _ = load_catalogue(SMALL)
    assert catalogue is not None
    instances = result.instances
    works: set[frozenset[int]] = set()
    for size in range(0, len(instances) + 1):
        for combo in itertools.combinations(range(len(instances)), size):
            text = bill_text(
                report.case_name,
                os.path.abspath(CASE),
                tuple(instances[i] for i in combo),
                catalogue,
            )
            if is_repair(check_bill(text), result.chosen, result.guarded):
                works.add(frozenset(combo))
    minimal = {s for s in works if not any(t < s for t in works)}
    assert minimal, "the small catalogue can repair these two principles"
    assert {frozenset(c.moves) for c in result.repairs} == minimal
    assert result.stats.pruned_counterexample + result.stats.pruned_superset > 0


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


def test_candidates_pruned_by_a_counterexample_do_fail_a_chosen_principle() -> None:
    """The pruning argument checked on the full catalogue: a sample of the pruned bills, spread
    over the levels, each checked, each fails some chosen principle."""
    catalogue, _, _ = load_catalogue(str(DEFAULT_CATALOGUE))
    assert catalogue is not None
    report = repair(CASE, str(DEFAULT_CATALOGUE), FOUR[:3], 3, TaskRunner(None))
    assert isinstance(report, RepairReport)
    result = report.result
    pruned = result.pruned
    assert len(pruned) > 20
    sample = [pruned[i] for i in range(0, len(pruned), max(1, len(pruned) // 8))][:8]
    assert {len(c) for c in sample} >= {2, 3}
    for combo in sample:
        moves = tuple(result.instances[i] for i in combo)
        outcome = check_bill(bill_text(report.case_name, os.path.abspath(CASE), moves, catalogue))
        assert not outcome.error
        assert any(outcome.status(p) == "fails" for p in result.chosen), [m.label for m in moves]


def test_the_text_report_names_the_repair_and_prints_its_bill() -> None:
    done = _cli(
        "repair", CASE, "--principles", "party_disposition", "--moves", SMALL, "--max-moves", "2"
    )
    assert done.returncode == 0, done.stderr
    assert "1 minimal repair(s), smallest first:\n  1. application_only  (1 move" in done.stdout
    assert 'extends "cases/prc/current.rev"' in done.stdout
    assert "repeal rule start_ex_officio" in done.stdout
    assert "candidates checked: 4;" in done.stdout
