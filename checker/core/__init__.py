"""What every engine shares: the reference semantics, traces, verdicts and results.

semantics.py  what a step is: guards, updates, time, finals (the reference semantics)
trace.py      traces and their replay through the reference semantics
verdict.py    a verdict: status, how it was obtained, an optional trace
result.py     options for a check and the engine-neutral result of one
outcome.py    results held against a case's `expect` lines: a `FileReport`
show_expr.py  expressions and values printed as the language writes them
"""
