"""Static export: every chart renders in every format, byte-identical from the same chart.

Rendering costs 0.1-1 s a file, so PNG, PDF and HTML are rendered once per chart kind (or for one
chart); SVG, the cheapest, is rendered for every chart of the bundled review, twice in this
process (with other charts in between, which is what moves Vega's id counter) and once in a
fresh one.
"""

from __future__ import annotations

import json
import os
import re
import struct
import subprocess
import sys
import xml.etree.ElementTree as ET
from collections.abc import Iterator
from pathlib import Path
from typing import Any, NamedTuple

import altair as alt
import pandas as pd
import pytest

import peerlib
import peerlib.export
from peerlib import load_corpus, register_theme, save_chart
from peerlib._svg import stable_svg as _stable_svg
from peerlib.export import FORMATS, chart_spec, render

from .conftest import MINI
from .test_charts import SVG, gallery, kind, svg_label_groups

Spec = dict[str, Any]

REPO = Path(__file__).resolve().parents[1]
PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"

#: One chart of each kind, the one each kind's PNG is rendered from.
ONE_OF_EACH_KIND = (
    "study_network/kirkegaard2022",
    "synthesis_network",
    "construct_heatmap",
    "similarity",
    "centrality",
    "evidence_density",
    "construct_evidence/calibrated_disclosure",
)


_RENDER_IN_A_FRESH_PROCESS = """
import sys
from pathlib import Path

from peerlib import load_corpus
from peerlib.export import chart_spec, render
from tests.test_charts import gallery

out = Path(sys.argv[1])
for i, (name, chart) in enumerate(gallery(load_corpus()).items()):
    (out / f"{i:02d}.svg").write_bytes(render(chart_spec(chart), "svg"))
    print(name)
"""


class FreshRender(NamedTuple):
    process: subprocess.Popen[str]
    out: Path


@pytest.fixture(scope="module")
def specs(fresh_process: FreshRender) -> dict[str, Spec]:
    """Every chart of the bundled review, as exported (house theme).

    Requests ``fresh_process`` only to start it first, so that it renders alongside this one.
    """
    return {name: chart_spec(chart) for name, chart in gallery(load_corpus()).items()}


@pytest.fixture(scope="module")
def fresh_process(tmp_path_factory: pytest.TempPathFactory) -> Iterator[FreshRender]:
    """Every chart of the bundled review rendered to SVG by a fresh Python process.

    Compared with this process's renders by ``test_svg_is_identical_in_a_fresh_process``.
    """
    out = tmp_path_factory.mktemp("fresh")
    env = {**os.environ, "PYTHONHASHSEED": "12345"}  # another order of sets of strings too
    with subprocess.Popen(
        [sys.executable, "-c", _RENDER_IN_A_FRESH_PROCESS, str(out)],
        cwd=REPO,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    ) as process:
        yield FreshRender(process, out)
        if process.poll() is None:
            process.kill()


@pytest.fixture(scope="module")
def svgs(specs: dict[str, Spec]) -> dict[str, bytes]:
    """Every chart rendered to SVG once, in gallery order."""
    return {name: render(spec, "svg") for name, spec in specs.items()}


@pytest.fixture
def tiny() -> alt.Chart:
    """A chart that renders in a few milliseconds, for testing how files are written."""
    return (
        alt.Chart(pd.DataFrame({"x": [1, 2, 3], "y": [3, 1, 2]}))
        .mark_point()
        .encode(x="x:Q", y="y:Q")
    )


def files(folder: Path) -> list[str]:
    """Every file under ``folder``, hidden ones included, relative and sorted."""
    return sorted(str(p.relative_to(folder)) for p in folder.rglob("*") if p.is_file())


def png_size(png: bytes) -> tuple[int, int]:
    assert png[12:16] == b"IHDR"
    width, height = struct.unpack(">II", png[16:24])
    return width, height


def html_spec(html: str) -> Spec:
    """The spec a vl-convert HTML page hands to vega-embed."""
    match = re.search(r"^\s*const spec = (\{.*\});?\s*$", html, re.M)
    assert match, "no `const spec = {...}` line in the page"
    return dict(json.loads(match.group(1)))


# --- every chart renders --------------------------------------------------------------------


def test_gallery_is_the_whole_review(specs: dict[str, Spec]) -> None:
    corpus = load_corpus()
    assert len(specs) == len(corpus.study_ids) + len(corpus.construct_ids) + 7
    assert set(ONE_OF_EACH_KIND) <= set(specs)
    assert {kind(n) for n in ONE_OF_EACH_KIND} == {kind(n) for n in specs}


def test_every_chart_renders_to_svg(specs: dict[str, Spec], svgs: dict[str, bytes]) -> None:
    for name, svg in svgs.items():
        root = ET.fromstring(svg)
        assert root.tag == f"{SVG}svg", name
        assert float(root.get("width", 0)) > 100, name
        assert float(root.get("height", 0)) > 100, name
        text = " ".join("".join(t.itertext()) for t in root.iter(f"{SVG}text"))
        title = specs[name]["title"]
        assert title["text"] in text, name
        assert title["subtitle"][-1] in text, name
        fonts = set(re.findall(rb'font-family="([^"]*)"', svg))
        assert fonts == {b"Inter"}, name  # the shipped font, and nothing else


def test_svg_axis_and_legend_labels_are_distinct(svgs: dict[str, bytes]) -> None:
    """No axis or legend of the bundled review repeats a label (e.g. rounded ticks 1 1 2 2)."""
    for name, svg in svgs.items():
        for labels in svg_label_groups(svg):
            assert len(labels) == len(set(labels)), (name, labels)


def test_one_chart_of_each_kind_renders_to_png(
    specs: dict[str, Spec], svgs: dict[str, bytes]
) -> None:
    for name in ONE_OF_EACH_KIND:
        png = render(specs[name], "png")
        assert png.startswith(PNG_SIGNATURE), name
        assert len(png) > 20_000, name
        root = ET.fromstring(svgs[name])
        width, height = float(root.get("width", 0)), float(root.get("height", 0))
        # drawn at PNG_SCALE (2x) the size of the SVG
        assert png_size(png) == (
            round(width * peerlib.export.PNG_SCALE),
            round(height * peerlib.export.PNG_SCALE),
        ), name


def test_a_chart_renders_to_pdf(specs: dict[str, Spec]) -> None:
    pdf = render(specs["construct_heatmap"], "pdf")
    assert pdf.startswith(b"%PDF-")
    assert pdf.rstrip().endswith(b"%%EOF")
    assert len(pdf) > 5_000
    assert b"Inter" in pdf  # the shipped font is embedded


def test_html_is_offline_and_carries_the_spec(specs: dict[str, Spec]) -> None:
    spec = specs["synthesis_network"]
    html = render(spec, "html").decode("utf-8")
    assert html.lstrip().lower().startswith("<!doctype html>")
    assert "<script" in html
    assert not re.search(r"<script[^>]*\ssrc\s*=", html, re.I)  # libraries inlined, no CDN
    assert not re.search(r"<link[^>]*\shref\s*=\s*[\"']https?:", html, re.I)
    assert "vegaEmbed(" in html
    assert html_spec(html) == spec


def test_unknown_format_is_refused(specs: dict[str, Spec]) -> None:
    with pytest.raises(ValueError, match=r"unknown format 'jpeg'; choose from svg, png, pdf, html"):
        render(specs["construct_heatmap"], "jpeg")


# --- the same bytes every time ----------------------------------------------------------------


def test_svg_is_identical_after_other_charts_were_exported(
    specs: dict[str, Spec], svgs: dict[str, bytes]
) -> None:
    """Chart A, then every other chart, then A again: Vega's id counter has moved on."""
    for name in reversed(list(specs)):
        assert render(specs[name], "svg") == svgs[name], name


def test_svg_is_identical_a_b_a(specs: dict[str, Spec]) -> None:
    a, b = specs["construct_heatmap"], specs["similarity"]
    first = render(a, "svg")
    render(b, "svg")
    render(b, "svg")
    assert render(a, "svg") == first
    # the heatmap's colour legend is a gradient: its id is renumbered from 1
    assert re.findall(rb'id="(gradient[_-]?\d+)"', first) == [b"gradient_1"]
    assert _stable_svg(first.decode("utf-8")).encode("utf-8") == first


def test_svg_is_identical_in_a_fresh_process(
    svgs: dict[str, bytes], fresh_process: FreshRender
) -> None:
    stdout, stderr = fresh_process.process.communicate(timeout=300)
    assert fresh_process.process.returncode == 0, stderr
    assert stdout.split() == list(svgs)
    for i, (name, svg) in enumerate(svgs.items()):
        assert (fresh_process.out / f"{i:02d}.svg").read_bytes() == svg, name


def test_png_is_identical_twice(specs: dict[str, Spec]) -> None:
    spec = specs["study_network/austin2014"]  # transparency, shapes and text
    assert render(spec, "png") == render(spec, "png")


def test_pdf_is_identical_twice(specs: dict[str, Spec]) -> None:
    spec = specs["construct_heatmap"]
    assert render(spec, "pdf") == render(spec, "pdf")


def test_pdf_with_transparency_is_identical(specs: dict[str, Spec]) -> None:
    spec = specs["synthesis_network"]  # opacity on lines, arrowheads and nodes
    first = render(spec, "pdf")
    assert [render(spec, "pdf") for _ in range(2)] == [first, first]


# --- _stable_svg ------------------------------------------------------------------------------


def test_stable_svg_renumbers_ids_in_order_of_appearance() -> None:
    svg = (
        '<defs><clipPath id="clip7"><rect/></clipPath><clipPath id="clip3"><rect/></clipPath>'
        '<linearGradient id="gradient_12"/></defs>'
        '<g clip-path="url(#clip7)"/><g clip-path="url(#clip3)"/>'
        '<rect fill="url(#gradient_12)"/><g clip-path="url(#clip7)"/>'
    )
    assert _stable_svg(svg) == (
        '<defs><clipPath id="clip1"><rect/></clipPath><clipPath id="clip2"><rect/></clipPath>'
        '<linearGradient id="gradient_3"/></defs>'
        '<g clip-path="url(#clip1)"/><g clip-path="url(#clip2)"/>'
        '<rect fill="url(#gradient_3)"/><g clip-path="url(#clip1)"/>'
    )


def test_stable_svg_maps_other_counters_to_the_same_text() -> None:
    def drawn(offset: int) -> str:
        a, b = 1 + offset, 2 + offset
        return (
            f'<clipPath id="clip{a}"/><pattern id="pattern-{b}"/><mask id="mask{a}"/>'
            f'<g clip-path="url(#clip{a})" fill="url(#pattern-{b})" mask="url(#mask{a})"/>'
        )

    assert _stable_svg(drawn(0)) == _stable_svg(drawn(41)) == _stable_svg(drawn(1000))
    assert _stable_svg(_stable_svg(drawn(41))) == _stable_svg(drawn(41))  # idempotent


def test_stable_svg_leaves_other_numbers_alone() -> None:
    svg = '<g clip-path="url(#clip9)"><text x="12" y="3">10 clips, 2 gradients</text></g>'
    assert _stable_svg(svg) == svg.replace("clip9", "clip1")


def test_stable_svg_does_not_rewrite_text() -> None:
    # study ids are author + year; a study by Mask (2020) is labelled "mask2020" on an axis
    chart = (
        alt.Chart(pd.DataFrame({"study": ["mask2020", "clip2019"], "n": [1, 2]}))
        .mark_bar()
        .encode(x="study:N", y="n:Q")
    )
    svg = render(chart_spec(chart), "svg").decode("utf-8")
    labels = [label for group in svg_label_groups(svg.encode("utf-8")) for label in group]
    assert "mask2020" in labels
    assert "clip2019" in labels


# --- save_chart -------------------------------------------------------------------------------


def test_save_chart_writes_each_format_in_order(tmp_path: Path) -> None:
    chart = peerlib.construct_heatmap(load_corpus(MINI))
    stem = tmp_path / "figures" / "deep" / "heatmap"  # folders are created
    paths = save_chart(chart, stem, ["pdf", "svg", "html", "png"])
    assert paths == [stem.with_name(f"heatmap.{fmt}") for fmt in ("pdf", "svg", "html", "png")]
    assert files(tmp_path) == sorted(f"figures/deep/heatmap.{f}" for f in FORMATS)
    spec = chart_spec(chart)
    assert paths[0].read_bytes().startswith(b"%PDF-")
    assert paths[1].read_bytes() == render(spec, "svg")
    assert html_spec(paths[2].read_text(encoding="utf-8")) == spec
    assert paths[3].read_bytes().startswith(PNG_SIGNATURE)


def test_save_chart_writes_every_format_by_default(tmp_path: Path, tiny: alt.Chart) -> None:
    paths = save_chart(tiny, str(tmp_path / "tiny"))
    assert [p.name for p in paths] == [f"tiny.{fmt}" for fmt in FORMATS]
    assert files(tmp_path) == sorted(f"tiny.{fmt}" for fmt in FORMATS)


def test_save_chart_keeps_dots_in_the_stem(tmp_path: Path, tiny: alt.Chart) -> None:
    (path,) = save_chart(tiny, tmp_path / "figure.v2", ["svg"])
    assert path == tmp_path / "figure.v2.svg"


def test_save_chart_replaces_an_old_file(tmp_path: Path, tiny: alt.Chart) -> None:
    (tmp_path / "tiny.svg").write_text("old", encoding="utf-8")
    (path,) = save_chart(tiny, tmp_path / "tiny", ["svg"])
    assert path.read_bytes() == render(chart_spec(tiny), "svg")
    assert files(tmp_path) == ["tiny.svg"]  # no .tiny.svg.*.tmp left behind


def test_save_chart_refuses_an_unknown_format_and_writes_nothing(
    tmp_path: Path, tiny: alt.Chart
) -> None:
    with pytest.raises(ValueError, match=r"unknown format 'jpeg'; choose from svg, png, pdf, html"):
        save_chart(tiny, tmp_path / "out" / "tiny", ["svg", "jpeg"])
    assert not (tmp_path / "out").exists()
    assert files(tmp_path) == []


def test_save_chart_writes_nothing_when_a_format_fails(
    tmp_path: Path, tiny: alt.Chart, monkeypatch: pytest.MonkeyPatch
) -> None:
    (tmp_path / "tiny.svg").write_text("old", encoding="utf-8")
    calls: list[str] = []
    real_render = peerlib.export.render

    def failing_render(spec: Spec, fmt: str) -> bytes:
        calls.append(fmt)
        if len(calls) == 2:
            raise RuntimeError("renderer crashed")
        return real_render(spec, fmt)

    monkeypatch.setattr(peerlib.export, "render", failing_render)
    with pytest.raises(RuntimeError, match="renderer crashed"):
        save_chart(tiny, tmp_path / "tiny", ["png", "svg", "html"])
    assert calls == ["png", "svg"]
    assert files(tmp_path) == ["tiny.svg"]  # no PNG, no temporary file
    assert (tmp_path / "tiny.svg").read_text(encoding="utf-8") == "old"


def test_save_chart_leaves_no_temporary_files(tmp_path: Path, tiny: alt.Chart) -> None:
    for _ in range(2):
        save_chart(tiny, tmp_path / "tiny", ["svg", "html"])
    assert list(tmp_path.glob(".*.tmp")) == []
    assert list(tmp_path.glob(".*")) == []
    assert files(tmp_path) == ["tiny.html", "tiny.svg"]


# --- the theme --------------------------------------------------------------------------------


def test_importing_peerlib_enables_no_theme() -> None:
    code = (
        "import peerlib, peerlib.charts, peerlib.export; import altair as alt; "
        "print(alt.theme.active)"
    )
    done = subprocess.run(
        [sys.executable, "-c", code],
        cwd=REPO,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout == "default\n"


def test_register_theme_twice() -> None:
    active = alt.theme.active
    assert register_theme() == "peerlib"
    assert register_theme() == "peerlib"
    assert "peerlib" in alt.theme.names()
    assert alt.theme.active == active  # registered, not enabled


@pytest.fixture
def captured(monkeypatch: pytest.MonkeyPatch) -> list[Spec]:
    """The specs :func:`save_chart` hands to the renderer."""
    seen: list[Spec] = []
    real_render = peerlib.export.render

    def capture(spec: Spec, fmt: str) -> bytes:
        seen.append(spec)
        return real_render(spec, fmt)

    monkeypatch.setattr(peerlib.export, "render", capture)
    return seen


def test_save_chart_applies_the_house_theme(
    tmp_path: Path, tiny: alt.Chart, captured: list[Spec]
) -> None:
    with alt.theme.enable("default"):
        (svg, html) = save_chart(tiny, tmp_path / "tiny", ["svg", "html"])
        assert alt.theme.active == "default"  # applied for the export only
    assert captured[0]["config"]["font"] == "Inter"
    assert captured[0]["config"]["range"]["category"][0] == "#0072B2"
    assert html_spec(html.read_text(encoding="utf-8"))["config"]["font"] == "Inter"
    assert b'font-family="Inter"' in svg.read_bytes()


def test_save_chart_with_the_active_theme(
    tmp_path: Path, tiny: alt.Chart, captured: list[Spec]
) -> None:
    with alt.theme.enable("default"):
        save_chart(tiny, tmp_path / "tiny", ["svg"], theme=None)
    assert "font" not in captured[0].get("config", {})
    with alt.theme.enable(register_theme()):
        save_chart(tiny, tmp_path / "tiny", ["svg"], theme=None)
    assert captured[1]["config"]["font"] == "Inter"
