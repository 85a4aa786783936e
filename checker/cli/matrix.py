"""`revcheck matrix DIR|FILE...`: jurisdictions × principles, one verdict per cell.

Input: case files (directories are searched for `.rev` files). Output: a table whose rows are
the procedures (labelled `jurisdiction/case` from the folder and file name) and whose columns are
the properties of the `principles` library in declaration order. Each cell is holds / fails /
n.a. / unknown (or `holds≤k` for a bounded verdict, `error` for a file that does not check) and
points at its trace: `revcheck explain FILE PROPERTY`. Formats: text, markdown, json, csv, and
`check`'s sarif and junit restricted to the principles (`render_sarif`, `render_junit`).
`--output FILE` writes any format to FILE. `--update FILE` rewrites the part of FILE between `<!-- matrix:begin -->` and
`<!-- matrix:end -->`; `--check FILE` only says whether that part is up to date (exit 1 if not).
Exit codes: 0 done; 1 `--check` found the file out of date; 2 bad input.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from checker.api import collect_paths
from checker.cli.common import emit
from checker.cli.progress import Progress
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


def _section_command(args: argparse.Namespace, m: Matrix) -> int:
    target = args.update or args.check
    try:
        document = Path(target).read_text(encoding="utf-8")
    except OSError as exc:
        print(f"revcheck: error: cannot read {target}: {exc.strerror}", file=sys.stderr)
        return 2
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
    if updated != document:
        Path(target).write_text(updated, encoding="utf-8")
    print(f"{target}: matrix {'updated' if updated != document else 'already up to date'}")
    return 0


def run(args: argparse.Namespace) -> int:
    paths, missing = collect_paths(args.targets)
    for name in missing:
        print(f"revcheck: error: file or folder not found: {name}", file=sys.stderr)
    if missing:
        return 2
    if (args.update or args.check) and args.format not in TABLES:
        print(f"revcheck: error: --update/--check need a table format ({', '.join(TABLES)}), "
              f"not {args.format}", file=sys.stderr)
        return 2
    if not paths:
        print("revcheck: error: no .rev files found in " + ", ".join(args.targets), file=sys.stderr)
        return 2
    with Progress(len(paths), "matrix") as bar:
        m = build_matrix(paths, args.library, progress=bar.step)
    if not m.principles:
        print(f"revcheck: error: cannot find the library '{args.library}' from {paths[0]}", file=sys.stderr)
        return 2
    if args.update or args.check:
        return _section_command(args, m)
    ok = emit(FORMATS[args.format](m, "."), args.output)
    errors = any(c.word == "error" for r in m.rows for c in r.cells)
    return 2 if errors or not ok else 0


def register(sub: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    p = sub.add_parser("matrix", help="jurisdictions x principles: one verdict per case and principle")
    p.add_argument("targets", nargs="+", metavar="DIR|FILE")
    p.add_argument("--format", choices=list(FORMATS), default="text")
    p.add_argument("--library", default="principles", help="the library whose properties are the columns")
    p.add_argument("--output", metavar="FILE", help="write the output (any format) to FILE instead of standard output")
    group = p.add_mutually_exclusive_group()
    group.add_argument("--update", metavar="FILE",
                       help="rewrite the matrix section of FILE (between the matrix:begin/end markers)")
    group.add_argument("--check", metavar="FILE", help="exit 1 if the matrix section of FILE is out of date")
    p.set_defaults(func=run)
