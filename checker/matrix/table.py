"""The comparison matrix: one verdict per case and principle, built from `check` results.

A cell's word comes from a closed vocabulary (docs/output.md), so that a reader never meets a bare
"n.a.": holds; holds vacuously (the case's expect line says why nothing the principle speaks of can
happen); fails; not modelled (the case leaves out what the principle needs: the cell says what);
no such rule (the law is silent, which is the finding: `expect NAME silent "…"`). A search cut
short is "unknown" or "holds≤k", never "holds"; a case that does not check is "error".
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from pathlib import Path

from checker.api import check_file
from checker.core.outcome import FileReport
from checker.core.result import CheckOptions
from checker.core.verdict import Status
from checker.scenario.files import only_scenarios
from dsl import ast
from dsl.imports import Loader, find_library, load_program
from dsl.pretty import pretty_expr

BEGIN = "<!-- matrix:begin -->"
END = "<!-- matrix:end -->"
SCHEMA = "revcheck/matrix/1"
JURISDICTIONS = {"prc": "PRC", "de": "Germany", "jp": "Japan", "ru": "Russia", "tw": "Taiwan"}

HOLDS = "holds"
VACUOUS = "holds vacuously"
FAILS = "fails"
NOT_MODELLED = "not modelled"
SILENT = "no such rule"
VOCABULARY = (HOLDS, VACUOUS, FAILS, NOT_MODELLED, SILENT)
# The const a case declares for the period its own law sets (spec/principles.rev, timeliness).
OWN_PERIOD = "statutory_period"


@dataclass(frozen=True, slots=True)
class Principle:
    name: str
    title: str


@dataclass(frozen=True, slots=True)
class Cell:
    word: str  # one of VOCABULARY, or unknown | holds≤k | error
    how: str = ""
    expected: str = ""
    match: str = ""
    why: str = ""  # the case's reason (its expect line); for not modelled: what is missing


@dataclass(frozen=True, slots=True)
class Row:
    path: str
    case: str  # jurisdiction/file stem, e.g. prc/current
    jurisdiction: str
    procedure: str
    title: str
    cells: tuple[Cell, ...]
    report: FileReport | None = field(default=None, compare=False, repr=False)  # for sarif, junit
    own_period: str = (
        "none"  # the period the system's own law sets for the decision, e.g. "30 days"
    )


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
    return tuple(
        Principle(d.name, d.title) for d in module.decls if isinstance(d, ast.PropertyDecl)
    )


def _cell(report: FileReport, name: str) -> Cell:
    if report.result is None:
        return Cell("error")
    outcome = next((o for o in report.outcomes if o.property.name == name), None)
    if outcome is None:
        return Cell(NOT_MODELLED, why="the case does not import this principle")
    v = outcome.verdict
    exp = outcome.expectation
    expected = exp.verdict if exp else ""
    reason = exp.reason if exp else ""
    base = Cell("", v.how, expected, outcome.match.value, reason)
    match v.status:
        case Status.HOLDS if expected == VACUOUS:
            return replace(base, word=VACUOUS)
        case Status.HOLDS:
            return replace(base, word=HOLDS)
        case Status.FAILS:
            return replace(base, word=FAILS)
        case Status.NOT_APPLICABLE if expected == "silent":
            return replace(base, word=SILENT)
        case Status.NOT_APPLICABLE:
            return replace(base, word=NOT_MODELLED, why=_missing(v.note))
        case Status.BOUNDED:
            return replace(base, word=f"holds≤{v.bound}")
        case _:
            return replace(base, word="unknown")


def _missing(note: str) -> str:
    """What the case leaves out, from the checker's note, without the verdict word repeated."""
    note = re.sub(r"^not (modelled|applicable):\s*", "", note)
    names = re.findall(r"'([^']+)'", note)  # "the procedure declares no 'award', 'sale'"
    return (
        "needs " + ", ".join(f"`{n}`" for n in names) if names and "declares no" in note else note
    )


def own_period(path: str) -> str:
    """The `statutory_period` const of the case as consolidated (a bill may declare it), in days."""
    program, _, _ = load_program(path)
    if program is None:
        return "none"
    for d in program.main.decls:
        if isinstance(d, ast.ConstDecl) and d.name == OWN_PERIOD:
            return f"{pretty_expr(d.value)} days"
    return "none"


def _case_label(path: str) -> tuple[str, str]:
    p = Path(path)
    folder = p.parent.name
    return f"{folder}/{p.stem}", JURISDICTIONS.get(folder, folder)


def build_matrix(
    paths: list[str],
    library: str = "principles",
    options: CheckOptions | None = None,
    progress: Callable[[str], None] | None = None,
    reports: dict[str, FileReport] | None = None,
) -> Matrix:
    """Check every procedure in `paths` and collect the verdicts on the library's principles
    (`options`: e.g. keep the state spaces for a report; `progress` is told each file first)."""
    principles = principles_of(library, paths[0]) if paths else ()
    rows = []
    for path in paths:
        if only_scenarios(path):  # the case's own row has its verdicts (checker.scenario.files)
            continue
        if progress is not None:
            progress(path)
        report = (reports or {}).get(path) or check_file(
            path, options or CheckOptions(engine="auto")
        )
        if report.is_library:
            continue
        model = report.result.model if report.result is not None else None
        case, jurisdiction = _case_label(path)
        rows.append(
            Row(
                path,
                case,
                jurisdiction,
                model.name if model else "",
                model.title if model else "",
                tuple(_cell(report, p.name) for p in principles),
                report,
                own_period(path) if model else "none",
            )
        )
    return Matrix(principles, tuple(rows))
