"""Small self-contained rule sets for the CI tests (formats, exit codes, diff).

`LAW` is a toy law in force: the enforcement organ starts reversal ex officio and decides it.
`REFORM` is an amendment bill: a bench hears and decides, no ex officio start (fixes both
principles). `WORSE` is a bill with a regression, a repealed rule and a new dead end.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

VOCABULARY = """
organ court "court"
organ enforcement_organ is court "enforcement organ"
organ trial_organ is court "trial organ"
organ party "party"
kind initiation "starts a proceeding"
kind hearing "both sides are heard"
kind substantive_decision "decides on the merits"
kind performance "voluntary compliance"
"""

LAW = (
    'procedure law "toy law in force"\n'
    + VOCABULARY
    + """
source art1 "Toy Code, art. 1"
source art2 "Toy Code, art. 2"

actor bureau  is enforcement_organ "the original enforcement organ"
actor bench   is trial_organ "a trial bench"
actor obligor is party "the former obligor"

var stage : {executed, pending, decided, returned} = executed

rule apply            { by obligor  kind initiation  cites art1
                        when stage == executed  then stage := pending }
rule start_ex_officio { by bureau  kind initiation  cites art1
                        when stage == executed  then stage := pending }
rule decide           { by bureau  kind substantive_decision  cites art1, art2
                        when stage == pending  then stage := decided }
rule give_back        { by obligor  kind performance  cites art2
                        when stage == decided  then stage := returned }

final stage == returned

property separation "the enforcement organ does not decide" {
  never step where kind == substantive_decision and actor is enforcement_organ
}
property disposition "no court starts a proceeding" {
  never step where kind == initiation and actor is court
}
property no_early_decision "no decision before a case is pending" {
  never step where kind == substantive_decision and stage == executed
}
property can_return "the property can come back" { reachable stage == returned }

expect separation fails "art. 1: the bureau decides"
expect disposition fails "art. 1: ex officio start"
expect no_early_decision holds
expect can_return holds
"""
)

REFORM = """procedure reform "a bench hears and decides, on application only"
extends "law.rev"

var heard : bool = false

repeal rule start_ex_officio
amend rule decide { by bench  when stage == pending and heard }
insert rule hear { by bench  kind hearing  cites art2  when stage == pending and not heard  \
then heard := true }

expect separation holds
expect disposition holds
"""

WORSE = """procedure worse "decides early and never gives back"
extends "law.rev"

repeal rule give_back
amend rule decide { when stage in {executed, pending} }
"""

WORSE_ACKNOWLEDGED = (
    WORSE.replace("procedure worse", "procedure worse_ack")
    + """
expect no_early_decision fails "the bill lets the bureau decide at once"
expect can_return fails "the bill abolishes return"
"""
)


def write(folder: Path, name: str, text: str) -> Path:
    path = folder / name
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return path


def revcheck(*args: str, cwd: Path | str | None = None) -> subprocess.CompletedProcess[str]:
    """Run the command line in a fresh interpreter, as CI would."""
    return subprocess.run(
        [sys.executable, "-m", "checker.cli", *args],
        cwd=cwd,
        capture_output=True,
        text=True,
        check=False,
    )
