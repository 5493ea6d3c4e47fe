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
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, TypeVar

import networkx as nx
import numpy as np
import pandas as pd

from ._drawing import primary_themes, study_positions, synthesis_positions
from .comparison import construct_matrix, study_similarity, theme_evidence, translation_table
from .graphs import study_graph, synthesis_graph
from .loading import Corpus, UnknownIdError, check_study_id
from .measures import study_measures
from .models import COVERAGE_LABELS

T = TypeVar("T")

__all__ = [
    "CENTRALITY_MEASURES",
    "NO_THEME",
    "OPPOSING",
    "POLARITIES",
    "SIMILARITY_MEASURES",
    "STATUSES",
    "CentralityFrames",
    "HeatmapFrame",
    "NetworkFrames",
    "Page",
    "Selection",
    "centrality_distribution",
    "centrality_frames",
    "construct_evidence_frame",
    "construct_heatmap_frame",
    "evidence_density_frame",
    "evidence_distribution",
    "paginate",
    "short_text",
    "similarity_frame",
    "similarity_neighbours",
    "similarity_order",
    "study_evidence_frame",
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
    node_page, link_page
        How many of the synthesis's constructs and links are drawn (all but the least
        supported and the weakest, in a large synthesis); ``None`` for a study network,
        which draws every concept and relation.
    """

    nodes: pd.DataFrame
    lines: pd.DataFrame
    arrows: pd.DataFrame
    themes: tuple[str, ...] = ()
    node_page: Page | None = None
    link_page: Page | None = None


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


@dataclass(frozen=True)
class Page:
    """Which part of a long list of items (studies, constructs) a chart draws.

    Attributes
    ----------
    number
        The page drawn, from 1.
    count
        How many pages there are.
    shown
        How many items the page draws.
    total
        How many items there are in all.
    first
        The position of the page's first item among all, from 0.
    """

    number: int
    count: int
    shown: int
    total: int
    first: int = 0

    @property
    def complete(self) -> bool:
        """Whether every item is drawn."""
        return self.shown == self.total


@dataclass(frozen=True)
class Selection:
    """The rows a size-limited chart draws, and which part of the whole they are.

    Attributes
    ----------
    data
        The rows, in drawing order.
    order
        The ids along the chart's long axis, in drawing order.
    page
        Which of the items ``order`` draws from.
    """

    data: pd.DataFrame
    order: list[str]
    page: Page


@dataclass(frozen=True)
class HeatmapFrame:
    """What the construct heatmap draws.

    Attributes
    ----------
    cells
        One row per construct and study drawn (see :func:`construct_heatmap_frame`).
    studies
        The study ids across, in drawing order.
    constructs
        The construct labels down, in drawing order.
    study_page, construct_page
        Which of the review's studies and constructs are drawn.
    """

    cells: pd.DataFrame
    studies: list[str]
    constructs: list[str]
    study_page: Page
    construct_page: Page


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


def paginate(
    items: Sequence[T], page: int = 1, per_page: int | None = None
) -> tuple[list[T], Page]:
    """The items on one page, and where that page stands.

    Parameters
    ----------
    items
        Everything, in order.
    page
        Which page, from 1; outside ``1 .. pages`` raises ``ValueError``.
    per_page
        Items on a page; ``None``: all on one page.

    Returns
    -------
    tuple
        The items of the page and its :class:`Page`.

    Examples
    --------
    >>> paginate("abcde", 3, per_page=2)
    (['e'], Page(number=3, count=3, shown=1, total=5, first=4))
    """
    size = len(items) if per_page is None else per_page
    if size < 1 and items:
        raise ValueError(f"per_page must be at least 1, not {per_page}")
    count = max(1, math.ceil(len(items) / size)) if items else 1
    if not 1 <= page <= count:
        raise ValueError(f"page must be between 1 and {count}, not {page}")
    first = (page - 1) * size if items else 0
    shown = list(items[first : first + size]) if items else []
    return shown, Page(page, count, len(shown), len(items), first)


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
    primary = primary_themes(graph)
    pos = study_positions(graph, seed)
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


def synthesis_network_frames(
    corpus: Corpus,
    *,
    seed: int = 7,
    max_constructs: int | None = None,
    max_links: int | None = None,
) -> NetworkFrames:
    """The constructs of the synthesis and the study relations between their concepts.

    Parameters
    ----------
    corpus
        A loaded corpus.
    seed
        Seed of the spring layout: the same seed gives the same positions.
    max_constructs
        Past this many constructs, keep only those with the most supporting studies (file
        order on a tie), and the links between them; ``None``: every construct.
    max_links
        Past this many links, draw only those with the most study relations (the earlier
        pair on a tie). ``None``: every link. Either way the layout places every construct
        by every link, as the graph files do, so a construct sits where it would in full.

    Returns
    -------
    NetworkFrames
        ``nodes``: one row per construct (file order) with ``construct_id``, ``label``,
        ``n_studies`` (supporting studies), ``studies`` (their ids; past eight, the first
        eight and how many more), ``evidence`` (distinct
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
    pairs: dict[tuple[str, str], dict[str, Any]] = {}
    for u, v, d in graph.edges(data=True):
        pair = pairs.setdefault(
            (u, v), {"types": [], "relations": 0, "studies": set(), "opposing": 0}
        )
        pair["types"].append(d["type"].replace("_", " "))
        pair["relations"] += len(d["relations"])
        pair["studies"].update(d["studies"])
        pair["opposing"] += len(d["relations"]) if d["type"] in OPPOSING else 0
    ordered = sorted(pairs.items())
    pos = synthesis_positions(graph, seed)  # as the graph files lay it out
    constructs = list(graph.nodes)
    if max_constructs is not None and len(constructs) > max_constructs:
        support = [-graph.nodes[c]["n_studies"] for c in constructs]
        ranked = sorted(range(len(constructs)), key=lambda i: (support[i], i))
        kept = {constructs[i] for i in ranked[:max_constructs]}
        graph = graph.subgraph([c for c in constructs if c in kept])
        ordered = [((u, v), p) for (u, v), p in ordered if u in kept and v in kept]
    node_page = Page(1, 1, graph.number_of_nodes(), len(constructs))
    total = len(ordered)
    if max_links is not None and total > max_links:
        strongest = sorted(range(total), key=lambda i: (-ordered[i][1]["relations"], i))
        ordered = [ordered[i] for i in sorted(strongest[:max_links])]
    labels = nx.get_node_attributes(graph, "label")
    nodes = pd.DataFrame(
        [
            {
                "construct_id": n,
                "label": d["label"],
                "n_studies": d["n_studies"],
                "studies": _some(d["studies"]),
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
            "studies": _some(sorted(p["studies"])),
            "polarity": _polarity(p["opposing"] * 2 > p["relations"]),
        }
        for (u, v), p in ordered
    ]
    lines, arrows = _segments(links, pos)
    return NetworkFrames(
        nodes, lines, arrows, node_page=node_page, link_page=Page(1, 1, len(ordered), total)
    )


def _some(ids: list[str], most: int = 8) -> str:
    """Up to ``most`` ids, ", "-joined; past that the first ``most`` and how many more."""
    if len(ids) <= most:
        return ", ".join(ids)
    return f"{', '.join(ids[:most])} and {len(ids) - most:,} more"


# ------------------------------------------------------------------------------- matrices


def construct_heatmap_frame(
    corpus: Corpus,
    *,
    page: int = 1,
    max_studies: int | None = None,
    max_constructs: int | None = None,
) -> HeatmapFrame:
    """One cell per construct and study: what the construct heatmap colours and labels.

    While every study and construct fits, both stay in file order. Past ``max_studies`` or
    ``max_constructs``, constructs are ordered by support (studies that speak to them, then
    excerpts, then file order) and only the first ``max_constructs`` are kept; studies are
    ordered the same way (constructs they speak to, then excerpts) and cut into pages of
    ``max_studies``.

    Parameters
    ----------
    corpus
        A loaded corpus.
    page
        Which page of studies, from 1.
    max_studies, max_constructs
        The most studies (a page) and constructs to draw; ``None``: all.

    Returns
    -------
    HeatmapFrame
        ``cells``: :func:`~peerlib.comparison.construct_matrix` rows of the drawn studies and
        constructs (in its order) with ``construct`` (the construct's label) and
        ``evidence_text`` (the excerpt count as text, empty where the study does not speak
        to the construct).

    Examples
    --------
    >>> from peerlib import load_corpus
    >>> frame = construct_heatmap_frame(load_corpus(), max_studies=2)
    >>> frame.studies, frame.study_page.count, frame.construct_page.complete
    (['knopes2023', 'moran2025'], 3, True)
    """
    matrix = construct_matrix(corpus)
    labels = corpus.constructs.set_index("construct_id")["label"]
    cells = matrix.assign(
        construct=matrix["construct_id"].map(labels).astype(str),
        evidence_text=[
            str(n) if present else ""
            for n, present in zip(matrix["evidence"], matrix["present"], strict=True)
        ],
    )
    studies, constructs = corpus.study_ids, corpus.construct_ids
    fits = (max_studies is None or len(studies) <= max_studies) and (
        max_constructs is None or len(constructs) <= max_constructs
    )
    if not fits:
        studies = _by_support(matrix, "study_id", studies)
        constructs = _by_support(matrix, "construct_id", constructs)
    constructs, construct_page = paginate(constructs, 1, max_constructs)
    studies, study_page = paginate(studies, page, max_studies)
    if not (construct_page.complete and study_page.complete):
        cells = cells[cells["study_id"].isin(studies) & cells["construct_id"].isin(constructs)]
    return HeatmapFrame(
        cells, studies, [str(labels[c]) for c in constructs], study_page, construct_page
    )


def _by_support(matrix: pd.DataFrame, key: str, order: list[str]) -> list[str]:
    """``order`` sorted by how many cells of each are present, then excerpts, then ``order``."""
    support = (
        matrix.assign(present=matrix["present"].astype("int64"))
        .groupby(key, sort=False)[["present", "evidence"]]
        .sum()
        .reindex(order)
        .assign(position=range(len(order)))
    )
    ranked = support.sort_values(
        ["present", "evidence", "position"], ascending=[False, False, True], kind="stable"
    )
    return [str(i) for i in ranked.index]


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


def similarity_order(frame: pd.DataFrame, measure: str = "jaccard") -> list[str]:
    """The studies of a similarity table in an order that puts similar studies side by side.

    A greedy nearest-neighbour chain: start with the study most similar to all others (the
    first on a tie), then repeatedly append the study not yet placed that is most similar to
    the last one placed (the first in file order on a tie; undefined similarities count as
    less than 0). Exact and deterministic, and quadratic: meant for a matrix one can draw.

    Parameters
    ----------
    frame
        :func:`~peerlib.comparison.study_similarity` (or :func:`similarity_frame`).
    measure
        ``"jaccard"`` or ``"overlap"``.

    Returns
    -------
    list of str
        Every study once.

    Examples
    --------
    >>> import pandas as pd
    >>> frame = pd.DataFrame({"study_a": list("aabb"), "study_b": list("abab"),
    ...                       "jaccard": [1.0, 0.5, 0.5, 1.0]})
    >>> similarity_order(frame)
    ['a', 'b']
    """
    _check_measure(measure, SIMILARITY_MEASURES)
    studies = list(dict.fromkeys(frame["study_a"].tolist()))
    values = _square(frame, measure, len(studies))
    filled = np.where(np.isnan(values), -1.0, values)
    np.fill_diagonal(filled, -np.inf)
    if not studies:
        return []
    # exactly rounded sums (math.fsum): the same start on every machine
    totals = [math.fsum(v for v in row if v > -np.inf) for row in filled.tolist()]
    placed = [totals.index(max(totals))]
    free = np.ones(len(studies), dtype=bool)
    free[placed[0]] = False
    while free.any():
        row = np.where(free, filled[placed[-1]], -np.inf)
        best = int(np.argmax(row))
        placed.append(best)
        free[best] = False
    return [studies[i] for i in placed]


def _square(frame: pd.DataFrame, measure: str, n: int) -> np.ndarray:
    """The measure as an ``n`` x ``n`` matrix (the table lists study_a-major, file order)."""
    return frame[measure].to_numpy(dtype="float64").reshape(n, n)


def similarity_neighbours(
    corpus: Corpus,
    measure: str = "jaccard",
    *,
    neighbours: int = 5,
    page: int = 1,
    per_page: int | None = None,
) -> Selection:
    """Each study's most similar other studies: the similarity chart of a large review.

    Parameters
    ----------
    corpus
        A loaded corpus.
    measure
        ``"jaccard"`` or ``"overlap"``: what "similar" means.
    neighbours
        How many neighbours per study, at most. Only studies that share at least one
        construct count; the more similar first, then file order.
    page, per_page
        Which studies (file order) to list: page ``page`` of ``per_page`` studies.

    Returns
    -------
    Selection
        ``data``: one row per study and neighbour, with ``study_id``, ``rank`` (1 = most
        similar), ``neighbour``, ``shared``, ``jaccard`` and ``overlap``; ``order``: the
        studies of the page.

    Examples
    --------
    >>> from peerlib import load_corpus
    >>> near = similarity_neighbours(load_corpus(), neighbours=2, per_page=1)
    >>> near.data[["study_id", "rank", "neighbour"]].values.tolist()
    [['austin2014', 1, 'gillard2013'], ['austin2014', 2, 'kirkegaard2022']]
    """
    _check_measure(measure, SIMILARITY_MEASURES)
    table = study_similarity(corpus)
    studies = corpus.study_ids
    order, where = paginate(studies, page, per_page)
    n = len(studies)
    values = _square(table, measure, n)
    shared = table["shared"].to_numpy().reshape(n, n)
    position = {sid: i for i, sid in enumerate(studies)}
    picked = []
    for sid in order:
        i = position[sid]
        others = [j for j in range(n) if j != i and shared[i, j] > 0]
        others.sort(key=lambda j: (-values[i, j], j))
        picked += [i * n + j for j in others[:neighbours]]
    rows = table.iloc[picked]
    data = pd.DataFrame(
        {
            "study_id": rows["study_a"].to_numpy(),
            "rank": [rank for _, rank in _ranks(rows["study_a"].tolist())],
            "neighbour": rows["study_b"].to_numpy(),
            "shared": rows["shared"].to_numpy(),
            "jaccard": rows["jaccard"].to_numpy(),
            "overlap": rows["overlap"].to_numpy(),
        }
    )
    return Selection(data, order, where)


def _ranks(keys: list[str]) -> list[tuple[str, int]]:
    """Each key with its position among the equal keys before it, from 1."""
    seen: dict[str, int] = defaultdict(int)
    out = []
    for key in keys:
        seen[key] += 1
        out.append((key, seen[key]))
    return out


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


def centrality_distribution(
    corpus: Corpus, measure: str = "betweenness", *, bins: int = 20
) -> pd.DataFrame:
    """How many concepts of all the studies have each centrality, by kind: a histogram.

    Parameters
    ----------
    corpus
        A loaded corpus.
    measure
        ``"betweenness"`` or ``"degree_centrality"``; both lie in [0, 1].
    bins
        How many bins of equal width cut [0, 1]; a value of 1 falls in the last.

    Returns
    -------
    pandas.DataFrame
        One row per bin and concept kind that has concepts (bins in order, kinds in their
        documented order), with ``bin_start``, ``bin_end`` (float64), ``kind``, ``concepts``
        (int64) and where the kind's bar starts and ends in the bin's stack, ``stack_start``
        and ``stack_end`` (int64, kinds stacked in their documented order).

    Examples
    --------
    >>> from peerlib import load_corpus
    >>> table = centrality_distribution(load_corpus(), bins=4)
    >>> int(table["concepts"].sum()) == len(load_corpus().concepts)
    True
    """
    _check_measure(measure, CENTRALITY_MEASURES)
    data = study_measures(corpus)
    kinds = corpus.concepts[["study_id", "concept_id", "kind"]].rename(
        columns={"concept_id": "node"}
    )
    data = data.merge(kinds, on=["study_id", "node"], how="left")
    values = data[measure].to_numpy(dtype="float64")
    index = np.minimum(np.floor(values * bins), bins - 1).astype("int64")
    counted = (
        pd.DataFrame({"bin": index, "kind": data["kind"]})
        .groupby(["bin", "kind"], observed=True)
        .size()
        .rename("concepts")
        .reset_index()
    )
    return _stacked(
        pd.DataFrame(
            {
                "bin_start": counted["bin"].to_numpy() / bins,
                "bin_end": (counted["bin"].to_numpy() + 1) / bins,
                "kind": counted["kind"].astype(str).to_numpy(),
                "concepts": counted["concepts"].astype("int64").to_numpy(),
            }
        ),
        "concepts",
    )


def _stacked(frame: pd.DataFrame, count: str) -> pd.DataFrame:
    """``frame`` with where each row's bar starts and ends in its bin's stack, in row order."""
    end = frame.groupby("bin_start", sort=False)[count].cumsum().astype("int64")
    return frame.assign(stack_start=end - frame[count], stack_end=end)


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


def study_evidence_frame(corpus: Corpus) -> pd.DataFrame:
    """How much evidence backs the themes of each study, all themes together.

    Parameters
    ----------
    corpus
        A loaded corpus.

    Returns
    -------
    pandas.DataFrame
        One row per study (file order) with ``study_id``, ``themes`` (how many the paper
        reports), ``excerpts`` (the distinct excerpts cited by the study's relations that
        touch a concept filed under one of its themes; an excerpt shared by two themes
        counts once) and ``coverage`` (in words).

    Examples
    --------
    >>> from peerlib import load_corpus
    >>> study_evidence_frame(load_corpus(studies=["austin2014"])).values.tolist()
    [['austin2014', 3, 4, 'abstract only']]
    """
    filed = corpus.theme_concepts[["study_id", "concept_id"]].drop_duplicates()
    relations = corpus.relations[["study_id", "relation_id", "source", "target"]]
    touching = pd.concat(
        [
            relations.merge(filed, left_on=["study_id", end], right_on=["study_id", "concept_id"])
            for end in ("source", "target")
        ]
    )[["study_id", "relation_id"]].drop_duplicates()
    cited = corpus.relation_evidence.merge(touching, on=["study_id", "relation_id"])
    excerpts = cited[["study_id", "evidence_id"]].drop_duplicates().groupby("study_id").size()
    themes = corpus.themes.groupby("study_id").size()
    studies = corpus.studies["study_id"]
    return pd.DataFrame(
        {
            "study_id": studies.to_numpy(),
            "themes": studies.map(themes).fillna(0).astype("int64").to_numpy(),
            "excerpts": studies.map(excerpts).fillna(0).astype("int64").to_numpy(),
            "coverage": studies.map(_coverage(corpus)).to_numpy(),
        }
    )


def evidence_distribution(corpus: Corpus, *, bins: int = 20) -> pd.DataFrame:
    """How many studies have how much evidence behind their themes, by coverage: a histogram.

    Parameters
    ----------
    corpus
        A loaded corpus.
    bins
        About how many bins: each is a whole number of excerpts wide, the first starts at 0
        and the last holds the largest count.

    Returns
    -------
    pandas.DataFrame
        One row per bin and coverage that has studies (bins in order, coverages in their
        documented order), with ``bin_start``, ``bin_end`` (int64: a bin holds counts from
        ``bin_start`` up to, not including, ``bin_end``), ``coverage`` (in words) and
        ``studies`` (int64), with ``stack_start`` and ``stack_end`` (int64: where the bar
        starts and ends in its bin's stack, coverages stacked in their documented order).
        The counts are those of :func:`study_evidence_frame`.

    Examples
    --------
    >>> from peerlib import load_corpus
    >>> table = evidence_distribution(load_corpus(), bins=2)
    >>> int(table["studies"].sum())
    5
    """
    per_study = study_evidence_frame(corpus)
    most = int(per_study["excerpts"].max()) if len(per_study) else 0
    width = max(1, math.ceil((most + 1) / bins))
    start = per_study["excerpts"] // width * width
    words = list(COVERAGE_LABELS.values())
    counted = (
        pd.DataFrame({"bin_start": start, "coverage": pd.Categorical(per_study["coverage"], words)})
        .groupby(["bin_start", "coverage"], observed=True)
        .size()
        .rename("studies")
        .reset_index()
    )
    return _stacked(
        pd.DataFrame(
            {
                "bin_start": counted["bin_start"].astype("int64").to_numpy(),
                "bin_end": (counted["bin_start"] + width).astype("int64").to_numpy(),
                "coverage": counted["coverage"].astype(str).to_numpy(),
                "studies": counted["studies"].astype("int64").to_numpy(),
            }
        ),
        "studies",
    )


def construct_evidence_frame(
    corpus: Corpus, construct_id: str, *, top: int | None = None
) -> Selection:
    """One bar per study that speaks to a construct, with what its tooltip tells.

    Parameters
    ----------
    corpus
        A loaded corpus.
    construct_id
        One of ``corpus.construct_ids``; anything else raises
        :class:`~peerlib.graphs.UnknownIdError` listing the valid ids.
    top
        Past this many studies, keep only the ``top`` studies with the most excerpts on the
        construct (file order on a tie), most first; ``None``: every study, in file order.

    Returns
    -------
    Selection
        ``data``: the rows of :func:`~peerlib.comparison.construct_matrix` for the construct
        where the study is present, with ``coverage`` (in words), ``concepts_text`` (the
        study's concepts there), ``excerpt`` (its representative excerpt, cut to 180
        characters, or ``(none cited)``) and ``relation`` (how it relates to the other
        studies), both from :func:`~peerlib.comparison.translation_table`. ``order``: the
        studies drawn; ``page``: how many of the construct's studies they are.

    Examples
    --------
    >>> from peerlib import load_corpus
    >>> corpus = load_corpus()
    >>> bars = construct_evidence_frame(corpus, corpus.construct_ids[0], top=2)
    >>> bars.order, bars.page.total
    (['gillard2013', 'kirkegaard2022'], 5)
    """
    if construct_id not in corpus.construct_ids:
        raise UnknownIdError(
            f"unknown construct {construct_id!r}; valid ids: {', '.join(corpus.construct_ids)}"
        )
    matrix = construct_matrix(corpus)
    rows = matrix[(matrix["construct_id"] == construct_id) & matrix["present"]]
    total = len(rows)
    if top is not None and total > top:
        rows = rows.assign(position=range(total))
        rows = rows.sort_values(
            ["evidence", "position"], ascending=[False, True], kind="stable"
        ).head(top)
        rows = rows.drop(columns="position")
    table = translation_table(corpus)
    table = table[table["construct_id"] == construct_id].set_index("study_id")
    data = rows.assign(
        coverage=rows["study_id"].map(_coverage(corpus)),
        concepts_text=rows["study_id"].map(table["concepts"]).astype(str),
        excerpt=rows["study_id"]
        .map(table["excerpt"])
        .fillna("(none cited)")
        .astype(str)
        .map(short_text),
        relation=rows["study_id"].map(table["relation"]).astype(str),
    )
    order = [str(s) for s in data["study_id"]]
    return Selection(data, order, Page(1, 1, len(order), total))
