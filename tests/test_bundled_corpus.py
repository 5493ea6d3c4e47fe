"""Fidelity of the bundled review: facts, theme names, density, coverage and synthesis support."""

from __future__ import annotations

import os
import re
from pathlib import Path

import pandas as pd
import pytest

from peerlib import load_corpus

CORPUS = load_corpus()
SOURCES = os.environ.get("PEERLIB_SOURCES")
BEYOND_ABSTRACT = CORPUS.studies.query("coverage != 'abstract_only'")["study_id"].tolist()


def test_the_five_papers() -> None:
    studies = CORPUS.studies.set_index("study_id")
    # citations and sample facts as ../shared/seeds/INDEX.md and the texts give them
    assert studies["doi"].to_dict() == {
        "austin2014": "10.1007/s10597-014-9693-z",
        "gillard2013": "10.1186/1472-6963-13-188",
        "kirkegaard2022": "10.1016/j.ssmqr.2022.100200",
        "knopes2023": "10.1176/appi.ps.20220602",
        "moran2025": "10.1017/S2045796024000751",
    }
    assert studies["coverage"].astype(str).to_dict() == {
        "austin2014": "abstract_only",
        "gillard2013": "results_only",
        "kirkegaard2022": "full_text",
        "knopes2023": "full_text",
        "moran2025": "full_text",
    }
    assert studies.loc["gillard2013", "sample_size"] == 41
    assert studies.loc["austin2014", "sample_size"] == 9
    assert pd.isna(studies.loc["moran2025", "sample_size"])  # conceptual: no sample
    assert studies.loc["gillard2013", "country"] == "United Kingdom"
    assert studies.loc["kirkegaard2022", "country"] == "Denmark"
    # Gillard's three case sites and Kirkegaard's dataset table are recorded
    assert all(
        site in studies.loc["gillard2013", "setting"] for site in ("London", "South", "North")
    )
    kirkegaard = CORPUS.samples.query("study_id == 'kirkegaard2022' and unit == 'interviews'")
    assert kirkegaard["n"].tolist() == [49, 36]


@pytest.mark.parametrize("study", BEYOND_ABSTRACT)
def test_density_beyond_abstracts(study: str) -> None:
    concepts = CORPUS.concepts.query("study_id == @study")["concept_id"]
    relations = CORPUS.relations.query("study_id == @study")
    assert len(concepts) >= 15
    assert len(relations) >= 20
    related = set(relations["source"]) | set(relations["target"])
    assert set(concepts) <= related, f"concepts in no relation: {set(concepts) - related}"


@pytest.mark.parametrize("study", CORPUS.study_ids)
def test_every_concept_is_related_and_themed(study: str) -> None:
    concepts = set(CORPUS.concepts.query("study_id == @study")["concept_id"])
    relations = CORPUS.relations.query("study_id == @study")
    assert concepts <= set(relations["source"]) | set(relations["target"])
    assert concepts <= set(CORPUS.theme_concepts.query("study_id == @study")["concept_id"])


def test_no_long_verbatim_text_outside_excerpts() -> None:
    # excerpts are capped at 40 words by the validator; summaries and definitions are ours
    assert CORPUS.evidence["words"].max() <= 40
    excerpts = set(CORPUS.evidence["text"])
    for column in ("summary",):
        assert not set(CORPUS.themes[column]) & excerpts
    assert not set(CORPUS.concepts["definition"]) & excerpts


def test_synthesis_constructs_are_supported() -> None:
    assert len(CORPUS.constructs) >= 6
    support = CORPUS.alignment.groupby("construct_id")["study_id"].nunique()
    for row in CORPUS.constructs.itertuples(index=False):
        assert row.study_specific or support[row.construct_id] >= 2, row.construct_id


def test_professionalisation_disagreement_is_a_refutation() -> None:
    refute = CORPUS.study_relations.query("type == 'refute'")
    pairs = {frozenset((a, b)) for a, b in zip(refute["study_a"], refute["study_b"], strict=True)}
    assert (
        frozenset(("kirkegaard2022", "moran2025")) in pairs
        or frozenset(("gillard2013", "kirkegaard2022")) in pairs
    )


@pytest.mark.skipif(not SOURCES, reason="set PEERLIB_SOURCES to check theme names against texts")
@pytest.mark.parametrize("study", CORPUS.study_ids)
def test_theme_names_are_the_papers_own(study: str) -> None:
    source = CORPUS.studies.set_index("study_id").loc[study, "source_file"]
    text = Path(str(SOURCES), source).read_text(encoding="utf-8")
    fold = str.maketrans({"‘": "'", "’": "'", "“": '"', "”": '"', "–": "-", "—": "-"})
    flat = re.sub(r"\s+", " ", text.translate(fold)).lower()
    for name in CORPUS.themes.query("study_id == @study")["name"]:
        assert re.sub(r"\s+", " ", name.translate(fold)).lower() in flat, name
