"""Source files and spans: where every AST node and diagnostic points; reading a source safely.

`read_regular` reads only regular files and enforces the size limit while reading (a device
reports size 0 and never ends; a FIFO blocks whoever opens it), so no input can hang or exhaust
the checker before a diagnostic is given.
"""

from __future__ import annotations

import errno
import os
import stat
from dataclasses import dataclass, field


@dataclass(frozen=True, slots=True)
class SourceFile:
    """A file's path (as the user named it) and its full text."""

    path: str
    text: str
    lines: tuple[str, ...] = field(init=False, compare=False, repr=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "lines", tuple(self.text.split("\n")))

    def line(self, number: int) -> str:
        """The text of 1-based line `number`, or '' past the end."""
        if 1 <= number <= len(self.lines):
            return self.lines[number - 1].rstrip("\r")
        return ""

    def end_span(self) -> Span:
        """A zero-width span just after the last non-blank character (for 'unexpected end of
        input'): trailing newlines would otherwise put the caret on an empty line past the end."""
        line = len(self.lines)
        while line > 1 and not self.lines[line - 1].strip():
            line -= 1
        col = len(self.lines[line - 1].rstrip()) + 1 if self.lines else 1
        return Span(self.path, line, col, line, col)


@dataclass(frozen=True, slots=True)
class Span:
    """A 1-based (line, column) range in a file; columns count characters, end exclusive."""

    path: str
    line: int
    col: int
    end_line: int
    end_col: int

    def __str__(self) -> str:
        if self.line <= 0:  # no position (a builtin): never `path:0:0`
            return self.path
        return f"{self.path}:{self.line}:{self.col}"


NO_SPAN = Span("<builtin>", 0, 0, 0, 0)


def file_span(path: str) -> Span:
    """The file as a whole (missing, unreadable, too large): its first position, 1:1."""
    return Span(path, 1, 1, 1, 1)


class SourceError(Exception):
    """Why a source cannot be read, in words for a diagnostic."""


def read_regular(path: str, limit: int) -> bytes:
    """The bytes of the regular file `path`, at most `limit` of them; raises `SourceError`.

    Opened without blocking (a FIFO would block on open), checked to be a regular file after
    opening (no race with a swap), and read in chunks up to `limit + 1` bytes whatever `st_size`
    says."""
    try:
        fd = os.open(path, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_CLOEXEC", 0))
    except OSError as exc:
        raise SourceError(_os_reason(path, exc)) from None
    try:
        mode = os.fstat(fd).st_mode
        if stat.S_ISDIR(mode):
            raise SourceError(f"{path} is a directory, not a .rev file")
        if not stat.S_ISREG(mode):
            raise SourceError(f"{path} is not a regular file ({_kind(mode)}); only files are read")
        chunks: list[bytes] = []
        size = 0
        while size <= limit:
            chunk = os.read(fd, min(1 << 20, limit + 1 - size))
            if not chunk:
                break
            chunks.append(chunk)
            size += len(chunk)
        if size > limit:
            raise SourceError(f"{path} is larger than {limit:,} bytes")
        return b"".join(chunks)
    except OSError as exc:
        raise SourceError(_os_reason(path, exc)) from None
    finally:
        os.close(fd)


def _kind(mode: int) -> str:
    if stat.S_ISFIFO(mode):
        return "a FIFO"
    if stat.S_ISCHR(mode) or stat.S_ISBLK(mode):
        return "a device"
    if stat.S_ISSOCK(mode):
        return "a socket"
    return "not a file"


def _os_reason(path: str, exc: OSError) -> str:
    shown = path if len(path) <= 200 else path[:100] + "…" + path[-60:]
    if exc.errno == errno.ENOENT:
        return f"file not found: {shown}"
    if exc.errno == errno.ELOOP:
        return f"cannot read {shown}: a loop of symbolic links"
    if exc.errno == errno.ENAMETOOLONG:
        return f"cannot read {shown}: the file name is too long"
    if exc.errno == errno.EISDIR:
        return f"{shown} is a directory, not a .rev file"
    return f"cannot read {shown}: {exc.strerror or exc}"
