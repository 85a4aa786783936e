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

When no set of up to K moves repairs every chosen principle, the search asks the next
question a drafter has: which are the largest sets of the chosen principles that bills of up
to K moves do repair, and with which minimal bills? It goes down from m = |chosen| - 1 and
stops at the first m at which some m principles are repaired together. At size m a candidate
is checked only if some m of the chosen principles are left open by it: none of them has a
counterexample on a checked subset that the rest of the candidate leaves intact, and no
smaller repair already makes all m hold. The same two arguments as above make this complete
(every minimal bill for every m-set is checked) and every reported bill minimal for its set;
no larger set is repairable within K, since the search at m + 1 found nothing. Outcomes are
shared between the sizes: a bill is checked once.
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
    principles: tuple[str, ...] = ()  # a partial repair: the chosen principles it makes hold


@dataclass(frozen=True, slots=True)
class Stats:
    checked: int  # bills sent to the engines (the partial search's included)
    cached: int  # candidates answered from the cache (same bill content)
    pruned_superset: int  # supersets of a repair
    pruned_counterexample: int  # cannot remove a surviving counterexample
    incompatible: int  # two instances of one move
    levels: int  # sizes searched
    partial_checked: int = 0  # of `checked`, bills the search for partial repairs added


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
    # no full repair: the largest number of chosen principles some bill repairs, and the
    # minimal bills for each such set (Candidate.principles), by set then size
    partial_size: int = 0
    partial: tuple[Candidate, ...] = field(default=())
    partial_searched: bool = False  # False: there was a full repair, or it was not asked for

    @property
    def partial_sets(self) -> tuple[tuple[str, ...], ...]:
        """The largest repairable sets of chosen principles, in the order of `chosen`."""
        return tuple(dict.fromkeys(c.principles for c in self.partial))

    def out_of_reach(self) -> tuple[str, ...]:
        """Chosen principles the catalogue cannot fix at all: the base's counterexample to
        each is left intact by every applicable move, so it survives in every bill."""
        out = []
        for p in self.chosen:
            cex = self.base.counterexample(p)
            if cex is not None and not any(touches(m, cex) for m in self.instances):
                out.append(p)
        return tuple(out)


def touches(
    move: MoveInstance, cex: Counterexample, deadlines: frozenset[str] | None = None
) -> bool:
    """Whether the move might remove the counterexample. When days pass on it, a move that
    adds a deadline anywhere counts, and so does one that amends a rule with a deadline in
    the bill (`deadlines`: the case's and those the bill's moves add): a new guard on it can
    stop the days passing. A rule without a deadline never stops time, so amending one off
    the run leaves the run, days and all. `deadlines` None: any amended rule counts."""
    if move.touches_everything or move.amended & cex.rules:
        return True
    if not cex.has_time:
        return False
    if move.touches_time:
        return True
    return bool(move.amended if deadlines is None else move.amended & deadlines)


def is_repair(outcome: Outcome, chosen: Sequence[str], guarded: Sequence[str]) -> bool:
    return (
        not outcome.error
        and outcome.complete
        and all(outcome.status(p) == HOLDS for p in (*chosen, *guarded))
    )


def fixed(outcome: Outcome, chosen: Sequence[str], guarded: Sequence[str]) -> frozenset[str]:
    """The chosen principles a settled bill makes hold, if it keeps every guarded one."""
    if outcome.error or not outcome.complete:
        return frozenset()
    if any(outcome.status(p) != HOLDS for p in guarded):
        return frozenset()
    return frozenset(p for p in chosen if outcome.status(p) == HOLDS)


@dataclass(frozen=True, slots=True)
class _Level:
    """What one pass over the sizes 1..K for a goal of m principles found."""

    repairs: tuple[Candidate, ...]
    unsettled: tuple[Candidate, ...]
    pruned: tuple[tuple[int, ...], ...]
    checked: int
    cached: int
    supersets: int
    by_cex: int
    incompatible: int
    levels: int


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
    partial: bool = True,
    deadlines: frozenset[str] | None = None,
) -> SearchResult:
    """`partial`: with no full repair, also the largest repairable sets of principles.
    `deadlines`: the case's rules with a deadline (None: unknown, prune more cautiously)."""
    instances = tuple(instances)
    chosen = tuple(chosen)
    done: dict[tuple[int, ...], Outcome] = {(): base}
    cache: dict[str, Outcome] = {}

    def goal(m: int) -> _Level:
        return _search(
            instances,
            chosen,
            guarded,
            m,
            max_moves,
            runner,
            make_bill,
            digest,
            prune,
            done,
            cache,
            deadlines,
        )

    full = goal(len(chosen))
    unsettled = {c.moves: c for c in full.unsettled}
    partial_size, extra = 0, 0
    found: tuple[Candidate, ...] = ()
    searched = partial and not full.repairs and len(chosen) > 1
    if searched:
        for m in range(len(chosen) - 1, 0, -1):
            level = goal(m)
            extra += level.checked
            for c in level.unsettled:
                unsettled.setdefault(c.moves, c)
            if level.repairs:
                partial_size = m
                order = {p: i for i, p in enumerate(chosen)}
                found = tuple(
                    sorted(
                        level.repairs,
                        key=lambda c: (
                            [order[p] for p in c.principles],
                            len(c.moves),
                            c.moves,
                        ),
                    )
                )
                break
    singles = tuple(Candidate(c, o) for c, o in sorted(done.items()) if len(c) == 1)
    stats = Stats(
        full.checked + extra,
        full.cached,
        full.supersets,
        full.by_cex,
        full.incompatible,
        full.levels,
        extra,
    )
    return SearchResult(
        instances,
        chosen,
        tuple(guarded),
        base,
        full.repairs,
        singles,
        stats,
        tuple(sorted(unsettled.values(), key=lambda c: (len(c.moves), c.moves))),
        full.pruned,
        partial_size,
        found,
        searched,
    )


def _search(
    instances: tuple[MoveInstance, ...],
    chosen: tuple[str, ...],
    guarded: Sequence[str],
    m: int,
    max_moves: int,
    runner: Runner,
    make_bill: Callable[[tuple[MoveInstance, ...]], str],
    digest: Callable[[tuple[MoveInstance, ...]], str],
    prune: bool,
    done: dict[tuple[int, ...], Outcome],
    cache: dict[str, Outcome],
    deadlines: frozenset[str] | None,
) -> _Level:
    """Level by level, the minimal bills that make some m of the chosen principles hold (all
    of them when m == len(chosen)). `done` and `cache` are shared between goals."""
    repairs: list[Candidate] = []
    unsettled: list[Candidate] = []
    pruned: list[tuple[int, ...]] = []
    checked = cached = supersets = by_cex = incompatible = levels = 0
    for size in range(1, max_moves + 1):
        todo: dict[tuple[int, ...], tuple[frozenset[str], ...]] = {}
        for combo in itertools.combinations(range(len(instances)), size):
            families = [instances[i].move for i in combo]
            if len(set(families)) < len(families):
                incompatible += 1
                continue
            mine = set(combo)
            if m == len(chosen) and any(set(r.moves) < mine for r in repairs):
                supersets += 1  # the whole goal: any smaller repair covers it
                continue
            blocked = (
                _blocked(combo, instances, done, chosen, deadlines)
                if prune and size > 1
                else frozenset()
            )
            open_ = [p for p in chosen if p not in blocked]
            if len(open_) < m:
                by_cex += 1
                pruned.append(combo)
                continue
            goals = tuple(
                g
                for g in map(frozenset, itertools.combinations(open_, m))
                if not any(set(r.moves) < mine and g <= set(r.principles) for r in repairs)
            )
            if goals:
                todo[combo] = goals
            else:
                supersets += 1
        if not todo:  # a larger set may still survive: its subsets were pruned, not checked
            continue
        levels = size
        order = sorted(todo, key=lambda c: (-_score(c, instances, done[()], chosen), c))
        texts: list[str] = []
        fresh: list[tuple[int, ...]] = []
        keys = {c: digest(tuple(instances[i] for i in c)) for c in order}
        seen: set[str] = set(cache)
        for combo in order:
            if keys[combo] not in seen:
                seen.add(keys[combo])
                fresh.append(combo)
                texts.append(make_bill(tuple(instances[i] for i in combo)))
        outcomes = runner(texts) if texts else []
        for combo, outcome in zip(fresh, outcomes, strict=True):
            cache[keys[combo]] = outcome
        checked += len(fresh)
        cached += len(order) - len(fresh)
        for combo in sorted(todo):
            outcome = cache[keys[combo]]
            done[combo] = outcome
            holding = fixed(outcome, chosen, guarded)
            if any(g <= holding for g in todo[combo]):
                kept = tuple(p for p in chosen if p in holding)
                repairs.append(Candidate(combo, outcome, kept))
            elif outcome.error or not outcome.complete:
                unsettled.append(Candidate(combo, outcome))
    return _Level(
        tuple(repairs),
        tuple(unsettled),
        tuple(pruned),
        checked,
        cached,
        supersets,
        by_cex,
        incompatible,
        levels,
    )


def _blocked(
    combo: tuple[int, ...],
    instances: tuple[MoveInstance, ...],
    done: dict[tuple[int, ...], Outcome],
    chosen: Sequence[str],
    deadlines: frozenset[str] | None,
) -> frozenset[str]:
    """The chosen principles some checked proper subset keeps a counterexample to that the
    rest of the combination leaves intact: they fail on the combination too."""
    out: set[str] = set()
    if deadlines is not None:  # the rules with a deadline in this bill
        deadlines = deadlines.union(*(instances[i].deadline_rules for i in combo))
    for r in range(len(combo)):
        for subset in itertools.combinations(combo, r):
            outcome = done.get(subset)
            if outcome is None or outcome.error:
                continue
            rest = [instances[i] for i in combo if i not in subset]
            for p in chosen:
                if p in out:
                    continue
                cex = outcome.counterexample(p)
                if cex is not None and not any(touches(m, cex, deadlines) for m in rest):
                    out.add(p)
    return frozenset(out)


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
