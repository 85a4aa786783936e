"""revcheck's verification side: engines, verdicts, reports and the command line.

    from checker import check_file
    report = check_file("cases/prc/current.rev")
    for outcome in report.outcomes:
        print(outcome.property.name, outcome.verdict.word, outcome.verdict.how)
"""

from checker.api import check_file, check_text
from checker.core.outcome import FileReport, Match, PropertyOutcome
from checker.core.result import CheckOptions, ModelResult
from checker.core.verdict import Method, Status, Verdict

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
