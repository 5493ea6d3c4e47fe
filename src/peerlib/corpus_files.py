"""The layout of a corpus folder: which files make a review, and the ids they give.

This is the one module that knows the layout; :mod:`peerlib.loading` (reading), validation
and the build (its runs and cache keys) all ask it. It imports neither pandas nor pydantic, so
the build can decide that nothing changed without loading them.

A corpus folder holds::

    studies/<study_id>.yaml   one file per study (``.yml`` is read the same way)
    synthesis.yaml            the cross-study synthesis (or ``synthesis.yml``)
    review.yaml               optional: the review's question and method (or ``review.yml``)

>>> root = corpus_root()
>>> [p.name for p in study_files(root)][:2]
['austin2014.yaml', 'gillard2013.yaml']
>>> study_ids(root)[:2]
['austin2014', 'gillard2013']
>>> synthesis_file(root).name
'synthesis.yaml'
"""

from __future__ import annotations

import os
from importlib import resources
from pathlib import Path

__all__ = [
    "REVIEW_NAMES",
    "STUDIES_DIR",
    "STUDY_SUFFIXES",
    "SYNTHESIS_NAMES",
    "construct_ids",
    "corpus_files",
    "corpus_root",
    "layout_problem",
    "review_file",
    "study_file",
    "study_files",
    "study_ids",
    "synthesis_file",
]

STUDIES_DIR = "studies"
#: The one rule for file names: a study or synthesis file ends in one of these.
STUDY_SUFFIXES = (".yaml", ".yml")
#: The synthesis file, by preference.
SYNTHESIS_NAMES = tuple(f"synthesis{suffix}" for suffix in STUDY_SUFFIXES)
#: The review file (question and method), by preference.
REVIEW_NAMES = tuple(f"review{suffix}" for suffix in STUDY_SUFFIXES)


def corpus_root(path: str | os.PathLike[str] | None = None) -> Path:
    """Resolve a corpus folder; ``None`` is the review bundled with peerlib.

    In a source checkout that is the repository's ``data/`` folder; in an installed wheel, the
    copy packaged with it.

    Parameters
    ----------
    path
        A corpus folder, or ``None``.

    Returns
    -------
    pathlib.Path
        The folder (not checked for existence: validation reports that).

    Examples
    --------
    >>> corpus_root("my-review")
    PosixPath('my-review')
    >>> (corpus_root() / STUDIES_DIR).is_dir()
    True
    """
    if path is not None:
        return Path(path)
    checkout = Path(__file__).resolve().parents[2] / "data"
    if (checkout / STUDIES_DIR).is_dir():
        return checkout
    return Path(str(resources.files("peerlib") / "_bundled_data"))


def layout_problem(root: Path) -> str | None:
    """What keeps ``root`` from being a corpus folder, saying what to pass instead; ``None``
    when it has a ``studies/`` folder.

    >>> layout_problem(corpus_root() / "studies")
    "this is a review's studies/ folder: pass the review folder instead (data)"
    >>> layout_problem(Path("no-such-folder"))
    'corpus folder does not exist'
    """
    shown = root.parent.name or str(root.parent)
    if root.is_file() or (root.is_symlink() and not root.exists()):
        if root.suffix in STUDY_SUFFIXES and root.parent.name == STUDIES_DIR:
            review = root.parent.parent
            return (
                "this is a study file: pass the review folder, the one holding studies/ "
                f"({review.name or review})"
            )
        if root.name in SYNTHESIS_NAMES:
            return f"this is the synthesis file: pass the folder holding it ({shown})"
        return "this is a file: pass the review folder, the one holding studies/"
    if not root.is_dir():
        return "corpus folder does not exist"
    if (root / STUDIES_DIR).is_dir():
        return None
    if root.name == STUDIES_DIR:
        return f"this is a review's studies/ folder: pass the review folder instead ({shown})"
    if any(_is_corpus_file(p) for p in root.iterdir()):
        return (
            f"no studies/ folder: study files go in {STUDIES_DIR}/ inside the review folder "
            "(peerlib init writes a starter)"
        )
    return (
        f"no {STUDIES_DIR}/ folder: a review holds studies/<id>.yaml and synthesis.yaml "
        "(peerlib init writes a starter)"
    )


def _is_corpus_file(path: Path) -> bool:
    # is_file() follows symlinks: a dangling or looping link is not a file and is left to
    # validation, which names it, rather than dropped here
    return path.suffix in STUDY_SUFFIXES and not path.name.startswith(".")


def study_files(root: Path) -> list[Path]:
    """Every study file of a corpus folder (``.yaml`` or ``.yml``), sorted by name.

    Hidden files (editor swap and lock files) are not study files. Entries that are not
    regular files (folders, broken links) are included so that validation can name them.
    """
    folder = root / STUDIES_DIR
    if not folder.is_dir():
        return []
    return sorted(p for p in folder.iterdir() if _is_corpus_file(p) and not p.is_dir())


def study_ids(root: Path) -> list[str]:
    """The study ids a corpus folder's file names give (each file's stem), sorted.

    >>> study_ids(corpus_root())
    ['austin2014', 'gillard2013', 'kirkegaard2022', 'knopes2023', 'moran2025']
    """
    return sorted({p.stem for p in study_files(root)})


def study_file(root: Path, study_id: str) -> Path | None:
    """The file of one study, or ``None`` when there is none.

    >>> study_file(corpus_root(), "moran2025").name
    'moran2025.yaml'
    >>> study_file(corpus_root(), "nobody") is None
    True
    """
    for path in study_files(root):
        if path.stem == study_id:
            return path
    return None


def _first(root: Path, names: tuple[str, ...]) -> Path | None:
    for name in names:
        path = root / name
        if path.exists() or path.is_symlink():
            return path
    return None


def synthesis_file(root: Path) -> Path | None:
    """The synthesis file (``synthesis.yaml``, else ``synthesis.yml``), or ``None``."""
    return _first(root, SYNTHESIS_NAMES)


def review_file(root: Path) -> Path | None:
    """The review file (``review.yaml``, else ``review.yml``), or ``None``.

    >>> review_file(corpus_root()).name
    'review.yaml'
    """
    return _first(root, REVIEW_NAMES)


def corpus_files(root: Path) -> list[Path]:
    """Every file a review is made of: its study files, then its synthesis and review files.

    What a figure that reads "the whole corpus" depends on (the build's cache keys use it).

    >>> [p.name for p in corpus_files(corpus_root())][-2:]
    ['synthesis.yaml', 'review.yaml']
    """
    extra = [synthesis_file(root), review_file(root)]
    return study_files(root) + [p for p in extra if p is not None]


def construct_ids(root: Path) -> list[str]:
    """The construct ids of the synthesis file in file order, read without validating it.

    Returns an empty list when there is no synthesis file. Raises :class:`ValueError` with a
    one-line message when the file cannot be read that far.

    >>> construct_ids(corpus_root())[:2]
    ['lived_experience_expertise', 'calibrated_disclosure']
    """
    return list(construct_studies(root))


def construct_studies(root: Path) -> dict[str, list[str]]:
    """Each construct id of the synthesis file (in file order) with the ids of the studies
    whose concepts it maps (in the file's order), read without validating the file.

    Returns an empty dict when there is no synthesis file. Raises :class:`ValueError` with a
    one-line message when the file cannot be read that far.

    >>> construct_studies(corpus_root())["lived_experience_expertise"][:2]
    ['kirkegaard2022', 'moran2025']
    """
    from ._yaml import YamlError, read_yaml

    path = synthesis_file(root)
    if path is None:
        return {}
    try:  # the corpus reader: bounded in time and memory whatever the file holds
        doc = read_yaml(path).data
    except YamlError as error:
        raise ValueError(
            f"{path}:{error.line}: cannot read the construct ids: {error.message}"
        ) from None
    constructs = doc.get("constructs") if isinstance(doc, dict) else None
    if not isinstance(constructs, list):
        raise ValueError(f"{path}: no 'constructs' list")
    found: dict[str, list[str]] = {}
    for construct in constructs:
        if not isinstance(construct, dict):
            continue
        cid = construct.get("id")
        if not isinstance(cid, str):
            raise ValueError(f"{path}: a construct without a string 'id'")
        concepts = construct.get("concepts")
        found[cid] = [str(s) for s in concepts] if isinstance(concepts, dict) else []
    return found
