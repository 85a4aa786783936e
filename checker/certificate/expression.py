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
from dsl.frontend import compile_file
from dsl.model import Expr, Invariant
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
    with open(case_path, encoding="utf-8") as f:
        source = f.read()
    source += f"\nproperty {PROPERTY} {{ always {text} }}\n"
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
        front = compile_file(tmp)
    finally:
        os.unlink(tmp)
    if front.model is None:
        first = next((d for d in front.diagnostics if d.is_error), None)
        raise NotAnExpression(first.message if first else "does not compile")
    prop = front.model.property(PROPERTY)
    if prop is None or not isinstance(prop.form, Invariant):
        raise NotAnExpression("not a state predicate")
    return prop.form.predicate
