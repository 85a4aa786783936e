"""JUnit XML for `revcheck diff`: one suite, one test case per property and one each for the
rules, the reachable steps and the dead ends. A test case fails exactly when it makes the
diff fail (`--fail-on regression`: a regression not expected by the new version; `--fail-on
change`: any change); failures carry the new counterexample or the witnesses as text."""

from __future__ import annotations

import xml.etree.ElementTree as ET

from checker.diff.versions import Change, DiffReport, PropertyChange
from checker.report.check.junit import file_suite, junit_document
from checker.report.check.text import render_trace
from checker.report.diff.text import render_diff
from dsl.model import Model


def _property_case(suite: ET.Element, p: PropertyChange, model: Model, fail_on: str) -> bool:
    case = ET.SubElement(suite, "testcase", classname="diff", name=p.name, time="0.000")
    before = p.old.verdict.word if p.old else "absent"
    after = p.new.verdict.word if p.new else "absent"
    text = [f"{p.name}: {before} → {after} ({p.change.value})"]
    if p.change is Change.REGRESSED and p.new is not None and p.new.verdict.trace is not None:
        text.append("new counterexample:")
        text += render_trace(model, p.new.verdict.trace, indent="  ")
    failing = p.is_regression or (fail_on == "change" and p.change is not Change.UNCHANGED)
    if failing:
        el = ET.SubElement(
            case, "failure", message=f"{before} → {after} ({p.change.value})", type=p.change.value
        )
        el.text = "\n".join(text)
    else:
        ET.SubElement(case, "system-out").text = "\n".join(text)
    return failing


def _summary_case(suite: ET.Element, name: str, changed: bool, text: str, fail_on: str) -> bool:
    case = ET.SubElement(suite, "testcase", classname="diff", name=name, time="0.000")
    failing = changed and fail_on == "change"
    if failing:
        ET.SubElement(case, "failure", message=f"{name} changed", type="change").text = text
    else:
        ET.SubElement(case, "system-out").text = text
    return failing


def _law_case(suite: ET.Element, diff: DiffReport, text: str) -> bool:
    """One case for the guarantees: fails on a property, principle or expectation removed or
    weakened, an actor reclassified or an act kind changed (unless allowed)."""
    case = ET.SubElement(suite, "testcase", name="guarantees and actors", classname="diff")
    bad = diff.law_regressions
    if bad:
        words = "; ".join(f"{c.kind.value}: {c.name}" for c in bad)
        ET.SubElement(case, "failure", message=words, type="regression").text = text
    elif diff.law:
        ET.SubElement(case, "system-out").text = text
    return bool(bad)


def render_diff_junit(diff: DiffReport, fail_on: str = "regression") -> str:
    if diff.bad_input:
        return junit_document([file_suite(r) for r in diff.reports], name="revcheck diff")
    assert diff.new_report.result is not None
    suite = ET.Element("testsuite", name=f"diff {diff.old.label} → {diff.new.label}")
    failures = sum(
        _property_case(suite, p, diff.new_report.result.model, fail_on) for p in diff.properties
    )
    full = render_diff(diff, fail_on)
    sections = {"rules": bool(diff.rules)}
    failures += _law_case(suite, diff, full)
    if diff.reach is not None:
        sections["reachable steps"] = bool(diff.reach.added_steps or diff.reach.removed_steps)
        sections["dead ends"] = bool(
            diff.reach.new_dead_end_count or diff.reach.removed_dead_end_count
        )
    for name, changed in sections.items():
        failures += _summary_case(suite, name, changed, full, fail_on)
    suite.set("tests", str(len(diff.properties) + len(sections) + 1))
    suite.set("failures", str(failures))
    suite.set("errors", "0")
    suite.set("skipped", "0")
    return junit_document([suite], name="revcheck diff")
