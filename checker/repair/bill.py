"""A candidate bill: the case it amends, then the chosen moves' bodies and the sources they cite."""

from __future__ import annotations

import hashlib
import re

from checker.repair.catalogue import Catalogue, MoveInstance


def bill_name(case_name: str, moves: tuple[MoveInstance, ...]) -> str:
    """Named by its moves when they are few, else by their number and a digest of the body."""
    if not moves:
        return f"{case_name}_repair"
    if len(moves) <= 3:
        return f"{case_name}_repair_" + "_".join(re.sub(r"\W", "", m.move) for m in moves)
    return f"{case_name}_repair_{len(moves)}_moves_{body_digest(moves)[:8]}"


def bill_text(
    case_name: str, extends: str, moves: tuple[MoveInstance, ...], catalogue: Catalogue
) -> str:
    """The `.rev` bill: `check`, `show` and `diff` read it like any hand-written amendment."""
    cited: frozenset[str] = frozenset().union(*(m.cited for m in moves)) if moves else frozenset()
    labels = ", ".join(m.label for m in moves)
    out = [
        f'procedure {bill_name(case_name, moves)} "repair of {case_name}: {labels}"',
        f'extends "{_escape(extends)}"',
        "",
        "// Written by `revcheck repair` from the move catalogue " + _comment(catalogue.path) + ".",
    ]
    sources = catalogue.source_text(cited)
    if sources:
        out += ["", sources]
    for m in moves:
        out += [
            "",
            f"// move {m.label}: {_comment(m.title)}",
            f"// modelled on {_comment(m.models)}",
            m.body,
        ]
    return "\n".join(out) + "\n"


def body_digest(moves: tuple[MoveInstance, ...]) -> str:
    """The cache key of a candidate: the content of what it adds to the case, in order."""
    h = hashlib.sha256()
    for m in moves:
        h.update(m.body.encode("utf-8"))
        h.update(b"\0")
    return h.hexdigest()


def _escape(text: str) -> str:
    return text.replace("\\", "\\\\").replace('"', '\\"')


def _comment(text: str) -> str:
    return " ".join(text.split())
