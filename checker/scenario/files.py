"""Scenario files: `cases/<jur>/<case>_scenarios.rev` extends a case and adds only scenarios.

Such a file states no new law, so the matrix (one row per rule set) leaves it out."""

from __future__ import annotations

from dsl import ast
from dsl.imports import MAX_FILE_BYTES
from dsl.parser import parse
from dsl.source import SourceError, SourceFile, read_regular


def only_scenarios(path: str) -> bool:
    """The file extends a procedure and adds nothing but scenarios and their expectations."""
    try:  # only a regular file, read within the size limit (a FIFO would block)
        module, _ = parse(SourceFile(path, read_regular(path, MAX_FILE_BYTES).decode("utf-8")))
    except (SourceError, UnicodeDecodeError):
        return False
    if module is None:
        return False
    decls = module.decls
    allowed = (ast.Extends, ast.Import, ast.ScenarioDecl, ast.ExpectDecl)
    return (
        any(isinstance(d, ast.Extends) for d in decls)
        and any(isinstance(d, ast.ScenarioDecl) for d in decls)
        and all(isinstance(d, allowed) for d in decls)
    )
