"""Titles in two languages: `rule r "…" zh "…"`, `actor … zh "…"`, `source … title zh "…"`,
`value VAR = V "…" zh "…"`, their diagnostics, their round trip, and how a step reads."""

from __future__ import annotations

from pathlib import Path

from checker.api import check_text
from checker.core.result import CheckOptions
from checker.report.narrative import change_phrase, narrate, rule_title, story_lines
from dsl.diagnostics import render
from dsl.frontend import compile_file, compile_text
from dsl.parser import parse
from dsl.pretty import pretty
from dsl.source import SourceFile

TEXT = """procedure titled "a titled procedure"
organ court "a court"
source art_1 "Code, art. 1" title zh "法典第一条" zh "原文" text "Text"
actor judge is court "the judge" zh "法官"
var stage : {open, closed} = open
var units : 0..2 = 2
var agreed : bool = false
value stage = open "the case is open" zh "案件尚未审结"
value stage = closed "the case is closed" zh "案件已审结"
value units "what the party holds" zh "当事人持有的财产"
value agreed = true "the parties agree" zh "双方同意"
rule agree "the parties agree" zh "双方达成一致" { by judge cites art_1 when not agreed \
then agreed := true }
rule close_case "the judge closes the case" zh "法官结案" {
  by judge cites art_1 when stage == open and agreed then stage := closed; units := units - 1
}
rule undo "the agreement falls away" { by judge cites art_1 when agreed and stage == closed \
then agreed := false }
final stage == closed
property stays_open { always stage == open }
"""


def test_titles_reach_the_model() -> None:
    front = compile_text(TEXT)
    assert not [d for d in front.diagnostics if d.is_error], front.diagnostics
    model = front.model
    assert model is not None
    assert model.actor("judge").title_zh == "法官"  # type: ignore[union-attr]
    assert model.source("art_1").title_zh == "法典第一条"  # type: ignore[union-attr]
    assert [r.title_zh for r in model.rules] == ["双方达成一致", "法官结案", ""]
    assert len(model.value_titles) == 4


def test_titles_round_trip_through_the_pretty_printer() -> None:
    module, diags = parse(SourceFile("t.rev", TEXT))
    assert module is not None and not diags
    again, diags = parse(SourceFile("t.rev", pretty(module)))
    assert not diags and again is not None
    strip = lambda m: [type(d).__name__ + repr(getattr(d, "title_zh", "")) for d in m.decls]  # noqa: E731
    assert strip(again) == strip(module)
    assert 'value units "what the party holds" zh "当事人持有的财产"' in pretty(module)


def test_a_value_title_for_an_unknown_variable_or_value_is_an_error(tmp_path: Path) -> None:
    bad = tmp_path / "bad.rev"
    bad.write_text(
        TEXT + 'value stag = open "x"\nvalue stage = shut "y"\nvalue units = 7 "z"\n',
        encoding="utf-8",
    )
    front = compile_file(str(bad))
    errors = [d for d in front.diagnostics if d.is_error]
    assert [d.code for d in errors] == ["E102", "E202", "E202"]
    shown = render(errors[0], front.files)
    assert "did you mean 'stage'" in shown and "^" in shown and ":19:1" in shown


def test_steps_read_in_titles_with_a_fallback_to_names() -> None:
    report = check_text(TEXT, CheckOptions())
    assert report.result is not None
    model = report.result.model
    outcome = next(o for o in report.outcomes if o.property.name == "stays_open")
    assert outcome.verdict.trace is not None
    zh = story_lines(model, narrate(model, outcome.verdict.trace, "zh"))
    assert zh[0].strip().startswith("0. 开始时：案件尚未审结；当事人持有的财产：2")
    assert any("法官：法官结案" in line for line in zh)
    assert any("依据：法典第一条" in line for line in zh)
    assert any("案件已审结" in line and "当事人持有的财产：2 → 1" in line for line in zh)
    en = story_lines(model, narrate(model, outcome.verdict.trace, "en"))
    assert any("the judge: the judge closes the case" in line for line in en)
    assert any("under: Code, art. 1" in line for line in en)
    # no zh title: the English one; no title at all: the identifier
    assert rule_title(model, "undo", "zh") == "the agreement falls away"
    slot = next(i for i, s in enumerate(model.slots) if s.var == "agreed")
    assert change_phrase(model, slot, True, False, "en") == "no longer so: the parties agree"
    assert change_phrase(model, slot, True, False, "zh") == "不再：双方同意"
