"""The line-of-argument figure: the review's argument, step by step, on the constructs it uses.

A chart of its own module, apart from :mod:`peerlib.charts`: it needs only the line-of-argument
table and the synthesis, and draws one picture.
"""

from __future__ import annotations

from typing import cast

import altair as alt
import pandas as pd

from ._tables import frame_of
from .charts import source_caption
from .comparison import line_of_argument
from .loading import Corpus
from .theme import OPPOSE_COLOUR, UNCONTESTED_COLOUR

__all__ = ["ARGUMENT_CONSTRUCTS", "line_of_argument_chart", "line_of_argument_points"]

#: Up to this many constructs, every construct of the synthesis is a column; past it, only
#: those the argument rests on (the caption says how many are left out).
ARGUMENT_CONSTRUCTS = 30
#: Up to this many studies behind a dot, the size legend shows every count.
_EVERY_COUNT = 6


def _label(position: int, claim: str, limit: int = 70) -> str:
    text = " ".join(claim.split())
    text = text if len(text) <= limit else text[: limit - 1].rstrip() + "…"
    return f"{position}. {text}"


def line_of_argument_points(corpus: Corpus) -> pd.DataFrame:
    """One row per step and construct it rests on: what :func:`line_of_argument_chart` draws.

    Returns
    -------
    pandas.DataFrame
        Steps in order, each step's constructs in its own order, with columns ``position``
        (int64), ``step`` (the numbered, shortened claim), ``claim`` (in full), ``construct``
        (its label), ``studies`` (int64: how many of the step's studies map concepts onto that
        construct), ``refuted`` (bool: some studies refute each other on the construct) and
        ``evidence_kinds`` (the step's studies in words).

    Examples
    --------
    >>> from peerlib import load_corpus
    >>> points = line_of_argument_points(load_corpus())
    >>> int(points["position"].min()), bool((points["studies"] >= 1).all())
    (1, True)
    """
    table = line_of_argument(corpus)
    labels = dict(zip(corpus.constructs["construct_id"], corpus.constructs["label"], strict=True))
    mapped = set(zip(corpus.alignment["construct_id"], corpus.alignment["study_id"], strict=True))
    refuted = set(corpus.study_relations.query("type == 'refute'")["construct_id"])
    by_step: dict[str, list[str]] = {}
    for step, construct in zip(
        corpus.argument_constructs["step_id"],
        corpus.argument_constructs["construct_id"],
        strict=True,
    ):
        by_step.setdefault(str(step), []).append(str(construct))
    rows = []
    for position, step, claim, studied, kinds in zip(
        table["position"].tolist(),
        table["step_id"],
        table["claim"],
        table["studies"],
        table["evidence_kinds"],
        strict=True,
    ):
        studies = str(studied).split("; ")
        for cid in by_step.get(str(step), []):
            rows.append(
                (
                    int(position),
                    _label(int(position), str(claim)),
                    str(claim),
                    str(labels[cid]),
                    sum((cid, s) in mapped for s in studies),
                    cid in refuted,
                    str(kinds),
                )
            )
    return frame_of(
        rows,
        [
            ("position", "int64"),
            ("step", "string"),
            ("claim", "string"),
            ("construct", "string"),
            ("studies", "int64"),
            ("refuted", "bool"),
            ("evidence_kinds", "string"),
        ],
    )


def line_of_argument_chart(corpus: Corpus) -> alt.LayerChart:
    """The line of argument: each step in order, with a dot on each construct it rests on.

    Rows are the steps, top to bottom in the order of the argument; columns are the
    synthesis's constructs (all of them, so a construct the argument does not use shows as an
    empty column; past :data:`ARGUMENT_CONSTRUCTS` constructs, only those it uses). A dot's
    size counts the step's studies behind that construct; vermillion dots are constructs on
    which studies refute each other. A line joins each step to the next through its first
    construct, so the path of the argument can be followed.

    Examples
    --------
    >>> from peerlib import load_corpus
    >>> spec = line_of_argument_chart(load_corpus()).to_dict()
    >>> [layer["mark"]["type"] for layer in spec["layer"]]
    ['line', 'circle']
    """
    points = line_of_argument_points(corpus)
    steps = list(dict.fromkeys(points["step"]))
    constructs = [str(c) for c in corpus.constructs["label"]]
    notes = []
    if len(constructs) > ARGUMENT_CONSTRUCTS:
        used = set(points["construct"])
        unused = len([c for c in constructs if c not in used])
        constructs = [c for c in constructs if c in used]
        if unused:
            notes.append(
                f"Left out: {unused:,} of {unused + len(constructs):,} constructs the argument "
                "does not rest on (empty columns)."
            )
    x = alt.X(
        "construct:N",
        sort=constructs,
        scale=alt.Scale(domain=constructs),
        title=None,
        axis=alt.Axis(labelAngle=-35, orient="top", labelLimit=260),
    )
    y = alt.Y("step:N", sort=steps, title=None, axis=alt.Axis(labelLimit=520))
    first = points.drop_duplicates("position")
    path = (
        alt.Chart(first)
        .mark_line(color="#bbbbbb", strokeWidth=1.5)
        .encode(x=x, y=y, order=alt.Order("position:Q"))
    )
    top = max(1, int(points["studies"].max()) if len(points) else 1)
    dots = (
        alt.Chart(points)
        .mark_circle(opacity=0.9)
        .encode(
            x=x,
            y=y,
            size=alt.Size(
                "studies:Q",
                scale=alt.Scale(domain=[0, top], range=[0, 420]),
                legend=alt.Legend(title="Studies", values=_counts(top)),
            ),
            color=alt.condition(
                "datum.refuted", alt.value(OPPOSE_COLOUR), alt.value(UNCONTESTED_COLOUR)
            ),
            tooltip=[
                alt.Tooltip("position:Q", title="step"),
                alt.Tooltip("claim:N"),
                alt.Tooltip("construct:N"),
                alt.Tooltip("studies:Q", title="studies behind it"),
                alt.Tooltip("evidence_kinds:N", title="the step's evidence"),
            ],
        )
    )
    layered = alt.layer(path, dots)
    return cast(alt.LayerChart, layered).properties(
        width=alt.Step(46),
        height=alt.Step(30),
        title=alt.Title(
            "The line of argument, step by step",
            subtitle=[
                "Rows: the review's argument in order; a dot marks a construct the step rests "
                "on, sized by the studies behind it.",
                "Vermillion: studies refute each other on that construct. Hover for the full "
                "claim and the kinds of evidence.",
                *notes,
                source_caption(corpus),
            ],
        ),
    )


def _counts(top: int) -> list[int]:
    """Legend values for a count up to ``top``: every one up to a few, else about six.

    Examples
    --------
    >>> _counts(3), _counts(829)
    ([1, 2, 3], [1, 166, 332, 498, 664, 829])
    """
    if top <= _EVERY_COUNT:
        return list(range(1, top + 1))
    step = -(-top // 5)
    return sorted({1, *range(step, top, step), top})
