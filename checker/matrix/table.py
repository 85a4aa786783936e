"""The comparison matrix: one verdict per case and principle, built from `check` results."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from checker.api import check_file
from checker.core.outcome import FileReport
from checker.core.result import CheckOptions
from checker.core.verdict import Status
from checker.scenario.files import only_scenarios
from dsl import ast
from dsl.imports import Loader, find_library

BEGIN = "<!-- matrix:begin -->"
END = "<!-- matrix:end -->"
SCHEMA = "revcheck/matrix/1"
JURISDICTIONS = {"prc": "PRC", "de": "Germany", "jp": "Japan", "ru": "Russia", "tw": "Taiwan"}


@dataclass(frozen=True, slots=True)
class Principle:
    name: str
    title: str


@dataclass(frozen=True, slots=True)
class Cell:
    word: str  # holds | fails | n.a. | unknown | holds≤k | error
    how: str = ""
    expected: str = ""
    match: str = ""


@dataclass(frozen=True, slots=True)
class Row:
    path: str
    case: str  # jurisdiction/file stem, e.g. prc/current
    jurisdiction: str
    procedure: str
    title: str
    cells: tuple[Cell, ...]
    report: FileReport | None = field(default=None, compare=False, repr=False)  # for sarif, junit


@dataclass(frozen=True, slots=True)
class Matrix:
    principles: tuple[Principle, ...]
    rows: tuple[Row, ...]


# ----------------------------------------------------------------------------- building


def principles_of(library: str, near: str) -> tuple[Principle, ...]:
    """The properties of library `library` (found as `import` would from `near`), in order."""
    found = find_library(library, near)
    if found is None:
        return ()
    module = Loader().parse_file(str(found))
    if module is None:
        return ()
    return tuple(Principle(d.name, d.title) for d in module.decls if isinstance(d, ast.PropertyDecl))


def _cell(report: FileReport, name: str) -> Cell:
    if report.result is None:
        return Cell("error")
    outcome = next((o for o in report.outcomes if o.property.name == name), None)
    if outcome is None:
        return Cell("n.a.", "the case does not import this principle")
    v = outcome.verdict
    words = {Status.HOLDS: "holds", Status.FAILS: "fails", Status.NOT_APPLICABLE: "n.a.",
             Status.UNKNOWN: "unknown", Status.BOUNDED: f"holds≤{v.bound}"}
    exp = outcome.expectation
    return Cell(words[v.status], v.how, exp.verdict if exp else "", outcome.match.value)


def _case_label(path: str) -> tuple[str, str]:
    p = Path(path)
    folder = p.parent.name
    return f"{folder}/{p.stem}", JURISDICTIONS.get(folder, folder)


def build_matrix(paths: list[str], library: str = "principles", options: CheckOptions | None = None,
                 progress: Callable[[str], None] | None = None) -> Matrix:
    """Check every procedure in `paths` and collect the verdicts on the library's principles
    (`options`: e.g. keep the state spaces for a report; `progress` is told each file first)."""
    principles = principles_of(library, paths[0]) if paths else ()
    rows = []
    for path in paths:
        if only_scenarios(path):  # the case's own row has its verdicts (checker.scenario.files)
            continue
        if progress is not None:
            progress(path)
        report = check_file(path, options or CheckOptions(engine="auto"))
        if report.is_library:
            continue
        model = report.result.model if report.result is not None else None
        case, jurisdiction = _case_label(path)
        rows.append(Row(path, case, jurisdiction, model.name if model else "", model.title if model else "",
                        tuple(_cell(report, p.name) for p in principles), report))
    return Matrix(principles, tuple(rows))
