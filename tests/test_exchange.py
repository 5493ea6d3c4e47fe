"""GraphML and GEXF exports read back into networkx, complete and byte-stable."""

from __future__ import annotations

from pathlib import Path

import networkx as nx
import pytest

from peerlib import load_corpus, study_graph, synthesis_graph
from peerlib.exchange import write_graph

from .conftest import MINI


@pytest.mark.parametrize("suffix", ["graphml", "gexf"])
def test_study_graph_round_trips(tmp_path: Path, suffix: str) -> None:
    graph = study_graph(load_corpus(MINI), "alpha")
    path = write_graph(graph, tmp_path / f"alpha.{suffix}")
    back = (
        nx.read_graphml(path, force_multigraph=True) if suffix == "graphml" else nx.read_gexf(path)
    )
    assert sorted(back.nodes) == sorted(graph.nodes)
    assert back.number_of_edges() == graph.number_of_edges()
    if suffix == "graphml":
        assert back.nodes["disclosure"]["themes"] == "sharing; limits"
        assert back.nodes["disclosure"]["kind"] == "practice"
        edge = back.get_edge_data("disclosure", "trust")["r2"]
        assert edge["type"] == "produces"
        assert edge["evidence"] == "e1; e2"


@pytest.mark.parametrize("suffix", ["graphml", "gexf"])
def test_exports_are_byte_identical(tmp_path: Path, suffix: str) -> None:
    graph = synthesis_graph(load_corpus())
    a = write_graph(graph, tmp_path / f"a.{suffix}").read_bytes()
    b = write_graph(synthesis_graph(load_corpus()), tmp_path / f"b.{suffix}").read_bytes()
    assert a == b
    assert b"lastmodifieddate" not in a


def test_unknown_format(tmp_path: Path) -> None:
    with pytest.raises(ValueError, match=r"unknown graph format 'dot'"):
        write_graph(nx.MultiDiGraph(), tmp_path / "g.dot")
    assert not (tmp_path / "g.dot").exists()
