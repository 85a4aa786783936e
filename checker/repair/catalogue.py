"""The catalogue of amendment moves (spec/moves.rev): bill fragments with parameters.

The file parses as an ordinary library; its structure lives in `// @move`, `// @models` and
`// @param` comment lines (described at the top of spec/moves.rev). A parameter is a `const`
the body declares; each of its values gives one instance of the move, with that `const` line
rewritten. Sources are declared once above the first move and copied into a bill on demand.
"""

from __future__ import annotations

import itertools
import re
from dataclasses import dataclass
from pathlib import Path

from dsl.diagnostics import Diagnostic, error
from dsl.parser import parse
from dsl.source import SourceFile, Span

DEFAULT_CATALOGUE = Path(__file__).resolve().parents[2] / "dsl" / "spec" / "moves.rev"

_MOVE = re.compile(r'^//\s*@move\s+([^\W\d]\w*)\s+"([^"]*)"\s*$')
_MODELS = re.compile(r"^//\s*@models\s+(\S.*)$")
_PARAM = re.compile(r"^//\s*@param\s+([^\W\d]\w*)\s*=\s*(\S.*)$")
_DIRECTIVE = re.compile(r"^//\s*@(\w*)")
_SOURCE = re.compile(r"^source\s+(\w+)\b")
_WORD = r"[^\W\d]\w*"
_AMENDED = re.compile(rf"^\s*amend\s+rule\s+({_WORD})", re.M)
_REPEALED = re.compile(rf"^\s*repeal\s+rule\s+({_WORD})", re.M)
_INSERTED = re.compile(rf"^\s*insert\s+rule\s+({_WORD})", re.M)
_DECLARED = re.compile(rf"^\s*(?:var|actor|const)\s+({_WORD})", re.M)
_CITED = re.compile(
    r"\bcites\s+([\w\s,]+?)(?=\s+(?:by|kind|when|then|duty|power|cites)\b|\s*}|\s*$)", re.M
)
_GLOBAL = re.compile(
    r"^\s*(?:amend\s+var|amend\s+property|repeal\s+(?:var|final|property)|final"
    r"|\w+\s+bind)\b",
    re.M,
)


@dataclass(frozen=True, slots=True)
class Move:
    """One move as written: its body still holds the parameters' first values."""

    name: str
    title: str
    models: str  # the model legislation, as the @models line gives it
    params: tuple[tuple[str, tuple[str, ...]], ...]
    body: str
    line: int  # the @move line, for diagnostics


@dataclass(frozen=True, slots=True)
class MoveInstance:
    """A move with one value for each parameter: what a bill contains."""

    move: str
    title: str
    models: str
    values: tuple[tuple[str, str], ...]
    body: str

    @property
    def label(self) -> str:
        if not self.values:
            return self.move
        return f"{self.move}({', '.join(f'{k}={v}' for k, v in self.values)})"

    @property
    def amended(self) -> frozenset[str]:
        return frozenset(_AMENDED.findall(self.body)) | frozenset(_REPEALED.findall(self.body))

    @property
    def introduced(self) -> frozenset[str]:
        return frozenset(_INSERTED.findall(self.body)) | frozenset(_DECLARED.findall(self.body))

    @property
    def cited(self) -> frozenset[str]:
        names: set[str] = set()
        for group in _CITED.findall(self.body):
            names.update(n.strip() for n in group.split(",") if n.strip())
        return frozenset(names)

    @property
    def touches_time(self) -> bool:
        """A deadline anywhere can stop days passing on a run the move leaves otherwise intact."""
        return re.search(r"\bwithin\b", self.body) is not None

    @property
    def deadline_rules(self) -> frozenset[str]:
        """The rules this move inserts or amends with a deadline (`within`)."""
        return frozenset(
            name for name, block in _rule_blocks(self.body) if re.search(r"\bwithin\b", block)
        )

    @property
    def touches_everything(self) -> bool:
        """A change to a variable, a property, the end states or what a principle reads
        (`bind`): no counterexample survives it for certain."""
        return _GLOBAL.search(self.body) is not None


@dataclass(frozen=True, slots=True)
class Catalogue:
    path: str
    moves: tuple[Move, ...]
    sources: tuple[tuple[str, str], ...]  # name -> the declaration's text

    def instances(self) -> tuple[MoveInstance, ...]:
        return tuple(i for m in self.moves for i in instances_of(m))

    def source_text(self, names: frozenset[str]) -> str:
        return "\n\n".join(text for name, text in self.sources if name in names)


_RULE_HEAD = re.compile(rf"^\s*(?:amend|insert)\s+rule\s+({_WORD})[^{{\n]*\{{", re.M)


def _rule_blocks(body: str) -> list[tuple[str, str]]:
    """(rule name, its block) for each `amend rule` / `insert rule` of a body, braces matched
    (guards hold set literals `{a, b}`)."""
    out: list[tuple[str, str]] = []
    for m in _RULE_HEAD.finditer(body):
        depth, i = 1, m.end()
        while i < len(body) and depth:
            depth += {"{": 1, "}": -1}.get(body[i], 0)
            i += 1
        out.append((m.group(1), body[m.end() : i]))
    return out


def instances_of(move: Move) -> tuple[MoveInstance, ...]:
    names = [name for name, _ in move.params]
    out: list[MoveInstance] = []
    for combo in itertools.product(*(values for _, values in move.params)):
        body = move.body
        for name, value in zip(names, combo, strict=True):
            body = re.sub(
                rf"^(\s*const\s+{name}\s*=\s*)[^\n]*$", rf"\g<1>{value}", body, flags=re.M
            )
        out.append(
            MoveInstance(
                move.name, move.title, move.models, tuple(zip(names, combo, strict=True)), body
            )
        )
    return tuple(out)


def load_catalogue(path: str) -> tuple[Catalogue | None, list[Diagnostic], dict[str, SourceFile]]:
    """Read and validate a catalogue; diagnostics (`file:line:col`) instead of exceptions."""
    try:
        text = Path(path).read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        span = Span(path, 0, 0, 0, 0)
        return None, [error("E001", f"cannot read the move catalogue: {exc}", span)], {}
    source = SourceFile(path, text)
    files = {path: source}
    module, diags = parse(source)
    if module is None:
        return None, list(diags), files
    lines = text.splitlines()
    problems: list[Diagnostic] = []
    moves: list[Move] = []
    sources: list[tuple[str, str]] = []
    starts = [i for i, line in enumerate(lines) if _DIRECTIVE.match(line) and "@move" in line]
    preamble = lines[: starts[0]] if starts else lines
    sources = _sources(preamble)
    for n, start in enumerate(starts):
        end = starts[n + 1] if n + 1 < len(starts) else len(lines)
        move, found = _move(path, lines, start, end)
        problems += found
        if move is not None:
            moves.append(move)
    if not moves and not problems:
        span = Span(path, 1, 1, 1, 2)
        problems.append(
            error(
                "E002",
                "the catalogue declares no move",
                span,
                help='start a move with `// @move NAME "what it does"`',
            )
        )
    if problems:
        return None, problems, files
    return Catalogue(path, tuple(moves), tuple(sources)), [], files


def _sources(lines: list[str]) -> list[tuple[str, str]]:
    out: list[tuple[str, str]] = []
    i = 0
    while i < len(lines):
        m = _SOURCE.match(lines[i])
        if not m:
            i += 1
            continue
        j = i + 1
        while j < len(lines) and lines[j].startswith((" ", "\t")) and lines[j].strip():
            j += 1
        out.append((m.group(1), "\n".join(lines[i:j])))
        i = j
    return out


def _move(
    path: str, lines: list[str], start: int, end: int
) -> tuple[Move | None, list[Diagnostic]]:
    def at(index: int, message: str, hint: str) -> Diagnostic:
        line = lines[index]
        return error(
            "E003", message, Span(path, index + 1, 1, index + 1, max(len(line), 1) + 1), help=hint
        )

    head = _MOVE.match(lines[start])
    if head is None:
        return None, [
            at(
                start,
                "a move needs a name and a title",
                'write `// @move NAME "what the move does"`',
            )
        ]
    models = ""
    params: list[tuple[str, tuple[str, ...]]] = []
    problems: list[Diagnostic] = []
    body_lines: list[str] = []
    for i in range(start + 1, end):
        line = lines[i]
        d = _DIRECTIVE.match(line)
        if d is None:
            body_lines.append(line)
        elif (m := _MODELS.match(line)) is not None:
            models = m.group(1).strip()
        elif (p := _PARAM.match(line)) is not None:
            values = tuple(v.strip() for v in p.group(2).split("|"))
            if not all(re.fullmatch(r"\d+|true|false|[^\W\d]\w*", v) for v in values):
                problems.append(
                    at(
                        i,
                        "a parameter's values are numbers or names, separated by |",
                        "write `// @param NAME = 15 | 30`",
                    )
                )
            params.append((p.group(1), values))
        else:
            problems.append(
                at(
                    i,
                    f"unknown directive `@{d.group(1)}` in a move",
                    "the directives are @move, @models and @param",
                )
            )
    body = "\n".join(body_lines).strip("\n")
    if not models:
        problems.append(
            at(
                start,
                f"move `{head.group(1)}` names no model legislation",
                "add `// @models JURISDICTION ARTICLE` under the @move line",
            )
        )
    for name, _ in params:
        if re.search(rf"^\s*const\s+{name}\s*=", body, re.M) is None:
            problems.append(
                at(
                    start,
                    f"parameter `{name}` of move `{head.group(1)}` is not a `const` of its body",
                    f"declare `const {name} = VALUE` in the move",
                )
            )
    if not body.strip():
        problems.append(at(start, f"move `{head.group(1)}` has no body", "add bill items"))
    if problems:
        return None, problems
    return Move(head.group(1), head.group(2), models, tuple(params), body, start + 1), []
