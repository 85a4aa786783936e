"""Diagnostics are values: a code, a message, a span, help. Rendered only at the edge."""

from __future__ import annotations

import enum
import unicodedata
from dataclasses import dataclass

from dsl.codes import Code, checked
from dsl.source import SourceFile, Span


class Severity(enum.Enum):
    ERROR = "error"
    WARNING = "warning"


@dataclass(frozen=True, slots=True)
class Diagnostic:
    code: Code  # registered in dsl/codes.py; anything else is refused on construction
    message: str
    span: Span
    label: str = ""
    help: str = ""
    severity: Severity = Severity.ERROR
    secondary: tuple[tuple[Span, str], ...] = ()

    def __post_init__(self) -> None:
        checked(self.code)

    @property
    def is_error(self) -> bool:
        return self.severity is Severity.ERROR


def error(code: Code, message: str, span: Span, label: str = "", help: str = "") -> Diagnostic:
    return Diagnostic(code, message, span, label, help, Severity.ERROR)


def warning(code: Code, message: str, span: Span, label: str = "", help: str = "") -> Diagnostic:
    return Diagnostic(code, message, span, label, help, Severity.WARNING)


def render(diag: Diagnostic, files: dict[str, SourceFile]) -> str:
    """Render in the rustc/Quint form: header, location, the line, a caret, help."""
    head = f"{diag.severity.value}[{diag.code}]: {diag.message}"
    span = diag.span
    out = [head, f"  --> {span}"]
    source = files.get(span.path)
    if source is not None and span.line > 0:
        text = source.line(span.line).expandtabs(1)
        col = span.col
        if len(text) > 120:  # show a window around the caret, not a whole huge line
            start = max(0, col - 60)
            text = ("…" if start else "") + text[start : start + 120] + "…"
            col = col - start + (1 if start else 0)
        num = str(span.line)
        pad = " " * len(num)
        width = 1
        if span.end_line == span.line and span.end_col > span.col:
            width = span.end_col - span.col
        width = max(1, min(width, max(1, len(text) - col + 2)))
        # columns count characters; a Chinese character takes two cells on a terminal
        lead = _cells(text[: col - 1])
        under = max(1, _cells(text[col - 1 : col - 1 + width]))
        caret = " " * lead + "^" * under
        if diag.label:
            caret += " " + diag.label
        out += [f"{pad} |", f"{num} | {text}", f"{pad} | {caret}"]
        for sec_span, sec_label in diag.secondary:
            out.append(f"{pad} = note: {sec_label} at {sec_span}")
        if diag.help:
            out.append(f"{pad} = help: {diag.help}")
    elif diag.help:
        out.append(f"   = help: {diag.help}")
    return "\n".join(out)


def _cells(text: str) -> int:
    """Terminal cells a text takes: wide (CJK) characters two, combining marks none."""
    return sum(
        0 if unicodedata.combining(ch) else 2 if unicodedata.east_asian_width(ch) in "WF" else 1
        for ch in text
    )


def sort_key(diag: Diagnostic) -> tuple[str, int, int, str]:
    return (diag.span.path, diag.span.line, diag.span.col, diag.code)
