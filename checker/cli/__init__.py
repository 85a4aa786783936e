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
    "checker.cli.repair",
]


# Each command's name and one-line help, so that `revcheck --help` lists the commands without
# importing their modules (every one pulls in the front end, an engine or a renderer: half a
# second); only the command being run is imported. tests/test_startup.py holds this table to
# what the modules register. A module in SUBCOMMANDS that is missing here is always imported.
LISTED: dict[str, tuple[str, str]] = {
    "check": ("checker.cli.check", "check procedures: verdicts, expectations, dead ends"),
    "explain": (
        "checker.cli.explain",
        "a property's counterexample or witness as numbered legal steps",
    ),
    "graph": ("checker.cli.graph", "draw the reachable state graph (dot, mermaid, svg)"),
    "diff": (
        "checker.cli.diff",
        "what an amendment changes: verdicts, reachable steps, dead ends, rules",
    ),
    "show": (
        "checker.cli.show",
        "the consolidated law: every rule as amended, marked with where it came from",
    ),
    "matrix": (
        "checker.cli.matrix",
        "jurisdictions x principles: one verdict per case and principle",
    ),
    "lint": (
        "checker.cli.lint",
        "find dead provisions, competence conflicts, contradictions and vacuous properties",
    ),
    "replay": (
        "checker.cli.replay",
        "check a docket of dated acts against a case: lawfulness, duties, deadlines",
    ),
    "report": (
        "checker.cli.report",
        "a static HTML site: matrix, verdicts, explanations, stage graphs",
    ),
    "export": ("checker.cli.export", "write the model for an outside checker (Promela for SPIN)"),
    "replay-trace": (
        "checker.cli.replay_trace",
        "re-check JSON traces through the reference semantics, rejecting tampering",
    ),
    "verify-certificate": (
        "checker.cli.certificate",
        "re-check a certificate (check --certificate) without the engines",
    ),
    "repair": (
        "checker.cli.repair",
        "the smallest amendment bills, from a catalogue of moves, that make principles hold",
    ),
}


class _Parser(argparse.ArgumentParser):
    def error(self, message: str) -> None:  # type: ignore[override]
        self.print_usage(sys.stderr)
        print(f"revcheck: error: {message}", file=sys.stderr)
        raise SystemExit(2)


def build_parser(only: str | None = None) -> argparse.ArgumentParser:
    """Every command registered by its module; with `only`, just that command's module is
    imported and the other listed commands appear by name and help (enough to list them and
    to reject a misspelt one)."""
    p = _Parser(
        prog="revcheck",
        description="Verify execution-reversal procedures written in the revcheck language.",
    )
    p.add_argument(
        "--debug", action="store_true", help="show Python tracebacks for internal errors"
    )
    sub = p.add_subparsers(dest="command", required=True, parser_class=_Parser)
    listed = {module: name for name, (module, _) in LISTED.items()}
    for module in SUBCOMMANDS:
        name = listed.get(module)
        if only is None or name is None or name == only:
            importlib.import_module(module).register(sub)
        else:
            sub.add_parser(name, help=LISTED[name][1], add_help=False)
    return p


def _command(argv: Sequence[str]) -> str:
    """The command word: the first argument that is not an option (`--debug` takes none)."""
    return next((a for a in argv if not a.startswith("-")), "")


def main(argv: Sequence[str] | None = None) -> int:
    words = sys.argv[1:] if argv is None else list(argv)
    args = build_parser(only=_command(words)).parse_args(words)
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
