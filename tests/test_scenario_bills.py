"""`repeal scenario NAME` and `amend scenario NAME { … }` in amendment bills (`extends`): what the
consolidated law keeps, the diagnostics for a scenario the law does not have, and the printed
form. The base is tests/scenarios/small.rev (five scenarios with their `expect` lines)."""

from __future__ import annotations

from pathlib import Path

import pytest

from checker.api import check_file
from checker.cli import main
from checker.core.verdict import Status
from dsl import ast
from dsl.frontend import compile_file
from dsl.parser import parse
from dsl.pretty import pretty
from dsl.source import SourceFile

SMALL = Path(__file__).parent / "scenarios" / "small.rev"


def _bill(tmp_path: Path, body: str, name: str = "bill.rev", base: Path = SMALL) -> Path:
    path = tmp_path / name
    path.write_text(f'procedure bill "a bill"\nextends "{base}"\n{body}', encoding="utf-8")
    return path


def _scenarios(path: Path) -> dict[str, tuple[Status, str, str | None]]:
    report = check_file(path)
    assert not report.has_errors, [d.message for d in report.diagnostics if d.is_error]
    return {
        s.scenario.name: (
            s.outcome.verdict.status,
            s.scenario.title,
            s.outcome.expectation.verdict if s.outcome.expectation else None,
        )
        for s in report.scenarios
    }


def test_repeal_scenario_removes_it_and_its_expect(tmp_path: Path) -> None:
    got = _scenarios(_bill(tmp_path, "repeal scenario something_returned\n"))
    assert "something_returned" not in got
    assert set(got) == {
        "partial_after_completion",
        "revoked_all_back",
        "sale_one_unit",
        "nobody_applies",
    }
    model = compile_file(str(tmp_path / "bill.rev")).model
    assert model is not None
    assert all(e.property != "something_returned" for e in model.expectations)


def test_amend_scenario_replaces_it_whole_keeping_title_and_expect(tmp_path: Path) -> None:
    """The amended facts and goal are judged; the title stays when none is given, and so does
    the `expect` (here it no longer matches: the bill must restate it)."""
    body = "amend scenario nobody_applies { happened execute, revoke then always back == 0 }\n"
    got = _scenarios(_bill(tmp_path, body))
    status, title, expected = got["nobody_applies"]
    assert status is Status.FAILS  # art. 1: on application the unit comes back
    assert title == "without an application nothing is returned" and expected == "holds"
    report = check_file(tmp_path / "bill.rev")
    (o,) = [o for o in report.outcomes if o.property.name == "nobody_applies"]
    assert o.match.value == "differs"


def test_amend_scenario_with_a_new_title_and_a_restated_expect(tmp_path: Path) -> None:
    body = (
        'amend scenario nobody_applies "after the application something comes back" {\n'
        "  happened execute, revoke, apply\n  then eventually back == 1\n}\n"
        'expect nobody_applies holds "art. 1: the organ shall order the return"\n'
    )
    got = _scenarios(_bill(tmp_path, body))
    assert got["nobody_applies"] == (
        Status.HOLDS,
        "after the application something comes back",
        "holds",
    )
    assert main(["check", str(tmp_path / "bill.rev")]) in (0, 1)  # the case's principles


def test_a_bill_of_a_bill_amends_the_amended_scenario(tmp_path: Path) -> None:
    first = _bill(tmp_path, "amend scenario sale_one_unit { happened execute then always true }\n")
    second = _bill(
        tmp_path,
        "amend scenario sale_one_unit { happened execute, execute then always held == 2 }\n",
        "second.rev",
        first,
    )
    got = _scenarios(second)
    assert got["sale_one_unit"][0] is Status.FAILS  # revoke, apply, order: a unit comes back
    model = compile_file(str(second)).model
    assert model is not None
    (sc,) = [s for s in model.scenarios if s.name == "sale_one_unit"]
    assert [st.rule for st in sc.steps] == ["execute", "execute"]


@pytest.mark.parametrize(
    ("body", "message", "help"),
    [
        (
            "repeal scenario nobody_aplies\n",
            "the law being amended has no scenario 'nobody_aplies' to repeal",
            "did you mean 'nobody_applies'?",
        ),
        (
            "amend scenario nosuch { then always true }\n",
            "the law being amended has no scenario 'nosuch' to amend",
            "declare a new scenario without `amend`",
        ),
        (
            "amend scenario sale_one_units { then always true }\n",
            "the law being amended has no scenario 'sale_one_units' to amend",
            "did you mean 'sale_one_unit'?",
        ),
    ],
)
def test_an_unknown_scenario_is_e111_at_its_line(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], body: str, message: str, help: str
) -> None:
    path = _bill(tmp_path, body)
    front = compile_file(str(path))
    assert front.model is None
    (d,) = [d for d in front.diagnostics if d.is_error]
    assert (d.code, d.message, d.span.line, d.span.col) == ("E111", message, 3, 1)
    assert d.help == help
    assert main(["check", str(path)]) == 2
    out = capsys.readouterr()
    text = out.out + out.err
    assert f"{path}:3:1" in text and body.strip() in text and "^^^" in text
    assert "Traceback" not in text


def test_repealing_twice_is_e111_the_second_time(tmp_path: Path) -> None:
    front = compile_file(
        str(_bill(tmp_path, "repeal scenario sale_one_unit\nrepeal scenario sale_one_unit\n"))
    )
    (d,) = [d for d in front.diagnostics if d.is_error]
    assert d.code == "E111" and d.span.line == 4


def test_an_amendment_of_a_scenario_needs_a_law_to_amend(tmp_path: Path) -> None:
    path = tmp_path / "alone.rev"
    path.write_text(
        "procedure alone\nrepeal scenario s\namend scenario t { then always true }\n",
        encoding="utf-8",
    )
    front = compile_file(str(path))
    lines = sorted(d.span.line for d in front.diagnostics if d.code == "E111")
    assert lines == [2, 3]
    assert all("needs a law to amend" in d.message for d in front.diagnostics if d.code == "E111")


def test_repeal_and_amend_scenario_round_trip_through_pretty() -> None:
    text = (
        'procedure b\nextends "base.rev"\nrepeal scenario s\n'
        'amend scenario t "title" {\n  given x == 1\n  happened r, 3 days pass\n'
        "  then reachable x == 2\n}\n"
    )
    module, diags = parse(SourceFile("<bill>.rev", text))
    assert module is not None and not diags
    assert [type(d).__name__ for d in module.decls] == ["Extends", "Repeal", "AmendScenario"]
    assert module.decls[1] == ast.Repeal("scenario", "s")
    printed = pretty(module)
    assert "\nrepeal scenario s\n" in printed and '\namend scenario t "title" {\n' in printed
    again, diags = parse(SourceFile("<printed>.rev", printed))
    assert not diags and again == module


def test_scenario_stays_a_name_where_no_keyword_can_stand(tmp_path: Path) -> None:
    """`repeal rule scenario` repeals a rule called `scenario` (the contextual lexer)."""
    module, diags = parse(SourceFile("<bill>.rev", "procedure b\nrepeal rule scenario\n"))
    assert module is not None and not diags
    assert module.decls[0] == ast.Repeal("rule", "scenario")


def test_the_bill_in_the_language_reference_says_what_the_text_says() -> None:
    """docs/language.md §15, "Scenarios in bills": the example compiles against small.rev, the
    repealed scenario is gone and the amended one holds as its restated `expect` says."""
    doc = (Path(__file__).resolve().parent.parent / "docs" / "language.md").read_text("utf-8")
    start = doc.index("procedure small_bill")
    source = doc[start : doc.index("```", start)]
    from checker.api import check_text

    report = check_text(source, directory=str(SMALL.parent))
    assert not report.has_errors, report.diagnostics
    got = {s.scenario.name: s for s in report.scenarios}
    assert "something_returned" not in got
    s = got["nobody_applies"]
    assert s.outcome.verdict.status is Status.HOLDS and s.outcome.match.value == "met"
    assert s.scenario.title == "after the application the unit comes back"


def test_show_prints_an_amended_scenario_under_its_provenance(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    body = "amend scenario nobody_applies { happened execute, revoke then always back == 0 }\n"
    bill = _bill(tmp_path, body)
    assert main(["show", str(bill)]) == 0
    text = capsys.readouterr().out
    part = text[text.index("// ---- amended scenarios") :].splitlines()
    assert part[1].startswith("// from ") and "small.rev, amended by " in part[1]
    assert part[1].endswith("bill.rev")
    assert part[2].startswith("scenario nobody_applies")
    assert "always back == 0" in "\n".join(part[2:])
