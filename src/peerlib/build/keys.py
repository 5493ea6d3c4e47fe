"""Cache keys: what a run's output depends on, hashed.

A run's key covers its notebook (outputs stripped), parameters, the corpus files it reads,
every file of the peerlib package, and the Python version and the versions of every package
peerlib requires (read from its installed metadata). Nothing here imports pandas or Jupyter.
"""

from __future__ import annotations

import hashlib
import json
import re
import sys
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import Any

from .. import corpus_files

__all__ = [
    "Hasher",
    "digest",
    "environment_digest",
    "match_inputs",
    "notebook_digest",
    "requirements",
    "tree_digest",
]

_GLOB = re.compile(r"[*?\[]")
_REQUIREMENT = re.compile(r"[A-Za-z0-9][A-Za-z0-9._-]*")
#: Cell metadata that records how a notebook was last run or shown, not what it does.
_VOLATILE_CELL_METADATA = frozenset(
    {
        "collapsed",
        "deletable",
        "editable",
        "execution",
        "ExecuteTime",
        "jupyter",
        "papermill",
        "scrolled",
        "trusted",
        "vscode",
    }
)


class Hasher:
    """sha256 of files, each read once per build."""

    def __init__(self) -> None:
        self._done: dict[Path, str] = {}

    def file(self, path: Path) -> str:
        """The hash of one of the build's own files (package, notebook, artifact)."""
        digest = self._done.get(path)
        if digest is None:
            digest = hashlib.sha256(path.read_bytes()).hexdigest()
            self._done[path] = digest
        return digest

    def corpus_file(self, path: Path) -> str:
        """The hash of a corpus file, read as the loader reads it: a FIFO, a device or an
        oversized file under a corpus file's name is refused (:class:`ValueError`, one line)
        rather than read forever."""
        digest = self._done.get(path)
        if digest is None:
            from .._yaml import YamlError, read_bytes

            try:
                digest = hashlib.sha256(read_bytes(path)).hexdigest()
            except YamlError as error:
                raise ValueError(f"{path}: {error.message}") from None
            self._done[path] = digest
        return digest


def digest(value: Any) -> str:
    """sha256 of a JSON value in canonical form."""
    text = json.dumps(value, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def match_inputs(data: Path, patterns: Iterable[str]) -> list[str]:
    """The corpus files (posix paths relative to ``data``) the patterns match, sorted; no
    patterns: every file of the corpus (:func:`peerlib.corpus_files.corpus_files`).

    Raises :class:`ValueError` naming a pattern that matches no file: a typo there would
    otherwise silently drop the file from the key.
    """
    patterns = list(patterns)
    if not patterns:
        return sorted(p.relative_to(data).as_posix() for p in corpus_files.corpus_files(data))
    found: set[str] = set()
    for pattern in patterns:
        if _GLOB.search(pattern):
            hits = {p.relative_to(data).as_posix() for p in data.glob(pattern) if p.is_file()}
        else:
            hits = {pattern} if (data / pattern).is_file() else set()
        if not hits:
            raise ValueError(f"input {pattern!r} matches no file in {data}")
        found |= hits
    return sorted(found)


#: Package data a run's key covers on its own terms: its notebook (``notebook_sha256``) and
#: its entry in the build file; a change to another notebook does not rebuild it.
KEYED_APART = frozenset({"notebooks", "figures.toml"})


def tree_digest(root: Path, hasher: Hasher) -> str:
    """One hash over every file under ``root`` (relative path and content): code, fonts and
    any other package data; caches, hidden files (editor swap files...) and the notebooks and
    build file (:data:`KEYED_APART`) excluded."""
    files = {}
    for path in root.rglob("*"):
        rel = path.relative_to(root)
        if (
            path.is_file()
            and rel.parts[0] not in KEYED_APART
            and "__pycache__" not in rel.parts
            and not any(part.startswith(".") for part in rel.parts)
            and path.suffix not in {".pyc", ".pyo"}
        ):
            files[rel.as_posix()] = hasher.file(path)
    return digest(files)


def requirements(distribution: str = "peerlib") -> list[str]:
    """Every installed distribution ``distribution`` needs, transitively, by normalised name.

    Read from the installed metadata (``Requires-Dist`` without extras), so a package that
    draws a figure or writes a table is never left out of the key: pandas' tabulate and jinja2
    as much as vl-convert.

    >>> {"altair", "jinja2", "tabulate", "vl-convert-python", "numpy"} <= set(requirements())
    True
    """
    from importlib import metadata

    seen: set[str] = set()
    todo = [distribution]
    while todo:
        name = todo.pop()
        try:
            requires = metadata.requires(name) or []
        except metadata.PackageNotFoundError:
            continue
        for spec in requires:
            match = _REQUIREMENT.match(spec)
            if match is None or "extra ==" in spec.partition(";")[2]:
                continue
            dep = _normalise(match.group(0))
            if dep not in seen:
                seen.add(dep)
                todo.append(dep)
    seen.discard(_normalise(distribution))
    return sorted(seen)


def _normalise(name: str) -> str:
    return re.sub(r"[-_.]+", "-", name).lower()


def environment_digest(versions: Mapping[str, str | None] | None = None) -> str:
    """A hash of the Python version and the version of every package peerlib runs on.

    ``versions`` (package -> version) stands in for the installed ones, for tests.
    """
    from importlib import metadata

    if versions is None:
        found: dict[str, str | None] = {}
        for package in requirements():
            try:
                found[package] = metadata.version(package)
            except metadata.PackageNotFoundError:
                found[package] = None
        versions = found
    return digest({"python": sys.version.split()[0], **dict(sorted(versions.items()))})


def notebook_digest(path: Path) -> tuple[str, bool]:
    """The hash of what a notebook does (outputs and run records stripped), and whether it has
    a cell tagged ``parameters``."""
    doc = json.loads(path.read_bytes())
    cells = []
    has_parameters = False
    for cell in doc.get("cells", []):
        metadata = {
            k: v for k, v in cell.get("metadata", {}).items() if k not in _VOLATILE_CELL_METADATA
        }
        has_parameters = has_parameters or "parameters" in metadata.get("tags", [])
        source = cell.get("source", "")
        cells.append(
            {
                "cell_type": cell.get("cell_type"),
                "source": "".join(source) if isinstance(source, list) else source,
                "metadata": metadata,
                "attachments": cell.get("attachments"),
            }
        )
    return digest(cells), has_parameters
