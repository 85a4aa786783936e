"""`revcheck replay CASE DOCKET`: a real docket's dated acts, checked for lawfulness and deadlines.

Exit codes: 0 every act lawful and in time; 1 an unlawful act or a deadline that ran out;
2 bad input (the case does not compile, or the docket is malformed: the message names the entry
and the field; with `--format json` a refused docket also gets a JSON object on standard output,
`{"schema", "docket", "error": {"entry", "field", "message"}, "exit_code": 2}`).
"""

from __future__ import annotations

import argparse
import datetime
import sys

from checker.cli.common import emit
from checker.docket.docket import DocketError
from checker.docket.load import load_docket
from checker.docket.render import render_error_json, render_json, render_text
from checker.docket.repealed import repealed_rules
from checker.docket.replay import replay
from checker.report.check.text import render_reports
from dsl.frontend import compile_file


def register(sub: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    c = sub.add_parser(
        "replay", help="check a docket of dated acts against a case: lawfulness, duties, deadlines"
    )
    c.add_argument("case", metavar="CASE", help="the procedure (.rev) the acts are judged under")
    c.add_argument("docket", metavar="DOCKET", help="a .json or .csv docket (docs/tutorial.md)")
    c.add_argument("--format", choices=["text", "json"], default="text")
    c.add_argument(
        "--as-of",
        metavar="YYYY-MM-DD",
        type=_date,
        help="also report deadlines that run out after the last entry, up to this date",
    )
    c.add_argument(
        "--output", metavar="FILE", help="write the report to FILE instead of standard output"
    )
    c.set_defaults(func=run_replay)


def _date(text: str) -> datetime.date:
    try:
        return datetime.date.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"'{text}' is not a calendar date (YYYY-MM-DD)") from None


def run_replay(args: argparse.Namespace) -> int:
    front = compile_file(args.case)
    if front.model is None or any(d.is_error for d in front.diagnostics):
        from checker.core.outcome import FileReport

        print(
            render_reports([FileReport(args.case, front.diagnostics, front.files)]),
            end="",
            file=sys.stderr,
        )
        return 2
    if front.model.is_library:
        print(
            f"revcheck: error: {args.case} is a library; replay needs a procedure", file=sys.stderr
        )
        return 2
    try:
        docket = load_docket(args.docket)
        report = replay(front.model, docket, repealed_rules(args.case), args.as_of)
    except DocketError as exc:
        print(f"error: {exc}", file=sys.stderr)
        if args.format == "json":  # the same error as data, where the report would have been
            emit(render_error_json(exc), args.output)
        return 2
    text = render_json(report) if args.format == "json" else render_text(report)
    if not emit(text, args.output):
        return 2
    return report.exit_code
