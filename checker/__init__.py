"""revcheck's verification side: engines, verdicts, reports and the command line.

    from checker import check_file
    report = check_file("cases/prc/current.rev")
    for outcome in report.outcomes:
        print(outcome.property.name, outcome.verdict.word, outcome.verdict.how)
"""

from checker.api import check_file, check_text
from checker.outcome import FileReport, Match, PropertyOutcome
from checker.result import CheckOptions, ModelResult
from checker.verdict import Method, Status, Verdict

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
