"""The matrix as text, Markdown, JSON, CSV, SARIF and JUnit, and the `--update` section."""

from __future__ import annotations

import csv
import io
import json
import os
from collections.abc import Callable
from dataclasses import replace
from pathlib import Path

from checker.matrix.table import (
    BEGIN,
    END,
    SCHEMA,
    Matrix,
    Principle,
    Row,
)
from checker.report.check import junit, sarif


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
