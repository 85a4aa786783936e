"""Every citation in cases/ resolves to a text kept in the repository (law/).

A case quotes the original wording of each article it cites in its `source` line (`zh`, which holds
the original language: Chinese, German, Japanese, Russian). The quotation must be found word for
word in the law file of the case's jurisdiction (law/<folder>.md), so a model cannot cite a text
the repository does not hold, and a quotation cannot drift from the kept text. Whitespace and
Markdown quote marks are ignored; "…" separates the quoted fragments of a partial quotation.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from dsl.frontend import compile_file

ROOT = Path(__file__).resolve().parent.parent
CASES = sorted((ROOT / "cases").glob("*/*.rev"))
LAW = ROOT / "law"

# A case may prefix a quotation with the instrument and article ("《…》第五十五条（…）：").
_PREFIX = re.compile(r"^《[^》]+》第[〇一二三四五六七八九十百零千]+条(（[^）]*）)*[：:]?")
# An openly declared summary is not a quotation and is not searched for.
_SUMMARY_MARKS = ("（摘要）", "(summary)", "(substance)")
_MIN_PIECE = 6  # shorter fragments ("（二）") prove nothing


def _squash(text: str) -> str:
    """Whitespace, quote marks and full stops are typography, not wording."""
    return re.sub(r"[\s>\"'“”‘’.．]+", "", text)


def _pieces(quotation: str) -> list[str]:
    body = _PREFIX.sub("", quotation.strip()).replace("（摘录）", "")  # "excerpt" marks no words
    found = []
    # "…" marks an omission; "[…]" an editor's note inside a quotation
    for piece in re.split(r"…|\.\.\.|\[[^\]]*\]", body):
        piece = _squash(piece).strip(",，、;；:：")
        if len(piece) >= _MIN_PIECE and not any(m in piece for m in _SUMMARY_MARKS):
            found.append(piece)
    return found


def _law_text(case: Path) -> str:
    law_file = LAW / f"{case.parent.name}.md"
    assert law_file.exists(), f"{case}: no law file {law_file.relative_to(ROOT)}"
    return _squash(law_file.read_text(encoding="utf-8"))


def _sources(case: Path):  # type: ignore[no-untyped-def]
    result = compile_file(str(case))
    assert result.model is not None, [d.message for d in result.diagnostics]
    return result.model


@pytest.mark.parametrize("case", CASES, ids=lambda p: f"{p.parent.name}/{p.stem}")
def test_every_quotation_is_in_the_law_folder(case: Path) -> None:
    law = _law_text(case)
    thesis = _squash("".join(p.read_text(encoding="utf-8") for p in LAW.glob("000_*.txt")))
    missing = []
    for source in _sources(case).sources:
        assert source.zh or source.text, f"{case.name}: source {source.name} has no text"
        if source.zh:
            missing += [(source.name, p) for p in _pieces(source.zh) if p not in law]
        elif not source.text.startswith(_SUMMARY_MARKS):
            # English only: the thesis abstract, quoted from law/000_*.txt
            missing += [(source.name, p) for p in _pieces(source.text) if p not in thesis]
    assert not missing, f"{case.name}: quotations not found in law/: {missing}"


@pytest.mark.parametrize("case", CASES, ids=lambda p: f"{p.parent.name}/{p.stem}")
def test_every_cited_article_has_its_text(case: Path) -> None:
    model = _sources(case)
    by_name = {s.name: s for s in model.sources}
    for rule in model.rules:
        for name in rule.citations:
            source = by_name[name]
            assert source.zh or source.text, (
                f"{case.name}: rule {rule.name} cites {name} without text"
            )


@pytest.mark.parametrize("case", CASES, ids=lambda p: f"{p.parent.name}/{p.stem}")
def test_case_points_to_the_law_in_the_repository(case: Path) -> None:
    """A file that declares sources names the law file it quotes (scenario files declare none)."""
    text = case.read_text(encoding="utf-8")
    assert "provisions.md" not in text, f"{case.name} cites a file users do not have"
    if re.search(r"^source ", text, re.M):
        assert f"law/{case.parent.name}.md" in text, f"{case.name} does not name its law file"


def test_a_drifted_quotation_is_caught() -> None:
    """The check is not vacuous: a changed word in a quotation is not found."""
    law = _law_text(ROOT / "cases" / "prc" / "current.rev")
    good = "执行完毕后，据以执行的判决、裁定和其他法律文书确有错误，被人民法院撤销的"
    assert all(p in law for p in _pieces(good))
    assert not all(p in law for p in _pieces(good.replace("撤销", "变更")))
