"""Machine formats, read back by real consumers: SARIF by `sarif-tools`, JUnit by `junitparser`,
JSON against the documented schema (docs/output.md); `--output FILE` for every format."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from checker.cli import main
from tests.ci_models import LAW, REFORM, WORSE, write

sarif_loader = pytest.importorskip("sarif.loader", reason="sarif-tools is in the test extra")
junitparser = pytest.importorskip("junitparser", reason="junitparser is in the test extra")

MISMATCH = LAW.replace("expect separation fails", "expect separation holds")
DEAD_END = LAW.replace("final stage == returned", "final stage == returned and false")
BAD = "procedure bad\nvar x : 0..3 = 0\nrule r { when y > 0 }\n"


@pytest.fixture
def folder(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.chdir(tmp_path)
    write(tmp_path, "law.rev", LAW)
    write(tmp_path, "mismatch.rev", MISMATCH)
    write(tmp_path, "bad.rev", BAD)
    write(tmp_path, "reform.rev", REFORM)
    write(tmp_path, "worse.rev", WORSE)
    return tmp_path


def run(*args: str) -> tuple[int, str]:
    out = Path("report.out")
    code = main([*args, "--output", str(out)])
    return code, out.read_text(encoding="utf-8")


# --------------------------------------------------------------------------- JSON


def test_json_schema_fields(folder: Path) -> None:
    code, text = run("check", "law.rev", "--format", "json")
    doc = json.loads(text)
    assert code == 0 and doc["schema"] == "revcheck/check/1" and doc["exit_code"] == 0
    f = doc["files"][0]
    for key in (
        "path",
        "diagnostics",
        "refusal",
        "library",
        "procedure",
        "title",
        "engine",
        "states",
        "transitions",
        "complete",
        "seconds",
        "properties",
        "dead_ends",
        "range_errors",
    ):
        assert key in f
    sep = next(p for p in f["properties"] if p["name"] == "separation")
    for key in (
        "title",
        "text",
        "origin",
        "expected",
        "reason",
        "match",
        "verdict",
        "status",
        "method",
        "how",
        "states",
        "bound",
        "engine",
        "note",
        "trace",
    ):
        assert key in sep
    trace = sep["trace"]
    assert trace["#meta"]["format"] == "ITF" and trace["vars"] == ["stage"]
    assert "loop" not in trace
    assert [s["#meta"]["index"] for s in trace["states"]] == list(range(len(trace["states"])))
    assert len(trace["steps"]) == len(trace["states"]) - 1
    last = trace["steps"][-1]
    assert (last["rule"], last["actor"], last["organ"], last["kind"]) == (
        "decide",
        "bureau",
        "enforcement_organ",
        "substantive_decision",
    )
    assert [c["source"] for c in last["citations"]] == ["art1", "art2"]
    assert last["changes"] == [{"var": "stage", "before": "pending", "after": "decided"}]


# --------------------------------------------------------------------------- SARIF


def _load_sarif(text: str, path: Path) -> object:
    path.write_text(text, encoding="utf-8")
    return sarif_loader.load_sarif_file(str(path))


def test_sarif_check_read_by_sarif_tools(folder: Path) -> None:
    code, text = run("check", "mismatch.rev", "--format", "sarif")
    assert code == 1
    raw = json.loads(text)
    assert raw["version"] == "2.1.0" and "sarif-2.1.0" in raw["$schema"]
    assert raw["runs"][0]["tool"]["driver"]["name"] == "revcheck"
    sarif = _load_sarif(text, folder / "check.sarif")
    records = sarif.get_records()  # type: ignore[attr-defined]
    by_code = {r["Code"]: r for r in records}
    # the mismatch is an error located at the property; the expected failure is a suppressed note
    assert by_code["separation"]["Severity"] == "error"
    assert by_code["separation"]["Location"] == "mismatch.rev"
    assert (
        by_code["separation"]["Line"]
        == MISMATCH.splitlines().index(
            'property separation "the enforcement organ does not decide" {'
        )
        + 1
    )
    assert (
        "Counterexample: 1. apply (obligor); 2. decide (bureau)"
        in by_code["separation"]["Description"]
    )
    assert by_code["disposition"]["Severity"] == "note"
    assert "no_early_decision" not in by_code  # holds as expected: nothing to report
    rules = sarif.get_rules_by_id("separation")  # type: ignore[attr-defined]
    assert rules[0]["shortDescription"]["text"] == "the enforcement organ does not decide"
    result = next(r for r in raw["runs"][0]["results"] if r["ruleId"] == "separation")
    related = result["relatedLocations"]
    assert [r["message"]["text"].split(":")[0] for r in related] == ["step 1", "step 2"]
    decide_line = (
        MISMATCH.splitlines().index(
            "rule decide           { by bureau  kind substantive_decision  cites art1, art2"
        )
        + 1
    )
    assert related[1]["physicalLocation"]["region"]["startLine"] == decide_line
    assert "cites art1, art2" in related[1]["message"]["text"]
    assert result["codeFlows"][0]["threadFlows"][0]["locations"][0]["executionOrder"] == 1
    suppressed = next(r for r in raw["runs"][0]["results"] if r["ruleId"] == "disposition")
    assert suppressed["suppressions"] == [
        {"kind": "inSource", "justification": "art. 1: ex officio start"}
    ]


def test_sarif_dead_ends_and_bad_input(folder: Path) -> None:
    write(folder, "dead.rev", DEAD_END)
    code, text = run("check", "dead.rev", "bad.rev", "--format", "sarif")
    assert code == 2
    records = _load_sarif(text, folder / "mixed.sarif").get_records()  # type: ignore[attr-defined]
    dead = [r for r in records if r["Code"] == "dead-end"]
    assert (
        len(dead) == 1
        and dead[0]["Severity"] == "warning"
        and "stage = returned" in dead[0]["Description"]
    )
    diag = [r for r in records if r["Location"] == "bad.rev"]
    assert (
        diag
        and diag[0]["Severity"] == "error"
        and diag[0]["Code"].startswith("E")
        and diag[0]["Line"] == 3
    )


def test_sarif_diff_read_by_sarif_tools(folder: Path) -> None:
    code, text = run("diff", "law.rev", "worse.rev", "--format", "sarif")
    assert code == 1
    records = _load_sarif(text, folder / "diff.sarif").get_records()  # type: ignore[attr-defined]
    codes = [r["Code"] for r in records]
    assert codes.count("regression") == 2
    regression = next(
        r for r in records if r["Code"] == "regression" and "no_early_decision" in r["Description"]
    )
    assert regression["Severity"] == "error" and regression["Location"] == "law.rev"
    assert "New counterexample: 1. decide (bureau)" in regression["Description"]
    repeal = next(r for r in records if r["Code"] == "rule-repealed")
    assert repeal["Location"] == "worse.rev" and repeal["Line"] == 4
    removed = next(r for r in records if r["Code"] == "step-removed")
    assert removed["Location"] == "worse.rev" and removed["Line"] == 4  # the repeal line
    assert any(r["Code"] == "dead-end" and r["Severity"] == "warning" for r in records)


def test_sarif_diff_fixed_and_steps(folder: Path) -> None:
    code, text = run("diff", "law.rev", "reform.rev", "--format", "sarif")
    assert code == 0
    records = _load_sarif(text, folder / "reform.sarif").get_records()  # type: ignore[attr-defined]
    fixed = sorted(r["Description"].split(":")[0] for r in records if r["Code"] == "fixed")
    assert fixed == ["disposition", "separation"]
    added = [r for r in records if r["Code"] == "step-added"]
    assert {r["Line"] for r in added} == {7, 8}  # the amend and insert lines of the bill
    assert any("cites art2" in r["Description"] for r in added)


# --------------------------------------------------------------------------- JUnit


def test_junit_check_read_by_junitparser(folder: Path) -> None:
    code, text = run("check", "mismatch.rev", "law.rev", "bad.rev", "--format", "junit")
    assert code == 2
    (folder / "check.xml").write_text(text, encoding="utf-8")
    xml = junitparser.JUnitXml.fromfile(str(folder / "check.xml"))
    suites = {s.name: s for s in xml}
    assert set(suites) == {"law", "bad.rev"}  # mismatch.rev and law.rev both hold procedure `law`
    assert len([s for s in xml if s.name == "law"]) == 2
    mismatch = next(s for s in xml if s.name == "law" and s.failures)
    cases = {c.name: c for c in mismatch}
    assert set(cases) == {"separation", "disposition", "no_early_decision", "can_return"}
    assert all(c.classname == "law" for c in cases.values())
    failure = cases["separation"].result[0]
    assert isinstance(failure, junitparser.Failure)
    assert "decide" in failure.text and "counterexample (2 steps)" in failure.text
    assert cases["disposition"].is_passed
    bad = suites["bad.rev"]
    assert bad.errors == 1
    error = next(iter(bad)).result[0]
    assert isinstance(error, junitparser.Error) and "bad.rev:3" in error.text


def test_junit_skipped_for_unsettled(folder: Path) -> None:
    code, text = run(
        "check", "law.rev", "--format", "junit", "--max-states", "2", "--engine", "explicit"
    )
    assert code in (1, 3)
    (folder / "limit.xml").write_text(text, encoding="utf-8")
    xml = junitparser.JUnitXml.fromfile(str(folder / "limit.xml"))
    cases = [c for s in xml for c in s]
    assert any(c.is_skipped for c in cases)


def test_junit_diff_read_by_junitparser(folder: Path) -> None:
    code, text = run("diff", "law.rev", "worse.rev", "--format", "junit")
    assert code == 1
    (folder / "diff.xml").write_text(text, encoding="utf-8")
    xml = junitparser.JUnitXml.fromfile(str(folder / "diff.xml"))
    cases = {c.name: c for s in xml for c in s}
    assert not cases["no_early_decision"].is_passed
    assert "new counterexample" in cases["no_early_decision"].result[0].text
    assert cases["separation"].is_passed
    assert cases["rules"].is_passed  # with --fail-on regression, a rule change is not a failure
    code, text = run("diff", "law.rev", "worse.rev", "--format", "junit", "--fail-on", "change")
    (folder / "diff2.xml").write_text(text, encoding="utf-8")
    cases = {c.name: c for s in junitparser.JUnitXml.fromfile(str(folder / "diff2.xml")) for c in s}
    assert not cases["rules"].is_passed and not cases["dead ends"].is_passed


# --------------------------------------------------------------------------- --output


@pytest.mark.parametrize("fmt", ["text", "json", "sarif", "junit"])
@pytest.mark.parametrize("command", [["check", "law.rev"], ["diff", "law.rev", "reform.rev"]])
def test_output_file_for_every_format(
    folder: Path, fmt: str, command: list[str], capsys: pytest.CaptureFixture[str]
) -> None:
    target = folder / "out" / f"report.{fmt}"
    target.parent.mkdir()
    assert main([*command, "--format", fmt, "--output", str(target)]) == 0
    assert capsys.readouterr().out == ""
    text = target.read_text(encoding="utf-8")
    if fmt in ("json", "sarif"):
        json.loads(text)
    elif fmt == "junit":
        junitparser.JUnitXml.fromfile(str(target))
    else:
        assert "law" in text


def test_output_to_an_unwritable_place_is_bad_input(
    folder: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert (
        main(
            [
                "check",
                "law.rev",
                "--format",
                "sarif",
                "--output",
                str(folder / "no" / "such" / "dir" / "x"),
            ]
        )
        == 2
    )
    assert "cannot write" in capsys.readouterr().err


# --------------------------------------------------------------------------- lint findings


def test_lint_findings_in_every_format(folder: Path) -> None:
    pytest.importorskip("checker.symbolic.lint")
    from checker.report.lint.formats import LintFile, lint_exit_code, render_lint
    from checker.symbolic.lint import lint
    from dsl.codes import LINT_CODE_OF
    from dsl.frontend import compile_file

    # two powers with different effects are a choice, not a contradiction: make `decide` a duty
    Path("worse_duty.rev").write_text(
        WORSE.replace(
            "{ when stage in {executed, pending} }", "{ when stage in {executed, pending}  duty }"
        ),
        encoding="utf-8",
    )
    front = compile_file("worse_duty.rev")
    assert front.model is not None
    bad = compile_file("bad.rev")
    files = [
        LintFile("worse_duty.rev", lint(front.model)),
        LintFile("bad.rev", diagnostics=bad.diagnostics, files=bad.files),
    ]
    assert files[0].findings, "the bill's duty `decide` contradicts `apply` in one situation"
    assert lint_exit_code(files) == 2 and lint_exit_code(files[:1]) in (0, 1)
    doc = json.loads(render_lint("json", files))
    assert doc["schema"] == "revcheck/lint/1"
    first = doc["files"][0]["findings"][0]
    assert {"code", "severity", "message", "rules", "citations", "how", "locations"} <= set(first)
    sarif_path = folder / "lint.sarif"
    records = _load_sarif(render_lint("sarif", files), sarif_path).get_records()  # type: ignore[attr-defined]
    codes = {r["Code"] for r in records}
    assert {LINT_CODE_OF[f.code] for f in files[0].findings} <= codes
    assert any(r["Location"] == "bad.rev" and r["Severity"] == "error" for r in records)
    (folder / "lint.xml").write_text(render_lint("junit", files), encoding="utf-8")
    xml = junitparser.JUnitXml.fromfile(str(folder / "lint.xml"))
    assert {s.name for s in xml} == {"worse_duty.rev", "bad.rev"}
