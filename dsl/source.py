"""Source files and spans: where every AST node and diagnostic points."""

from __future__ import annotations

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
        return f"{self.path}:{self.line}:{self.col}"


NO_SPAN = Span("<builtin>", 0, 0, 0, 0)
