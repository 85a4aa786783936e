"""`revcheck verify-certificate CASE CERT`, and the writing half of `check --certificate FILE`.

A certificate (`checker.certificate.write`) says for each verdict what makes it checkable
afterwards; verifying re-checks each part without the engine that produced it. Exit 0: every
part verified (or, like an unsettled verdict, with nothing to certify); 1: a part rejected, the
message says which and why; 2: bad input.
"""

from __future__ import annotations

import argparse
import json
import os
import sys

from checker.certificate.verify import NOT_CERTIFIED, REJECTED, Finding, verify_file
from checker.certificate.write import SCHEMA, certificate_json
from checker.cli.common import emit
from checker.cli.replay_trace import load_json, load_model
from checker.core.outcome import FileReport


def write_certificate(reports: list[FileReport], path: str) -> bool:
    """Write the certificate of `reports` to `path`; False (after saying why) if it cannot be."""
    text = json.dumps(certificate_json(reports), ensure_ascii=False, indent=1)
    return emit(text, path)


def run(args: argparse.Namespace) -> int:
    model = load_model(args.case)
    if model is None:
        return 2
    doc, problem = load_json(args.certificate)
    if problem:
        print(problem, file=sys.stderr)
        return 2
    if not isinstance(doc, dict) or doc.get("schema") != SCHEMA:
        print(
            f"revcheck: error: {args.certificate} is not a revcheck certificate (schema {SCHEMA})",
            file=sys.stderr,
        )
        return 2
    entries = [f for f in doc.get("files") or [] if isinstance(f, dict)]
    entry = _entry_for(args.case, model.name, entries)
    if entry is None:
        print(
            f"revcheck: error: {args.certificate} has no certificate for procedure {model.name}",
            file=sys.stderr,
        )
        return 2
    findings = verify_file(model, args.case, entry)
    for f in findings:
        print(_line(f))
    rejected = sum(1 for f in findings if f.status == REJECTED)
    uncertified = sum(1 for f in findings if f.status == NOT_CERTIFIED)
    print(
        f"{args.case}: {len(findings) - rejected - uncertified} part(s) verified, "
        f"{rejected} rejected, {uncertified} not certified"
    )
    return 1 if rejected else 0


def _entry_for(
    case: str, procedure: str, entries: list[dict[str, object]]
) -> dict[str, object] | None:
    same = [e for e in entries if e.get("procedure") == procedure]
    if len(same) > 1:
        real = os.path.realpath(case)
        same = [e for e in same if _realpath(e.get("path")) == real] or same
    return same[0] if same else (entries[0] if len(entries) == 1 else None)


def _realpath(path: object) -> str:
    """The real path of a certificate's `path` field; '' for one no file can have (a NUL)."""
    try:
        return os.path.realpath(str(path))
    except ValueError:
        return ""


def _line(f: Finding) -> str:
    return f"{f.status}: {f.part}" + (f": {f.message}" if f.message else "")


def register(sub: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    p = sub.add_parser(
        "verify-certificate",
        help="re-check a certificate (check --certificate) without the engines",
    )
    p.add_argument("case", metavar="CASE", help="the procedure the certificate is about")
    p.add_argument("certificate", metavar="CERT", help="the certificate file (JSON)")
    p.set_defaults(func=run)
