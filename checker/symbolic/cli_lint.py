"""`revcheck lint FILE|DIR...`: static analysis of rule sets (see `checker.symbolic.lint`).

Wire it into `checker/cli.py` with `add_lint_parser(sub)` and `COMMANDS["lint"] = run_lint`.
Exit codes: 0 no finding at error level, 1 some error-level finding, 2 bad input.
"""

from __future__ import annotations

import argparse
import sys

from checker.api import collect_paths
from checker.symbolic.lint import Finding, lint
from dsl.diagnostics import render
from dsl.frontend import compile_file


def add_lint_parser(subparsers: argparse._SubParsersAction) -> argparse.ArgumentParser:  # type: ignore[type-arg]
    p = subparsers.add_parser(
        "lint",
        help="find dead provisions, competence conflicts, contradictions and vacuous properties",
    )
    p.add_argument("targets", nargs="+", metavar="FILE|DIR")
    p.add_argument("--depth", type=int, default=30, help="bound for the reachability searches")
    p.add_argument("--timeout", type=float, default=None, metavar="SECONDS", help="time limit per file")
    return p


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


def run_lint(args: argparse.Namespace) -> int:
    if args.depth <= 0:
        print("revcheck: error: --depth must be a positive number", file=sys.stderr)
        return 2
    paths, missing = collect_paths(args.targets)
    for m in missing:
        print(f"error[E110]: file or folder not found: {m}", file=sys.stderr)
    if not paths:
        if not missing:
            print("revcheck: error: no .rev files found in " + ", ".join(args.targets), file=sys.stderr)
        return 2
    bad_input = bool(missing)
    errors = 0
    for path in paths:
        front = compile_file(path)
        if front.model is None:
            for d in front.errors:
                print(render(d, front.files), file=sys.stderr)
            bad_input = True
            continue
        if front.model.is_library:
            continue
        findings = lint(front.model, args.depth, args.timeout)
        errors += sum(1 for f in findings if f.severity == "error")
        print(f"{path}: {lint_summary(findings)}")
        if findings:
            print(render_findings(findings, path))
    if bad_input:
        return 2
    return 1 if errors else 0
