"""Graph files read back by readers nobody here wrote: networkx, igraph and graphology.

Every study graph and the synthesis graph of the bundled review is written as GraphML, GEXF and
Cytoscape JSON; each reader must get back every node, every edge (with an id of its own), every
attribute, and the position and colour each node has in its figure.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import xml.etree.ElementTree as ET
from pathlib import Path
from typing import Any

import igraph
import networkx as nx
import pytest

from peerlib import load_corpus, study_graph, synthesis_graph
from peerlib._drawing import node_styles
from peerlib.chart_data import study_network_frames, synthesis_network_frames
from peerlib.exchange import GRAPH_FORMATS, POSITION_SCALE, write_graph
from peerlib.theme import KIND_COLOURS, OPPOSE_COLOUR

from .conftest import MINI

JS = Path(__file__).parent / "js"
GEXF = "{http://www.gexf.net/1.2draft}"
CORPUS = load_corpus()
GRAPHS: dict[str, nx.MultiDiGraph] = {
    **{sid: study_graph(CORPUS, sid) for sid in CORPUS.study_ids},
    "synthesis": synthesis_graph(CORPUS),
}


@pytest.fixture(scope="module")
def files(tmp_path_factory: pytest.TempPathFactory) -> dict[tuple[str, str], Path]:
    out = tmp_path_factory.mktemp("graphs")
    return {
        (name, fmt): write_graph(graph, out / f"{name}.{fmt}")
        for name, graph in GRAPHS.items()
        for fmt in GRAPH_FORMATS
    }


def _expected_node(attrs: dict[str, Any]) -> dict[str, Any]:
    out = {}
    for key, value in attrs.items():
        if isinstance(value, list):
            value = "; ".join("/".join(v) if isinstance(v, tuple) else str(v) for v in value)
        out[key] = value
    return out


def _expected_edges(graph: nx.MultiDiGraph) -> dict[tuple[str, str, str], dict[str, Any]]:
    """(source, target, relation type) -> flattened attributes, as the files should hold."""
    out = {}
    for u, v, attrs in graph.edges(data=True):
        flat = {k: x for k, x in _expected_node(attrs).items() if x is not None}
        flat["relation_type"] = flat.pop("type")
        out[(u, v, flat["relation_type"])] = flat
    return out


def _figure_positions(name: str) -> dict[str, tuple[float, float]]:
    """Node positions as the network chart of the figure draws them (its data frames)."""
    if name == "synthesis":
        nodes, column = synthesis_network_frames(CORPUS).nodes, "construct_id"
    else:
        nodes, column = study_network_frames(CORPUS, name).nodes, "concept_id"
    return {row[column]: (row["x"], row["y"]) for _, row in nodes.iterrows()}


@pytest.mark.parametrize("name", sorted(GRAPHS))
def test_positions_and_colours_are_the_figures(name: str) -> None:
    styles = node_styles(GRAPHS[name])
    assert {n: (s.x, s.y) for n, s in styles.items()} == _figure_positions(name)
    if name == "synthesis":
        contested = {n for n, d in GRAPHS[name].nodes(data=True) if d["refutations"]}
        assert contested
        assert {n for n, s in styles.items() if s.colour == OPPOSE_COLOUR} == contested
    else:
        kinds = nx.get_node_attributes(GRAPHS[name], "kind")
        assert all(styles[n].colour == KIND_COLOURS[kinds[n]] for n in styles)


@pytest.mark.parametrize("name", sorted(GRAPHS))
def test_networkx_reads_graphml_with_every_attribute(
    files: dict[tuple[str, str], Path], name: str
) -> None:
    graph = GRAPHS[name]
    back = nx.read_graphml(files[(name, "graphml")], force_multigraph=True)
    styles = node_styles(graph)
    assert list(back.nodes) == list(graph.nodes)
    for node, attrs in graph.nodes(data=True):
        style = styles[node]
        assert back.nodes[node] == {
            **_expected_node(attrs),
            "x": round(style.x * POSITION_SCALE, 1),
            "y": round(style.y * POSITION_SCALE, 1),
            "color": style.colour,
        }
    read = {(u, v, d["relation_type"]): d for u, v, d in back.edges(data=True)}
    assert read == _expected_edges(graph)
    ids = [k for *_, k in back.edges(keys=True)]
    assert len(set(ids)) == len(ids) == graph.number_of_edges()


@pytest.mark.parametrize("name", sorted(GRAPHS))
def test_networkx_reads_gexf_with_every_attribute(
    files: dict[tuple[str, str], Path], name: str
) -> None:
    graph = GRAPHS[name]
    back = nx.read_gexf(files[(name, "gexf")])
    styles = node_styles(graph)
    assert sorted(back.nodes) == sorted(graph.nodes)
    for node, attrs in graph.nodes(data=True):
        read = dict(back.nodes[node])
        viz = read.pop("viz")
        expected = _expected_node(attrs)
        assert read == expected
        style = styles[node]
        assert viz["position"] == {
            "x": round(style.x * POSITION_SCALE, 1),
            "y": round(style.y * POSITION_SCALE, 1),
            "z": 0.0,
        }
        colour = "#{r:02X}{g:02X}{b:02X}".format(**viz["color"])
        assert colour == style.colour
    read_edges = {}
    for u, v, d in back.edges(data=True):
        attrs = {k: x for k, x in d.items() if k not in ("id", "networkx_key")}
        read_edges[(u, v, attrs["relation_type"])] = attrs
    assert read_edges == _expected_edges(graph)


@pytest.mark.parametrize("name", sorted(GRAPHS))
def test_gexf_edges_use_only_gexf_edge_types_and_unique_ids(
    files: dict[tuple[str, str], Path], name: str
) -> None:
    root = ET.parse(files[(name, "gexf")]).getroot()
    edges = root.iter(f"{GEXF}edge")
    types, ids = set(), []
    for edge in edges:
        types.add(edge.get("type", "directed"))
        ids.append(edge.get("id"))
    assert types <= {"directed", "undirected", "mutual"}
    assert len(ids) == len(set(ids)) == GRAPHS[name].number_of_edges()
    assert root.find(f"{GEXF}graph").get("defaultedgetype") == "directed"


@pytest.mark.parametrize("name", sorted(GRAPHS))
def test_cytoscape_json_has_positions_colours_and_edge_ids(
    files: dict[tuple[str, str], Path], name: str
) -> None:
    graph = GRAPHS[name]
    data = json.loads(files[(name, "cyjs")].read_text(encoding="utf-8"))
    styles = node_styles(graph)
    nodes = {n["data"]["id"]: n for n in data["elements"]["nodes"]}
    assert list(nodes) == list(graph.nodes)
    for node, element in nodes.items():
        style = styles[node]
        assert element["position"] == {
            "x": round(style.x * POSITION_SCALE, 1),
            "y": -round(style.y * POSITION_SCALE, 1),  # Cytoscape's y axis points down
        }
        assert element["data"]["color"] == style.colour
        assert element["data"]["name"] == graph.nodes[node]["label"]
    ids = [e["data"]["id"] for e in data["elements"]["edges"]]
    assert len(set(ids)) == len(ids) == graph.number_of_edges()
    back = nx.cytoscape_graph(data)
    assert back.number_of_edges() == graph.number_of_edges()
    read = {
        (u, v, d["relation_type"]): {k: x for k, x in d.items() if k not in ("id", "key")}
        for u, v, d in back.edges(data=True)
    }
    assert read == {
        key: {**attrs, "source": key[0], "target": key[1]}
        for key, attrs in _expected_edges(graph).items()
    }


@pytest.mark.parametrize("name", sorted(GRAPHS))
def test_igraph_reads_graphml_with_every_attribute(
    files: dict[tuple[str, str], Path], name: str
) -> None:
    # igraph reads GraphML but has no GEXF reader; GEXF is read by networkx and graphology.
    graph = GRAPHS[name]
    back = igraph.Graph.Read_GraphML(str(files[(name, "graphml")]))
    assert back.is_directed()
    assert back.vs["id"] == list(graph.nodes)
    assert back.ecount() == graph.number_of_edges()
    for vertex in back.vs:
        expected = _expected_node(graph.nodes[vertex["id"]])
        for key, value in expected.items():
            assert vertex[key] == value, (vertex["id"], key)
        assert vertex["color"].startswith("#")
    names = back.vs["id"]
    read = {(names[e.source], names[e.target], e["relation_type"]): e.attributes() for e in back.es}
    for key, attrs in _expected_edges(graph).items():
        for attr, value in attrs.items():
            assert read[key][attr] == value, (key, attr)


def _graphology_available() -> bool:
    return shutil.which("node") is not None and (JS / "node_modules" / "graphology").is_dir()


def test_graphology_parses_every_gexf_and_graphml(files: dict[tuple[str, str], Path]) -> None:
    if not _graphology_available():
        message = "graphology is not installed: run `npm ci --prefix tests/js` (needs node)"
        if os.environ.get("CI"):
            pytest.fail(message)
        pytest.skip(message)
    paths = [str(p) for (_, fmt), p in sorted(files.items()) if fmt in ("gexf", "graphml")]
    done = subprocess.run(
        ["node", str(JS / "read_graphs.js"), *paths],
        capture_output=True,
        text=True,
        check=True,
        timeout=120,
    )
    results = json.loads(done.stdout)
    assert [r["file"] for r in results] == paths
    for result in results:
        assert "error" not in result, result
        name = Path(result["file"]).stem
        graph = GRAPHS[name]
        assert (result["order"], result["size"]) == (
            graph.number_of_nodes(),
            graph.number_of_edges(),
        )
        styles = node_styles(graph)
        for node in result["nodes"]:
            attrs = node["attributes"]
            expected = _expected_node(graph.nodes[node["key"]])
            assert {k: attrs[k] for k in expected} == expected
            style = styles[node["key"]]
            assert (attrs["x"], attrs["y"]) == (
                round(style.x * POSITION_SCALE, 1),
                round(style.y * POSITION_SCALE, 1),
            )
            r, g, b = (int(style.colour[i : i + 2], 16) for i in (1, 3, 5))
            assert attrs["color"] in (style.colour, f"rgba({r},{g},{b},1.0)")
        read = {
            (e["source"], e["target"], e["attributes"]["relation_type"]): e["attributes"]
            for e in result["edges"]
        }
        assert len(read) == graph.number_of_edges()
        for key, attrs in _expected_edges(graph).items():
            assert {k: read[key][k] for k in attrs} == attrs


@pytest.mark.parametrize("fmt", GRAPH_FORMATS)
def test_exports_are_byte_identical(tmp_path: Path, fmt: str) -> None:
    a = write_graph(synthesis_graph(load_corpus()), tmp_path / f"a.{fmt}").read_bytes()
    b = write_graph(synthesis_graph(load_corpus()), tmp_path / f"b.{fmt}").read_bytes()
    assert a == b
    assert b"lastmodifieddate" not in a


def test_seed_moves_the_nodes(tmp_path: Path) -> None:
    graph = study_graph(load_corpus(MINI), "alpha")
    a = write_graph(graph, tmp_path / "a.cyjs", seed=7).read_bytes()
    b = write_graph(graph, tmp_path / "b.cyjs", seed=8).read_bytes()
    assert a != b


def test_a_graph_of_no_known_kind_is_written_without_positions(tmp_path: Path) -> None:
    graph = nx.MultiDiGraph()
    graph.add_edge("a", "b", key="k", type="enables")
    graph.add_edge("a", "b", key="k2", type="enables")
    back = nx.read_graphml(write_graph(graph, tmp_path / "g.graphml"), force_multigraph=True)
    assert back.nodes["a"] == {}
    assert sorted(k for *_, k in back.edges(keys=True)) == ["k", "k2"]


def test_unknown_format(tmp_path: Path) -> None:
    with pytest.raises(ValueError, match=r"unknown graph format 'dot'"):
        write_graph(nx.MultiDiGraph(), tmp_path / "g.dot")
    assert not (tmp_path / "g.dot").exists()


def test_graphml_is_written_alike_with_or_without_lxml(tmp_path: Path) -> None:
    # networkx writes GraphML with lxml when it can import it (python-docx brings lxml), which
    # indents differently: peerlib always uses the standard library's writer, so the files of a
    # build do not depend on what else is installed
    import lxml  # noqa: F401 - installed with python-docx: the case this guards

    corpus = load_corpus(studies=["austin2014"])
    path = write_graph(study_graph(corpus, "austin2014"), tmp_path / "a.graphml")
    lines = path.read_text(encoding="utf-8").splitlines()
    assert lines[2].startswith('  <key id="d10" for="edge"')  # one element a line, indented
