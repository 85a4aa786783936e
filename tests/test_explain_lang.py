"""`revcheck explain --lang zh|en`: numbered plain-language steps with article numbers, and no
identifiers or formulas outside the details part."""

from __future__ import annotations

import re

import pytest

from checker.api import check_file
from checker.cli import main
from checker.core.result import CheckOptions
from checker.report.explain import explain
from checker.report.narrative import WORDS, default_lang

CASE = "cases/prc/current.rev"


@pytest.fixture(scope="module")
def report():  # type: ignore[no-untyped-def]
    return check_file(CASE, CheckOptions(engine="auto"))


def _identifiers(report) -> set[str]:  # type: ignore[no-untyped-def]
    """Names a reader should not see: the model's identifiers that are not plain words."""
    model = report.result.model
    names = {r.rule for r in model.rules} | {a.name for a in model.actors}
    names |= {s.name for s in model.sources} | {v.name for v in model.variables}
    for slot in model.slots:
        names |= {str(v) for v in getattr(slot.type, "values", ())}
    return {n for n in names if "_" in n}


def _plain(text: str, lang: str) -> str:
    head = WORDS[lang]["details"]  # type: ignore[index]
    assert head in text, "the explanation has a details part"
    return text.split(head)[0]


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_steps_are_numbered_plain_language_with_articles(report, lang: str) -> None:  # type: ignore[no-untyped-def]
    text, code = explain(report, "trial_execution_separation", lang)  # type: ignore[arg-type]
    assert code == 0
    plain = _plain(text, lang)
    steps = re.findall(r"^\s+(\d+)\. ", plain, flags=re.M)
    assert steps[:4] == ["0", "1", "2", "3"]
    found = sorted(
        i for i in _identifiers(report) if re.search(rf"(?<![\w]){re.escape(i)}(?![\w])", plain)
    )
    assert found == [], f"identifiers outside the details part: {found}"
    for formula in ("==", ":=", "!=", " -> "):
        assert formula not in plain
    for jargon in ("lasso", "power (no duty)", "(复议)"):
        assert jargon not in plain
    if lang == "zh":
        assert re.search(r"第[一二三四五六七八九十百零\d]+条", plain), "Chinese article numbers"
        assert "原执行机构" in plain and "依据" in plain
        assert "结论：不成立" in plain
    else:
        assert re.search(r"art\. \d+", plain)
        assert "the original enforcement organ" in plain and "under:" in plain
        assert "Verdict: fails" in plain
    details = text.split(WORDS[lang]["details"])[1]  # type: ignore[index]
    assert "kind == substantive_decision" in details, "the formula is in the details part"


def test_the_case_language_is_the_default() -> None:
    model = check_file(CASE, CheckOptions(engine="auto")).result.model  # type: ignore[union-attr]
    assert default_lang(model) == "zh"
    de = check_file("cases/de/zpo_717.rev", CheckOptions(engine="auto")).result.model  # type: ignore[union-attr]
    assert default_lang(de) == "en"


def test_the_repeating_part_of_an_infinite_run(report) -> None:  # type: ignore[no-untyped-def]
    text, code = explain(report, "reversal_ends", "en")
    assert code == 0
    plain = _plain(text, "en")
    m = re.search(r"From step (\d+) on, steps? \1(?:–(\d+))? repeats? forever\.", plain)
    assert m, plain
    outcome = next(o for o in report.outcomes if o.property.name == "reversal_ends")
    trace = outcome.verdict.trace
    assert trace is not None and trace.loop_start is not None
    assert int(m.group(1)) == trace.loop_start + 1
    assert m.group(2) is None or int(m.group(2)) == len(trace)
    zh, _ = explain(report, "reversal_ends", "zh")
    assert f"自第 {trace.loop_start + 1} 步起" in zh and "无限重复" in zh


def test_cli_lang_flag(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["explain", CASE, "trial_execution_separation", "--lang", "en"]) == 0
    out = capsys.readouterr().out
    assert "The counterexample, step by step" in out and "反例" not in out.split("Details")[0]
    assert main(["explain", CASE, "trial_execution_separation", "--lang", "zh"]) == 0
    assert "反例，逐步说明" in capsys.readouterr().out


def test_unknown_property_names_the_close_one(report) -> None:  # type: ignore[no-untyped-def]
    text, code = explain(report, "trial_execution_seperation", "en")
    assert code == 2 and "did you mean 'trial_execution_separation'" in text


def test_explain_lists_every_rule_that_breaks_a_never_step_principle() -> None:
    """The counterexample is the shortest breach (Interp. 481(2), the refusal); the reversal
    ruling of SPC art. 65 breaks trial-execution separation too and is shown with its own run."""
    from checker.report.breaches import other_breaches

    report = check_file(CASE, CheckOptions())
    outcome = next(o for o in report.outcomes if o.property.name == "trial_execution_separation")
    others = other_breaches(report, outcome)
    assert others, "at least one other rule breaks the principle"
    model = report.result.model  # type: ignore[union-attr]
    for _rule, trace in others:
        last = next(r for r in model.rules if r.name == trace.steps[-1][0])
        assert last.kind == "substantive_decision" and last.actor == "enforcement_bureau"
    assert any(
        "spc_65" in next(r for r in model.rules if r.name == t.steps[-1][0]).citations
        for _, t in others
    )
    text, code = explain(report, "trial_execution_separation", "en")
    assert code == 0 and "Other rules that break it" in text and "art. 65" in text
