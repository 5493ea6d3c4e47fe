"""Where each node of a concept graph sits in its figure, and in which colour.

The network charts lay out study and synthesis graphs with :func:`peerlib._layout.grouped_layout`
(:func:`peerlib.chart_data.study_network_frames` groups a study's concepts by their first theme;
:func:`~peerlib.chart_data.synthesis_network_frames` lays out one line per pair of constructs)
and colour them with the house palettes of :mod:`peerlib.theme`. This module gives the graph
files (:mod:`peerlib.exchange`) the same positions and colours from the graph alone, so that
Gephi or Cytoscape open a graph looking like its figure; ``tests/test_exchange.py`` checks that
the positions are the frames'.
"""

from __future__ import annotations

from collections.abc import Hashable
from typing import NamedTuple

import networkx as nx

from ._layout import grouped_layout
from .theme import KIND_COLOURS, OPPOSE_COLOUR, UNCONTESTED_COLOUR


class NodeStyle(NamedTuple):
    """A node's place in ``[-1, 1]²`` (y grows upwards, as in the figure) and its colour."""

    x: float
    y: float
    colour: str


def primary_themes(graph: nx.MultiDiGraph) -> dict[Hashable, str | None]:
    """Each concept's first theme (``None`` for a concept in no theme): its group in a figure."""
    return {n: (d["themes"][0] if d["themes"] else None) for n, d in graph.nodes(data=True)}


def study_positions(graph: nx.MultiDiGraph, seed: int) -> dict[Hashable, tuple[float, float]]:
    """Where a study graph's concepts sit: grouped by each concept's first theme."""
    return grouped_layout(graph, primary_themes(graph), seed=seed)


def synthesis_positions(graph: nx.MultiDiGraph, seed: int) -> dict[Hashable, tuple[float, float]]:
    """Where the synthesis graph's constructs sit: one undirected line per pair of distinct
    constructs, every construct and link laid out (a chart that shows fewer keeps these)."""
    simple = nx.Graph()
    simple.add_nodes_from(graph.nodes)
    simple.add_edges_from((u, v) for u, v in graph.edges() if u != v)
    return grouped_layout(simple, {}, seed=seed)


def _study_styles(graph: nx.MultiDiGraph, seed: int) -> dict[Hashable, NodeStyle]:
    pos = study_positions(graph, seed)
    return {n: NodeStyle(*pos[n], KIND_COLOURS[str(d["kind"])]) for n, d in graph.nodes(data=True)}


def _synthesis_styles(graph: nx.MultiDiGraph, seed: int) -> dict[Hashable, NodeStyle]:
    pos = synthesis_positions(graph, seed)
    return {
        n: NodeStyle(*pos[n], OPPOSE_COLOUR if d.get("refutations") else UNCONTESTED_COLOUR)
        for n, d in graph.nodes(data=True)
    }


def node_styles(graph: nx.MultiDiGraph, seed: int = 7) -> dict[Hashable, NodeStyle]:
    """Positions and colours of a study graph or the synthesis graph, as their charts draw them.

    A study graph (:func:`peerlib.study_graph`, which carries ``study_id``) is coloured by
    concept kind; the synthesis graph (:func:`peerlib.synthesis_graph`) by whether studies
    refute each other on a construct. Any other graph gets no styles (an empty mapping).

    Examples
    --------
    >>> from peerlib import load_corpus, study_graph
    >>> styles = node_styles(study_graph(load_corpus(), "austin2014"))
    >>> all(-1 <= s.x <= 1 and -1 <= s.y <= 1 and s.colour.startswith("#") for s in styles.values())
    True
    """
    if "study_id" in graph.graph and all("kind" in d for _, d in graph.nodes(data=True)):
        return _study_styles(graph, seed)
    if graph.number_of_nodes() and all("n_studies" in d for _, d in graph.nodes(data=True)):
        return _synthesis_styles(graph, seed)
    return {}
