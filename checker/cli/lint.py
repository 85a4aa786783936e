"""`revcheck lint FILE|DIR...`: static analysis of rule sets (see `checker.symbolic.lint`).

Registered in `checker/cli/__init__.py` (`SUBCOMMANDS`); `--format json|sarif|junit` as for `check`.
Exit codes: 0 no finding at error level, 1 some error-level finding, 2 bad input.
"""

from __future__ import annotations

import argparse
import sys

from checker.api import collect_paths
from checker.report.lint.formats import LintFile, lint_exit_code, render_lint
from checker.report.lint.text import lint_summary, render_findings
from checker.symbolic.lint import lint
from dsl.diagnostics import error, render
from dsl.frontend import compile_file
from dsl.source import Span


def add_lint_parser(subparsers: argparse._SubParsersAction) -> argparse.ArgumentParser:  # type: ignore[type-arg]
    p = subparsers.add_parser(
        "lint",
        help="find dead provisions, competence conflicts, contradictions and vacuous properties",
    )
    p.add_argument("targets", nargs="+", metavar="FILE|DIR")
    p.add_argument("--depth", type=int, default=12, help="bound for the reachability searches (default 12)")
    p.add_argument("--timeout", type=float, default=None, metavar="SECONDS", help="time limit per file")
    p.add_argument("--format", choices=["text", "json", "sarif", "junit"], default="text")
    p.add_argument("--output", metavar="FILE", help="write the report to FILE instead of standard output")
    return p


def register(subparsers: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    add_lint_parser(subparsers).set_defaults(func=run_lint)


def run_lint(args: argparse.Namespace) -> int:
    if args.depth <= 0:
        print("revcheck: error: --depth must be a positive number", file=sys.stderr)
        return 2
    paths, missing = collect_paths(args.targets)
    if not paths and not missing:
        print("revcheck: error: no .rev files found in " + ", ".join(args.targets), file=sys.stderr)
        return 2
    files: list[LintFile] = [
        LintFile(m, diagnostics=(error("E110", f"file or folder not found: {m}", Span(m, 0, 0, 0, 0)),))
        for m in missing
    ]
    for path in paths:
        front = compile_file(path)
        if front.model is None:
            files.append(LintFile(path, diagnostics=front.errors, files=front.files))
            continue
        if front.model.is_library:
            continue
        files.append(LintFile(path, lint(front.model, args.depth, args.timeout), files=front.files))
    if args.format == "text":
        text = _render_text(files)
    else:
        text = render_lint(args.format, files)
    if args.output:
        try:
            with open(args.output, "w", encoding="utf-8") as f:
                f.write(text + "\n")
        except OSError as exc:
            print(f"revcheck: error: cannot write {args.output}: {exc.strerror}", file=sys.stderr)
            return 2
    else:
        print(text)
    return lint_exit_code(files)


def _render_text(files: list[LintFile]) -> str:
    out: list[str] = []
    for f in files:
        if f.diagnostics:
            out += [render(d, f.files) for d in f.diagnostics]
            continue
        out.append(f"{f.path}: {lint_summary(f.findings)}")
        if f.findings:
            out.append(render_findings(f.findings, f.path))
    return "\n".join(out)
