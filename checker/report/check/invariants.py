"""`check --show-invariants`: the inductive invariants that prove each property, in the
language's own syntax, so a reader can check them by hand (initiation: the initial states
satisfy it; consecution: every rule keeps it; it implies the property)."""

from __future__ import annotations

from collections.abc import Sequence

from checker.core.outcome import FileReport


def render_invariants(reports: Sequence[FileReport]) -> str:
    """One block per file with a proof by invariant; a line saying so when there is none."""
    out: list[str] = []
    for report in reports:
        result = report.result
        if result is None:
            continue
        found = [v for v in result.verdicts if v.invariant]
        if not found:
            continue
        out.append(
            f"{report.path} — inductive invariants (Spacer; each re-checked by a "
            "separate Z3 query, relative to the properties proven before it)"
        )
        for v in found:
            out.append(f"  {v.property}: {v.word}, invariant:")
            out.append(f"    {v.invariant}")
    if not out:
        return "no property was proved by an inductive invariant (--engine symbolic finds them)"
    return "\n".join(out)
