"""A progress bar on stderr for long work (matrix, report, diff, proofs): drawn only when stderr
is a terminal, so pipes, files and CI logs stay clean."""

from __future__ import annotations

import shutil
import sys
from typing import TextIO


class Progress:
    """`step(item)` before each of `total` items; `close()` at the end (also as a context)."""

    def __init__(self, total: int, label: str, stream: TextIO | None = None) -> None:
        self.total = max(total, 1)
        self.label = label
        self.stream = stream if stream is not None else sys.stderr
        self.enabled = bool(getattr(self.stream, "isatty", lambda: False)())
        self.count = 0

    def step(self, item: str = "") -> None:
        if not self.enabled:
            return
        width = shutil.get_terminal_size((80, 20)).columns
        bar_w = 24
        filled = bar_w * self.count // self.total
        head = f"{self.label} [{'#' * filled}{'.' * (bar_w - filled)}] {self.count}/{self.total} "
        line = (head + item)[: max(width - 1, 10)]
        self.stream.write("\r" + line.ljust(max(width - 1, 10)))
        self.stream.flush()
        self.count += 1

    def close(self) -> None:
        if self.enabled:
            width = shutil.get_terminal_size((80, 20)).columns
            self.stream.write("\r" + " " * max(width - 1, 10) + "\r")
            self.stream.flush()

    def __enter__(self) -> Progress:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()
