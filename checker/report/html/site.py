"""`revcheck report`: a static, self-contained HTML site of cases, verdicts and explanations.

Pages: `index.html` (the matrix, coloured by verdict, each cell linking to its explanation), one
page per case (verdicts and how each was obtained, stage graph, the bill's diff against its base,
the consolidated law, every article in the original and English), and one page per property
(the run as numbered plain-language steps linking to the articles, the stage graph with the
run's steps highlighted, formulas in a "details" part). No scripts, no network: every page
opens from the file system. Nothing is checked twice: the matrix's reports, with their state
spaces, feed every page and the bills' diffs.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

from jinja2 import Environment, PackageLoader, select_autoescape

from checker.core.outcome import FileReport, PropertyOutcome
from checker.core.result import CheckOptions
from checker.matrix.table import Matrix, Row, build_matrix, principles_of
from checker.report.breaches import other_breaches
from checker.report.consolidated import consolidated_text
from checker.report.html.billdiff import bill_diff
from checker.report.html.common import (
    CHROME,
    check_options,
    slug,
    space_of,
    status_class,
    verdict_info,
)
from checker.report.html.stagegraph import StageGraph, project, render_svg
from checker.report.narrative import (
    WORDS,
    Lang,
    Story,
    cited_sources,
    default_lang,
    detail_lines,
    narrate,
    property_title,
    rule_title,
    source_title,
    word,
)
from dsl.model import Model


@dataclass(frozen=True, slots=True)
class Site:
    """What was written: the pages, and the matrix they show."""

    out: Path
    pages: tuple[Path, ...]
    matrix: Matrix
    errors: tuple[str, ...] = ()


@dataclass
class _Case:
    row: Row
    slug: str
    report: FileReport
    lang: Lang
    graph: Any = None
    pages: dict[str, str] = field(default_factory=dict)  # property -> page path (relative to out)
    diff: dict[str, Any] | None = None  # for a bill: its diff against the law it amends


def _env() -> Environment:
    env = Environment(
        loader=PackageLoader("checker.report.html", "templates"),
        autoescape=select_autoescape(["html"]),
        trim_blocks=True,
        lstrip_blocks=True,
    )
    return env


def build_site(
    paths: list[str],
    out: str,
    lang: Lang | None = None,
    library: str = "principles",
    progress: Callable[[str], None] | None = None,
    graph_engine: str = "auto",
    limits: dict[str, Any] | None = None,
) -> Site:
    """Check `paths` once and write the site into `out` (created; old pages overwritten);
    `limits`: `max_states` and `timeout_s` for `CheckOptions` (`--max-states`, `--timeout`)."""
    options = replace(check_options(), **(limits or {}))
    checked = _check_all(paths, library, options, lang, progress)
    principles = principles_of(library, paths[0]) if paths else ()
    matrix = Matrix(principles, tuple(c.row for c in checked))
    root = Path(out)
    root.mkdir(parents=True, exist_ok=True)
    env = _env()
    cases: list[_Case] = []
    for c in checked:
        report = c.row.report
        if report is None:
            continue
        model = report.result.model if report.result is not None else None
        case = _Case(
            c.row,
            slug(c.row.case),
            report,
            lang or (default_lang(model) if model else "en"),
            c.graph,
            diff=c.diff,
        )
        cases.append(case)
    in_site = {c.slug for c in cases}
    pages: list[Path] = []
    errors: list[str] = []
    for case in cases:
        if progress is not None:
            progress(f"pages of {case.row.case}")
        pages += _explanations(env, root, case, graph_engine)
    for case in cases:
        if case.diff is not None and case.diff["base_slug"] not in in_site:  # no page to link to
            case.diff = dict(
                case.diff,
                base_href="",
                changes=[dict(ch, old_href="") for ch in case.diff["changes"]],
            )
        pages.append(_case_page(env, root, case, graph_engine))
        if case.report.result is None:
            errors.append(case.row.path)
    pages.append(_index(env, root, matrix, cases, lang or "en"))
    return Site(root, tuple(pages), matrix, tuple(errors))


@dataclass(frozen=True, slots=True)
class _Checked:
    """One case after checking: its matrix row, its stage graph and, for a bill, its diff."""

    row: Row
    graph: StageGraph | None
    diff: dict[str, Any] | None


def _check_all(
    paths: list[str],
    library: str,
    options: CheckOptions,
    lang: Lang | None,
    progress: Callable[[str], None] | None,
) -> list[_Checked]:
    """Check every case once; a bill's diff reuses its base's report and state space.

    (Checking in two processes was tried: a law and its bills must share a process for the
    diff, and that group is most of the work, so it was slower, not faster.)"""
    matrix = build_matrix(paths, library, options, progress)
    by_path = {os.path.realpath(r.path): r.report for r in matrix.rows if r.report is not None}
    out = []
    for row in matrix.rows:
        report = row.report
        graph = diff = None
        if report is not None and report.result is not None:
            model = report.result.model
            graph = project(model, space_of(report))
            diff = bill_diff(row, by_path, options, lang or default_lang(model))
        out.append(_Checked(row, graph, diff))
    return out


# ----------------------------------------------------------------------------- the matrix


def _index(env: Environment, root: Path, matrix: Matrix, cases: list[_Case], lang: Lang) -> Path:
    by_case = {c.row.case: c for c in cases}
    legend: dict[str, str] = {}
    rows = []
    for row in matrix.rows:
        case = by_case.get(row.case)
        cells = []
        for principle, cell in zip(matrix.principles, row.cells, strict=True):
            outcome = _outcome(case.report, principle.name) if case else None
            cls = status_class(outcome, error=case is None or case.report.result is None)
            # two words of one status (e.g. two kinds of "not applicable") must look different
            same = [w for w, c in legend.items() if c.split()[0] == cls and w != cell.word]
            if cell.word not in legend and same:
                cls = f"{cls} alt{min(len(same), 2)}"
            cls = legend.setdefault(cell.word, cls)
            reason = str(getattr(cell, "why", "") or getattr(cell, "reason", "") or cell.how)
            href = ""
            if case is not None:
                href = case.pages.get(principle.name, f"{case.slug}.html")
            cells.append(
                {
                    "word": cell.word,
                    "reason": reason,
                    "cls": cls,
                    "href": href,
                    "expected": cell.expected,
                    "match": cell.match,
                }
            )
        result = case.report.result if case is not None else None
        own = result.model.title_zh if result is not None and lang == "zh" else ""
        rows.append(
            {
                "case": row.case,
                "jurisdiction": row.jurisdiction,
                "title": own or row.title,
                "href": f"{case.slug}.html" if case else "",
                "cells": cells,
            }
        )
    titles = {}
    for p in matrix.principles:
        prop = next(
            (o.property for c in cases for o in c.report.outcomes if o.property.name == p.name),
            None,
        )
        titles[p.name] = property_title(prop, lang) if prop is not None else (p.title or p.name)
    html = env.get_template("index.html").render(
        t=CHROME[lang],
        lang=lang,
        principles=matrix.principles,
        rows=rows,
        titles=titles,
        legend=[{"word": w, "cls": c} for w, c in legend.items()],
        root=".",
    )
    path = root / "index.html"
    path.write_text(html, encoding="utf-8")
    return path


def _outcome(report: FileReport, name: str) -> PropertyOutcome | None:
    return next((o for o in report.outcomes if o.property.name == name), None)


# ----------------------------------------------------------------------------- explanations


def _article(model: Model, name: str, lang: Lang) -> dict[str, str]:
    src = model.source(name)
    assert src is not None
    return {
        "id": f"src-{name}",
        "title": source_title(model, name, lang),
        "original": src.zh,
        "english": src.text,
        "name": name,
    }


def _explanations(env: Environment, root: Path, case: _Case, graph_engine: str) -> list[Path]:
    result = case.report.result
    if result is None:
        return []
    model, lang = result.model, case.lang
    folder = root / case.slug
    folder.mkdir(exist_ok=True)
    out = []
    template = env.get_template("explain.html")
    for o in case.report.outcomes:
        rel = f"{case.slug}/{slug(o.property.name)}.html"
        story = narrate(model, o.verdict.trace, lang) if o.verdict.trace is not None else None
        cited = cited_sources(model, story) if story is not None else []
        svg = ""
        if case.graph is not None and o.verdict.trace is not None:
            svg = render_svg(model, case.graph, lang, o.verdict.trace, graph_engine)
        details = [f"{o.property.name}: {o.property.text}"]
        if o.property.origin and o.property.origin != model.path:
            details.append(word(lang, "declared_in", o.property.origin))
        details.append(o.verdict.how)
        if o.verdict.note:
            details.append(o.verdict.note)
        if story is not None:
            details += [line.strip() for line in detail_lines(story)]
        steps = _steps(story) if story is not None else []
        others = []
        for _rule, trace in other_breaches(case.report, o):
            other = narrate(model, trace, lang)
            cited += [c for c in cited_sources(model, other) if c not in cited]
            others.append(
                {
                    "title": rule_title(model, trace.steps[-1][0], lang),
                    "n": word(lang, "steps", n=len(trace)),
                    "steps": _steps(other),
                }
            )
        html = template.render(
            t=CHROME[lang],
            w=WORDS[lang],
            lang=lang,
            root="..",
            case=_case_info(case),
            v=verdict_info(o, lang),
            story=story,
            steps=steps,
            others=others,
            others_title=word(lang, "other_breaches", n=len(others)),
            articles=[_article(model, n, lang) for n in cited],
            svg=svg,
            graph_var=case.graph.var if case.graph is not None else "",
            details=details,
            witness=o.verdict.status.value == "holds",
        )
        path = root / rel
        path.write_text(html, encoding="utf-8")
        case.pages[o.property.name] = rel
        out.append(path)
    return out


def _steps(story: Story) -> list[dict[str, Any]]:
    """A story's steps as the template reads them."""
    return [
        {
            "label": s.label,
            "first": s.first,
            "who": s.who,
            "what": s.what,
            "time": s.is_time,
            "changes": s.changes,
            "cites": [
                {"href": f"#src-{c.name}", "title": c.title, "name": c.name} for c in s.citations
            ],
        }
        for s in story.steps
    ]


def _case_info(case: _Case) -> dict[str, Any]:
    result = case.report.result
    own = result.model.title_zh if result is not None and case.lang == "zh" else ""
    return {
        "case": case.row.case,
        "slug": case.slug,
        "title": own or case.row.title or case.row.case,
        "path": case.row.path,
        "jurisdiction": case.row.jurisdiction,
        "engine": result.engine if result else "",
        "states": result.states if result else 0,
        "seconds": f"{result.seconds:.2f}" if result else "",
    }


# ----------------------------------------------------------------------------- case pages


def _case_page(env: Environment, root: Path, case: _Case, graph_engine: str) -> Path:
    report, lang = case.report, case.lang
    result = report.result
    law, _ = consolidated_text(case.row.path)
    verdicts = [
        dict(verdict_info(o, lang), href=f"{case.slug}/{slug(o.property.name)}.html")
        for o in report.outcomes
    ]
    svg = ""
    articles: list[dict[str, str]] = []
    dead_ends = 0
    diff = None
    if result is not None:
        model = result.model
        if case.graph is not None:
            svg = render_svg(model, case.graph, lang, None, graph_engine)
        articles = [_article(model, s.name, lang) for s in model.sources]
        dead_ends = max(result.dead_end_count or 0, len(result.dead_ends))
        diff = case.diff
    problems = "" if result is not None else _diagnostics(report)
    html = env.get_template("case.html").render(
        t=CHROME[lang],
        lang=lang,
        root=".",
        case=_case_info(case),
        verdicts=verdicts,
        svg=svg,
        graph_var=case.graph.var if case.graph is not None else "",
        law=law,
        articles=articles,
        dead_ends=dead_ends,
        diff=diff,
        problems=problems,
        checked=result is not None,
    )
    path = root / f"{case.slug}.html"
    path.write_text(html, encoding="utf-8")
    return path


def _diagnostics(report: FileReport) -> str:
    from checker.report.check.text import render_report

    return render_report(report)
