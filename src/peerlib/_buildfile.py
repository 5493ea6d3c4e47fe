"""The build file (``figures.toml``), its runs, their cache keys and the figures manifest.

Everything here is cheap on purpose: deciding that a run is up to date reads the build file,
hashes a few files and reads the manifest, and must not import papermill, Jupyter, Altair or
pandas (``peerlib build`` with nothing to do should answer in well under a second).
"""

from __future__ import annotations

import fnmatch
import hashlib
import json
import re
import sys
import tomllib
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path
from typing import Any

__all__ = [
    "BuildConfigError",
    "Figure",
    "Run",
    "default_corpus",
    "expand",
    "load_config",
    "load_manifest",
]

#: Bump when the build's own output format changes (notebook normalisation, manifest layout):
#: every run's key changes with it, so every run is rebuilt once.
BUILD_FORMAT = 1
CONFIG_NAME = "figures.toml"
MANIFEST_NAME = "manifest.json"
#: The parameters the build always injects; a figure may not set them.
INJECTED = ("data_dir", "out_dir")
#: ``each = ...`` values and the parameter each one sets.
EACH = ("study", "construct")
#: The corpus files a run reads when its figure names no ``inputs``.
DEFAULT_INPUTS = ("**/*.yaml",)
DEFAULT_TIMEOUT = 600.0
#: Installed packages whose version is part of every key: a new vl-convert or Altair can change
#: every SVG without any file of the repository changing.
ENVIRONMENT_PACKAGES = (
    "altair",
    "ipykernel",
    "networkx",
    "numpy",
    "pandas",
    "papermill",
    "pydantic",
    "pyyaml",
    "vl-convert-python",
)
_FIGURE_KEYS = frozenset({"name", "notebook", "each", "inputs", "parameters", "timeout"})
_NAME = re.compile(r"[A-Za-z0-9][A-Za-z0-9._-]*")
_GLOB = re.compile(r"[*?\[]")
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


class BuildConfigError(Exception):
    """A build file, corpus layout or command-line selection the build cannot work from."""


# ------------------------------------------------------------------------------- the build file


@dataclass(frozen=True)
class Figure:
    """One ``[[figure]]`` table of the build file."""

    name: str
    notebook: str
    each: str | None
    inputs: tuple[str, ...]
    parameters: Mapping[str, Any]
    timeout: float
    #: The table as written, for the cache key.
    entry: Mapping[str, Any]


@dataclass(frozen=True)
class Run:
    """One notebook x parameter set: what the build executes and caches as a unit."""

    name: str
    notebook: str
    parameters: Mapping[str, Any]
    inputs: tuple[str, ...]
    timeout: float
    figure: Figure = field(repr=False)


def load_config(path: Path) -> list[Figure]:
    """Read and check a build file; raise :class:`BuildConfigError` naming what is wrong."""
    try:
        with path.open("rb") as handle:
            doc = tomllib.load(handle)
    except FileNotFoundError:
        raise BuildConfigError(f"{path}: no such build file") from None
    except tomllib.TOMLDecodeError as error:
        raise BuildConfigError(f"{path}: {error}") from None
    unknown = sorted(set(doc) - {"figure"})
    if unknown:
        raise BuildConfigError(f"{path}: unknown top-level key(s) {', '.join(unknown)}")
    tables = doc.get("figure", [])
    if not isinstance(tables, list):
        raise BuildConfigError(f"{path}: 'figure' must be an array of tables ([[figure]])")
    return [_figure(path, i, table) for i, table in enumerate(tables)]


def _figure(path: Path, index: int, table: Any) -> Figure:
    where = f"{path}: figure[{index}]"

    def fail(message: str) -> BuildConfigError:
        return BuildConfigError(f"{where}: {message}")

    if not isinstance(table, dict):
        raise fail("must be a table")
    unknown = sorted(set(table) - _FIGURE_KEYS)
    if unknown:
        raise fail(
            f"unknown key(s) {', '.join(unknown)}; allowed: {', '.join(sorted(_FIGURE_KEYS))}"
        )
    for key in ("name", "notebook"):
        if not isinstance(table.get(key), str) or not table[key]:
            raise fail(f"'{key}' is required and must be a string")
    name, notebook = str(table["name"]), str(table["notebook"])
    where = f"{path}: figure {name!r}"
    each = table.get("each")
    if each is not None and each not in EACH:
        raise fail(f"'each' must be one of {', '.join(EACH)} (or left out), not {each!r}")
    if each is not None and "{" + each + "}" not in name:
        raise fail(f"'name' must contain {{{each}}} so that each run has its own name")
    inputs = table.get("inputs", list(DEFAULT_INPUTS))
    if not isinstance(inputs, list) or not inputs or not all(isinstance(i, str) for i in inputs):
        raise fail("'inputs' must be a non-empty list of glob patterns (strings)")
    parameters = table.get("parameters", {})
    if not isinstance(parameters, dict):
        raise fail("'parameters' must be a table")
    for key, value in parameters.items():
        if key in INJECTED or key == each:
            raise fail(f"parameter {key!r} is set by the build; remove it from 'parameters'")
        if not _plain(value):
            raise fail(f"parameter {key!r}: only strings, numbers, booleans, arrays and tables")
    timeout = table.get("timeout", DEFAULT_TIMEOUT)
    if isinstance(timeout, bool) or not isinstance(timeout, int | float) or timeout <= 0:
        raise fail("'timeout' must be a positive number of seconds")
    return Figure(
        name=name,
        notebook=notebook,
        each=each,
        inputs=tuple(inputs),
        parameters=dict(parameters),
        timeout=float(timeout),
        entry=table,
    )


def _plain(value: Any) -> bool:
    if isinstance(value, str | bool | int | float):
        return True
    if isinstance(value, list):
        return all(_plain(v) for v in value)
    if isinstance(value, dict):
        return all(isinstance(k, str) and _plain(v) for k, v in value.items())
    return False


# ------------------------------------------------------------------------------------- runs


def default_corpus() -> Path:
    """The bundled review, resolved as :func:`peerlib.loading.corpus_root` does.

    Repeated here because :mod:`peerlib.loading` imports pandas, which the up-to-date check
    must not pay for (a test keeps the two in step).
    """
    checkout = Path(__file__).resolve().parents[2] / "data"
    if (checkout / "studies").is_dir():
        return checkout
    return Path(str(resources.files("peerlib") / "_bundled_data"))


def study_ids(data: Path) -> list[str]:
    """The stems of ``<data>/studies/*.yaml``, sorted."""
    return sorted(p.stem for p in (data / "studies").glob("*.yaml") if p.is_file())


def construct_ids(data: Path) -> list[str]:
    """The construct ids of ``<data>/synthesis.yaml``, in file order (read without validating)."""
    import yaml

    path = data / "synthesis.yaml"
    loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
    try:
        doc = yaml.load(path.read_bytes(), Loader=loader)
    except (OSError, yaml.YAMLError) as error:
        raise BuildConfigError(f"{path}: cannot read the construct ids: {error}") from None
    constructs = doc.get("constructs") if isinstance(doc, dict) else None
    if not isinstance(constructs, list):
        raise BuildConfigError(f"{path}: no 'constructs' list")
    ids = [c.get("id") for c in constructs if isinstance(c, dict)]
    if not all(isinstance(i, str) for i in ids):
        raise BuildConfigError(f"{path}: a construct without a string 'id'")
    return [str(i) for i in ids]


def expand(figures: Sequence[Figure], data: Path) -> list[Run]:
    """One :class:`Run` per figure and study / construct id, in build-file order."""
    ids: dict[str, list[str]] = {}
    runs: list[Run] = []
    seen: dict[str, str] = {}
    for figure in figures:
        if figure.each is None:
            values: list[dict[str, str]] = [{}]
        else:
            if figure.each not in ids:
                ids[figure.each] = (
                    study_ids(data) if figure.each == "study" else construct_ids(data)
                )
            values = [{figure.each: value} for value in ids[figure.each]]
        for value in values:
            name = figure.name.format_map(value)
            if not _NAME.fullmatch(name) or name == MANIFEST_NAME:
                raise BuildConfigError(
                    f"figure {figure.name!r}: run name {name!r} must be letters, digits, '.', "
                    "'_' or '-' (it becomes a folder name)"
                )
            if name in seen:
                raise BuildConfigError(
                    f"run name {name!r} is made by both {seen[name]!r} and {figure.name!r}"
                )
            seen[name] = figure.name
            runs.append(
                Run(
                    name=name,
                    notebook=figure.notebook,
                    parameters={**value, **figure.parameters},
                    inputs=tuple(p.format_map(value) for p in figure.inputs),
                    timeout=figure.timeout,
                    figure=figure,
                )
            )
    return runs


def select(runs: Sequence[Run], patterns: Sequence[str]) -> list[Run]:
    """The runs whose name matches any of the glob ``patterns`` (all runs if none given)."""
    if not patterns:
        return list(runs)
    for pattern in patterns:
        if not any(fnmatch.fnmatchcase(r.name, pattern) for r in runs):
            names = ", ".join(r.name for r in runs) or "(none)"
            raise BuildConfigError(f"--only {pattern!r} matches no run; runs: {names}")
    return [r for r in runs if any(fnmatch.fnmatchcase(r.name, p) for p in patterns)]


# ----------------------------------------------------------------------------------- hashing


class Hasher:
    """sha256 of files, each read once per build."""

    def __init__(self) -> None:
        self._done: dict[Path, str] = {}

    def file(self, path: Path) -> str:
        digest = self._done.get(path)
        if digest is None:
            digest = hashlib.sha256(path.read_bytes()).hexdigest()
            self._done[path] = digest
        return digest


def digest(value: Any) -> str:
    """sha256 of a JSON value in canonical form."""
    text = json.dumps(value, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def match_inputs(data: Path, patterns: Iterable[str]) -> list[str]:
    """The corpus files (posix paths relative to ``data``) the patterns match, sorted.

    Raises :class:`ValueError` naming a pattern that matches no file: a typo there would
    otherwise silently drop the file from the key.
    """
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


def tree_digest(root: Path, hasher: Hasher) -> str:
    """One hash over every file under ``root`` (relative path and content): code, fonts and
    any other package data; caches and hidden files (editor swap files...) excluded."""
    files = {}
    for path in root.rglob("*"):
        rel = path.relative_to(root)
        if (
            path.is_file()
            and "__pycache__" not in rel.parts
            and not any(part.startswith(".") for part in rel.parts)
            and path.suffix not in {".pyc", ".pyo"}
        ):
            files[rel.as_posix()] = hasher.file(path)
    return digest(files)


def environment_digest() -> str:
    """A hash of the Python version and of the versions of :data:`ENVIRONMENT_PACKAGES`."""
    from importlib import metadata

    versions: dict[str, str | None] = {"python": sys.version.split()[0]}
    for package in ENVIRONMENT_PACKAGES:
        try:
            versions[package] = metadata.version(package)
        except metadata.PackageNotFoundError:
            versions[package] = None
    return digest(versions)


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


# ---------------------------------------------------------------------------------- manifest


def load_manifest(path: Path) -> dict[str, Any]:
    """The manifest at ``path``; an empty one when missing or unreadable (all runs rebuild)."""
    try:
        doc = json.loads(path.read_bytes())
    except FileNotFoundError:
        return empty_manifest()
    except (OSError, ValueError):
        print(f"warning: {path} is unreadable; every run will be rebuilt", file=sys.stderr)
        return empty_manifest()
    if not isinstance(doc.get("artifacts"), dict) or not isinstance(doc.get("runs"), dict):
        return empty_manifest()
    return dict(doc)


def empty_manifest() -> dict[str, Any]:
    return {"artifacts": {}, "runs": {}}


def dump_manifest(manifest: Mapping[str, Any]) -> str:
    """The manifest as committed: sorted keys, two-space indent, trailing newline."""
    return json.dumps(manifest, sort_keys=True, indent=2, ensure_ascii=False) + "\n"


def relative_display(path: Path, root: Path, placeholder: str) -> str:
    """``path`` relative to ``root`` when inside it, else ``placeholder``: never absolute."""
    try:
        return path.resolve().relative_to(root.resolve()).as_posix() or "."
    except ValueError:
        return placeholder
