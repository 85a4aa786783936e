"""Read a rule set as it stood at a git revision: `REV:path` (`HEAD~1:cases/prc/current.rev`).

Input: an argument of `revcheck diff`. Output: a local path to check. A plain path that exists
is used as it is; `REV:path` is extracted with `git archive REV | tar -x` into a temporary
folder that mirrors the repository, so that relative `extends`, `import` and `spec/` folders
resolve as they did at that revision. As in git, `path` is relative to the repository's root
unless it starts with `./` or `../` (then it is relative to the working directory).

Raises `RevisionError` (bad input: exit 2) when git is missing, the working directory is not in
a repository, the revision is unknown, or the file does not exist at that revision.
"""

from __future__ import annotations

import os
import posixpath
import shutil
import subprocess
import tarfile
import tempfile
from collections.abc import Iterator
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass
from pathlib import Path


class RevisionError(Exception):
    """A `REV:path` argument that cannot be read; the message is for the user."""


@dataclass(frozen=True, slots=True)
class Version:
    """One side of a diff: what the user wrote, the file to check, and how to show its paths."""

    label: str  # as given on the command line
    path: str  # a readable local file (inside `root` for a revision)
    root: str | None = None  # the temporary checkout of a revision; None for a plain file
    revision: str | None = None
    repo_path: str | None = None  # the file's path inside the repository, for a revision

    def display(self, path: str) -> str:
        """A span's path as the user should see it: `REV:repo/path` inside a checkout."""
        if self.root is None or self.revision is None:
            return path
        try:
            rel = os.path.relpath(os.path.abspath(path), self.root)
        except ValueError:
            return path
        if rel.startswith(".."):
            return path  # a bundled library or a file outside the checkout
        return f"{self.revision}:{Path(rel).as_posix()}"

    def repo_path_of(self, path: str) -> str:
        """A span's path as a path in the working tree (for SARIF URIs): a file of the checkout
        (or its `REV:path` display form) becomes its path relative to the repository root."""
        if self.root is None or self.revision is None:
            return path
        if path.startswith(self.revision + ":"):
            return path[len(self.revision) + 1 :]
        shown = self.display(path)
        return shown[len(self.revision) + 1 :] if shown.startswith(self.revision + ":") else path

    def redact(self, text: str) -> str:
        """`text` with the checkout's folder written as `REV:` (for provenance strings)."""
        if self.root is None or self.revision is None:
            return text
        for prefix in (os.path.relpath(self.root), self.root):
            text = text.replace(prefix.rstrip(os.sep) + os.sep, f"{self.revision}:")
        return text


def is_revision_spec(arg: str) -> bool:
    """`REV:path` where no such local file exists (a Windows drive letter is a path)."""
    if os.path.exists(arg) or ":" not in arg:
        return False
    rev, _, path = arg.partition(":")
    return bool(rev) and bool(path) and not (len(rev) == 1 and rev.isalpha() and path[:1] in "\\/")


def _git(args: list[str], cwd: str | None = None) -> subprocess.CompletedProcess[bytes]:
    try:
        return subprocess.run(["git", *args], cwd=cwd, capture_output=True, check=False)
    except FileNotFoundError as exc:
        raise RevisionError("git is not installed, so a REV:path argument cannot be read") from exc


def _first_line(data: bytes) -> str:
    text = data.decode("utf-8", "replace").strip()
    return text.splitlines()[0] if text else "git failed"


@contextmanager
def checkout(arg: str) -> Iterator[Version]:
    """The file named by `arg` (a path, or `REV:path`), available while the context is open."""
    if not is_revision_spec(arg):
        yield Version(arg, arg)
        return
    rev, _, path = arg.partition(":")
    top = _git(["rev-parse", "--show-toplevel"])
    if top.returncode != 0:
        raise RevisionError(
            f"cannot read {arg}: the working directory is not inside a git repository"
        )
    root = top.stdout.decode().strip()
    if path.startswith(("./", "../")):
        prefix = _git(["rev-parse", "--show-prefix"]).stdout.decode().strip()
        path = posixpath.normpath(posixpath.join(prefix, path))
    if _git(["rev-parse", "--verify", "--quiet", f"{rev}^{{commit}}"], cwd=root).returncode != 0:
        raise RevisionError(f"cannot read {arg}: unknown revision '{rev}'")
    if _git(["cat-file", "-e", f"{rev}:{path}"], cwd=root).returncode != 0:
        raise RevisionError(f"cannot read {arg}: '{path}' does not exist at revision '{rev}'")
    with ExitStack() as stack:
        tmp = tempfile.mkdtemp(prefix="revcheck-rev-")
        stack.callback(shutil.rmtree, tmp, ignore_errors=True)
        archive = os.path.join(tmp, "tree.tar")
        with open(archive, "wb") as out:
            done = subprocess.run(
                ["git", "archive", "--format=tar", rev],
                cwd=root,
                stdout=out,
                stderr=subprocess.PIPE,
                check=False,
            )
        if done.returncode != 0:
            raise RevisionError(f"cannot read {arg}: {_first_line(done.stderr)}")
        tree = os.path.join(tmp, "tree")
        with tarfile.open(archive) as tar:
            tar.extractall(tree, filter="data")
        os.unlink(archive)
        local = os.path.join(tree, *path.split("/"))
        yield Version(arg, local, root=tree, revision=rev, repo_path=path)
