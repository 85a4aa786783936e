"""Lint findings as text: one block a finding, and the one-line summary `check --lint` prints."""

from __future__ import annotations

from checker.report.lint.levels import allowance, label, unused
from checker.report.lint.levels import lint_summary as lint_summary
from checker.symbolic.lint import Finding
from dsl.model import Allowance


def render_findings(
    findings: tuple[Finding, ...] | list[Finding],
    path: str = "",
    allows: tuple[Allowance, ...] = (),
) -> str:
    """Findings as text, one block each: level, code and name, message, how, rules with
    citations; a finding an `allow` line accepts is shown as `allowed[…]` with its reason."""
    out: list[str] = []
    for f in findings:
        accepted = allowance(f, allows)
        if accepted is not None:
            out.append(f"allowed[{label(f)}]: {f.message}")
            out.append(f"   = allowed ({accepted.span}): {accepted.reason}")
            continue
        out.append(f"{f.severity}[{label(f)}]: {f.message}")
        if f.spans and f.spans[0].line > 0:
            out.append(f"  --> {f.spans[0]}")
        elif path:
            out.append(f"  --> {path}")
        if f.how:
            out.append(f"   = {f.how}")
        for name, title in f.citations:
            out.append(f"   = cites {name}: {title}")
    for a in unused(findings, allows):
        rules = f" for {', '.join(a.rules)}" if a.rules else ""
        out.append(
            f"note: `allow {a.code}{rules}` ({a.span}) accepts no finding: remove it, or "
            "check what changed"
        )
    return "\n".join(out)
