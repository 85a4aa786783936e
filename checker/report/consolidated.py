"""The consolidated law of a bill: the law as amended, with where each part came from.

Used by `revcheck show` (`checker.cli.show`) and the reports.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

from dsl import ast
from dsl.diagnostics import render, sort_key
from dsl.imports import Loader, load_program
from dsl.pretty import pretty_decl
from dsl.provenance import Part, Provenance

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


def consolidated_text(path: str) -> tuple[str, int]:
    """The consolidated law of `path` as text, and an exit code (0 shown, 2 errors): the
    header, the state, the rules, the lawful end states, the amended properties and what was
    repealed (one function per part)."""
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
    origins = program.provenance
    out += _state_part(main, origins)
    out.append("// ---- rules")
    for d in main.decls:
        if isinstance(d, ast.RuleDecl):
            provenance = origins.get(("rule", d.name), Provenance.declared(main.path))
            out.append(f"// {provenance.shown()}")
            out.append(pretty_decl(d))
    finals = [d for d in main.decls if isinstance(d, ast.FinalDecl)]
    if finals:
        out += ["", "// ---- lawful end states", *(pretty_decl(d) for d in finals)]
    out += _amended(main, origins, "property", ast.PropertyDecl)
    out += _amended(main, origins, "scenario", ast.ScenarioDecl)
    out += _repealed_part(chain)
    return "\n".join(out), 0


def _state_part(main: ast.Module, origins: Mapping[Part, Provenance]) -> list[str]:
    """The state declarations; only amended variables carry their provenance (a short list)."""
    state = [d for d in main.decls if isinstance(d, _STATE)]
    if not state:
        return []
    out = ["// ---- state"]
    for d in state:
        if isinstance(d, ast.VarDecl) and ("var", d.name) in origins:
            out.append(f"// {origins['var', d.name].shown()}")
        out.append(pretty_decl(d))
    return [*out, ""]


_AMENDABLE = {"property": "properties", "scenario": "scenarios"}


def _amended(
    main: ast.Module,
    origins: Mapping[Part, Provenance],
    kind: str,
    cls: type[ast.PropertyDecl] | type[ast.ScenarioDecl],
) -> list[str]:
    """The properties (or scenarios) a bill of the chain amended, each under its provenance."""
    amended = [d for d in main.decls if isinstance(d, cls) and (kind, d.name) in origins]
    if not amended:
        return []
    out = ["", f"// ---- amended {_AMENDABLE[kind]}"]
    for d in amended:
        out.append(f"// {origins[kind, d.name].shown()}")
        out.append(pretty_decl(d))
    return out


def _repealed_part(chain: list[ast.Module]) -> list[str]:
    gone = repeals(chain)
    if not gone:
        return []
    return [
        "",
        "// ---- repealed",
        *(
            f"// {'every final line' if r.target == 'final' else f'{r.target} {r.name}'}"
            f" — repealed by {r.bill}"
            for r in gone
        ),
    ]
