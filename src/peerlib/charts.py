"""Figures of a review: one function per chart, each returning an Altair chart.

Charts carry no styling of their own beyond what encodes data: the look comes from the house
theme (:func:`peerlib.theme.register_theme`), which the caller enables or which
:func:`peerlib.save_chart` applies. Colours are colour-blind safe (Okabe-Ito for categories,
viridis for amounts); every chart has a title that says what the reader sees and a caption
line naming its sources. Data are pre-aggregated, so no chart comes near Altair's row limit,
and band sizes are per item, so charts grow with the review instead of crushing labels.
"""

from __future__ import annotations

import math
from collections import defaultdict
from typing import Any, cast

import altair as alt
import networkx as nx
import pandas as pd

from ._layout import grouped_layout
from .comparison import construct_matrix, study_similarity, theme_evidence, translation_table
from .graphs import study_graph, synthesis_graph
from .loading import Corpus, UnknownIdError, check_study_id
from .measures import study_measures
from .models import CONCEPT_KINDS, RELATION_TYPES
from .theme import KIND_COLOURS

__all__ = [
    "centrality_chart",
    "construct_evidence_chart",
    "construct_heatmap",
    "evidence_density_chart",
    "similarity_chart",
    "source_caption",
    "study_network_chart",
    "synthesis_network_chart",
]

_COVERAGE_WORDS = {
    "full_text": "full text",
    "results_only": "results only",
    "abstract_only": "abstract only",
}
#: Relation types that pull against their target; drawn in vermillion.
OPPOSING = frozenset({"constrains", "in_tension_with", "contests"})
_OPPOSE, _SUPPORT = "#D55E00", "#8a8a8a"
_DASHES: dict[str, list[int]] = {
    "enables": [1, 0],
    "constrains": [8, 4],
    "produces": [2, 2],
    "requires": [8, 3, 2, 3],
    "part_of": [1, 4],
    "enacts": [12, 3],
    "in_tension_with": [4, 2, 1, 2],
    "contests": [3, 5],
}
#: Distinct point shapes for themes; a study with more themes than this reuses them in order.
_SHAPES = (
    "circle",
    "square",
    "diamond",
    "triangle-up",
    "cross",
    "triangle-down",
    "triangle-right",
    "triangle-left",
    "wedge",
    "arrow",
    "stroke",
)
_EXTENT = 1.18  # layout is in [-1, 1]; a margin for labels


def source_caption(corpus: Corpus, study_ids: list[str] | None = None) -> str:
    """A caption line naming the sources and what of them was coded.

    Examples
    --------
    >>> from peerlib import load_corpus
    >>> source_caption(load_corpus(), ["austin2014"])
    'Source: austin2014 (abstract only). Coded with peerlib.'
    """
    ids = corpus.study_ids if study_ids is None else study_ids
    coverage = corpus.studies.set_index("study_id")["coverage"].astype(str)
    if len(ids) <= 8:
        names = ", ".join(f"{sid} ({_COVERAGE_WORDS[coverage[sid]]})" for sid in ids)
        label = "Source" if len(ids) == 1 else "Sources"
        return f"{label}: {names}. Coded with peerlib."
    counts = coverage[ids].value_counts()
    parts = ", ".join(
        f"{counts[c]} {_COVERAGE_WORDS[c]}" for c in _COVERAGE_WORDS if counts.get(c, 0)
    )
    return f"Sources: {len(ids)} studies ({parts}). Coded with peerlib."


def _layered(layers: list[alt.Chart], **properties: Any) -> alt.LayerChart:
    return cast(alt.LayerChart, alt.layer(*layers).properties(**properties))


def _whole_numbers(top: int, most: int = 6) -> list[int]:
    """Tick values for a count axis: whole numbers only, about ``most`` of them."""
    step = max(1, math.ceil(top / most))
    return list(range(0, top + step, step)) if top > most else list(range(0, top + 1))


def _title(text: str, *subtitle: str) -> alt.Title:
    return alt.Title(text, subtitle=list(subtitle))


def _short(text: str, limit: int = 180) -> str:
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


def _xy(extent: float = _EXTENT) -> tuple[alt.X, alt.Y]:
    scale = alt.Scale(domain=[-extent, extent], nice=False, zero=False)
    return (
        alt.X("x:Q", scale=scale, axis=None),
        alt.Y("y:Q", scale=scale, axis=None),
    )


def _edge_frame(
    edges: list[dict[str, Any]], pos: dict[Any, tuple[float, float]]
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Line segments and arrowheads (placed 70% along, pointing at the target)."""
    lines, arrows = [], []
    for edge in edges:
        (x, y), (x2, y2) = pos[edge["source"]], pos[edge["target"]]
        lines.append({**edge, "x": x, "y": y, "x2": x2, "y2": y2})
        if (x, y) != (x2, y2):
            angle = round(math.degrees(math.atan2(x2 - x, y2 - y)) % 360, 1)
            arrows.append(
                {
                    **edge,
                    "x": round(x + 0.7 * (x2 - x), 3),
                    "y": round(y + 0.7 * (y2 - y), 3),
                    "angle": angle,
                }
            )
    return pd.DataFrame(lines), pd.DataFrame(arrows)


def _excerpts_by_concept(corpus: Corpus, study_id: str) -> dict[str, list[str]]:
    texts = corpus.evidence[corpus.evidence["study_id"] == study_id].set_index("evidence_id")[
        "text"
    ]
    graph = study_graph(corpus, study_id)
    out: dict[str, list[str]] = defaultdict(list)
    for u, v, data in graph.edges(data=True):
        for eid in data["evidence"]:
            for node in (u, v):
                if eid not in out[node]:
                    out[node].append(eid)
    return {
        node: [f"{eid}: “{_short(str(texts[eid]))}”" for eid in ids] for node, ids in out.items()
    }


def study_network_chart(
    corpus: Corpus, study_id: str, *, seed: int = 7, size: int = 640
) -> alt.LayerChart:
    """The concept network of one study.

    Nodes are the study's concepts, coloured by kind, shaped by the paper's theme and laid out
    so that each theme's concepts cluster (a seeded spring layout: identical on every run);
    node size grows with degree. Lines are relations, dashed by type, vermillion where the
    source pulls against the target; an arrowhead 70% along each line points at the target.
    Tooltips give each concept's definition and excerpts, and each relation's evidence.

    Examples
    --------
    >>> from peerlib import load_corpus
    >>> chart = study_network_chart(load_corpus(), "moran2025")
    >>> [layer.mark.type if hasattr(layer.mark, "type") else layer.mark for layer in chart.layer]
    ['rule', 'point', 'point', 'text']
    """
    check_study_id(corpus, study_id)
    graph = study_graph(corpus, study_id)
    themes = corpus.themes[corpus.themes["study_id"] == study_id]
    theme_names = dict(zip(themes["theme_id"], themes["name"], strict=True))
    primary = {n: (d["themes"][0] if d["themes"] else None) for n, d in graph.nodes(data=True)}
    pos = grouped_layout(graph, primary, seed=seed)
    excerpts = _excerpts_by_concept(corpus, study_id)
    nodes = pd.DataFrame(
        [
            {
                "concept_id": n,
                "label": d["label"],
                "kind": d["kind"],
                "theme": theme_names[primary[n]] if primary[n] else "(no theme)",
                "themes": "; ".join(theme_names[t] for t in d["themes"]),
                "definition": d["definition"],
                "excerpts": " · ".join(excerpts.get(n, [])[:3]),
                "degree": graph.degree(n),
                "x": pos[n][0],
                "y": pos[n][1],
            }
            for n, d in graph.nodes(data=True)
        ]
    )
    texts = corpus.evidence[corpus.evidence["study_id"] == study_id].set_index("evidence_id")[
        "text"
    ]
    labels = nx.get_node_attributes(graph, "label")
    edges = [
        {
            "source": u,
            "target": v,
            "relation": f"{labels[u]} {d['type'].replace('_', ' ')} {labels[v]}",
            "type": d["type"],
            "polarity": "pulls against" if d["type"] in OPPOSING else "supports",
            "evidence": " · ".join(f"{e}: “{_short(str(texts[e]))}”" for e in d["evidence"]),
        }
        for u, v, d in graph.edges(data=True)
    ]
    lines, arrows = _edge_frame(edges, pos)
    x, y = _xy()
    theme_order = [str(t) for t in themes["name"]]
    if (nodes["theme"] == "(no theme)").any():
        theme_order.append("(no theme)")
    polarity = alt.Scale(domain=["supports", "pulls against"], range=[_SUPPORT, _OPPOSE])
    base_edges = alt.Chart(lines).encode(
        x=x,
        y=y,
        x2="x2:Q",
        y2="y2:Q",
        tooltip=[alt.Tooltip("relation:N"), alt.Tooltip("evidence:N")],
    )
    rule = base_edges.mark_rule(strokeWidth=1.3, opacity=0.75).encode(
        strokeDash=alt.StrokeDash(
            "type:N",
            scale=alt.Scale(
                domain=list(RELATION_TYPES), range=[_DASHES[t] for t in RELATION_TYPES]
            ),
            legend=alt.Legend(title="Relation type", symbolType="stroke", orient="right"),
        ),
        stroke=alt.Stroke("polarity:N", scale=polarity, legend=alt.Legend(title="Relation")),
    )
    arrow = (
        alt.Chart(arrows)
        .mark_point(shape="triangle-up", filled=True, size=55, opacity=0.9)
        .encode(
            x=x,
            y=y,
            angle=alt.Angle("angle:Q", scale=None),
            color=alt.Color("polarity:N", scale=polarity, legend=None),
            tooltip=[alt.Tooltip("relation:N")],
        )
    )
    node = (
        alt.Chart(nodes)
        .mark_point(filled=True, opacity=1, stroke="white", strokeWidth=1)
        .encode(
            x=x,
            y=y,
            fill=alt.Fill(
                "kind:N",
                scale=alt.Scale(domain=list(CONCEPT_KINDS), range=list(KIND_COLOURS.values())),
                legend=alt.Legend(title="Concept kind"),
            ),
            shape=alt.Shape(
                "theme:N",
                scale=alt.Scale(
                    domain=theme_order,
                    range=[_SHAPES[i % len(_SHAPES)] for i in range(len(theme_order))],
                ),
                legend=alt.Legend(title="Theme (the paper's own)", labelLimit=320),
            ),
            size=alt.Size("degree:Q", scale=alt.Scale(range=[70, 420]), legend=None),
            tooltip=[
                alt.Tooltip("label:N", title="concept"),
                alt.Tooltip("kind:N"),
                alt.Tooltip("themes:N"),
                alt.Tooltip("definition:N"),
                alt.Tooltip("excerpts:N"),
            ],
        )
    )
    label = (
        alt.Chart(nodes).mark_text(dy=-11, fontSize=8.5, limit=140).encode(x=x, y=y, text="label:N")
    )
    study = corpus.studies.set_index("study_id").loc[study_id]
    return _layered(
        [rule, arrow, node, label],
        width=size,
        height=size,
        title=_title(
            f"{_authors_short(str(study['authors']))} ({study['year']}): "
            f"{graph.number_of_nodes()} concepts joined by {graph.number_of_edges()} relations",
            "Colour: concept kind. Shape: theme. Line style: relation type; "
            "vermillion lines pull against their target; arrowheads point at the target.",
            source_caption(corpus, [study_id]),
        ),
    )


def _authors_short(authors: str) -> str:
    surnames = [a.split(",")[0].strip() for a in authors.split(";")]
    if len(surnames) == 1:
        return surnames[0]
    if len(surnames) == 2:
        return f"{surnames[0]} & {surnames[1]}"
    return f"{surnames[0]} et al."


def synthesis_network_chart(corpus: Corpus, *, seed: int = 7, size: int = 620) -> alt.LayerChart:
    """The synthesis network: constructs sized by how many studies support them.

    A line joins two constructs when some study relates a concept of one to a concept of the
    other; its width counts those relations. Constructs on which studies refute each other are
    vermillion with a dashed ring, and their tooltips name the disagreeing studies.

    Examples
    --------
    >>> from peerlib import load_corpus
    >>> chart = synthesis_network_chart(load_corpus())
    >>> len(chart.layer)
    4
    """
    graph = synthesis_graph(corpus)
    simple = nx.Graph()
    simple.add_nodes_from(graph.nodes)
    pairs: dict[tuple[str, str], dict[str, Any]] = {}
    for u, v, d in graph.edges(data=True):
        pair = pairs.setdefault(
            (u, v), {"types": [], "relations": 0, "studies": set(), "opposing": 0}
        )
        pair["types"].append(d["type"].replace("_", " "))
        pair["relations"] += len(d["relations"])
        pair["studies"].update(d["studies"])
        pair["opposing"] += len(d["relations"]) if d["type"] in OPPOSING else 0
        if u != v:
            simple.add_edge(u, v)
    pos = grouped_layout(simple, {}, seed=seed)
    labels = nx.get_node_attributes(graph, "label")
    nodes = pd.DataFrame(
        [
            {
                "construct_id": n,
                "label": d["label"],
                "n_studies": d["n_studies"],
                "studies": ", ".join(d["studies"]),
                "evidence": d["evidence"],
                "status": "contested" if d["refutations"] else "not contested",
                "refutations": "; ".join(f"{a} vs {b}" for a, b in d["refutations"]) or "none",
                "study_specific": "yes" if d["study_specific"] else "no",
                "x": pos[n][0],
                "y": pos[n][1],
            }
            for n, d in graph.nodes(data=True)
        ]
    )
    edges = [
        {
            "source": u,
            "target": v,
            "link": f"{labels[u]} → {labels[v]}",
            "types": ", ".join(sorted(set(p["types"]))),
            "relations": p["relations"],
            "studies": ", ".join(sorted(p["studies"])),
            "polarity": "pulls against" if p["opposing"] * 2 > p["relations"] else "supports",
        }
        for (u, v), p in sorted(pairs.items())
    ]
    lines, arrows = _edge_frame(edges, pos)
    x, y = _xy(1.25)
    most_studies = max(1, int(nodes["n_studies"].max())) if len(nodes) else 1
    polarity = alt.Scale(domain=["supports", "pulls against"], range=[_SUPPORT, _OPPOSE])
    tooltip = [
        alt.Tooltip("link:N"),
        alt.Tooltip("types:N"),
        alt.Tooltip("relations:Q"),
        alt.Tooltip("studies:N"),
    ]
    rule = (
        alt.Chart(lines)
        .mark_rule(opacity=0.6)
        .encode(
            x=x,
            y=y,
            x2="x2:Q",
            y2="y2:Q",
            strokeWidth=alt.StrokeWidth(
                "relations:Q",
                scale=alt.Scale(range=[0.8, 6]),
                legend=alt.Legend(title="Study relations"),
            ),
            stroke=alt.Stroke("polarity:N", scale=polarity, legend=alt.Legend(title="Mostly")),
            tooltip=tooltip,
        )
    )
    arrow = (
        alt.Chart(arrows)
        .mark_point(shape="triangle-up", filled=True, size=50, opacity=0.8)
        .encode(
            x=x,
            y=y,
            angle=alt.Angle("angle:Q", scale=None),
            color=alt.Color("polarity:N", scale=polarity, legend=None),
            tooltip=tooltip,
        )
    )
    status = alt.Scale(domain=["not contested", "contested"], range=["#0072B2", _OPPOSE])
    node = (
        alt.Chart(nodes)
        .mark_point(filled=True, opacity=0.9, strokeWidth=2.5)
        .encode(
            x=x,
            y=y,
            size=alt.Size(
                "n_studies:Q",
                scale=alt.Scale(domain=[0, most_studies], range=[0, 1400]),
                legend=alt.Legend(title="Supporting studies", values=_whole_numbers(most_studies)),
            ),
            fill=alt.Fill("status:N", scale=status, legend=alt.Legend(title="Between studies")),
            stroke=alt.condition(
                "datum.status == 'contested'", alt.value(_OPPOSE), alt.value("#0072B2")
            ),
            strokeDash=alt.condition(
                "datum.status == 'contested'", alt.value([4, 3]), alt.value([1, 0])
            ),
            tooltip=[
                alt.Tooltip("label:N", title="construct"),
                alt.Tooltip("studies:N"),
                alt.Tooltip("n_studies:Q", title="supporting studies"),
                alt.Tooltip("evidence:Q", title="excerpts"),
                alt.Tooltip("refutations:N"),
                alt.Tooltip("study_specific:N", title="study-specific"),
            ],
        )
    )
    label = (
        alt.Chart(nodes).mark_text(dy=-24, fontSize=10, limit=280).encode(x=x, y=y, text="label:N")
    )
    contested = int((nodes["status"] == "contested").sum()) if len(nodes) else 0
    return _layered(
        [rule, arrow, node, label],
        width=size,
        height=size,
        title=_title(
            f"{len(nodes)} cross-study constructs; studies disagree on {contested}",
            "Size: studies supporting a construct. Vermillion, dashed: studies refute each "
            "other on it. Lines: study relations between the constructs' concepts.",
            source_caption(corpus),
        ),
    )


def _cell_matrix(
    data: pd.DataFrame,
    *,
    x: alt.X,
    y: alt.Y,
    colour: Any,
    tooltip: list[alt.Tooltip],
    text: str,
    dark_text_when: str,
    title: alt.Title,
) -> alt.LayerChart:
    """A grid of coloured cells, each labelled with its value: one band per item on each axis,
    so the grid grows with the review; labels turn dark on light (high) cells."""
    base = alt.Chart(data).encode(x=x, y=y)
    rect = base.mark_rect(stroke="white", strokeWidth=1).encode(color=colour, tooltip=tooltip)
    label = base.mark_text(fontSize=10).encode(
        text=text,
        color=alt.condition(dark_text_when, alt.value("#222222"), alt.value("white")),
    )
    return _layered([rect, label], width=alt.Step(34), height=alt.Step(26), title=title)


def construct_heatmap(corpus: Corpus) -> alt.LayerChart:
    """Which study speaks to which construct, and with how many excerpts.

    Examples
    --------
    >>> from peerlib import load_corpus
    >>> spec = construct_heatmap(load_corpus()).to_dict()
    >>> spec["layer"][0]["mark"]["type"]
    'rect'
    """
    matrix = construct_matrix(corpus)
    labels = corpus.constructs.set_index("construct_id")["label"]
    data = matrix.assign(
        construct=matrix["construct_id"].map(labels).astype(str),
        evidence_text=[
            str(n) if present else ""
            for n, present in zip(matrix["evidence"], matrix["present"], strict=True)
        ],
    )
    top = max(1, int(data["evidence"].max() or 1))
    return _cell_matrix(
        data,
        x=alt.X(
            "study_id:N",
            sort=corpus.study_ids,
            title=None,
            axis=alt.Axis(labelAngle=-40, orient="top"),
        ),
        y=alt.Y("construct:N", sort=[str(labels[c]) for c in corpus.construct_ids], title=None),
        colour=alt.condition(
            "datum.present",
            alt.Color("evidence:Q", scale=alt.Scale(scheme="viridis", zero=True), title="Excerpts"),
            alt.value("#eeeeee"),
        ),
        tooltip=[
            alt.Tooltip("construct:N"),
            alt.Tooltip("study_id:N", title="study"),
            alt.Tooltip("concepts:Q", title="concepts mapped"),
            alt.Tooltip("evidence:Q", title="excerpts"),
        ],
        text="evidence_text:N",
        dark_text_when=f"datum.evidence > {top * 0.6}",
        title=_title(
            "Which study speaks to which construct, and with how much evidence",
            "Cell: excerpts cited by the study's relations on the construct; grey: no concept "
            "of the study maps onto it.",
            source_caption(corpus),
        ),
    )


def similarity_chart(corpus: Corpus, measure: str = "jaccard") -> alt.LayerChart:
    """How alike studies are in the constructs they speak to (Jaccard or overlap).

    Examples
    --------
    >>> from peerlib import load_corpus
    >>> similarity_chart(load_corpus()).to_dict()["layer"][0]["encoding"]["color"]["field"]
    'jaccard'
    """
    if measure not in ("jaccard", "overlap"):
        raise ValueError(f"measure must be 'jaccard' or 'overlap', not {measure!r}")
    data = study_similarity(corpus)
    data = data.assign(value_text=data[measure].map(lambda v: "" if pd.isna(v) else f"{v:.2f}"))
    order = corpus.study_ids
    name = "Jaccard index" if measure == "jaccard" else "overlap coefficient"
    return _cell_matrix(
        data,
        x=alt.X("study_a:N", sort=order, title=None, axis=alt.Axis(labelAngle=-40, orient="top")),
        y=alt.Y("study_b:N", sort=order, title=None),
        colour=alt.Color(
            f"{measure}:Q",
            scale=alt.Scale(scheme="viridis", domain=[0, 1]),
            title=name.capitalize(),
        ),
        tooltip=[
            alt.Tooltip("study_a:N"),
            alt.Tooltip("study_b:N"),
            alt.Tooltip("shared:Q", title="shared constructs"),
            alt.Tooltip("jaccard:Q", format=".2f"),
            alt.Tooltip("overlap:Q", format=".2f"),
        ],
        text="value_text:N",
        dark_text_when=f"datum.{measure} > 0.6",
        title=_title(
            f"How alike the studies are in the constructs they share ({name})",
            "1 on the diagonal; blank where undefined (a study that maps onto no construct).",
            source_caption(corpus),
        ),
    )


def centrality_chart(corpus: Corpus, measure: str = "betweenness") -> alt.LayerChart:
    """Each study's concepts by centrality, with the most central one named.

    Examples
    --------
    >>> from peerlib import load_corpus
    >>> centrality_chart(load_corpus()).to_dict()["layer"][0]["encoding"]["x"]["field"]
    'betweenness'
    """
    if measure not in ("betweenness", "degree_centrality"):
        raise ValueError(f"measure must be 'betweenness' or 'degree_centrality', not {measure!r}")
    data = study_measures(corpus)
    kinds = corpus.concepts.set_index(["study_id", "concept_id"])["kind"].astype(str)
    data = data.assign(
        kind=[kinds[(s, n)] for s, n in zip(data["study_id"], data["node"], strict=True)],
        bridges=data["bridges"].map({True: "yes", False: "no"}).fillna("n/a").astype(str),
    )
    top = data.sort_values([measure, "node"], ascending=[False, True], kind="stable")
    top = top.drop_duplicates("study_id").sort_values("study_id", kind="stable")
    y = alt.Y("study_id:N", sort=corpus.study_ids, title=None)
    name = "Betweenness centrality" if measure == "betweenness" else "Degree centrality"
    dots = (
        alt.Chart(data)
        .mark_circle(opacity=0.8, stroke="white", strokeWidth=0.5)
        .encode(
            x=alt.X(f"{measure}:Q", title=name),
            y=y,
            color=alt.Color(
                "kind:N",
                scale=alt.Scale(domain=list(CONCEPT_KINDS), range=list(KIND_COLOURS.values())),
                title="Concept kind",
            ),
            size=alt.Size("degree:Q", title="Degree", scale=alt.Scale(range=[20, 260])),
            tooltip=[
                alt.Tooltip("study_id:N", title="study"),
                alt.Tooltip("label:N", title="concept"),
                alt.Tooltip("kind:N"),
                alt.Tooltip("betweenness:Q", format=".3f"),
                alt.Tooltip("degree_centrality:Q", format=".3f"),
                alt.Tooltip("bridges:N", title="bridges themes"),
            ],
        )
    )
    names = (
        alt.Chart(top)
        .mark_text(align="left", dx=8, dy=-9, fontSize=9.5)
        .encode(x=alt.X(f"{measure}:Q"), y=y, text="label:N")
    )
    return _layered(
        [dots, names],
        width=520,
        height=alt.Step(44),
        title=_title(
            "Which concepts hold each study's graph together",
            f"{name} of every concept; the most central concept of each study is named.",
            source_caption(corpus),
        ),
    )


def evidence_density_chart(corpus: Corpus) -> alt.Chart:
    """How many excerpts back each theme of each study, coloured by what text was coded.

    Examples
    --------
    >>> from peerlib import load_corpus
    >>> evidence_density_chart(load_corpus()).to_dict()["mark"]["type"]
    'bar'
    """
    data = theme_evidence(corpus)
    coverage = corpus.studies.set_index("study_id")["coverage"].astype(str)
    data = data.assign(
        coverage=data["study_id"].map(coverage).map(_COVERAGE_WORDS),
        row=data["study_id"].astype(str) + " · " + data["name"].astype(str),
    )
    chart = (
        alt.Chart(data)
        .mark_bar()
        .encode(
            x=alt.X("excerpts:Q", title="Excerpts cited by the theme's relations"),
            y=alt.Y("row:N", sort=data["row"].tolist(), title=None, axis=alt.Axis(labelLimit=420)),
            color=alt.Color(
                "coverage:N",
                scale=alt.Scale(
                    domain=list(_COVERAGE_WORDS.values()), range=["#0072B2", "#E69F00", "#CC79A7"]
                ),
                title="Text coded",
            ),
            tooltip=[
                alt.Tooltip("study_id:N", title="study"),
                alt.Tooltip("name:N", title="theme"),
                alt.Tooltip("concepts:Q"),
                alt.Tooltip("excerpts:Q"),
            ],
        )
        .properties(
            width=360,
            height=alt.Step(16),
            title=_title(
                "How much evidence backs each theme",
                "Distinct excerpts cited by relations that touch the theme's concepts.",
                source_caption(corpus),
            ),
        )
    )
    return cast(alt.Chart, chart)


def construct_evidence_chart(corpus: Corpus, construct_id: str) -> alt.Chart:
    """The evidence each study brings to one construct, with its representative excerpt.

    Examples
    --------
    >>> from peerlib import load_corpus
    >>> corpus = load_corpus()
    >>> construct_evidence_chart(corpus, corpus.construct_ids[0]).to_dict()["mark"]["type"]
    'bar'
    """
    if construct_id not in corpus.construct_ids:
        raise UnknownIdError(
            f"unknown construct {construct_id!r}; valid ids: {', '.join(corpus.construct_ids)}"
        )
    matrix = construct_matrix(corpus)
    rows = matrix[(matrix["construct_id"] == construct_id) & matrix["present"]]
    table = translation_table(corpus)
    table = table[table["construct_id"] == construct_id].set_index("study_id")
    coverage = corpus.studies.set_index("study_id")["coverage"].astype(str)
    data = rows.assign(
        coverage=rows["study_id"].map(coverage).map(_COVERAGE_WORDS),
        concepts_text=rows["study_id"].map(table["concepts"]).astype(str),
        excerpt=rows["study_id"]
        .map(table["excerpt"])
        .fillna("(none cited)")
        .astype(str)
        .map(_short),
        relation=rows["study_id"].map(table["relation"]).astype(str),
    )
    label = str(corpus.constructs.set_index("construct_id").loc[construct_id, "label"])
    chart = (
        alt.Chart(data)
        .mark_bar()
        .encode(
            x=alt.X(
                "evidence:Q",
                title="Excerpts",
                axis=alt.Axis(values=_whole_numbers(int(data["evidence"].max() or 1)), format="d"),
            ),
            y=alt.Y("study_id:N", sort=corpus.study_ids, title=None),
            color=alt.Color(
                "coverage:N",
                scale=alt.Scale(
                    domain=list(_COVERAGE_WORDS.values()), range=["#0072B2", "#E69F00", "#CC79A7"]
                ),
                title="Text coded",
            ),
            tooltip=[
                alt.Tooltip("study_id:N", title="study"),
                alt.Tooltip("concepts_text:N", title="the study's concepts"),
                alt.Tooltip("evidence:Q", title="excerpts"),
                alt.Tooltip("relation:N", title="relation to other studies"),
                alt.Tooltip("excerpt:N", title="representative excerpt"),
            ],
        )
        .properties(
            width=380,
            height=alt.Step(26),
            title=_title(
                f"Evidence for “{label}”, study by study",
                "Bars: excerpts cited by each study's relations on the construct's concepts.",
                source_caption(corpus, [str(s) for s in data["study_id"]]),
            ),
        )
    )
    return cast(alt.Chart, chart)
