"""A one-row-per-study overview of a corpus: what a reader checks first."""

from __future__ import annotations

import pandas as pd

from .loading import Corpus

__all__ = ["corpus_summary"]


def corpus_summary(corpus: Corpus) -> pd.DataFrame:
    """Count what each study holds.

    Returns one row per study (file order) with columns ``study_id``, ``year``, ``country``,
    ``coverage``, ``sample_size``, ``themes``, ``concepts``, ``relations``, ``evidence`` and
    ``constructs`` (how many synthesis constructs it contributes to).

    Examples
    --------
    >>> from peerlib import load_corpus
    >>> corpus_summary(load_corpus())["study_id"].tolist()[:2]
    ['austin2014', 'gillard2013']
    """
    out = corpus.studies[["study_id", "year", "country", "coverage", "sample_size"]].copy()
    counts = {
        "themes": corpus.themes,
        "concepts": corpus.concepts,
        "relations": corpus.relations,
        "evidence": corpus.evidence,
    }
    for name, table in counts.items():
        out[name] = out["study_id"].map(table["study_id"].value_counts()).fillna(0).astype("int64")
    constructs = corpus.alignment.drop_duplicates(["construct_id", "study_id"])["study_id"]
    out["constructs"] = out["study_id"].map(constructs.value_counts()).fillna(0).astype("int64")
    return out.reset_index(drop=True)
