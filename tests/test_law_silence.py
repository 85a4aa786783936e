"""`expect NAME silent "…"` (the law has no such rule) and `expect NAME holds vacuously "…"`.

`silent` is met exactly when the principle does not apply to the case (the case declares nothing
the principle needs, because the law has no such rule); if the principle does apply, the
expectation differs and `check` exits 1. Both forms must give a reason, and `silent` fits only an
imported principle: a property the case writes itself always applies (E304).
"""

from __future__ import annotations

from pathlib import Path

from checker.api import check_file
from checker.core.outcome import Match
from checker.core.result import CheckOptions
from dsl.frontend import compile_text

ROOT = Path(__file__).resolve().parent.parent
CASES = ROOT / "cases"

PRINCIPLES = (ROOT / "spec" / "principles.rev").as_posix()
LAW = """procedure silence_probe "a toy law without claim categories"
import "@@"
actor bureau is enforcement_organ
actor obligor is party
var basis : {effective, revoked, changed} = effective
var done : bool = false
rule fall { by obligor  kind external_event  when basis == effective  then basis := revoked }
rule decide { by bureau  kind substantive_decision  when basis == revoked and not done  \
then done := true }
final done or basis == effective
""".replace("@@", PRINCIPLES)


def _match(report, name: str) -> Match:  # type: ignore[no-untyped-def]
    return next(o.match for o in report.outcomes if o.property.name == name)


def test_silent_is_met_when_the_principle_does_not_apply() -> None:
    report = check_file(str(CASES / "de" / "zpo_717.rev"), CheckOptions())
    assert _match(report, "statutory_exclusions") is Match.MET


def test_silent_differs_when_the_law_does_have_the_rule(tmp_path: Path) -> None:
    """The principle applies to the probe (and fails): "silent" is not met."""
    probe = tmp_path / "probe.rev"
    probe.write_text(
        LAW + 'expect trial_execution_separation silent "wrong: the bureau does decide"\n',
        encoding="utf-8",
    )
    assert (
        _match(check_file(str(probe), CheckOptions()), "trial_execution_separation")
        is Match.DIFFERS
    )


def test_holds_vacuously_is_met_by_holds() -> None:
    report = check_file(str(CASES / "jp" / "ccp_260.rev"), CheckOptions())
    assert _match(report, "remedy_after_decision") is Match.MET


def test_silent_and_vacuously_need_a_reason(tmp_path: Path) -> None:
    for verdict in ("silent", "holds vacuously"):
        result = compile_text(
            LAW + f"expect statutory_exclusions {verdict}\n", directory=str(tmp_path)
        )
        assert [d.code for d in result.diagnostics if d.is_error] == ["E304"], verdict


def test_silent_does_not_fit_the_case_s_own_property(tmp_path: Path) -> None:
    text = LAW + 'property own { never done and basis == effective }\nexpect own silent "no rule"\n'
    result = compile_text(text, directory=str(tmp_path))
    errors = [d for d in result.diagnostics if d.is_error]
    assert [d.code for d in errors] == ["E304"] and "own property" in errors[0].message


def test_silent_is_not_a_keyword_elsewhere(tmp_path: Path) -> None:
    text = LAW.replace("var done : bool", "var silent : bool = false\nvar done : bool")
    assert compile_text(text, directory=str(tmp_path)).model is not None
