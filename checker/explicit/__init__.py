"""The explicit engine: compiled step functions, breadth-first search, judging, liveness.

pysource.py  guards and updates as Python source, generated once per model
compile.py   that source compiled to step functions (`CompiledModel`)
search.py    breadth-first exploration into a compact `StateSpace`; `check` gives verdicts
judge.py     safety verdicts over the explored space
liveness.py  fair-cycle search for `eventually` and `leads_to`
graph.py     the explored space as a NetworkX graph, on request
"""

from checker.explicit.search import check, explore
from checker.explicit.space import StateSpace

__all__ = ["StateSpace", "check", "explore"]
