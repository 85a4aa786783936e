"""JUnit XML for CI test tabs (Jenkins, GitLab, GitHub test reporters).

Input: `FileReport`s. Output: `<testsuites>` with one `<testsuite>` per procedure and one
`<testcase classname=PROCEDURE name=PROPERTY>` per property:
- a verdict that differs from its expectation (or fails without one): `<failure>` whose text
  is the property, the verdicts and the trace as numbered legal steps;
- an unsettled verdict (unknown, bounded): `<skipped>`;
- a principle not applicable (not modelled, excluded): `<skipped>` with the reason;
- anything else passes; a trace of an expected failure goes to the test case's `<system-out>`.
A file with bad input (diagnostics, a refusal) is a suite with one test case `load` carrying an
`<error>`; each range error is a failing test case `range error`; dead ends are listed in the
suite's `<system-out>`; a dead-end search cut short by a limit is a skipped test case `dead ends`.
Every text and attribute passes through `xml_safe` (`junit_document`), so the XML is
well-formed whatever the input held.
"""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET

from checker.core.outcome import FileReport, Match, PropertyOutcome
from checker.core.verdict import Status
from checker.report.check.text import render_result, render_trace
from dsl.diagnostics import render


def _case(suite: ET.Element, classname: str, name: str, seconds: float = 0.0) -> ET.Element:
    return ET.SubElement(suite, "testcase", classname=classname, name=name, time=f"{seconds:.3f}")


def _outcome_text(report: FileReport, o: PropertyOutcome) -> str:
    assert report.result is not None
    v = o.verdict
    lines = [f"{o.property.name}: {v.word} ({v.how})"]
    if o.expectation is not None:
        lines.append(
            f"expected: {o.expectation.verdict}"
            + (f" — {o.expectation.reason}" if o.expectation.reason else "")
        )
    if o.property.text:
        lines.append(f"property: {o.property.text}")
    if v.note:
        lines.append(v.note)
    if v.trace is not None:
        word = "witness" if v.status.value == "holds" else "counterexample"
        lines.append(f"{word} ({len(v.trace)} steps):")
        lines += render_trace(report.result.model, v.trace, indent="  ")
    return "\n".join(lines)


def add_outcome(
    suite: ET.Element, report: FileReport, o: PropertyOutcome, classname: str | None = None
) -> str:
    """One test case (classname: the procedure unless given); returns its result: passed,
    failure or skipped."""
    assert report.result is not None
    case = _case(suite, classname or report.result.model.name, o.property.name)
    text = _outcome_text(report, o)
    if o.is_problem:
        expected = f", expected {o.expectation.verdict}" if o.expectation else ""
        el = ET.SubElement(
            case, "failure", message=f"{o.verdict.word}{expected}", type=o.match.value
        )
        el.text = text
        return "failure"
    if o.match is Match.UNSETTLED:
        ET.SubElement(case, "skipped", message=f"{o.verdict.word}: {o.verdict.how}")
        return "skipped"
    if o.verdict.status is Status.NOT_APPLICABLE:  # not modelled: nothing was tested
        why = o.verdict.note or o.verdict.how
        reason = (
            f" (expected: {o.expectation.reason})" if o.expectation and o.expectation.reason else ""
        )
        ET.SubElement(case, "skipped", message=f"not applicable: {why}{reason}").text = text
        return "skipped"
    ET.SubElement(case, "system-out").text = text
    return "passed"


def add_bad_input(suite: ET.Element, report: FileReport) -> None:
    case = _case(suite, report.path, "load")
    errors = [d for d in report.diagnostics if d.is_error]
    first = errors[0].message if errors else report.refusal
    el = ET.SubElement(case, "error", message=first, type="bad input")
    text = [render(d, report.files) for d in report.diagnostics]
    if report.refusal:
        text.append(f"cannot check {report.path}: {report.refusal}")
    el.text = "\n\n".join(text)


def file_suite(report: FileReport) -> ET.Element:
    name = report.result.model.name if report.result is not None else report.path
    suite = ET.Element("testsuite", name=name, file=report.path)
    counts = {"tests": 0, "failures": 0, "errors": 0, "skipped": 0}
    if report.has_errors:
        add_bad_input(suite, report)
        counts.update(tests=1, errors=1)
    elif report.is_library:
        _case(suite, report.path, "library checked for errors")
        counts["tests"] = 1
    elif report.result is not None:
        result = report.result
        for o in report.outcomes:
            kind = add_outcome(suite, report, o)
            counts["tests"] += 1
            if kind == "failure":
                counts["failures"] += 1
            elif kind == "skipped":
                counts["skipped"] += 1
        for i, err in enumerate(result.range_errors, start=1):  # each one a failure, as counted
            name = "range error" if len(result.range_errors) == 1 else f"range error {i}"
            case = _case(suite, result.model.name, name)
            el = ET.SubElement(case, "failure", message=err.message, type="range error")
            el.text = "\n".join([err.message, *render_trace(result.model, err.trace, indent="  ")])
            counts["tests"] += 1
            counts["failures"] += 1
        if report.dead_ends_unsettled:  # a limit cut the dead-end search short
            case = _case(suite, result.model.name, "dead ends")
            why = report.dead_ends_unsettled
            ET.SubElement(case, "skipped", message=f"unsettled: {why}").text = result.limit_note
            counts["tests"] += 1
            counts["skipped"] += 1
        ET.SubElement(suite, "system-out").text = "\n".join(render_result(report, result))
        suite.set("time", f"{result.seconds:.3f}")
    for k, v in counts.items():
        suite.set(k, str(v))
    return suite


def principle_suite(
    report: FileReport,
    names: list[str],
    name: str,
    classname: str,
    properties: dict[str, str] | None = None,
) -> ET.Element:
    """A suite for `matrix`: one test case per property in `names`, each as in `file_suite`
    (a property the file does not have is `<skipped>`); bad input is the test case `load`."""
    suite = ET.Element("testsuite", name=name, file=report.path)
    if properties:
        bag = ET.SubElement(suite, "properties")
        for key, value in properties.items():
            ET.SubElement(bag, "property", name=key, value=value)
    counts = {"tests": 0, "failures": 0, "errors": 0, "skipped": 0}
    if report.has_errors or report.result is None:
        add_bad_input(suite, report)
        counts.update(tests=1, errors=1)
    else:
        by_name = {o.property.name: o for o in report.outcomes}
        for prop in names:
            o = by_name.get(prop)
            if o is None:
                case = _case(suite, classname, prop)
                ET.SubElement(
                    case, "skipped", message="n.a.: the procedure does not import this property"
                )
                kind = "skipped"
            else:
                kind = add_outcome(suite, report, o, classname)
            counts["tests"] += 1
            if kind == "failure":
                counts["failures"] += 1
            elif kind == "skipped":
                counts["skipped"] += 1
        suite.set("time", f"{report.result.seconds:.3f}")
    for k, v in counts.items():
        suite.set(k, str(v))
    return suite


# Characters XML 1.0 cannot carry, even escaped: C0 controls but tab, LF, CR; lone surrogates;
# U+FFFE and U+FFFF.
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")


def xml_safe(text: str) -> str:
    """`text` with every character XML 1.0 forbids shown as `\\xNN` / `\\uNNNN`, so that the
    document stays well-formed whatever the input held (control characters, binary files)."""
    return _NOT_XML.sub(
        lambda m: f"\\x{ord(m[0]):02x}" if ord(m[0]) < 256 else f"\\u{ord(m[0]):04x}", text
    )


def sanitise(root: ET.Element) -> None:
    """Make every text, tail and attribute of the tree under `root` XML-safe (in place)."""
    for el in root.iter():
        if el.text:
            el.text = xml_safe(el.text)
        if el.tail:
            el.tail = xml_safe(el.tail)
        for key, value in el.attrib.items():
            el.set(key, xml_safe(value))


def junit_document(suites: list[ET.Element], name: str = "revcheck") -> str:
    """The JUnit document of every writer (check, diff, lint, matrix): sanitised here, once."""
    root = ET.Element("testsuites", name=name)
    for k in ("tests", "failures", "errors", "skipped"):
        root.set(k, str(sum(int(s.get(k, "0")) for s in suites)))
    root.extend(suites)
    sanitise(root)
    ET.indent(root)
    return '<?xml version="1.0" encoding="UTF-8"?>\n' + ET.tostring(root, encoding="unicode")


def render_junit(reports: list[FileReport]) -> str:
    return junit_document([file_suite(r) for r in reports])
