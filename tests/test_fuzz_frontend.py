"""The front end never raises on user input: random text, mutated programs, hostile sizes.

Every input goes through `compile_file` (via a file, as the CLI reads it) and must come back
as a `FrontendResult` (a model or diagnostics, never both errors and a model), quickly, with
diagnostics that render. Hypothesis is derandomized so CI runs are reproducible.
"""

from __future__ import annotations

import atexit
import itertools
import re
import shutil
import tempfile
import time
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from dsl import ast
from dsl.codes import CODES
from dsl.diagnostics import render
from dsl.frontend import FrontendResult, compile_file
from dsl.pretty import pretty
from tests.test_roundtrip import modules

ROOT = Path(__file__).resolve().parent.parent
TIME_LIMIT = 10.0  # seconds for one compilation; the slowest input below takes about 3
FUZZ = settings(
    derandomize=True,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)

_WORK = Path(tempfile.mkdtemp(prefix="revcheck-fuzz-"))
atexit.register(shutil.rmtree, _WORK, ignore_errors=True)
_counter = itertools.count()

VALID = """procedure fuzz_seed "A program using most of the language"
import principles

source cpl_244 "Civil Procedure Law, art. 244" zh "民事诉讼法第二百四十四条"
actor bureau is enforcement_organ "原执行机构"
actor respondent is party
const total = 3
set creditors = {c1, c2}
var basis : {effective, revoked} = effective
var stage : {executed, pending, decided, returned} = executed
var held : 0..total = total
var share : [creditors] 0..total = [c1: 2, c2: 1]
var 标记 : bool

rule apply "the obligor applies" {
  by respondent  kind initiation  cites cpl_244
  when basis == revoked and stage == executed
  then stage := pending
}
rule revoke { by respondent kind external_event cites cpl_244 when basis == effective \
then basis := revoked }
rule decide { by bureau duty within 30 days kind substantive_decision cites cpl_244
  when stage == pending then stage := decided }
rule pay_back(c in creditors) {
  by bureau  kind enforcement_measure  cites cpl_244
  when stage == decided and share[c] > 0
  then share[c] := share[c] - 1; held := held - 1 + 2 * 1
}
final stage in {returned} or (forall c in creditors: share[c] == 0)
property conservation { always sum(c in creditors: share[c]) <= 2 * total and not 标记 }
property counted { always count(c in creditors: share[c] > 0) in 0..2 }
property decided_then { stage == decided leads_to held == total within 60 days }
property remedy { after step where kind == substantive_decision possible step where actor is court }
expect trial_execution_separation fails "the bureau decides"
expect conservation holds
"""


def _corpus() -> list[str]:
    texts = [VALID]
    for folder in ("tests/models", "spec", "cases"):
        texts += [p.read_text(encoding="utf-8") for p in sorted((ROOT / folder).rglob("*.rev"))]
    return texts


CORPUS = _corpus()


def compile_bytes(data: bytes | str) -> FrontendResult:
    path = _WORK / f"input{next(_counter)}.rev"
    path.write_bytes(data.encode("utf-8", "surrogatepass") if isinstance(data, str) else data)
    started = time.perf_counter()
    try:
        result = compile_file(str(path))
    finally:
        path.unlink()
    elapsed = time.perf_counter() - started
    assert isinstance(result, FrontendResult)
    assert elapsed < TIME_LIMIT, f"compiling took {elapsed:.1f} s"
    if result.model is not None:
        assert result.errors == ()
    else:
        assert result.errors, "no model and no error"
    for d in result.diagnostics:
        assert d.code in CODES
        assert render(d, result.files)  # rendering never fails either
    return result


def test_the_seed_program_is_valid() -> None:
    result = compile_bytes(VALID)
    assert result.ok, [d.message for d in result.errors]


# ----------------------------------------------------------------------------- random text


@settings(FUZZ, max_examples=100)
@given(st.text(max_size=300))
def test_random_text(text: str) -> None:
    compile_bytes(text)


@settings(FUZZ, max_examples=60)
@given(st.binary(max_size=200))
def test_random_bytes(data: bytes) -> None:
    compile_bytes(data)


WORDS = (
    (
        "procedure library import extends source organ kind actor const set var rule final "
        "property expect repeal amend insert when then by cites duty power within days and or "
        "not implies in "
        "is true false forall exists sum count step where requires earlier after possible always "
        "never reachable eventually leads_to holds fails any int bool zh text"
    ).split()
    + list('{}()[],;:=+-*<>"')
    + ["==", "!=", "<=", ">=", ":=", "..", "//", "/*", "*/", "0", "99999999999", "x", "执行"]
)


@settings(FUZZ, max_examples=120)
@given(st.lists(st.sampled_from(WORDS), max_size=60))
def test_random_token_soup(words: list[str]) -> None:
    compile_bytes("procedure p\n" + " ".join(words))


# ----------------------------------------------------------------------------- mutations

_TOKEN = re.compile(r'"[^"\n]*"|\w+|\s+|.', re.S)


@st.composite
def mutated(draw: st.DrawFn) -> str:
    text = draw(st.sampled_from(CORPUS))
    for _ in range(draw(st.integers(1, 4))):
        n = len(text)
        i = draw(st.integers(0, n))
        j = draw(st.integers(i, min(n, i + 40)))
        op = draw(
            st.sampled_from(
                ["delete", "insert", "unicode", "duplicate", "swap", "truncate", "token"]
            )
        )
        if op == "delete":
            text = text[:i] + text[j:]
        elif op == "insert":
            text = text[:i] + draw(st.sampled_from(WORDS)) + " " + text[i:]
        elif op == "unicode":
            text = text[:i] + draw(st.text(min_size=1, max_size=5)) + text[i:]
        elif op == "duplicate":
            text = text[:j] + text[i:j] + text[j:]
        elif op == "swap":
            k = draw(st.integers(j, min(n, j + 40)))
            text = text[:i] + text[j:k] + text[i:j] + text[k:]
        elif op == "truncate":
            text = text[:i]
        else:
            tokens = _TOKEN.findall(text)
            if tokens:
                t = draw(st.integers(0, len(tokens) - 1))
                how = draw(st.sampled_from(["drop", "double", "replace", "swap"]))
                if how == "drop":
                    del tokens[t]
                elif how == "double":
                    tokens.insert(t, tokens[t])
                elif how == "replace":
                    tokens[t] = draw(st.sampled_from(WORDS))
                else:
                    u = draw(st.integers(0, len(tokens) - 1))
                    tokens[t], tokens[u] = tokens[u], tokens[t]
                text = "".join(tokens)
    return text


@settings(FUZZ, max_examples=150)
@given(mutated())
def test_mutated_programs(text: str) -> None:
    compile_bytes(text)


# ----------------------------------------------------------------------------- well-formed nonsense


@settings(FUZZ, max_examples=150)
@given(modules)
def test_generated_modules(module: ast.Module) -> None:
    """Syntactically valid, semantically random programs exercise the type checker: `-c1`,
    `c1 < true`, `sum(c in s: c)` must be diagnostics, never a Python TypeError."""
    compile_bytes(pretty(module))


# ----------------------------------------------------------------------------- hostile sizes

HEADER = 'procedure hostile\nimport principles\nactor b is court\nsource s "S"\n'


def _set(n: int) -> str:
    return "{" + ", ".join(f"e{i}" for i in range(n)) + "}"


HOSTILE = {
    "brackets-64": HEADER
    + "var x : bool\nproperty p { always "
    + "(" * 63
    + "x"
    + ")" * 63
    + " }\n",
    "brackets-100000": HEADER + "var x : bool\nproperty p { always " + "(" * 100_000 + "x }\n",
    "unclosed-brackets": HEADER + "rule r {\n  when (((\n",
    "index-nesting": HEADER
    + "set s = {a}\nvar m : [s] bool\nproperty p { always "
    + "m[" * 5000
    + "a"
    + "]" * 5000
    + " }\n",
    "not-chain": HEADER + "var x : bool\nproperty p { always " + "not " * 5000 + "x }\n",
    "minus-chain": HEADER + "var x : 0..3\nproperty p { always " + "- " * 5000 + "x == 0 }\n",
    "and-chain": HEADER + "var x : bool\nproperty p { always " + "x and " * 5000 + "x }\n",
    "implies-chain": HEADER + "var x : bool\nproperty p { always " + "x implies " * 5000 + "x }\n",
    "quantifier-chain": HEADER
    + "set s = {a}\nvar x : bool\nproperty p { always "
    + "forall y in s: " * 5000
    + "x }\n",
    "huge-range": HEADER + "var x : 0..99999999999\n",
    "huge-negative-range": HEADER + "var x : -99999999999..99999999999 = any\n",
    "range-limit-any": HEADER + "var x : 0..999999 = any\n",
    "huge-number": HEADER + "const c = " + "9" * 5000 + "\nvar x : bool\n",
    "long-number": HEADER + "const c = " + "9" * 999 + "\nvar x : int = c\n",
    "huge-arithmetic": HEADER + "const c = 99999999999 * 99999999999 * 99999999999\nvar x : 0..c\n",
    "huge-set": HEADER + f"set s = {_set(20_000)}\nvar x : s\n",
    "huge-map": HEADER + f"set s = {_set(20_000)}\nvar m : [s] bool\n",
    "huge-enum": HEADER + f"var x : {_set(20_000)}\n",
    "huge-set-literal": HEADER
    + f"var x : 0..3\nproperty p {{ always x in {{{', '.join(['1'] * 5000)}}} }}\n",
    "huge-instances": HEADER + f"set s = {_set(1000)}\nvar x : bool\n"
    "rule r(a in s, c in s) { by b kind initiation cites s when x }\n",
    "nested-quantifiers": HEADER + f"set s = {_set(100)}\nvar x : 0..3\n"
    "property p { always forall a in s: forall c in s: forall d in s: x >= 0 }\n",
    "long-line": HEADER + "var x : bool\n// " + "x" * 1_000_000 + "\nproperty p { always x ) }\n",
    "long-identifier": HEADER + "var " + "x" * 100_000 + " : bool\nrule r { by b when y }\n",
    "many-lines": HEADER + "\n" * 200_000 + "var x : bool = 3\n",
    "many-errors": HEADER + "rule r { when } \n" * 5000,
    # a "did you mean" per unknown name among 20,000 names: six million comparisons (17 s)
    # before each file got one budget of them (dsl.suggest)
    "misspelt-among-many": HEADER
    + f"set s = {_set(20_000)}\nvar x : s\n"
    + "".join(f"rule r{i} {{ by b kind initiation cites s when y{i} }}\n" for i in range(300)),
    "many-decls": HEADER + "".join(f"var v{i} : bool\n" for i in range(5000)),
    "block-comment-unclosed": HEADER + "/* " + "( " * 100 + "\nvar x : bool\n",
    "nul-in-text": HEADER + "var x : bool\x00\n",
    "bom-and-crlf": "\ufeffprocedure p\r\nvar x : bool\r\nproperty q { always x }\r\n",
    "only-bom": "\ufeff",
    "empty": "",
    "whitespace": " \n\t\n  ",
    "surrogate-escape": HEADER + 'source t "\\ud800"\n',
}


# the inputs that must be refused, and with which codes (the others may compile or not)
REFUSED = {
    "brackets-100000": {"E004"},
    "not-chain": {"E004"},
    "and-chain": {"E004"},
    "implies-chain": {"E004"},
    "quantifier-chain": {"E004"},
    "index-nesting": {"E004"},
    "huge-range": {"E303"},
    "huge-negative-range": {"E303"},
    "huge-number": {"E001"},
    "huge-map": {"E303"},
    "huge-instances": {"E303"},
    "misspelt-among-many": {"E102"},
    "nested-quantifiers": {"E303"},
    "unclosed-brackets": {"E002"},
    "nul-in-text": {"E003"},
    "empty": {"E002"},
}


@pytest.mark.parametrize("name", sorted(HOSTILE))
def test_hostile_input(name: str) -> None:
    result = compile_bytes(HOSTILE[name])
    if name in REFUSED:
        assert {d.code for d in result.errors} == REFUSED[name], [d.message for d in result.errors]
