"""The engine interface: every engine checks a model into a `ModelResult`.

Engines register by name in `engines`; the CLI picks one with `CheckOptions.engine`. The
explicit and symbolic engines never import each other, only this module.
"""

from __future__ import annotations

from typing import Protocol

from checker import explicit
from checker.result import CheckOptions, ModelResult
from dsl.model import Model


class Engine(Protocol):
    name: str

    def check(self, model: Model, options: CheckOptions) -> ModelResult: ...


class ExplicitEngine:
    """Breadth-first search over compiled step functions; finite models only
    (raises `checker.compile.UnboundedModel` otherwise)."""

    name = "explicit"

    def check(self, model: Model, options: CheckOptions) -> ModelResult:
        return explicit.check(model, options)


engines: dict[str, Engine] = {}


def register(engine: Engine) -> None:
    engines[engine.name] = engine


register(ExplicitEngine())
