"""Load a corpus folder into tidy pandas tables: the only place peerlib reads corpus files."""

from __future__ import annotations

import os
from collections.abc import Sequence
from dataclasses import dataclass
from importlib import resources
from pathlib import Path

import pandas as pd

from . import _tables
from .validation import CorpusError, read_corpus

__all__ = ["Corpus", "corpus_root", "load_corpus"]


@dataclass(frozen=True, eq=False)
class Corpus:
    """A coded review as tidy tables, one row per thing, in file order.

    Columns and dtypes (``string`` and ``Int64`` are pandas' nullable types; vocabularies are
    categoricals in their documented order):

    ``studies``
        study_id, file, authors ("; "-joined), year, title, venue, volume, issue, pages, article,
        doi, licence, country, setting, design, sample_size (the stated ``context.sample_size``,
        else the sum of the participant groups; missing when the paper reports none), coverage,
        coverage_note, source_file.
    ``samples``
        study_id, group, n, unit (participants, observed, interviews), site, note.
    ``themes``
        study_id, theme_id, name (the paper's own), summary, parent, position (1-based).
    ``theme_concepts``
        study_id, theme_id, concept_id.
    ``concepts``
        study_id, concept_id, label, kind, definition.
    ``relations``
        study_id, relation_id, source, target, type, note.
    ``relation_evidence``
        study_id, relation_id, evidence_id.
    ``evidence``
        study_id, evidence_id, text, speaker, section, offset, words.
    ``constructs``
        construct_id, label, description, interpretation, study_specific, finding,
        methodological_limitations, coherence, relevance, adequacy, confidence.
    ``alignment``
        construct_id, study_id, concept_id: which study concepts a construct gathers.
    ``study_relations``
        construct_id, position, study_a, study_b, type (agree/extend/refute), rationale.
    ``study_relation_evidence``
        construct_id, position, study_id, evidence_id.
    """

    root: Path
    studies: pd.DataFrame
    samples: pd.DataFrame
    themes: pd.DataFrame
    theme_concepts: pd.DataFrame
    concepts: pd.DataFrame
    relations: pd.DataFrame
    relation_evidence: pd.DataFrame
    evidence: pd.DataFrame
    constructs: pd.DataFrame
    alignment: pd.DataFrame
    study_relations: pd.DataFrame
    study_relation_evidence: pd.DataFrame

    @property
    def study_ids(self) -> list[str]:
        """The study ids, in file order."""
        return [str(s) for s in self.studies["study_id"]]

    @property
    def construct_ids(self) -> list[str]:
        """The construct ids, in file order."""
        return [str(c) for c in self.constructs["construct_id"]]

    def tables(self) -> dict[str, pd.DataFrame]:
        """All tables by name, in a fixed order."""
        return {name: getattr(self, name) for name in _tables.COLUMNS}

    def __repr__(self) -> str:
        return (
            f"<Corpus {self.root}: {len(self.studies)} studies, {len(self.concepts)} concepts, "
            f"{len(self.relations)} relations, {len(self.constructs)} constructs>"
        )


def corpus_root(path: str | os.PathLike[str] | None = None) -> Path:
    """Resolve a corpus folder; ``None`` is the review bundled with peerlib.

    In a source checkout that is the repository's ``data/`` folder; in an installed wheel, the
    copy packaged with it.
    """
    if path is not None:
        return Path(path)
    checkout = Path(__file__).resolve().parents[2] / "data"
    if (checkout / "studies").is_dir():
        return checkout
    return Path(str(resources.files("peerlib") / "_bundled_data"))


def load_corpus(
    path: str | os.PathLike[str] | None = None,
    *,
    studies: Sequence[str] | None = None,
    jobs: int | None = None,
) -> Corpus:
    """Read and validate a corpus folder into a :class:`Corpus`.

    Parameters
    ----------
    path
        The corpus folder (``studies/*.yaml`` and ``synthesis.yaml``); ``None`` means the
        bundled review.
    studies
        Load only these study ids (and no synthesis): what a one-study figure needs.
    jobs
        Worker processes for large corpora; default all cores. Small corpora use none.

    Raises
    ------
    CorpusError
        With every problem found, each naming the file, line and place.

    Examples
    --------
    >>> corpus = load_corpus()
    >>> corpus.study_ids
    ['austin2014', 'gillard2013', 'kirkegaard2022', 'knopes2023', 'moran2025']
    >>> load_corpus(studies=["moran2025"]).study_ids
    ['moran2025']
    """
    read = read_corpus(corpus_root(path), studies, jobs)
    if read.problems:
        raise CorpusError(read.problems)
    frames = {name: _tables.frame(name, rows) for name, rows in read.rows.items()}
    return Corpus(root=read.root, **frames)
