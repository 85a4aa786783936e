"""The early half of the state-explosion guard: a note on stderr while a file is still searching.

The search itself says, when a limit stops it, how fast it went and how large the space may be
(`checker.core.limits.limit_note`). A user waiting on a five-minute budget should not learn
that only at the end: when a file has been searching for `after` seconds, one line on stderr
gives the budget, the size of the space the domains allow, and what to change. A timer thread
does it, so the search loops stay untouched; the line is informative only (it changes no
verdict and no exit code).
"""

from __future__ import annotations

import sys
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from typing import TextIO

from checker.core.limits import HINT, domain_space, widest
from checker.core.result import CheckOptions

NOTE_AFTER_S = 10.0


def slow_note(path: str, options: CheckOptions, seconds: float) -> str:
    """What to say about `path` after `seconds` of searching."""
    limits = [f"--max-states {options.max_states:,}"]
    if options.timeout_s is not None:
        limits.append(f"--timeout {options.timeout_s:g} s")
    parts = [
        f"revcheck: note: {path}: still searching after {seconds:g} s (limits: {', '.join(limits)})"
    ]
    try:
        from dsl.frontend import compile_file

        model = compile_file(path).model
    except Exception:  # noqa: BLE001 - a note must never break the run it is about
        model = None
    if model is not None:
        space = domain_space(model)
        if space is not None:
            parts.append(
                f"the variables' domains allow up to {space:,.3g} states"
                if space >= 10**9
                else f"the variables' domains allow up to {space:,} states"
            )
        names = widest(model)
        if names:
            parts.append(
                "if it stops at a limit, the verdicts are unsettled; hint: "
                + HINT
                + ": "
                + ", ".join(names)
            )
    return "; ".join(parts)


@contextmanager
def watch(
    path: str, options: CheckOptions, after: float = NOTE_AFTER_S, stream: TextIO | None = None
) -> Iterator[None]:
    """Within this block, say once on `stream` (stderr) if the file is still being checked after
    `after` seconds."""
    out = stream if stream is not None else sys.stderr

    def say() -> None:
        try:
            print(slow_note(path, options, after), file=out, flush=True)
        except (OSError, ValueError):  # a closed stream: the note is not worth an error
            pass

    timer = threading.Timer(after, say)
    timer.daemon = True
    timer.start()
    try:
        yield
    finally:
        timer.cancel()
