"""Hostile inputs that once got through (issue 19, items 1-7), each with its reproducer.

The contract: a coded diagnostic with a 1-based position, or a clean limit; never an internal
error (exit 4), a traceback, a hang, or a truncated output file.
"""

from __future__ import annotations

import os
import re
import stat
import subprocess
import sys
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest

from checker.cli import main
from checker.cli.common import write_atomically

ROOT = Path(__file__).resolve().parents[1]
HEADER = 'procedure p "hostile"\nimport principles\nsource art1 "Toy Code, art. 1"\n'
RULE = "rule r { by bureau kind initiation cites art1 when x == 0 then x := 1 }\n"
ACTOR = "actor bureau is enforcement_organ\n"
POSITION = re.compile(r"--> [^\n]*:(\d+):(\d+)")


@pytest.fixture
def folder(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.chdir(tmp_path)
    return tmp_path


def run(argv: list[str], capsys: pytest.CaptureFixture[str]) -> tuple[int, str]:
    code = main(argv)
    out = capsys.readouterr()
    text = out.out + out.err
    assert "Traceback" not in text and "E901" not in text, text
    assert code in (0, 1, 2, 3), code
    return code, text


def positions(text: str) -> list[tuple[int, int]]:
    """Every `--> path:line:col` of a text report; none may be 0."""
    found = [(int(a), int(b)) for a, b in POSITION.findall(text)]
    assert ":0:0" not in text
    assert all(line >= 1 and col >= 1 for line, col in found), found
    return found


def run_cli(argv: list[str], timeout: float = 60) -> subprocess.CompletedProcess[str]:
    """In a subprocess, so that a regression that blocks (a FIFO) fails instead of hanging."""
    return subprocess.run(
        [sys.executable, "-m", "checker.cli", *argv],
        capture_output=True,
        text=True,
        timeout=timeout,
        cwd=os.getcwd(),
        env={**os.environ, "PYTHONPATH": str(ROOT)},
    )


# ----------------------------------------------------------------------- 1. computed huge values


def squares(n: int) -> str:
    return "const c0 = 10\n" + "".join(
        f"const c{i} = c{i - 1} * c{i - 1}\n" for i in range(1, n + 1)
    )


@pytest.mark.parametrize(
    "use",
    [
        "var x : 0..3 = c13\n" + RULE,  # an initial value (was ValueError in _check_value)
        "var x : 0..3 = 0\n" + RULE + "property big { always x < c13 }\n",  # only in a property
        "var x : int = c13\n" + RULE,  # an unbounded variable (was the symbolic encoder)
    ],
    ids=["initial-value", "property-only", "int-variable"],
)
def test_computed_huge_constant_is_E210_at_the_constant(
    folder: Path, use: str, capsys: pytest.CaptureFixture[str]
) -> None:
    (folder / "huge.rev").write_text(HEADER + ACTOR + squares(13) + use, encoding="utf-8")
    code, out = run(["check", "huge.rev"], capsys)
    assert code == 2
    assert out.count("error[E210]") == 1 and "E102" not in out  # once, not again at every use
    line = 4 + 10 + 1  # header 3 lines, actor, c0..c9 fine: c10 = c9 * c9 is the first too large
    assert (line, 13) in positions(out)


def test_squaring_to_c36_is_refused_quickly(
    folder: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    (folder / "huge.rev").write_text(
        HEADER + ACTOR + squares(36) + "var x : 0..3 = c36\n" + RULE, encoding="utf-8"
    )
    code, out = run(["check", "huge.rev"], capsys)  # once ran out of memory in _fold
    assert code == 2 and "E210" in out


# ----------------------------------------------------------------------- 2. over-long paths


LONG = "a" * 300


@pytest.mark.parametrize(
    ("line", "code"),
    [
        (f"import {LONG}\n", "E103"),
        (f'import "{LONG}.rev"\n', "E103"),
        (f'import "{"d/" * 2100}x.rev"\n', "E103"),
        (f'extends "{LONG}.rev"\n', "E110"),
    ],
    ids=["import-name", "import-path", "import-deep-path", "extends-path"],
)
def test_over_long_import_or_extends_is_coded_at_the_line(
    folder: Path, line: str, code: str, capsys: pytest.CaptureFixture[str]
) -> None:
    text = 'procedure p "long"\n' + line + 'organ clerk "clerk"\nactor bureau is clerk\n'
    (folder / "long.rev").write_text(text, encoding="utf-8")
    exit_code, out = run(["check", "long.rev"], capsys)
    assert exit_code == 2
    assert f"error[{code}]" in out
    assert (2, 1) in positions(out)


def test_over_long_path_on_the_command_line(
    folder: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    for command in (["check"], ["lint"], ["matrix"], ["graph"], ["explain"]):
        argv = [*command, LONG + ".rev"] + (["p"] if command == ["explain"] else [])
        code, out = run(argv, capsys)
        assert code == 2, (command, out)
        assert "too long" in out or "not found" in out
        positions(out)


# ----------------------------------------------------------------------- 3. devices and FIFOs


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="no FIFOs on this platform")
@pytest.mark.parametrize("command", ["check", "lint", "matrix", "graph", "explain", "diff", "show"])
def test_a_fifo_is_refused_not_read(folder: Path, command: str) -> None:
    os.mkfifo(folder / "x.rev")
    argv = {"explain": ["explain", "x.rev", "p"], "diff": ["diff", "x.rev", "x.rev"]}.get(
        command, [command, "x.rev"]
    )
    done = run_cli(argv, timeout=60)  # blocked forever before
    assert done.returncode == 2, done.stdout + done.stderr
    text = done.stdout + done.stderr
    assert "Traceback" not in text
    if command != "matrix":  # the matrix shows the file as an `error` row
        assert "not a regular file (a FIFO)" in text


@pytest.mark.skipif(not os.path.exists("/dev/zero"), reason="no /dev/zero")
def test_a_symlink_to_dev_zero_is_refused(folder: Path, capsys: pytest.CaptureFixture[str]) -> None:
    os.symlink("/dev/zero", folder / "zero.rev")  # ran out of memory: st_size is 0
    code, out = run(["check", "zero.rev"], capsys)
    assert code == 2 and "not a regular file (a device)" in out
    assert positions(out) == [(1, 1)]


@pytest.mark.skipif(not os.path.exists("/proc/self/mem"), reason="no /proc")
def test_extends_proc_self_mem_is_reported_at_the_extends_line(
    folder: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    (folder / "bill.rev").write_text('procedure p\nextends "/proc/self/mem"\n', encoding="utf-8")
    code, out = run(["check", "bill.rev"], capsys)
    assert code == 2 and "E110" in out
    assert positions(out) == [(2, 1)]  # was …:0:0


@pytest.mark.skipif(not os.path.exists("/dev/full"), reason="no /dev/full")
def test_matrix_update_dev_full_is_refused_at_once(folder: Path) -> None:
    done = run_cli(["matrix", str(ROOT / "cases" / "de"), "--update", "/dev/full"], timeout=60)
    assert done.returncode == 2
    assert "/dev/full is not a regular file" in done.stderr


def test_the_size_limit_is_enforced_while_reading(
    folder: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    (folder / "big.rev").write_bytes(b"// " + b"x" * 5_000_000 + b"\n")
    code, out = run(["check", "big.rev"], capsys)
    assert code == 2 and "larger than 5,000,000 bytes" in out
    assert positions(out) == [(1, 1)]


# ----------------------------------------------------------------------- 4. output files


@pytest.mark.parametrize("target", ["missing/folder/out.dot", "/dev/full"])
def test_graph_output_faults_say_cannot_write(
    folder: Path, target: str, capsys: pytest.CaptureFixture[str]
) -> None:
    if target.startswith("/dev") and not os.path.exists(target):
        pytest.skip("no /dev/full")
    code, out = run(
        ["graph", str(ROOT / "cases" / "de" / "zpo_717.rev"), "--output", target], capsys
    )
    assert code == 2 and f"cannot write {target}" in out


@pytest.mark.parametrize("command", [["check"], ["lint"], ["matrix"]])
def test_report_output_faults_say_cannot_write(
    folder: Path, command: list[str], capsys: pytest.CaptureFixture[str]
) -> None:
    code, out = run(
        [*command, str(ROOT / "cases" / "de" / "zpo_717.rev"), "--output", "no/such/dir/x"], capsys
    )
    assert code == 2 and "cannot write no/such/dir/x" in out


def test_a_failed_write_leaves_the_old_file_whole(
    folder: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    target = folder / "report.json"
    target.write_text("the old report\n", encoding="utf-8")
    os.chmod(target, 0o640)

    def broken(src: str, dst: str) -> None:
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(os, "replace", broken)
    with pytest.raises(OSError):
        write_atomically(str(target), "the new report that fails half-way\n")
    assert target.read_text(encoding="utf-8") == "the old report\n"
    assert [p.name for p in folder.iterdir()] == ["report.json"]  # no temporary file left
    monkeypatch.undo()
    write_atomically(str(target), "the new report\n")
    assert target.read_text(encoding="utf-8") == "the new report\n"
    assert stat.S_IMODE(target.stat().st_mode) == 0o640  # the file keeps its permissions


# ----------------------------------------------------------------------- 5. JUnit is well-formed


CONTROL = [
    "procedure p\n\x0b@\n",
    'procedure p "\x01\x02\x1b[31m"\nvar x : 0..1 = 0\n',
    "\x00\x01\x02binary",
]


@pytest.mark.parametrize("text", CONTROL, ids=["vt", "escape-in-title", "nul"])
@pytest.mark.parametrize("command", ["check", "lint", "matrix", "diff"])
def test_junit_is_well_formed_whatever_the_input(
    folder: Path, text: str, command: str, capsys: pytest.CaptureFixture[str]
) -> None:
    (folder / "x.rev").write_bytes(text.encode("utf-8"))
    argv = ["diff", "x.rev", "x.rev"] if command == "diff" else [command, "x.rev"]
    code, out = run([*argv, "--format", "junit"], capsys)
    assert code in (0, 2, 3)
    xml = out[out.index("<?xml") :]
    root = ET.fromstring(xml)  # raised "not well-formed" before
    assert root.tag == "testsuites"


# ----------------------------------------------------------------------- 6. 1-based positions


def test_missing_file_and_symlink_loop_have_1_based_positions(
    folder: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    os.symlink("b.rev", folder / "a.rev")
    os.symlink("a.rev", folder / "b.rev")
    code, out = run(["check", "missing.rev", "a.rev"], capsys)
    assert code == 2
    assert "file or folder not found: missing.rev" in out
    assert "a loop of symbolic links" in out  # was "not found"
    assert positions(out) == [(1, 1), (1, 1)]
    code, out = run(["check", "missing.rev", "--format", "json"], capsys)
    assert '"line": 1' in out and '"line": 0' not in out


# ----------------------------------------------------------------------- 7. silent partial results


def test_duplicate_parameter_names_are_rejected(
    folder: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    (folder / "dup.rev").write_text(
        HEADER + ACTOR + "set S = {a, b}\nvar x : 0..1 = 0\n"
        "rule r(p in S, p in S) { by bureau kind initiation cites art1 when x == 0 then x := 1 }\n",
        encoding="utf-8",
    )
    code, out = run(["check", "dup.rev"], capsys)
    assert code == 2 and "error[E101]: parameter 'p' appears twice in rule 'r'" in out
    assert (7, 16) in positions(out)


def test_graph_partial_is_not_silent(capsys: pytest.CaptureFixture[str]) -> None:
    code, out = run(
        [
            "graph",
            str(ROOT / "cases" / "prc" / "current.rev"),
            "--max-states",
            "400",
            "--project",
            "title",
        ],
        capsys,
    )
    assert code == 3 and "PARTIAL" in out


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="no FIFOs on this platform")
@pytest.mark.parametrize("command", ["replay", "replay-trace"])
def test_a_fifo_docket_or_trace_is_refused(folder: Path, command: str) -> None:
    os.mkfifo(folder / "x.json")
    done = run_cli([command, str(ROOT / "cases" / "de" / "zpo_717.rev"), "x.json"], timeout=60)
    assert done.returncode == 2, done.stdout + done.stderr
    assert "not a regular file (a FIFO)" in done.stdout + done.stderr
    assert "Traceback" not in done.stdout + done.stderr
