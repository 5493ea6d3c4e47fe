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

from .models import CONCEPT_KINDS

__all__ = ["FONT", "KIND_COLOURS", "OKABE_ITO", "THEME_NAME", "register_theme"]

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
_INK = "#222222"
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
                "color": _INK,
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
                "labelColor": _INK,
                "titleColor": _INK,
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
            "text": {**text, "fontSize": 10, "color": _INK},
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
