"""Lint findings as text: one block a finding, and the one-line summary `check --lint` prints."""

from __future__ import annotations

from checker.symbolic.lint import Finding


def render_findings(findings: tuple[Finding, ...] | list[Finding], path: str = "") -> str:
    """Findings as text, one block each: severity, code, message, how, rules with citations."""
    out: list[str] = []
    for f in findings:
        out.append(f"{f.severity}[{f.code}]: {f.message}")
        if f.spans and f.spans[0].line > 0:
            out.append(f"  --> {f.spans[0]}")
        elif path:
            out.append(f"  --> {path}")
        if f.how:
            out.append(f"   = {f.how}")
        for name, title in f.citations:
            out.append(f"   = cites {name}: {title}")
    return "\n".join(out)


def lint_summary(findings: tuple[Finding, ...] | list[Finding]) -> str:
    """One line for `check`: 'lint: 1 error, 3 warnings (dead-rule: 1, contradiction: 3)'."""
    if not findings:
        return "lint: no findings"
    errors = sum(1 for f in findings if f.severity == "error")
    counts: dict[str, int] = {}
    for f in findings:
        counts[f.code] = counts.get(f.code, 0) + 1
    detail = ", ".join(f"{k}: {v}" for k, v in counts.items())
    return f"lint: {errors} error(s), {len(findings) - errors} warning(s) ({detail})"
