"""A bill's diff against the law it amends, read for its page: verdicts fixed or regressed,
rules changed and steps made possible or impossible, by their titles, with links."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

from checker.api import check_file
from checker.core.outcome import FileReport
from checker.core.result import CheckOptions
from checker.diff.law import diff_law
from checker.diff.revision import Version
from checker.diff.rules import bill_spans, diff_rules
from checker.diff.steps import diff_reach
from checker.diff.versions import DiffReport, diff_properties
from checker.matrix.table import Row
from checker.report.consolidated import bill_chain
from checker.report.diff.text import render_diff
from checker.report.html.common import slug, space_of, verdict_info
from checker.report.narrative import Lang, actor_title
from dsl.model import Model


def bill_diff(
    row: Row, by_path: dict[str, FileReport], options: CheckOptions, lang: Lang
) -> dict[str, Any] | None:
    """For a bill (`extends`), the diff against the law it amends, from the reports at hand
    (the base is checked here only when it is not among them)."""
    chain = bill_chain(row.path)
    if len(chain) < 2 or row.report is None:
        return None
    base_path = chain[-2].path
    old_report = by_path.get(os.path.realpath(base_path)) or check_file(base_path, options)
    new_report = row.report
    base_slug, case_slug = (
        slug(f"{Path(base_path).parent.name}/{Path(base_path).stem}"),
        slug(row.case),
    )
    if old_report.result is None or new_report.result is None:
        return None
    old_model, new_model = old_report.result.model, new_report.result.model
    rules = diff_rules(old_model, new_model, bill_spans(new_report.files, row.path))
    reach = None
    old_space, new_space = space_of(old_report), space_of(new_report)
    if old_space is not None and new_space is not None:
        reach = diff_reach(old_space, new_space)
    report = DiffReport(
        Version(base_path, base_path),
        Version(row.path, row.path),
        old_report,
        new_report,
        diff_properties(old_report, new_report),
        rules,
        diff_law(old_model, new_model, rules, frozenset()),
        reach,
    )
    changes = []
    for p in report.properties:
        if p.change.value == "unchanged":
            continue
        old = verdict_info(p.old, lang) if p.old is not None else None
        new = verdict_info(p.new, lang) if p.new is not None else None
        base_href = f"{base_slug}/{slug(p.name)}.html" if p.old is not None else ""
        changes.append(
            {
                "name": p.name,
                "change": _change_word(p.change.value, lang),
                "old": old,
                "new": new,
                "old_href": base_href,
                "new_href": f"{case_slug}/{slug(p.name)}.html" if p.new is not None else "",
                "regression": p.is_regression,
            }
        )
    rule_changes = [
        {
            "kind": _change_word(r.kind.value, lang),
            "details": r.details,
            "title": _declared_title(
                new_model if r.kind.value != "repealed" else old_model, r.rule, lang
            ),
        }
        for r in rules
    ]
    steps: dict[str, list[dict[str, str]]] = {"added": [], "removed": []}
    if reach is not None:
        for key, witnesses, model in (
            ("added", reach.added_steps, new_model),
            ("removed", reach.removed_steps, old_model),
        ):
            steps[key] = [
                {
                    "what": _declared_title(model, w.label.rule, lang),
                    "who": actor_title(model, w.label.actor, lang),
                }
                for w in witnesses
            ]
    return {
        "base": base_path,
        "base_href": f"{base_slug}.html",
        "base_slug": base_slug,
        "changes": changes,
        "rules": rule_changes,
        "steps": steps,
        "text": render_diff(report),
    }


CHANGE_WORDS: dict[str, str] = {
    "fixed": "修正",
    "regressed": "退步",
    "changed": "改变",
    "added": "新增",
    "removed": "删除",
    "unchanged": "未变",
    "repealed": "废止",
    "amended": "修改",
}


def _change_word(change: str, lang: Lang) -> str:
    return CHANGE_WORDS.get(change, change) if lang == "zh" else change


def _declared_title(model: Model, rule: str, lang: Lang) -> str:
    """The title of declared rule `rule` (any of its instances), else its name."""
    instance = next((r for r in model.rules if r.rule == rule), None)
    if instance is None:
        return rule
    return (
        (instance.title_zh or instance.title or rule) if lang == "zh" else (instance.title or rule)
    )
