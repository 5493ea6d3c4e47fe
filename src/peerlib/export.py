"""Write charts to SVG, PNG, PDF and offline HTML, byte-identical from the same chart.

Static export is vl-convert's (Vega in an embedded JavaScript runtime, no browser, no network).
What would otherwise drift between runs and machines is pinned here:

- fonts: the house font (Inter, shipped in ``peerlib/fonts``) is registered before any export,
  so text is measured and drawn the same everywhere; only one font file is used, because PDF
  font objects are otherwise written in a run-dependent order;
- SVG element ids: Vega numbers clip paths and gradients from a process-wide counter, so the
  same chart exported second gets other ids; they are renumbered in order of appearance;
- HTML: the Vega libraries and the house font are inlined, so the page works offline, names no
  CDN, and a browser draws the text in the font of the SVG, PNG and PDF; the chart's spec,
  inlined in a script element, has every ``<`` written as ``\\u003c``, so no text of the
  corpus can end the script and run its own (:mod:`peerlib._html`).
"""

from __future__ import annotations

import base64
import functools
import html
import json
import re
import uuid
from collections.abc import Iterable
from importlib import resources
from pathlib import Path
from typing import Any

import altair as alt

from . import _atomic
from ._html import inert_json
from ._svg import stable_svg
from .theme import THEME_NAME, register_theme

__all__ = [
    "FORMATS",
    "chart_spec",
    "chart_title",
    "font_face_css",
    "inline_chart_html",
    "render",
    "save_chart",
]

#: Every format :func:`save_chart` can write.
FORMATS: tuple[str, ...] = ("svg", "png", "pdf", "html")
#: PNG pixel density: 2 = 144 dpi, sharp on screens and in slides.
PNG_SCALE = 2

_fonts_registered = False
# The entries of a PDF resource dictionary, one per line: /name N 0 R
_PDF_RESOURCES = re.compile(
    rb"(/(?:Font|XObject|ExtGState|Pattern|Shading|ColorSpace) <<\n)((?:[ \t]*/\S+ [^\n]*\n)+)"
)
# Where vl-convert's page inlines the spec: a JSON text has no raw line break, so this line
# start occurs once, whatever the spec holds.
_SPEC_START = "\n    const spec = "


def _ensure_fonts() -> None:
    global _fonts_registered
    if not _fonts_registered:
        import vl_convert as vlc

        vlc.register_font_directory(str(resources.files("peerlib") / "fonts"))
        _fonts_registered = True


@functools.cache
def font_face_css() -> str:
    """A CSS ``@font-face`` rule carrying the house font (Inter, SIL OFL) inline, so an HTML
    page draws chart text in the font the static formats use, without a network or the
    reader's fonts.

    >>> css = font_face_css()
    >>> css.startswith('@font-face{font-family:"Inter";src:url(data:font/otf;base64,T1RUTw')
    True
    """
    from .theme import FONT

    data = (resources.files("peerlib") / "fonts" / "Inter-Regular.otf").read_bytes()
    encoded = base64.b64encode(data).decode("ascii")
    return (
        f'@font-face{{font-family:"{FONT}";src:url(data:font/otf;base64,{encoded}) '
        'format("opentype");font-weight:normal;font-style:normal}'
    )


def chart_title(spec: dict[str, Any]) -> str:
    """The title text of a Vega-Lite spec, lines joined by spaces; ``""`` when it has none.

    >>> chart_title({"title": {"text": ["Two", "lines"], "subtitle": "sub"}}), chart_title({})
    ('Two lines', '')
    """
    title = spec.get("title")
    text = title.get("text", "") if isinstance(title, dict) else title
    lines = text if isinstance(text, list) else [text or ""]
    return " ".join(str(line) for line in lines).strip()


def _page(page: str, title: str) -> str:
    """vl-convert's page (a full HTML document) with the chart's title as the page title and
    :func:`font_face_css` in its head. The inlined libraries hold ``<head>`` and ``</head>``
    in their own strings, so only the document's first ``<head>`` is used."""
    head = page.index("<head>") + len("<head>")
    style = f"\n<style>{font_face_css()}</style>"
    page = page[:head] + style + page[head:]
    if title:
        page = page.replace("<title>Chart</title>", f"<title>{html.escape(title)}</title>", 1)
    return page


def _script_json(value: Any) -> str:
    """JSON for inside a ``<script>`` (:func:`peerlib._html.inert_json`)."""
    return inert_json(json.dumps(value, sort_keys=True))


@functools.cache
def _vega_bundle() -> str:
    import vl_convert as vlc
    from altair.utils._importers import vl_version_for_vl_convert

    bundle = str(vlc.javascript_bundle(vl_version=vl_version_for_vl_convert()))  # type: ignore[call-arg]
    # "</script" in the code would end the element; in a string or a regular expression
    # "<\/script" means the same (the bundle has none today: this keeps it so)
    return re.sub(r"</(script)", r"<\\/\1", bundle, flags=re.IGNORECASE)


def inline_chart_html(spec: dict[str, Any], div_id: str | None = None) -> str:
    """An HTML fragment that draws ``spec`` interactively (tooltips) with no network: the
    Vega libraries inlined, run inside a function so that a page (a JupyterLab notebook) can
    hold several, and the house font.

    >>> fragment = inline_chart_html({"mark": "point"}, "altair-viz-1")
    >>> fragment.startswith('<div id="altair-viz-1" class="peerlib-chart"></div>')
    True
    """
    div = div_id or f"altair-viz-{uuid.uuid4().hex}"
    return (
        f'<div id="{div}" class="peerlib-chart"></div>\n'
        f"<style>{font_face_css()}</style>\n"
        '<script type="text/javascript">\n(function () {\n'
        f"{_vega_bundle()}\n"
        f'window.vegaEmbed("#{div}", {_script_json(spec)}, {{"renderer": "svg"}})'
        ".catch(console.error);\n})();\n</script>\n"
    )


def chart_spec(chart: alt.TopLevelMixin, theme: str | None = THEME_NAME) -> dict[str, Any]:
    """The chart's Vega-Lite spec as a dict, with ``theme`` applied (``None``: the active one).

    Altair's 5,000-row guard is lifted here: peerlib's charts pre-aggregate their data, and the
    one chart that grows quadratically (study similarity, n x n cells) must still export for a
    review of a hundred studies.
    """
    with alt.data_transformers.enable("default", max_rows=None):
        if theme is None:
            return dict(chart.to_dict())
        if theme == THEME_NAME:
            register_theme()
        with alt.theme.enable(theme):
            return dict(chart.to_dict())


def _stable_pdf(pdf: bytes) -> bytes:
    """Sort the entries of each resource dictionary: vl-convert writes them in hash order.

    Sorting lines keeps every byte count, so the cross-reference offsets stay valid."""

    def sort(match: re.Match[bytes]) -> bytes:
        lines = match.group(2).splitlines(keepends=True)
        return match.group(1) + b"".join(sorted(lines))

    return _PDF_RESOURCES.sub(sort, pdf)


def _inert_page(page: str) -> str:
    """vl-convert's HTML page with its inlined spec made inert (:func:`peerlib._html.inert_json`).

    vl-convert writes the spec into a script element as it is, so a label holding
    ``</script><script>...`` would end the script and run its own. Refuses (``RuntimeError``)
    a page whose layout it does not know, rather than write one that might not be safe.
    """
    if page.count(_SPEC_START) != 1:
        raise RuntimeError("vl-convert's HTML page has changed: cannot find the inlined spec")
    start = page.index(_SPEC_START) + len(_SPEC_START)
    _, end = json.JSONDecoder().raw_decode(page, start)
    return page[:start] + inert_json(page[start:end]) + page[end:]


def render(spec: dict[str, Any], fmt: str) -> bytes:
    """Render a Vega-Lite spec to ``fmt`` (one of :data:`FORMATS`) as bytes."""
    import vl_convert as vlc

    _ensure_fonts()
    if fmt == "svg":
        return stable_svg(vlc.vegalite_to_svg(spec)).encode("utf-8")
    if fmt == "png":
        return bytes(vlc.vegalite_to_png(spec, scale=PNG_SCALE))
    if fmt == "pdf":
        return _stable_pdf(bytes(vlc.vegalite_to_pdf(spec)))
    if fmt == "html":
        page = _inert_page(str(vlc.vegalite_to_html(spec, bundle=True)))
        return _page(page, chart_title(spec)).encode("utf-8")
    raise ValueError(f"unknown format {fmt!r}; choose from {', '.join(FORMATS)}")


def save_chart(
    chart: alt.TopLevelMixin,
    stem: str | Path,
    formats: Iterable[str] = FORMATS,
    *,
    theme: str | None = THEME_NAME,
) -> list[Path]:
    """Write ``chart`` as ``stem.<fmt>`` for each format, atomically; return the paths.

    Parameters
    ----------
    chart
        Any Altair top-level chart.
    stem
        Path without suffix, e.g. ``figures/synthesis``; folders are created.
    formats
        Any of ``svg``, ``png``, ``pdf``, ``html`` (offline: the Vega libraries are inlined).
    theme
        Altair theme to apply; default the house theme, ``None`` for the active theme.

    Examples
    --------
    >>> import tempfile, altair as alt, pandas as pd
    >>> chart = alt.Chart(pd.DataFrame({"x": [1, 2]})).mark_point().encode(x="x:Q")
    >>> with tempfile.TemporaryDirectory() as tmp:
    ...     [p.name for p in save_chart(chart, Path(tmp) / "demo", ["svg", "png"])]
    ['demo.svg', 'demo.png']
    """
    formats = list(formats)
    unknown = [f for f in formats if f not in FORMATS]
    if unknown:
        raise ValueError(f"unknown format {unknown[0]!r}; choose from {', '.join(FORMATS)}")
    spec = chart_spec(chart, theme)
    stem = Path(stem)
    # render everything first: a failure leaves no new file behind
    outputs = {stem.with_name(f"{stem.name}.{fmt}"): render(spec, fmt) for fmt in formats}
    for path, data in outputs.items():
        _atomic.write_bytes(path, data)
    return list(outputs)
