"""The release habit: one version, written in pyproject.toml, the CHANGELOG, docs/ci.md and the
pre-commit hooks' example, and tagged `vX.Y.Z` in git (where the clone carries tags)."""

from __future__ import annotations

import re
import subprocess
import tomllib
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent


def version() -> str:
    return str(
        tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]["version"]
    )


def test_changelog_opens_with_the_version() -> None:
    """The newest release in the changelog is the package's version; changes not yet released
    may stand above it under `## Unreleased` (as in keepachangelog.com)."""
    changelog = (ROOT / "CHANGELOG.md").read_text(encoding="utf-8")
    headings = re.findall(r"^## (\S+)", changelog, re.M)
    released = [h for h in headings if h != "Unreleased"]
    assert headings[: len(headings) - len(released)] in ([], ["Unreleased"])
    assert released and released[0] == version()


@pytest.mark.parametrize("doc", ["docs/ci.md", ".pre-commit-hooks.yaml"])
def test_docs_pin_the_released_version(doc: str) -> None:
    pins = set(re.findall(r"rev: (v\S+)", (ROOT / doc).read_text(encoding="utf-8")))
    assert pins == {f"v{version()}"}


def test_the_version_is_tagged() -> None:
    """A clone without tags (a shallow CI checkout) cannot show the tag: that is the one skip."""
    run = subprocess.run(["git", "tag", "--list", "v*"], cwd=ROOT, capture_output=True, text=True)
    if run.returncode != 0 or not run.stdout.strip():
        pytest.skip("this checkout carries no version tags")
    assert f"v{version()}" in run.stdout.split()


def test_pre_commit_hook_runs_the_installed_command(tmp_path: Path) -> None:
    """The hook's entry, run as pre-commit runs it (files appended), checks a rule set."""
    import yaml

    hooks = yaml.safe_load((ROOT / ".pre-commit-hooks.yaml").read_text(encoding="utf-8"))
    hook = next(h for h in hooks if h["id"] == "revcheck")
    case = ROOT / "tests" / "models" / "jugs.rev"
    run = subprocess.run(
        [*hook["entry"].split(), *hook.get("args", []), str(case)],
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert run.returncode == 0, run.stdout + run.stderr
