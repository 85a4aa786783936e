"""The CI glue: the pre-commit hooks and the documented workflow name commands that exist."""

from __future__ import annotations

import re
import shlex
from pathlib import Path

import pytest

from checker.cli import build_parser

yaml = pytest.importorskip("yaml", reason="PyYAML reads the hook and workflow files")
ROOT = Path(__file__).resolve().parent.parent


def test_pre_commit_hooks() -> None:
    hooks = yaml.safe_load((ROOT / ".pre-commit-hooks.yaml").read_text(encoding="utf-8"))
    assert {h["id"] for h in hooks} == {"revcheck", "revcheck-all"}
    for hook in hooks:
        assert hook["entry"] == "revcheck check" and hook["language"] == "python"
        assert re.search(hook["files"], "cases/prc/current.rev")
        build_parser().parse_args([*hook["entry"].split()[1:], *hook.get("args", []), "x.rev"])


def test_documented_workflow_parses_and_uses_real_options() -> None:
    text = (ROOT / "docs" / "ci.md").read_text(encoding="utf-8")
    block = re.search(r"```yaml\n(name: revcheck.*?)```", text, re.S)
    assert block is not None
    workflow = yaml.safe_load(block.group(1))
    steps = workflow["jobs"]["check"]["steps"]
    uploads = [
        s for s in steps if s.get("uses", "").startswith("github/codeql-action/upload-sarif")
    ]
    assert len(uploads) == 2 and all(s["if"].startswith("always()") for s in uploads)
    parser = build_parser()
    commands = re.findall(
        r"^\s*(?:run: )?(revcheck (?:check|diff) .*?)(?: \|\|.*| >>.*)?$", block.group(1), re.M
    )
    assert len(commands) == 4
    for line in commands:
        args = shlex.split(re.sub(r"\$\{\{[^}]*\}\}", "main", line))[1:]
        parser.parse_args(args)  # raises SystemExit on an unknown option
