"""Text -> AST, or syntax diagnostics (E001-E004). Lark errors never escape this module.

After a syntax error the parser resumes at the next top-level declaration that starts a line,
so one run reports every independent syntax error in a file, not just the first.
"""

from __future__ import annotations

import re
from functools import lru_cache
from importlib import resources

from lark import Lark, Token, Tree
from lark.exceptions import LarkError, UnexpectedCharacters, UnexpectedEOF, UnexpectedToken

from dsl import ast
from dsl.build_ast import build_module, tree_depth
from dsl.diagnostics import Diagnostic, error
from dsl.source import SourceFile, Span
from dsl.suggest import closest

MAX_NESTING = 64  # brackets; deeper input is refused before parsing (hostile input)
MAX_TREE_DEPTH = 400
MAX_ERRORS = 20
MAX_DIGITS = 1000  # Python refuses to convert integer literals of more than 4300 digits

TOP_LEVEL = (
    "procedure library import extends source organ kind actor const set var rule final "
    "property expect repeal amend insert"
).split()
_RESUME = re.compile(r"^(?:" + "|".join(TOP_LEVEL) + r")\b")

_WORDS = {
    "NAME": "a name",
    "NUMBER": "a number",
    "STRING": 'a quoted text ("…")',
    "COMP_OP": "a comparison",
    "PLUS": "`+`",
    "MINUS": "`-`",
    "MUL_OP": "`*`",
    "$END": "the end of the file",
}
_OPERATORS = {"COMP_OP", "PLUS", "MINUS", "MUL_OP", "AND", "OR", "IMPLIES", "IN", "IS", "NOT"}


@lru_cache(maxsize=1)
def _lark() -> Lark:
    grammar = resources.files("dsl").joinpath("grammar.lark").read_text(encoding="utf-8")
    # cache=True: Lark keeps the LALR tables in the temp folder, keyed by the grammar's hash
    # and Lark's version (0.13 s -> 0.02 s per process; rebuilt if missing or unreadable)
    return Lark(
        grammar, parser="lalr", propagate_positions=True, maybe_placeholders=False, cache=True
    )


def _describe(terminal: str) -> str:
    if terminal in _WORDS:
        return _WORDS[terminal]
    for t in _lark().terminals:
        if t.name == terminal and t.pattern.type == "str":
            return f"`{t.pattern.value}`"
    return terminal.lower()


def _expected_words(expected: set[str]) -> str:
    has_ops = bool(expected & _OPERATORS) and len(expected) > 4
    names = sorted(_describe(t) for t in expected if not (has_ops and t in _OPERATORS))
    if has_ops:
        names.append("an operator")
    if not names:
        return "something else"
    if len(names) == 1:
        return names[0]
    return ", ".join(names[:-1]) + " or " + names[-1]


def _last_keyword(text: str, pos: int) -> str | None:
    """The nearest rule-clause keyword before `pos` (to say 'after the guard')."""
    found = None
    for m in re.finditer(r"\b(when|then|by|kind|cites|duty|rule|property)\b", text[:pos]):
        found = m.group(1)
    return found


def _token_words(tok: Token) -> str:
    if tok.type == "$END":
        return "the end of the file"
    if tok.type == "NAME":
        return f"name `{tok}`"
    if tok.type == "NUMBER":
        return f"number `{tok}`"
    if tok.type == "STRING":
        return "a quoted text"
    return f"`{tok}`"


def _token_span(path: str, tok: Token) -> Span:
    line, col = int(tok.line or 1), int(tok.column or 1)
    return Span(path, line, col, int(tok.end_line or line), int(tok.end_column or col + 1))


def _syntax_diagnostic(exc: LarkError, source: SourceFile, text: str) -> Diagnostic:
    """`text` is what was parsed: the source itself, or (after recovery) the source with the
    lines before the resume point blanked, so positions in `exc` index into `text`."""
    path = source.path
    if isinstance(exc, UnexpectedCharacters):
        pos = exc.pos_in_stream or 0
        ch = text[pos] if pos < len(text) else "?"
        shown = ch if ch.isprintable() else f"U+{ord(ch):04X}"
        span = Span(path, exc.line, exc.column, exc.line, exc.column + 1)
        return error(
            "E001",
            f"unexpected character `{shown}`",
            span,
            "not part of the language",
            help=f"expected {_expected_words(set(exc.allowed or ()))}" if exc.allowed else "",
        )
    if isinstance(exc, UnexpectedToken | UnexpectedEOF):
        tok = exc.token
        expected = set(exc.expected) if isinstance(exc, UnexpectedToken) else set()
        if tok.type == "$END" or isinstance(exc, UnexpectedEOF):
            span = source.end_span()
            return error(
                "E002",
                "unexpected end of the file",
                span,
                "the file ends here",
                help=f"expected {_expected_words(expected)}; is a `}}` or `)` missing?",
            )
        history = getattr(exc, "token_history", None) or []
        if expected == {"BIND"} and history:  # `rul decide {`: a name where a declaration starts
            prev = history[-1]
            close = closest(str(prev), [*TOP_LEVEL, "allow"])
            return error(
                "E001",
                f"unexpected name `{prev}`",
                _token_span(path, prev),
                "expected a declaration",
                help=f"did you mean `{close}`?"
                if close
                else (
                    "a line starts with a keyword (`rule`, `var`, …), or `LIBRARY bind NAME = NAME`"
                ),
            )
        span = _token_span(path, tok)
        message = f"unexpected {_token_words(tok)}"
        label = f"expected {_expected_words(expected)}"
        pos = tok.start_pos or 0
        if str(tok) == "=" and "COMP_OP" in expected:
            label = "use `==` to compare; `:=` assigns a new value (after `then`)"
        elif "THEN" in expected and _last_keyword(text, pos) == "when":
            label = "expected `then` after the guard"
        elif "COLON_EQ" in expected or ":=" in (_describe(t) for t in expected):
            label = "expected `:=` in an assignment"
        return error("E001", message, span, label)
    return error("E001", f"syntax error: {exc}", Span(path, 1, 1, 1, 2))


# What counts for the nesting depth, outside block comments: a string (to its closing quote or
# the end of the line; its brackets do not count), a line comment, the start of a block comment,
# a bracket. Scanned by one regular expression per line, not character by character.
_NESTING_TOKEN = re.compile(r'"(?:\\.|[^"\\])*"?|//|/\*|[()\[\]{}]')


def _nesting_diagnostic(source: SourceFile) -> Diagnostic | None:
    depth = 0
    in_block = False  # inside /* … */; brackets in comments and strings do not count
    for lineno, line in enumerate(source.lines, start=1):
        i = 0
        while i < len(line):
            if in_block:
                close = line.find("*/", i)
                if close < 0:
                    break
                in_block, i = False, close + 2
                continue
            found = _NESTING_TOKEN.search(line, i)
            if found is None:
                break
            token, i = found.group(), found.end()
            if token == "//":
                break
            if token == "/*":
                in_block = True
            elif token in "([{":
                depth += 1
                if depth > MAX_NESTING:
                    col = found.start() + 1
                    return error(
                        "E004",
                        f"brackets nested more than {MAX_NESTING} deep",
                        Span(source.path, lineno, col, lineno, col + 1),
                        "too deep",
                        help="split the expression into named properties or constants",
                    )
            elif token in ")]}":
                depth = max(0, depth - 1)
    return None


def _blank_before(text: str, line: int) -> str:
    """The text with lines before `line` blanked and a neutral header just before it."""
    lines = text.split("\n")
    kept = ["" for _ in range(line - 1)] + lines[line - 1 :]
    if line >= 2:
        kept[line - 2] = "library recovery"
    else:
        kept.insert(0, "library recovery")  # only when resuming at line 1 (never in practice)
    return "\n".join(kept)


def _resume_line(source: SourceFile, after_line: int) -> int | None:
    for n in range(after_line + 1, len(source.lines) + 1):
        if _RESUME.match(source.line(n)) and not source.line(n).startswith(
            ("procedure", "library")
        ):
            return n
    return None


_PARSED: dict[tuple[str, str], tuple[ast.Module | None, tuple[Diagnostic, ...]]] = {}
_PARSED_MAX = 256


def parse(source: SourceFile) -> tuple[ast.Module | None, list[Diagnostic]]:
    """Parse one file; on error, report it and every later independent syntax error.

    The result is frozen, so the same text at the same path is parsed once per process: a
    folder's cases all import the principles, and a report reads every file several times."""
    key = (source.path, source.text)
    hit = _PARSED.get(key)
    if hit is None:
        if len(_PARSED) >= _PARSED_MAX:
            _PARSED.clear()
        module, diags = _parse(source)
        hit = _PARSED[key] = (module, tuple(diags))
    return hit[0], list(hit[1])


def _parse(source: SourceFile) -> tuple[ast.Module | None, list[Diagnostic]]:
    nesting = _nesting_diagnostic(source)
    if nesting is not None:
        return None, [nesting]
    diags: list[Diagnostic] = []
    text = source.text
    tree: Tree | None = None  # type: ignore[type-arg]
    while len(diags) < MAX_ERRORS:
        try:
            parsed = _lark().parse(text)
        except LarkError as exc:
            diag = _syntax_diagnostic(exc, source, text)
            diags.append(diag)
            if diag.code == "E002":
                break
            resume = _resume_line(source, diag.span.line)
            if resume is None:
                break
            text = _blank_before(source.text, resume)
            continue
        if not diags:
            tree = parsed
        break
    if diags or tree is None:
        return None, diags
    depth, where = tree_depth(tree)
    if depth > MAX_TREE_DEPTH:
        return None, [
            error(
                "E004",
                f"expression nested more than {MAX_TREE_DEPTH} levels deep",
                Span(source.path, where[0], where[1], where[0], where[1] + 1),
                help="split the expression into smaller properties or constants",
            )
        ]
    for tok in tree.scan_values(lambda v: isinstance(v, Token) and v.type == "NUMBER"):
        if len(tok) > MAX_DIGITS:
            span = Span(
                source.path, tok.line or 1, tok.column or 1, tok.line or 1, (tok.column or 1) + 1
            )
            return None, [
                error("E001", f"a number with more than {MAX_DIGITS} digits", span, "too long")
            ]
    return build_module(tree, source), []
