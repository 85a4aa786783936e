"""The registry of diagnostic codes (mypy's errorcodes.py): one place says what each code means.

E0xx syntax, E1xx names and imports, E2xx types, E3xx model, W4xx warnings, E9xx internal;
L6xx the findings of `revcheck lint` (`LINT_CODES`), which `allow CODE "reason"` may accept.
"""

from __future__ import annotations

from typing import Literal, get_args

# Every diagnostic code, as a type: `error("E11", …)` is a type error (mypy --strict in CI) and,
# at run time, a KeyError the moment the call is made (`dsl.diagnostics.error`). A new code is
# added here and in CODES below; tests/test_codes.py holds the two together.
Code = Literal[
    "E001",
    "E002",
    "E003",
    "E004",
    "E101",
    "E102",
    "E103",
    "E104",
    "E105",
    "E106",
    "E107",
    "E108",
    "E109",
    "E110",
    "E111",
    "E112",
    "E113",
    "E114",
    "E115",
    "E201",
    "E202",
    "E203",
    "E204",
    "E205",
    "E206",
    "E207",
    "E208",
    "E209",
    "E210",
    "E301",
    "E302",
    "E303",
    "E310",
    "E311",
    "E312",
    "E313",
    "E304",
    "W401",
    "W402",
    "W403",
    "W404",
    "W405",
    "E901",
]

CODES: dict[Code, str] = {
    # syntax
    "E001": "unexpected character or token",
    "E002": "unexpected end of input",
    "E003": "file is not valid UTF-8 text",
    "E004": "nesting too deep",
    # names and imports
    "E101": "duplicate declaration",
    "E102": "unknown name",
    "E103": "import not found",
    "E104": "import cycle",
    "E105": "unknown source in `cites`",
    "E106": "unknown organ",
    "E107": "unknown act kind",
    "E108": "unknown actor",
    "E109": "`expect` names no property",
    "E110": "file not found",
    "E111": "an amendment names something the base does not have",
    "E112": "wrong kind of file (library where a procedure is needed, or the reverse)",
    "E113": "`import … except` names no property of the library",
    "E114": "`LIB bind a = b` names a library not imported, or a name no principle of it reads",
    "E115": "`allow` names no lint finding or warning code, names an error, or an unknown rule",
    # types
    "E201": "type mismatch",
    "E202": "value outside the variable's range",
    "E203": "assignment outside the variable's range",
    "E204": "not a constant expression",
    "E205": "not indexable / wrong index",
    "E206": "variable assigned twice in one step",
    "E207": "empty or inverted range",
    "E208": "step attribute outside a step pattern",
    "E209": "division or non-linear arithmetic not supported",
    "E210": "a computed number too large (more than 1,000 digits)",
    # model
    "E301": "rule without `by`",
    "E302": "rule with more than one clause of the same kind",
    "E303": "domain too large",
    "E310": "scenario facts contradict each other",
    "E311": "a scenario fact that no run can satisfy",
    "E312": "a `given` fact not about one variable (or not fixing an unbounded one)",
    "E313": "days pass in a scenario of a model without a clock (or more than 100,000 days)",
    "E304": (
        "`expect … silent` or `holds vacuously` without a reason, "
        "or `silent` on the case's own property"
    ),
    # warnings
    "W401": "rule without `cites`",
    "W402": "rule without `kind`",
    "W403": "a variable, constant or set named like an act kind, organ, actor or rule",
    "W404": "a name close to one a principle reads, which the procedure lacks (did you mean)",
    "W405": "a procedure's name does not fit how a principle reads it: principle not modelled",
    # internal
    "E901": "internal error",
}

# The findings of `revcheck lint` (checker/symbolic/lint.py): code -> (name, what it means).
# Their severity depends on how a finding was established (docs/output.md, "Lint levels").
LINT_CODES: dict[str, tuple[str, str]] = {
    "L601": ("dead-rule", "a rule that can never apply (dead provision)"),
    "L602": (
        "competence-conflict",
        "organs of different kinds competent for the same decision in one situation",
    ),
    "L603": ("contradiction", "rules that apply in the same situation with contradictory effects"),
    "L604": ("vacuous-property", "a property that holds only because its premise never happens"),
}
LINT_CODE_OF: dict[str, str] = {name: code for code, (name, _) in LINT_CODES.items()}


def checked(code: str) -> Code:
    """`code` as a registered `Code`, or KeyError: a mistyped code never reaches a user."""
    if code not in CODES:
        raise KeyError(f"unregistered diagnostic code {code!r} (add it to dsl/codes.py)")
    return code


ALL_CODES: tuple[Code, ...] = get_args(Code)
