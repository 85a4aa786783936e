"""revcheck's verification side: engines, verdicts, reports and the command line.

from checker import check_file
report = check_file("cases/prc/current.rev")
for outcome in report.outcomes:
    print(outcome.property.name, outcome.verdict.word, outcome.verdict.how)
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from checker.api import check_file, check_text
    from checker.core.outcome import FileReport, Match, PropertyOutcome
    from checker.core.result import CheckOptions, ModelResult
    from checker.core.verdict import Method, Status, Verdict

# Loaded on first use (PEP 562): `import checker.cli` for `revcheck --help` must not pull in
# the front end and the engines that `checker.api` needs.
_HOME = {
    "check_file": "checker.api",
    "check_text": "checker.api",
    "FileReport": "checker.core.outcome",
    "Match": "checker.core.outcome",
    "PropertyOutcome": "checker.core.outcome",
    "CheckOptions": "checker.core.result",
    "ModelResult": "checker.core.result",
    "Method": "checker.core.verdict",
    "Status": "checker.core.verdict",
    "Verdict": "checker.core.verdict",
}


def __getattr__(name: str) -> Any:
    home = _HOME.get(name)
    if home is None:
        raise AttributeError(f"module 'checker' has no attribute {name!r}")
    return getattr(importlib.import_module(home), name)


__all__ = [
    "CheckOptions",
    "FileReport",
    "Match",
    "Method",
    "ModelResult",
    "PropertyOutcome",
    "Status",
    "Verdict",
    "check_file",
    "check_text",
]
