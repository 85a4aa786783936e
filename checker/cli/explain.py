"""`revcheck explain FILE PROPERTY`: one verdict read as a legal narrative.

The counterexample (or witness) becomes numbered plain-language steps in Chinese or English:
who acted, what they did, under which article, what changed; then the full text of each article
cited, and a "details" part with the identifiers and formulas to check the model by.
"""

from __future__ import annotations

import argparse
import sys

from checker.api import check_file
from checker.cli.common import add_limit_options, limit_options
from checker.core.limits import LIMITS
from checker.core.result import CheckOptions
from checker.report.explain import (
    explain,
)


def run(args: argparse.Namespace) -> int:
    options = CheckOptions(engine=args.engine, **limit_options(args))
    report = check_file(args.file, options)
    text, code = explain(report, args.property, args.lang)
    print(text, file=sys.stdout if code == 0 else sys.stderr)
    verdict = report.result.verdict(args.property) if report.result is not None else None
    if code == 0 and verdict is not None and verdict.method in LIMITS:
        return 3  # a verdict a limit cut short explains nothing settled: never exit 0
    return code


def register(sub: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    p = sub.add_parser(
        "explain", help="a property's counterexample or witness as numbered legal steps"
    )
    p.add_argument("file", metavar="FILE")
    p.add_argument("property", metavar="PROPERTY")
    add_limit_options(p)
    p.add_argument("--engine", choices=["explicit", "symbolic", "auto"], default="auto")
    p.add_argument(
        "--lang",
        choices=["zh", "en"],
        default=None,
        help="language of the steps (default: the case's own for PRC and Taiwan "
        "cases with Chinese titles, else English)",
    )
    p.set_defaults(func=run)
