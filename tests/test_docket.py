"""Docket replay (issue 14): dated acts judged against a case, with the lawyer's answers."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from checker.cli import main
from checker.core.semantics import apply, evaluate, initial_states
from checker.docket.docket import DocketError
from checker.docket.load import load_docket, parse_csv, parse_json
from checker.docket.repealed import repealed_rules
from checker.docket.replay import ReplayReport, replay
from checker.docket.walk import random_docket
from dsl.frontend import compile_file

ROOT = Path(__file__).resolve().parent.parent
DOCKETS = Path(__file__).parent / "dockets"
SMALL = str(Path(__file__).parent / "scenarios" / "small.rev")
CURRENT = str(ROOT / "cases" / "prc" / "current.rev")
REFORM = str(ROOT / "cases" / "prc" / "reform_proposal.rev")


def _replay(case: str, docket: str | Path) -> ReplayReport:
    model = compile_file(case).model
    assert model is not None
    return replay(model, load_docket(str(docket)), repealed_rules(case))


def _ex_officio_docket(case: str) -> tuple[ReplayReport, int]:
    """tests/dockets/ex_officio.json with as many instalments as the case has units (the case
    counts the executed property in units; the docket's story does not depend on how many)."""
    model = compile_file(case).model
    assert model is not None
    data = json.loads((DOCKETS / "ex_officio.json").read_text(encoding="utf-8"))
    units = model.initial[next(i for i, s in enumerate(model.slots) if s.name == "obligor")]
    assert units is not None and len(units) == 1
    part = next(e for e in data["entries"] if e["act"] == "execute_part")
    rest = [e for e in data["entries"] if e["act"] != "execute_part"]
    data["entries"] = [dict(part) for _ in range(int(units[0]) - 1)] + rest
    r = replay(model, parse_json(json.dumps(data)), repealed_rules(case))
    return r, int(units[0]) - 1 + 3  # the entry of start_ex_officio, 1-based


def test_ex_officio_reversal_is_lawful_under_current_law() -> None:
    """SPC art. 65: the original enforcement organ rules 'on a party's application or ex
    officio'."""
    r, k = _ex_officio_docket(CURRENT)
    assert r.first_unlawful is None and r.exit_code == 0
    assert all(x.status == "lawful" for x in r.entries)
    assert r.entries[k - 1].rule == "start_ex_officio"
    assert r.entries[k].rule == "order_reversal"


def test_ex_officio_reversal_is_unlawful_under_the_reform_bill() -> None:
    """The bill repeals the ex officio start: that entry leaves the law, citing the repealed
    rule, and the closest rule is the obligor's application (nobody applied)."""
    r, k = _ex_officio_docket(REFORM)
    assert r.first_unlawful == k and r.exit_code == 1
    bad = r.entries[k - 1]
    assert bad.status == "unlawful" and bad.rule == "start_ex_officio"
    assert "repealed" in bad.reasons[0] and "reform_proposal.rev" in bad.repealed_by
    assert bad.closest is not None and bad.closest.rule == "apply_for_reversal"
    assert any("performed by respondent" in w for w in bad.closest.why)
    assert all(x.status == "lawful" for x in r.entries[: k - 1])
    assert r.entries[k].status == "not judged"


def test_the_shipped_ex_officio_docket_matches_the_case() -> None:
    """The docket file as the tutorial shows it replays lawfully under the case in force."""
    r = _replay(CURRENT, DOCKETS / "ex_officio.json")
    assert r.first_unlawful is None


def test_deadline_that_ran_out_between_entries() -> None:
    """`order` is a duty within 10 days of the application (2024-03-01): the last day is
    2024-03-11; ordering on 2024-03-20 is lawful but late."""
    r = _replay(SMALL, DOCKETS / "small_late.json")
    assert r.first_unlawful is None
    (m,) = r.missed
    assert (m.rule, str(m.since), str(m.last_day), m.before_entry) == (
        "order",
        "2024-03-01",
        "2024-03-11",
        4,
    )
    assert r.exit_code == 1
    opened = r.entries[2].open_duties
    assert [(d.rule, str(d.due)) for d in opened] == [("order", "2024-03-11")]


def test_in_time_on_the_last_day() -> None:
    data = json.loads((DOCKETS / "small_late.json").read_text())
    data["entries"][3]["date"] = "2024-03-11"
    model = compile_file(SMALL).model
    assert model is not None
    r = replay(model, parse_json(json.dumps(data)))
    assert r.missed == () and r.exit_code == 0


def test_late_hearing_under_the_apk_is_reported_from_a_csv_docket() -> None:
    """АПК РФ art. 324(2) (the case's `hear_application`, a duty within 30 days): an application
    of 1 March heard on 15 April ran out on 31 March; every act is still lawful."""
    r = _replay(
        str(ROOT / "cases" / "ru" / "arbitrazh_325_326.rev"), DOCKETS / "apk_late_hearing.csv"
    )
    assert r.first_unlawful is None
    assert [(m.rule, str(m.last_day), m.before_entry) for m in r.missed] == [
        ("hear_application", "2024-03-31", 6)
    ]
    assert "resolve_in_new_act" in [
        d.rule for d in r.entries[3].open_duties
    ]  # art. 326(1), not taken up


def test_csv_docket_replays_like_json() -> None:
    a = _replay(SMALL, DOCKETS / "small_late.json")
    b = _replay(SMALL, DOCKETS / "small_late.csv")
    assert [(x.status, x.rule, x.changes) for x in a.entries] == [
        (x.status, x.rule, x.changes) for x in b.entries
    ]
    assert a.missed == b.missed


def _small(
    entries: list[dict[str, object]], initial: dict[str, object] | None = None
) -> ReplayReport:
    model = compile_file(SMALL).model
    assert model is not None
    return replay(
        model,
        parse_json(
            json.dumps({"initial": initial or {"title": "court_title"}, "entries": entries})
        ),
    )


def test_act_by_an_incompetent_actor_is_unlawful() -> None:
    r = _small([{"date": "2024-01-01", "actor": "debtor", "act": "execute"}])
    assert r.first_unlawful == 1
    assert "no competence" in r.entries[0].reasons[0] and "bureau" in r.entries[0].reasons[0]


def test_act_whose_condition_fails_names_the_condition() -> None:
    r = _small(
        [
            {"date": "2024-01-01", "actor": "bureau", "act": "execute"},
            {"date": "2024-01-02", "actor": "debtor", "act": "apply"},
        ]
    )
    assert r.first_unlawful == 2
    assert any("basis != effective" in why for why in r.entries[1].reasons)


def test_recorded_values_that_differ_are_noted() -> None:
    r = _small([{"date": "2024-01-01", "actor": "bureau", "act": "execute", "values": {"held": 2}}])
    assert r.first_unlawful is None and "held = 2" in r.entries[0].notes[0]


@pytest.mark.parametrize(
    ("entries", "entry", "field"),
    [
        (
            [
                {"date": "2024-01-01", "actor": "bureau", "act": "execute"},
                {"date": "2024-01-02", "actor": "judge", "act": "revoke"},
            ],
            2,
            "actor",
        ),
        ([{"date": "2024-01-01", "actor": "bureau", "act": "seize_everything"}], 1, "act"),
        (
            [
                {"date": "2024-01-05", "actor": "bureau", "act": "execute"},
                {"date": "2024-01-04", "actor": "bureau", "act": "revoke"},
            ],
            2,
            "date",
        ),
        ([{"date": "5 January", "actor": "bureau", "act": "execute"}], 1, "date"),
        ([{"date": "2024-01-01", "actor": "bureau"}], 1, "act"),
        ([{"date": "2024-01-01", "actor": "bureau", "act": "execute", "when": "x"}], 1, "when"),
        (
            [{"date": "2024-01-01", "actor": "bureau", "act": "execute", "article": "art_99"}],
            1,
            "article",
        ),
    ],
)
def test_malformed_entries_name_entry_and_field(
    entries: list[dict[str, object]], entry: int, field: str
) -> None:
    with pytest.raises(DocketError) as info:
        _small(entries)
    assert (info.value.entry, info.value.field) == (entry, field)
    assert f"entry {entry}, field '{field}'" in str(info.value)


def test_initial_fact_missing_or_wrong() -> None:
    with pytest.raises(DocketError, match="leaves 'title' open"):
        _small([], initial={"held": 0})
    with pytest.raises(DocketError, match="cannot start at"):
        _small([], initial={"title": "court_title", "held": 2})


def test_bad_json_and_bad_csv() -> None:
    with pytest.raises(DocketError, match="field 'json': not valid JSON"):
        parse_json('{"entries": [}')
    with pytest.raises(DocketError, match="field 'act'"):
        parse_csv("date,actor\n2024-01-01,bureau\n")


def test_cli_exit_codes_and_messages(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["replay", SMALL, str(DOCKETS / "small_late.json")]) == 1
    out = capsys.readouterr().out
    assert "deadline ran out: 'order'" in out and "2024-03-11" in out
    bad = tmp_path / "bad.json"
    bad.write_text('{"entries": [{"date": "2024-01-01", "actor": "nobody", "act": "execute"}]}')
    assert main(["replay", SMALL, str(bad)]) == 2
    err = capsys.readouterr().err
    assert "entry 1, field 'actor'" in err and "Traceback" not in err
    assert main(["replay", SMALL, str(tmp_path / "missing.json")]) == 2
    assert main(["replay", SMALL, str(DOCKETS / "small_late.json"), "--format", "json"]) == 1
    data = json.loads(capsys.readouterr().out)
    assert (
        data["schema"] == "revcheck/replay/1"
        and data["deadlines_missed"][0]["last_day"] == "2024-03-11"
    )
    assert [e["status"] for e in data["entries"]] == ["lawful"] * 5


def test_random_runs_replay_as_lawful_and_a_disabled_act_is_not() -> None:
    """Differential: a docket written from a random run of the reference semantics is lawful at
    every entry and ends in the run's state; replacing an act by one whose condition fails there
    makes exactly that entry the first unlawful one."""
    model = compile_file(CURRENT).model
    assert model is not None
    for seed in range(5):
        start = next(s for s in initial_states(model))
        docket, end = random_docket(model, start, 300, seed)
        r = replay(model, parse_json(json.dumps(docket)))
        assert r.first_unlawful is None, r.entries[(r.first_unlawful or 1) - 1].reasons
        assert tuple(v for _, v in r.final_state) == end
        if len(docket["entries"]) < 3:
            continue
        k = len(docket["entries"]) // 2
        state = start
        for e in docket["entries"][:k]:
            inst = e["act"] if "args" not in e else f"{e['act']}({', '.join(e['args'])})"
            state = apply(model, next(x for x in model.rules if x.name == inst), state)
        disabled = next(
            (x for x in model.rules if not x.binding and not evaluate(x.guard, state)), None
        )
        if disabled is None:
            continue
        docket["entries"][k] = {
            "date": docket["entries"][k]["date"],
            "actor": disabled.actor,
            "act": disabled.rule,
        }
        r = replay(model, parse_json(json.dumps(docket)))
        assert r.first_unlawful == k + 1


def test_an_act_given_by_its_article_is_the_rule_that_applies() -> None:
    """No `act`, only `article`: the rule of that actor citing it whose condition holds."""
    r = _small(
        [
            {"date": "2024-01-01", "actor": "bureau", "article": "art_1"},
            {"date": "2024-01-02", "actor": "debtor", "article": "art_1"},
        ]
    )
    first, second = r.entries
    assert (first.rule, first.status) == ("execute", "lawful")
    assert "fits several acts" in first.notes[0]  # bureau's execute and revoke both apply
    assert (second.rule, second.status) == ("apply", "unlawful")  # the basis still stands
    assert any("basis != effective" in why for why in second.reasons)


def test_as_of_reports_a_deadline_running_out_after_the_last_entry(
    capsys: pytest.CaptureFixture[str],
) -> None:
    """The application of 1 March is still undecided: as of 20 March its 10 days ran out on 11
    March."""
    data = json.loads((DOCKETS / "small_late.json").read_text())
    data["entries"] = data["entries"][:3]
    model = compile_file(SMALL).model
    assert model is not None
    import datetime

    r = replay(model, parse_json(json.dumps(data)), as_of=datetime.date(2024, 3, 20))
    (m,) = r.missed
    assert (m.rule, str(m.last_day), m.before_entry) == ("order", "2024-03-11", 4)
    assert (
        replay(model, parse_json(json.dumps(data)), as_of=datetime.date(2024, 3, 11)).missed == ()
    )
    assert main(["replay", SMALL, str(DOCKETS / "small_late.json"), "--as-of", "2024-01-01"]) == 2
    assert "after the --as-of date" in capsys.readouterr().err


@pytest.mark.parametrize(
    ("text", "entry", "field"),
    [
        ('{"entries": [{"date": "2024-01-01", "actor": "nobody", "act": "execute"}]}', 1, "actor"),
        ('{"entries": [}', None, "json"),
        (
            '[{"date": "2024-01-05", "actor": "bureau", "act": "execute"},'
            ' {"date": "2024-01-04", "actor": "bureau", "act": "revoke"}]',
            2,
            "date",
        ),
    ],
)
def test_json_format_describes_a_refused_docket_on_stdout(
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    text: str,
    entry: int | None,
    field: str,
) -> None:
    """With --format json a refused docket still exits 2, and standard output holds one JSON
    object naming the entry and the field; the human message stays on standard error."""
    bad = tmp_path / "bad.json"
    bad.write_text(text, encoding="utf-8")
    assert main(["replay", SMALL, str(bad), "--format", "json"]) == 2
    captured = capsys.readouterr()
    data = json.loads(captured.out)
    assert data["schema"] == "revcheck/replay/1" and data["exit_code"] == 2
    assert data["docket"] == str(bad)
    assert (data["error"]["entry"], data["error"]["field"]) == (entry, field)
    assert data["error"]["message"] and data["error"]["message"] in captured.err
    assert captured.err.startswith("error: ")


def test_text_format_prints_nothing_on_stdout_for_a_refused_docket(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    bad = tmp_path / "bad.json"
    bad.write_text('{"entries": [{"date": "2024-01-01", "actor": "nobody", "act": "execute"}]}')
    assert main(["replay", SMALL, str(bad)]) == 2
    captured = capsys.readouterr()
    assert captured.out == "" and "entry 1, field 'actor'" in captured.err


def test_json_error_goes_to_the_output_file(tmp_path: Path) -> None:
    bad = tmp_path / "bad.json"
    bad.write_text('{"entries": [{"date": "2024-01-01", "actor": "bureau"}]}')
    out = tmp_path / "out.json"
    assert main(["replay", SMALL, str(bad), "--format", "json", "--output", str(out)]) == 2
    data = json.loads(out.read_text(encoding="utf-8"))
    assert (data["error"]["entry"], data["error"]["field"]) == (1, "act")
