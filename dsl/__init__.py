"""The revcheck language: parsing, name resolution, type checking and lowering to a checked model.

`dsl` never imports `checker`; engines see only the checked model (`dsl.model`).
"""

from dsl.diagnostics import Diagnostic, Severity
from dsl.frontend import FrontendResult, compile_file, compile_text

__all__ = ["Diagnostic", "FrontendResult", "Severity", "compile_file", "compile_text"]
