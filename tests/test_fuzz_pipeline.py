"""Random and mutated programs through the *whole* pipeline (parse, check, explore, report):
the answer is always a clean diagnostic or a verdict, never an exception (exit code 4)."""

from __future__ import annotations

import contextlib
import io
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from checker.cli import main

ROOT = Path(__file__).parent.parent
SEEDS = sorted((ROOT / "tests" / "models").glob("*.rev"))
SEED_TEXTS = [p.read_text(encoding="utf-8") for p in SEEDS]
TOKENS = [
    "when",
    "then",
    ":=",
    "==",
    "and",
    "(",
    ")",
    "{",
    "}",
    "0",
    "1",
    "-",
    "rule",
    "step",
    "forall c in pegs:",
    "sum(",
    "duty within 2 days",
    "final",
    "true",
    "9999",
    "any",
    ";",
]


def run_check(tmp_path: Path, text: str, *extra: str) -> tuple[int, str]:
    path = tmp_path / "fuzz.rev"
    path.write_text(text, encoding="utf-8")
    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        code = main(["check", str(path), "--max-states", "3000", *extra])
    return code, out.getvalue() + err.getvalue()


@st.composite
def mutated(draw: st.DrawFn) -> str:
    text = draw(st.sampled_from(SEED_TEXTS))
    lines = text.split("\n")
    for _ in range(draw(st.integers(1, 4))):
        i = draw(st.integers(0, max(0, len(lines) - 1)))
        action = draw(st.sampled_from(["delete", "duplicate", "insert", "truncate", "swap"]))
        if action == "delete" and lines:
            del lines[i]
        elif action == "duplicate" and lines:
            lines.insert(i, lines[i])
        elif action == "insert":
            lines.insert(i, " ".join(draw(st.lists(st.sampled_from(TOKENS), max_size=6))))
        elif action == "truncate" and lines:
            cut = draw(st.integers(0, len(lines[i])))
            lines[i] = lines[i][:cut]
        elif action == "swap" and len(lines) > 1:
            j = draw(st.integers(0, len(lines) - 1))
            lines[i], lines[j] = lines[j], lines[i]
    return "\n".join(lines)


@settings(
    derandomize=True,
    deadline=None,
    max_examples=60,
    suppress_health_check=[HealthCheck.function_scoped_fixture],
)
@given(text=mutated())
def test_mutated_programs_never_crash_the_checker(tmp_path: Path, text: str) -> None:
    code, output = run_check(tmp_path, text)
    assert code in (0, 1, 2, 3), output
    assert "Traceback" not in output and "internal error" not in output


@settings(
    derandomize=True,
    deadline=None,
    max_examples=30,
    suppress_health_check=[HealthCheck.function_scoped_fixture],
)
@given(text=mutated())
def test_mutated_programs_json_output_never_crashes(tmp_path: Path, text: str) -> None:
    code, output = run_check(tmp_path, text, "--format", "json")
    assert code in (0, 1, 2, 3), output
    assert "Traceback" not in output


@settings(
    derandomize=True,
    deadline=None,
    max_examples=40,
    suppress_health_check=[HealthCheck.function_scoped_fixture],
)
@given(text=st.text(max_size=200))
def test_random_text_gives_a_clean_error_or_a_result(tmp_path: Path, text: str) -> None:
    code, output = run_check(tmp_path, text)
    assert code in (0, 1, 2, 3), output
    assert "Traceback" not in output
