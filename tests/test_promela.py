"""SPIN, an outside checker, agrees with revcheck on every finite model we ship or pin.

For the corpus (tests/corpus), the puzzles with known answers (tests/models) and every finite
shipped case (cases/**), enumerated at run time: the model is exported to Promela, SPIN
searches it exhaustively (`-DNOREDUCE`, dead-variable elimination off), and its count of
stored states, its verdict on every invariant, its dead ends and range errors must equal
revcheck's. SPIN stores exactly one state more than revcheck: the process before it has
chosen the initial values (`PromelaModel.spin_states`).

SPIN is installed from Debian when missing (`apt-get install spin`); only if that is
impossible are the SPIN tests skipped, with the reason.
"""

from __future__ import annotations

import dataclasses
import os
import shutil
import subprocess
from pathlib import Path

import pytest

from checker.cli import main
from checker.core.result import CheckOptions
from checker.explicit.search import check
from checker.export.promela import TAG_INVARIANT, TAG_REACHABLE, NotExportable, to_promela
from checker.export.spin import compare, run_spin, spin_available
from dsl.frontend import compile_file
from dsl.model import Model

ROOT = Path(__file__).resolve().parent.parent
MODELS = sorted(
    [
        *(ROOT / "tests" / "corpus").glob("*.rev"),
        *(ROOT / "tests" / "models").glob("*.rev"),
        *(ROOT / "cases").rglob("*.rev"),
    ]
)


def _install_spin() -> str:
    """'' when spin is usable (installing it if we can), else why not."""
    if spin_available():
        return ""
    if shutil.which("apt-get") is None or os.geteuid() != 0:
        return "spin is not installed and apt-get is unavailable (or not root)"
    for cmd in (["apt-get", "update", "-qq"], ["apt-get", "install", "-y", "-qq", "spin", "gcc"]):
        done = subprocess.run(cmd, capture_output=True, text=True, check=False)
        if done.returncode != 0:
            return f"installing spin failed: {' '.join(cmd)}: {done.stderr.strip()[-300:]}"
    return "" if spin_available() else "spin still not found after apt-get install spin"


@pytest.fixture(scope="module")
def spin() -> None:
    why = _install_spin()
    if why:
        pytest.skip(why)


def _finite_model(path: Path) -> Model:
    front = compile_file(str(path))
    if front.model is None:
        pytest.skip(f"{path.name} does not compile now (its own tests report that)")
    model = front.model
    if model.is_library or not model.finite:
        pytest.skip(f"{path.name} is not a finite procedure (the explicit engine cannot run it)")
    return model


@pytest.mark.parametrize("path", MODELS, ids=[str(p.relative_to(ROOT)) for p in MODELS])
def test_spin_agrees(spin: None, path: Path) -> None:
    model = _finite_model(path)
    ours = check(model, CheckOptions(max_states=2_000_000))
    assert ours.complete, f"{path.name}: revcheck's search did not complete"
    exported = to_promela(model)
    theirs = run_spin(exported)
    assert theirs.complete, theirs.output
    assert compare(exported, theirs, ours) == []
    assert theirs.states == ours.states + 1  # the pre-initial state, see the module docstring


def test_the_corpus_is_not_vacuous() -> None:
    """The comparison covers models where invariants fail, dead ends and range errors exist."""
    names = {p.name for p in MODELS}
    assert {"jugs.rev", "range_enabled_is_not_dead.rev", "naive_flags.rev", "deadline.rev"} <= names
    assert any(p.parts[-3] == "cases" for p in MODELS if len(p.parts) > 3)


def test_a_disagreement_is_reported(spin: None) -> None:
    """`compare` is not vacuous: a wrong count or a flipped verdict on either side is named."""
    model = _finite_model(ROOT / "tests" / "models" / "jugs.rev")
    ours = check(model)
    exported = to_promela(model)
    theirs = run_spin(exported)
    assert TAG_INVARIANT + exported.invariants.index("never_four") in theirs.violated
    off_by_one = dataclasses.replace(ours, states=ours.states + 1)
    assert any(p.startswith("states:") for p in compare(exported, theirs, off_by_one))
    holding = dataclasses.replace(theirs, violated=frozenset())
    assert any(p.startswith("never_four:") for p in compare(exported, holding, ours))
    dead = dataclasses.replace(theirs, violated=theirs.violated | {999})
    assert any(p.startswith("dead ends:") for p in compare(exported, dead, ours))
    unreachable = dataclasses.replace(theirs, violated=theirs.violated - {TAG_REACHABLE})
    assert "four_litres: revcheck holds, SPIN fails" in compare(exported, unreachable, ours)


def test_export_command_writes_the_header(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "jugs.pml"
    assert (
        main(["export", "--to", "promela", str(ROOT / "tests/models/jugs.rev"), "-o", str(out)])
        == 0
    )
    text = out.read_text(encoding="utf-8")
    assert text.startswith("/* revcheck export --to promela: procedure jugs")
    assert "3000: four_litres (Reachable)" in text and "1000: never_four (Invariant)" in text
    assert "active proctype revcheck()" in text


def test_export_header_names_liveness_as_not_exported() -> None:
    model = _finite_model(ROOT / "tests" / "models" / "deadline.rev")
    text = to_promela(model).text
    assert "duties as weak fairness" in text
    assert "deadline clocks" in text
    assert "liveness with duties as weak fairness" in text  # its `leads_to ... within` properties


def test_export_refuses_an_unbounded_model(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    src = tmp_path / "unbounded.rev"
    src.write_text(
        "procedure u\norgan o\nactor a is o\nvar n : int = 0\n"
        "rule inc { by a when n < 3 then n := n + 1 }\nfinal n == 3\n",
        encoding="utf-8",
    )
    assert main(["export", "--to", "promela", str(src)]) == 2
    assert "cannot export" in capsys.readouterr().err
    with pytest.raises(NotExportable):
        to_promela(compile_file(str(src)).model)  # type: ignore[arg-type]


def test_export_reports_a_syntax_error(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    src = tmp_path / "bad.rev"
    src.write_text("procedure p\nvar x : 0..3 = \n", encoding="utf-8")
    assert main(["export", "--to", "promela", str(src)]) == 2
    err = capsys.readouterr().err
    assert "bad.rev:" in err and "^" in err and "Traceback" not in err
