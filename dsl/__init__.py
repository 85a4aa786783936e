"""The revcheck language: parsing, name resolution, type checking and lowering to a checked model.

`dsl` never imports `checker`; engines see only the checked model (`dsl.model`).
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from dsl.diagnostics import Diagnostic, Severity
    from dsl.frontend import FrontendResult, compile_file, compile_text

# Loaded on first use (PEP 562): importing `dsl.model` or `dsl.source` must not build the
# parser (Lark and the grammar), which only reading a file needs.
_HOME = {
    "Diagnostic": "dsl.diagnostics",
    "Severity": "dsl.diagnostics",
    "FrontendResult": "dsl.frontend",
    "compile_file": "dsl.frontend",
    "compile_text": "dsl.frontend",
}


def __getattr__(name: str) -> Any:
    home = _HOME.get(name)
    if home is None:
        raise AttributeError(f"module 'dsl' has no attribute {name!r}")
    return getattr(importlib.import_module(home), name)


__all__ = ["Diagnostic", "FrontendResult", "Severity", "compile_file", "compile_text"]
