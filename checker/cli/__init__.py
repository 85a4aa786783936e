"""The command line: `revcheck check FILE|DIR...` and friends.

Exit codes: 0 every expectation met; 1 a verdict differs from its expectation (or fails
without one); 2 bad input; 3 some verdict unsettled (a limit) and none wrong; 4 internal error.
User mistakes never produce a traceback; an internal error does only with --debug.
"""

from __future__ import annotations

import argparse
import importlib
import sys
from collections.abc import Sequence

INTERNAL_ERROR = 4

# Further subcommands live in their own modules; each has `register(subparsers)`, which adds
# its parser and sets `func` (args -> exit code) with `set_defaults`.
SUBCOMMANDS: list[str] = [
    "checker.cli.check",
    "checker.cli.explain",
    "checker.cli.graph",
    "checker.cli.diff",
    "checker.cli.show",
    "checker.cli.matrix",
    "checker.cli.lint",
    "checker.cli.replay",
    "checker.cli.report",
    "checker.cli.export",
    "checker.cli.replay_trace",
    "checker.cli.certificate",
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
    for module in SUBCOMMANDS:
        importlib.import_module(module).register(sub)
    return p


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

