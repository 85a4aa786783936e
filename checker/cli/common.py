"""What every command shares: writing the output, and checking numeric flags."""

from __future__ import annotations

import sys


def positive(n: int, flag: str) -> None:
    if n <= 0:
        print(f"revcheck: error: {flag} must be a positive number", file=sys.stderr)
        raise SystemExit(2)


def emit(text: str, output: str | None) -> bool:
    """Print `text`, or write it to `output`; False (after saying why) if it cannot be written."""
    if not output:
        print(text)
        return True
    try:
        with open(output, "w", encoding="utf-8") as f:
            f.write(text + "\n")
    except OSError as exc:
        print(f"revcheck: error: cannot write {output}: {exc.strerror}", file=sys.stderr)
        return False
    return True
