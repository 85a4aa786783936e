"""The examples in the README and the tutorial compile, and say what the text says they say."""

from __future__ import annotations

from pathlib import Path

import pytest

from checker import Status, check_text

ROOT = Path(__file__).parent.parent


def examples(doc: str) -> list[str]:
    blocks: list[str] = []
    current: list[str] | None = None
    for line in (ROOT / doc).read_text(encoding="utf-8").split("\n"):
        if line.startswith("```"):
            if current is None:
                current = []
            else:
                blocks.append("\n".join(current) + "\n")
                current = None
        elif current is not None:
            current.append(line)
    return [b for b in blocks if b.lstrip().startswith("procedure ")]


@pytest.mark.parametrize("doc", ["README.md", "docs/tutorial.md"])
def test_examples_compile(doc: str) -> None:
    found = examples(doc)
    assert found, f"{doc} has no procedure example"
    for source in found:
        report = check_text(source, directory=str(ROOT))
        assert not report.has_errors, [d.message for d in report.diagnostics]


def test_tutorial_verdicts_are_the_ones_it_describes() -> None:
    (source,) = examples("docs/tutorial.md")
    report = check_text(source, directory=str(ROOT))
    verdicts = {o.property.name: o.verdict.status for o in report.outcomes}
    assert verdicts["trial_execution_separation"] is Status.FAILS
    assert verdicts["hearing_before_decision"] is Status.FAILS
    assert verdicts["application_decided"] is Status.HOLDS  # `order_return` is a duty
    assert report.exit_code == 1  # two principles fail without an `expect`, as the text says
    tutorial = (ROOT / "docs" / "tutorial.md").read_text(encoding="utf-8")
    assert "The exit code is 1 here, because two imported principles fail" in tutorial
