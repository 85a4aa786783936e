"""`revcheck report PATH... -o DIR`: a static HTML site of the cases, their verdicts and why.

Input: case files or folders. Output: DIR/index.html (the matrix of principles across
jurisdictions, each cell linking to its explanation), a page per case and per property
(`checker.report.html`). `--lang zh|en` sets the language of every page (default: each case's
own, `checker.report.narrative.default_lang`). A progress bar goes to stderr on a terminal.
Exit codes: 0 written; 2 bad input (a missing path, no cases, a case that does not check, or
DIR cannot be written).
"""

from __future__ import annotations

import argparse
import sys
import time

from checker.api import collect_paths
from checker.cli.common import add_limit_options, limit_options
from checker.cli.matrix import limited_cells
from checker.cli.progress import Progress


def run(args: argparse.Namespace) -> int:
    paths, missing = collect_paths(args.targets)
    for name in missing:
        print(f"revcheck: error: file or folder not found: {name}", file=sys.stderr)
    if missing:
        return 2
    if not paths:
        print("revcheck: error: no .rev files found in " + ", ".join(args.targets), file=sys.stderr)
        return 2
    from checker.report.html import build_site  # Jinja2 only when a report is asked for

    start = time.perf_counter()
    with Progress(2 * len(paths), "report") as bar:
        try:
            site = build_site(
                paths,
                args.output,
                args.lang,
                args.library,
                bar.step,
                args.graph,
                limit_options(args),
            )
        except OSError as exc:
            bar.close()
            print(f"revcheck: error: cannot write {args.output}: {exc.strerror}", file=sys.stderr)
            return 2
    if not site.matrix.principles:
        print(
            f"revcheck: error: cannot find the library '{args.library}' from {paths[0]}",
            file=sys.stderr,
        )
        return 2
    seconds = time.perf_counter() - start
    print(
        f"{site.out / 'index.html'}: {len(site.pages)} pages for {len(site.matrix.rows)} case(s), "
        f"{seconds:.1f} s"
    )
    for path in site.errors:
        print(
            f"revcheck: error: {path} does not check; its page shows the diagnostics",
            file=sys.stderr,
        )
    limited = limited_cells(site.matrix)  # a limit left a cell open: never a clean exit
    for line in limited:
        print(f"revcheck: note: {line}", file=sys.stderr)
    return 2 if site.errors else 3 if limited else 0


def register(sub: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    p = sub.add_parser(
        "report", help="a static HTML site: matrix, verdicts, explanations, stage graphs"
    )
    p.add_argument("targets", nargs="+", metavar="PATH")
    p.add_argument(
        "-o", "--output", required=True, metavar="DIR", help="the folder to write the site to"
    )
    p.add_argument(
        "--lang",
        choices=["zh", "en"],
        default=None,
        help="language of every page (default: each case's own for PRC and Taiwan, else English)",
    )
    p.add_argument(
        "--library", default="principles", help="the library whose properties are the columns"
    )
    add_limit_options(p)
    p.add_argument(
        "--graph",
        choices=["auto", "dot", "networkx"],
        default="auto",
        help="stage-graph layout: Graphviz when installed (auto), or NetworkX",
    )
    p.set_defaults(func=run)
