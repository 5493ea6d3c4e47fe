"""Concept graphs as GraphML, GEXF and Cytoscape JSON, for Gephi, Cytoscape and other tools.

The three formats hold only scalar attributes, so lists (a concept's themes, a relation's
evidence ids) are written as ``"; "``-joined text and missing values are left out. Every edge
has an id of its own, unique in the file, and its relation type as the attribute
``relation_type`` (GEXF reserves an edge's ``type`` for directed/undirected/mutual). Nodes of
a study graph or the synthesis graph carry the position and colour of their figure: GEXF in its
``viz`` namespace, GraphML as the attributes ``x``, ``y`` and ``color``, Cytoscape JSON as each
node's ``position`` and a ``color`` datum. Positions are the figure's layout (``[-1, 1]``, y up)
times :data:`POSITION_SCALE`; Cytoscape's y axis points down, so its y is negated there.

Files are byte-identical from the same graph: GEXF's "last modified" date is dropped, and the
JSON is written with sorted keys.
"""

from __future__ import annotations

import io
import json
import re
from collections import Counter
from collections.abc import Hashable
from pathlib import Path
from typing import Any

import networkx as nx

from . import _atomic
from ._drawing import NodeStyle, node_styles

__all__ = ["GRAPH_FORMATS", "POSITION_SCALE", "write_graph"]

#: File formats, by suffix: GraphML, GEXF 1.2 and Cytoscape JSON (``.cyjs``).
GRAPH_FORMATS: tuple[str, ...] = ("graphml", "gexf", "cyjs")
#: Layout units to file units: a figure's ``[-1, 1]`` square becomes 600 units wide.
POSITION_SCALE = 300
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


def _edge_ids(graph: nx.MultiDiGraph) -> list[str]:
    """One id per edge, unique in the graph: the key when keys are unique (a study graph's
    relation ids), otherwise ``source:key:target`` (the synthesis graph keys by type)."""
    edges = list(graph.edges(keys=True))
    keys = [str(k) for _, _, k in edges]
    if len(set(keys)) == len(keys):
        return keys
    ids = [f"{u}:{k}:{v}" for u, v, k in edges]
    seen: Counter[str] = Counter()
    unique = []
    for edge_id in ids:
        seen[edge_id] += 1
        unique.append(edge_id if seen[edge_id] == 1 else f"{edge_id}.{seen[edge_id]}")
    return unique


def _hex_rgb(colour: str) -> dict[str, int]:
    return {c: int(colour[i : i + 2], 16) for c, i in (("r", 1), ("g", 3), ("b", 5))}


def _exchangeable(
    graph: nx.MultiDiGraph, styles: dict[Hashable, NodeStyle], fmt: str
) -> nx.MultiDiGraph:
    flat = nx.MultiDiGraph(**_flat(dict(graph.graph)))
    for node, attrs in graph.nodes(data=True):
        node_attrs = _flat(attrs)
        style = styles.get(node)
        if style is not None:
            x, y = round(style.x * POSITION_SCALE, 1), round(style.y * POSITION_SCALE, 1)
            if fmt == "gexf":
                node_attrs["viz"] = {
                    "position": {"x": x, "y": y, "z": 0.0},
                    "color": {**_hex_rgb(style.colour), "a": 1.0},
                }
            else:
                node_attrs.update(x=x, y=y, color=style.colour)
        flat.add_node(node, **node_attrs)
    edges = graph.edges(keys=True, data=True)
    for edge_id, (u, v, _key, attrs) in zip(_edge_ids(graph), edges, strict=True):
        edge_attrs = _flat(attrs)
        if "type" in edge_attrs:
            edge_attrs["relation_type"] = edge_attrs.pop("type")
        if fmt != "graphml":  # GraphML's edge id is the key; the others read an "id"
            edge_attrs["id"] = edge_id
        flat.add_edge(u, v, key=edge_id, **edge_attrs)
    return flat


def _cytoscape(flat: nx.MultiDiGraph) -> bytes:
    data = nx.cytoscape_data(flat, name="label")  # Cytoscape shows "name" on the node
    data["data"] = dict(data["data"])
    for element in data["elements"]["nodes"]:
        attrs = element["data"]
        if "x" in attrs:
            element["position"] = {"x": attrs.pop("x"), "y": -attrs.pop("y")}
    text = json.dumps(data, indent=1, sort_keys=True, ensure_ascii=False)
    return (text + "\n").encode("utf-8")


def graph_bytes(graph: nx.MultiDiGraph, fmt: str, *, seed: int = 7) -> bytes:
    """The file contents of ``graph`` in format ``fmt`` (one of :data:`GRAPH_FORMATS`).

    ``seed`` is the layout seed of the figure whose positions the file carries.

    Examples
    --------
    >>> from peerlib import load_corpus, study_graph
    >>> data = graph_bytes(study_graph(load_corpus(), "austin2014"), "gexf")
    >>> b'<viz:position' in data, b'relation_type' in data
    (True, True)
    """
    if fmt not in GRAPH_FORMATS:
        raise ValueError(f"unknown graph format {fmt!r}; use one of {', '.join(GRAPH_FORMATS)}")
    flat = _exchangeable(graph, node_styles(graph, seed), fmt)
    buffer = io.BytesIO()
    if fmt == "graphml":
        # the standard library's writer always: nx.write_graphml switches to lxml's, which
        # pretty-prints differently, whenever lxml is installed (python-docx brings it)
        nx.write_graphml_xml(flat, buffer, encoding="utf-8", prettyprint=True)
        return buffer.getvalue()
    if fmt == "gexf":
        nx.write_gexf(flat, buffer, encoding="utf-8", prettyprint=True)
        return _GEXF_DATE.sub(b"", buffer.getvalue())
    return _cytoscape(flat)


def write_graph(graph: nx.MultiDiGraph, path: str | Path, *, seed: int = 7) -> Path:
    """Write a concept graph as GraphML, GEXF or Cytoscape JSON (by suffix), atomically.

    Parameters
    ----------
    graph
        A study graph or the synthesis graph (any ``MultiDiGraph`` is written, without
        positions and colours when it is neither).
    path
        The file to write; its suffix (``.graphml``, ``.gexf``, ``.cyjs``) picks the format.
    seed
        The layout seed of the figure whose node positions the file should carry.

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
        raise ValueError(f"{path}: unknown graph format {fmt!r}; use .graphml, .gexf or .cyjs")
    _atomic.write_bytes(path, graph_bytes(graph, fmt, seed=seed))
    return path
