"""The hostile-input sweep of issues 17 and 19, kept as a seeded corpus generator.

`corpus(seed)` writes a fixed set of hostile inputs (binary, invalid UTF-8, 10,000-deep
nesting, 5 MB, symbolic-link loops, unreadable files, cyclic `extends`, computed huge values,
over-long names and paths, FIFOs and devices where the platform has them, control characters,
mutants of the shipped cases); every command that reads rule sets runs on them in several
formats and with faulty output files. For every run: no traceback, no internal error (exit 4),
no hang (an alarm), an exit code from the documented set, every diagnostic of an exit-2 report
with a 1-based position, and well-formed JSON, SARIF and JUnit. Sized to run in well under 30 s.
"""

from __future__ import annotations

import contextlib
import io
import json
import os
import random
import re
import signal
import sys
import time
import xml.etree.ElementTree as ET
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from checker.cli import main

SEED = 17_19
ROOT = Path(__file__).resolve().parents[1]
SMALL_CASES = ["de/zpo_717.rev", "jp/ccp_260.rev", "ru/arbitrazh_325_326.rev", "tw/ccp_395.rev"]
EXIT_CODES = {0, 1, 2, 3}
HANG_SECONDS = 30
LIMITS = ["--timeout", "3", "--max-states", "20000"]
VALID = (
    'procedure ok "a valid law"\norgan clerk "clerk"\nkind tick "a tick"\nactor c is clerk\n'
    'source art1 "Toy Code, art. 1"\nvar x : 0..3 = 0\n'
    "rule up { by c  kind tick  cites art1  when x < 3  then x := x + 1 }\n"
    'final x == 3\nproperty bounded { always x <= 3 }\nexpect bounded holds "x stops at 3"\n'
)


@dataclass(frozen=True)
class Input:
    name: str  # the path to give the command (relative to the corpus folder)
    kind: str  # which hostile family it belongs to


def _mutants(rng: random.Random, folder: Path, n: int) -> Iterator[Input]:
    """Shipped cases with a line deleted, doubled, or a token swapped for another's."""
    for i in range(n):
        case = SMALL_CASES[i % len(SMALL_CASES)]
        lines = (ROOT / "cases" / case).read_text(encoding="utf-8").split("\n")
        j = rng.randrange(len(lines))
        how = rng.choice(["delete", "double", "swap", "truncate"])
        if how == "delete":
            del lines[j]
        elif how == "double":
            lines.insert(j, lines[j])
        elif how == "swap":
            words = " ".join(lines).split()
            if words and lines[j].split():
                tokens = lines[j].split()
                tokens[rng.randrange(len(tokens))] = rng.choice(words)
                lines[j] = " ".join(tokens)
        else:
            lines = lines[: j + 1]
            lines[-1] = lines[-1][: rng.randrange(len(lines[-1]) + 1)]
        path = folder / f"mutant_{i}_{how}.rev"
        # keep the case's own imports and law/ citations resolvable: write beside the case's folder
        path.write_text("\n".join(lines), encoding="utf-8")
        yield Input(path.name, "mutant")


def corpus(folder: Path, seed: int = SEED) -> list[Input]:
    """Write the hostile corpus into `folder`; the same seed writes the same files."""
    rng = random.Random(seed)
    out: list[Input] = []

    def put(name: str, data: bytes | str, kind: str) -> None:
        raw = data.encode("utf-8") if isinstance(data, str) else data
        (folder / name).write_bytes(raw)
        out.append(Input(name, kind))

    (folder / "valid.rev").write_text(VALID, encoding="utf-8")
    for i in range(6):
        put(
            f"binary_{i}.rev",
            bytes(rng.randrange(256) for _ in range(rng.randrange(1, 400))),
            "binary",
        )
    for i in range(4):
        good = VALID.encode("utf-8")
        cut = rng.randrange(len(good))
        put(
            f"utf8_{i}.rev",
            good[:cut]
            + rng.choice([b"\xff", b"\xc3\x28", b"\xe2\x82", b"\xed\xa0\x80"])
            + good[cut:],
            "invalid UTF-8",
        )
    deep = 10_000
    put(
        "deep_parens.rev",
        VALID + "property deep { always " + "(" * deep + "x <= 3" + ")" * deep + " }\n",
        "nesting",
    )
    put("deep_not.rev", VALID + "property deep { always " + "not " * deep + "x <= 3 }\n", "nesting")
    put("deep_blocks.rev", "procedure p\n" + "rule r {" * deep + "}" * deep + "\n", "nesting")
    put("big.rev", VALID + "// " + "x" * 5_000_000 + "\n", "5 MB")
    put("big_line.rev", "procedure p " + "a" * 1_000_000 + "\n", "5 MB")
    os.symlink("loop_b.rev", folder / "loop_a.rev")
    os.symlink("loop_a.rev", folder / "loop_b.rev")
    out.append(Input("loop_a.rev", "symlink loop"))
    put("unreadable.rev", VALID, "unreadable")
    os.chmod(folder / "unreadable.rev", 0)
    put("cycle_a.rev", 'procedure a\nextends "cycle_b.rev"\n', "cyclic extends")
    put("cycle_b.rev", 'procedure b\nextends "cycle_a.rev"\n', "cyclic extends")
    put("cycle_self.rev", 'procedure s\nextends "cycle_self.rev"\n', "cyclic extends")
    put("import_cycle.rev", 'library l\nimport "import_cycle.rev"\n', "cyclic extends")
    squares = "const c0 = 10\n" + "".join(
        f"const c{i} = c{i - 1} * c{i - 1}\n" for i in range(1, 40)
    )
    put(
        "huge_init.rev",
        VALID.replace("var x : 0..3 = 0", squares + "var x : 0..3 = c13"),
        "huge value",
    )
    put("huge_prop.rev", VALID + squares + "property p2 { always x < c20 }\n", "huge value")
    put(
        "huge_int.rev",
        VALID.replace("0..3 = 0", "int = 0") + squares + "property p3 { always x < c30 }\n",
        "huge value",
    )
    put("huge_range.rev", VALID.replace("0..3", "0.." + "9" * 999), "huge value")
    put("huge_literal.rev", VALID.replace("x < 3", "x < " + "9" * 5000), "huge value")
    long_name = "n" * 100_000
    put("long_ident.rev", VALID.replace("bounded", long_name), "long name")
    put(
        "long_import.rev",
        VALID.replace("organ clerk", "import " + "a" * 300 + "\norgan clerk"),
        "long path",
    )
    put(
        "long_import_path.rev",
        VALID.replace("organ clerk", 'import "' + "d/" * 2100 + 'x.rev"\norgan clerk'),
        "long path",
    )
    put("long_extends.rev", 'procedure p\nextends "' + "e" * 300 + '.rev"\n', "long path")
    out.append(Input("z" * 300 + ".rev", "long path"))  # on the command line, never created
    if hasattr(os, "mkfifo"):
        os.mkfifo(folder / "fifo.rev")
        out.append(Input("fifo.rev", "FIFO"))
        put("extends_fifo.rev", 'procedure p\nextends "fifo.rev"\n', "FIFO")
    for dev in ("/dev/zero", "/dev/null", "/dev/urandom"):
        if os.path.exists(dev):
            name = f"dev_{Path(dev).name}.rev"
            os.symlink(dev, folder / name)
            out.append(Input(name, "device"))
            put(f"extends_{Path(dev).name}.rev", f'procedure p\nextends "{dev}"\n', "device")
    if os.path.exists("/proc/self/mem"):
        put("extends_proc.rev", 'procedure p\nextends "/proc/self/mem"\n', "device")
    for i in range(6):
        controls = "".join(
            chr(rng.choice([*range(0, 9), 11, 12, *range(14, 32), 127])) for _ in range(5)
        )
        at = rng.randrange(len(VALID))
        put(f"control_{i}.rev", VALID[:at] + controls + VALID[at:], "control characters")
    put(
        "control_title.rev",
        VALID.replace('"a valid law"', '"\x0b\x1b[31m\x07"'),
        "control characters",
    )
    put("vt.rev", "procedure p\n\x0b@\n", "control characters")
    put(
        "dup_param.rev",
        VALID.replace("rule up {", "set S = {a, b}\nrule up(p in S, p in S) {"),
        "duplicate",
    )
    put("empty.rev", "", "empty")
    put("bom_only.rev", "\ufeff", "empty")
    os.mkdir(folder / "dir.rev")
    out.append(Input("dir.rev", "directory"))
    out += list(_mutants(rng, folder, 24))
    return out


# ----------------------------------------------------------------------- running and judging


class Hang(Exception):
    pass


@contextlib.contextmanager
def alarm(seconds: int) -> Iterator[None]:
    """Fail a run that blocks (a FIFO opened for reading) instead of hanging the suite."""
    if not hasattr(signal, "SIGALRM"):
        yield
        return

    def ring(signum: int, frame: object) -> None:
        raise Hang(f"no answer within {seconds} s")

    old = signal.signal(signal.SIGALRM, ring)
    signal.alarm(seconds)
    try:
        yield
    finally:
        signal.alarm(0)
        signal.signal(signal.SIGALRM, old)


def run(argv: list[str]) -> tuple[int, str, str]:
    out, err = io.StringIO(), io.StringIO()
    with alarm(HANG_SECONDS), contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        try:
            code = main(argv)
        except SystemExit as stop:  # argparse
            code = int(stop.code or 0)
    return code, out.getvalue(), err.getvalue()


HEADER = re.compile(r"^(error|warning)\[([EW]\d{3})\]", re.M)
WHERE = re.compile(r"^\s*--> (.*):(-?\d+):(-?\d+)$", re.M)


def judge(argv: list[str], code: int, out: str, err: str, fmt: str) -> list[str]:
    """What is wrong with one run ([] when nothing)."""
    text = out + err
    wrong = []
    if code not in EXIT_CODES:
        wrong.append(f"exit {code}")
    if "Traceback" in text or "E901" in text:
        wrong.append("a traceback or internal error:\n" + text[-2000:])
    if ":0:0" in text:
        wrong.append("a position 0:0")
    if fmt == "text" and code == 2:
        headers = HEADER.findall(text)
        wheres = WHERE.findall(text)
        if len(wheres) < len(headers):
            wrong.append("a diagnostic without a position")
        for path, line, col in wheres:
            if int(line) < 1 or int(col) < 1:
                wrong.append(f"position {path}:{line}:{col} is not 1-based")
    body = out.strip()
    if code == 2 and not body and err.startswith("revcheck: error:"):
        return [f"{' '.join(a[:80] for a in argv)}: {w}" for w in wrong]  # a usage error: no report
    try:
        if fmt in ("json", "sarif"):
            doc = json.loads(body)
            if fmt == "sarif":
                assert doc["version"] == "2.1.0"
                for res in (r for run_ in doc["runs"] for r in run_["results"]):
                    for loc in res.get("locations", []):
                        region = loc["physicalLocation"].get("region", {})
                        assert region.get("startLine", 1) >= 1 and region.get("startColumn", 1) >= 1
            elif "files" in doc:
                assert doc.get("exit_code", code) == code
        elif fmt == "junit":
            ET.fromstring(body[body.index("<?xml") :] if "<?xml" in body else body)
    except Exception as exc:  # noqa: BLE001 - any failure to parse is the finding
        wrong.append(f"{fmt} not well-formed: {type(exc).__name__}: {exc}")
    return [f"{' '.join(a[:80] for a in argv)}: {w}" for w in wrong]


def commands(inp: Input, i: int) -> list[tuple[list[str], str]]:
    """The runs for one input: check in a rotating format always, another command in turn."""
    fmt = ["text", "json", "sarif", "junit"][i % 4]
    runs = [(["check", inp.name, "--format", fmt, *LIMITS], fmt)]
    if i % 8 == 0:  # the symbolic engine on the same input (Z3 must give up cleanly too)
        runs.append(
            (
                [
                    "check",
                    inp.name,
                    "--engine",
                    "symbolic",
                    "--timeout",
                    "0.5",
                    "--depth",
                    "8",
                    "--format",
                    "json",
                ],
                "json",
            )
        )
    other = i % 6
    if other == 0:
        runs.append(
            (
                [
                    "lint",
                    inp.name,
                    "--format",
                    ["text", "json", "sarif", "junit"][i // 6 % 4],
                    "--timeout",
                    "0.5",
                    "--depth",
                    "4",
                ],
                ["text", "json", "sarif", "junit"][i // 6 % 4],
            )
        )
    elif other == 1:
        runs.append((["diff", "valid.rev", inp.name, "--format", "json", *LIMITS], "json"))
    elif other == 2:
        runs.append((["graph", inp.name, "--max-states", "300"], "graph"))
    elif other == 3:
        runs.append((["explain", inp.name, "bounded", *LIMITS], "text"))
    elif other == 4:
        runs.append((["matrix", inp.name, "--format", "junit", *LIMITS], "junit"))
    else:
        runs.append((["show", inp.name], "show"))
    return runs


TIMES: list[tuple[float, str]] = []
FAULTY_OUTPUTS = ["no/such/folder/out.txt", "/dev/full", "."]


@pytest.mark.skipif(sys.platform == "win32", reason="POSIX file kinds")
def test_hostile_sweep(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    folder = tmp_path / "cases" / "xx"  # mutants cite law/… and import principles like the cases
    folder.mkdir(parents=True)
    law = ROOT / "cases" / "law"
    if law.exists():
        os.symlink(law, tmp_path / "cases" / "law")
    monkeypatch.chdir(folder)
    inputs = corpus(folder)
    assert len({i.kind for i in inputs}) >= 15
    started = time.monotonic()
    wrong: list[str] = []
    runs = 0
    for i, inp in enumerate(inputs):
        for argv, fmt in commands(inp, i):
            try:
                t0 = time.monotonic()
                code, out, err = run(argv)
                TIMES.append((time.monotonic() - t0, " ".join(argv)[:100]))
            except Hang as exc:
                wrong.append(f"{' '.join(argv)[:120]}: {exc}")
                continue
            runs += 1
            wrong += judge(argv, code, out, err, fmt)
    for target in FAULTY_OUTPUTS:
        if target.startswith("/dev") and not os.path.exists(target):
            continue
        for command in (
            ["check", "valid.rev"],
            ["graph", "valid.rev"],
            ["lint", "valid.rev"],
            ["matrix", "valid.rev"],
            ["diff", "valid.rev", "valid.rev"],
        ):
            code, out, err = run([*command, "--output", target])
            runs += 1
            if code != 2 or "cannot write" not in err:
                wrong.append(
                    f"{' '.join(command)} --output {target}: exit {code}, {err.strip()[:200]}"
                )
            wrong += judge(command, code, out, err, "output")
    seconds = time.monotonic() - started
    if os.environ.get("SWEEP_PROFILE"):
        for t, a in sorted(TIMES, reverse=True)[:15]:
            print(f"{t:6.2f} {a}", file=sys.__stderr__)
    assert wrong == [], "\n".join(wrong[:20])
    assert runs >= 150
    assert seconds < 30, f"the sweep took {seconds:.1f} s"


def test_the_corpus_is_reproducible(tmp_path: Path) -> None:
    a, b = tmp_path / "a", tmp_path / "b"
    a.mkdir()
    b.mkdir()
    first, second = corpus(a), corpus(b)
    assert first == second
    for inp in first:
        pa, pb = a / inp.name, b / inp.name
        if os.path.isfile(pa) and not os.path.islink(pa) and os.access(pa, os.R_OK):
            assert pa.read_bytes() == pb.read_bytes(), inp.name
