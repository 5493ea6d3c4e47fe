"""The build file (``figures.toml``): its figures, and the runs they expand to.

Cheap on purpose, like the rest of the up-to-date check: it reads TOML and the corpus folder's
file names, and never imports papermill, Jupyter, Altair or pandas.
"""

from __future__ import annotations

import fnmatch
import re
import tomllib
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from .. import corpus_files

__all__ = [
    "CONFIG_NAME",
    "EACH",
    "INJECTED",
    "BuildConfigError",
    "Figure",
    "Run",
    "expand",
    "load_config",
    "select",
]

CONFIG_NAME = "figures.toml"
#: The parameters the build always injects; a figure may not set them.
INJECTED = ("data_dir", "out_dir")
#: ``each = ...`` values and the parameter each one sets.
EACH = ("study", "construct")
#: In ``inputs``: the file of the run's study, whatever its suffix (``.yaml`` or ``.yml``).
STUDY_FILE = "{study_file}"
#: In ``inputs``: what a run about one construct reads: the synthesis file, the review file
#: (if any) and the files of the studies the construct maps; an edit to any other study does
#: not rebuild it.
CONSTRUCT_FILES = "{construct_files}"
DEFAULT_TIMEOUT = 600.0
#: A run name becomes a folder name: no separators, and not the manifest's own name.
RESERVED_NAMES = frozenset({"manifest.json"})
_FIGURE_KEYS = frozenset({"name", "notebook", "each", "inputs", "parameters", "timeout"})
_NAME = re.compile(r"[A-Za-z0-9][A-Za-z0-9._-]*")


class BuildConfigError(Exception):
    """A build file, corpus layout or command-line selection the build cannot work from."""


# ------------------------------------------------------------------------------- the build file


@dataclass(frozen=True)
class Figure:
    """One ``[[figure]]`` table of the build file."""

    name: str
    notebook: str
    each: str | None
    #: Glob patterns relative to the corpus folder; empty: the whole corpus.
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
    inputs = table.get("inputs", [])
    if "inputs" in table and (
        not isinstance(inputs, list) or not inputs or not all(isinstance(i, str) for i in inputs)
    ):
        raise fail("'inputs' must be a non-empty list of glob patterns (strings)")
    if STUDY_FILE in "".join(inputs) and each != "study":
        raise fail(f"{STUDY_FILE} in 'inputs' needs each = \"study\"")
    if any(CONSTRUCT_FILES in i and i != CONSTRUCT_FILES for i in inputs):
        raise fail(f"{CONSTRUCT_FILES} must be an input of its own, not part of a pattern")
    if CONSTRUCT_FILES in inputs and each != "construct":
        raise fail(f"{CONSTRUCT_FILES} in 'inputs' needs each = \"construct\"")
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


def expand(figures: Sequence[Figure], data: Path) -> list[Run]:
    """One :class:`Run` per figure and study / construct id, in build-file order."""
    ids: dict[str, list[str]] = {}
    mapped: dict[str, list[str]] = {}
    files = _StudyFiles(data)
    runs: list[Run] = []
    seen: dict[str, str] = {}
    for figure in figures:
        if figure.each is None:
            values: list[dict[str, str]] = [{}]
        else:
            if figure.each not in ids:
                ids[figure.each], found = _ids(figure.each, data)
                mapped.update(found)
            values = [{figure.each: value} for value in ids[figure.each]]
        for value in values:
            name = figure.name.format_map(value)
            if not _NAME.fullmatch(name) or name in RESERVED_NAMES:
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
                    inputs=_inputs(figure, value, files, mapped),
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


def _ids(each: str, data: Path) -> tuple[list[str], dict[str, list[str]]]:
    """The ids ``each`` takes, and (for constructs) the studies each construct maps."""
    if each == "study":
        return corpus_files.study_ids(data), {}
    try:
        studies = corpus_files.construct_studies(data)
    except ValueError as error:
        raise BuildConfigError(str(error)) from None
    return list(studies), studies


class _StudyFiles:
    """The corpus's study files by id (relative posix paths), listed once per expansion."""

    def __init__(self, data: Path) -> None:
        self.data = data
        self._by_id: dict[str, str] | None = None

    def get(self, study_id: str) -> str | None:
        if self._by_id is None:
            self._by_id = {
                p.stem: p.relative_to(self.data).as_posix()
                for p in reversed(corpus_files.study_files(self.data))  # the first one wins
            }
        return self._by_id.get(study_id)

    def relative(self, path: Path | None) -> str | None:
        return None if path is None else path.relative_to(self.data).as_posix()


def _inputs(
    figure: Figure, value: Mapping[str, str], files: _StudyFiles, mapped: Mapping[str, list[str]]
) -> tuple[str, ...]:
    """The run's input patterns, relative to the corpus folder; empty for the whole corpus."""
    patterns = []
    for pattern in figure.inputs:
        if pattern == CONSTRUCT_FILES:
            found = [
                files.relative(corpus_files.synthesis_file(files.data)),
                files.relative(corpus_files.review_file(files.data)),
                # a study the synthesis names without a file: validation reports it
                *(files.get(s) for s in mapped[value["construct"]]),
            ]
            patterns += sorted({f for f in found if f is not None})
            continue
        if STUDY_FILE in pattern:
            path = files.get(value["study"])
            assert path is not None  # the study ids come from the file names
            pattern = pattern.replace(STUDY_FILE, path)
        patterns.append(pattern.format_map(value))
    return tuple(patterns)
