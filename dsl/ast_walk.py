"""Walking the AST without recursion (hostile input may nest deeply) and reading spans."""

from __future__ import annotations

from dataclasses import fields, is_dataclass

from dsl import ast
from dsl.source import Span


def nodes_in(e: object) -> list[object]:
    """Every AST node below `e`, without recursion."""
    out: list[object] = []
    stack = [e]
    while stack:
        node = stack.pop()
        if isinstance(node, tuple):
            stack.extend(node)
        elif is_dataclass(node) and not isinstance(node, Span):
            out.append(node)
            stack.extend(getattr(node, f.name) for f in fields(node))
    return out


def names_in(e: object) -> list[ast.Name]:
    """Every `Name` in an expression, including indexed map names, without recursion."""
    out: list[ast.Name] = []
    stack = [e]
    while stack:
        node = stack.pop()
        if isinstance(node, ast.Name):
            out.append(node)
        elif isinstance(node, tuple):
            stack.extend(node)
        elif is_dataclass(node) and not isinstance(node, Span):
            stack.extend(getattr(node, f.name) for f in fields(node))
    return out


def span_of(e: object) -> Span:
    """The span of any AST node (every node has one)."""
    span: Span = getattr(e, "span")  # noqa: B009
    return span
