"""The network figures of the bundled review are legible: every node label is whole (never cut
with "…") and overlaps no other label and no node, measured on the drawn SVG in a browser (the
boxes Chromium lays the text out in, not an estimate); symmetric relations have no arrowhead;
legends have no empty entries."""

from __future__ import annotations

from itertools import combinations
from pathlib import Path
from typing import Any
from xml.etree import ElementTree as ET

import pytest

import peerlib
from peerlib import load_corpus, save_chart
from peerlib.export import font_face_css

from ._browser import browser, needs_browser

# The label layer is the last text-mark group of a network chart; its nodes the last symbol group.
_MEASURE = """() => {
    const box = e => { const r = e.getBoundingClientRect();
                       return [r.left, r.top, r.right, r.bottom]; };
    const texts = Array.from(document.querySelectorAll('g.mark-text.role-mark'));
    const symbols = Array.from(document.querySelectorAll('g.mark-symbol.role-mark'));
    const labels = texts[texts.length - 1];
    const nodes = symbols[symbols.length - 1];
    return {
        labels: Array.from(labels.querySelectorAll('text')).map(t => ({
            text: t.textContent, box: box(t)})),
        nodes: Array.from(nodes.querySelectorAll('path')).map(box),
    };
}"""
_USE_FONT = """async css => {
    const style = document.createElementNS('http://www.w3.org/2000/svg', 'style');
    style.textContent = css;
    document.documentElement.insertBefore(style, document.documentElement.firstChild);
    await document.fonts.load('10px Inter');
    await document.fonts.ready;
}"""
#: Pixels two boxes may share before they count as overlapping (antialiasing, rounding).
_TOLERANCE = 0.5


def _overlap(a: list[float], b: list[float]) -> bool:
    return (
        min(a[2], b[2]) - max(a[0], b[0]) > _TOLERANCE
        and min(a[3], b[3]) - max(a[1], b[1]) > _TOLERANCE
    )


@pytest.fixture(scope="module")
def network_svgs(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    """Every network figure of the bundled review, as the build draws it."""
    folder = tmp_path_factory.mktemp("networks")
    corpus = load_corpus()
    charts: dict[str, Any] = {
        f"study-{s}": peerlib.study_network_chart(load_corpus(studies=[s]), s, seed=7)
        for s in corpus.study_ids
    }
    charts["synthesis"] = peerlib.synthesis_network_chart(corpus, seed=7)
    return {name: save_chart(chart, folder / name, ["svg"])[0] for name, chart in charts.items()}


@needs_browser
def test_no_label_is_cut_or_overlaps_a_label_or_a_node(network_svgs: dict[str, Path]) -> None:
    problems = []
    with browser() as chromium:
        page = chromium.new_page()
        for name, path in network_svgs.items():
            page.goto(path.as_uri())
            # measured in the house font, as the PNG and PDF draw it (an SVG names Inter but
            # carries no font; the machine's stand-in would be measured otherwise)
            page.evaluate(_USE_FONT, font_face_css())
            found = page.evaluate(_MEASURE)
            labels, nodes = found["labels"], found["nodes"]
            assert len(labels) == len(nodes) > 0, name
            for label in labels:
                if "…" in label["text"]:
                    problems.append(f"{name}: cut label {label['text']!r}")
                for node in nodes:
                    if _overlap(label["box"], node):
                        problems.append(f"{name}: label {label['text']!r} covers a node")
            for a, b in combinations(labels, 2):
                if _overlap(a["box"], b["box"]):
                    problems.append(f"{name}: labels {a['text']!r} and {b['text']!r} overlap")
        page.close()
    assert problems == []


def _drawn_labels(path: Path) -> list[str]:
    """The text of each label of a network SVG (its lines joined by spaces)."""
    svg = "{http://www.w3.org/2000/svg}"
    groups = [
        g
        for g in ET.parse(path).iter(f"{svg}g")
        if {"mark-text", "role-mark"} <= set(g.get("class", "").split())
    ]
    return [" ".join(" ".join(t.itertext()).split()) for t in groups[-1].iter(f"{svg}text")]


def test_every_label_is_whole(network_svgs: dict[str, Path]) -> None:
    # each concept's and construct's label, word for word (wrapped, never cut)
    corpus = load_corpus()
    for name, path in network_svgs.items():
        if name.startswith("study-"):
            concepts = corpus.concepts
            wanted = concepts[concepts["study_id"] == name.removeprefix("study-")]["label"]
        else:
            wanted = corpus.constructs["label"]
        assert sorted(_drawn_labels(path)) == sorted(" ".join(str(w).split()) for w in wanted)


def test_symmetric_relations_have_no_arrowhead() -> None:
    corpus = load_corpus(studies=["kirkegaard2022"])
    chart = peerlib.study_network_chart(corpus, "kirkegaard2022")
    lines, arrows = chart.layer[0].data, chart.layer[1].data
    assert "in_tension_with" in set(lines["type"])
    assert "in_tension_with" not in set(arrows["type"])
    assert len(arrows) == (lines["type"] != "in_tension_with").sum()


def test_legends_have_no_empty_entries() -> None:
    corpus = load_corpus()
    spec = peerlib.synthesis_network_chart(corpus).to_dict()
    sizes = [layer["encoding"].get("size") for layer in spec["layer"]]
    [size] = [s for s in sizes if s]
    assert 0 not in size["legend"]["values"]
    # the relation legend lists only the styles a study uses, each told apart by colour or dash
    study = peerlib.study_network_chart(load_corpus(studies=["austin2014"]), "austin2014")
    rule = study.layer[0].to_dict()["encoding"]
    used = set(study.layer[0].data["style"])
    assert set(rule["strokeDash"]["scale"]["domain"]) == used
    pairs = list(
        zip(
            rule["stroke"]["scale"]["range"],
            [tuple(d) for d in rule["strokeDash"]["scale"]["range"]],
            strict=True,
        )
    )
    assert len(set(pairs)) == len(pairs)
