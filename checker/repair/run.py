"""`repair` as a function: compile the case, read the catalogue, search, return a report."""

from __future__ import annotations

import os
import re
import time
from collections.abc import Callable, Sequence
from contextlib import AbstractContextManager, nullcontext
from dataclasses import dataclass

from checker.core.result import CheckOptions
from checker.distributed import TaskRunner
from checker.repair.bill import bill_text, body_digest
from checker.repair.catalogue import Catalogue, MoveInstance, load_catalogue
from checker.repair.evaluate import Outcome, check_bill, compile_bill
from checker.repair.search import SearchResult, search
from dsl.diagnostics import Diagnostic
from dsl.frontend import compile_file
from dsl.model import Model
from dsl.source import SourceFile

_LIBRARY = re.compile(r"\A(?:\s|//[^\n]*\n|/\*.*?\*/)*library\b", re.S)


class RepairInputError(Exception):
    """Bad input that is not a diagnostic of a file (an unknown principle): exit 2."""


@dataclass(frozen=True, slots=True)
class RepairReport:
    case: str  # as the user named it
    case_name: str
    catalogue: Catalogue
    skipped: tuple[tuple[MoveInstance, str], ...]  # not applicable to the case, and why
    result: SearchResult
    seconds: float
    workers: int
    max_moves: int

    @property
    def exit_code(self) -> int:
        """0 a repair of every chosen principle; 1 none within the bound (partial repairs of
        fewer principles may be printed: they are not a repair of what was asked); 3 none,
        and some candidate unsettled (the partial sets may then be larger than reported)."""
        if self.result.repairs:
            return 0
        return 3 if self.result.unsettled else 1

    def bill(self, index: int, extends: str) -> str:
        moves = tuple(self.result.instances[i] for i in self.result.repairs[index].moves)
        return bill_text(self.case_name, extends, moves, self.catalogue)

    def partial_bill(self, index: int, extends: str) -> str:
        moves = tuple(self.result.instances[i] for i in self.result.partial[index].moves)
        return bill_text(self.case_name, extends, moves, self.catalogue)


@dataclass(frozen=True, slots=True)
class Failure:
    diagnostics: tuple[Diagnostic, ...]
    files: dict[str, SourceFile]


def repair(
    case: str,
    catalogue_path: str,
    principles: tuple[str, ...] | None,
    max_moves: int | None,
    runner: TaskRunner | Callable[[], AbstractContextManager[TaskRunner]],
    prune: bool = True,
    options: CheckOptions | None = None,
    partial: bool = True,
    on_batch: Callable[[int], None] | None = None,
) -> RepairReport | Failure:
    """`max_moves` None: as many as there are applicable moves (two instances of one move
    never go together). `runner` may be a factory: a cluster is then started only once the
    case and the catalogue have been read and checked. `partial`: with no repair of every
    chosen principle, search the largest sets of them that can be repaired. `on_batch` is told
    how many bills each batch checks, before it runs (the command line's progress line)."""
    started = time.perf_counter()
    front = compile_file(case)
    errors = tuple(d for d in front.diagnostics if d.is_error)
    if front.model is None or errors:
        return Failure(errors or front.diagnostics, front.files)
    model = front.model
    if model.is_library:
        raise RepairInputError(f"{case} is a library; repair needs a procedure")
    catalogue, diags, files = load_catalogue(catalogue_path)
    if catalogue is None:
        return Failure(tuple(diags), files)
    absolute = os.path.abspath(case)
    options = options or CheckOptions(engine="auto")
    base = check_bill(bill_text(model.name, absolute, (), catalogue), options)
    if base.error:
        raise RepairInputError(f"{case} cannot be checked: {base.error}")
    if not base.complete:
        raise RepairInputError(
            f"{case}: the check of the case itself stopped at a limit "
            "(--max-states, --timeout), so no repair can be judged"
        )
    library = _library_principles(model, front.files)
    chosen = _chosen(principles, model, library, base)
    guarded = tuple(p for p in library if p not in chosen and base.status(p) == "holds")

    def make(moves: tuple[MoveInstance, ...]) -> str:
        return bill_text(model.name, absolute, moves, catalogue)

    usable, skipped = _applicable(catalogue.instances(), model, make)

    limit = max_moves if max_moves is not None else len({m.move for m in usable})
    with nullcontext(runner) if isinstance(runner, TaskRunner) else runner() as tasks:
        wanted = (*chosen, *guarded)  # the only verdicts the search reads

        def run(texts: Sequence[str]) -> list[Outcome]:
            if on_batch is not None:
                on_batch(len(texts))
            return tasks.map(check_bill, list(texts), options, wanted)

        deadlines = frozenset(r.rule for r in model.rules if r.deadline_days is not None)
        result = search(
            usable, base, chosen, guarded, limit, run, make, body_digest, prune, partial, deadlines
        )
        workers = tasks.workers
    return RepairReport(
        case,
        model.name,
        catalogue,
        tuple(skipped),
        result,
        time.perf_counter() - started,
        workers,
        limit,
    )


def _library_principles(model: Model, files: dict[str, SourceFile]) -> tuple[str, ...]:
    """The properties an imported library declares: the principles (a case's own properties
    describe its law and may well change under an amendment)."""
    out = []
    for p in model.properties:
        source = files.get(p.origin)
        text = source.text if source is not None else ""
        if not text and p.origin and os.path.exists(p.origin):
            with open(p.origin, encoding="utf-8") as f:
                text = f.read()
        if _LIBRARY.match(text):
            out.append(p.name)
    return tuple(out)


def _chosen(
    principles: tuple[str, ...] | None, model: Model, library: tuple[str, ...], base: Outcome
) -> tuple[str, ...]:
    if principles is None:
        return tuple(p for p in library if base.status(p) == "fails")
    known = {p.name for p in model.properties}
    for name in principles:
        if name not in known:
            from dsl.suggest import closest

            near = closest(name, sorted(known))
            hint = f" (did you mean `{near}`?)" if near else ""
            raise RepairInputError(f"the case has no property `{name}`{hint}")
    return tuple(dict.fromkeys(principles))


def _applicable(
    instances: tuple[MoveInstance, ...],
    model: Model,
    make: Callable[[tuple[MoveInstance, ...]], str] | None = None,
) -> tuple[list[MoveInstance], list[tuple[MoveInstance, str]]]:
    """The moves whose rules the case has and whose names it does not; with `make`, also
    those whose one-move bill compiles (a move written for another case's variables would
    otherwise leave every candidate with it unsettled)."""
    rules = {r.rule for r in model.rules}
    names = rules | {v.name for v in model.variables} | {a.name for a in model.actors}
    usable: list[MoveInstance] = []
    skipped: list[tuple[MoveInstance, str]] = []
    for m in instances:
        missing = sorted(m.amended - rules)
        clash = sorted(m.introduced & names)
        if missing:
            skipped.append((m, f"the case has no rule {', '.join(missing)}"))
        elif clash:
            skipped.append((m, f"the case already declares {', '.join(clash)}"))
        elif make is not None and (problem := compile_bill(make((m,)))[1]):
            skipped.append((m, f"its bill does not compile against the case ({problem})"))
        else:
            usable.append(m)
    return usable, skipped
