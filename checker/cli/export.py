"""`revcheck export --to promela FILE [-o OUT]`: the model for SPIN, to cross-validate revcheck.

The header of the output says what has no Promela counterpart and is therefore not exported
(liveness with duties as fairness, properties of steps); `tests/test_promela.py` holds SPIN's
state counts and invariant verdicts against revcheck's.
"""

from __future__ import annotations

import argparse
import sys

from checker.cli.common import emit
from checker.core.outcome import FileReport
from checker.export.promela import NotExportable, to_promela
from checker.report.check.text import render_report
from dsl.frontend import compile_file


def run(args: argparse.Namespace) -> int:
    front = compile_file(args.file)
    if front.model is None or front.errors:
        print(render_report(FileReport(args.file, front.diagnostics, front.files)), file=sys.stderr)
        return 2
    if front.model.is_library:
        print(f"revcheck: error: {args.file} is a library; export a procedure", file=sys.stderr)
        return 2
    try:
        exported = to_promela(front.model)
    except NotExportable as exc:
        print(f"revcheck: error: cannot export {args.file} to Promela: {exc}", file=sys.stderr)
        return 2
    return 0 if emit(exported.text, args.output) else 2


def register(sub: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    p = sub.add_parser("export", help="write the model for an outside checker (Promela for SPIN)")
    p.add_argument("file", metavar="FILE")
    p.add_argument("--to", choices=["promela"], required=True, help="the target language")
    p.add_argument("-o", "--output", metavar="OUT", help="write to OUT instead of standard output")
    p.set_defaults(func=run)
