"""Trace replay rejects tampering (issue 19 item 8): a wrong initial state, a dropped step, a
dropped day, a wrong loop index, a changed value; each rejection names the first wrong step.

The traces are the ones `check --format json` writes, for a small timed model and for every
shipped case (enumerated at run time); the untouched ones must all be accepted.
"""

from __future__ import annotations

import copy
import json
from pathlib import Path
from typing import Any

import pytest

from checker.certificate.traces import check_document
from checker.cli import main
from checker.core.trace import ReplayError, Trace, itf_value, replay, trace_of_itf, value_of_itf
from dsl.frontend import compile_file
from dsl.model import LeadsTo, Model, domain_of

ROOT = Path(__file__).resolve().parent.parent
CASES = sorted((ROOT / "cases").rglob("*.rev"))

SLOW = """procedure slow "a decision that need not come in time"
organ court
actor judge is court
var stage : {pending, decided} = pending
var files : 0..2 = 0
rule decide { by judge  when stage == pending  then stage := decided }
rule file { by judge  when files < 2  then files := files + 1 }
final stage == decided
property prompt { stage == pending leads_to stage == decided within 3 days }
property settles { eventually stage == decided }
property never_decided { never stage == decided and files == 2 }
"""


def report(path: Path, capsys: pytest.CaptureFixture[str]) -> Any:
    main(["check", str(path), "--format", "json"])
    return json.loads(capsys.readouterr().out)


def verdicts(model: Model, doc: Any) -> list[str]:
    return [c.error for c in check_document(model, doc)]


@pytest.fixture
def slow(tmp_path: Path) -> Path:
    path = tmp_path / "slow.rev"
    path.write_text(SLOW, encoding="utf-8")
    return path


def prop_trace(doc: Any, name: str) -> dict[str, Any]:
    prop = next(p for p in doc["files"][0]["properties"] if p["name"] == name)
    return prop["trace"]  # type: ignore[no-any-return]


def one(model: Model, trace: dict[str, Any], about: str) -> str:
    """The rejection message for a single trace ('' if accepted)."""
    [check] = check_document(model, trace, about)
    return check.error


def drop_step(trace: dict[str, Any], k: int) -> dict[str, Any]:
    """Trace without step k (1-based) and the state it led to."""
    out = copy.deepcopy(trace)
    del out["steps"][k - 1]
    del out["states"][k]
    return out


# --------------------------------------------------------------------------- the small model


def test_genuine_traces_are_accepted(slow: Path, capsys: pytest.CaptureFixture[str]) -> None:
    model = compile_file(str(slow)).model
    assert model is not None
    doc = report(slow, capsys)
    assert verdicts(model, doc) == ["", "", ""]


def test_numbers_are_itf_bigints(slow: Path, capsys: pytest.CaptureFixture[str]) -> None:
    trace = prop_trace(report(slow, capsys), "never_decided")
    assert trace["states"][0]["files"] == {"#bigint": "0"}
    assert trace["states"][0]["stage"] == "pending"
    assert itf_value(10**30) == {"#bigint": str(10**30)}
    assert value_of_itf({"#bigint": str(10**30)}, "x") == 10**30
    assert itf_value(True) is True


def test_a_dropped_day_breaks_the_within_counterexample(
    slow: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    model = compile_file(str(slow)).model
    assert model is not None
    trace = prop_trace(report(slow, capsys), "prompt")
    days = [k for k, s in enumerate(trace["steps"], start=1) if s["rule"] == "<time>"]
    assert len(days) == 4
    for k in days:
        message = one(model, drop_step(trace, k), "prompt")
        assert "not a counterexample of prompt (within 3 days)" in message
        assert "at most 3 days pass" in message and "needs day 4" in message


def test_a_wrong_loop_index_is_rejected(slow: Path, capsys: pytest.CaptureFixture[str]) -> None:
    model = compile_file(str(slow)).model
    assert model is not None
    trace = prop_trace(report(slow, capsys), "settles")
    assert trace["loop"] == 0
    for loop in (len(trace["states"]) - 1, 7, -1):
        bad = dict(trace, loop=loop)
        assert one(model, bad, "settles").startswith("loop:")
    stop = {k: v for k, v in trace.items() if k != "loop"}  # a timed run never stops
    assert "days keep passing" in one(model, stop, "settles")


def test_a_wrong_initial_state_is_rejected(slow: Path, capsys: pytest.CaptureFixture[str]) -> None:
    model = compile_file(str(slow)).model
    assert model is not None
    trace = prop_trace(report(slow, capsys), "never_decided")
    shifted = copy.deepcopy(trace)  # every state starts one filing later: all steps still replay
    for state in shifted["states"]:
        state["files"] = {"#bigint": str(value_of_itf(state["files"], "") + 1)}  # type: ignore[operator]
    shifted["states"] = shifted["states"][:-1]
    shifted["steps"] = [s for s in shifted["steps"] if s["rule"] != "file"]
    shifted["states"] = [shifted["states"][0], *shifted["states"][1 : len(shifted["steps"]) + 1]]
    message = one(model, shifted, "never_decided")
    assert message.startswith("initial state: files = 1 is not an initial value"), message


def test_a_changed_value_names_the_step(slow: Path, capsys: pytest.CaptureFixture[str]) -> None:
    model = compile_file(str(slow)).model
    assert model is not None
    trace = prop_trace(report(slow, capsys), "never_decided")
    n = len(trace["steps"])
    for k in range(1, n + 1):
        bad = copy.deepcopy(trace)
        old = bad["states"][k]["stage"]
        bad["states"][k]["stage"] = "decided" if old == "pending" else "pending"
        assert one(model, bad, "never_decided").startswith(f"step {k}: "), k


def test_the_property_a_report_names_is_the_one_checked(
    slow: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    model = compile_file(str(slow)).model
    assert model is not None
    doc = report(slow, capsys)
    prop = next(p for p in doc["files"][0]["properties"] if p["name"] == "prompt")
    prop["trace"]["#meta"]["about"] = ""  # an empty claim cannot skip the check
    decoy = drop_step(prop["trace"], 1)
    prop["trace"] = decoy
    errors = verdicts(model, doc)
    assert any("not a counterexample of prompt" in e for e in errors)
    decoy["#meta"]["about"] = "settles"
    assert any("the trace says it shows 'settles'" in e for e in verdicts(model, doc))


# --------------------------------------------------------------------------- the shipped cases


def _procedure(path: Path) -> Model:
    front = compile_file(str(path))
    if front.model is None or front.model.is_library:
        pytest.skip(f"{path.name}: does not compile now (its own tests say why), or a library")
    return front.model


@pytest.mark.parametrize("path", CASES, ids=[p.name for p in CASES])
def test_shipped_traces_replay_and_tampering_is_rejected(
    path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    model = _procedure(path)  # unbounded models too: their traces come from the symbolic engine
    doc = report(path, capsys)
    assert verdicts(model, doc) and all(e == "" for e in verdicts(model, doc))
    f = doc["files"][0]
    traces = [p["trace"] for p in f["properties"] if p["trace"]]
    for d in f["dead_ends"]:
        traces.append(d["trace"])
    for trace in traces:
        about = trace["#meta"]["about"]
        states, steps = trace["states"], trace["steps"]
        # a value no initial state has, in every state: the steps replay, the start does not
        names = [s.name for s in model.slots]
        for i, slot in enumerate(model.slots):
            others = [v for v in domain_of(slot.type) or () if v not in (model.initial[i] or ())]
            if others:
                moved = copy.deepcopy(trace)
                moved["states"][0][names[i]] = itf_value(others[0])
                assert one(model, moved, about).startswith("initial state:")
                break
        discrete = [k for k, s in enumerate(steps, start=1) if s["rule"] != "<time>"]
        for k in discrete[:3]:
            message = one(model, drop_step(trace, k), about)
            if k <= len(steps) - 1 or message:
                assert message, f"{about}: dropping step {k} was accepted"
        if "loop" in trace:
            bad = dict(trace, loop=len(states))
            assert one(model, bad, about).startswith("loop:")
        if steps and len(states) > 1:
            k = len(states) - 1
            changed = copy.deepcopy(trace)
            slot = next(s for s in model.slots if len(domain_of(s.type) or ()) > 1)
            domain = list(domain_of(slot.type) or ())
            old = value_of_itf(changed["states"][k][slot.name], "")
            changed["states"][k][slot.name] = itf_value(next(v for v in domain if v != old))
            message = one(model, changed, about)
            assert message.startswith(f"step {k}: ") or message.startswith("loop:"), message
    if model.finite:
        _within_traces_need_their_last_day(model, doc)


def _within_traces_need_their_last_day(model: Model, doc: Any) -> None:
    """A `within N days` counterexample ends with the day that breaks the bound: without its
    last step it is no counterexample."""
    for p in doc["files"][0]["properties"]:
        prop = model.property(p["name"])
        if prop is None or not p["trace"] or not isinstance(prop.form, LeadsTo):
            continue
        if prop.form.within_days is None:
            continue
        trace = p["trace"]
        assert trace["steps"][-1]["rule"] == "<time>"
        message = one(model, drop_step(trace, len(trace["steps"])), p["name"])
        assert f"not a counterexample of {p['name']} (within" in message


def test_some_shipped_case_expects_a_within_property_to_fail() -> None:
    """The last-day check in the test above is not vacuous."""
    failing = []
    for path in CASES:
        model = compile_file(str(path)).model
        if model is None or not model.finite or model.is_library:
            continue
        for e in model.expectations:
            prop = model.property(e.property)
            if e.verdict == "fails" and prop is not None and isinstance(prop.form, LeadsTo):
                if prop.form.within_days is not None:
                    failing.append((path.name, e.property))
    assert failing


# --------------------------------------------------------------------------- replay itself


def test_replay_checks_the_initial_state(slow: Path) -> None:
    model = compile_file(str(slow)).model
    assert model is not None
    replay(model, Trace(("pending", 0), ()))
    with pytest.raises(ReplayError, match="initial state: stage = 'decided'"):
        replay(model, Trace(("decided", 0), ()))
    with pytest.raises(ReplayError, match="initial state: files = True"):
        replay(model, Trace(("pending", True), ()))


def test_trace_of_itf_names_what_is_missing(slow: Path) -> None:
    model = compile_file(str(slow)).model
    assert model is not None
    with pytest.raises(ReplayError, match="state 1: no value for 'files'"):
        trace_of_itf(
            model,
            {
                "states": [{"stage": "pending", "files": 0}, {"stage": "pending"}],
                "steps": [{"rule": "file"}],
            },
        )
    with pytest.raises(ReplayError, match="not an ITF trace"):
        trace_of_itf(model, {"states": []})


# --------------------------------------------------------------------------- the command


def test_replay_trace_command(
    slow: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    doc = report(slow, capsys)
    good = tmp_path / "good.json"
    good.write_text(json.dumps(doc), encoding="utf-8")
    assert main(["replay-trace", str(slow), str(good)]) == 0
    assert "3 trace(s): 3 accepted, 0 rejected" in capsys.readouterr().out
    single = tmp_path / "prompt.json"
    single.write_text(json.dumps(drop_step(prop_trace(doc, "prompt"), 2)), encoding="utf-8")
    assert main(["replay-trace", str(slow), str(single)]) == 1
    out = capsys.readouterr().out
    assert "rejected:" in out and "within 3 days" in out
    broken = tmp_path / "broken.json"
    broken.write_text('{"states": [\n  {"stage": "pending",}\n]}', encoding="utf-8")
    assert main(["replay-trace", str(slow), str(broken)]) == 2
    err = capsys.readouterr().err
    assert "error[E001]" in err and "broken.json:2:" in err and "^" in err
    assert main(["replay-trace", str(slow), str(tmp_path / "missing.json")]) == 2
    assert "error[E110]" in capsys.readouterr().err
    empty = tmp_path / "empty.json"
    empty.write_text("{}", encoding="utf-8")
    assert main(["replay-trace", str(slow), str(empty)]) == 2


UNBOUNDED_REMEDY = """procedure unbounded_remedy "a decision after which the count grows for ever"
organ court
kind decision
kind appeal
kind filing
actor judge is court
var decided : bool = false
var filings : int = 0
rule decide { by judge kind decision when not decided then decided := true }
rule appeal { by judge kind appeal when not decided and filings < 0 then filings := 0 }
rule file { by judge kind filing when true then filings := filings + 1 }
property remedy { after step where kind == decision possible step where kind == appeal }
"""


def test_an_after_possible_trace_on_an_unbounded_model_is_refused_not_searched_for_ever(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """After the decision the filings grow without end: the re-check of "no appeal can come"
    would search for ever. It stops at a limit and rejects the trace (never a hang, and never
    a verdict it could not check)."""
    import checker.certificate.evidence as evidence
    from checker.certificate.traces import check_trace

    monkeypatch.setattr(evidence, "MAX_STATES_AFTER", 50)
    case = tmp_path / "unbounded_remedy.rev"
    case.write_text(UNBOUNDED_REMEDY, encoding="utf-8")
    model = compile_file(str(case)).model
    assert model is not None and not model.finite
    trace = Trace((False, 0), (("decide", (True, 0)),))
    refused = "cannot be re-checked: more than 50 states follow step 1"
    with pytest.raises(ReplayError, match=refused):
        check_trace(model, trace, "remedy")
