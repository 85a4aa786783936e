"""`revcheck diff OLD NEW`: what an amendment changes.

Input: two versions of a rule set (files, or `REV:path` git revisions; see `checker.diff.revision`)
and `CheckOptions`. Output: a `DiffReport`:
- every property's verdict before and after, classified (`Change`): *fixed* (failed, now
  holds), *regressed* (did not fail, now fails; the new counterexample is the new verdict's
  trace), *unchanged*, *changed* (any other change of verdict), *added* or *removed*;
- the steps reachable in one version and not the other, and new and removed dead ends, with
  shortest witness traces (`checker.diff.steps`);
- rules added, repealed or amended, clause by clause with old and new text (`checker.diff.rules`);
- guarantees removed or weakened and actors reclassified (`checker.diff.law`): regressions too.

A regression that the new version itself expects (`expect P fails`) is *acknowledged*: it is
reported, but `--fail-on regression` does not fail on it, just as `check` accepts a verdict that
meets its expectation. Nothing here prints; see `checker.report.diff.text` and friends.
"""

from __future__ import annotations

import enum
from contextlib import ExitStack
from dataclasses import dataclass, replace

from checker.api import check_model_file
from checker.core.limits import stopped_of
from checker.core.outcome import FileReport, PropertyOutcome
from checker.core.result import CheckOptions, ModelResult
from checker.core.verdict import Status, Verdict
from checker.diff.law import LawChange, diff_law
from checker.diff.revision import Version, checkout
from checker.diff.rules import RuleChange, bill_spans, diff_rules
from checker.diff.steps import ReachDiff, diff_reach
from checker.explicit.search import ExplicitResult, explore
from checker.explicit.space import StateSpace
from dsl.source import SourceFile

FAIL_ON = ("regression", "change")


class Change(enum.Enum):
    FIXED = "fixed"
    REGRESSED = "regressed"
    UNCHANGED = "unchanged"
    CHANGED = "changed"
    ADDED = "added"
    REMOVED = "removed"


def classify(old: Verdict | None, new: Verdict | None) -> Change:
    if old is None:
        return Change.ADDED
    if new is None:
        return Change.REMOVED
    if new.status is Status.FAILS:
        return Change.UNCHANGED if old.status is Status.FAILS else Change.REGRESSED
    if old.status is Status.FAILS:
        return Change.FIXED if new.status is Status.HOLDS else Change.CHANGED
    return Change.UNCHANGED if old.word == new.word else Change.CHANGED


@dataclass(frozen=True, slots=True)
class PropertyChange:
    name: str
    change: Change
    old: PropertyOutcome | None
    new: PropertyOutcome | None

    @property
    def acknowledged(self) -> bool:
        """A regression the new version expects (`expect P fails`)."""
        exp = self.new.expectation if self.new is not None else None
        return self.change is Change.REGRESSED and exp is not None and exp.verdict == "fails"

    @property
    def is_regression(self) -> bool:
        return self.change is Change.REGRESSED and not self.acknowledged


@dataclass(frozen=True, slots=True)
class DiffReport:
    old: Version
    new: Version
    old_report: FileReport
    new_report: FileReport
    properties: tuple[PropertyChange, ...] = ()
    rules: tuple[RuleChange, ...] = ()
    law: tuple[LawChange, ...] = ()  # guarantees removed or weakened, actors reclassified
    reach: ReachDiff | None = None  # None when the state spaces could not be compared
    notes: tuple[str, ...] = ()

    @property
    def bad_input(self) -> bool:
        return any(r.has_errors or r.is_library or r.result is None for r in self.reports)

    @property
    def reports(self) -> tuple[FileReport, FileReport]:
        return (self.old_report, self.new_report)

    @property
    def regressions(self) -> tuple[PropertyChange, ...]:
        return tuple(p for p in self.properties if p.is_regression)

    @property
    def law_regressions(self) -> tuple[LawChange, ...]:
        return tuple(c for c in self.law if c.regression)

    @property
    def changed(self) -> bool:
        return (
            any(p.change is not Change.UNCHANGED for p in self.properties)
            or bool(self.rules)
            or bool(self.law)
            or (self.reach is not None and self.reach.changed)
        )

    def exit_code(self, fail_on: str = "regression") -> int:
        """0 nothing to fail on; 1 a regression (a verdict, or a guarantee removed or weakened:
        `checker.diff.law`), or, with `change`, any change; 2 bad input; 3 a state or time limit
        cut either version's search short (the comparison then is not complete)."""
        if self.bad_input:
            return 2
        failing = (
            self.changed if fail_on == "change" else bool(self.regressions or self.law_regressions)
        )
        if failing:
            return 1
        limited = any(
            r.result is not None and stopped_of(r.result) is not None for r in self.reports
        )
        reach_cut = self.reach is not None and bool(self.reach.notes)  # a space explored for steps
        return 3 if limited or reach_cut else 0


def diff_properties(old: FileReport, new: FileReport) -> tuple[PropertyChange, ...]:
    before = {o.property.name: o for o in old.outcomes}
    after = {o.property.name: o for o in new.outcomes}
    names = list(after) + [n for n in before if n not in after]
    return tuple(
        PropertyChange(
            n,
            classify(
                before[n].verdict if n in before else None, after[n].verdict if n in after else None
            ),
            before.get(n),
            after.get(n),
        )
        for n in names
    )


def _relocate(report: FileReport, version: Version) -> FileReport:
    """Show diagnostics of a revision's checkout under `REV:path` rather than a temp folder."""
    if version.root is None:
        return replace(report, path=version.label)
    show = version.display
    diags = tuple(
        replace(
            d,
            span=replace(d.span, path=show(d.span.path)),
            secondary=tuple((replace(s, path=show(s.path)), label) for s, label in d.secondary),
        )
        for d in report.diagnostics
    )
    files = {show(k): SourceFile(show(k), f.text) for k, f in report.files.items()}
    return replace(report, path=version.label, diagnostics=diags, files=files)


def diff_versions(
    old: Version,
    new: Version,
    options: CheckOptions | None = None,
    allow: frozenset[str] = frozenset(),
) -> DiffReport:
    options = options or CheckOptions(engine="auto")
    old_report = check_model_file(old.path, options)
    new_report = check_model_file(new.path, options)
    base = DiffReport(old, new, _relocate(old_report, old), _relocate(new_report, new))
    if base.bad_input:
        return base
    assert old_report.result is not None and new_report.result is not None
    old_model, new_model = old_report.result.model, new_report.result.model
    notes: list[str] = []
    reach = None
    if old_model.finite and new_model.finite:
        # the spaces `check` explored, when the explicit engine ran; explore otherwise
        old_space = _space(old_report.result, options)
        new_space = _space(new_report.result, options)
        reach = diff_reach(old_space, new_space)
    else:
        notes.append(
            "reachable steps and dead ends are compared only when both versions have "
            "finite domains (the explicit engine); they were not compared"
        )
    rules = diff_rules(old_model, new_model, bill_spans(new_report.files, new.path))
    law = diff_law(old_model, new_model, rules, allow)
    return replace(
        base,
        properties=diff_properties(old_report, new_report),
        rules=rules,
        law=law,
        reach=reach,
        notes=tuple(notes),
    )


def _space(result: ModelResult, options: CheckOptions) -> StateSpace:
    """The space `check` explored when it kept the edges; explored again otherwise."""
    if isinstance(result, ExplicitResult) and result.space is not None and result.space.has_edges:
        return result.space
    return explore(result.model, options)


def diff_paths(
    old: str, new: str, options: CheckOptions | None = None, allow: frozenset[str] = frozenset()
) -> DiffReport:
    """Diff two files or `REV:path` revisions. Raises `RevisionError` for an unreadable revision.

    `allow`: names whose removal or weakening is deliberate (`--allow-removed`)."""
    with ExitStack() as stack:
        a = stack.enter_context(checkout(old))
        b = stack.enter_context(checkout(new))
        return diff_versions(a, b, options, allow)
