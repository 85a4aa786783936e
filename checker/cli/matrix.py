"""`revcheck matrix DIR|FILE...`: jurisdictions × principles, one verdict per cell.

Input: case files (directories are searched for `.rev` files). Output: a table whose rows are
the procedures (labelled `jurisdiction/case` from the folder and file name) and whose columns are
the properties of the `principles` library in declaration order. Each cell is one of holds /
holds vacuously / fails / not modelled / no such rule (docs/output.md; `unknown` or `holds≤k` for
a search cut short, `error` for a file that does not check) and points at its trace:
`revcheck explain FILE PROPERTY`. The text table fits 100 columns (principles by key).
Formats: text, markdown, json, csv, and `check`'s sarif and junit restricted to the principles
(`render_sarif`, `render_junit`). `--output FILE` writes any format to FILE. `--update FILE`
rewrites the part of FILE between `<!-- matrix:begin -->` and `<!-- matrix:end -->`;
`--check FILE` only says whether that part is up to date (exit 1 if not).
Exit codes: 0 done; 1 `--check` found the file out of date; 2 bad input; 3 a state or time limit
(`--max-states`, `--timeout`) left some cell unsettled (each is named on standard error).
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from checker.api import collect_paths
from checker.cli.common import add_limit_options, emit, limit_options
from checker.cli.progress import Progress
from checker.core.limits import LIMITS
from checker.core.outcome import FileReport
from checker.core.result import CheckOptions
from checker.matrix.render import (
    FORMATS,
    TABLES,
    replace_section,
)
from checker.matrix.table import (
    BEGIN,
    END,
    Matrix,
    build_matrix,
)
from dsl.imports import MAX_FILE_BYTES
from dsl.source import SourceError, read_regular


def _read_document(target: str) -> str | None:
    """The text of the `--update`/`--check` FILE (a regular file, read with the size limit), or
    None after saying why not."""
    try:
        return read_regular(target, MAX_FILE_BYTES).decode("utf-8")
    except SourceError as exc:
        print(f"revcheck: error: {exc}", file=sys.stderr)
    except UnicodeDecodeError:
        print(f"revcheck: error: {target} is not UTF-8 text", file=sys.stderr)
    return None


def _section_command(args: argparse.Namespace, m: Matrix, document: str) -> int:
    target = args.update or args.check
    table = FORMATS[args.format](m, str(Path(target).parent))
    updated = replace_section(document, table)
    if updated is None:
        print(f"revcheck: error: {target} has no '{BEGIN}' … '{END}' section", file=sys.stderr)
        return 2
    if args.check:
        if updated != document:
            print(f"{target}: the matrix is out of date; run revcheck matrix … --update {target}")
            return 1
        print(f"{target}: the matrix is up to date")
        return 0
    if updated != document and not emit(updated.removesuffix("\n"), target):
        return 2
    print(f"{target}: matrix {'updated' if updated != document else 'already up to date'}")
    return 0


def run(args: argparse.Namespace) -> int:
    paths, missing = collect_paths(args.targets)
    for name in missing:
        print(f"revcheck: error: file or folder not found: {name}", file=sys.stderr)
    if missing:
        return 2
    if (args.update or args.check) and args.format not in TABLES:
        print(
            f"revcheck: error: --update/--check need a table format ({', '.join(TABLES)}), "
            f"not {args.format}",
            file=sys.stderr,
        )
        return 2
    if not paths:
        print("revcheck: error: no .rev files found in " + ", ".join(args.targets), file=sys.stderr)
        return 2
    document = None
    if args.update or args.check:  # before the (long) checking: a bad FILE fails at once
        document = _read_document(args.update or args.check)
        if document is None:
            return 2
    with Progress(len(paths), "matrix") as bar:
        options = CheckOptions(engine="auto", **limit_options(args))
        m = build_matrix(
            paths,
            args.library,
            options,
            progress=bar.step,
            reports=_distributed_reports(args, paths, options),
        )
    if not m.principles:
        print(
            f"revcheck: error: cannot find the library '{args.library}' from {paths[0]}",
            file=sys.stderr,
        )
        return 2
    limited = limited_cells(m)
    for line in limited:
        print(f"revcheck: note: {line}", file=sys.stderr)
    if document is not None:
        code = _section_command(args, m, document)
        return 3 if code == 0 and limited else code
    ok = emit(FORMATS[args.format](m, "."), args.output)
    errors = any(c.word == "error" for r in m.rows for c in r.cells)
    return 2 if errors or not ok else 3 if limited else 0


def _distributed_reports(
    args: argparse.Namespace, paths: list[str], options: CheckOptions
) -> dict[str, FileReport] | None:
    """With --workers or --scheduler: every file checked first, as Dask tasks."""
    from checker.distributed import check_files, workers_of

    wanted, workers, scheduler = workers_of(args)
    if not wanted:
        return None
    return dict(zip(paths, check_files(paths, options, workers, scheduler), strict=True))


def limited_cells(m: Matrix) -> list[str]:
    """The cells a state or time limit left unsettled, as 'case: principle: how'."""
    names = {p.name for p in m.principles}
    out = []
    for row in m.rows:
        if row.report is None:
            continue
        for o in row.report.outcomes:
            if o.property.name in names and o.verdict.method in LIMITS:
                out.append(f"{row.case}: {o.property.name}: {o.verdict.word} ({o.verdict.how})")
    return out


def register(sub: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    p = sub.add_parser(
        "matrix", help="jurisdictions x principles: one verdict per case and principle"
    )
    p.add_argument("targets", nargs="+", metavar="DIR|FILE")
    p.add_argument("--format", choices=list(FORMATS), default="text")
    p.add_argument(
        "--library", default="principles", help="the library whose properties are the columns"
    )
    from checker.distributed import add_worker_options

    add_worker_options(p)
    p.add_argument(
        "--output",
        metavar="FILE",
        help="write the output (any format) to FILE instead of standard output",
    )
    add_limit_options(p)
    group = p.add_mutually_exclusive_group()
    group.add_argument(
        "--update",
        metavar="FILE",
        help="rewrite the matrix section of FILE (between the matrix:begin/end markers)",
    )
    group.add_argument(
        "--check", metavar="FILE", help="exit 1 if the matrix section of FILE is out of date"
    )
    p.set_defaults(func=run)
