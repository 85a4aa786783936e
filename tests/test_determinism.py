"""Run to run, every report is byte-identical apart from timings (issue 12, "Fault and input
coverage").

Two fresh interpreters with different hash seeds (`PYTHONHASHSEED`: the order of sets and of
dicts built from them differs between the two, the usual way a trace, a finding or a row
wanders) each run the same commands in-process — check, matrix, diff, lint in text, JSON,
SARIF and JUnit, export to Promela — on valid inputs, a failing one, a broken one and a search
cut short by a limit; also a certificate (`check --certificate`), a docket replay's JSON and
the pages of a `report` site.
Their outputs must be equal once `mask` has replaced what measures time:

- `"seconds": 0.0529` (JSON), `time="0.064"` (JUnit);
- `0.04 s` and `after 2 s` (text, the engine lines and limit messages);
- `126,359 states/s` and `about 22 h at this rate` (a limit's rate and estimate).

Nothing else is masked: state counts, traces, positions and the order of everything must match.
"""

from __future__ import annotations

import contextlib
import io
import json
import os
import re
import subprocess
import sys
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
FORMATS = ("text", "json", "sarif", "junit")
SEEDS = ("0", "4242")
CERTIFICATE = "<certificate>"  # where `collect` writes the certificate it compares
SITE = "<site>"  # and the HTML site (every page, in name order)
BROKEN = (
    'procedure broken "a rule set with errors"\norgan clerk\nactor c is clerk\n'
    "var x : 0..3 = 0\nrule r { by c  when y == 0  then x := 9 }\n"
)

# What measures time, and nothing else (the module docstring lists each form).
TIMING = re.compile(
    r'"seconds": -?[0-9.e+-]+'
    r'|\btime="[0-9.]+"'
    r"|\b[\d,]+(?:\.\d+)? states/s"
    r"|\babout [\d,.]+ ?\w+ at this rate"
    r"|\b\d+(?:\.\d+)? s\b"
)


def mask(text: str) -> str:
    """`text` with every timing replaced by `<time>`."""
    return TIMING.sub("<time>", text)


def runs(broken: str) -> dict[str, list[str]]:
    """The command lines compared, by name (paths absolute, so both interpreters agree)."""
    flags = str(ROOT / "tests/models/naive_flags.rev")
    zpo, ccp = str(ROOT / "cases/de/zpo_717.rev"), str(ROOT / "cases/jp/ccp_260.rev")
    base, bill = (
        str(ROOT / "tests/amendments/base.rev"),
        str(ROOT / "tests/amendments/bill_one.rev"),
    )
    out: dict[str, list[str]] = {}
    for fmt in FORMATS:
        out[f"check-{fmt}"] = ["check", flags, zpo, broken, "--format", fmt]
        out[f"check-limit-{fmt}"] = [
            "check",
            zpo,
            "--max-states",
            "40",
            "--engine",
            "explicit",
            "--format",
            fmt,
        ]
        out[f"matrix-{fmt}"] = ["matrix", zpo, ccp, broken, "--format", fmt]
        out[f"diff-{fmt}"] = ["diff", base, bill, "--format", fmt]
        out[f"lint-{fmt}"] = ["lint", zpo, broken, "--format", fmt, "--depth", "4"]
    out["check-symbolic-json"] = ["check", flags, "--engine", "symbolic", "--format", "json"]
    out["certificate-json"] = ["check", flags, zpo, "--certificate", CERTIFICATE]
    out["report-html"] = ["report", zpo, "--graph", "networkx", "-o", SITE]
    out["replay-json"] = [
        "replay",
        str(ROOT / "tests/scenarios/small.rev"),
        str(ROOT / "tests/dockets/small_late.json"),
        "--format",
        "json",
    ]
    out["export-promela"] = ["export", "--to", "promela", flags]
    out["export-promela-case"] = ["export", "--to", "promela", zpo]
    return out


def collect(target: str, broken: str) -> None:
    """Run every command of `runs` in this interpreter; write {name: [exit, stdout, stderr]}."""
    from checker.cli import main

    found: dict[str, list[object]] = {}
    for name, argv in runs(broken).items():
        places = {CERTIFICATE: target + ".cert.json", SITE: target + ".site"}  # one per process
        argv = [places.get(a, a) for a in argv]
        out, err = io.StringIO(), io.StringIO()
        with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
            try:
                code = main(argv)
            except SystemExit as stop:  # argparse
                code = int(stop.code or 0)
        if "--certificate" in argv:  # the certificate is the output compared, the report is not
            certificate = Path(argv[argv.index("--certificate") + 1])
            out = io.StringIO(certificate.read_text(encoding="utf-8"))
            certificate.unlink()
        if argv[0] == "report":  # the pages are the output compared; the site's folder is not
            site = Path(argv[argv.index("-o") + 1])
            pages = sorted(p for p in site.rglob("*") if p.is_file())
            out = io.StringIO(
                "".join(
                    f"== {p.relative_to(site)}\n{p.read_text(encoding='utf-8')}" for p in pages
                ).replace(str(site), "<site>")
            )
        found[name] = [code, out.getvalue(), err.getvalue()]
    Path(target).write_text(json.dumps(found), encoding="utf-8")


@pytest.fixture(scope="module")
def both(tmp_path_factory: pytest.TempPathFactory) -> tuple[dict[str, list[object]], ...]:
    """The outputs of two interpreters with different hash seeds, run side by side."""
    folder = tmp_path_factory.mktemp("determinism")
    broken = folder / "broken.rev"
    broken.write_text(BROKEN, encoding="utf-8")
    script = (
        "import sys; from tests.test_determinism import collect; collect(sys.argv[1], sys.argv[2])"
    )
    jobs = []
    for seed in SEEDS:
        env = {**os.environ, "PYTHONHASHSEED": seed, "PYTHONPATH": str(ROOT)}
        target = folder / f"seed{seed}.json"
        jobs.append(
            (
                target,
                subprocess.Popen(
                    [sys.executable, "-c", script, str(target), str(broken)],
                    cwd=ROOT,
                    env=env,
                    stderr=subprocess.PIPE,
                    text=True,
                ),
            )
        )
    for _, job in jobs:
        _, err = job.communicate(timeout=300)
        assert job.returncode == 0, err
    return tuple(json.loads(t.read_text(encoding="utf-8")) for t, _ in jobs)


def test_the_mask_replaces_timings_only() -> None:
    line = "  explicit engine: 238 states, 647 transitions, 0.04 s"
    assert mask(line) == "  explicit engine: 238 states, 647 transitions, <time>"
    limit = "searched 200,000 states in 1.6 s (126,359 states/s); about 22 h at this rate; 30 days"
    assert mask(limit) == "searched 200,000 states in <time> (<time>); <time>; 30 days"
    assert mask('"seconds": 0.0529, "states": 238') == '<time>, "states": 238'
    assert mask('<testsuite time="0.064" tests="16">') == '<testsuite <time> tests="16">'
    assert mask("x := 9 at 5:12, 3 states") == "x := 9 at 5:12, 3 states"


@pytest.mark.parametrize("name", sorted(runs("broken.rev")))
def test_output_is_byte_identical_apart_from_timings(
    name: str, both: tuple[dict[str, list[object]], ...]
) -> None:
    first, second = (side[name] for side in both)
    code, out, err = first
    assert isinstance(out, str) and isinstance(err, str)
    assert out.strip(), f"{name} printed nothing to compare"
    assert code in (0, 1, 2, 3), (code, err[-2000:])
    assert second[0] == code, f"exit {code} with one hash seed, {second[0]} with the other"
    assert mask(str(second[1])) == mask(out), f"{name}: standard output differs"
    assert mask(str(second[2])) == mask(err), f"{name}: standard error differs"
    fmt = name.rsplit("-", 1)[-1]
    if fmt in ("json", "sarif"):
        json.loads(out)  # the compared text is the real report, not an error message
    elif fmt == "junit":
        ET.fromstring(out)


def test_the_compared_runs_reach_what_they_are_for(
    both: tuple[dict[str, list[object]], ...],
) -> None:
    """The inputs exercise a counterexample, a broken file and a limit (else the comparison above
    would compare less than it claims)."""
    outputs = both[0]
    assert outputs["check-text"][0] == 2 and "error[E" in str(outputs["check-text"][1])
    assert '"trace"' in str(outputs["check-json"][1])
    assert outputs["check-limit-text"][0] == 3 and "limit" in str(outputs["check-limit-text"][1])
    assert "proctype" in str(outputs["export-promela"][1])
