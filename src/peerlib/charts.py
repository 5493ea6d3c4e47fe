"""Figures of a review: one function per chart, each returning an Altair chart.

Each function takes the tidy frames that :mod:`peerlib.chart_data` builds and only encodes them:
what a chart shows is decided (and tested) there, how it looks here. Charts carry no styling of
their own beyond what encodes data: the look comes from the house theme
(:func:`peerlib.theme.register_theme`), which the caller enables or which
:func:`peerlib.save_chart` applies. Colours are colour-blind safe (Okabe-Ito for categories,
viridis for amounts; every palette comes from :mod:`peerlib.theme`); every chart has a title that
says what the reader sees and a caption line naming its sources. Data are pre-aggregated, so no
chart comes near Altair's row limit, and band sizes are per item, so charts grow with the review
instead of crushing labels.
"""

from __future__ import annotations

import math
from typing import Any, cast

import altair as alt
import pandas as pd

from .chart_data import (
    CENTRALITY_MEASURES,
    POLARITIES,
    SIMILARITY_MEASURES,
    STATUSES,
    centrality_frames,
    construct_evidence_frame,
    construct_heatmap_frame,
    evidence_density_frame,
    similarity_frame,
    study_network_frames,
    synthesis_network_frames,
)
from .loading import Corpus
from .models import CONCEPT_KINDS, COVERAGE_LABELS, RELATION_TYPES
from .theme import (
    COVERAGE_COLOURS,
    GAP_COLOUR,
    INK,
    KIND_COLOURS,
    OPPOSE_COLOUR,
    PAPER,
    SUPPORT_COLOUR,
    UNCONTESTED_COLOUR,
)

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
_POLARITY = alt.Scale(domain=list(POLARITIES), range=[SUPPORT_COLOUR, OPPOSE_COLOUR])
_KIND = alt.Scale(domain=list(CONCEPT_KINDS), range=list(KIND_COLOURS.values()))
_COVERAGE = alt.Scale(
    domain=list(COVERAGE_LABELS.values()), range=[COVERAGE_COLOURS[c] for c in COVERAGE_LABELS]
)


def source_caption(
    corpus: Corpus, study_ids: list[str] | None = None, *, notes: bool = False
) -> str:
    """A caption line naming the sources, what of them was coded and how many of their
    excerpts are paraphrases.

    Up to eight studies are named one by one (with ``notes``, each with its coverage note);
    more are counted by coverage.

    Parameters
    ----------
    corpus
        A loaded corpus.
    study_ids
        The studies a chart draws on; default every study of the corpus.
    notes
        Also give each named study's ``coverage_note`` (what the coded text lacks).

    Returns
    -------
    str
        One sentence, ending in "Coded with peerlib."

    Examples
    --------
    >>> from peerlib import load_corpus
    >>> source_caption(load_corpus(), ["austin2014"])
    'Source: austin2014 (abstract only). Coded with peerlib.'
    >>> source_caption(load_corpus(), ["austin2014"], notes=True)[:60]
    'Source: austin2014 (abstract only: Abstract only: the body i'
    """
    ids = corpus.study_ids if study_ids is None else study_ids
    studies = corpus.studies.set_index("study_id")
    coverage = studies["coverage"].astype(str)
    ev = corpus.evidence
    paraphrases = ev.loc[~ev["verbatim"].astype(bool), "study_id"].astype(str).value_counts()
    if len(ids) <= 8:

        def described(sid: str) -> str:
            text = COVERAGE_LABELS[coverage[sid]]
            if paraphrases.get(sid, 0):
                n = paraphrases[sid]
                text += f", {n} paraphrased excerpt{'s' if n != 1 else ''}"
            note = studies["coverage_note"].get(sid)
            if notes and isinstance(note, str):
                text += f": {note}"
            return f"{sid} ({text})"

        label = "Source" if len(ids) == 1 else "Sources"
        return f"{label}: {', '.join(described(sid) for sid in ids)}. Coded with peerlib."
    counts = coverage[ids].value_counts()
    parts = ", ".join(
        f"{counts[c]} {word}" for c, word in COVERAGE_LABELS.items() if counts.get(c, 0)
    )
    n = int(sum(paraphrases.get(sid, 0) for sid in ids))
    also = f"; {n} paraphrased excerpt{'s' if n != 1 else ''}" if n else ""
    return f"Sources: {len(ids)} studies ({parts}{also}). Coded with peerlib."


def _layered(layers: list[alt.Chart], **properties: Any) -> alt.LayerChart:
    return cast(alt.LayerChart, alt.layer(*layers).properties(**properties))


def _whole_numbers(top: int, most: int = 6) -> list[int]:
    """Tick values for a count axis: whole numbers only, about ``most`` of them."""
    step = max(1, math.ceil(top / most))
    return list(range(0, top + step, step)) if top > most else list(range(0, top + 1))


def _title(text: str, *subtitle: str) -> alt.Title:
    return alt.Title(text, subtitle=list(subtitle))


def _xy(extent: float = _EXTENT) -> tuple[alt.X, alt.Y]:
    scale = alt.Scale(domain=[-extent, extent], nice=False, zero=False)
    return (
        alt.X("x:Q", scale=scale, axis=None),
        alt.Y("y:Q", scale=scale, axis=None),
    )


def _authors_short(authors: str) -> str:
    surnames = [a.split(",")[0].strip() for a in authors.split(";")]
    if len(surnames) == 1:
        return surnames[0]
    if len(surnames) == 2:
        return f"{surnames[0]} & {surnames[1]}"
    return f"{surnames[0]} et al."


def study_network_chart(
    corpus: Corpus, study_id: str, *, seed: int = 7, size: int = 640
) -> alt.LayerChart:
    """The concept network of one study.

    Nodes are the study's concepts, coloured by kind, shaped by the paper's theme and laid out
    so that each theme's concepts cluster (a seeded spring layout: identical on every run);
    node size grows with degree. Lines are relations, dashed by type, vermillion where the
    source pulls against the target; an arrowhead 70% along each line points at the target.
    Tooltips give each concept's definition and excerpts, and each relation's evidence.

    Parameters
    ----------
    corpus
        A loaded corpus (one study's file is enough: ``load_corpus(studies=[study_id])``).
    study_id
        The study to draw; an unknown id raises :class:`~peerlib.graphs.UnknownIdError`.
    seed
        Seed of the layout: the same seed draws the same picture.
    size
        Width and height of the plot, in pixels.

    Returns
    -------
    altair.LayerChart
        Four layers: relation lines, arrowheads, concept points, concept labels. The data are
        :func:`~peerlib.chart_data.study_network_frames`.

    Examples
    --------
    >>> from peerlib import load_corpus
    >>> chart = study_network_chart(load_corpus(), "moran2025")
    >>> [layer.mark.type if hasattr(layer.mark, "type") else layer.mark for layer in chart.layer]
    ['rule', 'point', 'point', 'text']
    """
    frames = study_network_frames(corpus, study_id, seed=seed)
    x, y = _xy()
    base_edges = alt.Chart(frames.lines).encode(
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
        stroke=alt.Stroke("polarity:N", scale=_POLARITY, legend=alt.Legend(title="Relation")),
    )
    arrow = (
        alt.Chart(frames.arrows)
        .mark_point(shape="triangle-up", filled=True, size=55, opacity=0.9)
        .encode(
            x=x,
            y=y,
            angle=alt.Angle("angle:Q", scale=None),
            color=alt.Color("polarity:N", scale=_POLARITY, legend=None),
            tooltip=[alt.Tooltip("relation:N")],
        )
    )
    themes = list(frames.themes)
    node = (
        alt.Chart(frames.nodes)
        .mark_point(filled=True, opacity=1, stroke=PAPER, strokeWidth=1)
        .encode(
            x=x,
            y=y,
            fill=alt.Fill("kind:N", scale=_KIND, legend=alt.Legend(title="Concept kind")),
            shape=alt.Shape(
                "theme:N",
                scale=alt.Scale(
                    domain=themes, range=[_SHAPES[i % len(_SHAPES)] for i in range(len(themes))]
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
        alt.Chart(frames.nodes)
        .mark_text(dy=-11, fontSize=8.5, limit=140)
        .encode(x=x, y=y, text="label:N")
    )
    study = corpus.studies.set_index("study_id").loc[study_id]
    return _layered(
        [rule, arrow, node, label],
        width=size,
        height=size,
        title=_title(
            f"{_authors_short(str(study['authors']))} ({study['year']}): "
            f"{len(frames.nodes)} concepts joined by {len(frames.lines)} relations",
            "Colour: concept kind. Shape: theme. Line style: relation type; "
            "vermillion lines pull against their target; arrowheads point at the target.",
            source_caption(corpus, [study_id]),
        ),
    )


def synthesis_network_chart(corpus: Corpus, *, seed: int = 7, size: int = 620) -> alt.LayerChart:
    """The synthesis network: constructs sized by how many studies support them.

    A line joins two constructs when some study relates a concept of one to a concept of the
    other; its width counts those relations. Constructs on which studies refute each other are
    vermillion with a dashed ring, and their tooltips name the disagreeing studies.

    Parameters
    ----------
    corpus
        A loaded corpus with a synthesis.
    seed
        Seed of the layout: the same seed draws the same picture.
    size
        Width and height of the plot, in pixels.

    Returns
    -------
    altair.LayerChart
        Four layers: links, arrowheads, construct points, construct labels. The data are
        :func:`~peerlib.chart_data.synthesis_network_frames`.

    Examples
    --------
    >>> from peerlib import load_corpus
    >>> chart = synthesis_network_chart(load_corpus())
    >>> len(chart.layer)
    4
    """
    frames = synthesis_network_frames(corpus, seed=seed)
    nodes = frames.nodes
    x, y = _xy(1.25)
    most_studies = max(1, int(nodes["n_studies"].max())) if len(nodes) else 1
    tooltip = [
        alt.Tooltip("link:N"),
        alt.Tooltip("types:N"),
        alt.Tooltip("relations:Q"),
        alt.Tooltip("studies:N"),
    ]
    rule = (
        alt.Chart(frames.lines)
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
            stroke=alt.Stroke("polarity:N", scale=_POLARITY, legend=alt.Legend(title="Mostly")),
            tooltip=tooltip,
        )
    )
    arrow = (
        alt.Chart(frames.arrows)
        .mark_point(shape="triangle-up", filled=True, size=50, opacity=0.8)
        .encode(
            x=x,
            y=y,
            angle=alt.Angle("angle:Q", scale=None),
            color=alt.Color("polarity:N", scale=_POLARITY, legend=None),
            tooltip=tooltip,
        )
    )
    uncontested, contested = STATUSES
    is_contested = f"datum.status == '{contested}'"
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
            fill=alt.Fill(
                "status:N",
                scale=alt.Scale(
                    domain=[uncontested, contested], range=[UNCONTESTED_COLOUR, OPPOSE_COLOUR]
                ),
                legend=alt.Legend(title="Between studies"),
            ),
            stroke=alt.condition(
                is_contested, alt.value(OPPOSE_COLOUR), alt.value(UNCONTESTED_COLOUR)
            ),
            strokeDash=alt.condition(is_contested, alt.value([4, 3]), alt.value([1, 0])),
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
    n_contested = int((nodes["status"] == contested).sum()) if len(nodes) else 0
    return _layered(
        [rule, arrow, node, label],
        width=size,
        height=size,
        title=_title(
            f"{len(nodes)} cross-study constructs; studies disagree on {n_contested}",
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
    rect = base.mark_rect(stroke=PAPER, strokeWidth=1).encode(color=colour, tooltip=tooltip)
    label = base.mark_text(fontSize=10).encode(
        text=text,
        color=alt.condition(dark_text_when, alt.value(INK), alt.value(PAPER)),
    )
    return _layered([rect, label], width=alt.Step(34), height=alt.Step(26), title=title)


def construct_heatmap(corpus: Corpus) -> alt.LayerChart:
    """Which study speaks to which construct, and with how many excerpts.

    Parameters
    ----------
    corpus
        A loaded corpus with a synthesis.

    Returns
    -------
    altair.LayerChart
        A grid of cells (studies across, constructs down, both in file order), coloured by
        the number of excerpts and labelled with it; grey where the study does not speak to
        the construct. The data are :func:`~peerlib.chart_data.construct_heatmap_frame`.

    Examples
    --------
    >>> from peerlib import load_corpus
    >>> spec = construct_heatmap(load_corpus()).to_dict()
    >>> spec["layer"][0]["mark"]["type"]
    'rect'
    """
    data = construct_heatmap_frame(corpus)
    labels = corpus.constructs.set_index("construct_id")["label"]
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
            alt.value(GAP_COLOUR),
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

    Parameters
    ----------
    corpus
        A loaded corpus with a synthesis.
    measure
        ``"jaccard"`` (shared constructs over the constructs either speaks to) or
        ``"overlap"`` (over the smaller study's constructs); anything else raises
        ``ValueError``.

    Returns
    -------
    altair.LayerChart
        A matrix of every pair of studies, coloured and labelled with the measure; blank
        where it is undefined. The data are :func:`~peerlib.chart_data.similarity_frame`.

    Examples
    --------
    >>> from peerlib import load_corpus
    >>> similarity_chart(load_corpus()).to_dict()["layer"][0]["encoding"]["color"]["field"]
    'jaccard'
    """
    data = similarity_frame(corpus, measure)
    order = corpus.study_ids
    name = SIMILARITY_MEASURES[measure]
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

    Parameters
    ----------
    corpus
        A loaded corpus.
    measure
        ``"betweenness"`` or ``"degree_centrality"``; anything else raises ``ValueError``.

    Returns
    -------
    altair.LayerChart
        One row of dots per study (file order), a dot per concept placed by the measure,
        coloured by kind and sized by degree, with each study's most central concept named.
        The data are :func:`~peerlib.chart_data.centrality_frames`.

    Examples
    --------
    >>> from peerlib import load_corpus
    >>> centrality_chart(load_corpus()).to_dict()["layer"][0]["encoding"]["x"]["field"]
    'betweenness'
    """
    frames = centrality_frames(corpus, measure)
    y = alt.Y("study_id:N", sort=corpus.study_ids, title=None)
    name = CENTRALITY_MEASURES[measure]
    dots = (
        alt.Chart(frames.concepts)
        .mark_circle(opacity=0.8, stroke=PAPER, strokeWidth=0.5)
        .encode(
            x=alt.X(f"{measure}:Q", title=name),
            y=y,
            color=alt.Color("kind:N", scale=_KIND, title="Concept kind"),
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
        alt.Chart(frames.most_central)
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

    Parameters
    ----------
    corpus
        A loaded corpus.

    Returns
    -------
    altair.Chart
        One bar per theme (studies in file order, then the paper's theme order). The data
        are :func:`~peerlib.chart_data.evidence_density_frame`.

    Examples
    --------
    >>> from peerlib import load_corpus
    >>> evidence_density_chart(load_corpus()).to_dict()["mark"]["type"]
    'bar'
    """
    data = evidence_density_frame(corpus)
    chart = (
        alt.Chart(data)
        .mark_bar()
        .encode(
            x=alt.X("excerpts:Q", title="Excerpts cited by the theme's relations"),
            y=alt.Y("row:N", sort=data["row"].tolist(), title=None, axis=alt.Axis(labelLimit=420)),
            color=alt.Color("coverage:N", scale=_COVERAGE, title="Text coded"),
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

    Parameters
    ----------
    corpus
        A loaded corpus with a synthesis.
    construct_id
        The construct; an unknown id raises :class:`~peerlib.graphs.UnknownIdError`.

    Returns
    -------
    altair.Chart
        One bar per study that speaks to the construct (file order), its length the excerpts,
        its colour what text was coded; the caption names only those studies. The data are
        :func:`~peerlib.chart_data.construct_evidence_frame`.

    Examples
    --------
    >>> from peerlib import load_corpus
    >>> corpus = load_corpus()
    >>> construct_evidence_chart(corpus, corpus.construct_ids[0]).to_dict()["mark"]["type"]
    'bar'
    """
    data = construct_evidence_frame(corpus, construct_id)
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
            color=alt.Color("coverage:N", scale=_COVERAGE, title="Text coded"),
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
