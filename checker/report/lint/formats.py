"""Machine formats for `revcheck lint` findings (`checker.symbolic.lint.Finding`).

Input: one `LintFile` per file linted (its findings, or the diagnostics that stopped it).
Output: JSON (schema `revcheck/lint/1`), SARIF 2.1.0 (one result per finding, `ruleId` the
finding's code, located at the first rule it names, the other rules as related locations) or
JUnit XML (a suite per file, a test case per finding code, failing on an error-level finding).
`render_lint(format, files)` is the hook for the `lint` subcommand's `--format`.
"""

from __future__ import annotations

import json
import xml.etree.ElementTree as ET
from dataclasses import dataclass, field
from typing import Any

from checker.report.check.json_report import diagnostic_json
from checker.report.check.junit import junit_document
from checker.report.check.sarif import Finding, Rule, diagnostic_finding, dumps, sarif_log
from checker.symbolic.lint import Finding as LintFinding
from dsl.diagnostics import Diagnostic, render
from dsl.source import SourceFile, Span

SCHEMA = "revcheck/lint/1"
CODES = {
    "dead-rule": "A rule that can never apply (dead provision)",
    "competence-conflict": "Organs of different kinds competent for the same decision in one situation",
    "contradiction": "Rules that apply in the same situation with contradictory effects",
    "vacuous-property": "A property that holds only because its premise never happens",
}


@dataclass(frozen=True, slots=True)
class LintFile:
    path: str
    findings: tuple[LintFinding, ...] = ()
    diagnostics: tuple[Diagnostic, ...] = ()
    files: dict[str, SourceFile] = field(default_factory=dict, compare=False)

    @property
    def bad_input(self) -> bool:
        return any(d.is_error for d in self.diagnostics)


def lint_exit_code(files: list[LintFile]) -> int:
    if any(f.bad_input for f in files):
        return 2
    return 1 if any(x.severity == "error" for f in files for x in f.findings) else 0


def _span_json(s: Span) -> dict[str, Any]:
    return {"file": s.path, "line": s.line, "column": s.col, "end_line": s.end_line, "end_column": s.end_col}


def render_lint_json(files: list[LintFile]) -> str:
    doc = {
        "schema": SCHEMA,
        "exit_code": lint_exit_code(files),
        "files": [
            {
                "path": f.path,
                "diagnostics": [diagnostic_json(d) for d in f.diagnostics],
                "findings": [
                    {"code": x.code, "severity": x.severity, "message": x.message, "rules": list(x.rules),
                     "citations": [{"source": s, "title": t} for s, t in x.citations], "how": x.how,
                     "property": x.property or None, "locations": [_span_json(s) for s in x.spans]}
                    for x in f.findings
                ],
            }
            for f in files
        ],
    }
    return json.dumps(doc, ensure_ascii=False, indent=2)


def lint_sarif_findings(files: list[LintFile]) -> list[Finding]:
    out: list[Finding] = []
    for f in files:
        out += [diagnostic_finding(d) for d in f.diagnostics]
        for x in f.findings:
            spans = [s for s in x.spans if s.line > 0]
            where = spans[0] if spans else Span(f.path, 1, 1, 1, 2)
            related = tuple((s, f"rule {name}") for s, name in zip(spans[1:], x.rules[1:], strict=False))
            cites = f"; cites {', '.join(s for s, _ in x.citations)}" if x.citations else ""
            how = f" ({x.how})" if x.how else ""
            out.append(Finding(Rule(x.code, CODES.get(x.code, x.code)), x.severity, f"{x.message}{how}{cites}",
                               where, related, properties={"rules": list(x.rules)}))
    return out


def render_lint_sarif(files: list[LintFile]) -> str:
    return dumps(sarif_log(lint_sarif_findings(files)))


def render_lint_junit(files: list[LintFile]) -> str:
    suites = []
    for f in files:
        suite = ET.Element("testsuite", name=f.path, file=f.path)
        tests = failures = errors = 0
        if f.bad_input:
            case = ET.SubElement(suite, "testcase", classname=f.path, name="load", time="0.000")
            ET.SubElement(case, "error", message=f.diagnostics[0].message, type="bad input").text = "\n\n".join(
                render(d, f.files) for d in f.diagnostics)
            tests, errors = 1, 1
        else:
            for code in CODES:
                found = [x for x in f.findings if x.code == code]
                case = ET.SubElement(suite, "testcase", classname=f.path, name=code, time="0.000")
                text = "\n".join(f"{x.severity}: {x.message} ({x.how})" for x in found)
                tests += 1
                if any(x.severity == "error" for x in found):
                    ET.SubElement(case, "failure", message=f"{len(found)} finding(s)", type=code).text = text
                    failures += 1
                elif found:
                    ET.SubElement(case, "system-out").text = text
        for k, v in (("tests", tests), ("failures", failures), ("errors", errors), ("skipped", 0)):
            suite.set(k, str(v))
        suites.append(suite)
    return junit_document(suites, name="revcheck lint")


FORMATS = {"json": render_lint_json, "sarif": render_lint_sarif, "junit": render_lint_junit}


def render_lint(fmt: str, files: list[LintFile]) -> str:
    """The `--format` hook for `revcheck lint`: json, sarif or junit."""
    return FORMATS[fmt](files)
