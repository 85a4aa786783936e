"""Counts that add up (issue 12): every problem `check` prints is counted in the summary and
the exit code, and the same count is in the JSON summary, the SARIF levels and the JUnit totals.

One fixture per kind of problem in tests/counts/; each row pins the summary line `check`
prints for it (a golden line), and the test derives the same counts from every other format.
"""

from __future__ import annotations

import json
import re
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest

from checker.cli import main

HERE = Path(__file__).resolve().parent / "counts"

# fixture -> (extra options, the summary line `check` prints, its exit code)
GOLDEN: dict[str, tuple[list[str], str, int]] = {
    "differs": (
        [],
        "1 file(s): 0 expectation(s) met, 1 problem(s) (1 verdict(s) differ from "
        "expect), 0 unsettled, 0 not applicable, 0 dead end(s), 0 warning(s), 0 file(s) "
        "with errors — exit 1",
        1,
    ),
    "fails": (
        [],
        "1 file(s): 0 expectation(s) met, 1 problem(s) (1 unexpected failure(s)), "
        "0 unsettled, 0 not applicable, 0 dead end(s), 0 warning(s), 0 file(s) with "
        "errors — exit 1",
        1,
    ),
    "range_error": (
        [],
        "1 file(s): 0 expectation(s) met, 1 problem(s) (1 range error(s)), "
        "0 unsettled, 0 not applicable, 0 dead end(s), 0 warning(s), 0 file(s) with "
        "errors — exit 1",
        1,
    ),
    "bad_input": (
        [],
        "1 file(s): 0 expectation(s) met, 0 problem(s), 0 unsettled, "
        "0 not applicable, 0 dead end(s), 0 warning(s), 1 file(s) with errors "
        "(1 error(s)) — exit 2",
        2,
    ),
    "dead_end": (
        [],
        "1 file(s): 0 expectation(s) met, 0 problem(s), 0 unsettled, "
        "0 not applicable, 1 dead end(s), 0 warning(s), 0 file(s) with errors — exit 0",
        0,
    ),
    "not_applicable": (
        [],
        "1 file(s): 1 expectation(s) met, 0 problem(s), 0 unsettled, "
        "1 not applicable, 0 dead end(s), 1 warning(s), 0 file(s) with errors "
        "— exit 0",
        0,
    ),
    "unsettled": (
        ["--engine", "explicit", "--max-states", "5"],
        "1 file(s): 0 expectation(s) met, 0 problem(s), 2 unsettled, 0 not applicable, "
        "0 dead end(s), 0 warning(s), 0 file(s) with errors — exit 3",
        3,
    ),
}


def run(tmp_path: Path, name: str, fmt: str) -> tuple[int, str]:
    options, _, _ = GOLDEN[name]
    out = tmp_path / f"{name}.{fmt}"
    code = main(
        ["check", str(HERE / f"{name}.rev"), "--format", fmt, "--output", str(out), *options]
    )
    return code, out.read_text("utf-8")


def numbers(line: str) -> dict[str, int]:
    """The summary line's counts, by the word after each number."""
    pairs = re.findall(
        r"(\d+) (expectation|problem|unsettled|not applicable|dead end|warning|"
        r"file\(s\) with errors)",
        line.split(": ", 1)[1],
    )
    return {word: int(n) for n, word in pairs}


@pytest.mark.parametrize("name", sorted(GOLDEN))
def test_the_summary_counts_what_the_text_shows(tmp_path: Path, name: str) -> None:
    _, golden, expected_code = GOLDEN[name]
    code, text = run(tmp_path, name, "text")
    summary = text.rstrip("\n").splitlines()[-1]
    assert summary == golden
    assert code == expected_code
    n = numbers(summary)
    # every problem printed: MISMATCH / FAILS rows of the table and RANGE ERROR lines
    rows = [ln for ln in text.splitlines() if re.search(r"\s(MISMATCH|FAILS)$", ln)]
    ranges = [ln for ln in text.splitlines() if ln.strip().startswith("RANGE ERROR:")]
    assert n["problem"] == len(rows) + len(ranges)
    assert n["warning"] == len(re.findall(r"^warning\[", text, re.M))
    assert n["file(s) with errors"] == (1 if re.search(r"^error\[", text, re.M) else 0)
    assert (n["problem"] > 0) == (code == 1)
    assert (n["file(s) with errors"] > 0) == (code == 2)
    if code == 0:
        assert n["unsettled"] == 0


@pytest.mark.parametrize("name", sorted(GOLDEN))
def test_every_format_counts_the_same(tmp_path: Path, name: str) -> None:
    _, golden, expected_code = GOLDEN[name]
    n = numbers(golden)
    code, text = run(tmp_path, name, "json")
    assert code == expected_code
    doc = json.loads(text)
    s = doc["summary"]
    assert doc["exit_code"] == expected_code
    assert s["problems"] == n["problem"] == s["differs"] + s["fails"] + s["range_errors"]
    assert s["unsettled"] == n["unsettled"]
    assert s["not_applicable"] == n["not applicable"]
    assert s["dead_ends"] == n["dead end"]
    assert s["warnings"] == n["warning"]
    assert s["files_with_errors"] == n["file(s) with errors"]
    assert s["range_errors"] == sum(len(f.get("range_errors", [])) for f in doc["files"])

    code, text = run(tmp_path, name, "sarif")
    assert code == expected_code
    results = json.loads(text)["runs"][0]["results"]
    levels = [r["level"] for r in results]
    assert levels.count("error") == s["problems"] + s["errors"]
    assert levels.count("warning") == s["warnings"] + s["dead_ends"]
    assert levels.count("note") == s["not_applicable"]  # nothing here fails as expected
    assert sum(1 for r in results if r.get("kind") == "open") == s["unsettled"]

    code, text = run(tmp_path, name, "junit")
    assert code == expected_code
    root = ET.fromstring(text)
    assert int(root.get("failures", "-1")) == s["problems"]
    assert int(root.get("errors", "-1")) == s["files_with_errors"]
    assert int(root.get("skipped", "-1")) == s["unsettled"] + s["not_applicable"]


def test_not_applicable_is_skipped_in_junit_with_the_reason(tmp_path: Path) -> None:
    _, text = run(tmp_path, "not_applicable", "junit")
    case = next(c for c in ET.fromstring(text).iter("testcase") if c.get("name") == "sale_stands")
    skipped = case.find("skipped")
    assert skipped is not None
    message = skipped.get("message", "")
    assert "not modelled: needs `sale`, `sale_undone`" in message
    assert "the case has no judicial sale" in message


def test_not_applicable_is_a_note_in_sarif(tmp_path: Path) -> None:
    _, text = run(tmp_path, "not_applicable", "sarif")
    (note,) = [r for r in json.loads(text)["runs"][0]["results"] if r["ruleId"] == "sale_stands"]
    assert note["level"] == "note"
    assert "needs `sale`" in note["message"]["text"]
    assert note["suppressions"][0]["justification"] == "the case has no judicial sale"
