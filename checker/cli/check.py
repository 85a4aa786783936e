"""`revcheck check FILE|DIR...`: verdicts, expectation mismatches, dead ends."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable

from checker.api import EngineResults, check_model_file, collect_paths
from checker.cli.common import add_limit_options, emit, limit_options, positive
from checker.cli.progress import Progress
from checker.cli.watch import watch
from checker.core.outcome import FileReport, exit_code
from checker.core.result import CheckOptions
from checker.report.check.json_report import render_json
from checker.report.check.junit import render_junit
from checker.report.check.sarif import render_check_sarif
from checker.report.check.text import render_reports
from dsl.diagnostics import error
from dsl.source import file_span

# Machine formats of `check` (text is rendered with the verbosity flag).
CHECK_FORMATS: dict[str, Callable[[list[FileReport]], str]] = {
    "text": lambda reports: render_reports(reports),
    "json": render_json,
    "sarif": render_check_sarif,
    "junit": render_junit,
}


def register(sub: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    c = sub.add_parser("check", help="check procedures: verdicts, expectations, dead ends")
    c.add_argument("targets", nargs="+", metavar="FILE|DIR")
    c.add_argument(
        "--format",
        choices=list(CHECK_FORMATS),
        default="text",
        help="text (default), json (docs/output.md), sarif (2.1.0) or junit (XML)",
    )
    c.add_argument(
        "--output", metavar="FILE", help="write the report to FILE instead of standard output"
    )
    add_limit_options(c)
    c.add_argument("--engine", choices=["explicit", "symbolic", "auto"], default="auto")
    c.add_argument("--depth", type=int, default=30, help="bound for the symbolic engine")
    c.add_argument(
        "--cross-check",
        action="store_true",
        help=(
            "also run the symbolic engine on finite models; "
            "a disagreement is an internal error (exit 4)"
        ),
    )
    c.add_argument(
        "--lint",
        action="store_true",
        help="add a one-line summary of `revcheck lint` per procedure",
    )
    from checker.distributed import add_worker_options

    add_worker_options(c)
    c.add_argument(
        "-v", "--verbose", action="store_true", help="show every trace, also of expectations met"
    )
    c.add_argument(
        "--show-invariants",
        action="store_true",
        help="print the inductive invariant of every property the symbolic engine proved "
        "with Spacer, in the language's syntax",
    )
    c.add_argument(
        "--certificate",
        metavar="FILE",
        help="also write, for each verdict, what makes it checkable afterwards "
        "(revcheck verify-certificate)",
    )
    c.set_defaults(func=run_check)


def run_check(args: argparse.Namespace) -> int:
    positive(args.depth, "--depth")
    options = CheckOptions(
        engine=args.engine,
        depth=args.depth,
        cross_check=args.cross_check,
        lint=args.lint,
        **limit_options(args),
    )
    paths, missing = collect_paths(args.targets)
    reports: list[FileReport] = [
        FileReport(m, (error("E110", f"file or folder not found: {m}", file_span(m)),))
        for m in missing
    ]
    if not paths and not missing:
        print("revcheck: error: no .rev files found in " + ", ".join(args.targets), file=sys.stderr)
        return 2
    from checker.distributed import check_files, workers_of

    wanted, workers, scheduler = workers_of(args)
    if wanted:  # --workers / --scheduler: the files as Dask tasks, reports in path order
        reports += check_files(paths, options, workers, scheduler)
        paths = []
    results = EngineResults()  # a scenario file's case is searched once, not twice
    with Progress(len(paths), "check") as bar:  # on a terminal only: long symbolic proofs
        for p in paths:
            bar.step(p)
            with watch(p, options):  # a note on stderr if the file is still searching at 10 s
                reports.append(check_model_file(p, options, results))
    if args.format == "text":
        text = render_reports(reports, args.verbose)
        if args.show_invariants:
            from checker.report.check.invariants import render_invariants

            text += "\n\n" + render_invariants(reports)
    else:
        text = CHECK_FORMATS[args.format](reports)
    if not emit(text, args.output):
        return 2
    if args.certificate:
        from checker.cli.certificate import write_certificate

        if not write_certificate(reports, args.certificate):
            return 2
    return exit_code(reports)
