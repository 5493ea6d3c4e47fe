"""Figures of a review: one function per chart, each returning an Altair chart.

Each function takes the tidy frames that :mod:`peerlib.chart_data` builds and only encodes them:
what a chart shows is computed (and tested) there; here, which design fits the size of the
review, and how it looks. Charts carry no styling of
their own beyond what encodes data: the look comes from the house theme
(:func:`peerlib.theme.register_theme`), which the caller enables or which
:func:`peerlib.save_chart` applies. Colours are colour-blind safe (Okabe-Ito for categories,
viridis for amounts; every palette comes from :mod:`peerlib.theme`); every chart has a title that
says what the reader sees and a caption line naming its sources. Band sizes are per item, so
charts grow with the review instead of crushing labels; and past the sizes below, each chart
changes its design (pages, top items, distributions) so that it stays readable, its files stay
small and its data stay under Altair's 5,000-row limit. The caption then says what is left out.
"""

from __future__ import annotations

import math
from typing import Any, cast

import altair as alt
import pandas as pd

from ._labels import LINE_HEIGHT, place_labels
from .chart_data import (
    CENTRALITY_MEASURES,
    POLARITIES,
    SIMILARITY_MEASURES,
    STATUSES,
    Page,
    centrality_distribution,
    centrality_frames,
    construct_evidence_frame,
    construct_heatmap_frame,
    evidence_density_frame,
    evidence_distribution,
    paginate,
    similarity_frame,
    similarity_neighbours,
    similarity_order,
    study_evidence_frame,
    study_network_frames,
    synthesis_network_frames,
)
from .loading import Corpus
from .models import CONCEPT_KINDS, COVERAGE_LABELS
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

#: Relation types drawn alike, in legend order: (legend entry, types, colour, dash). Eight dash
#: patterns cannot be told apart; five styles can: colour says whether the source supports or
#: pulls against its target, the dash which kind of link it is. Tooltips keep the exact type.
_RELATION_STYLES: tuple[tuple[str, tuple[str, ...], str, list[int]], ...] = (
    ("enables, produces", ("enables", "produces"), SUPPORT_COLOUR, [1, 0]),
    ("requires, part of", ("requires", "part_of"), SUPPORT_COLOUR, [2, 3]),
    ("enacts", ("enacts",), SUPPORT_COLOUR, [9, 4]),
    ("constrains, contests", ("constrains", "contests"), OPPOSE_COLOUR, [1, 0]),
    ("in tension with (either way)", ("in_tension_with",), OPPOSE_COLOUR, [7, 3, 2, 3]),
)
#: Relation types without a direction (data/README.md): drawn without an arrowhead.
SYMMETRIC_TYPES = frozenset({"in_tension_with"})
_STYLE_OF = {t: style for style, types, _, _ in _RELATION_STYLES for t in types}
#: Label text size in the network figures, in pixels.
_NETWORK_LABEL = 8.5
_SYNTHESIS_LABEL = 10.0
#: The thin line from a node to a label that had to move away from it.
_LEADER = "#b8b8b8"


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

# Sizes past which a chart changes its design, so that it stays readable and its files small
# (a few MB at most in any format); each chart says in its caption what it then leaves out.
#: Up to this many studies, charts keep file order and captions name every study.
FEW_STUDIES = 8
#: The construct heatmap: studies on a page, and constructs drawn.
HEATMAP_STUDIES = 25
HEATMAP_CONSTRUCTS = 30
#: The similarity chart: up to how many studies each cell of the matrix is labelled, up to how
#: many it is a matrix at all; past that, how many neighbours per study and studies per page.
SIMILARITY_LABELLED = 20
SIMILARITY_MATRIX = 70
SIMILARITY_NEIGHBOURS = 5
SIMILARITY_PER_PAGE = 40
#: The centrality chart: up to how many studies and concepts each concept is a dot.
CENTRALITY_STUDIES = 25
CENTRALITY_CONCEPTS = 2000
#: The synthesis network: how many constructs (the best supported) and links between them (the
#: strongest) at most.
SYNTHESIS_CONSTRUCTS = 30
SYNTHESIS_LINKS = 150
#: The evidence chart: up to how many themes each is a bar, up to how many studies each is.
EVIDENCE_THEMES = 120
EVIDENCE_STUDIES = 60
#: The evidence chart of one construct: how many studies at most.
CONSTRUCT_EVIDENCE_STUDIES = 40
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

    Up to :data:`FEW_STUDIES` studies are named one by one (with ``notes``, each with its
    coverage note); more are counted by coverage.

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
    if len(ids) <= FEW_STUDIES:

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


def _radius(area: float) -> float:
    """The radius in pixels of a point mark of ``area`` square pixels (Vega's size), with room
    for its outline; shapes other than circles reach a little further than a circle."""
    return math.sqrt(max(area, 0.0)) / 2 * 1.2 + 1.5


def _labels_layer(
    nodes: pd.DataFrame,
    radii: list[float],
    x: alt.X,
    y: alt.Y,
    size: int,
    font_size: float,
    *,
    extent: float = _EXTENT,
) -> tuple[alt.Chart, alt.Chart]:
    """Each node's label, whole (wrapped, never cut) and placed clear of the nodes and of the
    other labels (:func:`peerlib._labels.place_labels`), and a thin line from its node to
    each label that had to move away."""
    placed = place_labels(
        nodes["x"].tolist(),
        nodes["y"].tolist(),
        radii,
        [str(v) for v in nodes["label"]],
        extent=extent,
        size=size,
        font_size=font_size,
    )
    frame = pd.DataFrame(
        {"x": [p.x for p in placed], "y": [p.y for p in placed], "text": [p.text for p in placed]}
    )
    leaders = pd.DataFrame(
        [dict(zip(("x", "y", "x2", "y2"), p.leader, strict=True)) for p in placed if p.leader],
        columns=["x", "y", "x2", "y2"],
    )
    text = (
        alt.Chart(frame)
        .mark_text(
            fontSize=font_size,
            lineBreak="\n",
            lineHeight=font_size * LINE_HEIGHT,
            align="center",
            baseline="top",
        )
        .encode(x=x, y=y, text="text:N")
    )
    lines = (
        alt.Chart(leaders)
        .mark_rule(strokeWidth=0.6, color=_LEADER, opacity=0.9)
        .encode(x=x, y=y, x2="x2:Q", y2="y2:Q")
    )
    return lines, text


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
        Five layers: relation lines, arrowheads, concept points, the lines to labels that had
        to move away from their concept, concept labels. The data are
        :func:`~peerlib.chart_data.study_network_frames`.

    Examples
    --------
    >>> from peerlib import load_corpus
    >>> chart = study_network_chart(load_corpus(), "moran2025")
    >>> [layer.mark.type if hasattr(layer.mark, "type") else layer.mark for layer in chart.layer]
    ['rule', 'point', 'point', 'rule', 'text']
    """
    frames = study_network_frames(corpus, study_id, seed=seed)
    x, y = _xy()
    lines = frames.lines.assign(style=[_STYLE_OF[t] for t in frames.lines["type"]])
    present = set(lines["style"])
    styles = [style for style in _RELATION_STYLES if style[0] in present]
    legend = alt.Legend(title="Relation", symbolType="stroke", orient="right", labelLimit=320)
    base_edges = alt.Chart(lines).encode(
        x=x,
        y=y,
        x2="x2:Q",
        y2="y2:Q",
        tooltip=[alt.Tooltip("relation:N"), alt.Tooltip("evidence:N")],
    )
    rule = base_edges.mark_rule(strokeWidth=1.3, opacity=0.75).encode(
        strokeDash=alt.StrokeDash(
            "style:N",
            scale=alt.Scale(domain=[s[0] for s in styles], range=[s[3] for s in styles]),
            legend=legend,
        ),
        stroke=alt.Stroke(
            "style:N",
            scale=alt.Scale(domain=[s[0] for s in styles], range=[s[2] for s in styles]),
            legend=legend,
        ),
    )
    directed = frames.arrows[~frames.arrows["type"].isin(SYMMETRIC_TYPES)]
    arrow = (
        alt.Chart(directed)
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
    top = max(1, int(frames.nodes["degree"].max())) if len(frames.nodes) else 1
    # Vega's size scale runs from 0 (zero is in its domain) to the largest degree
    radii = [_radius(70 + 350 * d / top) for d in frames.nodes["degree"]]
    leaders, label = _labels_layer(frames.nodes, radii, x, y, size, _NETWORK_LABEL)
    study = corpus.studies.set_index("study_id").loc[study_id]
    return _layered(
        [rule, arrow, node, leaders, label],
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
    vermillion with a dashed ring, and their tooltips name the disagreeing studies. Past
    :data:`SYNTHESIS_CONSTRUCTS` constructs and :data:`SYNTHESIS_LINKS` links, only the best
    supported constructs and the strongest links are drawn, and the caption says so.

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
        Five layers: links, arrowheads, construct points, the lines to labels that had to
        move away from their construct, construct labels. The data are
        :func:`~peerlib.chart_data.synthesis_network_frames`.

    Examples
    --------
    >>> from peerlib import load_corpus
    >>> chart = synthesis_network_chart(load_corpus())
    >>> len(chart.layer)
    5
    """
    frames = synthesis_network_frames(
        corpus, seed=seed, max_constructs=SYNTHESIS_CONSTRUCTS, max_links=SYNTHESIS_LINKS
    )
    nodes = frames.nodes
    notes = []
    left = []
    if frames.node_page is not None and not frames.node_page.complete:
        page = frames.node_page
        left.append(
            f"{page.total - page.shown:,} of {page.total:,} constructs with the fewest "
            "supporting studies, and their links"
        )
    if frames.link_page is not None and not frames.link_page.complete:
        page = frames.link_page
        least = int(frames.lines["relations"].min())
        left.append(
            f"{page.total - page.shown:,} of {page.total:,} links with the fewest study "
            f"relations (those drawn have {least} or more)"
        )
    if left:
        notes.append(f"Left out: {'; '.join(left)}. synthesis_graph() has them all.")
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
    # a link whose every relation is symmetric has no direction, so no arrowhead
    symmetric = {t.replace("_", " ") for t in SYMMETRIC_TYPES}
    one_way = [not set(str(t).split(", ")) <= symmetric for t in frames.arrows.get("types", [])]
    arrow = (
        alt.Chart(frames.arrows[one_way] if len(frames.arrows) else frames.arrows)
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
                # no 0 in the legend: a construct has at least one study, and 0 draws nothing
                legend=alt.Legend(
                    title="Supporting studies",
                    values=[v for v in _whole_numbers(most_studies) if v > 0],
                ),
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
    radii = [_radius(1400 * n / most_studies) for n in nodes["n_studies"]]
    leaders, label = _labels_layer(nodes, radii, x, y, size, _SYNTHESIS_LABEL, extent=1.25)
    n_contested = int((nodes["status"] == contested).sum()) if len(nodes) else 0
    return _layered(
        [rule, arrow, node, leaders, label],
        width=size,
        height=size,
        title=_title(
            f"{len(nodes)} cross-study constructs; studies disagree on {n_contested}",
            "Size: studies supporting a construct. Vermillion, dashed: studies refute each "
            "other on it. Lines: study relations between the constructs' concepts.",
            *notes,
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
    text: str | None,
    dark_text_when: str,
    title: alt.Title,
    step: tuple[float, float] = (34, 26),
) -> alt.LayerChart:
    """A grid of coloured cells, each labelled with its value: one band per item on each axis,
    so the grid grows with the review; labels turn dark on light (high) cells. Without
    ``text``, a raster of small unlabelled cells."""
    base = alt.Chart(data).encode(x=x, y=y)
    if text is None:
        rect = base.mark_rect().encode(color=colour, tooltip=tooltip)
        return _layered([rect], width=alt.Step(step[0]), height=alt.Step(step[1]), title=title)
    rect = base.mark_rect(stroke=PAPER, strokeWidth=1).encode(color=colour, tooltip=tooltip)
    label = base.mark_text(fontSize=10).encode(
        text=text,
        color=alt.condition(dark_text_when, alt.value(INK), alt.value(PAPER)),
    )
    return _layered([rect, label], width=alt.Step(step[0]), height=alt.Step(step[1]), title=title)


def _count(n: int, one: str, many: str) -> str:
    return f"{n:,} {one if n == 1 else many}"


def _page_note(page: Page, what: str, order: str, more: str) -> str:
    """What a paginated chart leaves out, e.g. "Page 1 of 40: studies 1-25 of 1,000 ..."."""
    return (
        f"Page {page.number} of {page.count}: {what} {page.first + 1:,}-"
        f"{page.first + page.shown:,} of "
        f"{page.total:,}, {order} (page= for the others); {more}."
    )


def construct_heatmap(corpus: Corpus, *, page: int = 1) -> alt.LayerChart:
    """Which study speaks to which construct, and with how many excerpts.

    Up to :data:`HEATMAP_STUDIES` studies and :data:`HEATMAP_CONSTRUCTS` constructs, every
    cell is drawn in file order. A larger review is ordered by support (constructs by the
    studies that speak to them, studies by the constructs they speak to) and drawn a page of
    studies at a time, with the best supported constructs; the caption says what is left out.

    Parameters
    ----------
    corpus
        A loaded corpus with a synthesis.
    page
        Which page of studies to draw, from 1 (only a large review has more than one).

    Returns
    -------
    altair.LayerChart
        A grid of cells (studies across, constructs down), coloured by the number of excerpts
        and labelled with it; grey where the study does not speak to the construct. The data
        are :func:`~peerlib.chart_data.construct_heatmap_frame`.

    Examples
    --------
    >>> from peerlib import load_corpus
    >>> spec = construct_heatmap(load_corpus()).to_dict()
    >>> spec["layer"][0]["mark"]["type"]
    'rect'
    """
    frame = construct_heatmap_frame(
        corpus, page=page, max_studies=HEATMAP_STUDIES, max_constructs=HEATMAP_CONSTRUCTS
    )
    data = frame.cells
    top = max(1, int(data["evidence"].max() or 1)) if len(data) else 1
    notes = []
    if not frame.study_page.complete:
        notes.append(
            _page_note(
                frame.study_page,
                "studies",
                "those that speak to the most constructs first",
                "construct_matrix() has every cell",
            )
        )
    if not frame.construct_page.complete:
        left = frame.construct_page.total - frame.construct_page.shown
        notes.append(
            f"Left out: {_count(left, 'construct', 'constructs')} with the fewest studies "
            f"(of {frame.construct_page.total:,}); constructs with the most studies on top."
        )
    complete = frame.study_page.complete and frame.construct_page.complete
    return _cell_matrix(
        data,
        x=alt.X(
            "study_id:N",
            sort=frame.studies,
            title=None,
            axis=alt.Axis(labelAngle=-40, orient="top"),
        ),
        y=alt.Y("construct:N", sort=frame.constructs, title=None),
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
            *notes,
            source_caption(corpus, None if complete else frame.studies),
        ),
    )


def similarity_chart(corpus: Corpus, measure: str = "jaccard", *, page: int = 1) -> alt.LayerChart:
    """How alike studies are in the constructs they speak to (Jaccard or overlap).

    The design follows the size of the review:

    - up to :data:`SIMILARITY_LABELLED` studies, a matrix of every pair with each value
      written in its cell (in file order up to :data:`FEW_STUDIES` studies, otherwise ordered
      so that similar studies sit side by side: :func:`~peerlib.chart_data.similarity_order`);
    - up to :data:`SIMILARITY_MATRIX` studies, the same ordered matrix as small unlabelled
      cells (hover for the values);
    - past that, each study's :data:`SIMILARITY_NEIGHBOURS` most similar studies,
      :data:`SIMILARITY_PER_PAGE` studies a page
      (:func:`~peerlib.chart_data.similarity_neighbours`).

    Parameters
    ----------
    corpus
        A loaded corpus with a synthesis.
    measure
        ``"jaccard"`` (shared constructs over the constructs either speaks to) or
        ``"overlap"`` (over the smaller study's constructs); anything else raises
        ``ValueError``.
    page
        Which page of studies, from 1 (only the neighbours view has more than one).

    Returns
    -------
    altair.LayerChart
        The matrix (cells and their labels, or cells only), or the neighbours grid.

    Examples
    --------
    >>> from peerlib import load_corpus
    >>> similarity_chart(load_corpus()).to_dict()["layer"][0]["encoding"]["color"]["field"]
    'jaccard'
    """
    n = len(corpus.study_ids)
    if n > SIMILARITY_MATRIX:
        return _similarity_neighbours(corpus, measure, page)
    data = similarity_frame(corpus, measure)
    paginate(corpus.study_ids, page)  # a matrix has one page: refuse any other
    order = corpus.study_ids if n <= FEW_STUDIES else similarity_order(data, measure)
    name = SIMILARITY_MEASURES[measure]
    labelled = n <= SIMILARITY_LABELLED
    notes = [] if n <= FEW_STUDIES else ["Ordered so that similar studies sit side by side."]
    if not labelled:
        data = data.drop(columns="value_text")
        notes.append(
            f"Past {SIMILARITY_LABELLED} studies the values are not written in the cells: "
            "hover over a cell, or see study_similarity()."
        )
    axis = alt.Axis(labelAngle=-40, orient="top") if labelled else _small_labels(top=True)
    return _cell_matrix(
        data,
        x=alt.X("study_a:N", sort=order, title=None, axis=axis),
        y=alt.Y(
            "study_b:N",
            sort=order,
            title=None,
            axis=alt.Undefined if labelled else _small_labels(),
        ),
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
        text="value_text:N" if labelled else None,
        dark_text_when=f"datum.{measure} > 0.6",
        title=_title(
            f"How alike the studies are in the constructs they share ({name})",
            "1 on the diagonal; blank where undefined (a study that maps onto no construct).",
            *notes,
            source_caption(corpus),
        ),
        step=(34, 26) if labelled else (_RASTER_STEP, _RASTER_STEP),
    )


_RASTER_STEP = 10


def _small_labels(*, top: bool = False) -> alt.Axis:
    """Axis labels that fit a raster's small bands."""
    if top:
        return alt.Axis(labelAngle=-60, orient="top", labelFontSize=7, labelLimit=120)
    return alt.Axis(labelFontSize=7, labelLimit=120)


def _similarity_neighbours(corpus: Corpus, measure: str, page: int) -> alt.LayerChart:
    near = similarity_neighbours(
        corpus,
        measure,
        neighbours=SIMILARITY_NEIGHBOURS,
        page=page,
        per_page=SIMILARITY_PER_PAGE,
    )
    name = SIMILARITY_MEASURES[measure]
    return _cell_matrix(
        near.data,
        x=alt.X(
            "rank:O",
            title="Most similar first",
            axis=alt.Axis(orient="top", labelAngle=0),
        ),
        y=alt.Y("study_id:N", sort=near.order, title=None),
        colour=alt.Color(
            f"{measure}:Q",
            scale=alt.Scale(scheme="viridis", domain=[0, 1]),
            title=name.capitalize(),
        ),
        tooltip=[
            alt.Tooltip("study_id:N", title="study"),
            alt.Tooltip("neighbour:N", title="similar study"),
            alt.Tooltip("shared:Q", title="shared constructs"),
            alt.Tooltip("jaccard:Q", format=".2f"),
            alt.Tooltip("overlap:Q", format=".2f"),
        ],
        text="neighbour:N",
        dark_text_when=f"datum.{measure} > 0.6",
        title=_title(
            f"Each study's {SIMILARITY_NEIGHBOURS} most similar studies ({name})",
            "Cell: a study that shares at least one construct with the study on the left, "
            "the most similar first; colour: how similar.",
            f"Past {SIMILARITY_MATRIX} studies a matrix of every pair is not readable. "
            + _page_note(
                near.page, "studies", "in file order", "study_similarity() has every pair"
            ),
            source_caption(corpus),
        ),
        step=(120, 20),
    )


def centrality_chart(corpus: Corpus, measure: str = "betweenness") -> alt.LayerChart:
    """Each study's concepts by centrality, with the most central one named.

    Up to :data:`CENTRALITY_STUDIES` studies (and :data:`CENTRALITY_CONCEPTS` concepts), one
    row of dots per study; past that, a histogram of every concept's centrality, stacked by
    concept kind (:func:`~peerlib.chart_data.centrality_distribution`).

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
        coloured by kind and sized by degree, with each study's most central concept named
        (the data: :func:`~peerlib.chart_data.centrality_frames`); or the histogram.

    Examples
    --------
    >>> from peerlib import load_corpus
    >>> centrality_chart(load_corpus()).to_dict()["layer"][0]["encoding"]["x"]["field"]
    'betweenness'
    """
    if len(corpus.study_ids) > CENTRALITY_STUDIES or len(corpus.concepts) > CENTRALITY_CONCEPTS:
        return _centrality_distribution(corpus, measure)
    frames = centrality_frames(corpus, measure)
    name = CENTRALITY_MEASURES[measure]
    y = alt.Y("study_id:N", sort=corpus.study_ids, title=None)
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


_HISTOGRAM_BINS = 20


def _centrality_distribution(corpus: Corpus, measure: str) -> alt.LayerChart:
    data = centrality_distribution(corpus, measure, bins=_HISTOGRAM_BINS)
    name = CENTRALITY_MEASURES[measure]
    bars = (
        alt.Chart(data)
        .mark_bar(stroke=PAPER, strokeWidth=0.5)
        .encode(
            x=alt.X("bin_start:Q", title=name, scale=alt.Scale(domain=[0, 1])),
            x2="bin_end:Q",
            y=alt.Y("stack_start:Q", title="Concepts"),
            y2="stack_end:Q",
            color=alt.Color("kind:N", scale=_KIND, title="Concept kind"),
            tooltip=[
                alt.Tooltip("kind:N"),
                alt.Tooltip("bin_start:Q", title="from", format=".2f"),
                alt.Tooltip("bin_end:Q", title="to", format=".2f"),
                alt.Tooltip("concepts:Q"),
            ],
        )
    )
    return _layered(
        [bars],
        width=520,
        height=300,
        title=_title(
            "How central the concepts of the studies' graphs are",
            f"{name} of all {_count(len(corpus.concepts), 'concept', 'concepts')} of "
            f"{_count(len(corpus.study_ids), 'study', 'studies')}, counted in "
            f"{_HISTOGRAM_BINS} bins, stacked by concept kind.",
            f"Past {CENTRALITY_STUDIES} studies one row of dots per study is not readable; "
            "study_measures() has every concept's measures.",
            source_caption(corpus),
        ),
    )


def evidence_density_chart(corpus: Corpus) -> alt.Chart:
    """How many excerpts back each theme of each study, coloured by what text was coded.

    Up to :data:`EVIDENCE_THEMES` themes, one bar per theme; up to :data:`EVIDENCE_STUDIES`
    studies, one bar per study, its themes together; past that, a histogram of the studies by
    the evidence behind their themes.

    Parameters
    ----------
    corpus
        A loaded corpus.

    Returns
    -------
    altair.Chart
        One bar per theme (studies in file order, then the paper's theme order; the data:
        :func:`~peerlib.chart_data.evidence_density_frame`), per study
        (:func:`~peerlib.chart_data.study_evidence_frame`) or per bin
        (:func:`~peerlib.chart_data.evidence_distribution`).

    Examples
    --------
    >>> from peerlib import load_corpus
    >>> evidence_density_chart(load_corpus()).to_dict()["mark"]["type"]
    'bar'
    """
    if len(corpus.themes) > EVIDENCE_THEMES:
        if len(corpus.study_ids) > EVIDENCE_STUDIES:
            return _evidence_distribution(corpus)
        return _study_evidence(corpus)
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


def _themes_together() -> str:
    return (
        f"Past {EVIDENCE_THEMES} themes one bar per theme is not readable: each study's themes "
        "are counted together here (an excerpt once); theme_evidence() has each theme."
    )


def _study_evidence(corpus: Corpus) -> alt.Chart:
    data = study_evidence_frame(corpus)
    chart = (
        alt.Chart(data)
        .mark_bar()
        .encode(
            x=alt.X("excerpts:Q", title="Excerpts cited by relations on the study's themes"),
            y=alt.Y("study_id:N", sort=corpus.study_ids, title=None),
            color=alt.Color("coverage:N", scale=_COVERAGE, title="Text coded"),
            tooltip=[
                alt.Tooltip("study_id:N", title="study"),
                alt.Tooltip("themes:Q"),
                alt.Tooltip("excerpts:Q"),
            ],
        )
        .properties(
            width=360,
            height=alt.Step(16),
            title=_title(
                "How much evidence backs each study's themes",
                "Distinct excerpts cited by relations that touch a concept under one of the "
                "study's themes.",
                _themes_together(),
                source_caption(corpus),
            ),
        )
    )
    return cast(alt.Chart, chart)


def _evidence_distribution(corpus: Corpus) -> alt.Chart:
    data = evidence_distribution(corpus, bins=_HISTOGRAM_BINS)
    chart = (
        alt.Chart(data)
        .mark_bar(stroke=PAPER, strokeWidth=0.5)
        .encode(
            x=alt.X("bin_start:Q", title="Excerpts cited by relations on the study's themes"),
            x2="bin_end:Q",
            y=alt.Y("stack_start:Q", title="Studies"),
            y2="stack_end:Q",
            color=alt.Color("coverage:N", scale=_COVERAGE, title="Text coded"),
            tooltip=[
                alt.Tooltip("coverage:N", title="text coded"),
                alt.Tooltip("bin_start:Q", title="from (excerpts)"),
                alt.Tooltip("bin_end:Q", title="up to (not included)"),
                alt.Tooltip("studies:Q"),
            ],
        )
        .properties(
            width=520,
            height=300,
            title=_title(
                "How much evidence backs the studies' themes",
                f"{_count(len(corpus.study_ids), 'study', 'studies')} counted by the distinct "
                "excerpts cited by relations that touch a concept under one of their themes.",
                f"Past {EVIDENCE_THEMES} themes and {EVIDENCE_STUDIES} studies, bars per theme "
                "or study are not readable; theme_evidence() and study_evidence_frame() have "
                "each.",
                source_caption(corpus),
            ),
        )
    )
    return cast(alt.Chart, chart)


def construct_evidence_chart(corpus: Corpus, construct_id: str) -> alt.Chart:
    """The evidence each study brings to one construct, with its representative excerpt.

    Up to :data:`CONSTRUCT_EVIDENCE_STUDIES` studies, every study that speaks to the
    construct, in file order; past that, the studies with the most excerpts, most first.

    Parameters
    ----------
    corpus
        A loaded corpus with a synthesis.
    construct_id
        The construct; an unknown id raises :class:`~peerlib.graphs.UnknownIdError`.

    Returns
    -------
    altair.Chart
        One bar per study drawn, its length the excerpts, its colour what text was coded;
        the caption names only those studies. The data are
        :func:`~peerlib.chart_data.construct_evidence_frame`.

    Examples
    --------
    >>> from peerlib import load_corpus
    >>> corpus = load_corpus()
    >>> construct_evidence_chart(corpus, corpus.construct_ids[0]).to_dict()["mark"]["type"]
    'bar'
    """
    bars = construct_evidence_frame(corpus, construct_id, top=CONSTRUCT_EVIDENCE_STUDIES)
    data = bars.data
    label = str(corpus.constructs.set_index("construct_id").loc[construct_id, "label"])
    notes = []
    if not bars.page.complete:
        left = bars.page.total - bars.page.shown
        notes.append(
            f"Left out: {_count(left, 'study', 'studies')} with fewer excerpts, of "
            f"{bars.page.total:,} that speak to the construct (the {bars.page.shown} with the "
            "most are drawn, most first); construct_evidence() lists every excerpt."
        )
    chart = (
        alt.Chart(data)
        .mark_bar()
        .encode(
            x=alt.X(
                "evidence:Q",
                title="Excerpts",
                axis=alt.Axis(values=_whole_numbers(int(data["evidence"].max() or 1)), format="d"),
            ),
            y=alt.Y(
                "study_id:N",
                # the construct's own studies only (in file order when all are drawn): the
                # chart does not depend on the studies the construct leaves out, as the
                # build's {construct_files} assumes
                sort=bars.order,
                title=None,
            ),
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
                *notes,
                source_caption(corpus, bars.order),
            ),
        )
    )
    return cast(alt.Chart, chart)
