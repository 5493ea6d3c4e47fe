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


def _study_relation_pairs(kind: str) -> set[tuple[str, frozenset[str]]]:
    rows = CORPUS.study_relations.query("type == @kind")
    return {
        (construct, frozenset((a, b)))
        for construct, a, b in zip(
            rows["construct_id"], rows["study_a"], rows["study_b"], strict=True
        )
    }


def test_knopes_disagreement_on_power_is_a_refutation() -> None:
    # issue 13: Knopes sets its finding (peers on the receiving end, because hierarchy is weaker)
    # against work that frames peers as the ones who violate boundaries; Kirkegaard finds peer
    # workers holding authority that service users expect. Both sides must cite an excerpt.
    pair = frozenset(("kirkegaard2022", "knopes2023"))
    assert ("mutuality_and_asymmetry", pair) in _study_relation_pairs("refute")
    relations = CORPUS.study_relations.query(
        "construct_id == 'mutuality_and_asymmetry' and type == 'refute'"
    )
    refs = CORPUS.study_relation_evidence.merge(relations, on=["construct_id", "position"])
    assert {"kirkegaard2022", "knopes2023"} <= set(refs["study_id"])
    assert "e48" in set(refs.query("study_id == 'knopes2023'")["evidence_id"])


@pytest.mark.parametrize(
    ("study", "concept"),
    [
        ("kirkegaard2022", "feeling_rules"),
        ("kirkegaard2022", "involvement_contour"),
        ("kirkegaard2022", "circulation_of_feeling"),
        ("kirkegaard2022", "survivor_story"),
        ("gillard2013", "no_mans_land"),
        ("gillard2013", "safe_distance"),
        ("gillard2013", "unwanted_attention"),
        ("knopes2023", "provider_violation_framing"),
    ],
)
def test_key_concepts_are_concepts_of_their_own(study: str, concept: str) -> None:
    concepts = CORPUS.concepts.query("study_id == @study").set_index("concept_id")
    assert concept in concepts.index
    # not merged into another concept's label (circulation of feeling vs involvement contour)
    others = concepts.drop(index=concept)["label"].str.lower()
    label = concepts.loc[concept, "label"].lower().strip("'")
    assert not others.str.contains(label, regex=False).any()


def test_removed_unsupported_gillard_relations_stay_removed() -> None:
    relations = CORPUS.relations.query("study_id == 'gillard2013'")
    pairs = set(zip(relations["source"], relations["target"], strict=True))
    assert ("clinical_setting", "closeness_to_own_experience") not in pairs
    assert ("hierarchy", "perceived_inferiority") not in pairs


def test_austin_never_says_whose_experience() -> None:
    # the abstract names "transforming experience into expertise" and never says whose experience
    austin = CORPUS.concepts.query("study_id == 'austin2014'")
    assert "own_experience" not in set(austin["concept_id"])
    rationales = CORPUS.study_relations.query("study_a == 'austin2014' or study_b == 'austin2014'")
    for text in rationales["rationale"]:
        if "expertise" in text:
            assert "does not say whose" in text, text


@pytest.mark.skipif(not SOURCES, reason="set PEERLIB_SOURCES to find moran2025's cited claims")
def test_moran_relations_resting_on_cited_studies_say_so() -> None:
    # CODING.md: a note flags relations resting on a cited study. In Moran's text a citation
    # follows its claim in parentheses ("(Adams, Reference Adams2020; ...)").
    source = CORPUS.studies.set_index("study_id").loc["moran2025", "source_file"]
    raw = Path(str(SOURCES), source).read_text(encoding="utf-8")
    cited = set()
    for row in CORPUS.evidence.query("study_id == 'moran2025'").itertuples(index=False):
        after = raw[int(row.offset) + len(row.text) :][:400]
        match = re.match(r"\s*[.,;:]?\s*\(([^()]*(?:\([^()]*\)[^()]*)*)\)", after)
        if match and "Reference" in match.group(1):
            cited.add(row.evidence_id)
    assert len(cited) >= 10  # the detector finds the paper's many citations
    links = CORPUS.relation_evidence.query("study_id == 'moran2025'")
    notes = CORPUS.relations.query("study_id == 'moran2025'").set_index("relation_id")["note"]
    resting = sorted(set(links[links["evidence_id"].isin(cited)]["relation_id"]))
    assert resting
    for relation in resting:
        note = notes[relation]
        assert isinstance(note, str), relation
        assert "cite" in note.lower(), relation
    assert not notes.dropna().str.contains("Adams et al").any()  # Adams 2020 is single-author
