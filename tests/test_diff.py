"""`revcheck diff`: verdict changes, reachable steps, dead ends, rule changes, --fail-on, git."""

from __future__ import annotations

import json
import shutil
import subprocess
from pathlib import Path

import pytest

from checker.cli import main
from checker.core.verdict import Method, Status, Verdict
from checker.diff.law import LawChangeKind
from checker.diff.rules import RuleChangeKind
from checker.diff.versions import Change, DiffReport, classify, diff_paths
from tests.ci_models import LAW, REFORM, WORSE, WORSE_ACKNOWLEDGED, revcheck, write

ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture
def laws(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.chdir(tmp_path)
    write(tmp_path, "law.rev", LAW)
    write(tmp_path, "reform.rev", REFORM)
    write(tmp_path, "worse.rev", WORSE)
    write(tmp_path, "worse_ack.rev", WORSE_ACKNOWLEDGED)
    return tmp_path


def changes(diff: DiffReport) -> dict[str, Change]:
    return {p.name: p.change for p in diff.properties}


def labels(witnesses: tuple) -> set[tuple[str, str, str, str | None]]:  # type: ignore[type-arg]
    return {(w.label.rule, w.label.actor, w.label.organ, w.label.kind) for w in witnesses}


def test_classify() -> None:
    holds = Verdict("p", Status.HOLDS, Method.EXHAUSTIVE, states=3)
    fails = Verdict("p", Status.FAILS, Method.EXHAUSTIVE, states=3)
    unknown = Verdict("p", Status.UNKNOWN, Method.STATE_LIMIT, bound=1)
    assert classify(fails, holds) is Change.FIXED
    assert classify(holds, fails) is Change.REGRESSED
    assert classify(unknown, fails) is Change.REGRESSED
    assert classify(holds, holds) is Change.UNCHANGED
    assert classify(fails, fails) is Change.UNCHANGED
    assert classify(holds, unknown) is Change.CHANGED
    assert classify(fails, unknown) is Change.CHANGED
    assert classify(None, holds) is Change.ADDED
    assert classify(holds, None) is Change.REMOVED


def test_reform_fixes_both_principles(laws: Path) -> None:
    diff = diff_paths("law.rev", "reform.rev")
    assert not diff.bad_input
    assert changes(diff) == {
        "separation": Change.FIXED,
        "disposition": Change.FIXED,
        "no_early_decision": Change.UNCHANGED,
        "can_return": Change.UNCHANGED,
    }
    assert diff.regressions == ()
    assert diff.exit_code("regression") == 0
    assert diff.exit_code("change") == 1


def test_reachable_steps_with_shortest_witnesses(laws: Path) -> None:
    diff = diff_paths("law.rev", "reform.rev")
    reach = diff.reach
    assert reach is not None
    assert labels(reach.removed_steps) == {
        ("start_ex_officio", "bureau", "enforcement_organ", "initiation"),
        ("decide", "bureau", "enforcement_organ", "substantive_decision"),
    }
    assert labels(reach.added_steps) == {
        ("hear", "bench", "trial_organ", "hearing"),
        ("decide", "bench", "trial_organ", "substantive_decision"),
    }
    lengths = {
        w.label.rule: len(w.trace)
        for w in reach.removed_steps + reach.added_steps
        if w.label.actor != "bench" or w.label.rule != "decide"
    }
    assert lengths == {"start_ex_officio": 1, "decide": 2, "hear": 2}
    for w in reach.removed_steps + reach.added_steps:
        assert w.trace.steps[-1][0] == w.label.rule  # the witness ends with the step itself
    bench_decides = next(w for w in reach.added_steps if w.label.rule == "decide")
    assert [name for name, _ in bench_decides.trace.steps] == ["apply", "hear", "decide"]


def test_rules_added_repealed_amended(laws: Path) -> None:
    diff = diff_paths("law.rev", "reform.rev")
    by_name = {c.rule: c for c in diff.rules}
    assert {n: c.kind for n, c in by_name.items()} == {
        "decide": RuleChangeKind.AMENDED,
        "hear": RuleChangeKind.ADDED,
        "start_ex_officio": RuleChangeKind.REPEALED,
    }
    assert "actor: bureau (enforcement_organ) → bench (trial_organ)" in by_name["decide"].details
    when = by_name["decide"].clause("when")
    assert when is not None and (when.old, when.new) == (
        "stage == pending",
        "stage == pending and heard",
    )
    # each change is located on the bill's own line
    assert by_name["start_ex_officio"].span.path.endswith("reform.rev")
    assert by_name["start_ex_officio"].span.line == 6
    assert by_name["decide"].span.line == 7
    assert by_name["hear"].span.line == 8
    assert by_name["hear"].origin == "inserted by reform.rev"


def test_rule_comparison_reads_slots_by_name(laws: Path) -> None:
    """A bill that only adds a variable renumbers no rule into an amendment."""
    write(
        laws, "more_vars.rev", 'procedure more_vars\nextends "law.rev"\nvar note : bool = false\n'
    )
    diff = diff_paths("law.rev", "more_vars.rev")
    assert diff.rules == ()
    assert all(c is Change.UNCHANGED for c in changes(diff).values())
    assert diff.reach is not None and not diff.reach.changed
    assert diff.exit_code("change") == 0


def test_regression_with_new_counterexample_and_dead_end(laws: Path) -> None:
    diff = diff_paths("law.rev", "worse.rev")
    assert changes(diff)["no_early_decision"] is Change.REGRESSED
    assert changes(diff)["can_return"] is Change.REGRESSED
    regression = next(p for p in diff.regressions if p.name == "no_early_decision")
    assert regression.new is not None and regression.new.verdict.trace is not None
    assert [name for name, _ in regression.new.verdict.trace.steps] == ["decide"]
    reach = diff.reach
    assert reach is not None
    assert reach.new_dead_end_count == 1
    assert dict(reach.new_dead_ends[0].state) == {"stage": "decided"}
    assert reach.removed_dead_end_count == 0
    assert labels(reach.removed_steps) == {("give_back", "obligor", "party", "performance")}
    assert diff.exit_code("regression") == 1
    # the reverse direction closes the dead end and fixes both properties
    back = diff_paths("worse.rev", "law.rev")
    assert back.reach is not None and back.reach.removed_dead_end_count == 1
    assert changes(back)["no_early_decision"] is Change.FIXED
    assert back.exit_code("regression") == 0


def test_regression_expected_by_the_new_version_needs_allow_removed(laws: Path) -> None:
    # The bill weakens its own expectations (holds -> fails): that alone would fool the gate, so
    # the weakened expectations are regressions until --allow-removed names them.
    diff = diff_paths("law.rev", "worse_ack.rev")
    regressed = [p for p in diff.properties if p.change is Change.REGRESSED]
    assert len(regressed) == 2 and all(p.acknowledged for p in regressed)
    assert {(c.kind, c.name) for c in diff.law_regressions} == {
        (LawChangeKind.EXPECT_WEAKENED, "no_early_decision"),
        (LawChangeKind.EXPECT_WEAKENED, "can_return"),
    }
    assert diff.exit_code("regression") == 1
    allowed = diff_paths(
        "law.rev", "worse_ack.rev", allow=frozenset({"no_early_decision", "can_return"})
    )
    assert allowed.law_regressions == () and all(c.allowed for c in allowed.law)
    assert allowed.exit_code("regression") == 0
    assert allowed.exit_code("change") == 1


REPEAL_PROPERTY = """procedure quiet "repeals the property it would break, and its expectation"
extends "law.rev"
amend rule decide { when stage in {executed, pending} }
repeal property no_early_decision
"""

RECLASSIFY = """procedure reclassified "the bench is made an enforcement organ; no rule changes"
extends "law.rev"
amend var stage : {executed, pending, decided, returned} = executed
"""

WEAKER_GUARD = """procedure weaker "the bureau may decide before the case is pending"
extends "law.rev"
amend rule decide { when stage in {executed, pending} }
"""


def test_repealing_a_property_is_a_regression_with_its_text(
    laws: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    write(laws, "quiet.rev", REPEAL_PROPERTY)
    diff = diff_paths("law.rev", "quiet.rev")
    assert diff.regressions == ()  # no remaining property regressed: only the gate below catches it
    kinds = {(c.kind, c.name) for c in diff.law_regressions}
    assert (LawChangeKind.PROPERTY_REMOVED, "no_early_decision") in kinds
    assert (LawChangeKind.EXPECT_REMOVED, "no_early_decision") in kinds
    assert main(["diff", "law.rev", "quiet.rev"]) == 1
    out = capsys.readouterr().out
    assert "property removed: no_early_decision  [regression]" in out
    assert "old: never step where kind == substantive_decision and stage == executed" in out
    assert main(["diff", "law.rev", "quiet.rev", "--allow-removed", "no_early_decision"]) == 0
    assert "allowed (--allow-removed)" in capsys.readouterr().out


def test_reclassifying_an_actor_is_a_regression(
    laws: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    law = (laws / "law.rev").read_text(encoding="utf-8")
    write(
        laws,
        "law2.rev",
        law.replace("actor bench   is trial_organ", "actor bench   is enforcement_organ"),
    )
    diff = diff_paths("law.rev", "law2.rev")
    (change,) = diff.law_regressions
    assert (change.kind, change.name) == (LawChangeKind.ACTOR_RECLASSIFIED, "bench")
    assert (change.old, change.new) == (
        "actor bench is trial_organ",
        "actor bench is enforcement_organ",
    )
    assert main(["diff", "law.rev", "law2.rev", "--format", "json"]) == 1
    doc = json.loads(capsys.readouterr().out)
    assert doc["law"][0]["change"] == "actor reclassified" and doc["law"][0]["regression"] is True


def test_weakening_a_guard_prints_old_and_new_condition(
    laws: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    write(laws, "weaker.rev", WEAKER_GUARD)
    diff = diff_paths("law.rev", "weaker.rev")
    (rule,) = diff.rules
    when = rule.clause("when")
    assert when is not None and (when.old, when.new) == (
        "stage == pending",
        "stage in {executed, pending}",
    )
    assert main(["diff", "law.rev", "weaker.rev"]) == 1  # no_early_decision regresses
    out = capsys.readouterr().out
    assert "old: stage == pending" in out and "new: stage in {executed, pending}" in out


def test_changed_act_kind_is_a_regression(laws: Path) -> None:
    write(
        laws, "kind.rev", 'procedure k "x"\nextends "law.rev"\namend rule decide { kind hearing }\n'
    )
    diff = diff_paths("law.rev", "kind.rev")
    assert (LawChangeKind.RULE_KIND_CHANGED, "decide") in {
        (c.kind, c.name) for c in diff.law_regressions
    }


def test_same_file_is_unchanged(laws: Path) -> None:
    diff = diff_paths("law.rev", "law.rev")
    assert not diff.changed
    assert diff.exit_code("change") == 0


@pytest.mark.parametrize(
    ("new", "fail_on", "code"),
    [
        ("reform.rev", "regression", 0),
        ("reform.rev", "change", 1),
        ("worse.rev", "regression", 1),
        ("law.rev", "change", 0),
    ],
)
def test_fail_on_exit_codes(
    laws: Path, new: str, fail_on: str, code: int, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["diff", "law.rev", new, "--fail-on", fail_on]) == code
    assert f"exit {code}" in capsys.readouterr().out


def test_bad_input_exits_2(laws: Path, capsys: pytest.CaptureFixture[str]) -> None:
    write(laws, "broken.rev", "procedure broken\nrule r { by nobody }\n")
    assert main(["diff", "law.rev", "broken.rev"]) == 2
    out = capsys.readouterr().out
    assert "broken.rev:2" in out and "bad input" in out
    assert main(["diff", "law.rev", "missing.rev"]) == 2


def test_text_report_lists_everything(laws: Path, capsys: pytest.CaptureFixture[str]) -> None:
    main(["diff", "law.rev", "worse.rev"])
    out = capsys.readouterr().out
    assert "no_early_decision  holds   fails  regressed" in out
    assert "new counterexample (1 steps):" in out
    assert "repealed give_back  at worse.rev:4:1" in out
    assert "- give_back: obligor (party) — performance" in out
    assert "new dead ends (1):" in out and "stage = decided" in out


def test_json_report(laws: Path, capsys: pytest.CaptureFixture[str]) -> None:
    main(["diff", "law.rev", "reform.rev", "--format", "json"])
    doc = json.loads(capsys.readouterr().out)
    assert doc["schema"] == "revcheck/diff/1"
    assert doc["exit_code"] == 0 and doc["fail_on"] == "regression"
    assert doc["old"]["procedure"] == "law" and doc["new"]["procedure"] == "reform"
    sep = next(p for p in doc["properties"] if p["name"] == "separation")
    assert (
        sep["change"] == "fixed"
        and sep["before"]["status"] == "fails"
        and sep["after"]["status"] == "holds"
    )
    assert sep["before"]["trace"]["vars"] == ["stage"]
    added = {s["rule"]: s for s in doc["steps"]["added"]}
    assert added["hear"]["organ"] == "trial_organ"
    witness = added["decide"]["witness"]
    assert [st["rule"] for st in witness["steps"]] == ["apply", "hear", "decide"]
    assert witness["steps"][-1]["citations"][0]["source"] == "art1"
    assert len(witness["states"]) == 4
    assert {r["rule"]: r["change"] for r in doc["rules"]} == {
        "decide": "amended",
        "hear": "added",
        "start_ex_officio": "repealed",
    }
    assert doc["dead_ends"] == {"removed": [], "new": [], "removed_count": 0, "new_count": 0}


# --------------------------------------------------------------------------- git revisions

GIT = shutil.which("git")


def git(repo: Path, *args: str) -> None:
    subprocess.run(
        [
            "git",
            "-c",
            "user.name=revcheck tests",
            "-c",
            "user.email=tests@example.org",
            "-c",
            "commit.gpgsign=false",
            "-c",
            "init.defaultBranch=main",
            *args,
        ],
        cwd=repo,
        check=True,
        capture_output=True,
    )


@pytest.fixture
def repo(tmp_path: Path) -> Path:
    """A rule-set repository with two commits of `cases/law.rev`; the first has a bill beside it."""
    git(tmp_path, "init", "-q")
    write(tmp_path, "cases/law.rev", LAW)
    write(tmp_path, "cases/reform.rev", REFORM)
    git(tmp_path, "add", ".")
    git(tmp_path, "commit", "-q", "-m", "the law in force")
    amended = LAW.replace("rule decide           { by bureau", "rule decide           { by bench")
    amended = amended.replace(
        "rule start_ex_officio { by bureau  kind initiation  cites art1\n"
        "                        when stage == executed  then stage := pending }\n",
        "",
    )
    assert amended != LAW
    write(tmp_path, "cases/law.rev", amended)
    git(tmp_path, "add", ".")
    git(tmp_path, "commit", "-q", "-m", "the reform")
    return tmp_path


@pytest.mark.skipif(GIT is None, reason="git is not installed")
def test_diff_two_commits_of_a_rule_set(repo: Path) -> None:
    done = revcheck(
        "diff", "HEAD~1:cases/law.rev", "HEAD:cases/law.rev", "--format", "json", cwd=repo
    )
    assert done.returncode == 0, done.stderr
    doc = json.loads(done.stdout)
    assert doc["old"]["revision"] == "HEAD~1" and doc["old"]["path"] == "cases/law.rev"
    assert {p["name"]: p["change"] for p in doc["properties"]}["separation"] == "fixed"
    assert {p["name"]: p["change"] for p in doc["properties"]}["disposition"] == "fixed"
    assert {r["rule"]: r["change"] for r in doc["rules"]} == {
        "decide": "amended",
        "start_ex_officio": "repealed",
    }
    assert {s["rule"] for s in doc["steps"]["removed"]} == {"start_ex_officio", "decide"}
    assert "revcheck-rev-" not in done.stdout  # no temporary checkout paths leak out
    # a revision against the working tree, and a path relative to a subfolder (git's ./ form)
    done = revcheck("diff", "HEAD~1:./law.rev", "law.rev", cwd=repo / "cases")
    assert done.returncode == 0, done.stderr
    assert "separation         fails   holds  fixed" in done.stdout


@pytest.mark.skipif(GIT is None, reason="git is not installed")
def test_bill_at_a_revision_resolves_extends(repo: Path) -> None:
    done = revcheck(
        "diff", "HEAD~1:cases/law.rev", "HEAD~1:cases/reform.rev", "--format", "sarif", cwd=repo
    )
    assert done.returncode == 0, done.stderr
    log = json.loads(done.stdout)
    uris = {
        loc["physicalLocation"]["artifactLocation"]["uri"]
        for r in log["runs"][0]["results"]
        for loc in r.get("locations", [])
    }
    assert "cases/reform.rev" in uris
    assert not any("revcheck-rev-" in u or ":" in u for u in uris)


@pytest.mark.skipif(GIT is None, reason="git is not installed")
@pytest.mark.parametrize(
    ("old", "message"),
    [
        ("NOPE~7:cases/law.rev", "unknown revision 'NOPE~7'"),
        ("HEAD:cases/absent.rev", "'cases/absent.rev' does not exist at revision 'HEAD'"),
    ],
)
def test_bad_revisions_exit_2(repo: Path, old: str, message: str) -> None:
    done = revcheck("diff", old, "cases/law.rev", cwd=repo)
    assert done.returncode == 2
    assert message in done.stderr
    assert "Traceback" not in done.stderr


@pytest.mark.skipif(GIT is None, reason="git is not installed")
def test_revision_outside_a_repository_exits_2(tmp_path: Path) -> None:
    write(tmp_path, "law.rev", LAW)
    done = revcheck("diff", "HEAD:law.rev", "law.rev", cwd=tmp_path)
    assert done.returncode == 2
    assert "not inside a git repository" in done.stderr


# --------------------------------------------------------------------------- the PRC reform

REFORM_PROPOSAL = ROOT / "cases" / "prc" / "reform_proposal.rev"


@pytest.mark.skipif(
    not REFORM_PROPOSAL.exists(), reason="cases/prc/reform_proposal.rev is not written yet"
)
def test_prc_reform_proposal(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(ROOT)
    diff = diff_paths("cases/prc/current.rev", "cases/prc/reform_proposal.rev")
    assert not diff.bad_input, [d.message for r in diff.reports for d in r.diagnostics]
    assert changes(diff)["trial_execution_separation"] is Change.FIXED
    assert changes(diff)["party_disposition"] is Change.FIXED
    reach = diff.reach
    assert reach is not None
    removed = {(w.label.organ, w.label.kind) for w in reach.removed_steps}
    added = {w.label.kind for w in reach.added_steps}
    assert ("enforcement_organ", "initiation") in removed  # ex officio initiation
    assert ("enforcement_organ", "substantive_decision") in removed  # the organ's own ruling
    assert {"hearing", "substantive_decision"} <= added  # the hearing and the bench's judgment
    # the appeal against the judgment replaces the reconsideration of a ruling
    assert {w.label.rule for w in reach.added_steps} >= {"obligor_appeals", "creditor_appeals"}
    assert "appeal" in added
    assert diff.regressions == ()
