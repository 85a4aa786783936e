"""Lint levels a CI can use: codes, `allow` lines, what is counted and what fails the run.

Every finding has a code (L601-L604, `dsl.codes.LINT_CODES`) and a level: `error` only where the
rule set cannot mean what it says, `warning` for a legal finding proven or witnessed, `note` for
one only not seen up to the depth bound. A finding an `allow CODE [for RULES] "reason"` line of
the procedure covers is *allowed*: shown, with the reason, but not counted. `--fail-on LEVEL`
(default `error`) decides which counted findings make `lint` exit 1 (docs/output.md).
"""

from __future__ import annotations

from collections.abc import Iterable

from checker.symbolic.lint import Finding
from dsl.codes import LINT_CODE_OF, LINT_CODES
from dsl.model import Allowance

LEVELS = ("note", "warning", "error")  # in increasing order


def lint_code(f: Finding) -> str:
    """`L603` for a contradiction."""
    return LINT_CODE_OF.get(f.code, f.code)


def label(f: Finding) -> str:
    """`L603 contradiction`: the code to `allow` and the name a reader understands."""
    return f"{lint_code(f)} {f.code}"


def describe(code: str) -> str:
    name, meaning = LINT_CODES.get(code, (code, code))
    return f"{name}: {meaning}"


def allowance(f: Finding, allows: Iterable[Allowance]) -> Allowance | None:
    """The `allow` line that accepts `f`, if any."""
    code = lint_code(f)
    return next((a for a in allows if a.covers(code, f.rules)), None)


def counted(findings: Iterable[Finding], allows: tuple[Allowance, ...]) -> list[Finding]:
    """The findings no `allow` line accepts."""
    return [f for f in findings if allowance(f, allows) is None]


def unused(findings: Iterable[Finding], allows: tuple[Allowance, ...]) -> list[Allowance]:
    """`allow` lines for lint codes that accept no finding: stale after a change of the law
    (or of the depth bound), worth a reviewer's look; they do not fail the run."""
    found = list(findings)
    return [
        a
        for a in allows
        if a.code in LINT_CODES and not any(a.covers(lint_code(f), f.rules) for f in found)
    ]


def at_or_above(f: Finding, fail_on: str) -> bool:
    return LEVELS.index(f.severity) >= LEVELS.index(fail_on)


def fails(
    findings: Iterable[Finding], allows: tuple[Allowance, ...], fail_on: str = "error"
) -> bool:
    return any(at_or_above(f, fail_on) for f in counted(findings, allows))


def lint_summary(
    findings: tuple[Finding, ...] | list[Finding], allows: tuple[Allowance, ...] = ()
) -> str:
    """One line: 'lint: 0 error(s), 2 warning(s), 5 note(s); 22 allowed (L603: 22)'."""
    if not findings:
        return "lint: no findings"
    shown = counted(findings, allows)
    levels = ", ".join(
        f"{sum(1 for f in shown if f.severity == lv)} {lv}(s)" for lv in reversed(LEVELS)
    )
    codes: dict[str, int] = {}
    for f in shown:
        codes[label(f)] = codes.get(label(f), 0) + 1
    detail = f" ({', '.join(f'{k}: {v}' for k, v in codes.items())})" if codes else ""
    allowed = [f for f in findings if allowance(f, allows) is not None]
    by_code: dict[str, int] = {}
    for f in allowed:
        by_code[lint_code(f)] = by_code.get(lint_code(f), 0) + 1
    tail = (
        f"; {len(allowed)} allowed ({', '.join(f'{k}: {v}' for k, v in by_code.items())})"
        if allowed
        else ""
    )
    return f"lint: {levels}{detail}{tail}"
