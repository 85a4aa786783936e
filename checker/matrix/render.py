"""The matrix as text, Markdown, JSON, CSV, SARIF and JUnit, and the `--update` section."""

from __future__ import annotations

import csv
import io
import json
import os
import textwrap
from collections.abc import Callable
from dataclasses import replace
from pathlib import Path

from checker.matrix.table import (
    BEGIN,
    END,
    FAILS,
    HOLDS,
    NOT_MODELLED,
    SCHEMA,
    SILENT,
    VACUOUS,
    Cell,
    Matrix,
    Principle,
    Row,
)
from checker.report.check import junit, sarif

WIDTH = 100  # the text table, its key and its notes fit a terminal of this many columns

# Short column keys for the text table; a principle not listed gets the first free 3 letters.
KEYS = {
    "trial_execution_separation": "sep",
    "party_disposition": "dsp",
    "hearing_before_decision": "hrg",
    "remedy_after_decision": "rem",
    "reversal_scope": "scp",
    "third_party_protection": "3rd",
    "restitution_fruits": "frt",
    "restitution_damages": "dmg",
    "made_whole_without_action": "who",
    "enforceable_outcome": "enf",
    "statutory_exclusions": "exc",
    "application_decided": "dec",
    "reversal_ends": "end",
    "timeliness": "tim",
}
SYMBOLS = {
    HOLDS: "H",
    VACUOUS: "(H)",
    FAILS: "F",
    NOT_MODELLED: "-",
    SILENT: "0",
    "unknown": "?",
    "error": "E",
}
LEGEND = (
    ("holds", "H", "proved on every reachable state (exhaustive search or induction)"),
    ("holds vacuously", "(H)", "nothing it speaks of can happen in this law; the note says why"),
    ("fails", "F", "a counterexample exists (`revcheck explain FILE PRINCIPLE`)"),
    ("not modelled", "-", "the case leaves out what the principle needs; the note says what"),
    ("no such rule", "0", "the law is silent on it, and that is the finding; the note says why"),
)
PERIOD_NOTE = (
    "timeliness is judged for every system against one period: 30 days (a reference period) "
    "unless the system's own law sets one; the period column shows the system's own "
    '("none" where its law has none), '
    "so a law without a period never looks better than one with it."
)
CAVEAT = (
    "Not the legal verdict itself: each principle has a formal reading, "
    "narrower than the principle "
    '(spec/principles.rev). "unknown" or "holds≤k" would mark a search cut short, never a proof.'
)


def column_keys(principles: tuple[Principle, ...]) -> dict[str, str]:
    """A short, unique key per principle for the text table."""
    keys: dict[str, str] = {}
    for p in principles:
        key = KEYS.get(p.name) or p.name[:3]
        n = 1
        while key in keys.values():
            key, n = f"{p.name[:2]}{n}", n + 1
        keys[p.name] = key
    return keys


def _symbol(c: Cell) -> str:
    return SYMBOLS.get(c.word, c.word if c.word.startswith("holds≤") else "?")


# Principles whose every cell carries its reason: for the exclusions, what is protected and at
# which instance (appeal, cassation, supervision) is the finding, whatever the verdict.
ALWAYS_NOTED = frozenset({"statutory_exclusions"})


def _noted(m: Matrix) -> list[tuple[Row, Principle, Cell]]:
    """Cells whose verdict needs its reason beside it: vacuous, not modelled, no such rule, and
    every cell of an ALWAYS_NOTED principle."""
    return [
        (r, p, c)
        for r in m.rows
        for p, c in zip(m.principles, r.cells, strict=True)
        if c.word in (VACUOUS, NOT_MODELLED, SILENT) or p.name in ALWAYS_NOTED
    ]


def explain_command(row: Row, principle: Principle) -> str:
    return f"revcheck explain {row.path} {principle.name}"


# ----------------------------------------------------------------------------- rendering


def render_text(m: Matrix, base: str = ".") -> str:
    """A table that fits WIDTH columns: one symbol per cell, the principles by key; then the key,
    the legend, and for every vacuous, unmodelled or silent cell its reason."""
    keys = column_keys(m.principles)
    header = ["case", *(keys[p.name] for p in m.principles), "period"]
    body = [
        [r.case, *(_symbol(c) for c in r.cells), r.own_period.replace(" days", " d")]
        for r in m.rows
    ]
    widths = [max(len(x) for x in col) for col in zip(header, *body, strict=True)]
    lines = [
        " ".join(x.ljust(w) for x, w in zip(line, widths, strict=True)).rstrip()
        for line in [header, *body]
    ]
    lines += ["", "key:"]
    entries = [f"{keys[p.name]} {p.name}" for p in m.principles] + [
        "period  the system's own period"
    ]
    lines += _columns(entries)
    lines += ["", "legend:"]
    lines += [f"  {sym:<4}{word}: {meaning}" for word, sym, meaning in LEGEND]
    lines += textwrap.wrap(PERIOD_NOTE, WIDTH, initial_indent="  ", subsequent_indent="  ")
    lines += textwrap.wrap(CAVEAT, WIDTH, initial_indent="  ", subsequent_indent="  ")
    noted = _noted(m)
    if noted:
        lines += [
            "",
            "notes (why a cell is vacuous, not modelled, or no such rule; "
            "what the exclusions protect):",
        ]
        for text in _grouped(noted, keys):
            lines += textwrap.wrap(text, WIDTH, initial_indent="  ", subsequent_indent="      ")
    lines.append("")
    lines.append("each cell's trace: revcheck explain FILE PRINCIPLE")
    return "\n".join(lines)


def _grouped(noted: list[tuple[Row, Principle, Cell]], keys: dict[str, str]) -> list[str]:
    """One note per case and verdict word: 'prc/x not modelled: scp (needs …); 3rd (needs …)'."""
    groups: dict[tuple[str, str], list[str]] = {}
    for r, p, c in noted:
        reason = c.why or (c.expected and f"expected {c.expected}") or ""
        groups.setdefault((r.case, c.word), []).append(
            f"{keys[p.name]} ({reason})" if reason else keys[p.name]
        )
    return [f"{case} {word}: " + "; ".join(items) for (case, word), items in groups.items()]


def _columns(entries: list[str]) -> list[str]:
    """Key entries in as many columns as fit WIDTH."""
    w = max(len(e) for e in entries) + 2
    per_line = max(1, (WIDTH - 2) // w)
    return [
        "  " + "".join(e.ljust(w) for e in entries[i : i + per_line]).rstrip()
        for i in range(0, len(entries), per_line)
    ]


def render_markdown(m: Matrix, base: str = ".") -> str:
    """A GitHub table; each cell links to its case file, the `explain` command as link title; the
    legend, and the reason of every vacuous, unmodelled or silent cell, below it."""
    head = (
        "| jurisdiction | case | "
        + " | ".join(f"`{p.name}`" for p in m.principles)
        + " | own period |"
    )
    rule = "| --- | --- | " + " | ".join(":---:" for _ in m.principles) + " | :---: |"
    lines = [head, rule]
    for r in m.rows:
        link = Path(os.path.relpath(r.path, base)).as_posix()
        cells = [
            f'[{c.word}]({link} "{explain_command(r, p)}")' if c.word != "error" else "error"
            for c, p in zip(r.cells, m.principles, strict=True)
        ]
        lines.append(
            f"| {r.jurisdiction} | [{r.case}]({link}) | "
            + " | ".join(cells)
            + f" | {r.own_period} |"
        )
    lines.append("")
    lines.append(
        "Legend. "
        + "; ".join(f"**{word}**: {meaning}" for word, _, meaning in LEGEND)
        + ". "
        + PERIOD_NOTE[0].upper()
        + PERIOD_NOTE[1:]
        + " "
        + CAVEAT
        + " Hover a cell for the command that prints its trace (`revcheck explain FILE PRINCIPLE`)."
    )
    noted = _noted(m)
    if noted:
        lines += ["", "Why (cells that are vacuous, not modelled, or have no rule in the law):", ""]
        lines += [f"- {r.case}, `{p.name}`: {c.word}: {c.why}" for r, p, c in noted]
    return "\n".join(lines)


def render_json(m: Matrix, base: str = ".") -> str:
    doc = {
        "schema": SCHEMA,
        "principles": [{"name": p.name, "title": p.title} for p in m.principles],
        "rows": [
            {
                "case": r.case,
                "jurisdiction": r.jurisdiction,
                "path": r.path,
                "procedure": r.procedure,
                "title": r.title,
                "own_period": r.own_period,
                "cells": {
                    p.name: {
                        "verdict": c.word,
                        "how": c.how,
                        "expected": c.expected or None,
                        "match": c.match or None,
                        "why": c.why or None,
                        "explain": explain_command(r, p),
                    }
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
    w.writerow(["jurisdiction", "case", "path", *(p.name for p in m.principles), "own_period"])
    for r in m.rows:
        w.writerow([r.jurisdiction, r.case, r.path, *(c.word for c in r.cells), r.own_period])
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
            extra = (
                {"explain": f"revcheck explain {r.path} {f.rule.id}"} if f.rule.id in names else {}
            )
            findings.append(replace(f, properties={**f.properties, **tags, **extra}))
    return sarif.dumps(sarif.sarif_log(findings))


def render_junit(m: Matrix, base: str = ".") -> str:
    """`check --format junit` for the principles only: one suite per case (named `prc/current`),
    one test case per principle (classname the case), failing as in `check`."""
    names = [p.name for p in m.principles]
    suites = [
        junit.principle_suite(
            r.report,
            names,
            r.case,
            r.case,
            {"jurisdiction": r.jurisdiction, "procedure": r.procedure},
        )
        for r in m.rows
        if r.report is not None
    ]
    return junit.junit_document(suites, name="revcheck matrix")


TABLES: dict[str, Callable[[Matrix, str], str]] = {
    "text": render_text,
    "markdown": render_markdown,
    "json": render_json,
    "csv": render_csv,
}
FORMATS: dict[str, Callable[[Matrix, str], str]] = {
    **TABLES,
    "sarif": render_sarif,
    "junit": render_junit,
}


# ----------------------------------------------------------------------------- README section


def replace_section(document: str, table: str) -> str | None:
    """`document` with the text between the matrix markers replaced by `table` (None: no
    markers)."""
    start, end = document.find(BEGIN), document.find(END)
    if start < 0 or end < start:
        return None
    return document[: start + len(BEGIN)] + "\n" + table + "\n" + document[end:]
