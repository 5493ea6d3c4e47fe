"""Concept graphs as GraphML and GEXF, for Gephi, Cytoscape and other network tools.

Both formats hold only scalar attributes, so lists (a concept's themes, a relation's evidence
ids) are written as ``"; "``-joined text and missing values are left out. Files are
byte-identical from the same graph: GEXF's "last modified" date is dropped.
"""

from __future__ import annotations

import io
import re
from pathlib import Path
from typing import Any

import networkx as nx

from . import _atomic

__all__ = ["GRAPH_FORMATS", "write_graph"]

GRAPH_FORMATS: tuple[str, ...] = ("graphml", "gexf")
_GEXF_DATE = re.compile(rb' lastmodifieddate="[^"]*"')


def _flat(attrs: dict[str, Any]) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for key, value in attrs.items():
        if value is None:
            continue
        if isinstance(value, list | tuple):
            value = "; ".join(
                "/".join(map(str, v)) if isinstance(v, list | tuple) else str(v) for v in value
            )
        out[key] = value
    return out


def _exchangeable(graph: nx.MultiDiGraph) -> nx.MultiDiGraph:
    flat = nx.MultiDiGraph(**_flat(dict(graph.graph)))
    for node, attrs in graph.nodes(data=True):
        flat.add_node(node, **_flat(attrs))
    for u, v, key, attrs in graph.edges(keys=True, data=True):
        flat.add_edge(u, v, key=key, **_flat(attrs))
    return flat


def write_graph(graph: nx.MultiDiGraph, path: str | Path) -> Path:
    """Write a concept graph as GraphML (``.graphml``) or GEXF (``.gexf``), atomically.

    Examples
    --------
    >>> import tempfile
    >>> from peerlib import load_corpus, study_graph
    >>> graph = study_graph(load_corpus(), "austin2014")
    >>> with tempfile.TemporaryDirectory() as tmp:
    ...     write_graph(graph, Path(tmp) / "austin2014.graphml").name
    'austin2014.graphml'
    """
    path = Path(path)
    fmt = path.suffix.lstrip(".").lower()
    if fmt not in GRAPH_FORMATS:
        raise ValueError(f"{path}: unknown graph format {fmt!r}; use .graphml or .gexf")
    flat = _exchangeable(graph)
    buffer = io.BytesIO()
    if fmt == "graphml":
        nx.write_graphml(flat, buffer, encoding="utf-8", prettyprint=True)
        data = buffer.getvalue()
    else:
        nx.write_gexf(flat, buffer, encoding="utf-8", prettyprint=True)
        data = _GEXF_DATE.sub(b"", buffer.getvalue())
    _atomic.write_bytes(path, data)
    return path
