"""The search: sets of up to K moves, level by level, smallest first.

Level by level (all candidates of size k are decided before any of size k + 1) makes every
repair found minimal: a superset of a repair is never checked, and a set is reported only if
it was checked and none of its subsets was a repair. The candidates of a level are sent to the
task runner together and their outcomes read back in a fixed order, so the result does not
depend on how many workers checked them or in which order they finished.

Pruning by counterexample (sound for the prunable forms of `evaluate`): if a chosen principle
fails on a checked subset T with a finite counterexample, and no move of S - T touches a rule
of it (nor, when days pass on it, any rule at all or a deadline; nor any variable, property,
end state or binding), then the same run exists in the bill S and the principle still fails
there. Level 1 is always checked in full, since the table of which move fixes which principle
needs every single move.
"""

from __future__ import annotations

import itertools
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

from checker.repair.catalogue import MoveInstance
from checker.repair.evaluate import Counterexample, Outcome

Runner = Callable[[Sequence[str]], list[Outcome]]
HOLDS, FAILS = "holds", "fails"


@dataclass(frozen=True, slots=True)
class Candidate:
    moves: tuple[int, ...]  # indices into the applicable instances, ascending
    outcome: Outcome


@dataclass(frozen=True, slots=True)
class Stats:
    checked: int  # bills sent to the engines
    cached: int  # candidates answered from the cache (same bill content)
    pruned_superset: int  # supersets of a repair
    pruned_counterexample: int  # cannot remove a surviving counterexample
    incompatible: int  # two instances of one move
    levels: int  # sizes searched


@dataclass(frozen=True, slots=True)
class SearchResult:
    instances: tuple[MoveInstance, ...]
    chosen: tuple[str, ...]
    guarded: tuple[str, ...]
    base: Outcome
    repairs: tuple[Candidate, ...]  # minimal, by size then catalogue order
    singles: tuple[Candidate, ...]  # every single move, for the table
    stats: Stats
    unsettled: tuple[Candidate, ...] = field(default=())  # a limit or error kept it undecided
    pruned: tuple[tuple[int, ...], ...] = field(default=())  # left out by a counterexample


def touches(move: MoveInstance, cex: Counterexample) -> bool:
    """Whether the move might remove the counterexample. When days pass on it, any amended
    rule counts: a new guard or deadline on a rule off the run can stop the days passing."""
    if move.touches_everything or move.amended & cex.rules:
        return True
    return cex.has_time and (move.touches_time or bool(move.amended))


def is_repair(outcome: Outcome, chosen: Sequence[str], guarded: Sequence[str]) -> bool:
    return (
        not outcome.error
        and outcome.complete
        and all(outcome.status(p) == HOLDS for p in (*chosen, *guarded))
    )


def search(
    instances: Sequence[MoveInstance],
    base: Outcome,
    chosen: Sequence[str],
    guarded: Sequence[str],
    max_moves: int,
    runner: Runner,
    make_bill: Callable[[tuple[MoveInstance, ...]], str],
    digest: Callable[[tuple[MoveInstance, ...]], str],
    prune: bool = True,
) -> SearchResult:
    instances = tuple(instances)
    done: dict[tuple[int, ...], Outcome] = {(): base}
    cache: dict[str, Outcome] = {}
    repairs: list[Candidate] = []
    unsettled: list[Candidate] = []
    pruned: list[tuple[int, ...]] = []
    checked = cached = supersets = by_cex = incompatible = levels = 0
    for size in range(1, max_moves + 1):
        todo: list[tuple[int, ...]] = []
        for combo in itertools.combinations(range(len(instances)), size):
            families = [instances[i].move for i in combo]
            if len(set(families)) < len(families):
                incompatible += 1
            elif any(set(r.moves) <= set(combo) for r in repairs):
                supersets += 1
            elif prune and size > 1 and _cannot_fix(combo, instances, done, chosen):
                by_cex += 1
                pruned.append(combo)
            else:
                todo.append(combo)
        if not todo:  # a larger set may still survive: its subsets were pruned, not checked
            continue
        levels = size
        todo.sort(key=lambda c: (-_score(c, instances, base, chosen), c))
        texts: list[str] = []
        fresh: list[tuple[int, ...]] = []
        keys = {c: digest(tuple(instances[i] for i in c)) for c in todo}
        seen: set[str] = set(cache)
        for combo in todo:
            if keys[combo] not in seen:
                seen.add(keys[combo])
                fresh.append(combo)
                texts.append(make_bill(tuple(instances[i] for i in combo)))
        outcomes = runner(texts)
        for combo, outcome in zip(fresh, outcomes, strict=True):
            cache[keys[combo]] = outcome
        checked += len(fresh)
        cached += len(todo) - len(fresh)
        for combo in sorted(todo):
            outcome = cache[keys[combo]]
            done[combo] = outcome
            if is_repair(outcome, chosen, guarded):
                repairs.append(Candidate(combo, outcome))
            elif outcome.error or not outcome.complete:
                unsettled.append(Candidate(combo, outcome))
    singles = tuple(Candidate(c, o) for c, o in sorted(done.items()) if len(c) == 1)
    stats = Stats(checked, cached, supersets, by_cex, incompatible, levels)
    return SearchResult(
        instances,
        tuple(chosen),
        tuple(guarded),
        base,
        tuple(repairs),
        singles,
        stats,
        tuple(unsettled),
        tuple(pruned),
    )


def _cannot_fix(
    combo: tuple[int, ...],
    instances: tuple[MoveInstance, ...],
    done: dict[tuple[int, ...], Outcome],
    chosen: Sequence[str],
) -> bool:
    """Some checked proper subset keeps a counterexample to a chosen principle that the rest
    of the combination leaves intact."""
    for r in range(len(combo)):
        for subset in itertools.combinations(combo, r):
            outcome = done.get(subset)
            if outcome is None or outcome.error:
                continue
            rest = [instances[i] for i in combo if i not in subset]
            for p in chosen:
                cex = outcome.counterexample(p)
                if cex is not None and not any(touches(m, cex) for m in rest):
                    return True
    return False


def _score(
    combo: tuple[int, ...],
    instances: tuple[MoveInstance, ...],
    base: Outcome,
    chosen: Sequence[str],
) -> int:
    """How many of the base's counterexamples the combination touches: checked first."""
    score = 0
    for p in chosen:
        cex = base.counterexample(p)
        if cex is not None and any(touches(instances[i], cex) for i in combo):
            score += 1
    return score
