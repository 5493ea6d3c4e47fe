"""The chart gallery: every chart function builds a valid Vega-Lite spec that says what it shows.

In the spirit of Altair's own gallery tests, every chart function runs on the bundled review, on
the hand-made mini corpus and on the mini corpus with the ``mini_extra`` overlay (a study that
speaks to no construct, a concept in no theme). Each spec, with the house theme as exported, must
validate against the Vega-Lite schema, survive a JSON round trip, encode the fields the chart
promises and inline the rows the corpus implies. A synthetic review of 50 studies checks that the
charts grow with a review instead of hitting Altair's row limit or crushing their labels.

Rendering and determinism of the files are tested in ``test_export.py``, which reuses
:func:`gallery` and :func:`svg_label_groups` from here.
"""

from __future__ import annotations

import json
import re
import shutil
import xml.etree.ElementTree as ET
from pathlib import Path
from typing import Any

import altair as alt
import jsonschema
import pytest
import yaml
from altair.vegalite import load_schema

import peerlib.charts as charts_module
from peerlib import (
    Corpus,
    UnknownIdError,
    centrality_chart,
    construct_evidence_chart,
    construct_heatmap,
    evidence_density_chart,
    load_corpus,
    similarity_chart,
    source_caption,
    study_network_chart,
    synthesis_network_chart,
)
from peerlib.chart_data import OPPOSING
from peerlib.charts import HEATMAP_STUDIES
from peerlib.export import chart_spec, render
from peerlib.models import CONCEPT_KINDS

from .conftest import MINI, overlay_corpus

Spec = dict[str, Any]

SVG = "{http://www.w3.org/2000/svg}"

#: The chart function behind each kind of the gallery.
KINDS = {
    "study_network": study_network_chart,
    "synthesis_network": synthesis_network_chart,
    "construct_heatmap": construct_heatmap,
    "similarity": similarity_chart,
    "centrality": centrality_chart,
    "evidence_density": evidence_density_chart,
    "construct_evidence": construct_evidence_chart,
}


def gallery(corpus: Corpus) -> dict[str, alt.TopLevelMixin]:
    """Every chart peerlib draws of ``corpus``, named ``kind`` or ``kind/argument``.

    One study network per study and one evidence chart per construct; the similarity and
    centrality charts with each of their measures.
    """
    out: dict[str, alt.TopLevelMixin] = {
        f"study_network/{sid}": study_network_chart(corpus, sid) for sid in corpus.study_ids
    }
    out["synthesis_network"] = synthesis_network_chart(corpus)
    out["construct_heatmap"] = construct_heatmap(corpus)
    out["similarity"] = similarity_chart(corpus)
    out["similarity/overlap"] = similarity_chart(corpus, "overlap")
    out["centrality"] = centrality_chart(corpus)
    out["centrality/degree_centrality"] = centrality_chart(corpus, "degree_centrality")
    out["evidence_density"] = evidence_density_chart(corpus)
    for cid in corpus.construct_ids:
        out[f"construct_evidence/{cid}"] = construct_evidence_chart(corpus, cid)
    return out


def kind(name: str) -> str:
    return name.split("/")[0]


# --- reading specs and SVGs ---------------------------------------------------------------


def layers(spec: Spec) -> list[Spec]:
    return list(spec["layer"]) if "layer" in spec else [spec]


def rows(spec: Spec, layer: Spec) -> list[dict[str, Any]]:
    """The rows inlined for ``layer`` (its own data, else the top level's)."""
    data = layer.get("data") or spec["data"]
    return list(spec["datasets"][data["name"]])


def mark(layer: Spec) -> str:
    return layer["mark"] if isinstance(layer["mark"], str) else layer["mark"]["type"]


def field(channel: Spec) -> str:
    """The field a channel encodes, also when it sits in a condition."""
    return str(channel["field"] if "field" in channel else channel["condition"]["field"])


def tooltip_fields(layer: Spec) -> list[str]:
    return [t["field"] for t in layer["encoding"]["tooltip"]]


def is_step(size: Any) -> bool:
    return isinstance(size, dict) and isinstance(size.get("step"), int | float)


def svg_label_groups(svg: bytes) -> list[list[str]]:
    """The labels of each axis and of each legend of a rendered chart, in drawing order."""
    groups: dict[tuple[str, int], list[str]] = {}

    def walk(element: ET.Element, legend: int) -> None:
        classes = element.get("class", "").split()
        if "role-legend" in classes:
            legend = id(element)
        if "role-axis-label" in classes:
            groups[("axis", id(element))] = [
                "".join(t.itertext()) for t in element.iter(f"{SVG}text")
            ]
            return
        if "role-legend-label" in classes:
            groups.setdefault(("legend", legend), []).extend(
                "".join(t.itertext()) for t in element.iter(f"{SVG}text")
            )
            return
        for child in element:
            walk(child, legend)

    walk(ET.fromstring(svg), 0)
    return list(groups.values())


# --- corpora ------------------------------------------------------------------------------


#: Coverage of the synthetic studies: s01-s30 full text, s31-s45 results only, s46-s50 abstract.
SYNTHETIC_CAPTION = "Sources: 50 studies (30 full text, 15 results only, 5 abstract only)."


def write_synthetic_review(root: Path, n: int = 50) -> list[str]:
    """A review of ``n`` copies of the mini study ``alpha``, ids ``s01``, ``s02``, ...

    Three constructs: ``disclosure`` (alpha's disclosure and boundary) in s01-s48, with s01 and
    s02 agreeing and s03 refuting s04 on excerpts of both; ``trust`` in s01-s25; ``actors`` (the
    peer worker) in s21-s48. s49 and s50 speak to no construct.
    """
    text = (MINI / "studies" / "alpha.yaml").read_text(encoding="utf-8")
    assert re.search(r"^id: alpha$", text, re.M)
    assert "coverage: full_text" in text
    (root / "studies").mkdir(parents=True)
    ids = [f"s{i:02d}" for i in range(1, n + 1)]
    for i, sid in enumerate(ids, 1):
        coverage = "full_text" if i <= 30 else "results_only" if i <= 45 else "abstract_only"
        study = re.sub(r"^id: alpha$", f"id: {sid}", text, flags=re.M)
        study = study.replace("coverage: full_text", f"coverage: {coverage}")
        (root / "studies" / f"{sid}.yaml").write_text(study, encoding="utf-8")
    synthesis = {
        "constructs": [
            {
                "id": "disclosure",
                "label": "Using lived experience",
                "description": "Sharing one's own story as part of the work.",
                "concepts": {sid: ["disclosure", "boundary"] for sid in ids[:48]},
                "relations": [
                    {"studies": ["s01", "s02"], "type": "agree", "rationale": "Both."},
                    {
                        "studies": ["s03", "s04"],
                        "type": "refute",
                        "rationale": "s04 finds the limits matter more.",
                        "evidence": ["s03/e1", "s04/e3"],
                    },
                ],
            },
            {
                "id": "trust",
                "label": "Trust",
                "description": "Users' trust as an outcome.",
                "concepts": {sid: ["trust"] for sid in ids[:25]},
            },
            {
                "id": "actors",
                "label": "Peer workers",
                "description": "Who does the work.",
                "concepts": {sid: ["peer_worker"] for sid in ids[20:48]},
            },
        ]
    }
    (root / "synthesis.yaml").write_text(
        yaml.safe_dump(synthesis, sort_keys=False, allow_unicode=True), encoding="utf-8"
    )
    return ids


def write_many_themes(root: Path, themes: int) -> Path:
    """The mini corpus, with alpha given ``themes`` themes, each the only theme of a concept."""
    shutil.copytree(MINI, root)
    path = root / "studies" / "alpha.yaml"
    doc = yaml.safe_load(path.read_text(encoding="utf-8"))
    for i in range(len(doc["concepts"]), themes):
        doc["concepts"].append(
            {
                "id": f"extra{i}",
                "label": f"Extra {i}",
                "kind": "context",
                "definition": "A fixture.",
            }
        )
    doc["themes"] = [
        {"id": f"t{i}", "name": f"Theme {i}", "summary": "A fixture.", "concepts": [c["id"]]}
        for i, c in enumerate(doc["concepts"][:themes])
    ]
    path.write_text(yaml.safe_dump(doc, sort_keys=False, allow_unicode=True), encoding="utf-8")
    return root


@pytest.fixture(scope="module")
def bundled() -> Corpus:
    return load_corpus()


@pytest.fixture(scope="module")
def mini_corpus() -> Corpus:
    return load_corpus(MINI)


@pytest.fixture(scope="module")
def mini_extra_corpus(tmp_path_factory: pytest.TempPathFactory) -> Corpus:
    return load_corpus(overlay_corpus(tmp_path_factory.mktemp("extra") / "mini"))


@pytest.fixture(
    scope="module",
    params=["bundled", "mini_corpus", "mini_extra_corpus"],
    ids=["bundled", "mini", "mini_extra"],
)
def corpus(request: pytest.FixtureRequest) -> Corpus:
    return request.getfixturevalue(request.param)  # type: ignore[no-any-return]


@pytest.fixture(scope="module")
def specs(corpus: Corpus) -> dict[str, tuple[alt.TopLevelMixin, Spec]]:
    """Each gallery chart of ``corpus`` with its spec, as :func:`save_chart` would export it."""
    return {name: (chart, chart_spec(chart)) for name, chart in gallery(corpus).items()}


@pytest.fixture(scope="module")
def big(tmp_path_factory: pytest.TempPathFactory) -> Corpus:
    root = tmp_path_factory.mktemp("big") / "review"
    write_synthetic_review(root)
    # jobs=1: no forked workers in a process that may already run vl-convert's threads
    return load_corpus(root, jobs=1)


@pytest.fixture(scope="module")
def big_specs(big: Corpus) -> dict[str, Spec]:
    """One chart of each kind of the 50-study review, built under Altair's default row limit."""
    built = {
        "study_network": study_network_chart(big, "s50"),
        "synthesis_network": synthesis_network_chart(big),
        "construct_heatmap": construct_heatmap(big),
        "similarity": similarity_chart(big),
        "centrality": centrality_chart(big),
        "evidence_density": evidence_density_chart(big),
        "construct_evidence": construct_evidence_chart(big, "disclosure"),
    }
    with alt.data_transformers.enable("default"):  # raises MaxRowsError over 5000 rows
        return {name: chart_spec(chart) for name, chart in built.items()}


# --- every chart: valid, JSON, titled -----------------------------------------------------


def test_gallery_covers_every_chart_function() -> None:
    drawn = {
        getattr(charts_module, name) for name in charts_module.__all__ if name != "source_caption"
    }
    assert set(KINDS.values()) == drawn


def test_gallery_has_every_study_and_construct(
    corpus: Corpus, specs: dict[str, tuple[alt.TopLevelMixin, Spec]]
) -> None:
    names = list(specs)
    assert {kind(n) for n in names} == set(KINDS)
    assert [n.split("/")[1] for n in names if kind(n) == "study_network"] == corpus.study_ids
    assert [
        n.split("/")[1] for n in names if kind(n) == "construct_evidence"
    ] == corpus.construct_ids


def test_specs_validate_against_the_vega_lite_schema(
    specs: dict[str, tuple[alt.TopLevelMixin, Spec]],
) -> None:
    schema = load_schema()
    validator = jsonschema.validators.validator_for(schema)(schema)
    for name, (chart, spec) in specs.items():
        assert spec["$schema"] == alt.SCHEMA_URL, name
        errors = [e.message for e in validator.iter_errors(spec)]
        assert errors == [], name
        # and Altair's own validation, without the theme
        assert chart.to_dict(validate=True)["$schema"] == alt.SCHEMA_URL, name


def test_specs_round_trip_through_json(
    specs: dict[str, tuple[alt.TopLevelMixin, Spec]],
) -> None:
    for name, (_, spec) in specs.items():
        # allow_nan=False: an undefined similarity must be inlined as null, not NaN
        assert json.loads(json.dumps(spec, allow_nan=False)) == spec, name


def test_specs_carry_the_house_theme(specs: dict[str, tuple[alt.TopLevelMixin, Spec]]) -> None:
    for name, (_, spec) in specs.items():
        assert spec["config"]["font"] == "Inter", name
        assert spec["config"]["title"]["font"] == "Inter", name


def test_every_chart_has_a_title_and_a_source_line(
    specs: dict[str, tuple[alt.TopLevelMixin, Spec]],
) -> None:
    for name, (_, spec) in specs.items():
        title = spec["title"]
        assert isinstance(title["text"], str), name
        assert title["text"].strip(), name
        assert isinstance(title["subtitle"], list), name
        assert len(title["subtitle"]) >= 2, name
        assert all(isinstance(line, str) and line.strip() for line in title["subtitle"]), name
        assert title["subtitle"][-1].startswith("Source"), name
        assert title["subtitle"][-1].endswith(". Coded with peerlib."), name


def test_every_chart_inlines_its_data(specs: dict[str, tuple[alt.TopLevelMixin, Spec]]) -> None:
    """Every layer reads a named inline dataset (no URL, no file) and every dataset is used."""
    for name, (_, spec) in specs.items():
        sources = [layer.get("data") or spec["data"] for layer in layers(spec)]
        assert all(set(source) == {"name"} for source in sources), name
        assert {source["name"] for source in sources} == set(spec["datasets"]), name
        assert all(isinstance(v, list) for v in spec["datasets"].values()), name


# --- each chart: the fields it claims and the rows it should have ---------------------------


def test_study_network_encodings_and_rows(corpus: Corpus) -> None:
    for sid in corpus.study_ids:
        spec = chart_spec(study_network_chart(corpus, sid))
        rule, arrow, node, leaders, label = layers(spec)
        assert [mark(x) for x in (rule, arrow, node, leaders, label)] == [
            "rule",
            "point",
            "point",
            "rule",
            "text",
        ]
        enc = node["encoding"]
        assert field(enc["fill"]) == "kind"
        assert enc["fill"]["scale"]["domain"] == list(CONCEPT_KINDS)
        assert field(enc["shape"]) == "theme"
        assert field(enc["size"]) == "degree"
        assert {"definition", "excerpts", "label", "kind"} <= set(tooltip_fields(node))
        # five styles for eight types (colour: supports or pulls against), only those used
        assert field(rule["encoding"]["strokeDash"]) == "style"
        assert field(rule["encoding"]["stroke"]) == "style"
        used = rule["encoding"]["strokeDash"]["scale"]["domain"]
        assert used == rule["encoding"]["stroke"]["scale"]["domain"]
        assert set(tooltip_fields(rule)) == {"relation", "evidence"}
        assert field(arrow["encoding"]["angle"]) == "angle"
        assert field(label["encoding"]["text"]) == "text"

        concepts = corpus.concepts[corpus.concepts["study_id"] == sid]
        relations = corpus.relations[corpus.relations["study_id"] == sid]
        nodes = rows(spec, node)
        assert sorted(r["concept_id"] for r in nodes) == sorted(concepts["concept_id"])
        # every label whole, wrapped at spaces, in the nodes' order
        drawn = [" ".join(r["text"].split()) for r in rows(spec, label)]
        assert drawn == [" ".join(str(r["label"]).split()) for r in nodes]
        shapes = enc["shape"]["scale"]["domain"]
        assert {r["theme"] for r in nodes} <= set(shapes)
        assert all(-1 <= r["x"] <= 1 and -1 <= r["y"] <= 1 for r in nodes)
        lines = rows(spec, rule)
        assert len(lines) == len(relations)
        assert sorted(r["type"] for r in lines) == sorted(relations["type"])
        assert {r["style"] for r in lines} == set(used)
        for line in lines:
            assert line["polarity"] == ("pulls against" if line["type"] in OPPOSING else "supports")
            assert line["evidence"]
        heads = rows(spec, arrow)
        # symmetric relations (in tension with) have no arrowhead
        assert len(heads) == sum(r["type"] != "in_tension_with" for r in lines)
        assert "in_tension_with" not in {r["type"] for r in heads}
        assert all(0 <= r["angle"] < 360 for r in heads)
        assert spec["title"]["text"].endswith(
            f"{len(concepts)} concepts joined by {len(relations)} relations"
        )
        assert spec["width"] == spec["height"] == 640


def test_study_network_of_alpha_by_hand(mini_corpus: Corpus) -> None:
    spec = chart_spec(study_network_chart(mini_corpus, "alpha"))
    _, _, node, _, _ = layers(spec)
    nodes = {r["concept_id"]: r for r in rows(spec, node)}
    assert list(nodes) == ["peer_worker", "disclosure", "trust", "boundary"]
    disclosure = nodes["disclosure"]
    assert disclosure["kind"] == "practice"
    assert disclosure["theme"] == "Sharing my story"  # its first theme decides the shape
    assert disclosure["themes"] == "Sharing my story; Knowing the limits"
    assert disclosure["definition"] == "Telling one's own story."
    assert disclosure["degree"] == 3
    assert [e.split(":")[0] for e in disclosure["excerpts"].split(" · ")] == ["e1", "e2", "e3"]
    assert "“Some things I keep to myself.”" in disclosure["excerpts"]
    assert node["encoding"]["shape"]["scale"] == {
        "domain": ["Sharing my story", "Knowing the limits"],
        "range": ["circle", "square"],
    }
    lines = {(r["source"], r["target"]): r for r in rows(spec, layers(spec)[0])}
    assert lines["boundary", "disclosure"]["polarity"] == "pulls against"
    assert lines["boundary", "disclosure"]["relation"] == "Boundary constrains Self-disclosure"
    assert lines["disclosure", "trust"]["evidence"].startswith("e1: “I tell them")
    assert spec["title"] == {
        "text": "Alpha & Beta (2020): 4 concepts joined by 3 relations",
        "subtitle": [
            "Colour: concept kind. Shape: theme. Line style: relation type; vermillion lines "
            "pull against their target; arrowheads point at the target.",
            "Source: alpha (full text). Coded with peerlib.",
        ],
    }


def test_study_network_with_a_concept_in_no_theme(mini_extra_corpus: Corpus) -> None:
    spec = chart_spec(study_network_chart(mini_extra_corpus, "delta"))
    _, _, node, _, _ = layers(spec)
    nodes = {r["concept_id"]: r for r in rows(spec, node)}
    assert set(nodes) == {"listen", "care", "hub", "rota", "lonely"}
    assert nodes["hub"]["theme"] == "(no theme)"
    assert nodes["lonely"]["degree"] == 0
    assert nodes["lonely"]["excerpts"] == ""  # no relation cites anything for it
    shape = node["encoding"]["shape"]["scale"]
    assert shape["domain"] == ["Caring & sharing", "Listening", "Work at 100%", "(no theme)"]
    assert len(set(shape["range"])) == len(shape["domain"])


def test_study_network_gives_each_of_eight_themes_its_own_shape(tmp_path: Path) -> None:
    corpus = load_corpus(write_many_themes(tmp_path / "mini", themes=8))
    spec = chart_spec(study_network_chart(corpus, "alpha"))
    _, _, node, _, _ = layers(spec)
    assert len({r["theme"] for r in rows(spec, node)}) == 8  # eight themes are drawn
    shape = node["encoding"]["shape"]["scale"]
    assert len(shape["domain"]) == 8
    assert len(shape["range"]) == 8
    assert len(set(shape["range"])) == 8


def test_construct_heatmap_encodings_and_rows(corpus: Corpus) -> None:
    spec = chart_spec(construct_heatmap(corpus))
    rect, text = layers(spec)
    assert [mark(rect), mark(text)] == ["rect", "text"]
    for layer in (rect, text):
        assert field(layer["encoding"]["x"]) == "study_id"
        assert layer["encoding"]["x"]["sort"] == corpus.study_ids
        assert field(layer["encoding"]["y"]) == "construct"
    assert field(rect["encoding"]["color"]) == "evidence"
    assert rect["encoding"]["color"]["condition"]["test"] == "datum.present"
    assert field(text["encoding"]["text"]) == "evidence_text"
    data = rows(spec, rect)
    assert len(data) == len(corpus.construct_ids) * len(corpus.study_ids)
    assert sorted((r["construct_id"], r["study_id"]) for r in data) == sorted(
        (c, s) for c in corpus.construct_ids for s in corpus.study_ids
    )
    labels = dict(zip(corpus.constructs["construct_id"], corpus.constructs["label"], strict=True))
    assert all(r["construct"] == labels[r["construct_id"]] for r in data)
    assert rect["encoding"]["y"]["sort"] == [labels[c] for c in corpus.construct_ids]
    for r in data:
        assert r["evidence_text"] == (str(r["evidence"]) if r["present"] else "")
    assert is_step(spec["width"])
    assert is_step(spec["height"])


def test_construct_heatmap_of_mini_by_hand(mini_corpus: Corpus) -> None:
    spec = chart_spec(construct_heatmap(mini_corpus))
    cells = {(r["construct_id"], r["study_id"]): r for r in rows(spec, layers(spec)[0])}
    # alpha's relations on disclosure and boundary cite e1, e1 e2 and e3
    assert cells["disclosure", "alpha"]["evidence"] == 3
    assert cells["disclosure", "alpha"]["concepts"] == 2
    assert cells["mutuality", "alpha"]["present"] is False
    assert cells["mutuality", "alpha"]["evidence_text"] == ""
    assert cells["mutuality", "gamma"]["evidence"] == 1


def test_similarity_chart_encodings_and_rows(corpus: Corpus) -> None:
    n = len(corpus.study_ids)
    for measure in ("jaccard", "overlap"):
        spec = chart_spec(similarity_chart(corpus, measure))
        rect, text = layers(spec)
        assert field(rect["encoding"]["color"]) == measure
        assert rect["encoding"]["color"]["scale"]["domain"] == [0, 1]
        assert field(rect["encoding"]["x"]) == "study_a"
        assert field(rect["encoding"]["y"]) == "study_b"
        assert rect["encoding"]["x"]["sort"] == corpus.study_ids
        assert {"jaccard", "overlap", "shared"} <= set(tooltip_fields(rect))
        assert field(text["encoding"]["text"]) == "value_text"
        data = rows(spec, rect)
        assert len(data) == n * n
        assert sorted((r["study_a"], r["study_b"]) for r in data) == sorted(
            (a, b) for a in corpus.study_ids for b in corpus.study_ids
        )
        for r in data:
            value = r[measure]
            assert value is None or 0 <= value <= 1
            assert r["value_text"] == ("" if value is None else f"{value:.2f}")
        assert is_step(spec["width"])
        assert is_step(spec["height"])


def test_similarity_of_a_study_without_constructs_is_null(mini_extra_corpus: Corpus) -> None:
    spec = chart_spec(similarity_chart(mini_extra_corpus))
    cells = {(r["study_a"], r["study_b"]): r for r in rows(spec, layers(spec)[0])}
    # alpha speaks to no construct in the mini_extra synthesis
    assert cells["alpha", "alpha"]["jaccard"] is None
    assert cells["alpha", "alpha"]["value_text"] == ""
    assert cells["alpha", "beta"]["jaccard"] == 0.0
    assert cells["beta", "beta"]["jaccard"] == 1.0


def test_centrality_chart_encodings_and_rows(corpus: Corpus) -> None:
    for measure in ("betweenness", "degree_centrality"):
        spec = chart_spec(centrality_chart(corpus, measure))
        dots, names = layers(spec)
        assert [mark(dots), mark(names)] == ["circle", "text"]
        assert field(dots["encoding"]["x"]) == measure
        assert field(names["encoding"]["x"]) == measure
        assert field(dots["encoding"]["y"]) == "study_id"
        assert dots["encoding"]["y"]["sort"] == corpus.study_ids
        assert field(dots["encoding"]["color"]) == "kind"
        assert field(dots["encoding"]["size"]) == "degree"
        assert {"betweenness", "degree_centrality", "label"} <= set(tooltip_fields(dots))
        data = rows(spec, dots)
        assert len(data) == len(corpus.concepts)
        top = rows(spec, names)
        assert [r["study_id"] for r in top] == corpus.study_ids
        for r in top:  # the named concept is the most central one of its study
            best = max(d[measure] for d in data if d["study_id"] == r["study_id"])
            assert r[measure] == best
        assert is_step(spec["height"])


def test_evidence_density_chart_encodings_and_rows(corpus: Corpus) -> None:
    spec = chart_spec(evidence_density_chart(corpus))
    (bar,) = layers(spec)
    assert mark(bar) == "bar"
    assert field(bar["encoding"]["x"]) == "excerpts"
    assert field(bar["encoding"]["y"]) == "row"
    assert field(bar["encoding"]["color"]) == "coverage"
    data = rows(spec, bar)
    assert len(data) == len(corpus.themes)
    assert bar["encoding"]["y"]["sort"] == [r["row"] for r in data]
    assert len({r["row"] for r in data}) == len(data)
    assert {r["coverage"] for r in data} <= {"full text", "results only", "abstract only"}
    assert is_step(spec["height"])


def test_synthesis_network_encodings_and_rows(corpus: Corpus) -> None:
    spec = chart_spec(synthesis_network_chart(corpus))
    rule, arrow, node, leaders, label = layers(spec)
    assert [mark(x) for x in (rule, arrow, node, leaders, label)] == [
        "rule",
        "point",
        "point",
        "rule",
        "text",
    ]
    assert field(node["encoding"]["size"]) == "n_studies"
    assert field(node["encoding"]["fill"]) == "status"
    assert field(rule["encoding"]["strokeWidth"]) == "relations"
    assert field(label["encoding"]["text"]) == "text"
    assert 0 not in node["encoding"]["size"]["legend"]["values"]  # no empty legend entry
    assert {"studies", "refutations", "n_studies"} <= set(tooltip_fields(node))
    nodes = rows(spec, node)
    assert [r["construct_id"] for r in nodes] == corpus.construct_ids
    refuted = set(
        corpus.study_relations.loc[corpus.study_relations["type"] == "refute"]["construct_id"]
    )
    for r in nodes:
        assert r["status"] == ("contested" if r["construct_id"] in refuted else "not contested")
    assert spec["title"]["text"] == (
        f"{len(nodes)} cross-study constructs; studies disagree on {len(refuted)}"
    )


def test_synthesis_network_of_mini_by_hand(mini_corpus: Corpus) -> None:
    spec = chart_spec(synthesis_network_chart(mini_corpus))
    rule, _, node, _, _ = layers(spec)
    nodes = {r["construct_id"]: r for r in rows(spec, node)}
    assert nodes["mutuality"]["n_studies"] == 2
    assert nodes["mutuality"]["refutations"] == "beta vs gamma"
    assert nodes["trust"]["study_specific"] == "yes"
    assert nodes["disclosure"]["refutations"] == "none"
    links = {(r["source"], r["target"]): r for r in rows(spec, rule)}
    assert set(links) == {
        ("disclosure", "trust"),
        ("mutuality", "disclosure"),
        ("trust", "disclosure"),
    }
    assert links["mutuality", "disclosure"]["polarity"] == "pulls against"


def test_construct_evidence_chart_encodings_and_rows(corpus: Corpus) -> None:
    for cid in corpus.construct_ids:
        spec = chart_spec(construct_evidence_chart(corpus, cid))
        (bar,) = layers(spec)
        assert mark(bar) == "bar"
        assert field(bar["encoding"]["x"]) == "evidence"
        assert field(bar["encoding"]["y"]) == "study_id"
        assert field(bar["encoding"]["color"]) == "coverage"
        assert {"excerpt", "relation", "concepts_text"} <= set(tooltip_fields(bar))
        studies = corpus.alignment.loc[corpus.alignment["construct_id"] == cid, "study_id"]
        data = rows(spec, bar)
        assert sorted(r["study_id"] for r in data) == sorted(set(studies))
        assert all(r["construct_id"] == cid for r in data)
        assert is_step(spec["height"])
        # the caption names exactly the construct's studies, each with its coverage in words
        coverage = dict(zip(corpus.studies["study_id"], corpus.studies["coverage"], strict=True))
        named = [f"{s} ({str(coverage[s]).replace('_', ' ')})" for s in corpus.study_ids]
        caption = spec["title"]["subtitle"][-1]
        for sid, words in zip(corpus.study_ids, named, strict=True):
            assert (words in caption) == (sid in set(studies)), (cid, sid)
        assert caption.startswith("Source: " if studies.nunique() == 1 else "Sources: ")


def test_construct_evidence_of_mini_by_hand(mini_corpus: Corpus) -> None:
    spec = chart_spec(construct_evidence_chart(mini_corpus, "mutuality"))
    data = {r["study_id"]: r for r in rows(spec, layers(spec)[0])}
    assert list(data) == ["beta", "gamma"]
    assert data["beta"]["relation"] == "refutational (vs gamma)"
    assert data["gamma"]["coverage"] == "abstract only"
    assert (
        spec["title"]["text"]
        == "Evidence for “Mutuality under professionalisation”, study by study"
    )
    assert spec["title"]["subtitle"][-1] == (
        "Sources: beta (full text), gamma (abstract only). Coded with peerlib."
    )


# --- captions, bad arguments ----------------------------------------------------------------


def test_source_caption_lists_few_studies(mini_corpus: Corpus) -> None:
    assert source_caption(mini_corpus, ["gamma"]) == (
        "Source: gamma (abstract only). Coded with peerlib."
    )
    assert source_caption(mini_corpus) == (
        "Sources: alpha (full text), beta (full text), gamma (abstract only). Coded with peerlib."
    )


def test_source_caption_summarises_many_studies(big: Corpus) -> None:
    eight = source_caption(big, big.study_ids[:8])
    assert eight.startswith("Sources: s01 (full text), s02 (full text), ")
    assert source_caption(big, big.study_ids[:9]) == (
        "Sources: 9 studies (9 full text). Coded with peerlib."
    )
    assert source_caption(big) == f"{SYNTHETIC_CAPTION} Coded with peerlib."
    assert source_caption(big, big.study_ids[40:]) == (
        "Sources: 10 studies (5 results only, 5 abstract only). Coded with peerlib."
    )


def test_unknown_study_lists_the_valid_ids(mini_corpus: Corpus) -> None:
    with pytest.raises(
        UnknownIdError, match=r"^unknown study 'omega'; valid ids: alpha, beta, gamma$"
    ):
        study_network_chart(mini_corpus, "omega")


def test_unknown_construct_lists_the_valid_ids(mini_corpus: Corpus) -> None:
    with pytest.raises(
        UnknownIdError,
        match=r"^unknown construct 'omega'; valid ids: disclosure, mutuality, trust$",
    ):
        construct_evidence_chart(mini_corpus, "omega")


def test_unknown_id_error_is_a_value_error(bundled: Corpus) -> None:
    with pytest.raises(ValueError, match=re.escape(", ".join(bundled.construct_ids))):
        construct_evidence_chart(bundled, "alpha")
    with pytest.raises(ValueError, match=re.escape(", ".join(bundled.study_ids))):
        study_network_chart(bundled, "alpha")


def test_unknown_measures_are_refused(mini_corpus: Corpus) -> None:
    with pytest.raises(ValueError, match="measure must be 'jaccard' or 'overlap', not 'cosine'"):
        similarity_chart(mini_corpus, "cosine")
    with pytest.raises(ValueError, match="not 'closeness'"):
        centrality_chart(mini_corpus, "closeness")


# --- a larger review -------------------------------------------------------------------------


def test_big_review_row_counts(big: Corpus, big_specs: dict[str, Spec]) -> None:
    def data(name: str, layer: int = 0) -> list[dict[str, Any]]:
        spec = big_specs[name]
        return rows(spec, layers(spec)[layer])

    assert len(big.study_ids) == 50
    # a page of 25 studies: s21-s25 speak to all three constructs, s01-s20 to two with more
    # excerpts than s26-s48
    heatmap = data("construct_heatmap")
    assert len(heatmap) == 3 * HEATMAP_STUDIES
    assert {r["study_id"] for r in heatmap} == {f"s{i:02d}" for i in range(1, 26)}
    assert len(data("similarity")) == 50 * 50 == 2500  # an unlabelled matrix
    # past 25 studies, a histogram of the 4 * 50 concepts' centrality
    assert sum(r["concepts"] for r in data("centrality")) == 4 * 50
    assert len(data("evidence_density")) == 2 * 50  # two themes each: still a bar per theme
    # the 40 of 48 studies with the most excerpts (all have 3: file order)
    assert [r["study_id"] for r in data("construct_evidence")] == [
        f"s{i:02d}" for i in range(1, 41)
    ]
    assert len(data("study_network", 2)) == 4
    nodes = {r["construct_id"]: r for r in data("synthesis_network", 2)}
    assert nodes["disclosure"]["n_studies"] == 48
    assert nodes["disclosure"]["refutations"] == "s03 vs s04"
    assert nodes["disclosure"]["studies"] == ("s01, s02, s03, s04, s05, s06, s07, s08 and 40 more")
    assert nodes["trust"]["n_studies"] == 25
    sim = {(r["study_a"], r["study_b"]): r for r in data("similarity")}
    assert sim["s49", "s50"]["jaccard"] is None  # neither speaks to a construct
    # s01: disclosure, trust; s21: all three; s48: disclosure, actors
    assert sim["s01", "s48"]["jaccard"] == pytest.approx(1 / 3)
    assert sim["s21", "s48"]["jaccard"] == pytest.approx(2 / 3)


def test_big_review_specs_are_valid_json(big_specs: dict[str, Spec]) -> None:
    schema = load_schema()
    validator = jsonschema.validators.validator_for(schema)(schema)
    for name, spec in big_specs.items():
        assert json.loads(json.dumps(spec, allow_nan=False)) == spec, name
        assert [e.message for e in validator.iter_errors(spec)] == [], name


def test_big_review_band_charts_grow_per_item(big_specs: dict[str, Spec]) -> None:
    for name in ("construct_heatmap", "similarity"):
        assert is_step(big_specs[name]["width"]), name
        assert is_step(big_specs[name]["height"]), name
    for name in ("evidence_density", "construct_evidence"):
        assert is_step(big_specs[name]["height"]), name
    assert big_specs["centrality"]["height"] == 300  # a histogram: its size does not grow


def test_big_review_captions_say_what_they_leave_out(big_specs: dict[str, Spec]) -> None:
    captions = {name: spec["title"]["subtitle"] for name, spec in big_specs.items()}
    assert captions["study_network"][-1] == "Source: s50 (abstract only). Coded with peerlib."
    # the sources of a page or a selection are the studies drawn
    assert captions["construct_heatmap"][-1] == (
        "Sources: 25 studies (25 full text). Coded with peerlib."
    )
    assert captions["construct_heatmap"][-2] == (
        "Page 1 of 2: studies 1-25 of 50, those that speak to the most constructs first "
        "(page= for the others); construct_matrix() has every cell."
    )
    assert captions["construct_evidence"][-1] == (
        "Sources: 40 studies (30 full text, 10 results only). Coded with peerlib."
    )
    assert captions["construct_evidence"][-2].startswith(
        "Left out: 8 studies with fewer excerpts, of 48 that speak to the construct"
    )
    assert captions["similarity"][-2].startswith("Past 20 studies the values are not written")
    assert captions["centrality"][-2].startswith("Past 25 studies one row of dots per study")
    for name in ("synthesis_network", "similarity", "centrality", "evidence_density"):
        assert captions[name][-1] == f"{SYNTHETIC_CAPTION} Coded with peerlib.", name
    for name in ("synthesis_network", "evidence_density"):  # nothing left out
        assert not any("Left out" in line or "Past" in line for line in captions[name]), name
    assert all("s17" not in lines[-1] for lines in captions.values())


def test_similarity_of_80_studies_stays_under_the_row_limit(tmp_path: Path) -> None:
    write_synthetic_review(tmp_path / "review", n=80)
    corpus = load_corpus(tmp_path / "review", jobs=1)
    with alt.data_transformers.enable("default"):
        spec = chart_spec(similarity_chart(corpus))
    # past 70 studies: each study's most similar studies, a page at a time
    assert spec["title"]["text"] == "Each study's 5 most similar studies (Jaccard index)"
    cells = rows(spec, layers(spec)[0])
    assert sorted({r["study_id"] for r in cells}) == [f"s{i:02d}" for i in range(1, 41)]
    assert all(r["study_id"] != r["neighbour"] for r in cells)
    second = chart_spec(similarity_chart(corpus, page=2))
    # s49-s80 speak to no construct: no study shares one with them
    assert {r["study_id"] for r in rows(second, layers(second)[0])} == {
        f"s{i:02d}" for i in range(41, 49)
    }
    with pytest.raises(ValueError, match="page must be between 1 and 2, not 3"):
        similarity_chart(corpus, page=3)


def test_big_review_heatmap_and_similarity_render(big_specs: dict[str, Spec]) -> None:
    for name, (columns, bands) in {"construct_heatmap": (25, 3), "similarity": (50, 50)}.items():
        spec = big_specs[name]
        svg = render(spec, "svg")
        root = ET.fromstring(svg)
        assert root.tag == f"{SVG}svg"
        # one band per item: the chart grows instead of squeezing 50 labels into a default size
        assert float(root.get("width", 0)) >= columns * spec["width"]["step"], name
        assert float(root.get("height", 0)) >= bands * spec["height"]["step"], name
        drawn = [f"s{i:02d}" for i in range(1, 1 + columns)]
        assert any(sorted(group) == drawn for group in svg_label_groups(svg)), name


# --- rendered labels ------------------------------------------------------------------------


def test_construct_evidence_axis_labels_are_distinct(mini_corpus: Corpus) -> None:
    spec = chart_spec(construct_evidence_chart(mini_corpus, "mutuality"))  # at most 2 excerpts
    for labels in svg_label_groups(render(spec, "svg")):
        assert len(labels) == len(set(labels)), labels


def test_synthesis_network_legend_labels_are_distinct(mini_corpus: Corpus) -> None:
    spec = chart_spec(synthesis_network_chart(mini_corpus))  # at most 2 studies a construct
    for labels in svg_label_groups(render(spec, "svg")):
        assert len(labels) == len(set(labels)), labels
