"""Module loading: files, `import` of libraries, and `extends` with amendments.

Input: a path. Output: a `Program` (the procedure's consolidated declarations and its
libraries) plus every `SourceFile` read, for rendering diagnostics. Emits E003, E103, E104,
E110, E111, E112, and the parser's syntax errors.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path

from dsl import ast
from dsl.amend import amend
from dsl.check_model import Program
from dsl.diagnostics import Diagnostic, error
from dsl.parser import parse
from dsl.provenance import Part, Provenance
from dsl.source import SourceError, SourceFile, Span, file_span, read_regular

MAX_FILE_BYTES = 5_000_000
# `dsl/spec` links to the repository's `spec/` and is installed with the package (package data)
BUNDLED_SPEC = Path(__file__).resolve().parent / "spec"


def read_source(path: str, span: Span | None = None) -> tuple[SourceFile | None, list[Diagnostic]]:
    """Read a file as UTF-8 text, or explain why not (missing, a directory, a FIFO or device,
    binary, too large); `span` is where the file was named (an import), else the file's 1:1."""
    where = span or file_span(path)
    try:
        data = read_regular(path, MAX_FILE_BYTES)
    except SourceError as exc:
        return None, [error("E110", str(exc), where)]
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        line_start = data.rfind(b"\n", 0, exc.start) + 1
        col = len(data[line_start : exc.start].decode("utf-8")) + 1  # characters, not bytes
        return None, [
            error(
                "E003",
                f"{path} is not UTF-8 text (byte 0x{data[exc.start]:02x})",
                Span(path, line, col, line, col + 1),
                help="save the file as UTF-8",
            )
        ]
    if text.startswith("\ufeff"):
        text = text[1:]
    if "\x00" in text:
        pos = text.index("\x00")
        line = text.count("\n", 0, pos) + 1
        col = pos - (text.rfind("\n", 0, pos) + 1) + 1
        return None, [
            error(
                "E003",
                f"{path} contains a NUL character: is it a binary file?",
                Span(path, line, col, line, col + 1),
            )
        ]
    return SourceFile(path, text), []


def find_library(name: str, importer: str) -> Path | None:
    """`import principles`: the importer's folder, then `spec/` in it and its ancestors,
    then REVCHECK_PATH, then the bundled `spec/`."""
    start = real_path(importer).parent
    candidates = [start / f"{name}.rev"]
    for folder in (start, *start.parents):
        candidates.append(folder / "spec" / f"{name}.rev")
    for entry in os.environ.get("REVCHECK_PATH", "").split(os.pathsep):
        if entry:
            candidates.append(Path(entry) / f"{name}.rev")
    candidates.append(BUNDLED_SPEC / f"{name}.rev")
    # os.path.isfile, not Path.is_file: a name too long for the system is "not there", no OSError
    return next((c for c in candidates if os.path.isfile(c)), None)


def real_path(path: str | Path) -> Path:
    """`path` with symbolic links resolved; never raises (a loop or an over-long name stays as
    written, and then is not found)."""
    return Path(os.path.realpath(path))


@dataclass(slots=True)
class Loader:
    files: dict[str, SourceFile] = field(default_factory=dict)
    diags: list[Diagnostic] = field(default_factory=list)
    libraries: dict[str, ast.Module] = field(default_factory=dict)  # resolved path -> module
    library_order: list[str] = field(default_factory=list)

    def parse_file(self, path: str, span: Span | None = None) -> ast.Module | None:
        source, diags = read_source(path, span)
        self.diags.extend(diags)
        if source is None:
            if (
                diags and diags[0].code == "E003"
            ):  # keep a lossy copy so the error can show the line
                try:
                    raw = read_regular(path, MAX_FILE_BYTES)
                    lossy = raw.decode("utf-8", "replace").replace("\x00", "\ufffd")
                    self.files[path] = SourceFile(path, lossy)
                except SourceError:
                    pass
            return None
        self.files[path] = source
        module, diags = parse(source)
        self.diags.extend(diags)
        return module

    def _display(self, target: Path) -> str:
        try:
            return os.path.relpath(target)
        except ValueError:
            return str(target)

    def load_imports(self, module: ast.Module, stack: tuple[str, ...]) -> None:
        for decl in module.decls:
            if not isinstance(decl, ast.Import):
                continue
            if decl.is_path:
                beside = real_path(module.path).parent / decl.target
                # an over-long or looping path: not found
                target: Path | None = beside if os.path.isfile(beside) else None
            else:
                target = find_library(decl.target, module.path)
            if target is None:
                self.diags.append(
                    error(
                        "E103",
                        f"cannot find the library '{decl.target}'",
                        decl.span,
                        "not found",
                        help=(
                            "looked beside this file, in spec/ folders above it, "
                            "and in REVCHECK_PATH"
                        ),
                    )
                )
                continue
            key = str(real_path(target))
            if key in stack:
                chain = " → ".join(Path(p).name for p in (*stack[stack.index(key) :], key))
                self.diags.append(
                    error(
                        "E104",
                        f"import cycle: '{decl.target}' imports this file again",
                        decl.span,
                        "closes the cycle",
                        help=f"the imports run {chain}",
                    )
                )
                continue
            if key in self.libraries:
                continue
            lib = self.parse_file(self._display(target), decl.span)
            if lib is None:
                continue
            if lib.kind != "library":
                self.diags.append(
                    error(
                        "E112",
                        f"'{decl.target}' is a procedure; only libraries can be imported",
                        decl.span,
                        help="use `extends` to amend a procedure",
                    )
                )
                continue
            self.load_imports(lib, (*stack, key))
            self.libraries[key] = lib
            self.library_order.append(key)

    def load(
        self, path: str, stack: tuple[str, ...] = (), span: Span | None = None
    ) -> tuple[ast.Module | None, dict[Part, Provenance]]:
        """Parse `path`, load its imports, and consolidate it with the law it `extends`
        (`span`: the `extends` line that named `path`, where a read error is reported)."""
        module = self.parse_file(path, span)
        if module is None:
            return None, {}
        key = str(real_path(path))
        self.load_imports(module, (*stack, key))
        extends = [d for d in module.decls if isinstance(d, ast.Extends)]
        if not extends:
            for d in module.decls:
                if isinstance(
                    d,
                    ast.Repeal
                    | ast.Amend
                    | ast.AmendVar
                    | ast.AmendProperty
                    | ast.AmendScenario
                    | ast.Insert,
                ):
                    self.diags.append(
                        error(
                            "E111",
                            "an amendment needs a law to amend",
                            d.span,
                            "this file has no `extends`",
                            help='add `extends "path/to/law.rev"` after the header',
                        )
                    )
            origins = {
                ("rule", d.name): Provenance.declared(module.path)
                for d in module.decls
                if isinstance(d, ast.RuleDecl)
            }
            return module, origins
        if len(extends) > 1:
            self.diags.append(error("E101", "a bill can extend only one law", extends[1].span))
        ext = extends[0]
        target = real_path(module.path).parent / ext.path
        if str(real_path(target)) in (*stack, key):
            self.diags.append(error("E104", f"`extends` cycle through '{ext.path}'", ext.span))
            return None, {}
        if not os.path.exists(target):  # over-long or looping paths are "not found" too
            shown = ext.path if len(ext.path) <= 200 else ext.path[:100] + "…"
            self.diags.append(error("E110", f"cannot find the law to amend: {shown}", ext.span))
            return None, {}
        base, origins = self.load(self._display(target), (*stack, key), ext.span)
        if base is None:
            return None, {}
        if base.kind != "procedure":
            self.diags.append(error("E112", "`extends` needs a procedure to amend", ext.span))
            return None, {}
        merged, origins, problems = amend(base, module, origins)
        self.diags += problems
        return merged, origins


def load_program(path: str) -> tuple[Program | None, dict[str, SourceFile], list[Diagnostic]]:
    loader = Loader()
    module, origins = loader.load(path)
    if module is None:
        return None, loader.files, loader.diags
    libs = tuple(loader.libraries[k] for k in loader.library_order)
    return Program(module, libs, origins), loader.files, loader.diags
