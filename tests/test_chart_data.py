"""The data behind each chart, as frames, against counts worked out by hand on the mini corpus.

The mini corpus (tests/fixtures/mini) has three studies. alpha (full text): peer_worker enacts
disclosure [e1], disclosure produces trust [e1, e2], boundary constrains disclosure [e3]; themes
"Sharing my story" (peer_worker, disclosure, trust) and "Knowing the limits" (disclosure,
boundary). beta (full text): training constrains disclosure [b1] and mutuality [b2]. gamma
(abstract only): training enables mutuality [g1]. The synthesis maps alpha's disclosure and
boundary and beta's disclosure onto ``disclosure``; beta's and gamma's training and mutuality
onto ``mutuality`` (beta refutes gamma on it); alpha's trust and peer_worker onto ``trust``.
"""

from __future__ import annotations

import math

import pandas as pd
import pytest

from peerlib import UnknownIdError
from peerlib.chart_data import (
    NO_THEME,
    Page,
    centrality_distribution,
    centrality_frames,
    construct_evidence_frame,
    construct_heatmap_frame,
    evidence_density_frame,
    evidence_distribution,
    paginate,
    short_text,
    similarity_frame,
    similarity_neighbours,
    similarity_order,
    study_evidence_frame,
    study_network_frames,
    synthesis_network_frames,
)
from peerlib.loading import Corpus


def records(frame: pd.DataFrame, *columns: str) -> list[tuple[object, ...]]:
    return [tuple(row) for row in frame[list(columns)].itertuples(index=False)]


# --- the study network ------------------------------------------------------------------------


def test_study_network_nodes_of_alpha(corpus: Corpus) -> None:
    frames = study_network_frames(corpus, "alpha")
    assert records(frames.nodes, "concept_id", "kind", "theme", "themes", "degree") == [
        ("peer_worker", "actor", "Sharing my story", "Sharing my story", 1),
        (
            "disclosure",
            "practice",
            "Sharing my story",
            "Sharing my story; Knowing the limits",
            3,
        ),
        ("trust", "outcome", "Sharing my story", "Sharing my story", 1),
        ("boundary", "practice", "Knowing the limits", "Knowing the limits", 1),
    ]
    assert frames.themes == ("Sharing my story", "Knowing the limits")
    excerpts = dict(zip(frames.nodes["concept_id"], frames.nodes["excerpts"], strict=True))
    # each concept's excerpts in the order its relations cite them, each once
    assert [e.split(":")[0] for e in excerpts["disclosure"].split(" · ")] == ["e1", "e2", "e3"]
    assert [e.split(":")[0] for e in excerpts["trust"].split(" · ")] == ["e1", "e2"]
    assert excerpts["boundary"] == "e3: “Some things I keep to myself.”"


def test_study_network_relations_of_alpha(corpus: Corpus) -> None:
    lines = study_network_frames(corpus, "alpha").lines
    assert records(lines, "source", "target", "relation", "polarity") == [
        ("peer_worker", "disclosure", "Peer worker enacts Self-disclosure", "supports"),
        ("disclosure", "trust", "Self-disclosure produces Trust", "supports"),
        ("boundary", "disclosure", "Boundary constrains Self-disclosure", "pulls against"),
    ]
    assert lines["evidence"].tolist()[1] == (
        "e1: “I tell them where I have been and they open up.” · "
        "e2: “After that they trusted me more than the doctor.”"
    )


def test_study_network_layout_fills_the_square_and_arrows_point_at_targets(
    corpus: Corpus,
) -> None:
    frames = study_network_frames(corpus, "alpha", seed=3)
    nodes = frames.nodes
    # stretched to [-1, 1] on both axes
    assert (nodes["x"].min(), nodes["x"].max()) == (-1.0, 1.0)
    assert (nodes["y"].min(), nodes["y"].max()) == (-1.0, 1.0)
    pos = {r.concept_id: (r.x, r.y) for r in nodes.itertuples()}
    assert len(frames.arrows) == 3
    for arrow in frames.arrows.itertuples():
        (x, y), (x2, y2) = pos[arrow.source], pos[arrow.target]
        # 70% of the way along the segment, within the rounding to 3 decimals
        assert arrow.x == pytest.approx(x + 0.7 * (x2 - x), abs=1e-3)
        assert arrow.y == pytest.approx(y + 0.7 * (y2 - y), abs=1e-3)
        # an upward triangle turned clockwise by ``angle`` points along the segment
        heading = math.radians(arrow.angle)
        length = math.hypot(x2 - x, y2 - y)
        assert math.sin(heading) == pytest.approx((x2 - x) / length, abs=2e-3)
        assert math.cos(heading) == pytest.approx((y2 - y) / length, abs=2e-3)
    again = study_network_frames(corpus, "alpha", seed=3)
    pd.testing.assert_frame_equal(again.nodes, nodes)


def test_study_network_of_a_concept_in_no_theme(extra: Corpus) -> None:
    frames = study_network_frames(extra, "delta")
    nodes = frames.nodes.set_index("concept_id")
    assert nodes.loc["hub", "theme"] == NO_THEME
    assert nodes.loc["lonely", "degree"] == 0
    assert nodes.loc["lonely", "excerpts"] == ""
    assert frames.themes[-1] == NO_THEME


def test_study_network_of_an_unknown_study(corpus: Corpus) -> None:
    with pytest.raises(UnknownIdError, match="unknown study 'omega'"):
        study_network_frames(corpus, "omega")


# --- the synthesis network --------------------------------------------------------------------


def test_synthesis_network_nodes(corpus: Corpus) -> None:
    nodes = synthesis_network_frames(corpus).nodes
    # evidence: disclosure = alpha e1 e2 e3 + beta b1; mutuality = beta b1 b2 + gamma g1;
    # trust = alpha e1 e2 (the relations touching peer_worker and trust)
    assert records(
        nodes, "construct_id", "n_studies", "studies", "evidence", "status", "refutations"
    ) == [
        ("disclosure", 2, "alpha, beta", 4, "not contested", "none"),
        ("mutuality", 2, "beta, gamma", 3, "contested", "beta vs gamma"),
        ("trust", 1, "alpha", 2, "not contested", "none"),
    ]
    assert nodes["study_specific"].tolist() == ["no", "no", "yes"]


def test_synthesis_network_links(corpus: Corpus) -> None:
    frames = synthesis_network_frames(corpus)
    # alpha: peer_worker (trust) enacts disclosure (disclosure); disclosure produces trust;
    # boundary constrains disclosure stays inside one construct. beta: training (mutuality)
    # constrains disclosure (disclosure). gamma's relation stays inside mutuality.
    assert records(frames.lines, "source", "target", "types", "relations", "studies") == [
        ("disclosure", "trust", "produces", 1, "alpha"),
        ("mutuality", "disclosure", "constrains", 1, "beta"),
        ("trust", "disclosure", "enacts", 1, "alpha"),
    ]
    assert frames.lines["polarity"].tolist() == ["supports", "pulls against", "supports"]
    assert (
        frames.lines["link"].tolist()[1]
        == "Mutuality under professionalisation → Using lived experience"
    )
    assert frames.themes == ()


# --- matrices ---------------------------------------------------------------------------------


def test_construct_heatmap_frame(corpus: Corpus) -> None:
    heatmap = construct_heatmap_frame(corpus)
    frame = heatmap.cells
    assert heatmap.studies == ["alpha", "beta", "gamma"]  # everything fits: file order
    assert heatmap.constructs == [
        "Using lived experience",
        "Mutuality under professionalisation",
        "Trust",
    ]
    assert heatmap.study_page == Page(1, 1, 3, 3, 0)
    assert heatmap.construct_page.complete
    assert records(frame, "construct_id", "study_id", "concepts", "evidence", "evidence_text") == [
        ("disclosure", "alpha", 2, 3, "3"),
        ("disclosure", "beta", 1, 1, "1"),
        ("disclosure", "gamma", 0, 0, ""),
        ("mutuality", "alpha", 0, 0, ""),
        ("mutuality", "beta", 2, 2, "2"),
        ("mutuality", "gamma", 2, 1, "1"),
        ("trust", "alpha", 2, 2, "2"),
        ("trust", "beta", 0, 0, ""),
        ("trust", "gamma", 0, 0, ""),
    ]
    assert frame["construct"].tolist()[::3] == [
        "Using lived experience",
        "Mutuality under professionalisation",
        "Trust",
    ]


def test_similarity_frame(corpus: Corpus) -> None:
    # alpha: disclosure, trust; beta: disclosure, mutuality; gamma: mutuality
    jaccard = similarity_frame(corpus, "jaccard")
    overlap = similarity_frame(corpus, "overlap")
    assert jaccard["value_text"].tolist() == [
        "1.00", "0.33", "0.00",
        "0.33", "1.00", "0.50",
        "0.00", "0.50", "1.00",
    ]  # fmt: skip
    assert overlap["value_text"].tolist() == [
        "1.00", "0.50", "0.00",
        "0.50", "1.00", "1.00",
        "0.00", "1.00", "1.00",
    ]  # fmt: skip


def test_similarity_frame_of_a_study_without_constructs_is_blank(extra: Corpus) -> None:
    frame = similarity_frame(extra).set_index(["study_a", "study_b"])
    assert frame.loc[("alpha", "alpha"), "value_text"] == ""  # alpha maps onto nothing there
    assert frame.loc[("alpha", "beta"), "value_text"] == "0.00"


def test_unknown_measures(corpus: Corpus) -> None:
    with pytest.raises(ValueError, match=r"^measure must be 'jaccard' or 'overlap', not 'x'$"):
        similarity_frame(corpus, "x")
    with pytest.raises(ValueError, match=r"'betweenness' or 'degree_centrality', not 'x'$"):
        centrality_frames(corpus, "x")


# --- centrality, evidence ---------------------------------------------------------------------


def test_centrality_frames_betweenness(corpus: Corpus) -> None:
    frames = centrality_frames(corpus)
    # alpha is a star around disclosure: it lies on all 3 paths between the leaves (1.0);
    # beta is a path through training; gamma's two concepts tie at 0 (mutuality < training)
    assert records(frames.most_central, "study_id", "node", "betweenness") == [
        ("alpha", "disclosure", 1.0),
        ("beta", "training", 1.0),
        ("gamma", "mutuality", 0.0),
    ]
    alpha = frames.concepts[frames.concepts["study_id"] == "alpha"]
    assert records(alpha, "node", "kind", "bridges") == [
        ("peer_worker", "actor", "no"),
        ("disclosure", "practice", "yes"),  # under two themes
        ("trust", "outcome", "no"),
        ("boundary", "practice", "no"),
    ]
    assert len(frames.concepts) == 4 + 3 + 2


def test_centrality_frames_degree(corpus: Corpus) -> None:
    top = centrality_frames(corpus, "degree_centrality").most_central
    assert records(top, "study_id", "node", "degree_centrality") == [
        ("alpha", "disclosure", 1.0),
        ("beta", "training", 1.0),
        ("gamma", "mutuality", 1.0),
    ]


def test_evidence_density_frame(corpus: Corpus) -> None:
    frame = evidence_density_frame(corpus)
    # Sharing my story touches r1, r2, r3 through disclosure: e1 e2 e3; so does Knowing the limits
    assert records(frame, "row", "concepts", "excerpts", "coverage") == [
        ("alpha · Sharing my story", 3, 3, "full text"),
        ("alpha · Knowing the limits", 2, 3, "full text"),
        ("beta · The paradox of professionalisation", 3, 2, "full text"),
        ("gamma · Mutuality kept", 2, 1, "abstract only"),
    ]


def test_construct_evidence_frame(corpus: Corpus) -> None:
    bars = construct_evidence_frame(corpus, "mutuality")
    assert bars.order == ["beta", "gamma"]
    assert bars.page.complete
    frame = bars.data
    assert records(frame, "study_id", "evidence", "coverage", "concepts_text", "relation") == [
        ("beta", 2, "full text", "Professional training; Mutuality", "refutational (vs gamma)"),
        ("gamma", 1, "abstract only", "Training; Mutuality", "refutational (vs beta)"),
    ]
    # the excerpt the synthesis cites for each side
    assert frame["excerpt"].tolist() == [
        "Professional norms erode the mutuality of peer support.",
        "Training gave them words for the mutuality they already practised.",
    ]
    trust = construct_evidence_frame(corpus, "trust").data
    # e1 is cited by two of the relations touching trust and peer_worker, e2 by one
    assert records(trust, "study_id", "relation", "excerpt") == [
        ("alpha", "", "I tell them where I have been and they open up.")
    ]


def test_construct_evidence_frame_of_an_unknown_construct(corpus: Corpus) -> None:
    with pytest.raises(UnknownIdError, match=r"valid ids: disclosure, mutuality, trust$"):
        construct_evidence_frame(corpus, "omega")


def test_short_text() -> None:
    assert short_text("abc", 3) == "abc"
    assert short_text("abcd ef", 6) == "abcd…"  # the space before the cut is dropped


# --- what a large review's charts draw: limits, orders, pages, distributions -----------------
# Support on the mini corpus: disclosure has 2 studies and 4 excerpts (alpha 3, beta 1),
# mutuality 2 studies and 3 excerpts (beta 2, gamma 1), trust 1 study (alpha, 2 excerpts).
# alpha speaks to 2 constructs with 5 excerpts, beta to 2 with 3, gamma to 1 with 1.


def test_paginate() -> None:
    assert paginate([1, 2, 3], 1) == ([1, 2, 3], Page(1, 1, 3, 3, 0))
    assert paginate([1, 2, 3], 2, per_page=2) == ([3], Page(2, 2, 1, 3, 2))
    assert paginate([], 1, per_page=2) == ([], Page(1, 1, 0, 0, 0))
    with pytest.raises(ValueError, match=r"^page must be between 1 and 2, not 3$"):
        paginate([1, 2, 3], 3, per_page=2)
    with pytest.raises(ValueError, match=r"^page must be between 1 and 1, not 0$"):
        paginate([1], 0)


def test_construct_heatmap_frame_past_its_limits(corpus: Corpus) -> None:
    first = construct_heatmap_frame(corpus, max_studies=2, max_constructs=2)
    assert first.studies == ["alpha", "beta"]  # by the constructs they speak to
    assert first.constructs == ["Using lived experience", "Mutuality under professionalisation"]
    assert first.study_page == Page(1, 2, 2, 3, 0)
    assert first.construct_page == Page(1, 2, 2, 3, 0)  # the first of two: the best supported
    assert records(first.cells, "construct_id", "study_id") == [
        ("disclosure", "alpha"),
        ("disclosure", "beta"),
        ("mutuality", "alpha"),
        ("mutuality", "beta"),
    ]
    second = construct_heatmap_frame(corpus, page=2, max_studies=2, max_constructs=2)
    assert second.studies == ["gamma"]
    assert second.study_page == Page(2, 2, 1, 3, 2)
    assert len(second.cells) == 2
    # only the studies overflow: constructs are all drawn, ordered by support
    wide = construct_heatmap_frame(corpus, max_studies=2)
    assert wide.constructs[-1] == "Trust"
    assert wide.construct_page.complete
    with pytest.raises(ValueError, match="between 1 and 2, not 3"):
        construct_heatmap_frame(corpus, page=3, max_studies=2)


def test_similarity_order(corpus: Corpus) -> None:
    # jaccard: alpha-beta 1/3, alpha-gamma 0, beta-gamma 1/2. beta is the most similar to the
    # others (5/6), then its nearest, gamma, then alpha
    assert similarity_order(similarity_frame(corpus)) == ["beta", "gamma", "alpha"]
    # overlap: alpha-beta 1/2, beta-gamma 1: the same chain
    assert similarity_order(similarity_frame(corpus, "overlap"), "overlap") == [
        "beta",
        "gamma",
        "alpha",
    ]


def test_similarity_neighbours(corpus: Corpus) -> None:
    near = similarity_neighbours(corpus)
    # only studies sharing a construct; the most similar first
    assert records(near.data, "study_id", "rank", "neighbour", "shared") == [
        ("alpha", 1, "beta", 1),
        ("beta", 1, "gamma", 1),
        ("beta", 2, "alpha", 1),
        ("gamma", 1, "beta", 1),
    ]
    assert near.data["jaccard"].tolist() == pytest.approx([1 / 3, 1 / 2, 1 / 3, 1 / 2])
    page = similarity_neighbours(corpus, "overlap", neighbours=1, page=2, per_page=2)
    assert page.order == ["gamma"]
    assert page.page == Page(2, 2, 1, 3, 2)
    assert records(page.data, "study_id", "rank", "neighbour") == [("gamma", 1, "beta")]


def test_centrality_distribution(corpus: Corpus) -> None:
    # betweenness 1.0: alpha's disclosure (practice), beta's training (context); 0 elsewhere
    table = centrality_distribution(corpus, bins=4)
    assert records(
        table, "bin_start", "bin_end", "kind", "concepts", "stack_start", "stack_end"
    ) == [
        (0.0, 0.25, "actor", 1, 0, 1),
        (0.0, 0.25, "practice", 2, 1, 3),
        (0.0, 0.25, "principle", 2, 3, 5),
        (0.0, 0.25, "outcome", 1, 5, 6),
        (0.0, 0.25, "context", 1, 6, 7),
        (0.75, 1.0, "practice", 1, 0, 1),
        (0.75, 1.0, "context", 1, 1, 2),
    ]


def test_study_evidence_frame(corpus: Corpus) -> None:
    # alpha's themes cover all four concepts: e1 e2 e3; beta b1 b2; gamma g1
    assert records(study_evidence_frame(corpus), "study_id", "themes", "excerpts", "coverage") == [
        ("alpha", 2, 3, "full text"),
        ("beta", 1, 2, "full text"),
        ("gamma", 1, 1, "abstract only"),
    ]


def test_evidence_distribution(corpus: Corpus) -> None:
    # 3 excerpts at most, 2 bins: 2 excerpts wide, [0, 2) and [2, 4)
    table = evidence_distribution(corpus, bins=2)
    assert records(
        table, "bin_start", "bin_end", "coverage", "studies", "stack_start", "stack_end"
    ) == [
        (0, 2, "abstract only", 1, 0, 1),
        (2, 4, "full text", 2, 0, 2),
    ]


def test_construct_evidence_frame_keeps_the_studies_with_most_excerpts(corpus: Corpus) -> None:
    top = construct_evidence_frame(corpus, "mutuality", top=1)
    assert top.order == ["beta"]  # 2 excerpts against gamma's 1
    assert top.page == Page(1, 1, 1, 2, 0)
    assert top.data["excerpt"].tolist() == [
        "Professional norms erode the mutuality of peer support."
    ]


def test_synthesis_network_frames_past_its_limits(corpus: Corpus) -> None:
    fewer = synthesis_network_frames(corpus, max_constructs=2)
    assert fewer.nodes["construct_id"].tolist() == ["disclosure", "mutuality"]  # trust: 1 study
    assert fewer.node_page == Page(1, 1, 2, 3, 0)
    assert records(fewer.lines, "source", "target") == [("mutuality", "disclosure")]
    strongest = synthesis_network_frames(corpus, max_links=1)
    # every link has one study relation: the first pair in order stays
    assert records(strongest.lines, "source", "target") == [("disclosure", "trust")]
    assert strongest.link_page == Page(1, 1, 1, 3, 0)
    # the layout still uses every link
    everything = synthesis_network_frames(corpus)
    pd.testing.assert_frame_equal(strongest.nodes, everything.nodes)
    assert everything.link_page == Page(1, 1, 3, 3, 0)
