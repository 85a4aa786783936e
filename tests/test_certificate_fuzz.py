"""Hostile traces and certificates: `replay-trace` and `verify-certificate` answer any JSON
(a value replaced anywhere by another of any type, parts removed) with accepted, rejected or a
bad-input message: exit 0, 1 or 2, never an internal error (4) or a traceback."""

from __future__ import annotations

import copy
import json
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from checker.cli import main

ROOT = Path(__file__).resolve().parent.parent
JUGS = ROOT / "tests" / "models" / "jugs.rev"

JSON_VALUES = st.recursive(
    st.none()
    | st.booleans()
    | st.integers(-(10**6), 10**6)
    | st.text(max_size=8)
    | st.sampled_from([{"#bigint": "3"}, {"#bigint": "x"}, {"#bigint": "9" * 5000}, 1e300]),
    lambda inner: (
        st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=5), inner, max_size=3)
    ),
    max_leaves=6,
)


def _paths(doc: Any, prefix: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
    out = [prefix]
    if isinstance(doc, dict):
        for k, v in doc.items():
            out += _paths(v, (*prefix, k))
    elif isinstance(doc, list):
        for i, v in enumerate(doc):
            out += _paths(v, (*prefix, i))
    return out


def _mutate(doc: Any, path: tuple[Any, ...], value: Any, delete: bool) -> Any:
    if not path:
        return value
    out = copy.deepcopy(doc)
    node = out
    for key in path[:-1]:
        node = node[key]
    if delete:
        del node[path[-1]]
    else:
        node[path[-1]] = value
    return out


@pytest.fixture(scope="module")
def documents(tmp_path_factory: pytest.TempPathFactory) -> tuple[Any, Any]:
    folder = tmp_path_factory.mktemp("docs")
    report, cert = folder / "report.json", folder / "cert.json"
    main(
        [
            "check",
            str(JUGS),
            "--format",
            "json",
            "--output",
            str(report),
            "--certificate",
            str(cert),
        ]
    )
    return json.loads(report.read_text(encoding="utf-8")), json.loads(
        cert.read_text(encoding="utf-8")
    )


@settings(
    max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(data=st.data(), value=JSON_VALUES, delete=st.booleans())
def test_mutated_documents_never_break_the_commands(
    documents: tuple[Any, Any],
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    data: st.DataObject,
    value: Any,
    delete: bool,
) -> None:
    for command, doc in (("replay-trace", documents[0]), ("verify-certificate", documents[1])):
        paths = _paths(doc)
        path = data.draw(st.sampled_from(paths))
        mutated = _mutate(doc, path, value, delete and bool(path))
        target = tmp_path / f"{command}.json"
        target.write_text(json.dumps(mutated), encoding="utf-8")
        code = main([command, str(JUGS), str(target)])
        captured = capsys.readouterr()
        assert code in (0, 1, 2), (command, path, value, captured.err[-500:])
        assert "Traceback" not in captured.err and "E901" not in captured.err
