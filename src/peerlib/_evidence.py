"""Evidence weighed by kind: how a set of studies is described in generated wording.

Five papers of unequal kinds are not "five studies": a finding resting on a conceptual paper,
an interim column and an abstract is not supported like one resting on three full empirical
studies. Every generated sentence that counts studies says what kinds they are.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable

import pandas as pd

from .models import COVERAGE_LABELS, COVERAGES, STUDY_TYPES

#: Singular and plural wording of each study type; ``None``: the corpus does not record it.
TYPE_WORDS: dict[str | None, tuple[str, str]] = {
    "empirical": ("empirical study", "empirical studies"),
    "interim": ("interim report of an ongoing study", "interim reports of ongoing studies"),
    "conceptual": ("conceptual paper", "conceptual papers"),
    "review": ("review", "reviews"),
    None: ("study of unrecorded type", "studies of unrecorded type"),
}


def _join(parts: list[str]) -> str:
    if len(parts) <= 1:
        return "".join(parts)
    return f"{', '.join(parts[:-1])} and {parts[-1]}"


def describe_kinds(kinds: Iterable[tuple[str | None, str]]) -> str:
    """Say what a set of studies is, by type and by how much of each was coded.

    ``kinds`` holds one ``(study_type, coverage)`` pair per study. Types come in the order of
    the vocabulary; within a type, the studies not coded from their full text are counted in
    brackets.

    Examples
    --------
    >>> describe_kinds([("empirical", "full_text"), ("conceptual", "full_text"),
    ...                 ("empirical", "abstract_only")])
    '2 empirical studies (1 abstract only) and 1 conceptual paper'
    >>> describe_kinds([])
    'no studies'
    """
    by_type: dict[str | None, Counter[str]] = {}
    for study_type, coverage in kinds:
        by_type.setdefault(study_type, Counter())[coverage] += 1
    parts = []
    for study_type in (*STUDY_TYPES, None):
        if study_type not in by_type:
            continue
        coverages = by_type[study_type]
        n = sum(coverages.values())
        one, many = TYPE_WORDS[study_type]
        partial = [
            f"{coverages[c]} {COVERAGE_LABELS[c]}"
            for c in COVERAGES
            if c != "full_text" and coverages[c]
        ]
        qualifier = f" ({', '.join(partial)})" if partial else ""
        parts.append(f"{n} {one if n == 1 else many}{qualifier}")
    return _join(parts) or "no studies"


def study_kinds(studies: pd.DataFrame) -> dict[str, tuple[str | None, str]]:
    """study id -> (study type or None, coverage), from a corpus's ``studies`` table."""
    return {
        str(sid): (None if pd.isna(kind) else str(kind), str(coverage))
        for sid, kind, coverage in zip(
            studies["study_id"], studies["study_type"], studies["coverage"], strict=True
        )
    }
