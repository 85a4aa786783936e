"""Diagnostic codes are typed constants in one registry (dsl/codes.py), as mypy's errorcodes."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from dsl.codes import ALL_CODES, CODES
from dsl.diagnostics import Diagnostic, error
from dsl.source import Span

ROOT = Path(__file__).resolve().parent.parent


def test_the_type_and_the_registry_name_the_same_codes() -> None:
    assert set(ALL_CODES) == set(CODES)
    assert len(ALL_CODES) == len(set(ALL_CODES))


def test_an_unregistered_code_is_refused_at_once() -> None:
    with pytest.raises(KeyError, match="unregistered diagnostic code 'E11'"):
        error("E11", "x", Span("f.rev", 1, 1, 1, 2))  # type: ignore[arg-type]
    with pytest.raises(KeyError):
        Diagnostic("X999", "x", Span("f.rev", 1, 1, 1, 2))  # type: ignore[arg-type]


def test_every_code_written_in_the_source_is_registered() -> None:
    written: set[str] = set()
    for path in [*ROOT.glob("dsl/**/*.py"), *ROOT.glob("checker/**/*.py")]:
        written |= set(re.findall(r'"([EW]\d{3})"', path.read_text(encoding="utf-8")))
    assert written <= set(CODES), sorted(written - set(CODES))
