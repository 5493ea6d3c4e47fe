"""The notebooks of a build file: where each is, and which parameters it declares.

A build file names a notebook by a path relative to its own folder, or by
``peerlib:notebooks/<name>.ipynb`` for one of peerlib's own (shipped inside the package, so
that a build works from any folder). Every parameter a figure passes must be assigned in the
notebook's ``parameters`` cell: a misspelt one is an error before any kernel starts, not a
silent default. Cheap: JSON and ``ast``, no Jupyter.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from pathlib import Path

from .._hints import known_hint
from .._parameters import assigned_names
from .config import INJECTED, BuildConfigError, Run

__all__ = [
    "DEFAULT_CONFIG",
    "PACKAGE",
    "PEERLIB_PREFIX",
    "check_parameters",
    "declared_parameters",
    "missing_hint",
    "notebook_path",
]

#: The installed peerlib package folder: its notebooks/ and its own build file.
PACKAGE = Path(__file__).resolve().parents[1]
#: peerlib's own build file: every figure of a review (used when a review brings none).
DEFAULT_CONFIG = PACKAGE / "figures.toml"
PEERLIB_PREFIX = "peerlib:"


def notebook_path(root: Path, name: str) -> Path:
    """The notebook a build file names: ``peerlib:...`` inside the package, else under ``root``.

    >>> notebook_path(Path("/r"), "nb/a.ipynb").as_posix()
    '/r/nb/a.ipynb'
    >>> notebook_path(Path("/r"), "peerlib:notebooks/02_comparison.ipynb").is_file()
    True
    """
    if name.startswith(PEERLIB_PREFIX):
        return PACKAGE / name.removeprefix(PEERLIB_PREFIX)
    return root / name


def missing_hint(root: Path, name: str) -> str:
    """What to write instead of a notebook path that names no file, or ``""``."""
    if not name.startswith(PEERLIB_PREFIX) and (PACKAGE / name).is_file():
        return f"; for peerlib's own notebook write {PEERLIB_PREFIX}{name}"
    return ""


def declared_parameters(path: Path) -> list[str] | None:
    """The names the notebook's cell tagged ``parameters`` assigns; ``None`` without one.

    >>> declared_parameters(notebook_path(Path("."), "peerlib:notebooks/01_study_graph.ipynb"))
    ['data_dir', 'out_dir', 'study', 'seed']
    """
    doc = json.loads(path.read_bytes())
    for cell in doc.get("cells", []):
        if "parameters" in cell.get("metadata", {}).get("tags", []):
            source = cell.get("source", "")
            return assigned_names("".join(source) if isinstance(source, list) else source)
    return None


def check_parameters(runs: Sequence[Run], root: Path, config: Path) -> None:
    """Raise :class:`BuildConfigError` naming every parameter a figure passes that its notebook
    does not declare (with the known ones and the closest). Unreadable notebooks and notebooks
    without a parameters cell are left to the planner, which reports them per run."""
    problems: list[str] = []
    seen: set[tuple[str, str]] = set()
    for run in runs:
        path = notebook_path(root, run.notebook)
        try:
            declared = declared_parameters(path)
        except (OSError, ValueError):
            continue
        if declared is None:
            continue
        for name in [*run.parameters, *INJECTED]:
            if name in declared or (run.figure.name, name) in seen:
                continue
            seen.add((run.figure.name, name))
            problems.append(
                f"{config}: figure {run.figure.name!r}: {run.notebook} has no parameter "
                f"{name!r} ({known_hint(name, declared)})"
            )
    if problems:
        raise BuildConfigError("\n".join(problems))
