"""Fault and input coverage of the commands the hostile sweep does not run (issue 12): report,
replay, replay-trace, export, verify-certificate and repair (skipped, saying so, where the
command is missing).

The seeded hostile corpus of `tests/test_hostile_sweep.py` (binary, invalid UTF-8, 10,000-deep
nesting, 5 MB, symbolic-link loops, unreadable files, cyclic `extends`, FIFOs, devices, …) is
given to each command in each argument position that reads a file (a case, a JSON or CSV
docket, a trace, a certificate); unreadable files also with `os.open` refusing, since `chmod 0`
stops no root. Hypothesis (derandomized, as `tests/conftest.py` sets for the suite) mutates what
the commands read besides rule sets: dockets (JSON and CSV), JSON traces, certificates, and
programs for export and report. For every run: no traceback or internal error, no hang, an exit
code the command documents, an exit-2 message that says where (`file:line:col`, 1-based) or
names the file (`revcheck: error: …`, a docket's entry and field), and JSON that parses whenever
any is printed. Soundness besides: one state count, digest or trace value changed is rejected.
The faults this fuzzing found are pinned in `test_faults_found_by_this_fuzzing`."""

from __future__ import annotations

import copy
import csv
import datetime
import io
import json
import os
import re
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, event, example, given, settings
from hypothesis import strategies as st

from checker.cli import LISTED
from tests.test_fuzz_pipeline import mutated
from tests.test_hostile_sweep import VALID, Hang, Input, corpus, judge, run
from tests.test_trace_replay import SLOW

ROOT = Path(__file__).resolve().parent.parent
SMALL = str(ROOT / "tests" / "scenarios" / "small.rev")  # the case the shipped dockets belong to
DOCKET_JSON = ROOT / "tests" / "dockets" / "small_late.json"
DOCKET_CSV = ROOT / "tests" / "dockets" / "small_late.csv"
FLAGS = str(ROOT / "tests" / "models" / "naive_flags.rev")  # a dead end and a counterexample
LIMITS = ["--timeout", "3", "--max-states", "20000"]
HUGE = "@@HUGE@@"  # replaced in the JSON text by a 5,000-digit number (no json.dumps can write one)
FUZZ = settings(
    max_examples=50,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)

# The exit codes each command documents (its module docstring; docs/output.md).
EXITS = {
    "check": {0, 1, 2, 3},
    "repair": {0, 1, 2, 3},
    "report": {0, 2, 3},
    "replay": {0, 1, 2},
    "replay-trace": {0, 1, 2},
    "export": {0, 2},
    "verify-certificate": {0, 1, 2},
}
POSITION = re.compile(r"^\s*--> .*:(\d+):(\d+)$", re.M)
DOCKET_ERROR = re.compile(r"^error: .+: (entry \d+, )?field '[^']*': ", re.M)


# ----------------------------------------------------------------------- judging one run


def explained(err: str) -> bool:
    """An exit-2 message says where: a diagnostic at a 1-based position, a `revcheck: error:`
    line naming the file, or a docket error naming the entry and the field."""
    places = POSITION.findall(err)
    if places:
        return all(int(line) >= 1 and int(col) >= 1 for line, col in places)
    return "revcheck: error: " in err or bool(DOCKET_ERROR.search(err))


def faults(argv: list[str], code: int, out: str, err: str, fmt: str = "text") -> list[str]:
    """What is wrong with one run of a command of EXITS ([] when nothing)."""
    wrong = judge(argv, code, out, err, "text")
    command = argv[0]
    if code not in EXITS[command]:
        wrong.append(f"exit {code}, not one of {sorted(EXITS[command])}")
    if code == 2 and not explained(out + err):
        wrong.append("exit 2 without saying where:\n" + (out + err)[-1500:])
    if fmt == "json" and out.strip():  # printed at all: then a whole document
        try:
            doc = json.loads(out)
            assert doc.get("exit_code", code) == code, "exit_code field differs from the exit code"
        except (ValueError, AssertionError) as exc:
            wrong.append(f"JSON not valid: {exc}")
    if fmt == "json" and code != 2 and not out.strip():
        wrong.append("no JSON report although the input was accepted")
    return [f"{' '.join(a[:60] for a in argv)}: {w}" for w in wrong]


def call(argv: list[str], fmt: str = "text") -> tuple[int, str, str]:
    """Run one command in-process under the sweep's alarm; assert the contract."""
    try:
        code, out, err = run(argv)
    except Hang as exc:
        pytest.fail(f"{' '.join(argv)[:200]}: {exc}")
    wrong = faults(argv, code, out, err, fmt)
    assert wrong == [], "\n".join(wrong)
    return code, out, err


# ----------------------------------------------------------------------- the hostile corpus


def hostile_runs(inp: Input, i: int, site: Path) -> Iterator[tuple[list[str], str]]:
    """The new commands on one hostile file, in each place a file is read."""
    n = inp.name
    yield ["export", "--to", "promela", n], "text"
    yield ["replay", SMALL, n, "--format", "json" if i % 2 else "text"], "json" if i % 2 else "text"
    yield ["replay-trace", "valid.rev", n], "text"
    yield ["verify-certificate", "valid.rev", n], "text"
    as_case = [
        ["report", n, "-o", str(site / f"site{i}"), *LIMITS],
        ["replay", n, str(DOCKET_JSON)],
        ["replay-trace", n, "trace.json"],
        ["verify-certificate", n, "cert.json"],
    ]
    if inp.kind == "mutant":  # one in turn: a mutant that compiles is checked in earnest
        yield as_case[i % 4], "text"
        return
    yield from ((argv, "text") for argv in as_case)
    csv_name = f"hostile_{i}.csv"  # the same file read as a CSV docket (by its suffix)
    if not os.path.lexists(csv_name):
        os.symlink(n, csv_name)
    yield ["replay", SMALL, csv_name, "--format", "json"], "json"


@pytest.mark.skipif(sys.platform == "win32", reason="POSIX file kinds")
def test_hostile_files_through_the_new_commands(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    folder = tmp_path / "cases" / "xx"  # as the sweep: mutants cite law/… like the shipped cases
    folder.mkdir(parents=True)
    if (ROOT / "cases" / "law").exists():
        os.symlink(ROOT / "cases" / "law", tmp_path / "cases" / "law")
    monkeypatch.chdir(folder)
    inputs = corpus(folder)
    call(["check", "valid.rev", "--certificate", "cert.json"])
    _, report, _ = call(["export", "--to", "promela", "valid.rev"])
    assert "proctype" in report
    Path("trace.json").write_text(
        json.dumps({"vars": ["x"], "states": [{"x": 0}]}), encoding="utf-8"
    )
    site = tmp_path / "sites"
    site.mkdir()
    wrong: list[str] = []
    runs = 0
    for i, inp in enumerate(inputs):
        for argv, fmt in hostile_runs(inp, i, site):
            try:
                code, out, err = run(argv)
            except Hang as exc:
                wrong.append(f"{' '.join(argv)[:120]}: {exc}")
                continue
            runs += 1
            wrong += faults(argv, code, out, err, fmt)
    assert wrong == [], "\n".join(wrong[:20])
    assert runs >= 5 * len(inputs)


@pytest.mark.parametrize(
    "argv",
    [
        ["export", "--to", "promela", FLAGS, "-o", "no/such/folder/out.pml"],
        ["export", "--to", "promela", FLAGS, "-o", "."],
        ["export", "--to", "promela", FLAGS, "-o", "/dev/full"],
        ["replay", SMALL, str(DOCKET_JSON), "--output", "no/such/folder/out.txt"],
        ["replay", SMALL, str(DOCKET_JSON), "--format", "json", "--output", "/dev/full"],
        ["report", FLAGS, "-o", "a_file"],
        ["report", FLAGS, "-o", "a_file/site"],
        ["check", FLAGS, "--certificate", "no/such/folder/c.json"],
        ["check", FLAGS, "--certificate", "/dev/full"],
    ],
    ids=[
        "export-missing",
        "export-dir",
        "export-full",
        "replay-missing",
        "replay-full",
        "report-file",
        "report-under-file",
        "certificate-missing",
        "certificate-full",
    ],
)
def test_output_faults_say_cannot_write(
    argv: list[str], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    if "/dev/full" in argv and not os.path.exists("/dev/full"):
        pytest.skip("no /dev/full on this platform")
    monkeypatch.chdir(tmp_path)
    (tmp_path / "a_file").write_text("not a folder\n", encoding="utf-8")
    code, out, err = run(argv)
    assert code == 2, (code, out, err)
    assert "cannot write" in err and "Traceback" not in out + err, err
    assert (tmp_path / "a_file").read_text(encoding="utf-8") == "not a folder\n"


def _huge_docket(folder: Path) -> list[str]:
    return [
        "replay",
        SMALL,
        write(folder, "huge.json", '{"initial": {"title": ' + "9" * 5000 + "}}"),
    ]


def _deep_docket(folder: Path) -> list[str]:
    return ["replay", SMALL, write(folder, "deep.json", "[" * 100_000 + "]" * 100_000)]


def _huge_trace(folder: Path) -> list[str]:
    text = '{"vars": ["x"], "states": [{"x": ' + "9" * 5000 + "}]}"
    return ["replay-trace", FLAGS, write(folder, "huge_trace.json", text)]


def _huge_certificate(folder: Path) -> list[str]:
    text = '{"schema": "revcheck/certificate/1", "files": [{"states": ' + "9" * 5000 + "}]}"
    return ["verify-certificate", FLAGS, write(folder, "huge_cert.json", text)]


def _long_csv_cell(folder: Path) -> list[str]:
    return [
        "replay",
        SMALL,
        write(folder, "long.csv", "date,actor,act\n" + "a" * 200_000 + ",b,c\n"),
    ]


def _report_loop(folder: Path) -> list[str]:
    os.symlink("loop_b.rev", folder / "loop_a.rev")
    os.symlink("loop_a.rev", folder / "loop_b.rev")
    return ["report", str(folder / "loop_a.rev"), "-o", str(folder / "site")]


@pytest.mark.parametrize(
    "make",
    [_huge_docket, _deep_docket, _huge_trace, _huge_certificate, _long_csv_cell, _report_loop],
    ids=[
        "docket-5000-digits",
        "docket-100000-deep",
        "trace-5000-digits",
        "certificate-5000-digits",
        "csv-cell-200000-long",
        "report-symlink-loop",
    ],
)
def test_faults_found_by_this_fuzzing(make: Any, tmp_path: Path) -> None:
    """Each ended in an internal error (exit 4: ValueError from int(), RecursionError from the
    JSON decoder, csv.Error past csv's field limit, RuntimeError from Path.resolve on a loop)
    before the fuzzing found it."""
    code, _, err = call(make(tmp_path))
    assert code == 2, err


def test_unreadable_files_even_as_root(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """`chmod 0` stops no one running as root (CI containers often do), so the corpus's
    unreadable file may be read after all; here opening it fails as it would for a user."""
    real_open = os.open

    def refuse(path: Any, flags: int, *args: Any, **kwargs: Any) -> int:
        if "unreadable" in os.fspath(path):
            raise PermissionError(13, "Permission denied", os.fspath(path))
        return real_open(path, flags, *args, **kwargs)

    monkeypatch.chdir(tmp_path)
    for name in ("unreadable.rev", "unreadable.json", "unreadable.csv"):
        (tmp_path / name).write_text(VALID if name.endswith(".rev") else "{}", encoding="utf-8")
    monkeypatch.setattr(os, "open", refuse)
    for argv in (
        ["check", "unreadable.rev"],
        ["export", "--to", "promela", "unreadable.rev"],
        ["report", "unreadable.rev", "-o", "site"],
        ["replay", "unreadable.rev", str(DOCKET_JSON)],
        ["replay", SMALL, "unreadable.json"],
        ["replay", SMALL, "unreadable.csv"],
        ["replay-trace", FLAGS, "unreadable.json"],
        ["verify-certificate", FLAGS, "unreadable.json"],
        ["repair", "unreadable.rev"],
    ):
        if argv[0] not in LISTED:
            continue
        code, out, err = call(argv)
        said = (
            "does not check" if argv[0] == "report" else "Permission denied"
        )  # report: on its page
        assert code == 2 and said in out + err, (argv, out + err)


# ----------------------------------------------------------------------- mutating JSON


LEAVES = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(-(2**70), 2**70),
    st.floats(allow_nan=False),
    st.text(max_size=8),
    st.just(HUGE),
    st.sampled_from(
        [
            "",
            "2024-02-30",
            "0000-01-01",
            "bureau",
            "execute",
            "art_1",
            "#bigint",
            "∞",
            "\x00",
            "\ud800",
            "give_back(c1)",
            "title=court_title",
        ]
    ),
    st.builds(lambda s: {"#bigint": s}, st.sampled_from(["12", "-1", "x", "", HUGE, "1e3"])),
)
VALUES = st.recursive(
    LEAVES,
    lambda kids: (
        st.lists(kids, max_size=3) | st.dictionaries(st.text(max_size=6), kids, max_size=3)
    ),
    max_leaves=6,
)


def paths(doc: Any, here: tuple[Any, ...] = ()) -> Iterator[tuple[Any, ...]]:
    """The path of every node of a JSON document (the root included)."""
    yield here
    if isinstance(doc, dict):
        for k, v in doc.items():
            yield from paths(v, (*here, k))
    elif isinstance(doc, list):
        for i, v in enumerate(doc):
            yield from paths(v, (*here, i))


def at(doc: Any, path: tuple[Any, ...]) -> Any:
    for step in path:
        doc = doc[step]
    return doc


@st.composite
def mutated_json(draw: st.DrawFn, seed: Any) -> str:
    """`seed` with one to three nodes replaced, deleted or doubled, serialized; sometimes the
    text itself cut or spliced."""
    doc = copy.deepcopy(seed)
    for _ in range(draw(st.integers(1, 3))):
        path = draw(st.sampled_from(list(paths(doc))))
        how = draw(st.sampled_from(["replace", "delete", "double", "retype"]))
        if not path:
            doc = draw(VALUES) if how == "replace" else [doc] if how == "double" else doc
            continue
        parent, key = at(doc, path[:-1]), path[-1]
        if how == "replace":
            parent[key] = draw(VALUES)
        elif how == "delete":
            del parent[key]
        elif how == "double" and isinstance(parent, list):
            parent.insert(key, copy.deepcopy(parent[key]))
        else:  # the same content, another type: 1 -> "1", "a" -> ["a"], {...} -> [...]
            v = parent[key]
            parent[key] = (
                str(v)
                if isinstance(v, int | bool)
                else list(v.values())
                if isinstance(v, dict)
                else [v]
            )
    text = json.dumps(doc, ensure_ascii=False).replace(f'"{HUGE}"', "9" * 5000)
    cut = draw(st.integers(0, 12))
    if cut == 0:
        text = text[: draw(st.integers(0, len(text)))]
    elif cut == 1:
        at_ = draw(st.integers(0, len(text)))
        text = (
            text[:at_]
            + draw(st.sampled_from(["{", "]", ",", '"', "\\", "\x00", "\ufeff"]))
            + text[at_:]
        )
    return text


def write(folder: Path, name: str, text: str) -> str:
    path = folder / name
    path.write_bytes(text.encode("utf-8", "surrogatepass"))  # a lone surrogate stays invalid UTF-8
    return str(path)


# ----------------------------------------------------------------------- replay: dockets


@pytest.fixture(scope="module")
def work(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("fuzz-commands")


@pytest.fixture(scope="module")
def slow(work: Path) -> dict[str, Any]:
    """The small timed model of tests/test_trace_replay.py, its JSON report and certificate."""
    case = work / "slow.rev"
    case.write_text(SLOW, encoding="utf-8")
    code, out, _ = call(["check", str(case), "--format", "json"], "json")
    cert = work / "slow.cert.json"
    call(["check", str(case), "--certificate", str(cert)])
    report = json.loads(out)
    traces = [p["trace"] for p in report["files"][0]["properties"] if p.get("trace")]
    assert traces, "the model must give traces to mutate"
    return {
        "case": str(case),
        "report": report,
        "traces": traces,
        "certificate": json.loads(cert.read_text(encoding="utf-8")),
    }


def test_the_seeds_are_accepted_unmutated(work: Path, slow: dict[str, Any]) -> None:
    """Else the mutations below would start from something already refused."""
    assert call(["replay", SMALL, str(DOCKET_JSON)])[0] == 1  # the docket is late: exit 1
    assert call(["replay", SMALL, str(DOCKET_CSV), "--format", "json"], "json")[0] == 1
    report = write(work, "report.json", json.dumps(slow["report"]))
    code, out, _ = call(["replay-trace", slow["case"], report])
    assert code == 0 and " 0 rejected" in out, out
    cert = write(work, "cert.json", json.dumps(slow["certificate"]))
    code, out, _ = call(["verify-certificate", slow["case"], cert])
    assert code == 0 and " 0 rejected" in out, out


DOCKET = json.loads(DOCKET_JSON.read_text(encoding="utf-8"))


ACTS = ["execute", "revoke", "change", "sell", "apply", "order", "give_back", "close", "appeal"]
ENTRY = st.fixed_dictionaries(
    {
        "date": st.dates(
            min_value=datetime.date(2023, 12, 1), max_value=datetime.date(2024, 6, 1)
        ).map(str),
        "actor": st.sampled_from(["bureau", "debtor", "buyer", "court"]),
        "act": st.sampled_from(ACTS),
    },
    optional={
        "article": st.sampled_from(["art_1", "art_2", ""]),
        "values": st.dictionaries(
            st.sampled_from(["held", "back", "keep", "sold", "rev", "x"]),
            st.integers(-1, 3) | st.booleans() | st.just("done"),
            max_size=2,
        ),
        "args": st.lists(st.sampled_from(["c1", "bureau"]), max_size=1),
    },
)


@st.composite
def plausible_docket(draw: st.DrawFn) -> str:
    """Lawful-looking dockets: the shipped entries reordered, dropped, doubled, redated, and
    new entries of the case's acts and actors, so that replay judges them (exit 0 or 1)."""
    entries: list[Any] = copy.deepcopy(DOCKET["entries"])
    for _ in range(draw(st.integers(0, 4))):
        how = draw(st.sampled_from(["insert", "delete", "swap", "redate"]))
        i = draw(st.integers(0, max(0, len(entries) - 1)))
        if how == "insert":
            entries.insert(i, draw(ENTRY))
        elif entries and how == "delete":
            del entries[i]
        elif entries and how == "swap":
            j = draw(st.integers(0, len(entries) - 1))
            entries[i], entries[j] = entries[j], entries[i]
        elif entries:
            entries[i]["date"] = str(
                draw(
                    st.dates(
                        min_value=datetime.date(2023, 1, 1), max_value=datetime.date(2025, 1, 1)
                    )
                )
            )
    if draw(st.integers(0, 4)):  # mostly in date order (else refused before anything is judged)
        entries.sort(key=lambda e: str(e["date"]))
    title = draw(st.sampled_from(["court_title", "other_title", "none"]))
    return json.dumps({"initial": {"title": title}, "entries": entries})


@FUZZ
@given(text=plausible_docket() | mutated_json(DOCKET), fmt=st.sampled_from(["text", "json"]))
def test_mutated_json_dockets(work: Path, text: str, fmt: str) -> None:
    docket = write(work, "docket.json", text)
    code, _, _ = call(["replay", SMALL, docket, "--format", fmt, "--as-of", "2024-12-31"], fmt)
    event(f"exit {code}")


CELLS = st.one_of(
    st.text(max_size=10),
    st.sampled_from(
        [
            "",
            "initial",
            "2024-03-01",
            "2024-13-01",
            "bureau",
            "debtor",
            "execute",
            "give_back",
            "order",
            "art_1",
            "back=1",
            "back=9",
            "back",
            "=;=",
            "held=x;back=1",
            '"',
            "\n",
            "a,b",
            "-3",
            "true",
        ]
    ),
)


@st.composite
def mutated_csv(draw: st.DrawFn) -> str:
    """The shipped CSV docket with cells replaced, rows deleted, doubled or widened."""
    rows = list(csv.reader(io.StringIO(DOCKET_CSV.read_text(encoding="utf-8"))))
    for _ in range(draw(st.integers(1, 4))):
        r = draw(st.integers(0, len(rows) - 1))
        how = draw(st.sampled_from(["cell", "cell", "delete", "double", "widen", "shorten"]))
        if how == "cell" and rows[r]:
            rows[r][draw(st.integers(0, len(rows[r]) - 1))] = draw(CELLS)
        elif how == "delete" and len(rows) > 1:
            del rows[r]
        elif how == "double":
            rows.insert(r, list(rows[r]))
        elif how == "widen":
            rows[r].append(draw(CELLS))
        elif rows[r]:
            rows[r].pop()
    buf = io.StringIO()
    bare = draw(st.booleans())  # no quotes at all: a comma or newline in a cell is escaped
    writer = csv.writer(buf, quoting=csv.QUOTE_NONE, escapechar="\\") if bare else csv.writer(buf)
    writer.writerows(rows)
    return buf.getvalue()


@FUZZ
@given(text=mutated_csv(), fmt=st.sampled_from(["text", "json"]))
def test_mutated_csv_dockets(work: Path, text: str, fmt: str) -> None:
    docket = write(work, "docket.csv", text)
    code, _, _ = call(["replay", SMALL, docket, "--format", fmt], fmt)
    event(f"exit {code}")


# ----------------------------------------------------------------------- replay-trace, certificates


SUMMARY = re.compile(r"^(\d+) trace\(s\): (\d+) accepted, (\d+) rejected$", re.M)


@FUZZ
@given(data=st.data(), whole=st.booleans())
def test_mutated_traces(work: Path, slow: dict[str, Any], data: st.DataObject, whole: bool) -> None:
    seed = slow["report"] if whole else data.draw(st.sampled_from(slow["traces"]))
    trace = write(work, "trace.json", data.draw(mutated_json(seed)))
    code, out, _ = call(["replay-trace", slow["case"], trace])
    event(f"exit {code}")
    if code in (0, 1):  # the verdict line adds up, and a rejection is said, not only counted
        [(total, accepted, rejected)] = SUMMARY.findall(out)
        assert int(total) == int(accepted) + int(rejected) and int(total) >= 1
        assert (int(rejected) > 0) == (code == 1) == ("rejected: " in out), out


@settings(FUZZ, max_examples=25)
@given(data=st.data())
def test_mutated_certificates(work: Path, slow: dict[str, Any], data: st.DataObject) -> None:
    cert = write(work, "cert.json", data.draw(mutated_json(slow["certificate"])))
    code, out, _ = call(["verify-certificate", slow["case"], cert])
    event(f"exit {code}")
    if code == 1:
        assert "rejected: " in out, out


def tamperable(path: tuple[Any, ...]) -> bool:
    """A node a verdict rests on: the state count or digest of an exhaustive search, or a value
    in a state of a trace (not its `#meta`)."""
    if "state_space" in path:
        return path[-1] in ("states", "digest")
    return (
        len(path) >= 3
        and path[-3] == "states"
        and isinstance(path[-2], int)
        and path[-1] != "#meta"
    )


def tampered(v: Any) -> Any:
    """Another value of the same type."""
    if isinstance(v, bool):
        return not v
    if isinstance(v, int):
        return v + 1
    if isinstance(v, dict) and "#bigint" in v:
        return {"#bigint": str(int(v["#bigint"]) + 1)}
    return f"{v}0" if isinstance(v, str) else None


@settings(FUZZ, max_examples=30)
@given(data=st.data())
def test_a_tampered_certificate_is_never_verified(
    work: Path, slow: dict[str, Any], data: st.DataObject
) -> None:
    """The worst bug is a wrong "verified": one state count, digest or trace value changed is
    rejected, whichever it is."""
    doc = copy.deepcopy(slow["certificate"])
    targets = [p for p in paths(doc) if tamperable(p)]
    assert any("state_space" in p for p in targets) and any("trace" in p for p in targets)
    path = data.draw(st.sampled_from(targets))
    parent = at(doc, path[:-1])
    parent[path[-1]] = tampered(parent[path[-1]])
    code, out, _ = call(
        ["verify-certificate", slow["case"], write(work, "tampered.json", json.dumps(doc))]
    )
    assert code == 1 and "rejected: " in out, (path, out)


@settings(FUZZ, max_examples=30)
@given(data=st.data())
def test_a_tampered_trace_is_never_accepted(
    work: Path, slow: dict[str, Any], data: st.DataObject
) -> None:
    trace = copy.deepcopy(data.draw(st.sampled_from(slow["traces"])))
    path = data.draw(st.sampled_from([p for p in paths(trace) if tamperable(p)]))
    parent = at(trace, path[:-1])
    parent[path[-1]] = tampered(parent[path[-1]])
    about = trace.get("#meta", {}).get("about")
    argv = ["replay-trace", slow["case"], write(work, "tampered_trace.json", json.dumps(trace))]
    code, out, _ = call(argv + (["--property", about] if about else []))
    assert code == 1 and "rejected: " in out, (path, out)


def test_a_certificate_path_no_file_can_have(work: Path, slow: dict[str, Any]) -> None:
    """Two entries for the procedure, one with a NUL in its path: was ValueError, exit 4."""
    doc = copy.deepcopy(slow["certificate"])
    doc["files"].insert(0, {**doc["files"][0], "path": "a\x00b.rev"})
    code, out, _ = call(
        ["verify-certificate", slow["case"], write(work, "nul.json", json.dumps(doc))]
    )
    assert code == 0 and " 0 rejected" in out, out


# ----------------------------------------------------------------------- export and report


@settings(FUZZ, max_examples=25)
@given(text=mutated())
def test_export_of_mutated_programs(work: Path, text: str) -> None:
    case = write(work, "export.rev", text)
    code, out, err = call(["export", "--to", "promela", case])
    event(f"exit {code}")
    target = work / "export.pml"
    target.unlink(missing_ok=True)
    again, _, _ = call(["export", "--to", "promela", case, "-o", str(target)])
    assert again == code
    if code == 0:
        assert "proctype" in out or "init" in out, out[:500]
        assert target.read_text(encoding="utf-8") == out  # -o writes what standard output shows
    else:
        assert not target.exists(), "a refused export must not leave a file"


@settings(FUZZ, max_examples=4)
@given(text=mutated())
@example(text=VALID)  # one site written whole, whatever the mutants do
def test_report_of_mutated_programs(work: Path, text: str) -> None:
    case = write(work, "report_case.rev", text)
    site = work / "site"
    code, out, _ = call(["report", case, "-o", str(site), *LIMITS])
    event(f"exit {code}")
    if out.startswith(str(site)):  # the site was written (exit 2 too: the page shows the errors)
        index = (site / "index.html").read_text(encoding="utf-8")
        assert index.rstrip().endswith("</html>")


# ----------------------------------------------------------------------- repair


def test_repair_on_hostile_input(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The hostile files but the mutants (a mutant of a shipped case is a real repair search)."""
    if "repair" not in LISTED:
        pytest.skip(
            "`revcheck repair` does not exist yet (no 'repair' in checker.cli.LISTED): "
            "nothing to fuzz"
        )
    monkeypatch.chdir(tmp_path)
    inputs = [i for i in corpus(tmp_path) if i.kind != "mutant"]
    wrong: list[str] = []
    for i, inp in enumerate(inputs):
        fmt = "json" if i % 2 else "text"
        argv = ["repair", inp.name, "--format", fmt]
        try:
            code, out, err = run(argv)
        except Hang as exc:
            wrong.append(f"{' '.join(argv)[:120]}: {exc}")
            continue
        wrong += faults(argv, code, out, err, fmt)
    assert wrong == [], "\n".join(wrong[:20])
