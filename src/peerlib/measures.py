"""Graph measures of concept graphs: centrality, communities and the concepts that bridge themes.

The measures work on any concept graph that :mod:`peerlib.graphs` builds. Centrality and
communities are computed on the graph's *undirected simple projection*: the same nodes, one
undirected edge wherever the graph has at least one relation in either direction, self-loops
dropped. Relation direction and parallel relations matter to ``degree`` only.

Bridging concepts
-----------------
In a study graph every concept carries the themes the paper files it under. A concept
*bridges themes* when it and its neighbours (the concepts it has a relation with, in either
direction) that belong to a theme do not all fit inside one single theme, a sub-theme counting
as inside its parent. Without sub-themes that is:

- the concept belongs to two or more themes; or
- it is linked to a concept that shares none of its themes; or
- it belongs to no theme itself and its neighbours have no theme in common.

A concept under a theme and one of that theme's sub-themes does not bridge: the sub-theme is
inside its parent. A concept that belongs to no theme and has no neighbour in one bridges
nothing. The synthesis graph's nodes (constructs) have no themes, so ``bridges`` is missing
for them.
"""

from __future__ import annotations

import multiprocessing
import os
import sys
from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from concurrent.futures import ProcessPoolExecutor
from typing import Any

import networkx as nx
import pandas as pd

from ._tables import frame_of as _frame
from .graphs import study_graph, study_graphs, synthesis_graph
from .loading import Corpus, check_study_id

__all__ = [
    "PARALLEL_FROM",
    "SYNTHESIS",
    "graph_measures",
    "study_measures",
    "synthesis_measures",
    "theme_bridges",
]

#: The ``study_id`` that :func:`synthesis_measures` gives the synthesis graph's rows.
SYNTHESIS = "synthesis"

_MEASURES: list[tuple[str, Any]] = [
    ("node", "string"),
    ("label", "string"),
    ("degree", "int64"),
    ("degree_centrality", "float64"),
    ("betweenness", "float64"),
    ("community", "int64"),
    ("bridges", "boolean"),
]


def _projection(graph: nx.Graph) -> nx.Graph:
    """The undirected simple graph on the same nodes (in the same order), without self-loops."""
    simple = nx.Graph()
    simple.add_nodes_from(graph.nodes)
    simple.add_edges_from((u, v) for u, v in graph.edges() if u != v)
    return simple


def _communities(simple: nx.Graph, order: Mapping[Any, int]) -> dict[Any, int]:
    """Node -> community number, 1 for the community of the first node in graph order, ..."""
    if simple.number_of_edges() == 0:
        groups: list[Iterable[Any]] = [[n] for n in simple]
    else:
        groups = list(nx.algorithms.community.greedy_modularity_communities(simple))
    numbered = sorted(
        (sorted(group, key=order.__getitem__) for group in groups), key=lambda g: order[g[0]]
    )
    return {node: number for number, group in enumerate(numbered, start=1) for node in group}


def _within(theme: str, parents: Mapping[str, str | None]) -> list[str]:
    """The theme and every theme it is a sub-theme of, innermost first."""
    chain = [theme]
    while (parent := parents.get(chain[-1])) is not None and parent not in chain:
        chain.append(parent)
    return chain


def _bridges_themes(
    own: Sequence[str],
    neighbours: Iterable[Sequence[str]],
    parents: Mapping[str, str | None] | None = None,
) -> bool:
    """Whether a concept under themes ``own``, next to concepts under ``neighbours``, bridges.

    See the module documentation for the definition; ``parents`` maps a sub-theme to its
    parent theme.

    Examples
    --------
    >>> _bridges_themes(["a", "b"], [])
    True
    >>> _bridges_themes(["a"], [["a", "b"], ["a"]]), _bridges_themes(["a"], [["b"]])
    (False, True)
    >>> _bridges_themes([], [["a", "b"], ["b"]]), _bridges_themes([], [["a"], ["b"]])
    (False, True)
    >>> _bridges_themes(["a1"], [["a"]], parents={"a1": "a"})
    False
    """
    parents = parents or {}
    theirs = [list(group) for group in neighbours if group]
    if not own and not theirs:
        return False
    everything = [*own, *(theme for group in theirs for theme in group)]
    candidates = {t for theme in everything for t in _within(theme, parents)}

    def fits(t: str) -> bool:
        """Whether the concept and every theme-bearing neighbour lie inside theme ``t``."""
        return all(t in _within(theme, parents) for theme in own) and all(
            any(t in _within(theme, parents) for theme in group) for group in theirs
        )

    return not any(fits(t) for t in candidates)


def graph_measures(
    graph: nx.Graph, *, theme_parents: Mapping[str, str | None] | None = None
) -> pd.DataFrame:
    """Centrality, community and theme bridging of each node of a concept graph.

    Parameters
    ----------
    graph
        A concept graph: :func:`~peerlib.graphs.study_graph` or
        :func:`~peerlib.graphs.synthesis_graph` (any networkx graph whose nodes have a
        ``label`` works).
    theme_parents
        Sub-theme id -> parent theme id, so that a sub-theme counts as inside its parent when
        deciding ``bridges``. :func:`study_measures` passes the study's own.

    Returns
    -------
    pandas.DataFrame
        One row per node in graph order with columns

        ``node``, ``label`` (string)
            the node id and its ``label`` attribute;
        ``degree`` (int64)
            relations in plus relations out, each parallel relation counted;
        ``degree_centrality`` (float64)
            distinct neighbours / (number of nodes - 1), in [0, 1]; 0.0 in a one-node graph;
        ``betweenness`` (float64)
            normalised betweenness centrality (:func:`networkx.betweenness_centrality`) of the
            undirected simple projection;
        ``community`` (int64)
            the community (:func:`networkx.algorithms.community.greedy_modularity_communities`
            on the projection, which is deterministic) numbered 1, 2, ... by the position in the
            graph of its first node; each node is its own community in a graph without edges;
        ``bridges`` (boolean)
            whether the concept bridges themes (module documentation); missing for nodes that
            carry no ``themes`` attribute, such as the synthesis graph's constructs.

    Examples
    --------
    >>> from peerlib import load_corpus, study_graph
    >>> m = graph_measures(study_graph(load_corpus(), "moran2025"))
    >>> list(m.columns)  # doctest: +NORMALIZE_WHITESPACE
    ['node', 'label', 'degree', 'degree_centrality', 'betweenness', 'community', 'bridges']
    >>> bool(m["betweenness"].between(0, 1).all())
    True
    """
    return _frame(_measure_rows(graph, theme_parents), _MEASURES)


def _measure_rows(
    graph: nx.Graph, theme_parents: Mapping[str, str | None] | None
) -> list[tuple[Any, ...]]:
    """The rows of :func:`graph_measures`, as tuples."""
    simple = _projection(graph)
    order = {node: i for i, node in enumerate(graph.nodes)}
    n = graph.number_of_nodes()
    betweenness = nx.betweenness_centrality(simple, normalized=True) if n else {}
    community = _communities(simple, order)
    degree = dict(graph.degree())
    neighbours = {node: list(simple.adj[node]) for node in simple}
    themes = {node: data.get("themes") or [] for node, data in graph.nodes(data=True)}
    rows = []
    for node, data in graph.nodes(data=True):
        if "themes" in data:
            around = [themes[m] for m in neighbours[node]]
            bridge: bool | None = _bridges_themes(data["themes"], around, theme_parents)
        else:
            bridge = None
        rows.append(
            (
                str(node),
                data.get("label"),
                degree[node],
                len(neighbours[node]) / (n - 1) if n > 1 else 0.0,
                float(betweenness[node]),
                community[node],
                bridge,
            )
        )
    return rows


def _theme_parents(corpus: Corpus, study_id: str) -> dict[str, str | None]:
    themes = corpus.themes[corpus.themes["study_id"] == study_id]
    return {
        str(t): None if pd.isna(p) else str(p)
        for t, p in zip(themes["theme_id"], themes["parent"], strict=True)
    }


def _all_theme_parents(corpus: Corpus) -> dict[str, dict[str, str | None]]:
    """study -> :func:`_theme_parents` of it, reading the themes table once."""
    parents: dict[str, dict[str, str | None]] = defaultdict(dict)
    themes = corpus.themes
    for sid, tid, parent in zip(
        themes["study_id"].tolist(),
        themes["theme_id"].tolist(),
        themes["parent"].tolist(),
        strict=True,
    ):
        parents[sid][tid] = None if pd.isna(parent) else str(parent)
    return parents


def study_measures(corpus: Corpus, *, jobs: int | None = None) -> pd.DataFrame:
    """:func:`graph_measures` of every study graph, one after the other.

    Parameters
    ----------
    corpus
        A loaded corpus.
    jobs
        Worker processes that share the studies of a large review (from
        :data:`PARALLEL_FROM` studies); default all cores, ``1`` none. Workers are forked,
        which is safe only before vl-convert has started its threads (a process that has
        drawn a chart); after that the studies are measured in this process. The result is
        the same either way.

    Returns
    -------
    pandas.DataFrame
        A ``study_id`` column (string) followed by the columns of :func:`graph_measures`;
        studies in file order, each study's concepts in file order. Append
        :func:`synthesis_measures` for the synthesis graph's rows.

    Examples
    --------
    >>> from peerlib import load_corpus
    >>> corpus = load_corpus()
    >>> m = study_measures(corpus)
    >>> m["study_id"].unique().tolist() == corpus.study_ids
    True
    """
    studies = corpus.study_ids
    workers = jobs if jobs is not None else (os.cpu_count() or 1)
    if workers > 1 and len(studies) >= PARALLEL_FROM and "vl_convert" not in sys.modules:
        size = -(-len(studies) // (workers * 4))
        chunks = [studies[i : i + size] for i in range(0, len(studies), size)]
        global _FORKED_CORPUS
        _FORKED_CORPUS = corpus  # inherited by the forked workers, never pickled
        try:
            context = multiprocessing.get_context("fork")
            with ProcessPoolExecutor(workers, mp_context=context) as pool:
                rows = [row for part in pool.map(_forked_rows, chunks) for row in part]
        finally:
            _FORKED_CORPUS = None
    else:
        rows = _rows_of(corpus, None)
    return _frame(rows, [("study_id", "string"), *_MEASURES])


#: From this many studies on, :func:`study_measures` shares them among worker processes.
PARALLEL_FROM = 200
_FORKED_CORPUS: Corpus | None = None


def _rows_of(corpus: Corpus, study_ids: list[str] | None) -> list[tuple[Any, ...]]:
    """The rows of :func:`study_measures` for these studies (``None``: all)."""
    parents = _all_theme_parents(corpus)
    return [
        (sid, *row)
        for sid, graph in study_graphs(corpus, study_ids).items()
        for row in _measure_rows(graph, parents.get(sid, {}))
    ]


def _forked_rows(study_ids: list[str]) -> list[tuple[Any, ...]]:
    assert _FORKED_CORPUS is not None, "runs in a worker forked by study_measures"
    return _rows_of(_FORKED_CORPUS, study_ids)


def _concat(frames: list[pd.DataFrame]) -> pd.DataFrame:
    empty = _frame([], [("study_id", "string"), *_MEASURES])
    frames = [f for f in frames if len(f)]
    return pd.concat(frames, ignore_index=True) if frames else empty


def synthesis_measures(corpus: Corpus) -> pd.DataFrame:
    """:func:`graph_measures` of the synthesis graph, in the shape of :func:`study_measures`.

    Parameters
    ----------
    corpus
        A loaded corpus.

    Returns
    -------
    pandas.DataFrame
        The columns of :func:`study_measures`, one row per construct (file order) with
        ``study_id`` set to :data:`SYNTHESIS` (``"synthesis"``) and ``bridges`` missing;
        no rows without a synthesis. ``pd.concat([study_measures(c), synthesis_measures(c)],
        ignore_index=True)`` gives every graph's measures in one table.

    Examples
    --------
    >>> from peerlib import load_corpus
    >>> m = synthesis_measures(load_corpus())
    >>> list(m.columns)  # doctest: +NORMALIZE_WHITESPACE
    ['study_id', 'node', 'label', 'degree', 'degree_centrality', 'betweenness', 'community',
     'bridges']
    >>> bool(m["bridges"].isna().all())
    True
    """
    frame = graph_measures(synthesis_graph(corpus))
    frame.insert(0, "study_id", pd.Series(SYNTHESIS, index=frame.index, dtype="string"))
    return _concat([frame])


def theme_bridges(corpus: Corpus, study_id: str) -> pd.DataFrame:
    """The concepts of a study that bridge its themes, and the themes they connect.

    Parameters
    ----------
    corpus
        A loaded corpus.
    study_id
        The study.

    Returns
    -------
    pandas.DataFrame
        One row per bridging concept (module documentation) in file order, with columns
        ``study_id``, ``concept_id``, ``label``, ``themes`` (the concept's own theme ids),
        ``connects`` (the theme ids of the concept and its neighbours) and
        ``connects_names`` (those themes' names, as the paper gives them), each "; "-joined in
        the paper's theme order, and ``n_connects`` (int64, how many themes ``connects``
        lists).

    Raises
    ------
    peerlib.loading.UnknownIdError
        If ``study_id`` is not a study of the corpus.

    Examples
    --------
    >>> from peerlib import load_corpus
    >>> table = theme_bridges(load_corpus(), "moran2025")
    >>> list(table.columns)
    ['study_id', 'concept_id', 'label', 'themes', 'connects', 'connects_names', 'n_connects']
    >>> bool((table["n_connects"] >= 2).all())
    True
    """
    check_study_id(corpus, study_id)
    graph = study_graph(corpus, study_id)
    parents = _theme_parents(corpus, study_id)
    themes = corpus.themes[corpus.themes["study_id"] == study_id]
    names = {str(t): str(n) for t, n in zip(themes["theme_id"], themes["name"], strict=True)}
    position = {theme: i for i, theme in enumerate(names)}
    simple = _projection(graph)
    rows = []
    for node, data in graph.nodes(data=True):
        around = [graph.nodes[m]["themes"] for m in simple.neighbors(node)]
        if not _bridges_themes(data["themes"], around, parents):
            continue
        connects = sorted(
            {*data["themes"], *(t for ts in around for t in ts)}, key=position.__getitem__
        )
        rows.append(
            (
                study_id,
                str(node),
                data["label"],
                "; ".join(data["themes"]),
                "; ".join(connects),
                "; ".join(names[t] for t in connects),
                len(connects),
            )
        )
    return _frame(
        rows,
        [
            ("study_id", "string"),
            ("concept_id", "string"),
            ("label", "string"),
            ("themes", "string"),
            ("connects", "string"),
            ("connects_names", "string"),
            ("n_connects", "int64"),
        ],
    )
