"""The data behind each chart: pure functions from a corpus to the tidy frames a chart encodes.

Every chart of :mod:`peerlib.charts` draws exactly the frames built here, so what a figure shows
can be tested (and reused in another plotting library) without drawing it. Each function returns
rows in a deterministic order; network layouts are seeded and rounded (identical on every run).

Values that a chart maps to colours are words a reader sees in the legend: a relation's
``polarity`` is one of :data:`POLARITIES`, a construct's ``status`` one of :data:`STATUSES`, and a
study's ``coverage`` one of the values of :data:`~peerlib.models.COVERAGE_LABELS`.
"""

from __future__ import annotations

import math
from collections import defaultdict
from dataclasses import dataclass
from typing import Any

import networkx as nx
import pandas as pd

from ._layout import grouped_layout
from .comparison import construct_matrix, study_similarity, theme_evidence, translation_table
from .graphs import study_graph, synthesis_graph
from .loading import Corpus, UnknownIdError, check_study_id
from .measures import study_measures
from .models import COVERAGE_LABELS

__all__ = [
    "CENTRALITY_MEASURES",
    "NO_THEME",
    "OPPOSING",
    "POLARITIES",
    "SIMILARITY_MEASURES",
    "STATUSES",
    "CentralityFrames",
    "NetworkFrames",
    "centrality_frames",
    "construct_evidence_frame",
    "construct_heatmap_frame",
    "evidence_density_frame",
    "similarity_frame",
    "study_network_frames",
    "synthesis_network_frames",
]

#: Relation types that pull against their target (drawn in vermillion).
OPPOSING = frozenset({"constrains", "in_tension_with", "contests"})
#: A relation's (or a link's) ``polarity``: supports its target, or pulls against it.
POLARITIES: tuple[str, str] = ("supports", "pulls against")
#: A construct's ``status``: whether some studies refute each other on it.
STATUSES: tuple[str, str] = ("not contested", "contested")
#: The ``theme`` of a concept that the paper files under no theme.
NO_THEME = "(no theme)"
#: The measures :func:`similarity_frame` can show, with their names for a reader.
SIMILARITY_MEASURES: dict[str, str] = {"jaccard": "Jaccard index", "overlap": "overlap coefficient"}
#: The measures :func:`centrality_frames` can show, with their names for a reader.
CENTRALITY_MEASURES: dict[str, str] = {
    "betweenness": "Betweenness centrality",
    "degree_centrality": "Degree centrality",
}


@dataclass(frozen=True)
class NetworkFrames:
    """What a network chart draws: points, line segments and arrowheads.

    Attributes
    ----------
    nodes
        One row per node, with its position ``x``, ``y`` in ``[-1, 1]``.
    lines
        One row per drawn link: ``source``, ``target``, the link's own columns, then the
        segment's ends ``x``, ``y``, ``x2``, ``y2``.
    arrows
        One row per link of non-zero length: the link's columns, the arrowhead's position
        ``x``, ``y`` (70% of the way to the target) and ``angle`` (degrees clockwise from
        north, pointing at the target).
    themes
        For a study network, the legend order of the ``theme`` column (the paper's theme
        order, then :data:`NO_THEME` if some concept has none); empty for the synthesis.
    """

    nodes: pd.DataFrame
    lines: pd.DataFrame
    arrows: pd.DataFrame
    themes: tuple[str, ...] = ()


@dataclass(frozen=True)
class CentralityFrames:
    """What the centrality chart draws.

    Attributes
    ----------
    concepts
        :func:`~peerlib.measures.study_measures` with each concept's ``kind`` and ``bridges``
        as a word (``yes``, ``no``, ``n/a``).
    most_central
        One row of ``concepts`` per study (corpus order): its most central concept, the
        first in id order on a tie.
    """

    concepts: pd.DataFrame
    most_central: pd.DataFrame


# ------------------------------------------------------------------------------- helpers


def short_text(text: str, limit: int = 180) -> str:
    """``text`` cut to ``limit`` characters, ending in an ellipsis when cut.

    Examples
    --------
    >>> short_text("a long sentence", 6)
    'a lon…'
    """
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


def _coverage(corpus: Corpus) -> pd.Series:
    """study id -> what text of it was coded, in words (``full text``, ...)."""
    return corpus.studies.set_index("study_id")["coverage"].astype(str).map(COVERAGE_LABELS)


def _evidence_texts(corpus: Corpus, study_id: str) -> pd.Series:
    return corpus.evidence[corpus.evidence["study_id"] == study_id].set_index("evidence_id")["text"]


def _quoted(evidence_id: str, texts: pd.Series) -> str:
    return f"{evidence_id}: “{short_text(str(texts[evidence_id]))}”"


def _segments(
    links: list[dict[str, Any]], pos: dict[Any, tuple[float, float]]
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Line segments and arrowheads (placed 70% along, pointing at the target)."""
    lines, arrows = [], []
    for link in links:
        (x, y), (x2, y2) = pos[link["source"]], pos[link["target"]]
        lines.append({**link, "x": x, "y": y, "x2": x2, "y2": y2})
        if (x, y) != (x2, y2):
            angle = round(math.degrees(math.atan2(x2 - x, y2 - y)) % 360, 1)
            arrows.append(
                {
                    **link,
                    "x": round(x + 0.7 * (x2 - x), 3),
                    "y": round(y + 0.7 * (y2 - y), 3),
                    "angle": angle,
                }
            )
    return pd.DataFrame(lines), pd.DataFrame(arrows)


def _polarity(opposing: bool) -> str:
    return POLARITIES[1] if opposing else POLARITIES[0]


# ------------------------------------------------------------------------------- networks


def _excerpts_by_concept(graph: nx.MultiDiGraph, texts: pd.Series) -> dict[str, list[str]]:
    """Concept -> the excerpts cited by its relations, each once, in relation order."""
    cited: dict[str, list[str]] = defaultdict(list)
    for u, v, data in graph.edges(data=True):
        for eid in data["evidence"]:
            for node in (u, v):
                if eid not in cited[node]:
                    cited[node].append(eid)
    return {node: [_quoted(eid, texts) for eid in ids] for node, ids in cited.items()}


def study_network_frames(corpus: Corpus, study_id: str, *, seed: int = 7) -> NetworkFrames:
    """The concepts and relations of one study, laid out so that each theme's concepts cluster.

    Parameters
    ----------
    corpus
        A loaded corpus.
    study_id
        One of ``corpus.study_ids``; anything else raises
        :class:`~peerlib.graphs.UnknownIdError`.
    seed
        Seed of the spring layout: the same seed gives the same positions.

    Returns
    -------
    NetworkFrames
        ``nodes``: one row per concept (file order) with ``concept_id``, ``label``, ``kind``,
        ``theme`` (the name of its first theme, which gives its shape, or :data:`NO_THEME`),
        ``themes`` (every theme name, "; "-joined), ``definition``, ``excerpts`` (the first
        three excerpts its relations cite), ``degree``, ``x``, ``y``. ``lines`` and ``arrows``:
        one row per relation with ``source``, ``target``, ``relation`` (a sentence),
        ``type``, ``polarity`` and ``evidence`` (the excerpts it cites). ``themes``: the
        shape legend's order.

    Examples
    --------
    >>> from peerlib import load_corpus
    >>> frames = study_network_frames(load_corpus(studies=["austin2014"]), "austin2014")
    >>> list(frames.nodes.columns)  # doctest: +NORMALIZE_WHITESPACE
    ['concept_id', 'label', 'kind', 'theme', 'themes', 'definition', 'excerpts', 'degree',
     'x', 'y']
    """
    check_study_id(corpus, study_id)
    graph = study_graph(corpus, study_id)
    themes = corpus.themes[corpus.themes["study_id"] == study_id]
    theme_names = dict(zip(themes["theme_id"], themes["name"], strict=True))
    primary = {n: (d["themes"][0] if d["themes"] else None) for n, d in graph.nodes(data=True)}
    pos = grouped_layout(graph, primary, seed=seed)
    texts = _evidence_texts(corpus, study_id)
    excerpts = _excerpts_by_concept(graph, texts)
    nodes = pd.DataFrame(
        [
            {
                "concept_id": n,
                "label": d["label"],
                "kind": d["kind"],
                "theme": theme_names[primary[n]] if primary[n] else NO_THEME,
                "themes": "; ".join(theme_names[t] for t in d["themes"]),
                "definition": d["definition"],
                "excerpts": " · ".join(excerpts.get(n, [])[:3]),
                "degree": graph.degree(n),
                "x": pos[n][0],
                "y": pos[n][1],
            }
            for n, d in graph.nodes(data=True)
        ]
    )
    labels = nx.get_node_attributes(graph, "label")
    links = [
        {
            "source": u,
            "target": v,
            "relation": f"{labels[u]} {d['type'].replace('_', ' ')} {labels[v]}",
            "type": d["type"],
            "polarity": _polarity(d["type"] in OPPOSING),
            "evidence": " · ".join(_quoted(e, texts) for e in d["evidence"]),
        }
        for u, v, d in graph.edges(data=True)
    ]
    lines, arrows = _segments(links, pos)
    order = [str(t) for t in themes["name"]]
    if (nodes["theme"] == NO_THEME).any():
        order.append(NO_THEME)
    return NetworkFrames(nodes, lines, arrows, tuple(order))


def synthesis_network_frames(corpus: Corpus, *, seed: int = 7) -> NetworkFrames:
    """The constructs of the synthesis and the study relations between their concepts.

    Parameters
    ----------
    corpus
        A loaded corpus.
    seed
        Seed of the spring layout: the same seed gives the same positions.

    Returns
    -------
    NetworkFrames
        ``nodes``: one row per construct (file order) with ``construct_id``, ``label``,
        ``n_studies`` (supporting studies), ``studies`` (their ids), ``evidence`` (distinct
        excerpts), ``status`` (one of :data:`STATUSES`), ``refutations`` (the refuting pairs,
        or ``none``), ``study_specific`` (``yes``/``no``), ``x``, ``y``. ``lines`` and
        ``arrows``: one row per ordered pair of constructs that some study relation joins
        (sorted), with ``source``, ``target``, ``link`` (``A → B``), ``types``,
        ``relations`` (how many study relations), ``studies`` and ``polarity`` (pulls
        against when more than half of those relations oppose their target).

    Examples
    --------
    >>> from peerlib import load_corpus
    >>> corpus = load_corpus()
    >>> frames = synthesis_network_frames(corpus)
    >>> frames.nodes["construct_id"].tolist() == corpus.construct_ids
    True
    """
    graph = synthesis_graph(corpus)
    simple = nx.Graph()
    simple.add_nodes_from(graph.nodes)
    pairs: dict[tuple[str, str], dict[str, Any]] = {}
    for u, v, d in graph.edges(data=True):
        pair = pairs.setdefault(
            (u, v), {"types": [], "relations": 0, "studies": set(), "opposing": 0}
        )
        pair["types"].append(d["type"].replace("_", " "))
        pair["relations"] += len(d["relations"])
        pair["studies"].update(d["studies"])
        pair["opposing"] += len(d["relations"]) if d["type"] in OPPOSING else 0
        if u != v:
            simple.add_edge(u, v)
    pos = grouped_layout(simple, {}, seed=seed)
    labels = nx.get_node_attributes(graph, "label")
    nodes = pd.DataFrame(
        [
            {
                "construct_id": n,
                "label": d["label"],
                "n_studies": d["n_studies"],
                "studies": ", ".join(d["studies"]),
                "evidence": d["evidence"],
                "status": STATUSES[1] if d["refutations"] else STATUSES[0],
                "refutations": "; ".join(f"{a} vs {b}" for a, b in d["refutations"]) or "none",
                "study_specific": "yes" if d["study_specific"] else "no",
                "x": pos[n][0],
                "y": pos[n][1],
            }
            for n, d in graph.nodes(data=True)
        ]
    )
    links = [
        {
            "source": u,
            "target": v,
            "link": f"{labels[u]} → {labels[v]}",
            "types": ", ".join(sorted(set(p["types"]))),
            "relations": p["relations"],
            "studies": ", ".join(sorted(p["studies"])),
            "polarity": _polarity(p["opposing"] * 2 > p["relations"]),
        }
        for (u, v), p in sorted(pairs.items())
    ]
    lines, arrows = _segments(links, pos)
    return NetworkFrames(nodes, lines, arrows)


# ------------------------------------------------------------------------------- matrices


def construct_heatmap_frame(corpus: Corpus) -> pd.DataFrame:
    """One cell per construct and study: what the construct heatmap colours and labels.

    Parameters
    ----------
    corpus
        A loaded corpus.

    Returns
    -------
    pandas.DataFrame
        :func:`~peerlib.comparison.construct_matrix` (constructs in file order, then studies)
        with ``construct`` (the construct's label) and ``evidence_text`` (the excerpt count as
        text, empty where the study does not speak to the construct).

    Examples
    --------
    >>> from peerlib import load_corpus
    >>> construct_heatmap_frame(load_corpus()).columns[-2:].tolist()
    ['construct', 'evidence_text']
    """
    matrix = construct_matrix(corpus)
    labels = corpus.constructs.set_index("construct_id")["label"]
    return matrix.assign(
        construct=matrix["construct_id"].map(labels).astype(str),
        evidence_text=[
            str(n) if present else ""
            for n, present in zip(matrix["evidence"], matrix["present"], strict=True)
        ],
    )


def _check_measure(measure: str, known: dict[str, str]) -> None:
    if measure not in known:
        choices = " or ".join(repr(m) for m in known)
        raise ValueError(f"measure must be {choices}, not {measure!r}")


def similarity_frame(corpus: Corpus, measure: str = "jaccard") -> pd.DataFrame:
    """One cell per ordered pair of studies: what the similarity matrix colours and labels.

    Parameters
    ----------
    corpus
        A loaded corpus.
    measure
        ``"jaccard"`` or ``"overlap"`` (:data:`SIMILARITY_MEASURES`): the column written out
        as ``value_text``.

    Returns
    -------
    pandas.DataFrame
        :func:`~peerlib.comparison.study_similarity` with ``value_text``: the measure to two
        decimals, empty where it is undefined.

    Examples
    --------
    >>> from peerlib import load_corpus
    >>> frame = similarity_frame(load_corpus(), "overlap")
    >>> frame.loc[0, ["study_a", "study_b", "value_text"]].tolist()
    ['austin2014', 'austin2014', '1.00']
    """
    _check_measure(measure, SIMILARITY_MEASURES)
    data = study_similarity(corpus)
    return data.assign(value_text=data[measure].map(lambda v: "" if pd.isna(v) else f"{v:.2f}"))


# ------------------------------------------------------------------------------- measures, evidence


def centrality_frames(corpus: Corpus, measure: str = "betweenness") -> CentralityFrames:
    """Every concept's centrality in its study's graph, and each study's most central concept.

    Parameters
    ----------
    corpus
        A loaded corpus.
    measure
        ``"betweenness"`` or ``"degree_centrality"`` (:data:`CENTRALITY_MEASURES`): what
        "most central" means.

    Returns
    -------
    CentralityFrames

    Examples
    --------
    >>> from peerlib import load_corpus
    >>> frames = centrality_frames(load_corpus(studies=["moran2025"]))
    >>> frames.most_central[["study_id", "node"]].values.tolist()
    [['moran2025', 'self_disclosure']]
    """
    _check_measure(measure, CENTRALITY_MEASURES)
    data = study_measures(corpus)
    kinds = corpus.concepts.set_index(["study_id", "concept_id"])["kind"].astype(str)
    data = data.assign(
        kind=[kinds[(s, n)] for s, n in zip(data["study_id"], data["node"], strict=True)],
        bridges=data["bridges"].map({True: "yes", False: "no"}).fillna("n/a").astype(str),
    )
    top = data.sort_values([measure, "node"], ascending=[False, True], kind="stable")
    top = top.drop_duplicates("study_id").sort_values("study_id", kind="stable")
    return CentralityFrames(data, top)


def evidence_density_frame(corpus: Corpus) -> pd.DataFrame:
    """One bar per theme of each study: the excerpts that back it.

    Parameters
    ----------
    corpus
        A loaded corpus.

    Returns
    -------
    pandas.DataFrame
        :func:`~peerlib.comparison.theme_evidence` (studies in file order, then themes) with
        ``coverage`` (what text of the study was coded, in words) and ``row`` (the bar's
        label: ``study · theme name``).

    Examples
    --------
    >>> from peerlib import load_corpus
    >>> evidence_density_frame(load_corpus(studies=["austin2014"]))["row"].tolist()[:1]
    ['austin2014 · transforming experience into expertise']
    """
    data = theme_evidence(corpus)
    return data.assign(
        coverage=data["study_id"].map(_coverage(corpus)),
        row=data["study_id"].astype(str) + " · " + data["name"].astype(str),
    )


def construct_evidence_frame(corpus: Corpus, construct_id: str) -> pd.DataFrame:
    """One bar per study that speaks to a construct, with what its tooltip tells.

    Parameters
    ----------
    corpus
        A loaded corpus.
    construct_id
        One of ``corpus.construct_ids``; anything else raises
        :class:`~peerlib.graphs.UnknownIdError` listing the valid ids.

    Returns
    -------
    pandas.DataFrame
        The rows of :func:`~peerlib.comparison.construct_matrix` for the construct where the
        study is present (corpus order), with ``coverage`` (in words), ``concepts_text`` (the
        study's concepts there), ``excerpt`` (its representative excerpt, cut to 180
        characters, or ``(none cited)``) and ``relation`` (how it relates to the other
        studies), both from :func:`~peerlib.comparison.translation_table`.

    Examples
    --------
    >>> from peerlib import load_corpus
    >>> corpus = load_corpus()
    >>> frame = construct_evidence_frame(corpus, corpus.construct_ids[0])
    >>> bool(frame["present"].all())
    True
    """
    if construct_id not in corpus.construct_ids:
        raise UnknownIdError(
            f"unknown construct {construct_id!r}; valid ids: {', '.join(corpus.construct_ids)}"
        )
    matrix = construct_matrix(corpus)
    rows = matrix[(matrix["construct_id"] == construct_id) & matrix["present"]]
    table = translation_table(corpus)
    table = table[table["construct_id"] == construct_id].set_index("study_id")
    return rows.assign(
        coverage=rows["study_id"].map(_coverage(corpus)),
        concepts_text=rows["study_id"].map(table["concepts"]).astype(str),
        excerpt=rows["study_id"]
        .map(table["excerpt"])
        .fillna("(none cited)")
        .astype(str)
        .map(short_text),
        relation=rows["study_id"].map(table["relation"]).astype(str),
    )
