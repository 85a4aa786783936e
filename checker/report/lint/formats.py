"""Machine formats for `revcheck lint` findings (`checker.symbolic.lint.Finding`).

Input: one `LintFile` per file linted (its findings, or the diagnostics that stopped it).
Output: JSON (schema `revcheck/lint/1`), SARIF 2.1.0 (one result per finding, `ruleId` the
finding's code L601-L604, its level the finding's, located at the first rule it names, the other
rules as related locations; an allowed finding carries an `inSource` suppression with the `allow`
line's reason) or JUnit XML (a suite per file, a test case per finding code, failing on a
counted error-level finding; allowed findings are listed with their reason).
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
from checker.report.lint.levels import allowance, counted, describe, fails, lint_code, unused
from checker.symbolic.lint import Finding as LintFinding
from dsl.codes import LINT_CODE_OF
from dsl.diagnostics import Diagnostic, render
from dsl.model import Allowance
from dsl.source import SourceFile, Span

SCHEMA = "revcheck/lint/1"
CODES = {
    "dead-rule": "A rule that can never apply (dead provision)",
    "competence-conflict": (
        "Organs of different kinds competent for the same decision in one situation"
    ),
    "contradiction": "Rules that apply in the same situation with contradictory effects",
    "vacuous-property": "A property that holds only because its premise never happens",
}


@dataclass(frozen=True, slots=True)
class LintFile:
    path: str
    findings: tuple[LintFinding, ...] = ()
    diagnostics: tuple[Diagnostic, ...] = ()
    files: dict[str, SourceFile] = field(default_factory=dict, compare=False)
    unsettled: str = ""  # why the findings may be incomplete (a time limit), '' if they are not
    allows: tuple[Allowance, ...] = ()  # the procedure's `allow` lines (reviewed findings)

    @property
    def bad_input(self) -> bool:
        return any(d.is_error for d in self.diagnostics)


def lint_exit_code(files: list[LintFile], fail_on: str = "error") -> int:
    """0 no counted finding at `fail_on` level or above (allowed ones do not count); 1 some;
    2 bad input; 3 a time limit cut a search short."""
    if any(f.bad_input for f in files):
        return 2
    if any(fails(f.findings, f.allows, fail_on) for f in files):
        return 1
    return 3 if any(f.unsettled for f in files) else 0


def _span_json(s: Span) -> dict[str, Any]:
    return {
        "file": s.path,
        "line": s.line,
        "column": s.col,
        "end_line": s.end_line,
        "end_column": s.end_col,
    }


def lint_counts(files: list[LintFile]) -> dict[str, int]:
    """The counts the text summary prints: counted findings per level, allowed ones apart."""
    shown = [x for f in files for x in counted(f.findings, f.allows)]
    out = {
        level: sum(1 for x in shown if x.severity == level)
        for level in ("error", "warning", "note")
    }
    out["allowed"] = sum(len(f.findings) for f in files) - len(shown)
    out["files_with_errors"] = sum(1 for f in files if f.bad_input)
    return out


def _allowed(x: LintFinding, f: LintFile) -> str | None:
    """The reason of the `allow` line that accepts `x`, or None."""
    a = allowance(x, f.allows)
    return a.reason if a is not None else None


def render_lint_json(files: list[LintFile]) -> str:
    doc = {
        "schema": SCHEMA,
        "exit_code": lint_exit_code(files),
        "summary": lint_counts(files),
        "files": [
            {
                "path": f.path,
                "diagnostics": [diagnostic_json(d) for d in f.diagnostics],
                "unsettled": f.unsettled or None,
                "unused_allows": [
                    {
                        "code": a.code,
                        "rules": list(a.rules),
                        "reason": a.reason,
                        "location": _span_json(a.span),
                    }
                    for a in unused(f.findings, f.allows)
                ],
                "findings": [
                    {
                        "id": lint_code(x),
                        "allowed": _allowed(x, f),
                        "code": x.code,
                        "severity": x.severity,
                        "message": x.message,
                        "rules": list(x.rules),
                        "citations": [{"source": s, "title": t} for s, t in x.citations],
                        "how": x.how,
                        "property": x.property or None,
                        "locations": [_span_json(s) for s in x.spans],
                    }
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
        if f.unsettled:
            out.append(
                Finding(
                    Rule("lint-unsettled", "A search of lint was cut short by a limit"),
                    "none",
                    f"lint of {f.path} unsettled: {f.unsettled}",
                    Span(f.path, 1, 1, 1, 2),
                    kind="open",
                )
            )
        for x in f.findings:
            spans = [s for s in x.spans if s.line > 0]
            where = spans[0] if spans else Span(f.path, 1, 1, 1, 2)
            related = tuple(
                (s, f"rule {name}") for s, name in zip(spans[1:], x.rules[1:], strict=False)
            )
            cites = f"; cites {', '.join(s for s, _ in x.citations)}" if x.citations else ""
            how = f" ({x.how})" if x.how else ""
            out.append(
                Finding(
                    Rule(lint_code(x), describe(lint_code(x))),
                    x.severity,
                    f"{x.message}{how}{cites}",
                    where,
                    related,
                    suppression=_allowed(x, f),
                    properties={"rules": list(x.rules), "name": x.code},
                )
            )
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
            ET.SubElement(
                case, "error", message=f.diagnostics[0].message, type="bad input"
            ).text = "\n\n".join(render(d, f.files) for d in f.diagnostics)
            tests, errors = 1, 1
        else:
            for code in CODES:
                found = [x for x in f.findings if x.code == code]
                name = f"{LINT_CODE_OF[code]} {code}"
                case = ET.SubElement(suite, "testcase", classname=f.path, name=name, time="0.000")
                text = "\n".join(
                    f"{x.severity}: {x.message} ({x.how})"
                    + (f" — allowed: {why}" if (why := _allowed(x, f)) else "")
                    for x in found
                )
                tests += 1
                if fails(found, f.allows):
                    ET.SubElement(
                        case, "failure", message=f"{len(found)} finding(s)", type=code
                    ).text = text
                    failures += 1
                elif found:
                    ET.SubElement(case, "system-out").text = text
        skipped = 0
        if f.unsettled and not f.bad_input:
            case = ET.SubElement(
                suite, "testcase", classname=f.path, name="time limit", time="0.000"
            )
            ET.SubElement(case, "skipped", message=f"unsettled: {f.unsettled}")
            tests, skipped = tests + 1, 1
        for k, v in (
            ("tests", tests),
            ("failures", failures),
            ("errors", errors),
            ("skipped", skipped),
        ):
            suite.set(k, str(v))
        suites.append(suite)
    return junit_document(suites, name="revcheck lint")


FORMATS = {"json": render_lint_json, "sarif": render_lint_sarif, "junit": render_lint_junit}


def render_lint(fmt: str, files: list[LintFile]) -> str:
    """The `--format` hook for `revcheck lint`: json, sarif or junit."""
    return FORMATS[fmt](files)
