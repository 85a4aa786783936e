"""`revcheck replay-trace FILE TRACE.json`: re-check the traces revcheck wrote, without an engine.

TRACE.json is one ITF trace or a whole `check --format json` report. Each trace is replayed
through the reference semantics and checked to be what it claims (a counterexample or witness
of its property, a dead end, a range error). Exit 0: every trace accepted; 1: one rejected (the
message names the first wrong step); 2: bad input.
"""

from __future__ import annotations

import argparse
import json
import sys

from checker.certificate.traces import check_document
from checker.core.outcome import FileReport
from checker.report.check.text import render_report
from dsl.diagnostics import error, render
from dsl.frontend import compile_file
from dsl.model import Model
from dsl.source import SourceError, SourceFile, Span, read_regular

MAX_JSON_BYTES = 64 * 1024 * 1024


def load_json(path: str) -> tuple[object, str]:
    """The parsed document, or (None, a rendered diagnostic with file:line:col)."""
    try:  # a regular file only (a FIFO would block), read within the size limit
        data = read_regular(path, MAX_JSON_BYTES)
    except SourceError as exc:
        span = Span(path, 1, 1, 1, 1)
        return None, render(error("E110", str(exc), span), {})
    if len(data) > MAX_JSON_BYTES:
        span = Span(path, 1, 1, 1, 1)
        return None, render(
            error("E001", f"{path} is larger than {MAX_JSON_BYTES:,} bytes", span), {}
        )
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        col = exc.start - (data.rfind(b"\n", 0, exc.start) + 1) + 1
        return None, render(
            error("E003", "file is not valid UTF-8 text", Span(path, line, col, line, col + 1)), {}
        )
    try:
        return json.loads(text), ""
    except json.JSONDecodeError as exc:
        span = Span(path, exc.lineno, exc.colno, exc.lineno, exc.colno + 1)
        diag = error("E001", f"not valid JSON: {exc.msg}", span, label="here")
        return None, render(diag, {path: SourceFile(path, text)})
    except RecursionError:
        return None, render(error("E004", "JSON nested too deep", Span(path, 1, 1, 1, 1)), {})
    except ValueError:  # Python refuses to convert a number of more than 4,300 digits
        huge = f"not valid JSON: a number of more than {sys.get_int_max_str_digits():,} digits"
        return None, render(error("E001", huge, Span(path, 1, 1, 1, 1)), {})


def load_model(path: str) -> Model | None:
    """The procedure in `path`, or None after printing why not (exit 2)."""
    front = compile_file(path)
    if front.model is None or front.errors:
        print(render_report(FileReport(path, front.diagnostics, front.files)), file=sys.stderr)
        return None
    if front.model.is_library:
        print(f"revcheck: error: {path} is a library; name a procedure", file=sys.stderr)
        return None
    return front.model


def run(args: argparse.Namespace) -> int:
    model = load_model(args.file)
    if model is None:
        return 2
    doc, problem = load_json(args.trace)
    if problem:
        print(problem, file=sys.stderr)
        return 2
    checks = check_document(model, doc, args.property)
    if not checks:
        print(
            f"revcheck: error: {args.trace} holds no trace of procedure {model.name}",
            file=sys.stderr,
        )
        return 2
    for c in checks:
        what = f" ({c.about})" if c.about and c.about not in c.where else ""
        if c.accepted:
            shows = "replays" + (
                f"; {c.note}"
                if c.note
                else f" and shows {c.about}"
                if c.about
                else "; it names nothing it shows, so only the run was checked"
            )
            print(f"accepted: {args.trace}: {c.where}{what}: {shows}")
        else:
            print(f"rejected: {args.trace}: {c.where}{what}: {c.error}")
    rejected = sum(1 for c in checks if not c.accepted)
    print(f"{len(checks)} trace(s): {len(checks) - rejected} accepted, {rejected} rejected")
    return 1 if rejected else 0


def register(sub: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    p = sub.add_parser(
        "replay-trace",
        help="re-check JSON traces through the reference semantics, rejecting tampering",
    )
    p.add_argument("file", metavar="FILE", help="the procedure the traces belong to")
    p.add_argument(
        "trace", metavar="TRACE.json", help="one ITF trace, or a `check --format json` report"
    )
    p.add_argument(
        "--property",
        metavar="NAME",
        help="for a single trace: the property it is a counterexample (or witness) of",
    )
    p.set_defaults(func=run)
