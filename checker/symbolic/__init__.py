"""The symbolic engine (Z3): bounded model checking, k-induction and static analysis of rule sets.

    encode.py     the model as a Z3 transition relation
    unroll.py     unrolled runs (from the initial states, or simple paths from anywhere)
    bmc.py        bounded model checking interleaved with k-induction, over state monitors
    induction.py  the k-induction step case
    decode.py     Z3 models back to states and replayed traces
    engine.py     verdicts, dead ends and range errors (`check`)
    lint.py       dead provisions, competence conflicts, contradictions, vacuous properties

The engine table in `checker.select` reaches `engine.check`; nothing registers on import.
"""
