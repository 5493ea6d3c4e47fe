"""Chart pages in a browser and in JupyterLab: the house font inlined, interactive charts that
need no network and whose text cannot break out of their script."""

from __future__ import annotations

import base64
import re
from importlib import resources
from pathlib import Path

import altair as alt
import pandas as pd
import pytest

from peerlib import save_chart, setup_notebook
from peerlib.export import font_face_css, inline_chart_html
from peerlib.notebook import STATIC_CHARTS_ENV

HOSTILE = "</script><script>alert(1)</script>"


def chart() -> alt.Chart:
    data = pd.DataFrame({"x": [1, 2], "label": [HOSTILE, "b"]})
    return alt.Chart(data).mark_point().encode(x="x:Q", tooltip="label:N").properties(title="T")


def test_html_pages_carry_the_house_font(tmp_path: Path) -> None:
    [page] = save_chart(chart(), tmp_path / "c", ["html"])
    text = page.read_text(encoding="utf-8")
    head = text[: text.index("</head>")]
    [encoded] = re.findall(r"url\(data:font/otf;base64,([A-Za-z0-9+/=]+)\)", head)
    shipped = (resources.files("peerlib") / "fonts" / "Inter-Regular.otf").read_bytes()
    assert base64.b64decode(encoded) == shipped
    assert 'font-family:"Inter"' in head


def test_inline_chart_needs_no_network_and_is_inert() -> None:
    fragment = inline_chart_html(chart().to_dict(), "altair-viz-1")
    assert fragment.count("<script") == 1  # the bundle and the call, one script, no src
    assert "<script src" not in fragment
    assert HOSTILE not in fragment  # every < of the spec is \u003c
    assert fragment.count("</script>") == 1
    assert font_face_css() in fragment
    # run in a function: a notebook page can hold several without redeclaring the bundle
    assert "(function () {" in fragment
    assert 'window.vegaEmbed("#altair-viz-1"' in fragment


def test_setup_notebook_interactive_unless_the_build_runs_it(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    before, theme = alt.renderers.active, alt.theme.active
    try:
        monkeypatch.delenv(STATIC_CHARTS_ENV, raising=False)
        setup_notebook(interactive=True)
        assert alt.renderers.active == "peerlib-inline"
        bundle = alt.renderers.get()(chart().to_dict())
        assert set(bundle) == {"text/html"}
        setup_notebook()
        assert alt.renderers.active == "svg"
        monkeypatch.setenv(STATIC_CHARTS_ENV, "1")
        setup_notebook(interactive=True)
        assert alt.renderers.active == "svg"
    finally:
        alt.renderers.enable(before)
        alt.theme.enable(theme)


def test_the_inlined_libraries_are_vega_as_shipped() -> None:
    # only "</script" (which would end the element) may be rewritten; the rest is untouched
    import vl_convert as vlc
    from altair.utils._importers import vl_version_for_vl_convert

    from peerlib.export import _vega_bundle

    shipped = vlc.javascript_bundle(vl_version=vl_version_for_vl_convert())
    assert _vega_bundle() == re.sub(r"</(script)", r"<\\/\1", shipped, flags=re.IGNORECASE)
    assert "/</g" in _vega_bundle()  # regular expressions with "</" stay valid
