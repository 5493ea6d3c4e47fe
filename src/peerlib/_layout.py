"""Seeded, rounded node positions for drawing concept graphs the same way on every run."""

from __future__ import annotations

from collections.abc import Hashable, Mapping

import networkx as nx

#: Positions are rounded so that the last bits of floating point never reach a figure.
DIGITS = 3


def grouped_layout(
    graph: nx.Graph, groups: Mapping[Hashable, str | None], seed: int = 7
) -> dict[Hashable, tuple[float, float]]:
    """Spring layout in which nodes of the same group sit together.

    Each group gets an invisible hub joined to its members, which pulls them into a cluster;
    the hubs are dropped afterwards. Positions are scaled to ``[-1, 1]`` and rounded.
    """
    helper = nx.Graph()
    helper.add_nodes_from(graph.nodes)
    helper.add_edges_from((u, v) for u, v in graph.edges() if u != v)
    for node in graph.nodes:
        group = groups.get(node)
        if group is not None:
            helper.add_edge(("__group__", group), node, weight=4.0)
    if helper.number_of_nodes() == 0:
        return {}
    k = 1.6 / max(helper.number_of_nodes(), 1) ** 0.5
    pos = nx.spring_layout(helper, seed=seed, k=k, iterations=200, weight="weight")
    # without the hubs, stretch the drawing to fill the square again
    xs = [float(pos[n][0]) for n in graph.nodes]
    ys = [float(pos[n][1]) for n in graph.nodes]

    def fit(value: float, low: float, high: float) -> float:
        return 0.0 if high == low else 2 * (value - low) / (high - low) - 1

    return {
        node: (
            round(fit(float(pos[node][0]), min(xs), max(xs)), DIGITS),
            round(fit(float(pos[node][1]), min(ys), max(ys)), DIGITS),
        )
        for node in graph.nodes
    }
