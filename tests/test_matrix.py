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
from checker.matrix import (
    BEGIN,
    END,
    Matrix,
    build_matrix,
    render_csv,
    render_json,
    render_markdown,
    replace_section,
)

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
    assert names[:4] == ["trial_execution_separation", "party_disposition",
                         "hearing_before_decision", "remedy_after_decision"]
    assert {"reversal_scope", "third_party_protection", "complete_restitution",
            "enforceable_outcome", "statutory_exclusions"} <= set(names)


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
def test_verdicts_agree_with_the_texts(matrix: Matrix, case: str, separation: str, disposition: str) -> None:
    assert cell(matrix, case, "trial_execution_separation") == separation
    assert cell(matrix, case, "party_disposition") == disposition


def test_a_principle_a_case_cannot_express_is_not_applicable(matrix: Matrix) -> None:
    assert cell(matrix, "de/zpo_717", "statutory_exclusions") == "n.a."
    assert cell(matrix, "tw/ccp_395", "third_party_protection") == "holds"


def test_machine_formats(matrix: Matrix) -> None:
    doc = json.loads(render_json(matrix))
    assert doc["schema"] == "revcheck/matrix/1"
    first = doc["rows"][0]
    assert first["cells"]["party_disposition"]["explain"] == f"revcheck explain {first['path']} party_disposition"
    rows = list(csv.reader(io.StringIO(render_csv(matrix))))
    assert rows[0][:3] == ["jurisdiction", "case", "path"]
    assert len(rows) == len(matrix.rows) + 1


def test_replace_section_needs_the_markers() -> None:
    assert replace_section("no markers", "table") is None
    assert replace_section(f"a\n{BEGIN}\nold\n{END}\nb", "new") == f"a\n{BEGIN}\nnew\n{END}\nb"


def test_readme_matrix_is_up_to_date(matrix: Matrix) -> None:
    document = README.read_text(encoding="utf-8")
    expected = replace_section(document, render_markdown(matrix, str(README.parent)))
    assert expected is not None, "cases/README.md lost its matrix markers"
    assert document == expected, "run: revcheck matrix cases/ --format markdown --update cases/README.md"


def test_cli_check_option(monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
    monkeypatch.chdir(ROOT)
    assert main(["matrix", "cases/de", "--format", "csv"]) == 0
    assert capsys.readouterr().out.startswith("jurisdiction,case,path,")
    assert main(["matrix", "no_such_dir"]) == 2
