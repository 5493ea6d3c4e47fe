"""Cross-study comparison tables: which study speaks to which construct, and how.

Every function here is a pure function from a :class:`~peerlib.loading.Corpus` to a tidy
:class:`pandas.DataFrame` with a fixed set of columns and dtypes (also when it has no rows, e.g.
for a corpus without ``synthesis.yaml``) and a deterministic row order: constructs in synthesis
file order, studies in corpus (file) order.

Two counts recur and mean the same thing in every table:

*concepts*
    the distinct concepts of a study that the synthesis maps onto a construct;
*evidence*
    the distinct excerpts of a study cited by that study's relations that touch (as source or
    target) one of those concepts. This is the count :func:`peerlib.graphs.synthesis_graph`
    stores on its nodes, summed over studies.
"""

from __future__ import annotations

import math
from collections import Counter, defaultdict
from collections.abc import Iterable, Iterator
from functools import cached_property
from typing import Any, NamedTuple

import numpy as np
import pandas as pd

from ._derived import Reads, derived
from ._evidence import describe_kinds, study_kinds
from ._tables import frame_of as _frame
from .loading import Corpus, UnknownIdError, check_study_id

__all__ = [
    "cerqual_summary",
    "concept_overlap",
    "construct_evidence",
    "construct_matrix",
    "line_of_argument",
    "refutations",
    "study_similarity",
    "theme_evidence",
    "translation_pairs",
    "translation_table",
    "unmapped_concepts",
]

_TEXT = "string"

#: How a study relation reads in a meta-ethnography translation table.
RELATION_WORDS: dict[str, str] = {
    "agree": "reciprocal",
    "refute": "refutational",
    "extend": "extends",
}


# ------------------------------------------------------------------------------- internals


def _text(value: Any) -> str | None:
    """A cell as ``str``, or ``None`` when it is missing."""
    return None if pd.isna(value) else str(value)


def _rows(frame: pd.DataFrame, *columns: str) -> Iterator[tuple[Any, ...]]:
    """The rows of these columns as plain Python values.

    Iterating a pandas string column yields one boxed element at a time, which dominates the
    cost of these tables for a large review; ``tolist`` converts each column in one go.
    """
    return zip(*(frame[c].tolist() for c in columns), strict=True)


class _Excerpt(NamedTuple):
    eid: str
    position: int  # in the study file, 0-based
    text: str
    section: Any
    page: Any
    offset: Any
    verbatim: bool

    @property
    def locator(self) -> str:
        # made when asked for: a table shows the locators of a few of the excerpts it reads
        return _locator(self.section, self.page, self.offset, self.verbatim)


_CONCEPT_LABEL = ("study_id", "concept_id", "label")
# What the shared look-ups read (the small ones are quicker made than checked, so not shared)
_RELATIONS: Reads = (
    ("relation_evidence", ("study_id", "relation_id", "evidence_id")),
    ("relations", ("study_id", "relation_id", "source", "target")),
)
_EXCERPTS: Reads = (
    ("evidence", ("study_id", "evidence_id", "text", "section", "page", "offset", "verbatim")),
)


class _Index:
    """Look-ups over a corpus, each part made only when first asked for.

    The relations and excerpts are shared by the tables computed from one corpus
    (:func:`~peerlib._derived.derived`).
    """

    def __init__(self, corpus: Corpus) -> None:
        self._corpus = corpus
        self.studies = corpus.study_ids
        self.constructs = corpus.construct_ids

    @cached_property
    def labels(self) -> dict[tuple[str, str], str]:
        """(study, concept) -> label."""
        return {(s, c): label for s, c, label in _rows(self._corpus.concepts, *_CONCEPT_LABEL)}

    @cached_property
    def aligned(self) -> dict[tuple[str, str], list[str]]:
        """(construct, study) -> concept ids, in synthesis file order, each once."""
        aligned: dict[tuple[str, str], list[str]] = defaultdict(list)
        for cid, sid, concept in _rows(
            self._corpus.alignment, "construct_id", "study_id", "concept_id"
        ):
            if concept not in aligned[(cid, sid)]:
                aligned[(cid, sid)].append(concept)
        return dict(aligned)

    @cached_property
    def relations(self) -> dict[str, list[tuple[str, str, tuple[str, ...]]]]:
        """study -> its relations as (source, target, excerpts cited), in file order."""
        return self._relations[0]

    @cached_property
    def _touching(self) -> dict[str, dict[str, list[int]]]:
        """study -> concept -> positions (in :attr:`relations`) of the relations touching it."""
        return self._relations[1]

    @cached_property
    def _relations(self) -> _Relations:
        return derived(self._corpus, "relations", _RELATIONS, lambda: _relations(self._corpus))

    @cached_property
    def excerpts(self) -> dict[tuple[str, str], _Excerpt]:
        """(study, evidence id) -> excerpt."""
        return derived(self._corpus, "excerpts", _EXCERPTS, lambda: _excerpts(self._corpus))

    @cached_property
    def coverage(self) -> dict[str, str]:
        """study -> coverage."""
        return {s: str(c) for s, c in _rows(self._corpus.studies, "study_id", "coverage")}

    @cached_property
    def coverage_notes(self) -> dict[str, str]:
        """study -> its coverage note, when it has one."""
        studies = self._corpus.studies
        noted = studies[studies["coverage_note"].notna()]
        return {s: str(n) for s, n in _rows(noted, "study_id", "coverage_note")}

    def concepts(self, construct: str, study: str) -> list[str]:
        """The study's concepts mapped onto the construct, in synthesis file order."""
        return self.aligned.get((construct, study), [])

    def studies_of(self, construct: str) -> list[str]:
        """The studies that map at least one concept onto the construct, in corpus order."""
        return [s for s in self.studies if (construct, s) in self.aligned]

    def cited(self, construct: str, study: str) -> Counter[str]:
        """How many of the study's relations touching the construct's concepts cite each excerpt.

        A relation counts once per excerpt, even when both its ends are mapped concepts.
        """
        return self.cited_by(study, self.concepts(construct, study))

    def cited_by(self, study: str, concepts: Iterable[str]) -> Counter[str]:
        """How many of the study's relations touching any of ``concepts`` cite each excerpt."""
        counts: Counter[str] = Counter()
        touching = self._touching.get(study)
        if not touching:
            return counts
        hit = {i for concept in concepts for i in touching.get(concept, ())}
        relations = self.relations[study]
        for i in sorted(hit):  # file order, as the relations are listed
            for excerpt in relations[i][2]:
                counts[excerpt] += 1
        return counts

    def concept_labels(self, construct: str, study: str) -> str:
        return "; ".join(self.labels[(study, c)] for c in self.concepts(construct, study))


_Relations = tuple[
    dict[str, list[tuple[str, str, tuple[str, ...]]]], dict[str, dict[str, list[int]]]
]


def _relations(corpus: Corpus) -> _Relations:
    """:attr:`_Index.relations` and :attr:`_Index._touching`."""
    cites: dict[tuple[str, str], dict[str, None]] = defaultdict(dict)
    for sid, rid, eid in _rows(corpus.relation_evidence, *_RELATIONS[0][1]):
        # each excerpt once: a relation counts once per excerpt it cites
        cites[(sid, rid)][eid] = None
    relations: dict[str, list[tuple[str, str, tuple[str, ...]]]] = defaultdict(list)
    touching: dict[str, dict[str, list[int]]] = defaultdict(lambda: defaultdict(list))
    for sid, rid, source, target in _rows(corpus.relations, *_RELATIONS[1][1]):
        of_study = relations[sid]
        at = touching[sid]
        at[source].append(len(of_study))
        if target != source:
            at[target].append(len(of_study))
        of_study.append((source, target, tuple(cites.get((sid, rid), ()))))
    return dict(relations), {sid: dict(at) for sid, at in touching.items()}


def _excerpts(corpus: Corpus) -> dict[tuple[str, str], _Excerpt]:
    ev = corpus.evidence
    excerpts: dict[tuple[str, str], _Excerpt] = {}
    position: Counter[str] = Counter()
    for sid, eid, text, section, page, offset, verbatim in zip(
        ev["study_id"].tolist(),
        ev["evidence_id"].tolist(),
        ev["text"].tolist(),
        ev["section"].mask(ev["section"].isna(), None).tolist(),
        ev["page"].mask(ev["page"].isna(), None).tolist(),
        ev["offset"].astype(object).mask(ev["offset"].isna(), None).tolist(),
        ev["verbatim"].tolist(),
        strict=True,
    ):
        excerpts[(sid, eid)] = _Excerpt(
            eid, position[sid], text, section, page, offset, bool(verbatim)
        )
        position[sid] += 1
    return excerpts


def _locator(section: Any, page: Any, offset: Any, verbatim: bool) -> str:
    """Where an excerpt stands, e.g. ``"Results, p. 5, char 1234"``; a paraphrase says so.

    >>> _locator("Results", None, 1234, True), _locator(None, "5", None, False)
    ('Results, char 1234', 'p. 5 (paraphrase, not verbatim)')
    """
    parts = [str(section)] if _present(section) else []
    parts += [f"p. {page}"] if _present(page) else []
    parts += [f"char {int(offset)}"] if _present(offset) else []
    return ", ".join(parts) + ("" if verbatim else " (paraphrase, not verbatim)")


def _present(value: Any) -> bool:
    """Whether a cell holds a value: ``pd.notna`` for one cell, without its cost per call."""
    if value is None or value is pd.NA:
        return False
    return not (isinstance(value, float) and math.isnan(value))


def _index(corpus: Corpus) -> _Index:
    return _Index(corpus)


def _synthesis_citations(corpus: Corpus) -> dict[tuple[str, str], Counter[str]]:
    """(construct, study) -> how often the synthesis's study relations cite each excerpt."""
    out: dict[tuple[str, str], Counter[str]] = defaultdict(Counter)
    for cid, sid, eid in _rows(
        corpus.study_relation_evidence, "construct_id", "study_id", "evidence_id"
    ):
        out[(cid, sid)][eid] += 1
    return out


def _constructs(corpus: Corpus) -> list[dict[str, Any]]:
    """The constructs table as plain records, in file order."""
    return [{str(k): v for k, v in row.items()} for row in corpus.constructs.to_dict("records")]


# ------------------------------------------------------------------------------- tables


def construct_matrix(corpus: Corpus) -> pd.DataFrame:
    """Which study speaks to which construct, and with how much.

    Parameters
    ----------
    corpus
        A loaded corpus.

    Returns
    -------
    pandas.DataFrame
        One row for every pair of a construct and a study (constructs in file order, then studies in
        file order) with columns

        ``construct_id``, ``study_id`` (string)
        ``concepts`` (int64)
            how many of the study's concepts the synthesis maps onto the construct;
        ``evidence`` (int64)
            how many distinct excerpts of the study are cited by its relations that touch those
            concepts;
        ``present`` (bool)
            whether the study contributes to the construct (``concepts > 0``).

        Without a synthesis there are no constructs, and no rows.

    Examples
    --------
    >>> from peerlib import load_corpus
    >>> list(construct_matrix(load_corpus()).columns)
    ['construct_id', 'study_id', 'concepts', 'evidence', 'present']
    """
    ix = _index(corpus)
    rows = []
    for cid in ix.constructs:
        for sid in ix.studies:
            n = len(ix.concepts(cid, sid))
            rows.append((cid, sid, n, len(ix.cited(cid, sid)) if n else 0, n > 0))
    return _frame(
        rows,
        [
            ("construct_id", _TEXT),
            ("study_id", _TEXT),
            ("concepts", "int64"),
            ("evidence", "int64"),
            ("present", "bool"),
        ],
    )


def theme_evidence(corpus: Corpus) -> pd.DataFrame:
    """How much evidence backs each theme of each study.

    Parameters
    ----------
    corpus
        A loaded corpus.

    Returns
    -------
    pandas.DataFrame
        One row per theme (studies in file order, each study's themes in file order), with
        columns ``study_id``, ``theme_id``, ``name`` (the paper's own; string), ``concepts``
        (int64: the distinct concepts filed under the theme) and ``excerpts`` (int64: the
        distinct excerpts cited by the study's relations that touch one of those concepts).
        Needs no synthesis.

    Examples
    --------
    >>> from peerlib import load_corpus
    >>> table = theme_evidence(load_corpus())
    >>> list(table.columns)
    ['study_id', 'theme_id', 'name', 'concepts', 'excerpts']
    >>> bool((table["concepts"] >= 1).all())
    True
    """
    ix = _index(corpus)
    members: dict[tuple[str, str], list[str]] = defaultdict(list)
    tc = corpus.theme_concepts
    for sid, tid, concept in _rows(tc, "study_id", "theme_id", "concept_id"):
        if concept not in members[(sid, tid)]:
            members[(sid, tid)].append(concept)
    rows = []
    for sid, tid, name in _rows(corpus.themes, "study_id", "theme_id", "name"):
        concepts = members.get((sid, tid), [])
        rows.append((sid, tid, name, len(concepts), len(ix.cited_by(str(sid), concepts))))
    return _frame(
        rows,
        [
            ("study_id", _TEXT),
            ("theme_id", _TEXT),
            ("name", _TEXT),
            ("concepts", "int64"),
            ("excerpts", "int64"),
        ],
    )


def study_similarity(corpus: Corpus) -> pd.DataFrame:
    """How alike two studies are in the constructs they speak to.

    For two studies speaking to the sets of constructs ``A`` and ``B``, ``shared`` is the
    number of constructs in both, ``jaccard`` is ``shared / len(A | B)`` and ``overlap`` (the
    overlap or Szymkiewicz-Simpson coefficient) is ``shared / min(len(A), len(B))``.

    A study compared with itself has ``jaccard`` and ``overlap`` 1.0 when it speaks to at least
    one construct. For a study that speaks to none (or every study, when the corpus has no
    synthesis) a ratio whose denominator is zero is undefined and is ``NaN``, never a division
    by zero: its ``overlap`` with every study, itself included, is ``NaN``; its ``jaccard`` is
    ``NaN`` with itself and with other such studies, and 0.0 with a study that does speak to a
    construct (the union is not empty, the intersection is).

    Parameters
    ----------
    corpus
        A loaded corpus.

    Returns
    -------
    pandas.DataFrame
        One row per ordered pair of studies, the diagonal included (``study_a`` in file order,
        then ``study_b`` in file order), with columns ``study_a``, ``study_b`` (string),
        ``shared`` (int64), ``jaccard`` and ``overlap`` (float64). The table is symmetric: the
        row (a, b) holds the same numbers as the row (b, a).

    Examples
    --------
    >>> from peerlib import load_corpus
    >>> sim = study_similarity(load_corpus())
    >>> list(sim.columns), len(sim) == 5 * 5
    (['study_a', 'study_b', 'shared', 'jaccard', 'overlap'], True)
    """
    # a 0/1 matrix of studies x constructs spoken to; shared counts are its product with itself
    ids = corpus.study_ids
    row_of = {sid: i for i, sid in enumerate(ids)}
    column_of: dict[str, int] = {}
    cells = [
        (row_of[sid], column_of.setdefault(cid, len(column_of)))
        for cid, sid in _rows(corpus.alignment, "construct_id", "study_id")
    ]
    spoken = np.zeros((len(ids), len(column_of)), dtype=np.int64)
    if cells:
        rows, columns = zip(*cells, strict=True)
        spoken[list(rows), list(columns)] = 1
    sizes = spoken.sum(axis=1)
    shared = spoken @ spoken.T
    union = sizes[:, None] + sizes[None, :] - shared
    smaller = np.minimum(sizes[:, None], sizes[None, :])
    with np.errstate(divide="ignore", invalid="ignore"):
        jaccard = np.where(union > 0, shared / union, np.nan)
        overlap = np.where(smaller > 0, shared / smaller, np.nan)
    names = np.array(ids, dtype=object)
    frame = pd.DataFrame(
        {
            "study_a": np.repeat(names, len(ids)),
            "study_b": np.tile(names, len(ids)),
            "shared": shared.ravel().astype("int64"),
            "jaccard": jaccard.ravel().astype("float64"),
            "overlap": overlap.ravel().astype("float64"),
        }
    )
    return frame.astype({"study_a": _TEXT, "study_b": _TEXT})


def concept_overlap(corpus: Corpus, study_a: str, study_b: str) -> pd.DataFrame:
    """The constructs two studies share, with each study's own concepts on them.

    Parameters
    ----------
    corpus
        A loaded corpus.
    study_a, study_b
        Two study ids (the same id twice lists that study's constructs).

    Returns
    -------
    pandas.DataFrame
        One row per construct both studies map concepts onto (synthesis file order), with
        string columns ``construct_id``, ``label`` (the construct's), ``concepts_a`` and
        ``concepts_b`` (the labels of each study's concepts mapped there, "; "-joined, in the
        synthesis file's order).

    Raises
    ------
    peerlib.loading.UnknownIdError
        If either id is not a study of the corpus.

    Examples
    --------
    >>> from peerlib import load_corpus
    >>> table = concept_overlap(load_corpus(), "moran2025", "knopes2023")
    >>> list(table.columns)
    ['construct_id', 'label', 'concepts_a', 'concepts_b']
    """
    check_study_id(corpus, study_a)
    check_study_id(corpus, study_b)
    ix = _index(corpus)
    rows = [
        (
            con["construct_id"],
            con["label"],
            ix.concept_labels(con["construct_id"], study_a),
            ix.concept_labels(con["construct_id"], study_b),
        )
        for con in _constructs(corpus)
        if ix.concepts(con["construct_id"], study_a) and ix.concepts(con["construct_id"], study_b)
    ]
    return _frame(
        rows,
        [("construct_id", _TEXT), ("label", _TEXT), ("concepts_a", _TEXT), ("concepts_b", _TEXT)],
    )


def _relation_word(kind: str, this: str, other: str, extended_by: str | None) -> str:
    """How ``this`` study relates to ``other``: ``"extends other"``, ``"extended by other"``,
    or ``"reciprocal (vs other)"``; an extend without a recorded direction reads
    ``"extends (vs other)"`` for both."""
    if kind == "extend" and extended_by is not None:
        return f"extends {other}" if extended_by == this else f"extended by {other}"
    return f"{RELATION_WORDS[kind]} (vs {other})"


def _study_relation_words(corpus: Corpus) -> dict[tuple[str, str], list[str]]:
    """(construct, study) -> e.g. ``["refutational (vs moran2025)"]``, in synthesis order."""
    out: dict[tuple[str, str], list[str]] = defaultdict(list)
    sr = corpus.study_relations
    for cid, a, b, kind, by in _rows(
        sr, "construct_id", "study_a", "study_b", "type", "extended_by"
    ):
        for this, other in ((str(a), str(b)), (str(b), str(a))):
            text = _relation_word(str(kind), this, other, _text(by))
            if text not in out[(str(cid), this)]:
                out[(str(cid), this)].append(text)
    return out


def translation_table(corpus: Corpus) -> pd.DataFrame:
    """The meta-ethnography translation table: each construct as each study expresses it.

    The representative excerpt of a study on a construct is chosen deterministically among the
    excerpts the study's relations touching its mapped concepts cite, and those the synthesis
    cites for the study on that construct: first the excerpt the synthesis's study relations on
    the construct cite most often (the review author's own choice), then the one cited by most
    of those relations, and on a tie the one earlier in the study file.

    Parameters
    ----------
    corpus
        A loaded corpus.

    Returns
    -------
    pandas.DataFrame
        One row per (construct, study) where the study maps at least one concept onto the
        construct (constructs in file order, then studies in file order; every construct
        appears, since each draws on at least one study), with string columns

        ``construct_id``, ``construct`` (its label), ``study_id``
        ``concepts``
            the labels of the study's (second-order) concepts mapped there, "; "-joined;
        ``excerpt``, ``locator``
            the representative excerpt and where it stands: its section, page and character
            offset, those recorded (``"Results, char 1234"``), with ``(paraphrase, not
            verbatim)`` after a paraphrase; missing when no relation or study relation cites
            an excerpt for these concepts;
        ``relation``
            how the study relates to the others on the construct: ``reciprocal`` (agree) or
            ``refutational`` (refute) with the counterpart, e.g. ``"refutational (vs
            moran2025)"``, and for ``extend`` its direction: ``"extends moran2025"`` for the
            study that adds to the other's account, ``"extended by gillard2013"`` for the
            other (an extend that records no ``extended_by`` reads ``"extends (vs X)"`` for
            both); "; "-joined in synthesis order, an empty string when none is recorded;
        ``interpretation``
            the construct's third-order interpretation (missing when none is written).

    Examples
    --------
    >>> from peerlib import load_corpus
    >>> list(translation_table(load_corpus()).columns)  # doctest: +NORMALIZE_WHITESPACE
    ['construct_id', 'construct', 'study_id', 'concepts', 'excerpt', 'locator', 'relation',
     'interpretation']
    """
    ix = _index(corpus)
    chosen_by_author = _synthesis_citations(corpus)
    words = _study_relation_words(corpus)
    rows = []
    for con in _constructs(corpus):
        cid = str(con["construct_id"])
        for sid in ix.studies_of(cid):
            by_relations = ix.cited(cid, sid)
            by_author = chosen_by_author.get((cid, sid), Counter())
            # positions are unique within a study, so the best candidate is unique
            best = min(
                (ix.excerpts[(sid, e)] for e in {*by_relations, *by_author}),
                key=lambda x: (-by_author[x.eid], -by_relations[x.eid], x.position),
                default=None,
            )
            rows.append(
                (
                    cid,
                    con["label"],
                    sid,
                    ix.concept_labels(cid, sid),
                    best.text if best else None,
                    best.locator if best else None,
                    "; ".join(words.get((cid, sid), [])),
                    _text(con["interpretation"]),
                )
            )
    return _frame(
        rows,
        [
            ("construct_id", _TEXT),
            ("construct", _TEXT),
            ("study_id", _TEXT),
            ("concepts", _TEXT),
            ("excerpt", _TEXT),
            ("locator", _TEXT),
            ("relation", _TEXT),
            ("interpretation", _TEXT),
        ],
    )


def refutations(corpus: Corpus) -> pd.DataFrame:
    """Every refutational relation of the synthesis, with the evidence on each side.

    Parameters
    ----------
    corpus
        A loaded corpus.

    Returns
    -------
    pandas.DataFrame
        One row per study relation of type ``refute`` (synthesis file order), with string
        columns ``construct_id``, ``construct`` (its label), ``study_a``, ``study_b`` (as the
        synthesis lists them), ``rationale``, and ``excerpt_a``, ``locator_a``, ``excerpt_b``,
        ``locator_b``: the first excerpt the relation cites of each study and where it stands
        (section, page and character offset, those recorded; a paraphrase says so).

    Examples
    --------
    >>> from peerlib import load_corpus
    >>> list(refutations(load_corpus()).columns)  # doctest: +NORMALIZE_WHITESPACE
    ['construct_id', 'construct', 'study_a', 'study_b', 'rationale', 'excerpt_a', 'locator_a',
     'excerpt_b', 'locator_b']
    """
    ix = _index(corpus)
    labels = {con["construct_id"]: con["label"] for con in _constructs(corpus)}
    first: dict[tuple[str, int, str], str] = {}
    sre = corpus.study_relation_evidence
    for cid, pos, sid, eid in _rows(sre, "construct_id", "position", "study_id", "evidence_id"):
        first.setdefault((str(cid), int(pos), str(sid)), str(eid))

    def cited(cid: str, pos: int, sid: str) -> tuple[str | None, str | None]:
        eid = first.get((cid, pos, sid))
        if eid is None:
            return None, None
        excerpt = ix.excerpts[(sid, eid)]
        return excerpt.text, excerpt.locator

    rows = []
    sr = corpus.study_relations
    for cid, pos, a, b, kind, rationale in _rows(
        sr, "construct_id", "position", "study_a", "study_b", "type", "rationale"
    ):
        if kind != "refute":
            continue
        cid, a, b = str(cid), str(a), str(b)
        rows.append(
            (cid, labels[cid], a, b, rationale, *cited(cid, int(pos), a), *cited(cid, int(pos), b))
        )
    return _frame(
        rows,
        [
            ("construct_id", _TEXT),
            ("construct", _TEXT),
            ("study_a", _TEXT),
            ("study_b", _TEXT),
            ("rationale", _TEXT),
            ("excerpt_a", _TEXT),
            ("locator_a", _TEXT),
            ("excerpt_b", _TEXT),
            ("locator_b", _TEXT),
        ],
    )


def _kinds_of(kinds: dict[str, tuple[str | None, str]], studies: Iterable[str]) -> str:
    """The kinds of the given studies in words, e.g. ``"2 empirical studies and 1 ..."``;
    ``kinds`` is :func:`~peerlib._evidence.study_kinds` of the corpus, read once per table."""
    return describe_kinds(kinds[s] for s in studies)


def cerqual_summary(corpus: Corpus, *, all_constructs: bool = False) -> pd.DataFrame:
    """The GRADE-CERQual Summary of Qualitative Findings.

    A row is a review *finding*: the constructs whose ``finding`` is written in the synthesis
    file. A construct without one is not a finding yet and is left out, unless
    ``all_constructs`` is true, when it appears with a missing ``finding`` (its description is
    not put in its place: a description is not a finding).

    The four CERQual components and the confidence are the review author's judgements, read
    from the construct's ``cerqual`` block, and are missing until the author makes them:
    peerlib never computes a judgement, and puts no count in a judgement's column. What it
    can count is given beside them as context for the author: the contributing studies, what
    kinds of evidence they are (``evidence_kinds``, e.g. "2 empirical studies (1 results only)
    and 1 conceptual paper") and how many excerpts back the finding.

    Parameters
    ----------
    corpus
        A loaded corpus.
    all_constructs
        Also list the constructs that have no written finding.

    Returns
    -------
    pandas.DataFrame
        One row per construct (file order), with columns ``finding``, ``construct_id``, then
        the context: ``studies`` (contributing study ids, "; "-joined in file order),
        ``n_studies``, ``evidence_kinds``, ``evidence`` (distinct verbatim excerpts, as in
        :func:`construct_matrix` but never counting a paraphrase), ``paraphrases`` (the
        distinct paraphrased excerpts, apart) and ``coverage_notes`` (each contributing
        study's ``coverage_note``, "study: note; ..."; missing when none has one); then the
        judgements: ``methodological_limitations``, ``coherence``, ``adequacy``,
        ``relevance`` and ``confidence`` (ordered categorical: high, moderate, low, very low).
        Counts are int64, ``confidence`` categorical, the rest strings.

    Examples
    --------
    >>> from peerlib import load_corpus
    >>> table = cerqual_summary(load_corpus(), all_constructs=True)
    >>> list(table.columns)  # doctest: +NORMALIZE_WHITESPACE
    ['finding', 'construct_id', 'studies', 'n_studies', 'evidence_kinds', 'evidence',
     'paraphrases', 'coverage_notes', 'methodological_limitations', 'coherence', 'adequacy',
     'relevance', 'confidence']
    >>> bool(table["adequacy"].isna().all())  # no judgement is made up
    True
    """
    ix = _index(corpus)
    kinds = study_kinds(corpus.studies)
    rows = []
    for con in _constructs(corpus):
        if pd.isna(con["finding"]) and not all_constructs:
            continue
        cid = str(con["construct_id"])
        studies = ix.studies_of(cid)
        cited = [ix.excerpts[(s, e)] for s in studies for e in ix.cited(cid, s)]
        evidence = sum(e.verbatim for e in cited)
        notes = "; ".join(f"{s}: {ix.coverage_notes[s]}" for s in studies if s in ix.coverage_notes)
        rows.append(
            (
                _text(con["finding"]),
                cid,
                "; ".join(studies),
                len(studies),
                _kinds_of(kinds, studies),
                evidence,
                len(cited) - evidence,
                notes or None,
                _text(con["methodological_limitations"]),
                _text(con["coherence"]),
                _text(con["adequacy"]),
                _text(con["relevance"]),
                _text(con["confidence"]),
            )
        )
    return _frame(
        rows,
        [
            ("finding", _TEXT),
            ("construct_id", _TEXT),
            ("studies", _TEXT),
            ("n_studies", "int64"),
            ("evidence_kinds", _TEXT),
            ("evidence", "int64"),
            ("paraphrases", "int64"),
            ("coverage_notes", _TEXT),
            ("methodological_limitations", _TEXT),
            ("coherence", _TEXT),
            ("adequacy", _TEXT),
            ("relevance", _TEXT),
            ("confidence", corpus.constructs["confidence"].dtype),
        ],
    )


def translation_pairs(corpus: Corpus) -> pd.DataFrame:
    """Every pair of studies that share a construct, and whether and how it was translated.

    A meta-ethnography translates every pair of studies that speak to the same construct, or
    says why not. This table lists each such pair once per construct with what the synthesis
    records for it: its translations (a pair may have more than one), or the reason it was left
    untranslated, or neither (a gap, which :func:`peerlib.validate` reports with
    ``complete=True``).

    Parameters
    ----------
    corpus
        A loaded corpus.

    Returns
    -------
    pandas.DataFrame
        One row per construct and unordered pair of studies mapping concepts onto it
        (constructs in file order, pairs in corpus order), with string columns
        ``construct_id``, ``study_a``, ``study_b`` (``study_a`` first in corpus order),
        ``status`` (``translated``, ``untranslated`` or ``missing``), ``translation`` (e.g.
        ``"extend: kirkegaard2022 extends moran2025; refute"``, "; "-joined in synthesis
        order; missing unless translated) and ``reason`` (why it is untranslated; missing
        otherwise).

    Examples
    --------
    >>> from peerlib import load_corpus
    >>> pairs = translation_pairs(load_corpus())
    >>> list(pairs.columns)
    ['construct_id', 'study_a', 'study_b', 'status', 'translation', 'reason']
    >>> bool((pairs["status"] != "missing").all())  # the bundled review accounts for all
    True
    """
    order = {s: n for n, s in enumerate(corpus.study_ids)}
    ix = _index(corpus)
    said: dict[tuple[str, frozenset[str]], list[str]] = defaultdict(list)
    sr = corpus.study_relations
    for cid, a, b, kind, by in zip(
        sr["construct_id"],
        sr["study_a"],
        sr["study_b"],
        sr["type"],
        sr["extended_by"],
        strict=True,
    ):
        text = str(kind)
        if kind == "extend" and not pd.isna(by):
            other = str(b) if str(by) == str(a) else str(a)
            text = f"extend: {by} extends {other}"
        said[(str(cid), frozenset((str(a), str(b))))].append(text)
    reasons = {
        (str(cid), frozenset((str(a), str(b)))): str(reason)
        for cid, a, b, reason in zip(
            corpus.untranslated["construct_id"],
            corpus.untranslated["study_a"],
            corpus.untranslated["study_b"],
            corpus.untranslated["reason"],
            strict=True,
        )
    }
    rows: list[tuple[str, str, str, str, str | None, str | None]] = []
    for cid in ix.constructs:
        studies = sorted(ix.studies_of(cid), key=order.__getitem__)
        for n, a in enumerate(studies):
            for b in studies[n + 1 :]:
                key = (cid, frozenset((a, b)))
                if key in said:
                    rows.append((cid, a, b, "translated", "; ".join(said[key]), None))
                elif key in reasons:
                    rows.append((cid, a, b, "untranslated", None, reasons[key]))
                else:
                    rows.append((cid, a, b, "missing", None, None))
    return _frame(
        rows,
        [
            ("construct_id", _TEXT),
            ("study_a", _TEXT),
            ("study_b", _TEXT),
            ("status", _TEXT),
            ("translation", _TEXT),
            ("reason", _TEXT),
        ],
    )


def line_of_argument(corpus: Corpus) -> pd.DataFrame:
    """The line-of-argument synthesis: the review's argument, step by step, and its grounds.

    Noblit and Hare's third synthesis puts the translated constructs together into a whole
    that says more than any one study. Each step is the review author's claim, in order, with
    the constructs and studies it rests on and what kinds of evidence those studies are.

    Parameters
    ----------
    corpus
        A loaded corpus.

    Returns
    -------
    pandas.DataFrame
        One row per step (file order), with columns ``position`` (int64, 1-based),
        ``step_id``, ``claim``, ``constructs`` (the constructs' labels, "; "-joined in the
        step's order), ``studies`` (study ids, "; "-joined in the step's order),
        ``evidence_kinds`` (e.g. "2 empirical studies and 1 conceptual paper"), ``excerpts``
        (int64: the excerpts the step cites) and ``note``. Empty when the synthesis has no
        line of argument.

    Examples
    --------
    >>> from peerlib import load_corpus
    >>> table = line_of_argument(load_corpus())
    >>> list(table.columns)  # doctest: +NORMALIZE_WHITESPACE
    ['position', 'step_id', 'claim', 'constructs', 'studies', 'evidence_kinds', 'excerpts',
     'note']
    """
    labels = {
        str(c): str(lab)
        for c, lab in zip(
            corpus.constructs["construct_id"], corpus.constructs["label"], strict=True
        )
    }
    constructs = _grouped(corpus.argument_constructs, "construct_id")
    studies = _grouped(corpus.argument_studies, "study_id")
    excerpts = Counter(str(s) for s in corpus.argument_evidence["step_id"])
    kinds = study_kinds(corpus.studies)
    rows = []
    arg = corpus.argument
    for position, step, claim, note in zip(
        arg["position"], arg["step_id"], arg["claim"], arg["note"], strict=True
    ):
        sid = str(step)
        rows.append(
            (
                int(position),
                sid,
                str(claim),
                "; ".join(labels[c] for c in constructs[sid]),
                "; ".join(studies[sid]),
                _kinds_of(kinds, studies[sid]),
                excerpts[sid],
                _text(note),
            )
        )
    return _frame(
        rows,
        [
            ("position", "int64"),
            ("step_id", _TEXT),
            ("claim", _TEXT),
            ("constructs", _TEXT),
            ("studies", _TEXT),
            ("evidence_kinds", _TEXT),
            ("excerpts", "int64"),
            ("note", _TEXT),
        ],
    )


def _grouped(table: pd.DataFrame, column: str) -> dict[str, list[str]]:
    """step id -> the values of ``column`` in file order (a step's constructs or studies)."""
    out: dict[str, list[str]] = defaultdict(list)
    for step, value in zip(table["step_id"], table[column], strict=True):
        out[str(step)].append(str(value))
    return out


def unmapped_concepts(corpus: Corpus) -> pd.DataFrame:
    """What each study contributes that no construct holds, and why.

    Every concept of a study either maps onto a construct or is listed in the synthesis as
    unmapped, with the review author's reason (study-specific ideas, actors every paper
    names, a paper's own analytic machinery). This table lists the concepts that map onto no
    construct, so a reader sees what the synthesis leaves to the single studies, including
    any the author has not yet accounted for.

    Parameters
    ----------
    corpus
        A loaded corpus.

    Returns
    -------
    pandas.DataFrame
        One row per concept that maps onto no construct (studies in file order, concepts in
        the study file's order), with columns ``study_id``, ``concept_id``, ``label``,
        ``kind`` (string) and ``reason`` (the author's; missing when the concept is not
        accounted for). Without a synthesis every concept is listed, without reasons.

    Examples
    --------
    >>> from peerlib import load_corpus
    >>> table = unmapped_concepts(load_corpus())
    >>> list(table.columns)
    ['study_id', 'concept_id', 'label', 'kind', 'reason']
    >>> bool(table["reason"].notna().all())  # the bundled review gives a reason for each
    True
    """
    mapped = set(zip(corpus.alignment["study_id"], corpus.alignment["concept_id"], strict=True))
    reasons = {
        (str(s), str(c)): str(r)
        for s, c, r in zip(
            corpus.unmapped["study_id"],
            corpus.unmapped["concept_id"],
            corpus.unmapped["reason"],
            strict=True,
        )
    }
    order = {s: n for n, s in enumerate(corpus.study_ids)}
    rows = [
        (sid, cid, label, str(kind), reasons.get((str(sid), str(cid))))
        for n, (sid, cid, label, kind) in sorted(
            enumerate(
                zip(
                    corpus.concepts["study_id"],
                    corpus.concepts["concept_id"],
                    corpus.concepts["label"],
                    corpus.concepts["kind"],
                    strict=True,
                )
            ),
            key=lambda item: (order[str(item[1][0])], item[0]),
        )
        if (sid, cid) not in mapped
    ]
    return _frame(
        rows,
        [
            ("study_id", _TEXT),
            ("concept_id", _TEXT),
            ("label", _TEXT),
            ("kind", _TEXT),
            ("reason", _TEXT),
        ],
    )


def construct_evidence(corpus: Corpus, construct_id: str) -> pd.DataFrame:
    """Every excerpt behind one construct: what an evidence explorer lists.

    Parameters
    ----------
    corpus
        A loaded corpus.
    construct_id
        One of ``corpus.construct_ids``; anything else raises
        :class:`~peerlib.loading.UnknownIdError` listing the valid ids.

    Returns
    -------
    pandas.DataFrame
        One row per excerpt cited by a study's relations that touch the study's concepts mapped
        onto the construct (studies in file order, excerpts in file order), with string columns
        ``study_id``, ``evidence_id``, ``text``, ``speaker``, ``locator`` (which says when
        the text is a paraphrase) and ``relations``
        (how many of those relations cite it, int64).

    Examples
    --------
    >>> from peerlib import load_corpus
    >>> corpus = load_corpus()
    >>> table = construct_evidence(corpus, corpus.construct_ids[0])
    >>> list(table.columns)
    ['study_id', 'evidence_id', 'text', 'speaker', 'locator', 'relations']
    """
    if construct_id not in corpus.construct_ids:
        raise UnknownIdError(
            f"unknown construct {construct_id!r}; valid ids: {', '.join(corpus.construct_ids)}"
        )
    ix = _index(corpus)
    speakers = {
        (s, e): p for s, e, p in _rows(corpus.evidence, "study_id", "evidence_id", "speaker")
    }
    rows = []
    for sid in ix.studies_of(construct_id):
        cited = ix.cited(construct_id, sid)
        for eid in sorted(cited, key=lambda e: ix.excerpts[(sid, e)].position):
            excerpt = ix.excerpts[(sid, eid)]
            rows.append((sid, eid, excerpt.text, speakers[(sid, eid)], excerpt.locator, cited[eid]))
    return _frame(
        rows,
        [
            ("study_id", _TEXT),
            ("evidence_id", _TEXT),
            ("text", _TEXT),
            ("speaker", _TEXT),
            ("locator", _TEXT),
            ("relations", "int64"),
        ],
    )
