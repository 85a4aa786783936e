"""Startup stays cheap: `revcheck --help` imports no command module, no engine, no parser.

The command line lists every command from `checker.cli.LISTED` and imports only the module of
the command being run (checker/cli/__init__.py); this holds the table to what the modules
register, and a fresh interpreter to what `--help` imports. (Timing is for benchmarks/; the
import set is what decides it: `python -X importtime -m checker.cli --help`.)
"""

from __future__ import annotations

import argparse
import importlib
import subprocess
import sys
from pathlib import Path

from checker.cli import LISTED, SUBCOMMANDS

ROOT = Path(__file__).resolve().parent.parent
HEAVY = (
    "dsl.parser",
    "dsl.frontend",
    "dsl.model",
    "lark",
    "z3",
    "networkx",
    "jinja2",
    "checker.api",
    "checker.explicit",
    "checker.symbolic",
    "checker.report",
)


def test_the_listed_commands_are_what_the_modules_register() -> None:
    registered: dict[str, tuple[str, str]] = {}
    for module in SUBCOMMANDS:
        sub = argparse.ArgumentParser().add_subparsers()
        importlib.import_module(module).register(sub)
        for action in sub._choices_actions:  # noqa: SLF001 - argparse keeps the helps here
            registered[action.dest] = (module, str(action.help))
    assert registered == LISTED


def _imported_by(*argv: str) -> set[str]:
    code = (
        "import sys\nfrom checker.cli import main\n"
        f"try:\n    main({list(argv)!r})\nexcept SystemExit:\n    pass\n"
        "print('\\n'.join(sys.modules))"
    )
    out = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, cwd=ROOT, check=True
    ).stdout
    return set(out.split())


def test_help_imports_neither_engines_nor_the_front_end() -> None:
    heavy = {m for m in _imported_by("--help") if m.startswith(HEAVY)}
    assert not heavy, sorted(heavy)


def test_a_command_imports_only_its_own_module() -> None:
    loaded = _imported_by("show", "--help")
    assert "checker.cli.show" in loaded
    others = {m for _, (m, _) in LISTED.items() if m != "checker.cli.show"}
    assert not loaded & others, sorted(loaded & others)
