"""`revcheck diff OLD NEW`: what an amendment changes (see `checker.diff.versions`).

OLD and NEW are files or git revisions of a file (`HEAD~1:cases/prc/current.rev`). Exit codes:
0 nothing to fail on; 1 a regression (with `--fail-on change`: any change); 2 bad input (an
error in either version, an unreadable revision); 3 a state or time limit cut either version's
search short (and nothing else fails); 4 internal error (handled by `cli.main`).
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable

from checker.cli.common import add_limit_options, emit, limit_options
from checker.cli.common import positive as _positive
from checker.cli.progress import Progress
from checker.core.result import CheckOptions
from checker.diff.revision import RevisionError
from checker.diff.versions import FAIL_ON, DiffReport, diff_paths
from checker.report.diff.json_report import render_diff_json
from checker.report.diff.junit import render_diff_junit
from checker.report.diff.sarif import render_diff_sarif
from checker.report.diff.text import render_diff

FORMATS: dict[str, Callable[[DiffReport, str], str]] = {
    "text": render_diff,
    "json": render_diff_json,
    "sarif": lambda diff, _fail_on: render_diff_sarif(diff),
    "junit": render_diff_junit,
}


def register(sub: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    p = sub.add_parser(
        "diff",
        help="what an amendment changes: verdicts, reachable steps, dead ends, rules",
        description="Compare two versions of a rule set: files, or git revisions written REV:path.",
    )
    p.add_argument("old", metavar="OLD", help="the law before: a .rev file or REV:path")
    p.add_argument("new", metavar="NEW", help="the law after (often an amendment bill)")
    p.add_argument(
        "--fail-on",
        choices=list(FAIL_ON),
        default="regression",
        help="exit 1 on a regression (default) or on any change",
    )
    p.add_argument("--format", choices=list(FORMATS), default="text")
    p.add_argument(
        "--output", metavar="FILE", help="write the report to FILE instead of standard output"
    )
    add_limit_options(p)  # per version
    p.add_argument("--engine", choices=["explicit", "symbolic", "auto"], default="auto")
    p.add_argument("--depth", type=int, default=30, help="bound for the symbolic engine")
    p.add_argument(
        "--allow-removed",
        action="append",
        default=[],
        metavar="NAME",
        help="a deliberate repeal or weakening of NAME (property, expectation, actor or rule): "
        "reported as allowed, not as a regression; repeatable",
    )
    p.set_defaults(func=run_diff)


def run_diff(args: argparse.Namespace) -> int:
    _positive(args.depth, "--depth")
    options = CheckOptions(engine=args.engine, depth=args.depth, **limit_options(args))
    try:
        with Progress(1, "diff") as bar:  # on a terminal only
            bar.step(f"{args.old} → {args.new}")
            diff = diff_paths(args.old, args.new, options, frozenset(args.allow_removed))
    except RevisionError as exc:
        print(f"revcheck: error: {exc}", file=sys.stderr)
        return 2
    text = FORMATS[args.format](diff, args.fail_on)
    if not emit(text, args.output):
        return 2
    return diff.exit_code(args.fail_on)
