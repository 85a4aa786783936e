"""What every command shares: writing the output, checking numeric flags, and the limit flags.

`add_limit_options(parser)` gives a command that searches `--timeout SECONDS` and
`--max-states N`; `limit_options(args)` checks them and returns the `CheckOptions` fields, so
every command stops at the same documented limits (docs/output.md, "Limits").
"""

from __future__ import annotations

import argparse
import math
import os
import stat
import sys
import tempfile
from typing import Any

# A CI job stays bounded: no file is searched for more than five minutes unless asked.
DEFAULT_TIMEOUT_S = 300.0
DEFAULT_MAX_STATES = 1_000_000


def positive(n: float, flag: str) -> None:
    if not n > 0 or not math.isfinite(n):
        print(f"revcheck: error: {flag} must be a positive number", file=sys.stderr)
        raise SystemExit(2)


def add_limit_options(
    parser: argparse.ArgumentParser,
    max_states: int = DEFAULT_MAX_STATES,
    timeout: float = DEFAULT_TIMEOUT_S,
) -> None:
    """`--timeout SECONDS` (per file; 0 = none) and `--max-states N` for a command that searches.

    Reaching either limit makes the affected verdicts and the dead-end search unsettled (exit 3),
    never a pass."""
    parser.add_argument(
        "--timeout",
        type=float,
        default=timeout,
        metavar="SECONDS",
        help=f"time limit per file (default {timeout:g} s; 0: none); "
        "reaching it leaves verdicts unknown (exit 3)",
    )
    parser.add_argument(
        "--max-states",
        type=int,
        default=max_states,
        metavar="N",
        help=f"stop exploring after N states (default {max_states:,}); "
        "reaching it leaves verdicts unsettled (exit 3)",
    )


def limit_options(args: argparse.Namespace) -> dict[str, Any]:
    """The checked limit flags as `CheckOptions` keyword arguments (exit 2 if out of range)."""
    positive(args.max_states, "--max-states")
    timeout: float = args.timeout
    if timeout != 0:
        positive(timeout, "--timeout")
    return {"max_states": args.max_states, "timeout_s": timeout or None}


def emit(text: str, output: str | None) -> bool:
    """Print `text`, or write it to `output`; False (after saying why) if it cannot be written."""
    if not output:
        print(text)
        return True
    try:
        write_atomically(output, text + "\n")
    except OSError as exc:
        print(f"revcheck: error: cannot write {output}: {exc.strerror or exc}", file=sys.stderr)
        return False
    return True


def write_atomically(path: str, text: str) -> None:
    """Write `text` to `path` so that a failed write never leaves a truncated file.

    A regular file (or a new one) is written to a temporary file beside it and renamed over it;
    a device or FIFO (`/dev/stdout`, `/dev/full`) is written in place, since renaming would
    replace the device. Raises OSError."""
    target = os.path.realpath(path)
    try:
        st = os.stat(target)
    except FileNotFoundError:
        st = None
    if st is not None and not stat.S_ISREG(st.st_mode):
        with open(target, "w", encoding="utf-8") as f:
            f.write(text)
        return
    folder = os.path.dirname(target) or "."
    fd, tmp = tempfile.mkstemp(prefix=".revcheck-", suffix=".tmp", dir=folder)
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as f:
            f.write(text)
            f.flush()
        os.chmod(tmp, (st.st_mode & 0o7777) if st is not None else 0o666 & ~_umask())
        os.replace(tmp, target)
    except BaseException:
        try:
            os.unlink(tmp)
        except OSError:
            pass
        raise


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask
