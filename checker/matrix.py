"""`revcheck matrix DIR|FILE...`: jurisdictions × principles, one verdict per cell.

Input: case files (directories are searched for `.rev` files). Output: a table whose rows are
the procedures (labelled `jurisdiction/case` from the folder and file name) and whose columns are
the properties of the `principles` library in declaration order. Each cell is holds / fails /
n.a. / unknown (or `holds≤k` for a bounded verdict, `error` for a file that does not check) and
points at its trace: `revcheck explain FILE PROPERTY`. Formats: text, markdown, json, csv, and
`check`'s sarif and junit restricted to the principles (`render_sarif`, `render_junit`).
`--output FILE` writes any format to FILE. `--update FILE` rewrites the part of FILE between `<!-- matrix:begin -->` and
`<!-- matrix:end -->`; `--check FILE` only says whether that part is up to date (exit 1 if not).
Exit codes: 0 done; 1 `--check` found the file out of date; 2 bad input.
"""

from __future__ import annotations

import argparse
import csv
import io
import json
import os
import sys
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from pathlib import Path

from checker.api import check_file, collect_paths
from checker.cli import emit
from checker.outcome import FileReport
from checker.report import junit, sarif
from checker.result import CheckOptions
from checker.verdict import Status
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


def build_matrix(paths: list[str], library: str = "principles") -> Matrix:
    """Check every procedure in `paths` and collect the verdicts on the library's principles."""
    principles = principles_of(library, paths[0]) if paths else ()
    rows = []
    for path in paths:
        report = check_file(path, CheckOptions(engine="auto"))
        if report.is_library:
            continue
        model = report.result.model if report.result is not None else None
        case, jurisdiction = _case_label(path)
        rows.append(Row(path, case, jurisdiction, model.name if model else "", model.title if model else "",
                        tuple(_cell(report, p.name) for p in principles), report))
    return Matrix(principles, tuple(rows))


def explain_command(row: Row, principle: Principle) -> str:
    return f"revcheck explain {row.path} {principle.name}"


# ----------------------------------------------------------------------------- rendering


def render_text(m: Matrix, base: str = ".") -> str:
    header = ["case", *(p.name for p in m.principles)]
    body = [[r.case, *(c.word for c in r.cells)] for r in m.rows]
    widths = [max(len(x) for x in col) for col in zip(header, *body, strict=True)]
    lines = ["  ".join(x.ljust(w) for x, w in zip(line, widths, strict=True)).rstrip() for line in [header, *body]]
    lines.append("")
    lines.append("each cell's trace: revcheck explain FILE PRINCIPLE")
    return "\n".join(lines)


def render_markdown(m: Matrix, base: str = ".") -> str:
    """A GitHub table; each cell links to its case file, the `explain` command as link title."""
    head = "| jurisdiction | case | " + " | ".join(f"`{p.name}`" for p in m.principles) + " |"
    rule = "| --- | --- | " + " | ".join(":---:" for _ in m.principles) + " |"
    lines = [head, rule]
    for r in m.rows:
        link = Path(os.path.relpath(r.path, base)).as_posix()
        cells = [
            f'[{c.word}]({link} "{explain_command(r, p)}")' if c.word != "error" else "error"
            for c, p in zip(r.cells, m.principles, strict=True)
        ]
        lines.append(f"| {r.jurisdiction} | [{r.case}]({link}) | " + " | ".join(cells) + " |")
    lines.append("")
    lines.append("holds / fails: verdict of the checker; n.a.: not applicable (the case does not model what the "
                 "principle needs). Hover a cell for the command that prints its trace "
                 "(`revcheck explain FILE PRINCIPLE`).")
    return "\n".join(lines)


def render_json(m: Matrix, base: str = ".") -> str:
    doc = {
        "schema": SCHEMA,
        "principles": [{"name": p.name, "title": p.title} for p in m.principles],
        "rows": [
            {
                "case": r.case, "jurisdiction": r.jurisdiction, "path": r.path,
                "procedure": r.procedure, "title": r.title,
                "cells": {
                    p.name: {"verdict": c.word, "how": c.how, "expected": c.expected or None,
                             "match": c.match or None, "explain": explain_command(r, p)}
                    for c, p in zip(r.cells, m.principles, strict=True)
                },
            }
            for r in m.rows
        ],
    }
    return json.dumps(doc, indent=2, ensure_ascii=False)


def render_csv(m: Matrix, base: str = ".") -> str:
    buf = io.StringIO()
    w = csv.writer(buf, lineterminator="\n")
    w.writerow(["jurisdiction", "case", "path", *(p.name for p in m.principles)])
    for r in m.rows:
        w.writerow([r.jurisdiction, r.case, r.path, *(c.word for c in r.cells)])
    return buf.getvalue().rstrip("\n")


def render_sarif(m: Matrix, base: str = ".") -> str:
    """`check --format sarif` for the principles only: per case, one result per principle that
    fails (error; a note with an `inSource` suppression when the case expects it) or is unsettled
    (open), at the same place as `check` puts it; the diagnostics of a case that does not check.
    Each result's property bag names its `case`, `jurisdiction` and `explain` command."""
    names = [p.name for p in m.principles]
    findings = []
    for r in m.rows:
        if r.report is None:
            continue
        tags = {"case": r.case, "jurisdiction": r.jurisdiction}
        for f in sarif.principle_findings(r.report, names):
            extra = {"explain": f"revcheck explain {r.path} {f.rule.id}"} if f.rule.id in names else {}
            findings.append(replace(f, properties={**f.properties, **tags, **extra}))
    return sarif.dumps(sarif.sarif_log(findings))


def render_junit(m: Matrix, base: str = ".") -> str:
    """`check --format junit` for the principles only: one suite per case (named `prc/current`),
    one test case per principle (classname the case), failing as in `check`."""
    names = [p.name for p in m.principles]
    suites = [
        junit.principle_suite(r.report, names, r.case, r.case,
                              {"jurisdiction": r.jurisdiction, "procedure": r.procedure})
        for r in m.rows
        if r.report is not None
    ]
    return junit.junit_document(suites, name="revcheck matrix")


TABLES: dict[str, Callable[[Matrix, str], str]] = {
    "text": render_text, "markdown": render_markdown, "json": render_json, "csv": render_csv,
}
FORMATS: dict[str, Callable[[Matrix, str], str]] = {**TABLES, "sarif": render_sarif, "junit": render_junit}


# ----------------------------------------------------------------------------- README section


def replace_section(document: str, table: str) -> str | None:
    """`document` with the text between the matrix markers replaced by `table` (None: no markers)."""
    start, end = document.find(BEGIN), document.find(END)
    if start < 0 or end < start:
        return None
    return document[: start + len(BEGIN)] + "\n" + table + "\n" + document[end:]


def _section_command(args: argparse.Namespace, m: Matrix) -> int:
    target = args.update or args.check
    try:
        document = Path(target).read_text(encoding="utf-8")
    except OSError as exc:
        print(f"revcheck: error: cannot read {target}: {exc.strerror}", file=sys.stderr)
        return 2
    table = FORMATS[args.format](m, str(Path(target).parent))
    updated = replace_section(document, table)
    if updated is None:
        print(f"revcheck: error: {target} has no '{BEGIN}' … '{END}' section", file=sys.stderr)
        return 2
    if args.check:
        if updated != document:
            print(f"{target}: the matrix is out of date; run revcheck matrix … --update {target}")
            return 1
        print(f"{target}: the matrix is up to date")
        return 0
    if updated != document:
        Path(target).write_text(updated, encoding="utf-8")
    print(f"{target}: matrix {'updated' if updated != document else 'already up to date'}")
    return 0


def run(args: argparse.Namespace) -> int:
    paths, missing = collect_paths(args.targets)
    for name in missing:
        print(f"revcheck: error: file or folder not found: {name}", file=sys.stderr)
    if missing:
        return 2
    if (args.update or args.check) and args.format not in TABLES:
        print(f"revcheck: error: --update/--check need a table format ({', '.join(TABLES)}), "
              f"not {args.format}", file=sys.stderr)
        return 2
    if not paths:
        print("revcheck: error: no .rev files found in " + ", ".join(args.targets), file=sys.stderr)
        return 2
    m = build_matrix(paths, args.library)
    if not m.principles:
        print(f"revcheck: error: cannot find the library '{args.library}' from {paths[0]}", file=sys.stderr)
        return 2
    if args.update or args.check:
        return _section_command(args, m)
    ok = emit(FORMATS[args.format](m, "."), args.output)
    errors = any(c.word == "error" for r in m.rows for c in r.cells)
    return 2 if errors or not ok else 0


def register(sub: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    p = sub.add_parser("matrix", help="jurisdictions x principles: one verdict per case and principle")
    p.add_argument("targets", nargs="+", metavar="DIR|FILE")
    p.add_argument("--format", choices=list(FORMATS), default="text")
    p.add_argument("--library", default="principles", help="the library whose properties are the columns")
    p.add_argument("--output", metavar="FILE", help="write the output (any format) to FILE instead of standard output")
    group = p.add_mutually_exclusive_group()
    group.add_argument("--update", metavar="FILE",
                       help="rewrite the matrix section of FILE (between the matrix:begin/end markers)")
    group.add_argument("--check", metavar="FILE", help="exit 1 if the matrix section of FILE is out of date")
    p.set_defaults(func=run)
