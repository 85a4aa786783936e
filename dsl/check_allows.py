"""`allow CODE for RULES "reason"`: reviewed lint findings and warnings, checked and lowered.

A CI user needs a shipped case to lint clean without losing the finding: the case carries the
finding's code and the reason a reviewer accepted it, and `lint` shows it as allowed. Emits E115
(an unknown code with did-you-mean, an error code, a rule the procedure does not have).
"""

from __future__ import annotations

from dsl import ast
from dsl import model as m
from dsl.codes import CODES, LINT_CODE_OF, LINT_CODES
from dsl.diagnostics import Diagnostic, error
from dsl.suggest import closest


def allowable_codes() -> list[str]:
    """Lint findings (by code or name) and the front end's warnings."""
    return [*LINT_CODES, *(c for c in CODES if c.startswith("W"))]


def allowances(
    main: ast.Module, rules: set[str]
) -> tuple[tuple[m.Allowance, ...], list[Diagnostic]]:
    """The procedure's `allow` lines, and E115 for each that names no finding, gives no
    reason, or names no rule."""
    out: list[m.Allowance] = []
    diags: list[Diagnostic] = []
    known = allowable_codes()
    for d in main.decls:
        if not isinstance(d, ast.Allow):
            continue
        code = LINT_CODE_OF.get(d.code.replace("_", "-"), d.code)  # `allow dead_rule` is L601
        if code not in known:
            if code in CODES:
                diags.append(
                    error(
                        "E115",
                        f"'{code}' is an error, and errors cannot be allowed",
                        d.code_span,
                        "an error",
                        help="fix what it reports instead",
                    )
                )
                continue
            names = [n.replace("-", "_") for n in LINT_CODE_OF]
            close = closest(code, [*known, *names])
            diags.append(
                error(
                    "E115",
                    f"`allow` names no lint finding or warning '{d.code}'",
                    d.code_span,
                    "unknown code",
                    help=f"did you mean '{close}'?"
                    if close
                    else "the codes are listed in docs/output.md",
                )
            )
            continue
        if not d.reason.strip():
            diags.append(
                error(
                    "E115",
                    f"`allow {d.code}` gives no reason",
                    d.span,
                    "empty reason",
                    help="say why the finding was accepted: the reviewer's reading",
                )
            )
            continue
        bad = [
            (r, s)
            for r, s in zip(d.rules, d.rule_spans or (d.span,) * len(d.rules), strict=False)
            if r not in rules
        ]
        for r, span in bad:
            close = closest(r, sorted(rules))
            diags.append(
                error(
                    "E115",
                    f"`allow {d.code} for` names no rule '{r}'",
                    span,
                    "no such rule",
                    help=f"did you mean '{close}'?" if close else "",
                )
            )
        if bad:
            continue
        if d.rules and not code.startswith("L"):
            diags.append(
                error(
                    "E115",
                    f"a warning ({code}) can only be allowed for the whole procedure",
                    d.code_span,
                    help="drop `for …`",
                )
            )
            continue
        out.append(m.Allowance(code, d.rules, d.reason, d.span))
    return tuple(out), diags


def without_allowed(
    diags: list[Diagnostic], allows: tuple[m.Allowance, ...], path: str
) -> list[Diagnostic]:
    """The diagnostics minus the procedure's own warnings that an `allow` line accepts."""
    codes = {a.code for a in allows if not a.rules}
    return [d for d in diags if d.is_error or d.code not in codes or d.span.path != path]
