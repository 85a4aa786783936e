"""One verdict read as a legal narrative: numbered plain-language steps, the articles' texts,
then a "details" part with the identifiers and formulas for checking the model.

Used by `revcheck explain` (`checker.cli.explain`). The steps come from
`checker.report.narrative`, in Chinese or English (`--lang`; by default the case's own).
"""

from __future__ import annotations

from dataclasses import replace

from checker.core.outcome import FileReport, PropertyOutcome
from checker.report.breaches import other_breaches
from checker.report.check.text import render_report
from checker.report.narrative import (
    Lang,
    cited_sources,
    default_lang,
    detail_lines,
    expected_word,
    how_text,
    narrate,
    property_title,
    rule_title,
    story_lines,
    verdict_word,
    word,
)
from dsl.model import Model
from dsl.suggest import closest


def find_outcome(report: FileReport, name: str) -> tuple[PropertyOutcome | None, str]:
    """The outcome of property `name`, or None and an error message naming the close matches."""
    outcome = next((o for o in report.outcomes if o.property.name == name), None)
    if outcome is not None:
        return outcome, ""
    names = [o.property.name for o in report.outcomes]
    close = closest(name, names)
    hint = f"; did you mean '{close}'?" if close else f"; the properties are: {', '.join(names)}"
    return None, f"error: {report.path} has no property '{name}'{hint}"


def explain(report: FileReport, name: str, lang: Lang | None = None) -> tuple[str, int]:
    """The explanation of property `name`, and an exit code (0 shown, 2 no such property)."""
    if report.result is None:
        return render_report(report), 2
    model = report.result.model
    outcome, error = find_outcome(report, name)
    if outcome is None:
        return error, 2
    lang = lang or default_lang(model)
    title = (model.title_zh or model.title) if lang == "zh" else model.title
    out = [f"{report.path} — {title or model.name}"]
    prop, verdict = outcome.property, outcome.verdict
    out.append(f"{word(lang, 'property')}{word(lang, 'colon')}{property_title(prop, lang)}")
    out.append(
        f"{word(lang, 'verdict')}{word(lang, 'colon')}{verdict_word(verdict, lang)}"
        f"（{how_text(verdict, lang)}）"
        if lang == "zh"
        else f"{word(lang, 'verdict')}: {verdict_word(verdict, lang)} ({how_text(verdict, lang)})"
    )
    if outcome.expectation is not None:
        exp = outcome.expectation
        met = word(lang, "as_expected" if outcome.match.value == "met" else "not_as_expected")
        line = (
            f"{word(lang, 'expected')}{word(lang, 'colon')}"
            f"{expected_word(exp.verdict, lang)} — {met}"
        )
        out.append(line)
        if exp.reason:
            out.append(f"  {word(lang, 'reason')}{word(lang, 'colon')}{exp.reason}")
    details = [
        f"{word(lang, 'property')} {prop.name}: {prop.text}"
        if prop.text
        else f"{word(lang, 'property')} {prop.name}"
    ]
    if prop.origin and prop.origin != model.path:
        details.append(f"  ({word(lang, 'declared_in', prop.origin)})")
    if verdict.note:
        details.append(f"  {verdict.note}")
    if verdict.trace is None:
        if verdict.status.value == "holds":
            out.append(word(lang, "no_trace"))
        return "\n".join([*out, "", f"{word(lang, 'details')}:", *(f"  {d}" for d in details)]), 0
    story = narrate(model, verdict.trace, lang)
    head = word(lang, "counterexample" if verdict.status.value != "holds" else "witness")
    out.append("")
    out.append(
        f"{head}（{word(lang, 'steps', n=len(verdict.trace))}）{word(lang, 'colon')}"
        if lang == "zh"
        else f"{head} ({word(lang, 'steps', n=len(verdict.trace))}):"
    )
    out += story_lines(model, story)
    cited = cited_sources(model, story)
    others = other_breaches(report, outcome)
    if others:
        out += ["", word(lang, "other_breaches", n=len(others)) + word(lang, "colon").rstrip()]
        for _rule, trace in others:
            other = narrate(model, trace, lang)
            out.append(
                f"  {rule_title(model, trace.steps[-1][0], lang)}{word(lang, 'colon')}"
                f"{word(lang, 'steps', n=len(trace))}"
            )
            out += story_lines(model, replace(other, initial=()), indent="    ")
            cited += [c for c in cited_sources(model, other) if c not in cited]
    out += _articles(model, cited, lang)
    out.append("")
    out.append(f"{word(lang, 'details')}:")
    out += [f"  {d}" for d in details]
    out += detail_lines(story)
    return "\n".join(out), 0


def _articles(model: Model, cited: list[str], lang: Lang) -> list[str]:
    if not cited:
        return []
    out = ["", f"{word(lang, 'articles')}{word(lang, 'colon').rstrip()}"]
    for i, name in enumerate(cited, start=1):
        src = model.source(name)
        if src is None:
            continue
        title = src.title_zh or src.title if lang == "zh" else src.title
        out.append(f"  [{i}] {title}")
        if src.zh:
            out.append(f"      {word(lang, 'original')}{word(lang, 'colon')}{src.zh}")
        if src.text:
            out.append(f"      {word(lang, 'english')}{word(lang, 'colon')}{src.text}")
    return out
