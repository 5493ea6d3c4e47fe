"""Concept graphs: one study's concepts and relations, and the cross-study synthesis graph."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterator, Sequence
from typing import Any, NamedTuple

import networkx as nx
import pandas as pd

from .loading import Corpus, check_study_id

__all__ = ["study_graph", "study_graphs", "synthesis_graph"]


def _text_or_none(value: object) -> str | None:
    return None if value is None or value is pd.NA else str(value)


def study_graph(corpus: Corpus, study_id: str) -> nx.MultiDiGraph:
    """The concept graph of one study.

    Nodes are the study's concepts in file order, with attributes ``label``, ``kind``,
    ``definition`` and ``themes`` (theme ids, in theme order). Edges are its relations, keyed by
    relation id, with attributes ``type``, ``evidence`` (excerpt ids) and ``note``.

    Examples
    --------
    >>> from peerlib import load_corpus
    >>> g = study_graph(load_corpus(), "moran2025")
    >>> g.graph["study_id"], g.number_of_nodes() >= 15
    ('moran2025', True)
    """
    check_study_id(corpus, study_id)
    return _study_graphs(_one_study(corpus, study_id))[study_id]


def _one_study(corpus: Corpus, study_id: str) -> _StudyTables:
    def rows(frame: pd.DataFrame) -> pd.DataFrame:
        return frame[frame["study_id"] == study_id]

    return _StudyTables(
        [study_id],
        rows(corpus.theme_concepts),
        rows(corpus.concepts),
        rows(corpus.relations),
        rows(corpus.relation_evidence),
    )


class _StudyTables(NamedTuple):
    """The rows of the corpus tables a study graph is built from (of one or more studies)."""

    study_ids: list[str]
    theme_concepts: pd.DataFrame
    concepts: pd.DataFrame
    relations: pd.DataFrame
    relation_evidence: pd.DataFrame


def study_graphs(
    corpus: Corpus, study_ids: Sequence[str] | None = None
) -> dict[str, nx.MultiDiGraph]:
    """:func:`study_graph` of every study (or of ``study_ids``), reading each table once.

    Parameters
    ----------
    corpus
        A loaded corpus.
    study_ids
        The studies to build, in the order wanted; default every study, in corpus order. An
        unknown id raises :class:`~peerlib.loading.UnknownIdError`.

    Returns
    -------
    dict
        Study id -> its graph, in that order.

    Examples
    --------
    >>> from peerlib import load_corpus
    >>> corpus = load_corpus()
    >>> graphs = study_graphs(corpus)
    >>> list(graphs) == corpus.study_ids
    True
    >>> list(study_graphs(corpus, ["moran2025"]))
    ['moran2025']
    """
    if study_ids is None:
        return _study_graphs(
            _StudyTables(
                corpus.study_ids,
                corpus.theme_concepts,
                corpus.concepts,
                corpus.relations,
                corpus.relation_evidence,
            )
        )
    for sid in study_ids:
        check_study_id(corpus, sid)
    wanted = set(study_ids)

    def rows(frame: pd.DataFrame) -> pd.DataFrame:
        return frame[frame["study_id"].isin(wanted)]

    return _study_graphs(
        _StudyTables(
            list(study_ids),
            rows(corpus.theme_concepts),
            rows(corpus.concepts),
            rows(corpus.relations),
            rows(corpus.relation_evidence),
        )
    )


def _columns(frame: pd.DataFrame, *names: str) -> Iterator[tuple[Any, ...]]:
    """The rows of these columns as plain Python values (``tolist``: fast for large tables)."""
    return zip(*(frame[n].tolist() for n in names), strict=True)


def _study_graphs(tables: _StudyTables) -> dict[str, nx.MultiDiGraph]:
    themes: dict[tuple[str, str], list[str]] = defaultdict(list)
    for sid, theme_id, concept_id in _columns(
        tables.theme_concepts, "study_id", "theme_id", "concept_id"
    ):
        if theme_id not in themes[(sid, concept_id)]:
            themes[(sid, concept_id)].append(theme_id)
    graphs = {sid: nx.MultiDiGraph(study_id=sid) for sid in tables.study_ids}
    for sid, concept_id, label, kind, definition in _columns(
        tables.concepts, "study_id", "concept_id", "label", "kind", "definition"
    ):
        graphs[sid].add_node(
            concept_id,
            label=label,
            kind=kind,
            definition=definition,
            themes=themes.get((sid, concept_id), []),
        )
    evidence: dict[tuple[str, str], list[str]] = defaultdict(list)
    for sid, rid, eid in _columns(
        tables.relation_evidence, "study_id", "relation_id", "evidence_id"
    ):
        evidence[(sid, rid)].append(eid)
    for sid, rid, source, target, rtype, note in _columns(
        tables.relations, "study_id", "relation_id", "source", "target", "type", "note"
    ):
        graphs[sid].add_edge(
            source,
            target,
            key=rid,
            type=rtype,
            evidence=evidence[(sid, rid)],
            note=_text_or_none(note),
        )
    return graphs


def synthesis_graph(corpus: Corpus) -> nx.MultiDiGraph:
    """The cross-study graph over the synthesis constructs.

    Each node is a construct (file order) with ``label``, ``study_specific``, ``studies``
    (sorted ids of the studies that map concepts onto it), ``n_studies``, ``evidence`` (how many
    distinct excerpts back the relations touching its concepts), and ``refutations`` (the study
    pairs recorded as refuting each other on it).

    An edge ``A -> B`` keyed by relation type gathers every study relation whose source concept
    maps onto ``A`` and target onto ``B``; it carries ``studies``, ``n_studies``, ``evidence``
    (distinct excerpts) and ``relations`` (``study/relation_id``). Edges are added in sorted
    order so the graph is the same on every run.

    Examples
    --------
    >>> from peerlib import load_corpus
    >>> g = synthesis_graph(load_corpus())
    >>> all(g.nodes[n]["n_studies"] >= 1 for n in g)
    True
    """
    constructs_of: dict[tuple[str, str], list[str]] = defaultdict(list)
    studies_of: dict[str, set[str]] = defaultdict(set)
    for cid, sid, concept in _columns(corpus.alignment, "construct_id", "study_id", "concept_id"):
        constructs_of[(sid, concept)].append(cid)
        studies_of[cid].add(sid)

    rel_evidence: dict[tuple[str, str], set[str]] = defaultdict(set)
    for sid, rid, eid in _columns(
        corpus.relation_evidence, "study_id", "relation_id", "evidence_id"
    ):
        rel_evidence[(sid, rid)].add(f"{sid}/{eid}")

    node_evidence: dict[str, set[str]] = defaultdict(set)
    edges: dict[tuple[str, str, str], dict[str, set[str]]] = {}
    for sid, rid, source, target, rtype in _columns(
        corpus.relations, "study_id", "relation_id", "source", "target", "type"
    ):
        cited = rel_evidence[(sid, rid)]
        sources = constructs_of.get((sid, source), [])
        targets = constructs_of.get((sid, target), [])
        for construct in {*sources, *targets}:
            node_evidence[construct] |= cited
        for a in sources:
            for b in targets:
                if a == b:
                    continue
                edge = edges.setdefault(
                    (a, b, str(rtype)), {"studies": set(), "evidence": set(), "relations": set()}
                )
                edge["studies"].add(str(sid))
                edge["evidence"] |= cited
                edge["relations"].add(f"{sid}/{rid}")

    refutations: dict[str, list[tuple[str, str]]] = defaultdict(list)
    for cid, a, b, kind in _columns(
        corpus.study_relations, "construct_id", "study_a", "study_b", "type"
    ):
        if kind == "refute":
            refutations[str(cid)].append((str(a), str(b)))

    graph = nx.MultiDiGraph()
    for row in corpus.constructs.itertuples(index=False):
        cid = str(row.construct_id)
        studies = sorted(studies_of[cid])
        graph.add_node(
            cid,
            label=row.label,
            study_specific=bool(row.study_specific),
            studies=studies,
            n_studies=len(studies),
            evidence=len(node_evidence[cid]),
            refutations=refutations[cid],
        )
    for (a, b, rtype), edge in sorted(edges.items()):
        graph.add_edge(
            a,
            b,
            key=rtype,
            type=rtype,
            studies=sorted(edge["studies"]),
            n_studies=len(edge["studies"]),
            evidence=len(edge["evidence"]),
            relations=sorted(edge["relations"]),
        )
    return graph
