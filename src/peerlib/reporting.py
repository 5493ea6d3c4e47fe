"""The method reported: the eMERGe meta-ethnography reporting checklist, filled from the corpus.

eMERGe (France et al. 2019, doi:10.1186/s12874-018-0600-0) lists 19 items a meta-ethnography
should report, in Noblit and Hare's seven phases. Some are answered by the review file
(``review.yaml``: question, search, coders, ...), some by the coded corpus itself (the studies'
characteristics, the translations, the line of argument). :func:`emerge_checklist` says for
each item where the corpus answers it, or that it is missing; it judges presence, not quality.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import pandas as pd

from ._tables import frame_of
from .comparison import translation_pairs
from .loading import Corpus

__all__ = ["EMERGE_ITEMS", "emerge_checklist"]

_TEXT = "string"
#: What a checklist row can say about an item.
STATUSES = ("reported", "partly", "missing")


@dataclass(frozen=True)
class EmergeItem:
    """One eMERGe reporting criterion: its number, phase and heading."""

    number: int
    phase: str
    heading: str


_PHASES = (
    "1 Selecting meta-ethnography and getting started",
    "2 Deciding what is relevant",
    "3 Reading included studies",
    "4 Determining how studies are related",
    "5 Translating studies into one another",
    "6 Synthesising translations",
    "7 Expressing the synthesis",
)

#: The 19 eMERGe criteria headings, in order.
EMERGE_ITEMS: tuple[EmergeItem, ...] = tuple(
    EmergeItem(n, _PHASES[phase - 1], heading)
    for n, phase, heading in (
        (1, 1, "Rationale and context for the meta-ethnography"),
        (2, 1, "Aim(s) of the meta-ethnography"),
        (3, 1, "Focus of the meta-ethnography"),
        (4, 1, "Rationale for using meta-ethnography"),
        (5, 2, "Search strategy"),
        (6, 2, "Search processes"),
        (7, 2, "Selecting primary studies"),
        (8, 2, "Outcome of study selection"),
        (9, 3, "Reading and data extraction approach"),
        (10, 3, "Presenting characteristics of included studies"),
        (11, 4, "Process for determining how studies are related"),
        (12, 4, "Outcome of relating studies"),
        (13, 5, "Process of translating studies"),
        (14, 5, "Outcome of translation"),
        (15, 6, "Synthesis process"),
        (16, 6, "Outcome of synthesis process"),
        (17, 7, "Summary of findings"),
        (18, 7, "Strengths, limitations, and reflexivity"),
        (19, 7, "Recommendations and conclusions"),
    )
)

# An answer: (where the corpus answers it, status, detail).
_Answer = tuple[str, str, str]


def _short(text: str, limit: int = 120) -> str:
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


def _review_fields(corpus: Corpus) -> dict[str, str]:
    """The review file's filled-in text fields (none without a review file)."""
    if corpus.review.empty:
        return {}
    row = corpus.review.iloc[0]
    return {str(k): str(v) for k, v in row.items() if not pd.isna(v)}


def _from_review(review: dict[str, str], *fields: str) -> _Answer:
    """Reported when every field is filled in, partly when some are, missing when none is."""
    where = "; ".join(f"review.yaml: {f}" for f in fields)
    given = [f for f in fields if f in review]
    if not given:
        return where, "missing", "not recorded"
    detail = " / ".join(_short(review[f], 120 // len(given)) for f in given)
    return where, "reported" if len(given) == len(fields) else "partly", detail


def _characteristics(corpus: Corpus, review: dict[str, str]) -> _Answer:
    where = "studies (design, setting, sample, coverage, study_type); review.yaml: appraisal"
    n = len(corpus.studies)
    if n == 0:
        return where, "missing", "no studies"
    typed = int(corpus.studies["study_type"].notna().sum())
    detail = f"{n} studies, {typed} with their type recorded"
    status = "reported" if typed == n and "appraisal" in review else "partly"
    if "appraisal" not in review:
        detail += "; appraisal not recorded"
    return where, status, detail


def _relating(corpus: Corpus) -> _Answer:
    where = "synthesis.yaml: constructs (construct_matrix, study_similarity)"
    shared = corpus.alignment.groupby("construct_id")["study_id"].nunique()
    n = int((shared >= 2).sum())
    if n == 0:
        return where, "missing", "no construct is shared by two studies"
    return where, "reported", f"{n} constructs shared by two or more studies"


def _translation(corpus: Corpus) -> _Answer:
    where = "synthesis.yaml: relations, untranslated (translation_pairs, translation_table)"
    pairs = translation_pairs(corpus)
    if pairs.empty:
        return where, "missing", "no pair of studies shares a construct"
    counts = pairs["status"].value_counts()
    done, left, gap = (int(counts.get(s, 0)) for s in ("translated", "untranslated", "missing"))
    detail = f"{done} of {len(pairs)} pairs translated, {left} untranslated with a reason"
    if gap:
        return where, "partly" if done else "missing", f"{detail}, {gap} left out"
    return where, "reported", detail


def _line_of_argument(corpus: Corpus) -> _Answer:
    where = "synthesis.yaml: line_of_argument (line_of_argument)"
    steps = len(corpus.argument)
    if steps == 0:
        return where, "missing", "no line of argument"
    return where, "reported", f"{steps} steps"


def _findings(corpus: Corpus) -> _Answer:
    where = "synthesis.yaml: finding of each construct (cerqual_summary)"
    n = len(corpus.constructs)
    written = int(corpus.constructs["finding"].notna().sum())
    if written == 0:
        return where, "missing", "no finding written"
    status = "reported" if written == n else "partly"
    return where, status, f"{written} of {n} constructs have a finding"


def _limitations(corpus: Corpus, review: dict[str, str]) -> _Answer:
    where, status, detail = _from_review(review, "limitations", "reflexivity")
    coders = len(corpus.review_coders)
    where += "; review.yaml: coders"
    if coders == 0:
        status = "partly" if status == "reported" else status
        return where, status, f"{detail}; coders not recorded"
    if status == "missing":
        status = "partly"
    if "reflexivity" not in review:
        detail += "; reflexivity not recorded"
    return where, status, f"{detail}; {coders} coders or reviewers recorded"


def emerge_checklist(corpus: Corpus) -> pd.DataFrame:
    """The eMERGe reporting checklist: for each item, where the corpus answers it, if it does.

    Items about the review as a whole are answered by the review file (``review.yaml``);
    items about its outcomes by the coded corpus: the studies' characteristics, the constructs
    shared between studies, the translations (complete when every pair is translated or has
    a reason), the line of argument and the written findings. A field left out of the review
    file is ``missing``; an item answered in part (some of its fields, some pairs, some
    findings) is ``partly``. The status says whether something is reported, not how well.

    Parameters
    ----------
    corpus
        A loaded corpus.

    Returns
    -------
    pandas.DataFrame
        One row per eMERGe item (19, in order), with columns ``item`` (int64), ``phase``,
        ``heading``, ``where`` (the file and field, and the peerlib table, that answer it),
        ``status`` (reported, partly or missing) and ``detail`` (a short excerpt of the
        answer, or what was counted), all strings but ``item``.

    Examples
    --------
    >>> from peerlib import load_corpus
    >>> table = emerge_checklist(load_corpus())
    >>> len(table), list(table.columns)
    (19, ['item', 'phase', 'heading', 'where', 'status', 'detail'])
    >>> table.set_index("item").loc[3, "status"]  # the review question
    'reported'
    """
    review = _review_fields(corpus)
    answers: dict[int, Callable[[], _Answer]] = {
        1: lambda: _from_review(review, "context"),
        2: lambda: _from_review(review, "aims"),
        3: lambda: _from_review(review, "question"),
        4: lambda: _from_review(review, "method_rationale"),
        5: lambda: _from_review(review, "search"),
        6: lambda: _from_review(review, "search"),
        7: lambda: _from_review(review, "inclusion"),
        8: lambda: _from_review(review, "selection_outcome"),
        9: lambda: _from_review(review, "reading"),
        10: lambda: _characteristics(corpus, review),
        11: lambda: _from_review(review, "relating"),
        12: lambda: _relating(corpus),
        13: lambda: _from_review(review, "translation", "translation_order"),
        14: lambda: _translation(corpus),
        15: lambda: _from_review(review, "synthesis"),
        16: lambda: _line_of_argument(corpus),
        17: lambda: _findings(corpus),
        18: lambda: _limitations(corpus, review),
        19: lambda: _from_review(review, "conclusions"),
    }
    rows = [
        (item.number, item.phase, item.heading, *answers[item.number]()) for item in EMERGE_ITEMS
    ]
    return frame_of(
        rows,
        [
            ("item", "int64"),
            ("phase", _TEXT),
            ("heading", _TEXT),
            ("where", _TEXT),
            ("status", _TEXT),
            ("detail", _TEXT),
        ],
    )
