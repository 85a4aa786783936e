"""Diagnostics as data: every `tests/diagnostics/*.rev` fixture carries its expected diagnostics.

Convention (mypy's `# E:` comments, in the language's own comment syntax): a `//` comment holds
one or more expectations `CODE@LINE:COL`, separated by spaces.

    when stgae == executed     // E102@:8          the error is on this line, column 8
    // E002@10:26                                  an absolute position (line 10, column 26)

An empty LINE means "the line this comment is on"; write the line number only where the
diagnostic cannot carry a comment (the end of the file, a byte that is not text). Columns are
1-based and count characters, as in the rendered `file:line:col`. Warnings are expected like
errors: the runner compares the *exact* set of (file, code, line, col) of the compilation
with the expectations of every file it loaded (so a library under `tests/diagnostics/lib/` can
carry the expectation for an error reported inside it).

Inputs that cannot be fixtures (bytes that are not UTF-8, a missing file, generated deep
nesting) are written by the tests below. To draft a fixture's expectations, print what it
produces: `python tests/test_diagnostics.py tests/diagnostics/NAME.rev`.
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

from dsl.codes import CODES
from dsl.diagnostics import render
from dsl.frontend import FrontendResult, compile_file
from dsl.source import SourceFile

HERE = Path(__file__).resolve().parent
FIXTURES = HERE / "diagnostics"
FIXTURE_FILES = sorted(FIXTURES.glob("*.rev"))

_COMMENT = re.compile(r"//(.*)$")
_EXPECT = re.compile(r"(?<![\w@])([EW]\d{3})@(\d*):(\d+)\b")

Key = tuple[str, str, int, int]  # (absolute path, code, line, col)

# Codes of dsl/codes.py that the front end never emits; each with the reason. The last test
# of this file fails when one of them starts being emitted or a new code is added uncovered.
NOT_FRONT_END = {
    "E901": "internal errors are raised by the checker, not by user input",
    "E310": "scenario facts are judged by checker.scenario (tests/test_scenarios.py)",
    "E311": "whether a scenario's facts can happen needs a search (tests/test_scenarios.py)",
    "E313": "days in a scenario's facts are judged by checker.scenario (test_scenario_days.py)",
}
# Covered by tests in this file rather than by fixtures.
COVERED_HERE = {"E003", "E110"}


def expectations(source: SourceFile) -> set[Key]:
    path = os.path.realpath(source.path)
    found: set[Key] = set()
    for lineno, line in enumerate(source.text.split("\n"), start=1):
        comment = _COMMENT.search(line)
        if comment is None:
            continue
        for code, line_text, col in _EXPECT.findall(comment.group(1)):
            found.add((path, code, int(line_text) if line_text else lineno, int(col)))
    return found


def actual(result: FrontendResult) -> set[Key]:
    return {
        (os.path.realpath(d.span.path), d.code, d.span.line, d.span.col) for d in result.diagnostics
    }


def _show(keys: set[Key]) -> list[str]:
    return sorted(f"{os.path.relpath(p, HERE)}:{line}:{col} {code}" for p, code, line, col in keys)


@pytest.mark.parametrize("fixture", FIXTURE_FILES, ids=[f.stem for f in FIXTURE_FILES])
def test_fixture(fixture: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(HERE)
    result = compile_file(str(fixture.relative_to(HERE)))
    expected: set[Key] = set()
    for source in result.files.values():
        expected |= expectations(source)
    assert expected, f"{fixture.name} states no expectations"
    got = actual(result)
    assert _show(got - expected) == [] and _show(expected - got) == [], (
        f"unexpected: {_show(got - expected)}\nmissing: {_show(expected - got)}"
    )
    if any(code.startswith("E") for _, code, _, _ in expected):
        assert result.model is None
    for d in result.diagnostics:  # every diagnostic uses a registered code and says something
        assert d.code in CODES and d.message


# --------------------------------------------------------------------- "every error is reported"


def test_three_syntax_errors_in_three_rules_give_three_diagnostics() -> None:
    result = compile_file(str(FIXTURES / "syntax_errors.rev"))
    assert [(d.code, d.span.line) for d in result.diagnostics] == [
        ("E001", 10),
        ("E001", 17),
        ("E001", 22),
    ]


def test_many_semantic_errors_are_all_reported() -> None:
    result = compile_file(str(FIXTURES / "names_unknown.rev"))
    codes = [d.code for d in result.errors]
    assert len(codes) >= 15
    assert {"E102", "E105", "E106", "E107", "E108", "E109"} <= set(codes)
    assert len(set(codes)) == 6  # and nothing but name errors: no follow-on type errors


def test_a_parameterised_rule_reports_a_problem_once() -> None:
    text = (
        'procedure p\nimport principles\nsource a "A"\nactor b is court\n'
        "set cs = {c1, c2, c3}\nvar n : [cs] 0..3 = 0\n"
        "rule r(c in cs) { by b kind initiation cites a when n[c] > 0 and stgae then n[c] := 0 }\n"
    )
    result = _compile(text)
    assert [d.code for d in result.diagnostics] == ["E102"]


# --------------------------------------------------------------------- inputs that are not fixtures


def _compile(text: str | bytes, tmp_path: Path | None = None) -> FrontendResult:
    import tempfile

    folder = Path(tmp_path or tempfile.mkdtemp())
    path = folder / "input.rev"
    path.write_bytes(text if isinstance(text, bytes) else text.encode("utf-8"))
    return compile_file(str(path))


@pytest.mark.parametrize(
    ("data", "line", "col"),
    [
        (b"\xff\xfe\x00garbage", 1, 1),
        (b'procedure p "x"\nvar x : 0..3 = 0 // caf\xe9\n', 2, 24),
        ('procedure p "执行回转"\n// 回转 '.encode() + b"\xe9\n", 2, 7),
        (b'procedure p "x"\nvar x : bool\x00\n', 2, 13),
        (bytes(range(256)), 2, 118),
    ],
    ids=["utf16-bom-and-nul", "latin1-byte", "after-chinese", "nul-character", "all-bytes"],
)
def test_binary_or_non_utf8_input_is_E003(data: bytes, line: int, col: int, tmp_path: Path) -> None:
    result = _compile(data, tmp_path)
    assert [(d.code, d.span.line, d.span.col) for d in result.diagnostics] == [("E003", line, col)]
    assert result.model is None


def test_utf8_bom_is_accepted(tmp_path: Path) -> None:
    result = _compile(b'\xef\xbb\xbfprocedure p "x"\nvar x : bool\n', tmp_path)
    assert result.errors == ()


def test_missing_file_is_E110(tmp_path: Path) -> None:
    result = compile_file(str(tmp_path / "nowhere.rev"))
    assert [d.code for d in result.diagnostics] == ["E110"]
    result = compile_file(str(tmp_path))  # a directory
    assert [d.code for d in result.diagnostics] == ["E110"]


def test_deep_expression_without_brackets_is_E004(tmp_path: Path) -> None:
    # `not not … x`: no brackets, so only the parse-tree depth limit catches it
    text = 'procedure p "x"\nvar x : bool\nproperty deep { always ' + "not " * 600 + "x }\n"
    result = _compile(text, tmp_path)
    assert [(d.code, d.span.line) for d in result.diagnostics] == [("E004", 3)]


def test_brackets_inside_strings_and_comments_do_not_count_as_nesting(tmp_path: Path) -> None:
    text = (
        'procedure p "'
        + "(" * 100
        + '\\" ((("\n'
        + "// "
        + "{" * 100
        + "\n/* "
        + "[" * 50
        + "\n"
        + "(" * 50
        + " */\nvar x : bool\n"
    )
    assert _compile(text, tmp_path).errors == ()


# --------------------------------------------------------------------- golden renderings

GOLDEN = HERE / "golden"
GOLDEN_FIXTURES = [
    "syntax_errors",  # three recovered syntax errors, a parser hint, a lexer error
    "syntax_eof",  # the caret at the end of the text
    "syntax_nesting",  # a line longer than 120 characters, shown as a window
    "names_duplicates",  # secondary spans ("first declared at"), one in a library
    "names_unknown",  # did-you-mean help
    "import_cycle",  # a diagnostic inside an imported file
]


def rendered(result: FrontendResult) -> str:
    return "\n\n".join(render(d, result.files) for d in result.diagnostics) + "\n"


@pytest.mark.parametrize("name", GOLDEN_FIXTURES)
def test_golden_rendering(name: str, update_golden: bool, monkeypatch: pytest.MonkeyPatch) -> None:
    """`pytest --update-golden` rewrites tests/golden/NAME.txt; review the diff before
    committing."""
    monkeypatch.chdir(HERE)  # paths in the output are relative to tests/
    text = rendered(compile_file(f"diagnostics/{name}.rev"))
    golden = GOLDEN / f"{name}.txt"
    if update_golden:
        GOLDEN.mkdir(exist_ok=True)
        golden.write_text(text, encoding="utf-8")
    assert golden.exists(), f"no golden file {golden}; run pytest --update-golden"
    assert text == golden.read_text(encoding="utf-8")


# --------------------------------------------------------------------- the command line

HOOK_INPUTS = {
    "eof-in-guard": b'procedure p "x"\nrule r {\n  when (((\n',
    "binary": b"\xff\xfe\x00garbage",
    "initial-out-of-range": b'procedure p "x"\nvar x : 0..3 = 9\n',
}


@pytest.mark.parametrize("name", sorted(HOOK_INPUTS))
def test_cli_reports_bad_input_with_exit_2(name: str, tmp_path: Path) -> None:
    path = tmp_path / "bad.rev"
    path.write_bytes(HOOK_INPUTS[name])
    run = subprocess.run(
        [sys.executable, "-m", "checker.cli", "check", str(path)],
        capture_output=True,
        text=True,
        encoding="utf-8",
        errors="replace",
        timeout=60,
        cwd=HERE.parent,
    )
    out = run.stdout + run.stderr
    assert run.returncode == 2, out
    assert "Traceback" not in out
    result = compile_file(str(path))
    (diag,) = result.errors
    span = diag.span
    assert f"{path}:{span.line}:{span.col}" in out
    line = result.files[str(path)].line(span.line)
    assert f"{span.line} | {line}" in out  # the source line
    caret = " " * (span.col - 1) + "^"
    assert any(row.split("| ", 1)[-1].startswith(caret) for row in out.splitlines()), out


def test_cli_in_process_on_a_missing_file(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    from checker.cli import main

    assert main(["check", str(tmp_path / "missing.rev")]) == 2
    captured = capsys.readouterr()
    assert "missing.rev" in captured.out + captured.err
    assert "Traceback" not in captured.out + captured.err


# --------------------------------------------------------------------- the registry is covered


def test_every_front_end_code_has_a_fixture_or_a_test() -> None:
    covered = set(COVERED_HERE)
    for fixture in [*FIXTURE_FILES, *sorted((FIXTURES / "lib").rglob("*.rev"))]:
        covered |= {
            code
            for _, code, _, _ in expectations(SourceFile(str(fixture), fixture.read_text("utf-8")))
        }
    assert sorted(set(CODES) - covered - set(NOT_FRONT_END)) == []
    assert sorted(covered & set(NOT_FRONT_END)) == []
    assert sorted(covered - set(CODES)) == []
    assert sorted(set(NOT_FRONT_END) - set(CODES)) == []


if __name__ == "__main__":  # print what a fixture actually produces, to write its expectations
    for arg in sys.argv[1:]:
        res = compile_file(arg)
        for key in _show(actual(res)):
            print(key)
