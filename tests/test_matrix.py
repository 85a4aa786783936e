"""The jurisdictions × principles matrix: every format, and cases/README.md kept up to date.

When `test_readme_matrix_is_up_to_date` fails, refresh the table with
`revcheck matrix cases/ --format markdown --update cases/README.md` and review the diff.
"""

from __future__ import annotations

import csv
import io
import json
import os
from pathlib import Path

import pytest

from checker.api import collect_paths
from checker.cli import main
from checker.matrix.render import (
    WIDTH,
    render_csv,
    render_json,
    render_markdown,
    render_text,
    replace_section,
)
from checker.matrix.table import BEGIN, END, Matrix, build_matrix
from checker.matrix.table import VOCABULARY as VERDICTS
from tests.ci_models import LAW, VOCABULARY, write

ROOT = Path(__file__).resolve().parent.parent
README = ROOT / "cases" / "README.md"


@pytest.fixture(scope="module")
def matrix() -> Matrix:
    paths, _ = collect_paths([str(ROOT / "cases")])
    cwd = os.getcwd()
    os.chdir(ROOT)  # the `explain` commands name paths relative to the repository
    try:
        return build_matrix([str(Path(p).relative_to(ROOT)) for p in paths])
    finally:
        os.chdir(cwd)


def test_columns_are_the_principles_in_declaration_order(matrix: Matrix) -> None:
    names = [p.name for p in matrix.principles]
    assert names[:4] == [
        "trial_execution_separation",
        "party_disposition",
        "hearing_before_decision",
        "remedy_after_decision",
    ]
    assert {
        "reversal_scope",
        "third_party_protection",
        "restitution_fruits",
        "restitution_damages",
        "made_whole_without_action",
        "enforceable_outcome",
        "statutory_exclusions",
    } <= set(names)


def cell(m: Matrix, case: str, principle: str) -> str:
    row = next(r for r in m.rows if r.case == case)
    return row.cells[[p.name for p in m.principles].index(principle)].word


@pytest.mark.parametrize(
    ("case", "separation", "disposition"),
    [
        ("prc/current", "fails", "fails"),
        ("ru/civil_procedure_443_445", "holds", "fails"),
        ("de/zpo_717", "holds", "holds"),
        ("jp/ccp_260", "holds", "holds"),
        ("tw/ccp_395", "holds", "holds"),
        ("prc/reform_proposal", "holds", "holds"),
    ],
)
def test_verdicts_agree_with_the_texts(
    matrix: Matrix, case: str, separation: str, disposition: str
) -> None:
    assert cell(matrix, case, "trial_execution_separation") == separation
    assert cell(matrix, case, "party_disposition") == disposition


def why(m: Matrix, case: str, principle: str) -> str:
    row = next(r for r in m.rows if r.case == case)
    return row.cells[[p.name for p in m.principles].index(principle)].why


def test_every_cell_speaks_the_closed_vocabulary(matrix: Matrix) -> None:
    """holds, holds vacuously, fails, not modelled, no such rule: never a bare 'n.a.'."""
    words = {c.word for r in matrix.rows for c in r.cells}
    assert words <= set(VERDICTS), words - set(VERDICTS)
    for r in matrix.rows:
        for c in r.cells:
            if c.word in ("holds vacuously", "not modelled", "no such rule"):
                assert c.why, f"{r.case}: a {c.word} cell must say why"


def test_the_law_is_silent_is_a_finding_not_a_gap(matrix: Matrix) -> None:
    # Germany has no exclusion by claim category: "no such rule", with the case's reason
    assert cell(matrix, "de/zpo_717", "statutory_exclusions") == "no such rule"
    assert "no exclusion" in why(matrix, "de/zpo_717", "statutory_exclusions")
    # the distribution cases leave out claim categories and sales: "not modelled", saying what
    assert cell(matrix, "prc/distribution", "third_party_protection") == "not modelled"
    assert "`sale`" in why(matrix, "prc/distribution", "third_party_protection")
    # Japan's order is made by the court of appeal: the remedy principle holds vacuously
    assert cell(matrix, "jp/ccp_260", "remedy_after_decision") == "holds vacuously"


def test_the_comparison_chapter(matrix: Matrix) -> None:
    """The thesis's comparison as the matrix states it (issue 11)."""
    for p in (
        "trial_execution_separation",
        "party_disposition",
        "hearing_before_decision",
        "timeliness",
    ):
        assert cell(matrix, "prc/current", p) == "fails", p
    reform = next(r for r in matrix.rows if r.case == "prc/reform_proposal")
    judged = {
        p.name: c.word
        for p, c in zip(matrix.principles, reform.cells, strict=True)
        if c.word != "no such rule"
    }
    assert set(judged.values()) == {"holds"}, judged
    for case in ("de/zpo_717", "jp/ccp_260", "tw/ccp_395"):
        assert cell(matrix, case, "trial_execution_separation") == "holds"
        assert cell(matrix, case, "party_disposition") == "holds"
    assert cell(matrix, "ru/civil_procedure_443_445", "party_disposition") == "fails"
    assert cell(matrix, "ru/arbitrazh_325_326", "timeliness") == "holds"
    assert cell(matrix, "ru/arbitrazh_325_326", "remedy_after_decision") == "holds"
    # restitution in three parts: PRC gives fruits, not damages, and may leave the loss to a new
    # action
    assert [
        cell(matrix, "prc/current", p)
        for p in ("restitution_fruits", "restitution_damages", "made_whole_without_action")
    ] == ["holds", "fails", "fails"]


def test_timeliness_against_one_period_with_the_own_period_beside_it(matrix: Matrix) -> None:
    periods = {r.case: r.own_period for r in matrix.rows}
    assert (
        periods["ru/arbitrazh_325_326"] == "30 days" and periods["prc/reform_proposal"] == "30 days"
    )
    assert periods["prc/current"] == "none" and periods["de/zpo_717"] == "none"
    # a system without a period of its own does not look better than the PRC law in force
    for case, period in periods.items():
        if period == "none" and cell(matrix, case, "timeliness") != "not modelled":
            assert cell(matrix, case, "timeliness") == "fails", case


def test_exclusions_say_what_they_protect_and_where(matrix: Matrix) -> None:
    reason = why(matrix, "ru/civil_procedure_443_445", "statutory_exclusions")
    assert "APPEAL only alimony" in reason and "CASSATION" in reason
    assert "exc (what it protects" in render_text(matrix)


def test_text_matrix_fits_100_columns_with_key_and_legend(matrix: Matrix) -> None:
    text = render_text(matrix)
    assert max(len(line) for line in text.splitlines()) <= WIDTH
    assert "key:" in text and "sep trial_execution_separation" in text
    for word in VERDICTS:
        assert f" {word}: " in text
    assert "n.a." not in text


def test_machine_formats(matrix: Matrix) -> None:
    doc = json.loads(render_json(matrix))
    assert doc["schema"] == "revcheck/matrix/1"
    first = doc["rows"][0]
    assert (
        first["cells"]["party_disposition"]["explain"]
        == f"revcheck explain {first['path']} party_disposition"
    )
    assert "own_period" in first and "why" in first["cells"]["party_disposition"]
    rows = list(csv.reader(io.StringIO(render_csv(matrix))))
    assert rows[0][:3] == ["jurisdiction", "case", "path"] and rows[0][-1] == "own_period"
    assert len(rows) == len(matrix.rows) + 1


def test_replace_section_needs_the_markers() -> None:
    assert replace_section("no markers", "table") is None
    assert replace_section(f"a\n{BEGIN}\nold\n{END}\nb", "new") == f"a\n{BEGIN}\nnew\n{END}\nb"


def test_readme_matrix_is_up_to_date(matrix: Matrix) -> None:
    document = README.read_text(encoding="utf-8")
    expected = replace_section(document, render_markdown(matrix, str(README.parent)))
    assert expected is not None, "cases/README.md lost its matrix markers"
    assert document == expected, (
        "run: revcheck matrix cases/ --format markdown --update cases/README.md"
    )


def test_cli_check_option(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.chdir(ROOT)
    assert main(["matrix", "cases/de", "--format", "csv"]) == 0
    assert capsys.readouterr().out.startswith("jurisdiction,case,path,")
    assert main(["matrix", "no_such_dir"]) == 2


# --------------------------------------------------------------------------- sarif, junit, --output

TOY_LIBRARY = (
    'library principles "toy principles"\n'
    + VOCABULARY
    + """
property separation "the enforcement organ does not decide" {
  never step where kind == substantive_decision and actor is enforcement_organ
}
property disposition "no court starts a proceeding" {
  never step where kind == initiation and actor is court
}
property no_early_decision "no decision before a case is pending" {
  never step where kind == substantive_decision and stage == executed
}
"""
)


def toy_case(law: str) -> str:
    """LAW importing the toy principles instead of declaring its vocabulary and properties."""
    head, rest = law.split(VOCABULARY)
    body = rest.split("property separation")[0]
    expects = "\n".join(line for line in rest.splitlines() if line.startswith("expect separation"))
    return head + "import principles\n" + body + expects + "\n"


@pytest.fixture
def toys(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """toy/law (separation fails as expected, disposition fails unexpected), toy/reform (all
    hold), toy/bad (does not check), beside the toy `principles` library."""
    monkeypatch.chdir(tmp_path)
    folder = tmp_path / "toy"
    write(folder, "principles.rev", TOY_LIBRARY)
    write(folder, "law.rev", toy_case(LAW))
    reform = toy_case(LAW).replace(
        "by bureau  kind substantive_decision", "by bench  kind substantive_decision"
    )
    reform = reform.replace("expect separation fails", "expect separation holds")
    reform = reform.replace(
        "rule start_ex_officio { by bureau  kind initiation",
        "rule start_ex_officio { by obligor  kind initiation",
    )
    write(folder, "reform.rev", reform)
    write(
        folder,
        "bad.rev",
        "procedure bad\nimport principles\nvar x : 0..3 = 0\nrule r { when y > 0 }\n",
    )
    return tmp_path


def test_toy_matrix(toys: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["matrix", "toy", "--format", "csv"]) == 2  # toy/bad does not check
    rows = {r[1]: r[3:-1] for r in csv.reader(io.StringIO(capsys.readouterr().out))}
    assert rows["case"] == ["separation", "disposition", "no_early_decision"]
    assert rows["toy/law"] == ["fails", "fails", "holds"]
    assert rows["toy/reform"] == ["holds", "holds", "holds"]
    assert rows["toy/bad"] == ["error", "error", "error"]


def test_sarif_one_result_per_failing_principle(
    toys: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    sarif_loader = pytest.importorskip("sarif.loader", reason="sarif-tools is in the test extra")
    assert main(["matrix", "toy", "--format", "sarif", "--output", "matrix.sarif"]) == 2
    assert capsys.readouterr().out == ""
    raw = json.loads(Path("matrix.sarif").read_text(encoding="utf-8"))
    assert raw["version"] == "2.1.0"
    records = sarif_loader.load_sarif_file("matrix.sarif").get_records()
    law = [r for r in records if "in procedure law" in r["Description"]]
    by_code = {r["Code"]: r for r in law}
    assert len(law) == 2 and set(by_code) == {
        "separation",
        "disposition",
    }  # no_early_decision holds
    # as in `check`: an unexpected failure is an error at the library's declaration
    # (no expect line) …
    assert by_code["disposition"]["Severity"] == "error"
    assert (
        by_code["disposition"]["Line"]
        == TOY_LIBRARY.splitlines().index('property disposition "no court starts a proceeding" {')
        + 1
    )
    assert by_code["disposition"]["Location"] == "toy/principles.rev"
    # … an expected one a suppressed note at the case's expect line, with the trace's rules related
    assert (
        by_code["separation"]["Severity"] == "note"
        and by_code["separation"]["Location"] == "toy/law.rev"
    )
    assert by_code["separation"]["Line"] == next(
        i
        for i, line in enumerate(toy_case(LAW).splitlines(), 1)
        if line.startswith("expect separation fails")
    )
    assert (
        "Counterexample: 1. apply (obligor); 2. decide (bureau)"
        in by_code["separation"]["Description"]
    )
    results = raw["runs"][0]["results"]
    sep = next(r for r in results if r["ruleId"] == "separation")
    assert sep["suppressions"] == [
        {"kind": "inSource", "justification": "art. 1: the bureau decides"}
    ]
    assert [x["message"]["text"].split(":")[0] for x in sep["relatedLocations"]] == [
        "step 1",
        "step 2",
    ]
    assert sep["properties"] == {
        "case": "toy/law",
        "jurisdiction": "toy",
        "explain": "revcheck explain toy/law.rev separation",
    }
    assert not any("procedure reform" in r["Description"] for r in records)  # every principle holds
    bad = [r for r in records if r["Location"] == "toy/bad.rev"]
    assert bad and bad[0]["Severity"] == "error" and bad[0]["Code"].startswith("E")


def test_junit_one_suite_per_case(toys: Path, capsys: pytest.CaptureFixture[str]) -> None:
    junitparser = pytest.importorskip("junitparser", reason="junitparser is in the test extra")
    assert main(["matrix", "toy", "--format", "junit", "--output", "matrix.xml"]) == 2
    assert capsys.readouterr().out == ""
    suites = {s.name: s for s in junitparser.JUnitXml.fromfile("matrix.xml")}
    assert set(suites) == {"toy/law", "toy/reform", "toy/bad"}
    law = {c.name: c for c in suites["toy/law"]}
    assert list(law) == ["separation", "disposition", "no_early_decision"]
    assert all(c.classname == "toy/law" for c in law.values())
    failure = law["disposition"].result[0]
    assert isinstance(failure, junitparser.Failure) and failure.message == "fails"
    assert "counterexample (1 steps)" in failure.text and "start_ex_officio" in failure.text
    assert (
        law["separation"].is_passed and "counterexample" in law["separation"].system_out
    )  # expected
    assert law["no_early_decision"].is_passed
    assert suites["toy/law"].failures == 1 and suites["toy/law"].tests == 3
    assert all(c.is_passed for c in suites["toy/reform"])
    assert suites["toy/bad"].errors == 1
    assert isinstance(next(iter(suites["toy/bad"])).result[0], junitparser.Error)


@pytest.mark.parametrize("fmt", ["text", "markdown", "json", "csv", "sarif", "junit"])
def test_output_file_for_every_format(
    toys: Path, fmt: str, capsys: pytest.CaptureFixture[str]
) -> None:
    target = toys / "out" / f"matrix.{fmt}"
    target.parent.mkdir()
    assert (
        main(["matrix", "toy/law.rev", "toy/reform.rev", "--format", fmt, "--output", str(target)])
        == 0
    )
    assert capsys.readouterr() == ("", "")
    text = target.read_text(encoding="utf-8")
    assert text.endswith("\n") and "toy/law" in text
    if fmt in ("json", "sarif"):
        json.loads(text)


def test_update_needs_a_table_format(toys: Path, capsys: pytest.CaptureFixture[str]) -> None:
    Path("README.md").write_text(f"{BEGIN}\n{END}\n", encoding="utf-8")
    assert main(["matrix", "toy/law.rev", "--format", "sarif", "--update", "README.md"]) == 2
    assert "table format" in capsys.readouterr().err
    assert Path("README.md").read_text(encoding="utf-8") == f"{BEGIN}\n{END}\n"
