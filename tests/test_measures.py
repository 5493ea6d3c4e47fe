"""Graph measures, checked against values computed by hand.

Betweenness is normalised for an undirected graph: the number of shortest paths between other
pairs a node lies on (split between equal paths), divided by (n - 1)(n - 2) / 2.
"""

from __future__ import annotations

import subprocess
import sys
from collections.abc import Mapping
from pathlib import Path

import networkx as nx
import pandas as pd
import pytest

from peerlib import UnknownIdError, load_corpus, study_graph, synthesis_graph
from peerlib.loading import Corpus
from peerlib.measures import (
    SYNTHESIS,
    _bridges_themes,
    graph_measures,
    study_measures,
    synthesis_measures,
    theme_bridges,
)

from .conftest import overlay_corpus

NA = pd.NA

MEASURE_COLUMNS: dict[str, object] = {
    "node": "string",
    "label": "string",
    "degree": "int64",
    "degree_centrality": "float64",
    "betweenness": "float64",
    "community": "int64",
    "bridges": "boolean",
}
STUDY_COLUMNS: dict[str, object] = {"study_id": "string", **MEASURE_COLUMNS}
BRIDGE_COLUMNS: dict[str, object] = {
    "study_id": "string",
    "concept_id": "string",
    "label": "string",
    "themes": "string",
    "connects": "string",
    "connects_names": "string",
    "n_connects": "int64",
}


def frame(rows: list[tuple[object, ...]], columns: Mapping[str, object]) -> pd.DataFrame:
    df = pd.DataFrame.from_records(rows, columns=list(columns))
    return df.astype(columns)  # type: ignore[arg-type]


# ---------------------------------------------------------------------------- study graphs


def test_study_measures(corpus: Corpus) -> None:
    expected = frame(
        [
            # alpha is a star around disclosure: peer_worker->disclosure, disclosure->trust,
            # boundary->disclosure. 4 nodes, so centrality = neighbours / 3; disclosure lies
            # on all 3 paths between the leaves: 3 / (3 * 2 / 2) = 1. A star is one community
            # (modularity 0 beats every split). Only disclosure is in two themes (sharing,
            # limits); each leaf is in one of them, and so is disclosure: no other bridges.
            ("alpha", "peer_worker", "Peer worker", 1, 1 / 3, 0.0, 1, False),
            ("alpha", "disclosure", "Self-disclosure", 3, 1.0, 1.0, 1, True),
            ("alpha", "trust", "Trust", 1, 1 / 3, 0.0, 1, False),
            ("alpha", "boundary", "Boundary", 1, 1 / 3, 0.0, 1, False),
            # beta: training->disclosure, training->mutuality; a star of 3 nodes, one theme
            ("beta", "training", "Professional training", 2, 1.0, 1.0, 1, False),
            ("beta", "disclosure", "Disclosure", 1, 1 / 2, 0.0, 1, False),
            ("beta", "mutuality", "Mutuality", 1, 1 / 2, 0.0, 1, False),
            # gamma: one edge; nothing lies between two nodes
            ("gamma", "training", "Training", 1, 1.0, 0.0, 1, False),
            ("gamma", "mutuality", "Mutuality", 1, 1.0, 0.0, 1, False),
        ],
        STUDY_COLUMNS,
    )
    pd.testing.assert_frame_equal(study_measures(corpus), expected)


def test_sub_themes_and_concepts_outside_themes(extra: Corpus) -> None:
    m = study_measures(extra)
    expected = frame(
        [
            # delta: listen->care, hub->listen, rota->hub; lonely has no relation. The path
            # care - listen - hub - rota plus the isolated lonely, 5 nodes: centrality =
            # neighbours / 4; listen lies on care-hub and care-rota: 2 / (4 * 3 / 2) = 1/3,
            # hub on listen-rota and care-rota: 1/3. Greedy modularity splits the path in two
            # halves; lonely is alone. Communities are numbered by their first node: listen 1,
            # hub 2, lonely 3.
            # listen is in sub-theme listening, under care: with care it fits in care. hub is
            # in no theme; its neighbours listen (listening) and rota (work) share none.
            # rota (work) has only the theme-less hub as neighbour.
            ("delta", "listen", "Listening", 2, 2 / 4, 1 / 3, 1, False),
            ("delta", "care", "Care", 1, 1 / 4, 0.0, 1, False),
            ("delta", "hub", "Shift handover", 2, 2 / 4, 1 / 3, 2, True),
            ("delta", "rota", "Rota", 1, 1 / 4, 0.0, 2, False),
            ("delta", "lonely", "Lone working", 0, 0.0, 0.0, 3, False),
        ],
        STUDY_COLUMNS,
    )
    pd.testing.assert_frame_equal(m[m["study_id"] == "delta"].reset_index(drop=True), expected)


def test_sub_theme_needs_the_parents(extra: Corpus) -> None:
    # without the parent mapping, listening and care are just two themes, and the relation
    # listen -> care crosses them: both ends bridge
    m = graph_measures(study_graph(extra, "delta")).set_index("node")
    assert m["bridges"].tolist() == [True, True, True, False, False]


def test_study_measures_order(corpus: Corpus) -> None:
    m = study_measures(corpus)
    expected = [
        (sid, str(c))
        for sid in corpus.study_ids
        for c in corpus.concepts.loc[corpus.concepts["study_id"] == sid, "concept_id"]
    ]
    assert list(zip(m["study_id"], m["node"], strict=True)) == expected


# ---------------------------------------------------------------------------- synthesis graph


def test_synthesis_measures(corpus: Corpus) -> None:
    # synthesis graph edges (between constructs that a study relation's ends map onto):
    # alpha r1 peer_worker(trust)->disclosure(disclosure), alpha r2 disclosure->trust,
    # beta r1 training(mutuality)->disclosure(disclosure); the rest stay within one construct.
    # Projection: the path mutuality - disclosure - trust; one community (modularity 0 beats
    # -1/8 for the best split). Constructs have no themes: bridges missing.
    expected = frame(
        [
            (SYNTHESIS, "disclosure", "Using lived experience", 3, 1.0, 1.0, 1, NA),
            (SYNTHESIS, "mutuality", "Mutuality under professionalisation", 1, 0.5, 0.0, 1, NA),
            (SYNTHESIS, "trust", "Trust", 2, 0.5, 0.0, 1, NA),
        ],
        STUDY_COLUMNS,
    )
    pd.testing.assert_frame_equal(synthesis_measures(corpus), expected)
    both = pd.concat([study_measures(corpus), synthesis_measures(corpus)], ignore_index=True)
    assert both.dtypes.to_dict() == expected.dtypes.to_dict()


def test_no_synthesis(mini: Path) -> None:
    (mini / "synthesis.yaml").unlink()
    bare = load_corpus(mini, studies=["alpha", "beta", "gamma"])
    m = synthesis_measures(bare)
    assert m.empty
    assert m.dtypes.to_dict() == frame([], STUDY_COLUMNS).dtypes.to_dict()
    assert len(study_measures(bare)) == 9  # the study graphs do not need a synthesis


# ---------------------------------------------------------------------------- hand-made graphs


def two_triangles() -> nx.MultiDiGraph:
    """Triangles {a, b, c} and {x, y, z} joined by c - x; z comes first in graph order."""
    g = nx.MultiDiGraph()
    for node in "zabcxy":
        g.add_node(node, label=node.upper(), themes=["left"] if node in "abc" else ["right"])
    g.add_edges_from([("a", "b"), ("b", "c"), ("c", "a"), ("c", "x")])
    g.add_edges_from([("x", "y"), ("y", "z"), ("z", "x"), ("z", "x")])  # a parallel relation
    g.add_edge("a", "a")  # a self-loop: in the degree, not in the projection
    return g


def test_graph_measures_two_triangles() -> None:
    m = graph_measures(two_triangles())
    expected = frame(
        [
            # n = 6: centrality = distinct neighbours / 5; normaliser (5 * 4) / 2 = 10.
            # c and x each lie on the 2 * 3 paths between their triangle's two others and the
            # other triangle: 6 / 10. Communities: the two triangles; z's is numbered 1, since
            # z is the first node. c - x is the only edge across themes.
            ("z", "Z", 3, 2 / 5, 0.0, 1, False),  # y->z, z->x twice
            ("a", "A", 4, 2 / 5, 0.0, 2, False),  # a->b, c->a, the self-loop in and out
            ("b", "B", 2, 2 / 5, 0.0, 2, False),
            ("c", "C", 3, 3 / 5, 6 / 10, 2, True),
            ("x", "X", 4, 3 / 5, 6 / 10, 1, True),
            ("y", "Y", 2, 2 / 5, 0.0, 1, False),
        ],
        MEASURE_COLUMNS,
    )
    pd.testing.assert_frame_equal(m, expected)


def test_graph_measures_degenerate_graphs() -> None:
    empty = graph_measures(nx.MultiDiGraph())
    pd.testing.assert_frame_equal(empty, frame([], MEASURE_COLUMNS))
    one = nx.MultiDiGraph()
    one.add_node("solo", label="Solo", themes=[])
    pd.testing.assert_frame_equal(
        graph_measures(one), frame([("solo", "Solo", 0, 0.0, 0.0, 1, False)], MEASURE_COLUMNS)
    )
    # no edges at all: every node is its own community, in graph order
    apart = nx.MultiDiGraph()
    apart.add_nodes_from(["q", "p", "r"], label="?")
    assert graph_measures(apart)["community"].tolist() == [1, 2, 3]
    assert graph_measures(apart)["bridges"].isna().all()  # no themes attribute


def test_bridge_rule() -> None:
    # member of two themes
    assert _bridges_themes(["a", "b"], [])
    # one theme, every neighbour shares it (a neighbour in more themes is its own bridge)
    assert not _bridges_themes(["a"], [["a", "b"], ["a"]])
    # linked to a concept outside its theme
    assert _bridges_themes(["a"], [["a"], ["b"]])
    # theme-less neighbours are ignored
    assert not _bridges_themes(["a"], [[], ["a"]])
    # no theme itself: bridges when the neighbours have no theme in common
    assert _bridges_themes([], [["a"], ["b"]])
    assert not _bridges_themes([], [["a", "b"], ["b", "c"]])
    assert not _bridges_themes([], [[], []])
    # sub-themes are inside their parents, at any depth
    parents = {"a1": "a", "a2": "a", "a11": "a1", "b": None}
    assert not _bridges_themes(["a1"], [["a"]], parents)
    assert not _bridges_themes(["a11"], [["a2"]], parents)  # both inside a
    assert not _bridges_themes(["a", "a11"], [], parents)
    assert _bridges_themes(["a11"], [["b"]], parents)
    # a parent cycle (which validation does not catch) must not hang
    assert not _bridges_themes(["p"], [["q"]], {"p": "q", "q": "p"})


# ---------------------------------------------------------------------------- theme_bridges


def test_theme_bridges(corpus: Corpus, extra: Corpus) -> None:
    pd.testing.assert_frame_equal(
        theme_bridges(corpus, "alpha"),
        frame(
            [
                (
                    "alpha",
                    "disclosure",
                    "Self-disclosure",
                    "sharing; limits",
                    "sharing; limits",
                    "Sharing my story; Knowing the limits",
                    2,
                )
            ],
            BRIDGE_COLUMNS,
        ),
    )
    assert theme_bridges(corpus, "beta").empty  # one theme only
    pd.testing.assert_frame_equal(
        theme_bridges(extra, "delta"),
        # hub belongs to no theme; its neighbours listen and rota bring listening and work
        frame(
            [
                (
                    "delta",
                    "hub",
                    "Shift handover",
                    "",
                    "listening; work",
                    "Listening; Work at 100%",
                    2,
                )
            ],
            BRIDGE_COLUMNS,
        ),
    )


def test_theme_bridges_agree_with_measures(corpus: Corpus, extra: Corpus) -> None:
    for c in (corpus, extra):
        m = study_measures(c)
        for sid in c.study_ids:
            flagged = m[(m["study_id"] == sid) & m["bridges"]]["node"].tolist()
            assert theme_bridges(c, sid)["concept_id"].tolist() == flagged


def test_theme_bridges_unknown_study(corpus: Corpus) -> None:
    with pytest.raises(UnknownIdError, match="unknown study 'omega'"):
        theme_bridges(corpus, "omega")


# ---------------------------------------------------------------------------- determinism


def test_deterministic(corpus: Corpus, extra: Corpus) -> None:
    for c in (corpus, extra):
        pd.testing.assert_frame_equal(study_measures(c), study_measures(c))
        pd.testing.assert_frame_equal(synthesis_measures(c), synthesis_measures(c))
    pd.testing.assert_frame_equal(graph_measures(two_triangles()), graph_measures(two_triangles()))
    g = synthesis_graph(corpus)
    pd.testing.assert_frame_equal(graph_measures(g), graph_measures(g))


def test_same_measures_whatever_the_hash_seed(tmp_path: Path) -> None:
    root = overlay_corpus(tmp_path / "corpus")
    script = (
        "import sys\n"
        "from peerlib import load_corpus\n"
        "from peerlib import measures as m\n"
        "corpus = load_corpus(sys.argv[1])\n"
        "print(m.study_measures(corpus).to_csv(index=False))\n"
        "print(m.synthesis_measures(corpus).to_csv(index=False))\n"
        "print(m.theme_bridges(corpus, 'delta').to_csv(index=False))\n"
    )
    outputs = {
        subprocess.run(
            [sys.executable, "-c", script, str(root)],
            env={"PYTHONHASHSEED": seed, "PATH": ""},
            capture_output=True,
            text=True,
            check=True,
        ).stdout
        for seed in ("1", "2", "3")
    }
    assert len(outputs) == 1
