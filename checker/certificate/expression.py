"""An expression written in the language, read back in the context of a case.

A certificate carries its inductive invariant as text (`checker.core.show_expr`), so that a
reader can check it by eye and the verifier reads exactly what is written, not a structure the
engine left behind. The text is compiled as a property appended to the case's own source, so
every name resolves as in the case.
"""

from __future__ import annotations

import os
import tempfile

from dsl import ast
from dsl.frontend import FrontendResult, compile_file
from dsl.model import Expr, Invariant, Model
from dsl.parser import parse
from dsl.source import SourceFile

PROPERTY = "certificate_invariant"


class NotAnExpression(Exception):
    """The text is not an expression of the case (a syntax or name error)."""


def _one_expression(text: str) -> None:
    """`text` is one expression and nothing else: braces may stand in it (`x in {a, b}`), but
    the text must not close the property it is put in and declare more (`true } rule r {`)."""
    if "\n" in text or "//" in text or "/*" in text:
        raise NotAnExpression("an invariant is one line without comments")
    alone = f"procedure certificate\nproperty {PROPERTY} {{ always {text} }}\n"
    module, diags = parse(SourceFile("<certificate>", alone))
    if (
        module is None
        or any(d.is_error for d in diags)
        or [type(d) for d in module.decls] != [ast.PropertyDecl]
    ):
        raise NotAnExpression("an invariant is one expression of the language, on one line")


def read_expression(case_path: str, text: str) -> Expr:
    """The checked-model form of `text` as a state predicate of the case at `case_path`."""
    _one_expression(text)
    front = _compile_with(case_path, [text])
    if front.model is None:
        first = next((d for d in front.diagnostics if d.is_error), None)
        raise NotAnExpression(first.message if first else "does not compile")
    found = _predicate(front.model, 0)
    if found is None:
        raise NotAnExpression("not a state predicate")
    return found


class ExpressionReader:
    """`read_expression` for many texts of one case: the case is compiled once with all of
    them (a certificate carries one invariant per proved property). If that compile fails,
    each text is read alone, so that the error is the one that text alone gives."""

    def __init__(self, case_path: str, texts: list[str]) -> None:
        self.case_path = case_path
        self._read: dict[str, Expr] = {}
        wanted = list(dict.fromkeys(t for t in texts if _is_one_expression(t)))
        if wanted:
            front = _compile_with(case_path, wanted)
            if front.model is not None:
                for i, text in enumerate(wanted):
                    if (found := _predicate(front.model, i)) is not None:
                        self._read[text] = found

    def read(self, text: str) -> Expr:
        found = self._read.get(text)
        return read_expression(self.case_path, text) if found is None else found


def _predicate(model: Model, i: int) -> Expr | None:
    """The state predicate of the `i`-th appended property, None if it is not one."""
    prop = model.property(f"{PROPERTY}_{i}")
    return prop.form.predicate if prop is not None and isinstance(prop.form, Invariant) else None


def _is_one_expression(text: str) -> bool:
    try:
        _one_expression(text)
    except NotAnExpression:
        return False
    return True


def _compile_with(case_path: str, texts: list[str]) -> FrontendResult:
    """The case with `property certificate_invariant_I { always TEXT_I }` appended."""
    with open(case_path, encoding="utf-8") as f:
        source = f.read()
    for i, text in enumerate(texts):
        source += f"\nproperty {PROPERTY}_{i} {{ always {text} }}\n"
    # beside the case, so that its imports resolve; hidden and not `.rev`, so that no folder
    # listing of cases picks it up meanwhile
    folder = os.path.dirname(case_path) or "."
    with tempfile.NamedTemporaryFile(
        "w",
        dir=folder,
        prefix=".revcheck-certificate-",
        suffix=".tmp",
        delete=False,
        encoding="utf-8",
    ) as f:
        f.write(source)
        tmp = f.name
    try:
        return compile_file(tmp)
    finally:
        os.unlink(tmp)
