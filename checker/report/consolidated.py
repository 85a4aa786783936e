"""The consolidated law of a bill: the law as amended, with where each part came from.

Used by `revcheck show` (`checker.cli.show`) and the reports.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from dsl import ast
from dsl.diagnostics import render, sort_key
from dsl.imports import Loader, load_program, origin_key
from dsl.pretty import pretty_decl

_STATE = (ast.ConstDecl, ast.SetDecl, ast.VarDecl)


@dataclass(frozen=True, slots=True)
class Repealed:
    """A `repeal` in one of the bills of the chain."""

    target: str  # rule | var | property | expect | final (name "")
    name: str
    bill: str


def bill_chain(path: str) -> list[ast.Module]:
    """The file and the laws it extends, oldest first (files that fail to parse are skipped)."""
    loader = Loader()
    chain: list[ast.Module] = []
    seen: set[str] = set()
    current: str | None = path
    while current is not None and str(Path(current).resolve()) not in seen:
        seen.add(str(Path(current).resolve()))
        module = loader.parse_file(current)
        if module is None:
            break
        chain.append(module)
        ext = next((d for d in module.decls if isinstance(d, ast.Extends)), None)
        current = loader._display(Path(module.path).resolve().parent / ext.path) if ext else None
    return chain[::-1]


def repeals(chain: list[ast.Module]) -> list[Repealed]:
    """Every `repeal` of the chain's bills, in the order they were enacted."""
    return [
        Repealed(d.target, d.name, m.path)
        for m in chain
        for d in m.decls
        if isinstance(d, ast.Repeal)
    ]


def _provenance(origin: str) -> str:
    return origin if origin.startswith("inserted by") else f"from {origin}"


def consolidated_text(path: str) -> tuple[str, int]:
    """The consolidated law of `path` as text, and an exit code (0 shown, 2 errors)."""
    program, files, diags = load_program(path)
    errors = sorted((d for d in diags if d.is_error), key=sort_key)
    if program is None or errors:
        return "\n".join(render(d, files) for d in errors) or f"error: cannot load {path}", 2
    main = program.main
    if main.kind != "procedure":
        return f"error: {path} is a library; `show` prints a procedure's consolidated rules", 2
    chain = bill_chain(path)
    out = [f"{main.kind} {main.name}" + (f' "{main.title}"' if main.title else "")]
    if len(chain) > 1:
        out.append("// consolidated text: " + " ← ".join(m.path for m in chain))
    out.append("")
    origins = program.rule_origins
    state = [d for d in main.decls if isinstance(d, _STATE)]
    if state:
        out.append("// ---- state")
        for d in state:
            amended = isinstance(d, ast.VarDecl) and origin_key("var", d.name) in origins
            if amended:  # only amended variables carry their provenance, to keep the list short
                out.append(f"// {_provenance(origins[origin_key('var', d.name)])}")
            out.append(pretty_decl(d))
        out.append("")
    out.append("// ---- rules")
    for d in main.decls:
        if isinstance(d, ast.RuleDecl):
            out.append(f"// {_provenance(program.rule_origins.get(d.name, main.path))}")
            out.append(pretty_decl(d))
    finals = [d for d in main.decls if isinstance(d, ast.FinalDecl)]
    if finals:
        out.append("")
        out.append("// ---- lawful end states")
        out += [pretty_decl(d) for d in finals]
    amended_properties = [
        d for d in main.decls
        if isinstance(d, ast.PropertyDecl) and origin_key("property", d.name) in origins
    ]
    if amended_properties:
        out.append("")
        out.append("// ---- amended properties")
        for d in amended_properties:
            out.append(f"// {_provenance(origins[origin_key('property', d.name)])}")
            out.append(pretty_decl(d))
    gone = repeals(chain)
    if gone:
        out.append("")
        out.append("// ---- repealed")
        out += [
            f"// {'every final line' if r.target == 'final' else f'{r.target} {r.name}'} — repealed by {r.bill}"
            for r in gone
        ]
    return "\n".join(out), 0
