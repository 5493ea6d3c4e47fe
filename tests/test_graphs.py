"""Concept graphs of one study and of the synthesis."""

from __future__ import annotations

import networkx as nx
import pytest

from peerlib import UnknownIdError, load_corpus, study_graph, synthesis_graph

from .conftest import MINI


def test_study_graph_nodes_and_edges() -> None:
    g = study_graph(load_corpus(MINI), "alpha")
    assert isinstance(g, nx.MultiDiGraph)
    assert list(g.nodes) == ["peer_worker", "disclosure", "trust", "boundary"]
    assert g.nodes["disclosure"] == {
        "label": "Self-disclosure",
        "kind": "practice",
        "definition": "Telling one's own story.",
        "themes": ["sharing", "limits"],
    }
    assert list(g.edges(keys=True)) == [
        ("peer_worker", "disclosure", "r1"),
        ("disclosure", "trust", "r2"),
        ("boundary", "disclosure", "r3"),
    ]
    assert g.edges["disclosure", "trust", "r2"] == {
        "type": "produces",
        "evidence": ["e1", "e2"],
        "note": None,
    }


def test_unknown_study_lists_valid_ids() -> None:
    with pytest.raises(
        UnknownIdError, match=r"unknown study 'omega'; valid ids: alpha, beta, gamma"
    ):
        study_graph(load_corpus(MINI), "omega")


def test_synthesis_graph() -> None:
    g = synthesis_graph(load_corpus(MINI))
    assert list(g.nodes) == ["disclosure", "mutuality", "trust"]
    assert g.nodes["mutuality"]["studies"] == ["beta", "gamma"]
    assert g.nodes["mutuality"]["n_studies"] == 2
    # beta r2 (b2) and gamma r1 (g1) touch mutuality's concepts; beta r1 (b1) touches training
    assert g.nodes["mutuality"]["evidence"] == 3
    assert g.nodes["mutuality"]["refutations"] == [("beta", "gamma")]
    assert g.nodes["trust"]["study_specific"] is True
    # alpha: peer_worker (trust) -enacts-> disclosure (disclosure); disclosure -produces-> trust;
    # beta: training (mutuality) -constrains-> disclosure (disclosure)
    assert sorted(g.edges(keys=True)) == [
        ("disclosure", "trust", "produces"),
        ("mutuality", "disclosure", "constrains"),
        ("trust", "disclosure", "enacts"),
    ]
    edge = g.edges["disclosure", "trust", "produces"]
    assert edge["studies"] == ["alpha"]
    assert edge["evidence"] == 2
    assert edge["relations"] == ["alpha/r2"]


def test_graphs_are_deterministic() -> None:
    a, b = load_corpus(), load_corpus()
    for sid in a.study_ids:
        ga, gb = study_graph(a, sid), study_graph(b, sid)
        assert list(ga.nodes(data=True)) == list(gb.nodes(data=True))
        assert list(ga.edges(keys=True, data=True)) == list(gb.edges(keys=True, data=True))
    sa, sb = synthesis_graph(a), synthesis_graph(b)
    assert list(sa.nodes(data=True)) == list(sb.nodes(data=True))
    assert list(sa.edges(keys=True, data=True)) == list(sb.edges(keys=True, data=True))
