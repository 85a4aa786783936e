"""A trace told in plain language, in Chinese or English: who did what, under which article,
and what changed, in the words of the case's titles rather than its identifiers.

The identifiers, guards and raw value changes go into each step's `detail`, which the text and
HTML reports show only in a separate "details" part, so a reader can still check the model.
Used by `explain` (`checker.report.explain`) and the HTML report (`checker.report.html`).

Why one module of some 450 lines: a third of it is the table of phrases in both languages
(`WORDS`), and every function here writes its sentence from that table and the case's titles
(English or Chinese); the table and its readers change together.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Literal

from checker.core.show_expr import show, value_text
from checker.core.trace import Trace, rule_by_name, view
from checker.core.verdict import Method, Status, Verdict
from dsl.model import BoolType, EnumType, IntType, Model, Property, Value

Lang = Literal["zh", "en"]
LANGS: tuple[Lang, ...] = ("zh", "en")

# Phrases of the narrative; `{}` fields are filled with str.format.
WORDS: dict[Lang, dict[str, str]] = {
    "en": {
        "start": "At the start",
        "day": "a day passes",
        "days": "{n} days pass",
        "under": "under",
        "now": "now",
        "no_longer": "no longer so: {}",
        "repeat_one": "From step {i} on, step {i} repeats forever.",
        "repeat_many": "From step {i} on, steps {i}–{n} repeat forever.",
        "sep": "; ",
        "colon": ": ",
        "counterexample": "The counterexample, step by step",
        "witness": "An example run, step by step",
        "other_breaches": "Other rules that break it, each with its shortest run ({n})",
        "breach_by": "by {rule}",
        "steps": "{n} steps",
        "articles": "The articles relied on",
        "original": "original",
        "english": "English",
        "details": "Details (identifiers and formulas, to check the model)",
        "property": "Principle",
        "verdict": "Verdict",
        "expected": "Expected",
        "as_expected": "as expected",
        "not_as_expected": "NOT as expected",
        "reason": "reason given",
        "no_trace": "There is no counterexample: the verdict covers every run of the procedure.",
        "declared_in": "a principle declared in {}",
        "formula": "as written",
        "how": "how obtained",
        "step": "step",
        "rule": "rule",
        "actor": "actor",
        "kind": "kind",
        "when": "when",
        "changes": "changes",
        "initial": "initial state",
    },
    "zh": {
        "start": "开始时",
        "day": "过去一天",
        "days": "过去 {n} 天",
        "under": "依据",
        "now": "现为",
        "no_longer": "不再：{}",
        "repeat_one": "自第 {i} 步起，第 {i} 步无限重复。",
        "repeat_many": "自第 {i} 步起，第 {i}–{n} 步无限重复。",
        "sep": "；",
        "colon": "：",
        "counterexample": "反例，逐步说明",
        "witness": "示例，逐步说明",
        "other_breaches": "违反该原则的其他规则，各附最短过程（{n} 条）",
        "breach_by": "规则 {rule}",
        "steps": "共 {n} 步",
        "articles": "所依据的条文",
        "original": "原文",
        "english": "英文",
        "details": "细节（标识符与公式，供核对模型）",
        "property": "原则",
        "verdict": "结论",
        "expected": "预期",
        "as_expected": "与预期一致",
        "not_as_expected": "与预期不一致",
        "reason": "理由",
        "no_trace": "没有反例：结论覆盖该程序的每一种进行方式。",
        "declared_in": "原则定义于 {}",
        "formula": "形式化表述",
        "how": "得出方式",
        "step": "步骤",
        "rule": "规则",
        "actor": "行为人",
        "kind": "行为性质",
        "when": "条件",
        "changes": "变化",
        "initial": "初始状态",
    },
}

VERDICT_WORDS: dict[Lang, dict[Status, str]] = {
    "en": {
        Status.HOLDS: "holds",
        Status.FAILS: "fails",
        Status.BOUNDED: "holds up to depth {k}",
        Status.UNKNOWN: "unknown",
        Status.NOT_APPLICABLE: "not applicable",
    },
    "zh": {
        Status.HOLDS: "成立",
        Status.FAILS: "不成立",
        Status.BOUNDED: "在深度 {k} 以内成立（有界搜索，不是证明）",
        Status.UNKNOWN: "未定",
        Status.NOT_APPLICABLE: "不适用",
    },
}

_OWN_LANGUAGE: dict[str, Lang] = {"prc": "zh", "tw": "zh"}


def default_lang(model: Model) -> Lang:
    """The case's own language for PRC and Taiwan cases that carry Chinese titles, else English."""
    folders = {p.lower() for p in Path(model.path).parts}
    own = next((_OWN_LANGUAGE[f] for f in folders if f in _OWN_LANGUAGE), None)
    if own is None:
        own = _OWN_LANGUAGE.get(model.name.split("_", 1)[0].lower())
    has_titles = any(r.title_zh for r in model.rules) or any(a.title_zh for a in model.actors)
    return own if own is not None and has_titles else "en"


def word(lang: Lang, key: str, *args: object, **kw: object) -> str:
    return WORDS[lang][key].format(*args, **kw)


def verdict_word(verdict: Verdict, lang: Lang) -> str:
    return VERDICT_WORDS[lang][verdict.status].format(k=verdict.bound)


def expected_word(verdict: str, lang: Lang) -> str:
    """An `expect` line's verdict in the reader's language."""
    if lang == "en":
        return verdict
    return {"holds": "成立", "fails": "不成立", "not applicable": "不适用"}.get(verdict, verdict)


def how_text(verdict: Verdict, lang: Lang) -> str:
    """How the verdict was obtained, without jargon: "checked every one of 1,234 states"."""
    n = len(verdict.trace) if verdict.trace is not None else 0
    loops = verdict.trace is not None and verdict.trace.loop_start is not None
    zh = lang == "zh"
    match verdict.method:
        case Method.EXHAUSTIVE:
            return (
                f"穷尽检查全部 {verdict.states:,} 个状态"
                if zh
                else f"checked every one of {verdict.states:,} states"
            )
        case Method.K_INDUCTION:
            return (
                f"用归纳法证明（k = {verdict.bound}），对无界取值也成立"
                if zh
                else f"proved by induction (k = {verdict.bound}), for unbounded values too"
            )
        case Method.INVARIANT:
            return (
                "用求解器找到的归纳不变式证明，对无界取值也成立"
                if zh
                else "proved by an inductive invariant the solver found, for unbounded values too"
            )
        case Method.FAIRNESS:
            return (
                "由一项在等待期间始终可履行、且履行即达成目标的职责（公平性）证明，对无界取值也成立"
                if zh
                else (
                    "proved by a duty that stays enabled while it waits and brings it about "
                    "(fairness), for unbounded values too"
                )
            )
        case Method.BOUNDED:
            return (
                f"只搜索到深度 {verdict.bound}，未发现反例：这不是证明"
                if zh
                else (
                    f"searched up to depth {verdict.bound} without finding a counterexample: "
                    "not a proof"
                )
            )
        case Method.COUNTEREXAMPLE | Method.WITNESS:
            ce = verdict.method is Method.COUNTEREXAMPLE
            if zh:
                kind = "反例" if ce else "示例"
                return f"找到{kind}，共 {n} 步" + ("，其中一段无限重复" if loops else "")
            kind = "a counterexample" if ce else "an example run"
            return f"found {kind} of {n} step{'' if n == 1 else 's'}" + (
                ", part of which repeats forever" if loops else ""
            )
        case Method.STATE_LIMIT:
            return (
                f"达到状态上限 {verdict.bound:,}，结论未定"
                if zh
                else f"stopped at the state limit ({verdict.bound:,}): unsettled"
            )
        case Method.TIME_LIMIT:
            return "达到时间上限，结论未定" if zh else "stopped at the time limit: unsettled"
        case Method.NOT_APPLICABLE:
            return "模型缺少该原则所需的要素" if zh else "the model lacks what the principle needs"
    raise AssertionError(verdict.method)


# ----------------------------------------------------------------------------- titles


def _pick(lang: Lang, en: str, zh: str, fallback: str) -> str:
    if lang == "zh":
        return zh or en or fallback
    return en or fallback


def rule_title(model: Model, instance: str, lang: Lang) -> str:
    rule = rule_by_name(model, instance)
    title = _pick(lang, rule.title, rule.title_zh, rule.rule)
    if rule.binding:
        title += (
            "（" + "，".join(v for _, v in rule.binding) + "）"
            if lang == "zh"
            else (" (" + ", ".join(v for _, v in rule.binding) + ")")
        )
    return title


def property_title(prop: Property, lang: Lang) -> str:
    return _pick(lang, prop.title, prop.title_zh, prop.name)


def actor_title(model: Model, name: str, lang: Lang) -> str:
    actor = model.actor(name)
    if actor is None:
        return name
    return _pick(lang, actor.label, actor.title_zh, actor.name)


def source_title(model: Model, name: str, lang: Lang) -> str:
    src = model.source(name)
    if src is None:
        return name
    return _pick(lang, src.title, src.title_zh, src.name)


def _value_title(model: Model, var: str, value: Value | None, lang: Lang) -> str:
    found = ""
    for t in model.value_titles:  # a later declaration (a bill's) wins
        if t.var == var and t.value == value and type(t.value) is type(value):
            found = _pick(lang, t.title, t.title_zh, "")
    return found


def state_phrase(model: Model, slot: int, value: Value, lang: Lang) -> str | None:
    """What slot `slot` having `value` means in words; None when the case gives no title."""
    s = model.slots[slot]
    said = _value_title(model, s.var, value, lang)
    if said:
        return said
    var_title = _value_title(model, s.var, None, lang)
    if var_title and isinstance(s.type, IntType):
        key = f" [{s.key}]" if s.key else ""
        return f"{var_title}{key}{word(lang, 'colon')}{value_text(value)}"
    return None


def change_phrase(model: Model, slot: int, before: Value, after: Value, lang: Lang) -> str:
    """A change of one slot in words, falling back to `name: a → b` where no title is given."""
    s = model.slots[slot]
    var_title = _value_title(model, s.var, None, lang)
    if isinstance(s.type, IntType) and var_title:
        key = f" [{s.key}]" if s.key else ""
        return f"{var_title}{key}{word(lang, 'colon')}{value_text(before)} → {value_text(after)}"
    said = _value_title(model, s.var, after, lang)
    if said:
        return said
    if isinstance(s.type, BoolType) and not after:
        was = _value_title(model, s.var, True, lang)
        if was:
            return word(lang, "no_longer", was)
    if isinstance(s.type, EnumType | BoolType) and var_title:
        return f"{var_title}{word(lang, 'colon')}{value_text(before)} → {value_text(after)}"
    return f"{s.name}{word(lang, 'colon')}{value_text(before)} → {value_text(after)}"


# ----------------------------------------------------------------------------- the story


@dataclass(frozen=True, slots=True)
class Citation:
    name: str  # the source's identifier, for links only
    title: str  # in the chosen language


@dataclass(frozen=True, slots=True)
class Step:
    """One numbered line of the story: a rule's step, or days passing (`first`..`last`)."""

    first: int
    last: int
    who: str
    what: str
    citations: tuple[Citation, ...]
    changes: tuple[str, ...]
    detail: tuple[str, ...]  # identifiers, the guard, raw changes
    rule: str = ""  # the rule instance (empty for time), for drawing
    is_time: bool = False

    @property
    def label(self) -> str:
        return str(self.first) if self.first == self.last else f"{self.first}–{self.last}"


@dataclass(frozen=True, slots=True)
class Story:
    lang: Lang
    initial: tuple[str, ...]  # the initial state, in words where the case gives titles
    initial_detail: str
    steps: tuple[Step, ...]
    loop_first: int | None  # the first step of the part that repeats forever
    length: int

    @property
    def repeat(self) -> str:
        if self.loop_first is None:
            return ""
        key = "repeat_one" if self.loop_first == self.length else "repeat_many"
        return word(self.lang, key, i=self.loop_first, n=self.length)


def narrate(model: Model, trace: Trace, lang: Lang) -> Story:
    """The trace as numbered plain-language steps (consecutive days are one step)."""
    init = trace.initial
    initial = tuple(
        p for i, v in enumerate(init) if (p := state_phrase(model, i, v, lang)) is not None
    )
    initial_detail = ", ".join(
        f"{s.name} = {value_text(init[i])}" for i, s in enumerate(model.slots)
    )
    slot_of = {s.name: i for i, s in enumerate(model.slots)}
    views = view(model, trace)
    loop_first = None if trace.loop_start is None else trace.loop_start + 1
    steps: list[Step] = []
    for k, v in enumerate(views):
        if v.is_time:
            if (
                k > 0
                and views[k - 1].is_time
                and v.number != loop_first
                and steps
                and steps[-1].is_time
            ):
                last = steps.pop()
                steps.append(
                    Step(
                        last.first,
                        v.number,
                        "",
                        _days(lang, v.number - last.first + 1),
                        (),
                        (),
                        (),
                        "",
                        True,
                    )
                )
                continue
            steps.append(Step(v.number, v.number, "", word(lang, "day"), (), (), (), "", True))
            continue
        rule = rule_by_name(model, v.rule)
        changes = tuple(change_phrase(model, slot_of[n], b, a, lang) for n, b, a in v.changes)
        organ = f" ({v.organ})" if v.organ else ""
        detail = (
            f"{word(lang, 'rule')} {v.rule} · {word(lang, 'actor')} {v.actor}{organ}"
            + (f" · {word(lang, 'kind')} {v.kind}" if v.kind else ""),
            f"{word(lang, 'when')} {show(rule.guard)}",
            *(f"{n}: {value_text(b)} → {value_text(a)}" for n, b, a in v.changes),
        )
        cites = tuple(Citation(c, source_title(model, c, lang)) for c, _ in v.citations)
        steps.append(
            Step(
                v.number,
                v.number,
                actor_title(model, v.actor, lang),
                rule_title(model, v.rule, lang),
                cites,
                changes,
                detail,
                v.rule,
            )
        )
    return Story(lang, initial, initial_detail, tuple(steps), loop_first, len(trace))


def _days(lang: Lang, n: int) -> str:
    return word(lang, "day") if n == 1 else word(lang, "days", n=n)


def cited_sources(model: Model, story: Story) -> list[str]:
    """The sources the story cites, in order of first citation."""
    out: list[str] = []
    for step in story.steps:
        for c in step.citations:
            if c.name not in out and model.source(c.name) is not None:
                out.append(c.name)
    return out


def story_lines(model: Model, story: Story, indent: str = "  ") -> list[str]:
    """The story as numbered text lines (no identifiers where the case gives titles)."""
    lang = story.lang
    sep = word(lang, "sep")
    out = []
    if story.initial:
        out.append(
            f"{indent}0. {word(lang, 'start')}{word(lang, 'colon')}{sep.join(story.initial)}"
        )
    for s in story.steps:
        if s.is_time:
            out.append(f"{indent}{s.label}. {s.what}")
            continue
        out.append(f"{indent}{s.label}. {s.who}{word(lang, 'colon')}{s.what}")
        if s.citations:
            out.append(
                f"{indent}   {word(lang, 'under')}{word(lang, 'colon')}"
                + sep.join(c.title for c in s.citations)
            )
        if s.changes:
            out.append(f"{indent}   → " + sep.join(s.changes))
    if story.repeat:
        out.append(f"{indent}{story.repeat}")
    return out


def detail_lines(story: Story, indent: str = "  ") -> list[str]:
    out = [f"{indent}0. {word(story.lang, 'initial')}: {story.initial_detail}"]
    for s in story.steps:
        if s.is_time:
            out.append(f"{indent}{s.label}. <time>")
            continue
        out.append(f"{indent}{s.label}. {s.detail[0]}")
        out += [f"{indent}   {d}" for d in s.detail[1:]]
    return out
