"""The line-of-argument figure: its data by hand on the mini corpus, its spec, and a render."""

from __future__ import annotations

from pathlib import Path

import jsonschema
from altair.vegalite import load_schema

from peerlib import line_of_argument_chart, line_of_argument_points, load_corpus
from peerlib.export import chart_spec, render

STEPS = (
    "line_of_argument:\n"
    "  - id: one\n"
    '    claim: "Disclosure is selective and earns trust."\n'
    "    constructs: [disclosure, trust]\n"
    "    studies: [alpha, beta]\n"
    "  - id: two\n"
    '    claim: "Training divides the studies."\n'
    "    constructs: [mutuality]\n"
    "    studies: [beta, gamma]\n"
)


def _valid(spec: dict[str, object]) -> None:
    """The spec validates against the Vega-Lite schema Altair ships."""
    schema = load_schema()
    jsonschema.validators.validator_for(schema)(schema).validate(spec)


def _corpus(mini: Path):  # type: ignore[no-untyped-def]
    s = mini / "synthesis.yaml"
    s.write_text(s.read_text(encoding="utf-8") + STEPS, encoding="utf-8")
    return load_corpus(mini)


def test_points_by_hand(mini: Path) -> None:
    points = line_of_argument_points(_corpus(mini))
    assert points[["position", "construct", "studies", "refuted"]].values.tolist() == [
        [1, "Using lived experience", 2, False],  # alpha and beta map onto disclosure
        [1, "Trust", 1, False],  # only alpha maps onto trust
        [2, "Mutuality under professionalisation", 2, True],  # beta refutes gamma there
    ]
    assert points["step"].tolist()[0] == "1. Disclosure is selective and earns trust."
    assert points["evidence_kinds"].tolist()[2] == "2 studies of unrecorded type (1 abstract only)"


def test_long_claims_are_shortened_in_the_label_not_the_tooltip(mini: Path) -> None:
    corpus = _corpus(mini)
    s = mini / "synthesis.yaml"
    s.write_text(
        s.read_text(encoding="utf-8").replace(
            "Training divides the studies.", "Training divides the studies " + "very " * 30
        ),
        encoding="utf-8",
    )
    points = line_of_argument_points(load_corpus(mini))
    label, claim = points["step"].tolist()[-1], points["claim"].tolist()[-1]
    assert label.endswith("…")
    assert len(label) <= 73
    assert claim.startswith("Training divides the studies very very")
    assert len(line_of_argument_points(corpus)) == 3


def test_no_line_of_argument_draws_an_empty_chart(mini: Path) -> None:
    corpus = load_corpus(mini)
    assert line_of_argument_points(corpus).empty
    spec = chart_spec(line_of_argument_chart(corpus))
    _valid(spec)


def test_spec_and_render(mini: Path) -> None:
    corpus = _corpus(mini)
    spec = chart_spec(line_of_argument_chart(corpus))
    _valid(spec)
    line, dots = spec["layer"]
    assert line["mark"]["type"] == "line"
    assert dots["mark"]["type"] == "circle"
    # every construct is a column, in synthesis order, so unused ones show as gaps
    assert dots["encoding"]["x"]["scale"]["domain"] == [
        "Using lived experience",
        "Mutuality under professionalisation",
        "Trust",
    ]
    assert dots["encoding"]["y"]["sort"] == [
        "1. Disclosure is selective and earns trust.",
        "2. Training divides the studies.",
    ]
    tooltip = [t["field"] for t in dots["encoding"]["tooltip"]]
    assert tooltip == ["position", "claim", "construct", "studies", "evidence_kinds"]
    assert spec["title"]["text"] == "The line of argument, step by step"
    svg = render(spec, "svg").decode("utf-8")
    assert "Disclosure is selective" in svg
    assert render(spec, "png").startswith(b"\x89PNG")


def test_bundled_line_of_argument_renders() -> None:
    corpus = load_corpus()
    points = line_of_argument_points(corpus)
    assert points["position"].nunique() == len(corpus.argument)
    spec = chart_spec(line_of_argument_chart(corpus))
    assert b"<svg" in render(spec, "svg")
