"""`revcheck lint FILE|DIR...`: static analysis of rule sets (see `checker.symbolic.lint`).

Registered in `checker/cli/__init__.py` (`SUBCOMMANDS`); `--format json|sarif|junit` as for `check`.
Exit codes: 0 no counted finding at the `--fail-on` level (default error) or above, 1 some,
2 bad input, 3 the time limit (`--timeout`) cut a search short and nothing else failed. A
finding an `allow CODE "reason"` line of the procedure accepts is shown but not counted.
"""

from __future__ import annotations

import argparse
import sys

from checker.api import collect_paths
from checker.cli.common import add_limit_options, emit, limit_options
from checker.report.lint.formats import LintFile, lint_exit_code, render_lint
from checker.report.lint.text import lint_summary, render_findings
from checker.symbolic.lint import lint_within
from dsl.diagnostics import error, render
from dsl.frontend import compile_file
from dsl.source import file_span


def add_lint_parser(subparsers: argparse._SubParsersAction) -> argparse.ArgumentParser:  # type: ignore[type-arg]
    p: argparse.ArgumentParser = subparsers.add_parser(
        "lint",
        help="find dead provisions, competence conflicts, contradictions and vacuous properties",
    )
    p.add_argument("targets", nargs="+", metavar="FILE|DIR")
    p.add_argument(
        "--depth", type=int, default=12, help="bound for the reachability searches (default 12)"
    )
    add_limit_options(p)  # --max-states is accepted for uniformity: lint's searches are symbolic
    p.add_argument("--format", choices=["text", "json", "sarif", "junit"], default="text")
    p.add_argument(
        "--output", metavar="FILE", help="write the report to FILE instead of standard output"
    )
    p.add_argument(
        "--fail-on",
        choices=["error", "warning", "note"],
        default="error",
        help="the lowest level of a finding (not allowed) that makes lint exit 1 (default error)",
    )
    return p


def register(subparsers: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    add_lint_parser(subparsers).set_defaults(func=run_lint)


def run_lint(args: argparse.Namespace) -> int:
    if args.depth <= 0:
        print("revcheck: error: --depth must be a positive number", file=sys.stderr)
        return 2
    timeout = limit_options(args)["timeout_s"]
    paths, missing = collect_paths(args.targets)
    if not paths and not missing:
        print("revcheck: error: no .rev files found in " + ", ".join(args.targets), file=sys.stderr)
        return 2
    files: list[LintFile] = [
        LintFile(m, diagnostics=(error("E110", f"file or folder not found: {m}", file_span(m)),))
        for m in missing
    ]
    for path in paths:
        front = compile_file(path)
        if front.model is None:
            files.append(LintFile(path, diagnostics=front.errors, files=front.files))
            continue
        if front.model.is_library:
            continue
        found, timed_out = lint_within(front.model, args.depth, timeout)
        why = (
            f"time limit of {timeout:g} s reached; some searches were cut short"
            if timed_out
            else ""
        )
        files.append(
            LintFile(path, found, files=front.files, unsettled=why, allows=front.model.allows)
        )
    if args.format == "text":
        text = _render_text(files)
    else:
        text = render_lint(args.format, files)
    if not emit(text, args.output):
        return 2
    return lint_exit_code(files, args.fail_on)


def _render_text(files: list[LintFile]) -> str:
    out: list[str] = []
    for f in files:
        if f.diagnostics:
            out += [render(d, f.files) for d in f.diagnostics]
            continue
        out.append(f"{f.path}: {lint_summary(f.findings, f.allows)}")
        if f.unsettled:
            out.append(f"  unsettled: {f.unsettled}")
        if f.findings:
            out.append(render_findings(f.findings, f.path, f.allows))
    return "\n".join(out)
