"""The command line: `revcheck check FILE|DIR...` and friends.

Exit codes: 0 every expectation met; 1 a verdict differs from its expectation (or fails
without one); 2 bad input; 3 some verdict unsettled (a limit) and none wrong; 4 internal error.
User mistakes never produce a traceback; an internal error does only with --debug.
"""

from __future__ import annotations

import argparse
import importlib
import sys
from collections.abc import Callable, Sequence

from checker.api import check_model_file, collect_paths
from checker.outcome import FileReport, exit_code
from checker.report.json_report import render_json
from checker.report.junit import render_junit
from checker.report.sarif import render_check_sarif
from checker.report.text import render_reports
from checker.result import CheckOptions
from dsl.diagnostics import error
from dsl.source import Span

INTERNAL_ERROR = 4

# Machine formats of `check` (text is rendered with the verbosity flag).
CHECK_FORMATS: dict[str, Callable[[list[FileReport]], str]] = {
    "text": lambda reports: render_reports(reports),
    "json": render_json,
    "sarif": render_check_sarif,
    "junit": render_junit,
}

# Further subcommands live in their own modules; each has `register(subparsers)`, which adds
# its parser and sets `func` (args -> exit code) with `set_defaults`.
SUBCOMMANDS: list[str] = [
    "checker.explain",
    "checker.drawing",
    "checker.cli_diff",
    "checker.show",
    "checker.matrix",
    "checker.symbolic.cli_lint",
]


class _Parser(argparse.ArgumentParser):
    def error(self, message: str) -> None:  # type: ignore[override]
        self.print_usage(sys.stderr)
        print(f"revcheck: error: {message}", file=sys.stderr)
        raise SystemExit(2)


def build_parser() -> argparse.ArgumentParser:
    p = _Parser(prog="revcheck", description="Verify execution-reversal procedures written in the revcheck language.")
    p.add_argument("--debug", action="store_true", help="show Python tracebacks for internal errors")
    sub = p.add_subparsers(dest="command", required=True, parser_class=_Parser)
    c = sub.add_parser("check", help="check procedures: verdicts, expectations, dead ends")
    c.add_argument("targets", nargs="+", metavar="FILE|DIR")
    c.add_argument("--format", choices=list(CHECK_FORMATS), default="text",
                   help="text (default), json (docs/output.md), sarif (2.1.0) or junit (XML)")
    c.add_argument("--output", metavar="FILE", help="write the report to FILE instead of standard output")
    c.add_argument("--max-states", type=int, default=1_000_000, metavar="N",
                   help="stop exploring after N states (verdicts then: unknown)")
    c.add_argument("--engine", choices=["explicit", "symbolic", "auto"], default="auto")
    c.add_argument("--depth", type=int, default=30, help="bound for the symbolic engine")
    c.add_argument("--cross-check", action="store_true",
                   help="also run the symbolic engine on finite models; a disagreement is an internal error (exit 4)")
    c.add_argument("--lint", action="store_true", help="add a one-line summary of `revcheck lint` per procedure")
    c.add_argument("-v", "--verbose", action="store_true", help="show every trace, also of expectations met")
    c.set_defaults(func=run_check)
    for module in SUBCOMMANDS:
        importlib.import_module(module).register(sub)
    return p


def _positive(n: int, flag: str) -> None:
    if n <= 0:
        print(f"revcheck: error: {flag} must be a positive number", file=sys.stderr)
        raise SystemExit(2)


def run_check(args: argparse.Namespace) -> int:
    _positive(args.max_states, "--max-states")
    _positive(args.depth, "--depth")
    options = CheckOptions(max_states=args.max_states, engine=args.engine, depth=args.depth,
                           cross_check=args.cross_check, lint=args.lint)
    paths, missing = collect_paths(args.targets)
    reports: list[FileReport] = [
        FileReport(m, (error("E110", f"file or folder not found: {m}", Span(m, 0, 0, 0, 0)),))
        for m in missing
    ]
    if not paths and not missing:
        print("revcheck: error: no .rev files found in " + ", ".join(args.targets), file=sys.stderr)
        return 2
    reports += [check_model_file(p, options) for p in paths]
    if args.format == "text":
        text = render_reports(reports, args.verbose)
    else:
        text = CHECK_FORMATS[args.format](reports)
    if not emit(text, args.output):
        return 2
    return exit_code(reports)


def emit(text: str, output: str | None) -> bool:
    """Print `text`, or write it to `output`; False (after saying why) if it cannot be written."""
    if not output:
        print(text)
        return True
    try:
        with open(output, "w", encoding="utf-8") as f:
            f.write(text + "\n")
    except OSError as exc:
        print(f"revcheck: error: cannot write {output}: {exc.strerror}", file=sys.stderr)
        return False
    return True



def main(argv: Sequence[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    limit = sys.getrecursionlimit()
    # expressions may nest up to the parser's limit; lowering them recurses a few frames a level
    sys.setrecursionlimit(max(limit, 10_000))
    try:
        return int(args.func(args))
    except KeyboardInterrupt:
        print("revcheck: interrupted", file=sys.stderr)
        return 130
    except BrokenPipeError:
        return 0
    except Exception as exc:  # an internal error: a bug in revcheck, never the user's fault
        if args.debug:
            raise
        print(
            f"error[E901]: revcheck internal error: {type(exc).__name__}: {exc}\n"
            "This is a bug in revcheck, not in your rule set. Please report it with the input "
            "file; run again with --debug for the details.",
            file=sys.stderr,
        )
        return INTERNAL_ERROR
    finally:
        sys.setrecursionlimit(limit)


if __name__ == "__main__":
    raise SystemExit(main())
