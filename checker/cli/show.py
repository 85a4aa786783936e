"""`revcheck show FILE`: the consolidated law, as a consolidated statute prints it.

Input: a procedure, usually an amendment bill (`extends`). Output: the law as amended — its
state, its rules with the provenance of each ("from X", "from X, amended by Y", "inserted by
Y"), its lawful end states, the properties the bills amended — and, at the end, what the bills
repealed. Amended variables carry their provenance too. Declarations are printed
with `dsl.pretty`, so the rules shown are valid source text. Exit codes: 0 shown; 2 the file
or the law it amends has errors (rendered as `check` renders them).
"""

from __future__ import annotations

import argparse
import sys

from checker.report.consolidated import (
    consolidated_text,
)


def run(args: argparse.Namespace) -> int:
    text, code = consolidated_text(args.file)
    print(text, file=sys.stdout if code == 0 else sys.stderr)
    return code


def register(sub: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    p = sub.add_parser(
        "show",
        help="the consolidated law: every rule as amended, marked with where it came from",
    )
    p.add_argument("file", metavar="FILE", help="a procedure, usually an amendment bill")
    p.set_defaults(func=run)
