"""Certificates: `check --certificate` writes them, `verify-certificate` re-checks them without
the engines, every shipped case's certificate verifies, and tampering is rejected by part.
"""

from __future__ import annotations

import copy
import json
import re
from pathlib import Path
from typing import Any

import pytest

from checker.certificate.digest import enumerate_states, state_digest
from checker.cli import main
from checker.core.trace import itf_value, value_of_itf
from dsl.frontend import compile_file

ROOT = Path(__file__).resolve().parent.parent
CASES = sorted((ROOT / "cases").rglob("*.rev"))
JUGS = ROOT / "tests" / "models" / "jugs.rev"
DISTRIBUTION = ROOT / "cases" / "prc" / "distribution.rev"


_WRITTEN: dict[Path, str] = {}  # case -> its certificate's text, written once per test process


def certify(case: Path, out: Path, capsys: pytest.CaptureFixture[str]) -> dict[str, Any]:
    """`check CASE --certificate OUT`, and the certificate. A case's certificate is a function
    of the case (tests/test_determinism.py holds it byte-identical), so the tests that tamper
    with the same case's certificate share one `check` (each gets the file and its own copy)."""
    if case not in _WRITTEN:
        main(["check", str(case), "--certificate", str(out)])
        capsys.readouterr()
        _WRITTEN[case] = out.read_text(encoding="utf-8")
    else:
        out.write_text(_WRITTEN[case], encoding="utf-8")
    return json.loads(_WRITTEN[case])  # type: ignore[no-any-return]


def verify(
    case: Path, cert: dict[str, Any], path: Path, capsys: pytest.CaptureFixture[str]
) -> tuple[int, str]:
    path.write_text(json.dumps(cert), encoding="utf-8")
    code = main(["verify-certificate", str(case), str(path)])
    return code, capsys.readouterr().out


def entry(cert: dict[str, Any], prop: str) -> dict[str, Any]:
    return next(v for v in cert["files"][0]["verdicts"] if v["property"] == prop)  # type: ignore[no-any-return]


@pytest.mark.parametrize("case", CASES, ids=[p.name for p in CASES])
def test_certificates_of_shipped_cases_verify(
    case: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    front = compile_file(str(case))
    if front.model is None or front.model.is_library:
        pytest.skip(f"{case.name} does not compile now (its own tests say why), or is a library")
    cert = certify(case, tmp_path / "c.json", capsys)
    assert cert["schema"] == "revcheck/certificate/1"
    code, out = verify(case, cert, tmp_path / "c.json", capsys)
    assert code == 0, out
    assert "rejected:" not in out
    kinds = {v["evidence"]["kind"] for v in cert["files"][0]["verdicts"]}
    assert kinds & {"trace", "state-space", "inductive-invariant"}, "nothing was certified"


def test_what_each_verdict_carries(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    cert = certify(JUGS, tmp_path / "c.json", capsys)
    f = cert["files"][0]
    model = compile_file(str(JUGS)).model
    assert model is not None
    states = enumerate_states(model)
    assert f["state_space"]["states"] == len(states) == 16
    assert f["state_space"]["digest"] == state_digest(states)
    assert entry(cert, "never_four")["evidence"]["kind"] == "trace"
    trace = entry(cert, "never_four")["evidence"]["trace"]
    assert trace["states"][0]["big"] == {"#bigint": "0"}
    assert entry(cert, "total_at_most_eight")["evidence"] == {"kind": "state-space"}
    dist = certify(DISTRIBUTION, tmp_path / "d.json", capsys)
    proof = entry(dist, "conservation")["evidence"]
    assert proof["kind"] == "inductive-invariant" and proof["k"] == 1
    assert "recovered" in proof["invariant"] and "==" in proof["invariant"]


def test_a_changed_trace_step_is_rejected(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    cert = certify(JUGS, tmp_path / "c.json", capsys)
    bad = copy.deepcopy(cert)
    states = entry(bad, "never_four")["evidence"]["trace"]["states"]
    old = value_of_itf(states[2]["small"], "")
    states[2]["small"] = itf_value(0 if old else 1)
    code, out = verify(JUGS, bad, tmp_path / "bad.json", capsys)
    assert code == 1
    assert "rejected: property never_four: trace: step 2: " in out


def test_a_dropped_trace_step_is_rejected(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    cert = certify(JUGS, tmp_path / "c.json", capsys)
    bad = copy.deepcopy(cert)
    trace = entry(bad, "never_four")["evidence"]["trace"]
    del trace["states"][1]
    del trace["steps"][0]
    code, out = verify(JUGS, bad, tmp_path / "bad.json", capsys)
    assert code == 1 and "rejected: property never_four: trace: step 1: " in out


def test_an_altered_digest_or_count_is_rejected(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    cert = certify(JUGS, tmp_path / "c.json", capsys)
    bad = copy.deepcopy(cert)
    digest = bad["files"][0]["state_space"]["digest"]
    bad["files"][0]["state_space"]["digest"] = digest[:-1] + ("0" if digest[-1] != "0" else "1")
    code, out = verify(JUGS, bad, tmp_path / "bad.json", capsys)
    assert code == 1 and "rejected: state space: the digest" in out
    # everything resting on the state space falls with it
    assert "rejected: property total_at_most_eight: state space: no verified state space" in out
    bad = copy.deepcopy(cert)
    bad["files"][0]["state_space"]["states"] = 15
    code, out = verify(JUGS, bad, tmp_path / "bad.json", capsys)
    assert code == 1 and "rejected: state space: the certificate counts 15 states" in out


def test_a_flipped_exhaustive_verdict_is_rejected(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    cert = certify(JUGS, tmp_path / "c.json", capsys)
    bad = copy.deepcopy(cert)
    entry(bad, "total_at_most_eight")["verdict"] = "fails"
    code, out = verify(JUGS, bad, tmp_path / "bad.json", capsys)
    assert code == 1
    assert (
        "rejected: property total_at_most_eight: verdict: on the re-enumerated states it holds"
        in out
    )
    bad = copy.deepcopy(cert)
    bad["files"][0]["dead_ends"]["count"] = 3
    code, out = verify(JUGS, bad, tmp_path / "bad.json", capsys)
    assert code == 1 and "rejected: dead ends: the certificate counts 3" in out


def test_a_weakened_invariant_is_rejected(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    cert = certify(DISTRIBUTION, tmp_path / "c.json", capsys)
    proof = entry(cert, "conservation")["evidence"]
    bad = copy.deepcopy(cert)
    entry(bad, "conservation")["evidence"]["invariant"] = f"({proof['invariant']}) or true"
    code, out = verify(DISTRIBUTION, bad, tmp_path / "bad.json", capsys)
    assert code == 1
    assert (
        "rejected: property conservation: invariant: implication: a state satisfies the "
        "invariant but not the property" in out
    )
    # drop the first lemma: the rest no longer keeps itself under every step
    first = next(
        v for v in cert["files"][0]["verdicts"] if v["evidence"]["kind"] == "inductive-invariant"
    )
    lemma = entry(cert, first["property"])
    text = proof["invariant"]
    model = compile_file(str(DISTRIBUTION)).model
    assert model is not None
    from checker.core.show_expr import show
    from dsl.model import Invariant

    prop = model.property(lemma["property"])
    assert prop is not None and isinstance(prop.form, Invariant)
    head = show(prop.form.predicate)
    assert text.startswith(head + " and ") or text.startswith("(" + head + ") and ")
    weaker = text[len(head) + len(" and ") :] if text.startswith(head) else text[len(head) + 7 :]
    bad = copy.deepcopy(cert)
    entry(bad, "conservation")["evidence"]["invariant"] = weaker
    code, out = verify(DISTRIBUTION, bad, tmp_path / "bad.json", capsys)
    assert code == 1
    assert "rejected: property conservation: invariant: consecution (rule " in out


def test_an_invariant_that_is_not_an_expression_is_rejected(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    cert = certify(DISTRIBUTION, tmp_path / "c.json", capsys)
    bad = copy.deepcopy(cert)
    entry(bad, "conservation")["evidence"]["invariant"] = "recoverd == 0"
    code, out = verify(DISTRIBUTION, bad, tmp_path / "bad.json", capsys)
    assert (
        code == 1
        and "rejected: property conservation: invariant: `recoverd == 0` is not an "
        "expression of the case"
        in out
    )
    entry(bad, "conservation")["evidence"]["invariant"] = (
        "true } rule x { by y when true then z := 1"
    )
    code, out = verify(DISTRIBUTION, bad, tmp_path / "bad.json", capsys)
    assert code == 1 and "one expression of the language, on one line" in out


def test_bad_certificate_input(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    broken = tmp_path / "broken.json"
    broken.write_text('{\n  "schema": \n}', encoding="utf-8")
    assert main(["verify-certificate", str(JUGS), str(broken)]) == 2
    err = capsys.readouterr().err
    assert "error[E001]" in err and "broken.json:3:" in err
    other = tmp_path / "other.json"
    other.write_text('{"schema": "revcheck/check/1"}', encoding="utf-8")
    assert main(["verify-certificate", str(JUGS), str(other)]) == 2
    assert "not a revcheck certificate" in capsys.readouterr().err
    cert = certify(JUGS, tmp_path / "c.json", capsys)
    assert main(["verify-certificate", str(DISTRIBUTION), str(tmp_path / "c.json")]) == 1
    assert "the certificate is for 'jugs'" in capsys.readouterr().out
    assert cert["files"][0]["procedure"] == "jugs"


def test_no_dead_ends_rests_on_an_invariant_for_a_symbolic_proof(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    cert = certify(DISTRIBUTION, tmp_path / "c.json", capsys)
    ends = cert["files"][0]["dead_ends"]
    assert ends["evidence"] == "inductive-invariant" and ends["count"] == 0
    bad = copy.deepcopy(cert)
    bad["files"][0]["dead_ends"]["invariant"] = "stage != stage"
    code, out = verify(DISTRIBUTION, bad, tmp_path / "bad.json", capsys)
    assert code == 1 and "rejected: dead ends: invariant: initiation" in out
    bad["files"][0]["dead_ends"]["count"] = 1
    code, out = verify(DISTRIBUTION, bad, tmp_path / "bad.json", capsys)
    assert (
        code == 1 and "rejected: dead ends: an invariant can only show that there are none" in out
    )


DELAYED_COPY = """procedure delayed_copy "follower copies leader one step late: not 1-inductive"
organ clerk
kind tick
actor c is clerk
var leader : int = 0
var follower : int = 0
rule advance { by c kind tick when true then leader := leader + 1; follower := leader }
property follower_nonnegative { always follower >= 0 }
"""


def test_a_spacer_invariant_is_certified_and_checked(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    case = tmp_path / "delayed_copy.rev"
    case.write_text(DELAYED_COPY, encoding="utf-8")
    cert = certify(case, tmp_path / "c.json", capsys)
    evidence = entry(cert, "follower_nonnegative")["evidence"]
    if entry(cert, "follower_nonnegative")["method"] != "inductive invariant":
        pytest.skip("the symbolic engine proved it without Spacer")
    assert evidence["kind"] == "inductive-invariant" and evidence["found_by"] == "Spacer"
    code, out = verify(case, cert, tmp_path / "c.json", capsys)
    assert code == 0 and "verified: property follower_nonnegative" in out
    bad = copy.deepcopy(cert)
    entry(bad, "follower_nonnegative")["evidence"]["invariant"] = (
        "follower >= 0"  # the property alone
    )
    code, out = verify(case, bad, tmp_path / "bad.json", capsys)
    assert code == 1
    assert "rejected: property follower_nonnegative: invariant: consecution (rule 'advance')" in out


def test_an_invariant_may_name_a_set_of_values_but_not_declare_more() -> None:
    """Braces stand in expressions (`x in {a, b}`); the text must still be one expression."""
    from checker.certificate.expression import NotAnExpression, read_expression

    current = str(ROOT / "cases" / "prc" / "current.rev")
    assert read_expression(current, "award in {principal_only, with_damages}") is not None
    for text in ("true } rule r { by y when true then z := 1", "true } property q { always true"):
        with pytest.raises(NotAnExpression, match="one expression of the language"):
            read_expression(current, text)


def test_invariants_read_together_are_those_read_alone(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """The verifier compiles a case once with all of a certificate's invariants; each must be
    the expression it is read alone, and a text that is not an expression (a wrong name, a
    second declaration) gets the error it gets alone, without spoiling the others."""
    from checker.certificate.expression import (
        ExpressionReader,
        NotAnExpression,
        read_expression,
    )

    cert = certify(DISTRIBUTION, tmp_path / "c.json", capsys)
    texts = [
        v["evidence"]["invariant"]
        for v in cert["files"][0]["verdicts"]
        if v["evidence"]["kind"] == "inductive-invariant"
    ]
    assert len(texts) >= 3
    bad = ["recoverd == 0", "true } property q { always true"]
    case = str(DISTRIBUTION)
    for mixed in (texts, [*texts[:2], *bad, *texts[2:]]):
        reader = ExpressionReader(case, mixed)
        for text in texts:
            assert reader.read(text) == read_expression(case, text)
        for text in bad if mixed is not texts else []:
            with pytest.raises(NotAnExpression) as alone:
                read_expression(case, text)
            with pytest.raises(NotAnExpression, match=re.escape(str(alone.value))):
                reader.read(text)


def test_a_symbolic_certificate_of_prc_current_is_never_rejected(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """What the writer cannot back with an inductive invariant it marks "not certified":
    proofs that leaned on auxiliary invariants no certificate writes down included."""
    current = ROOT / "cases" / "prc" / "current.rev"
    main(["check", "--engine", "symbolic", str(current), "--certificate", str(tmp_path / "c.json")])
    capsys.readouterr()
    cert = json.loads((tmp_path / "c.json").read_text(encoding="utf-8"))
    code, out = verify(current, cert, tmp_path / "c.json", capsys)
    assert code == 0 and "rejected:" not in out, out
    assert "verified" in out
