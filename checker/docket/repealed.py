"""Which rules an amendment bill repealed, so a docket act under the old law is named as such."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from dsl import ast
from dsl.frontend import compile_file
from dsl.model import RuleInstance
from dsl.parser import parse
from dsl.source import SourceFile


@dataclass(frozen=True, slots=True)
class Repealed:
    rule: RuleInstance  # as the law being amended has it
    bill: str  # the file that repeals it
    line: int


def repealed_rules(path: str, depth: int = 0) -> dict[str, Repealed]:
    """Rule instances of the laws `path` extends (transitively) that a bill on the way repealed,
    by instance name and declared name. Malformed bases give nothing: `check` reports those."""
    if depth > 20:
        return {}
    try:
        source = SourceFile(path, Path(path).read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError):
        return {}
    module, _ = parse(source)
    if module is None:
        return {}
    ext = next((d for d in module.decls if isinstance(d, ast.Extends)), None)
    if ext is None:
        return {}
    base_path = str(Path(path).parent / ext.path)
    base = compile_file(base_path).model
    if base is None:
        return {}
    out = repealed_rules(base_path, depth + 1)
    for d in module.decls:
        if isinstance(d, ast.Repeal) and d.target == "rule":
            for r in base.rules:
                if r.rule == d.name:
                    hit = Repealed(r, path, d.span.line)
                    out[r.name] = hit
                    out.setdefault(r.rule, hit)
    return out
