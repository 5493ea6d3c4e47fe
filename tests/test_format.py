"""What the format lets an author say about the evidence (issue 10, item 4): no DOI, a page as
locator, a paraphrase, a study we have no text of, and the coverage note in the outputs. Old
files stay valid (the bundled review and the fixtures are the old files)."""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from peerlib import (
    cerqual_summary,
    construct_evidence,
    load_corpus,
    source_caption,
    validate,
)


def edit(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text, f"{old!r} not in {path}"
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


def test_old_files_stay_valid() -> None:
    assert validate() == []


def test_doi_may_be_null_or_left_out(mini: Path) -> None:
    edit(mini / "studies" / "alpha.yaml", '  doi: "10.1234/alpha.2020"', "  doi: null")
    edit(mini / "studies" / "beta.yaml", "  doi:", "  # doi:")
    assert validate(mini) == []
    studies = load_corpus(mini).studies.set_index("study_id")
    assert pd.isna(studies.at["alpha", "doi"])
    assert pd.isna(studies.at["beta", "doi"])


def test_a_locator_is_a_section_a_page_an_offset_or_several(mini: Path) -> None:
    f = mini / "studies" / "alpha.yaml"
    edit(f, 'section: "Sharing my story", offset: 120}', 'page: "12"}')
    edit(f, 'section: "Sharing my story", offset: 240}', "page: 13, offset: 240}")
    assert validate(mini) == []
    table = construct_evidence(load_corpus(mini), "disclosure")
    locators = dict(zip(table["evidence_id"], table["locator"], strict=True))
    assert locators["e1"] == "p. 12"
    assert locators["e2"] == "p. 13, char 240"
    assert locators["e3"] == "Knowing the limits, char 400"

    edit(f, 'section: "Knowing the limits", offset: 400}', "verbatim: true}")
    assert [str(p) for p in validate(mini)] == [
        f"{f}:44: evidence[2]: an excerpt needs a locator: section, page or offset (at least one)"
    ]


def test_a_paraphrase_is_shown_as_such_and_never_counted_as_an_excerpt(mini: Path) -> None:
    f = mini / "studies" / "alpha.yaml"
    edit(
        f,
        'speaker: "peer worker", section: "Sharing my story", offset: 240}',
        'speaker: "peer worker", section: "Sharing my story", verbatim: false}',
    )
    corpus = load_corpus(mini)
    excerpts = construct_evidence(corpus, "disclosure").set_index("evidence_id")
    assert excerpts.at["e2", "locator"] == "Sharing my story (paraphrase, not verbatim)"
    assert excerpts.at["e1", "locator"] == "Sharing my story, char 120"
    # the CERQual summary: alpha's e2 is no longer counted as an excerpt, but apart
    row = cerqual_summary(corpus).set_index("construct_id").loc["disclosure"]
    assert (row["evidence"], row["paraphrases"]) == (3, 1)
    assert pd.isna(row["adequacy"])  # a judgement: the author's, never computed
    assert source_caption(corpus, ["alpha"]) == (
        "Source: alpha (full text, 1 paraphrased excerpt). Coded with peerlib."
    )


def test_citation_only_coverage_and_coverage_notes_reach_the_outputs(mini: Path) -> None:
    edit(
        mini / "studies" / "beta.yaml",
        "  coverage: full_text",
        '  coverage: citation_only\n  coverage_note: "Only the reference."',
    )
    assert validate(mini) == []
    corpus = load_corpus(mini)
    assert source_caption(corpus, ["beta", "gamma"], notes=True) == (
        "Sources: beta (citation only: Only the reference.), gamma (abstract only: Abstract "
        "only.). Coded with peerlib."
    )
    assert source_caption(corpus, ["beta"]) == "Source: beta (citation only). Coded with peerlib."
    table = cerqual_summary(corpus, all_constructs=True).set_index("construct_id")
    assert table.at["mutuality", "coverage_notes"] == (
        "beta: Only the reference.; gamma: Abstract only."
    )
    assert table.at["mutuality", "evidence_kinds"] == (
        "2 studies of unrecorded type (1 abstract only, 1 citation only)"
    )
    assert pd.isna(table.at["trust", "coverage_notes"])
