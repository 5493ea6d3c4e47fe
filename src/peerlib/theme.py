"""The house style, as an Altair theme that callers switch on; importing peerlib changes nothing.

>>> import altair as alt
>>> from peerlib.theme import register_theme
>>> before = alt.theme.active
>>> with alt.theme.enable(register_theme()):
...     alt.theme.active
'peerlib'
>>> alt.theme.active == before
True
"""

from __future__ import annotations

from typing import Any

import altair as alt

from .models import CONCEPT_KINDS, COVERAGES

__all__ = [
    "COVERAGE_COLOURS",
    "FONT",
    "GAP_COLOUR",
    "INK",
    "KIND_COLOURS",
    "OKABE_ITO",
    "OPPOSE_COLOUR",
    "PAPER",
    "SUPPORT_COLOUR",
    "THEME_NAME",
    "UNCONTESTED_COLOUR",
    "register_theme",
]

THEME_NAME = "peerlib"
#: Shipped with peerlib (SIL OFL) so that every machine measures and draws text alike.
FONT = "Inter"
#: Okabe & Ito's palette, distinguishable with the common colour-vision deficiencies.
OKABE_ITO: tuple[str, ...] = (
    "#0072B2",  # blue
    "#E69F00",  # orange
    "#009E73",  # bluish green
    "#CC79A7",  # reddish purple
    "#56B4E9",  # sky blue
    "#D55E00",  # vermillion
    "#F0E442",  # yellow
    "#999999",  # grey (instead of black, which would hide labels)
)
#: One fixed colour per concept kind, the same in every chart.
KIND_COLOURS: dict[str, str] = dict(zip(CONCEPT_KINDS, OKABE_ITO, strict=True))
#: One fixed colour per coverage (what text of a study was coded): blue, orange, purple, and
#: grey for a study we have only the citation of.
COVERAGE_COLOURS: dict[str, str] = dict(
    zip(COVERAGES, (OKABE_ITO[0], OKABE_ITO[1], OKABE_ITO[3], OKABE_ITO[7]), strict=True)
)
#: What pulls against its target, or where studies refute each other: vermillion.
OPPOSE_COLOUR = OKABE_ITO[5]
#: A relation that supports its target: a neutral grey, so that opposition stands out.
SUPPORT_COLOUR = "#8a8a8a"
#: A construct on which no studies refute each other: blue.
UNCONTESTED_COLOUR = OKABE_ITO[0]
#: A cell with nothing in it (a study that does not speak to a construct).
GAP_COLOUR = "#eeeeee"
#: Text: ink on light ground, paper on dark ground.
INK = "#222222"
PAPER = "white"
_MUTED = "#555555"


def _config() -> dict[str, Any]:
    # One font weight only: PDF export embeds one font, which keeps it byte-stable.
    text = {"font": FONT, "fontWeight": "normal"}
    return {
        "config": {
            "font": FONT,
            "background": "white",
            "padding": 12,
            "view": {"stroke": None, "continuousWidth": 420, "continuousHeight": 300},
            "title": {
                **text,
                "fontSize": 15,
                "color": INK,
                "anchor": "start",
                "subtitleFont": FONT,
                "subtitleFontSize": 10.5,
                "subtitleColor": _MUTED,
                "subtitlePadding": 4,
                "offset": 10,
            },
            "axis": {
                "labelFont": FONT,
                "titleFont": FONT,
                "titleFontWeight": "normal",
                "labelFontSize": 10.5,
                "titleFontSize": 11.5,
                "labelColor": INK,
                "titleColor": INK,
                "gridColor": "#e6e6e6",
                "domainColor": "#888888",
                "tickColor": "#888888",
                "labelLimit": 340,
            },
            "legend": {
                "labelFont": FONT,
                "titleFont": FONT,
                "titleFontWeight": "normal",
                "labelFontSize": 10.5,
                "titleFontSize": 11,
                "labelLimit": 220,
                "symbolStrokeWidth": 1.5,
            },
            "header": {"labelFont": FONT, "titleFont": FONT, "titleFontWeight": "normal"},
            "text": {**text, "fontSize": 10, "color": INK},
            "mark": {"font": FONT},
            "range": {
                "category": list(OKABE_ITO),
                "ramp": {"scheme": "viridis"},
                "heatmap": {"scheme": "viridis"},
            },
        }
    }


def register_theme() -> str:
    """Register the house theme with Altair (without enabling it) and return its name.

    Enable it for a notebook with ``alt.theme.enable(peerlib.register_theme())``, or for a block
    with ``with alt.theme.enable(...)``. :func:`peerlib.save_chart` applies it by default.
    """
    if THEME_NAME not in alt.theme.names():
        alt.theme.register(THEME_NAME, enable=False)(_config)  # type: ignore[arg-type]
    return THEME_NAME
