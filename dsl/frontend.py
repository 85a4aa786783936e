"""The front end in one call: a path (or text) -> a checked model, or diagnostics.

`compile_file` never raises for user mistakes: everything wrong with the input comes back as
diagnostics, sorted by position, with the source files needed to render them.
"""

from __future__ import annotations

import os
import tempfile
from dataclasses import dataclass, field

from dsl.check_model import check_program
from dsl.diagnostics import Diagnostic, sort_key
from dsl.imports import load_program
from dsl.model import Model
from dsl.source import SourceFile
from dsl.suggest import budget


@dataclass(frozen=True, slots=True)
class FrontendResult:
    model: Model | None  # None when there are errors
    diagnostics: tuple[Diagnostic, ...]
    files: dict[str, SourceFile] = field(default_factory=dict, compare=False)

    @property
    def errors(self) -> tuple[Diagnostic, ...]:
        return tuple(d for d in self.diagnostics if d.is_error)

    @property
    def ok(self) -> bool:
        return self.model is not None and not self.errors


def compile_file(path: str) -> FrontendResult:
    with budget():  # "did you mean" within one budget of comparisons per file (dsl.suggest)
        return _compile_file(path)


def _compile_file(path: str) -> FrontendResult:
    program, files, diags = load_program(path)
    if program is None or any(d.is_error for d in diags):
        return FrontendResult(None, tuple(sorted(diags, key=sort_key)), files)
    model, more = check_program(program)
    all_diags = tuple(sorted([*diags, *more], key=sort_key))
    if any(d.is_error for d in all_diags):
        return FrontendResult(None, all_diags, files)
    return FrontendResult(model, all_diags, files)


def compile_text(
    text: str, path: str = "<text>.rev", directory: str | None = None
) -> FrontendResult:
    """Compile source text (for notebooks and tests); imports resolve from `directory`."""
    folder = directory or os.getcwd()
    with tempfile.NamedTemporaryFile(
        "w", suffix=".rev", dir=folder, delete=False, encoding="utf-8"
    ) as f:
        f.write(text)
        tmp = f.name
    try:
        result = compile_file(tmp)
    finally:
        os.unlink(tmp)
    # present the temporary file under the caller's name
    renamed = {
        path if k == tmp or k.endswith(os.path.basename(tmp)) else k: v
        for k, v in result.files.items()
    }
    return FrontendResult(result.model, result.diagnostics, renamed)
