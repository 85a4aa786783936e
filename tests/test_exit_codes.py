"""The graded exit codes of `revcheck check` (docs/output.md): 0, 1, 2, 3 and 4."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

import checker.explicit.search
from checker.cli import main
from tests.ci_models import LAW, revcheck, write

MISMATCH = LAW.replace("expect separation fails", "expect separation holds")
UNEXPECTED_FAILURE = LAW.replace("expect no_early_decision holds\n", "").replace(
    "stage == pending  then stage := decided", "stage in {executed, pending}  then stage := decided"
)
HOLDS_ONLY = """procedure counter "a counter that stays in range"
organ clerk "clerk"
actor c is clerk
kind tick "a tick"
var n : 0..50 = 0
rule up { by c  kind tick  when n < 50  then n := n + 1 }
property bounded { always n <= 50 }
expect bounded holds
"""


@pytest.fixture
def folder(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.chdir(tmp_path)
    return tmp_path


def test_0_every_expectation_met(folder: Path) -> None:
    write(folder, "law.rev", LAW)
    assert main(["check", "law.rev"]) == 0


def test_1_a_verdict_differs_from_its_expectation(
    folder: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    write(folder, "law.rev", MISMATCH)
    assert main(["check", "law.rev"]) == 1
    assert "MISMATCH" in capsys.readouterr().out


def test_1_a_property_fails_without_expectation(folder: Path) -> None:
    write(folder, "law.rev", UNEXPECTED_FAILURE)
    assert main(["check", "law.rev"]) == 1


@pytest.mark.parametrize(
    ("text", "needle"),
    [
        ("procedure broken\nrule r {\n", "error[E"),
        ("procedure p\nvar x : 0..3 = 0\nrule r { when y > 0 }\n", "error[E"),
    ],
)
def test_2_bad_input(
    folder: Path, text: str, needle: str, capsys: pytest.CaptureFixture[str]
) -> None:
    write(folder, "bad.rev", text)
    assert main(["check", "bad.rev"]) == 2
    out = capsys.readouterr().out
    assert needle in out and "bad.rev:" in out and "Traceback" not in out


def test_2_missing_file_and_bad_input_wins(folder: Path) -> None:
    write(folder, "law.rev", MISMATCH)
    assert main(["check", "law.rev", "absent.rev"]) == 2


def test_2_bad_option(folder: Path) -> None:
    write(folder, "law.rev", LAW)
    with pytest.raises(SystemExit) as exc:
        main(["check", "law.rev", "--format", "yaml"])
    assert exc.value.code == 2
    with pytest.raises(SystemExit) as exc:
        main(["check", "law.rev", "--max-states", "0"])
    assert exc.value.code == 2


def test_3_unsettled_at_a_state_limit(folder: Path, capsys: pytest.CaptureFixture[str]) -> None:
    write(folder, "counter.rev", HOLDS_ONLY)
    assert main(["check", "counter.rev", "--max-states", "10", "--engine", "explicit"]) == 3
    assert "unsettled" in capsys.readouterr().out
    assert main(["check", "counter.rev"]) == 0


def test_3_does_not_hide_a_wrong_verdict(folder: Path) -> None:
    write(folder, "counter.rev", HOLDS_ONLY)
    write(folder, "law.rev", MISMATCH)
    assert (
        main(["check", "counter.rev", "law.rev", "--max-states", "10", "--engine", "explicit"]) == 1
    )


def _boom(*_args: object, **_kwargs: object) -> None:
    raise RuntimeError("simulated engine bug")


def test_4_internal_error_without_traceback(
    folder: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    write(folder, "law.rev", LAW)
    monkeypatch.setattr(checker.explicit.search, "check", _boom)
    assert main(["check", "law.rev"]) == 4
    err = capsys.readouterr().err
    assert "internal error: RuntimeError: simulated engine bug" in err
    assert "Please report it" in err and "--debug" in err
    assert "Traceback" not in err


def test_4_debug_raises(folder: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    write(folder, "law.rev", LAW)
    monkeypatch.setattr(checker.explicit.search, "check", _boom)
    with pytest.raises(RuntimeError, match="simulated engine bug"):
        main(["--debug", "check", "law.rev"])


BROKEN_ENGINE = (
    "import sys, checker.explicit.search as e\n"
    "def boom(*a, **k): raise RuntimeError('simulated engine bug')\n"
    "e.check = boom\n"
    "from checker.cli import main\n"
    "sys.exit(main(sys.argv[1:]))\n"
)


@pytest.mark.parametrize("debug", [False, True])
def test_4_in_a_real_process(folder: Path, debug: bool) -> None:
    import subprocess

    write(folder, "law.rev", LAW)
    args = [*(["--debug"] if debug else []), "check", "law.rev"]
    done = subprocess.run(
        [sys.executable, "-c", BROKEN_ENGINE, *args], capture_output=True, text=True, check=False
    )
    if debug:
        assert done.returncode == 1  # Python's own exit status for an uncaught exception
        assert "Traceback" in done.stderr and "simulated engine bug" in done.stderr
    else:
        assert done.returncode == 4
        assert "Traceback" not in done.stderr and "internal error" in done.stderr


def test_exit_codes_in_a_real_process(folder: Path) -> None:
    write(folder, "law.rev", LAW)
    write(folder, "mismatch.rev", MISMATCH)
    write(folder, "counter.rev", HOLDS_ONLY)
    assert revcheck("check", "law.rev").returncode == 0
    assert revcheck("check", "mismatch.rev").returncode == 1
    assert revcheck("check", "absent.rev").returncode == 2
    assert (
        revcheck("check", "counter.rev", "--max-states", "10", "--engine", "explicit").returncode
        == 3
    )
