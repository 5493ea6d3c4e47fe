"""Concept graphs: one study's concepts and relations, and the cross-study synthesis graph."""

from __future__ import annotations

from collections import defaultdict

import networkx as nx
import pandas as pd

from .loading import Corpus, check_study_id

__all__ = ["study_graph", "synthesis_graph"]


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
    themes: dict[str, list[str]] = defaultdict(list)
    tc = corpus.theme_concepts[corpus.theme_concepts["study_id"] == study_id]
    for theme_id, concept_id in zip(tc["theme_id"], tc["concept_id"], strict=True):
        if theme_id not in themes[str(concept_id)]:
            themes[str(concept_id)].append(str(theme_id))
    graph = nx.MultiDiGraph(study_id=study_id)
    concepts = corpus.concepts[corpus.concepts["study_id"] == study_id]
    for row in concepts.itertuples(index=False):
        graph.add_node(
            row.concept_id,
            label=row.label,
            kind=row.kind,
            definition=row.definition,
            themes=themes.get(str(row.concept_id), []),
        )
    evidence: dict[str, list[str]] = defaultdict(list)
    re = corpus.relation_evidence[corpus.relation_evidence["study_id"] == study_id]
    for rid, eid in zip(re["relation_id"], re["evidence_id"], strict=True):
        evidence[str(rid)].append(str(eid))
    relations = corpus.relations[corpus.relations["study_id"] == study_id]
    for row in relations.itertuples(index=False):
        graph.add_edge(
            row.source,
            row.target,
            key=row.relation_id,
            type=row.type,
            evidence=evidence[str(row.relation_id)],
            note=_text_or_none(row.note),
        )
    return graph


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
    al = corpus.alignment
    for cid, sid, concept in zip(al["construct_id"], al["study_id"], al["concept_id"], strict=True):
        constructs_of[(sid, concept)].append(str(cid))
        studies_of[str(cid)].add(str(sid))

    rel_evidence: dict[tuple[str, str], set[str]] = defaultdict(set)
    re = corpus.relation_evidence
    for sid, rid, eid in zip(re["study_id"], re["relation_id"], re["evidence_id"], strict=True):
        rel_evidence[(sid, rid)].add(f"{sid}/{eid}")

    node_evidence: dict[str, set[str]] = defaultdict(set)
    edges: dict[tuple[str, str, str], dict[str, set[str]]] = {}
    rel = corpus.relations
    for sid, rid, source, target, rtype in zip(
        rel["study_id"], rel["relation_id"], rel["source"], rel["target"], rel["type"], strict=True
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
    sr = corpus.study_relations
    for cid, a, b, kind in zip(
        sr["construct_id"], sr["study_a"], sr["study_b"], sr["type"], strict=True
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
