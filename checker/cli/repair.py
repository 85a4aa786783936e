"""`revcheck repair CASE`: the smallest amendment bills, from a catalogue of moves, that make
the chosen principles hold without breaking one that held (checker.repair)."""

from __future__ import annotations

import argparse
import os
import sys
from typing import Any, TextIO

from checker.cli.common import add_limit_options, emit, limit_options
from checker.core.result import CheckOptions


def register(subparsers: Any) -> None:
    p = subparsers.add_parser(
        "repair",
        help="the smallest amendment bills, from a catalogue of moves, that make principles hold",
    )
    p.add_argument("case", help="the procedure to repair (.rev)")
    p.add_argument(
        "--principles",
        default=None,
        help="comma-separated properties to make hold (default: the imported "
        "principles the case fails)",
    )
    p.add_argument("--moves", default=None, help="the move catalogue (default: spec/moves.rev)")
    p.add_argument(
        "--max-moves", type=int, default=4, metavar="K", help="moves per bill at most (default 4)"
    )
    p.add_argument(
        "--no-partial",
        action="store_true",
        help="with no repair of every chosen principle, do not go on to the largest sets of "
        "them that can be repaired (faster; exit 1 all the same)",
    )
    p.add_argument("--format", choices=("text", "json"), default="text")
    p.add_argument(
        "--workers",
        type=int,
        default=None,
        metavar="N",
        help="check the candidates as tasks on a local Dask cluster of N worker "
        "processes (0: one per core; default: one per core, started once a batch of "
        "candidates is large enough to pay for it, in this process if it does not start "
        "within 60 s)",
    )
    p.add_argument(
        "--no-cluster",
        action="store_true",
        help="check every candidate in this process, never starting a Dask cluster",
    )
    p.add_argument(
        "--scheduler", default=None, help="address of a running Dask scheduler (tcp://host:8786)"
    )
    p.add_argument(
        "-o",
        "--output",
        default=None,
        help="write the report here and each repair beside it as repair_N.rev",
    )
    add_limit_options(p)
    p.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    from checker.distributed import SchedulerUnreachable, default_workers, task_runner
    from checker.repair.catalogue import DEFAULT_CATALOGUE
    from checker.repair.render import render_json, render_text
    from checker.repair.run import Failure, RepairInputError, repair
    from dsl.diagnostics import render

    if args.max_moves is not None and args.max_moves < 1:
        print("revcheck: error: --max-moves must be at least 1", file=sys.stderr)
        return 2
    if args.workers is not None and args.workers < 0:
        print("revcheck: error: --workers must be 0 (one per core) or more", file=sys.stderr)
        return 2
    if args.no_cluster and (args.workers is not None or args.scheduler is not None):
        print(
            "revcheck: error: --no-cluster goes with neither --workers nor --scheduler",
            file=sys.stderr,
        )
        return 2
    if not os.path.isfile(args.case):
        print(f"revcheck: error: no such file: {args.case}", file=sys.stderr)
        return 2
    if args.output and not os.path.isdir(os.path.dirname(args.output) or "."):
        # said before the search, not after minutes of it
        print(f"revcheck: error: no such folder for -o: {args.output}", file=sys.stderr)
        return 2
    principles = None
    if args.principles is not None:
        principles = tuple(p.strip() for p in args.principles.split(",") if p.strip())
    workers = None if args.workers is None else (args.workers or default_workers())
    options = CheckOptions(engine="auto", **limit_options(args))
    progress = _Checked(sys.stderr)  # a plain run takes minutes: say that it is working
    try:
        report = repair(
            args.case,
            args.moves or _shown(str(DEFAULT_CATALOGUE)),
            principles,
            args.max_moves,
            lambda: task_runner(workers, args.scheduler, auto=not args.no_cluster),
            options=options,
            partial=not args.no_partial,
            on_batch=progress.batch,
        )
    except RepairInputError as exc:
        print(f"revcheck: error: {exc}", file=sys.stderr)
        return 2
    except SchedulerUnreachable as exc:
        print(f"revcheck: error: {exc}", file=sys.stderr)
        return 2
    finally:
        progress.close()
    if isinstance(report, Failure):
        for d in report.diagnostics:
            print(render(d, report.files), file=sys.stderr)
        return 2
    folder = os.path.dirname(args.output) if args.output else os.getcwd()
    extends = _extends(args.case, folder or ".")
    text = (render_json if args.format == "json" else render_text)(report, extends)
    if not emit(text, args.output):
        return 2
    if args.output:
        for n in range(len(report.result.repairs)):
            emit(report.bill(n, extends).rstrip("\n"), os.path.join(folder, f"repair_{n + 1}.rev"))
        for n in range(len(report.result.partial)):
            text = report.partial_bill(n, extends).rstrip("\n")
            emit(text, os.path.join(folder, f"partial_{n + 1}.rev"))
    return report.exit_code


def _shown(path: str) -> str:
    """The bundled catalogue by a short name when it lies under the working directory."""
    relative = os.path.relpath(path)
    return path if relative.startswith("..") else relative


def _extends(case: str, folder: str) -> str:
    """The case as the bill names it: relative to the bill's folder when they share more than
    the root, else absolute."""
    case, folder = os.path.abspath(case), os.path.abspath(folder)
    if os.path.commonpath([case, folder]) == os.path.dirname(os.path.sep):
        return case
    return os.path.relpath(case, folder)


class _Checked:
    """A line on stderr, on a terminal only, counting the candidate bills checked so far."""

    def __init__(self, stream: TextIO) -> None:
        self.stream = stream
        self.enabled = bool(getattr(stream, "isatty", lambda: False)())
        self.count = 0

    def batch(self, size: int) -> None:
        self.count += size
        if self.enabled:
            bills = "bill" if size == 1 else "bills"
            line = f"repair: checking {size} candidate {bills} ({self.count} in all so far)"
            self.stream.write("\r" + line.ljust(72))
            self.stream.flush()

    def close(self) -> None:
        if self.enabled and self.count:
            self.stream.write("\r" + " " * 72 + "\r")
            self.stream.flush()
