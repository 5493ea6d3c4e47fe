"""Comparison tables, each checked against values computed by hand on the mini fixture.

The mini corpus (tests/fixtures/mini) for reference:

alpha  concepts peer_worker, disclosure, trust, boundary; evidence e1 (section "Sharing my
       story", offset 120), e2 (offset 240), e3 ("Knowing the limits", offset 400)
       r1 peer_worker->disclosure [e1]; r2 disclosure->trust [e1, e2]; r3 boundary->disclosure [e3]
beta   concepts training, disclosure, mutuality; evidence b1, b2 (section "The paradox", no offset)
       r1 training->disclosure [b1]; r2 training->mutuality [b2]
gamma  concepts training, mutuality; evidence g1 (section "Abstract", offset 10)
       r1 training->mutuality [g1]

synthesis  disclosure: alpha [disclosure, boundary], beta [disclosure]; alpha extend beta
           mutuality:  beta [training, mutuality], gamma [training, mutuality];
                       beta refute gamma, citing beta/b2, gamma/g1
           trust:      alpha [trust, peer_worker] (study specific)

The overlay tests/fixtures/mini_extra adds study delta and replaces the synthesis (see its
README): alpha speaks to no construct there.
"""

from __future__ import annotations

import subprocess
import sys
from collections.abc import Callable, Mapping
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from peerlib import UnknownIdError, load_corpus, synthesis_graph
from peerlib._evidence import describe_kinds
from peerlib.comparison import (
    cerqual_summary,
    concept_overlap,
    construct_matrix,
    line_of_argument,
    refutations,
    study_similarity,
    theme_evidence,
    translation_pairs,
    translation_table,
    unmapped_concepts,
)
from peerlib.loading import Corpus

from .conftest import overlay_corpus

NA = pd.NA

E1 = "I tell them where I have been and they open up."
B1 = "Training teaches workers to disclose less."
B2 = "Professional norms erode the mutuality of peer support."
G1 = "Training gave them words for the mutuality they already practised."

TABLES = {
    "construct_matrix": construct_matrix,
    "study_similarity": study_similarity,
    "translation_table": translation_table,
    "refutations": refutations,
    "cerqual_summary": cerqual_summary,
    "theme_evidence": theme_evidence,
    "translation_pairs": translation_pairs,
    "line_of_argument": line_of_argument,
}


@pytest.fixture
def bare(mini: Path) -> Corpus:
    """The mini corpus without its synthesis: a whole review needs one, so the studies are read
    on their own (``studies=``), as a one-study notebook reads its study."""
    (mini / "synthesis.yaml").unlink()
    return load_corpus(mini, studies=["alpha", "beta", "gamma"])


def frame(rows: list[tuple[object, ...]], columns: Mapping[str, object]) -> pd.DataFrame:
    """An expected table, written literally, with the dtypes it should have."""
    df = pd.DataFrame.from_records(rows, columns=list(columns))
    return df.astype(columns)  # type: ignore[arg-type]


# ---------------------------------------------------------------------------- construct_matrix


def test_construct_matrix(corpus: Corpus) -> None:
    # evidence = distinct excerpts cited by the study's relations touching its mapped concepts
    expected = frame(
        [
            # alpha {disclosure, boundary}: r1 [e1], r2 [e1, e2], r3 [e3] -> {e1, e2, e3}
            ("disclosure", "alpha", 2, 3, True),
            # beta {disclosure}: r1 [b1]
            ("disclosure", "beta", 1, 1, True),
            ("disclosure", "gamma", 0, 0, False),
            ("mutuality", "alpha", 0, 0, False),
            # beta {training, mutuality}: r1 [b1], r2 [b2]
            ("mutuality", "beta", 2, 2, True),
            # gamma {training, mutuality}: r1 [g1]
            ("mutuality", "gamma", 2, 1, True),
            # alpha {trust, peer_worker}: r1 [e1], r2 [e1, e2] -> {e1, e2}
            ("trust", "alpha", 2, 2, True),
            ("trust", "beta", 0, 0, False),
            ("trust", "gamma", 0, 0, False),
        ],
        {
            "construct_id": "string",
            "study_id": "string",
            "concepts": "int64",
            "evidence": "int64",
            "present": "bool",
        },
    )
    pd.testing.assert_frame_equal(construct_matrix(corpus), expected)


def test_construct_matrix_evidence_matches_synthesis_graph(corpus: Corpus, extra: Corpus) -> None:
    for c in (corpus, extra):
        totals = construct_matrix(c).groupby("construct_id", sort=False)["evidence"].sum()
        graph = synthesis_graph(c)
        assert totals.to_dict() == {n: graph.nodes[n]["evidence"] for n in graph}


# ---------------------------------------------------------------------------- theme_evidence


def test_theme_evidence(corpus: Corpus, bare: Corpus) -> None:
    expected = frame(
        [
            # {peer_worker, disclosure, trust}: r1 [e1], r2 [e1, e2], r3 (-> disclosure) [e3]
            ("alpha", "sharing", "Sharing my story", 3, 3),
            # {disclosure, boundary}: every relation of alpha touches disclosure
            ("alpha", "limits", "Knowing the limits", 2, 3),
            ("beta", "paradox", "The paradox of professionalisation", 3, 2),
            ("gamma", "kept", "Mutuality kept", 2, 1),
        ],
        {
            "study_id": "string",
            "theme_id": "string",
            "name": "string",
            "concepts": "int64",
            "excerpts": "int64",
        },
    )
    pd.testing.assert_frame_equal(theme_evidence(corpus), expected)
    pd.testing.assert_frame_equal(theme_evidence(bare), expected)  # no synthesis needed


# ---------------------------------------------------------------------------- study_similarity


def test_study_similarity(corpus: Corpus) -> None:
    # constructs spoken to: alpha {disclosure, trust}, beta {disclosure, mutuality},
    # gamma {mutuality}
    expected = frame(
        [
            ("alpha", "alpha", 2, 1.0, 1.0),
            # alpha & beta = {disclosure}; union 3; min(2, 2) = 2
            ("alpha", "beta", 1, 1 / 3, 1 / 2),
            # nothing shared: 0 / 3 and 0 / min(2, 1)
            ("alpha", "gamma", 0, 0.0, 0.0),
            ("beta", "alpha", 1, 1 / 3, 1 / 2),
            ("beta", "beta", 2, 1.0, 1.0),
            # beta & gamma = {mutuality}; union {disclosure, mutuality}; min(2, 1) = 1
            ("beta", "gamma", 1, 1 / 2, 1 / 1),
            ("gamma", "alpha", 0, 0.0, 0.0),
            ("gamma", "beta", 1, 1 / 2, 1 / 1),
            ("gamma", "gamma", 1, 1.0, 1.0),
        ],
        {
            "study_a": "string",
            "study_b": "string",
            "shared": "int64",
            "jaccard": "float64",
            "overlap": "float64",
        },
    )
    pd.testing.assert_frame_equal(study_similarity(corpus), expected)


@pytest.mark.parametrize("which", ["corpus", "extra", "bare"])
def test_study_similarity_is_symmetric(which: str, request: pytest.FixtureRequest) -> None:
    c: Corpus = request.getfixturevalue(which)
    sim = study_similarity(c)
    assert len(sim) == len(c.study_ids) ** 2
    forward = sim.set_index(["study_a", "study_b"])
    backward = sim.set_index(["study_b", "study_a"]).rename_axis(["study_a", "study_b"])
    # (a, b) holds what (b, a) holds; NaN where NaN
    pd.testing.assert_frame_equal(forward, backward.loc[forward.index])


def test_study_similarity_without_constructs(extra: Corpus) -> None:
    # extra: alpha speaks to nothing; beta, gamma {mutuality}; delta {rota}
    sim = {
        (a, b): (shared, jaccard, overlap)
        for a, b, shared, jaccard, overlap in study_similarity(extra).itertuples(index=False)
    }
    # alpha vs itself: 0 / 0 twice -> undefined
    assert sim[("alpha", "alpha")][0] == 0
    assert np.isnan(sim[("alpha", "alpha")][1:]).all()
    # alpha vs beta: jaccard 0 / |{mutuality}| = 0.0, overlap 0 / min(0, 1) undefined
    assert sim[("alpha", "beta")][1] == 0.0
    assert np.isnan(sim[("alpha", "beta")][2])
    # beta vs delta: 0 / 2 and 0 / 1
    assert sim[("beta", "delta")] == (0, 0.0, 0.0)
    # every study with a construct is 1.0 with itself
    for sid in ("beta", "gamma", "delta"):
        assert sim[(sid, sid)] == (1, 1.0, 1.0)


# ---------------------------------------------------------------------------- concept_overlap


def test_concept_overlap(corpus: Corpus) -> None:
    columns = {"construct_id": "string", "label": "string", "concepts_a": "string"}
    columns["concepts_b"] = "string"
    pd.testing.assert_frame_equal(
        concept_overlap(corpus, "beta", "gamma"),
        # beta's training is labelled "Professional training", gamma's "Training"
        frame(
            [
                (
                    "mutuality",
                    "Mutuality under professionalisation",
                    "Professional training; Mutuality",
                    "Training; Mutuality",
                )
            ],
            columns,
        ),
    )
    pd.testing.assert_frame_equal(
        concept_overlap(corpus, "alpha", "beta"),
        frame(
            [("disclosure", "Using lived experience", "Self-disclosure; Boundary", "Disclosure")],
            columns,
        ),
    )
    assert concept_overlap(corpus, "alpha", "gamma").empty
    assert list(concept_overlap(corpus, "alpha", "gamma").columns) == list(columns)


def test_concept_overlap_swapped_and_self(corpus: Corpus) -> None:
    ab = concept_overlap(corpus, "alpha", "beta")
    ba = concept_overlap(corpus, "beta", "alpha")
    assert ab["concepts_a"].tolist() == ba["concepts_b"].tolist()
    assert ab["concepts_b"].tolist() == ba["concepts_a"].tolist()
    assert concept_overlap(corpus, "alpha", "alpha")["construct_id"].tolist() == [
        "disclosure",
        "trust",
    ]


@pytest.mark.parametrize(("a", "b"), [("nobody", "beta"), ("alpha", "nobody")])
def test_concept_overlap_unknown_study(corpus: Corpus, a: str, b: str) -> None:
    with pytest.raises(UnknownIdError, match=r"unknown study 'nobody'; valid ids: alpha, beta"):
        concept_overlap(corpus, a, b)


# ---------------------------------------------------------------------------- translation_table

TRANSLATION_COLUMNS: dict[str, object] = dict.fromkeys(
    (
        "construct_id",
        "construct",
        "study_id",
        "concepts",
        "excerpt",
        "locator",
        "relation",
        "interpretation",
    ),
    "string",
)


def test_translation_table(corpus: Corpus) -> None:
    interpretation = "Disclosure is valued and also regulated."
    expected = frame(
        [
            # alpha on disclosure: e1 is cited by r1 and r2, e2 by r2, e3 by r3 -> e1
            (
                "disclosure",
                "Using lived experience",
                "alpha",
                "Self-disclosure; Boundary",
                E1,
                "Sharing my story, char 120",
                "extends (vs beta)",
                interpretation,
            ),
            # beta on disclosure: only r1 touches disclosure -> b1; no offset recorded
            (
                "disclosure",
                "Using lived experience",
                "beta",
                "Disclosure",
                B1,
                "The paradox",
                "extends (vs alpha)",
                interpretation,
            ),
            # beta on mutuality: b1 and b2 are each cited once by r1, r2, but the synthesis
            # cites beta/b2 on this construct -> b2
            (
                "mutuality",
                "Mutuality under professionalisation",
                "beta",
                "Professional training; Mutuality",
                B2,
                "The paradox",
                "refutational (vs gamma)",
                NA,
            ),
            (
                "mutuality",
                "Mutuality under professionalisation",
                "gamma",
                "Training; Mutuality",
                G1,
                "Abstract, char 10",
                "refutational (vs beta)",
                NA,
            ),
            # alpha on trust {trust, peer_worker}: r1 [e1], r2 [e1, e2] -> e1; no relation
            (
                "trust",
                "Trust",
                "alpha",
                "Trust; Peer worker",
                E1,
                "Sharing my story, char 120",
                "",
                NA,
            ),
        ],
        TRANSLATION_COLUMNS,
    )
    pd.testing.assert_frame_equal(translation_table(corpus), expected)


def test_translation_table_every_construct(corpus: Corpus, extra: Corpus) -> None:
    for c in (corpus, extra):
        table = translation_table(c)
        assert table["construct_id"].unique().tolist() == c.construct_ids
        present = construct_matrix(c)
        present = present[present["present"]]
        assert table[["construct_id", "study_id"]].values.tolist() == (
            present[["construct_id", "study_id"]].values.tolist()
        )


def test_translation_table_extra(extra: Corpus) -> None:
    table = translation_table(extra)
    expected = frame(
        [
            # beta {mutuality}: the synthesis cites beta/b1 and beta/b2 once each; of those, r2
            # [b2] touches mutuality and r1 [b1] does not -> b2. Two relations, in file order.
            (
                "mutuality",
                "Mutuality",
                "beta",
                "Mutuality",
                B2,
                "The paradox",
                "reciprocal (vs gamma); refutational (vs gamma)",
                "Mutuality is contested.",
            ),
            (
                "mutuality",
                "Mutuality",
                "gamma",
                "Mutuality",
                G1,
                "Abstract, char 10",
                "reciprocal (vs beta); refutational (vs beta)",
                "Mutuality is contested.",
            ),
            # delta's lone working has no relation and no cited excerpt
            ("rota", "Rotas", "delta", "Lone working", NA, NA, "", NA),
        ],
        TRANSLATION_COLUMNS,
    )
    pd.testing.assert_frame_equal(table, expected)


# ---------------------------------------------------------------------------- refutations

REFUTATION_COLUMNS: dict[str, object] = dict.fromkeys(
    (
        "construct_id",
        "construct",
        "study_a",
        "study_b",
        "rationale",
        "excerpt_a",
        "locator_a",
        "excerpt_b",
        "locator_b",
    ),
    "string",
)


def test_refutations(corpus: Corpus) -> None:
    expected = frame(
        [
            (
                "mutuality",
                "Mutuality under professionalisation",
                "beta",
                "gamma",
                "beta argues training erodes mutuality; gamma finds it kept.",
                B2,
                "The paradox",
                G1,
                "Abstract, char 10",
            )
        ],
        REFUTATION_COLUMNS,
    )
    pd.testing.assert_frame_equal(refutations(corpus), expected)


def test_refutations_first_cited(extra: Corpus) -> None:
    # studies [gamma, beta] as listed; evidence [gamma/g1, beta/b1, beta/b2]: beta's first is b1;
    # the agree relation on the same construct is not a refutation
    expected = frame(
        [
            (
                "mutuality",
                "Mutuality",
                "gamma",
                "beta",
                "They disagree on whether training erodes it.",
                G1,
                "Abstract, char 10",
                B1,
                "The paradox",
            )
        ],
        REFUTATION_COLUMNS,
    )
    pd.testing.assert_frame_equal(refutations(extra), expected)


# ---------------------------------------------------------------------------- cerqual_summary

CERQUAL_COLUMNS: dict[str, object] = {
    "finding": "string",
    "construct_id": "string",
    "studies": "string",
    "n_studies": "int64",
    "evidence_kinds": "string",
    "evidence": "int64",
    "paraphrases": "int64",
    "coverage_notes": "string",
    "methodological_limitations": "string",
    "coherence": "string",
    "adequacy": "string",
    "relevance": "string",
    "confidence": pd.CategoricalDtype(["high", "moderate", "low", "very low"], ordered=True),
}


def test_cerqual_summary(corpus: Corpus) -> None:
    # only disclosure has a finding; its evidence: alpha 3 + beta 1 (construct_matrix)
    expected = frame(
        [
            (
                "Peer workers disclose selectively.",
                "disclosure",
                "alpha; beta",
                2,
                "2 studies of unrecorded type",
                4,
                0,
                NA,
                NA,
                NA,
                NA,
                NA,
                np.nan,
            )
        ],
        CERQUAL_COLUMNS,
    )
    pd.testing.assert_frame_equal(cerqual_summary(corpus), expected)


def test_cerqual_summary_all_constructs(corpus: Corpus) -> None:
    table = cerqual_summary(corpus, all_constructs=True)
    expected = frame(
        [
            (
                "Peer workers disclose selectively.",
                "disclosure",
                "alpha; beta",
                2,
                "2 studies of unrecorded type",
                4,
                0,
                NA,
                NA,
                NA,
                NA,
                NA,
                np.nan,
            ),
            # no finding written: missing, not the description. beta 2 + gamma 1 excerpts;
            # beta full text, gamma abstract only; the author's two judgements kept as given
            (
                NA,
                "mutuality",
                "beta; gamma",
                2,
                "2 studies of unrecorded type (1 abstract only)",
                3,
                0,
                "gamma: Abstract only.",
                "Minor concerns",
                NA,
                NA,
                NA,
                "low",
            ),
            (
                NA,
                "trust",
                "alpha",
                1,
                "1 study of unrecorded type",
                2,
                0,
                NA,
                NA,
                NA,
                NA,
                NA,
                np.nan,
            ),
        ],
        CERQUAL_COLUMNS,
    )
    pd.testing.assert_frame_equal(table, expected)


def test_cerqual_summary_author_judgements(extra: Corpus) -> None:
    expected = frame(
        [
            # every judgement given by the author, adequacy included
            (
                "Mutuality survives training.",
                "mutuality",
                "beta; gamma",
                2,
                "2 studies of unrecorded type (1 abstract only)",
                2,
                0,
                "gamma: Abstract only.",
                "No concerns",
                "Minor concerns",
                "Adequate: two rich studies",
                "Moderate concerns",
                "moderate",
            ),
            # delta's lone working: no relation, no excerpt; delta is results only
            (
                "Lone working is scheduled in.",
                "rota",
                "delta",
                1,
                "1 study of unrecorded type (1 results only)",
                0,
                0,
                NA,
                NA,
                NA,
                NA,
                NA,
                np.nan,
            ),
        ],
        CERQUAL_COLUMNS,
    )
    pd.testing.assert_frame_equal(cerqual_summary(extra), expected)


def test_cerqual_judgements_are_never_invented(corpus: Corpus, extra: Corpus) -> None:
    for c in (corpus, extra):
        table = cerqual_summary(c, all_constructs=True).set_index("construct_id")
        given = c.constructs.set_index("construct_id")
        for column in ("methodological_limitations", "coherence", "relevance", "confidence"):
            pd.testing.assert_series_equal(table[column], given[column])
        # adequacy is the author's judgement too: never a computed count in its column
        pd.testing.assert_series_equal(table["adequacy"], given["adequacy"].astype("string"))


# ---------------------------------------------------------------------------- every table


def test_no_synthesis(corpus: Corpus, bare: Corpus) -> None:
    for name, table in TABLES.items():
        empty, full = table(bare), table(corpus)
        assert list(empty.columns) == list(full.columns), name
        assert empty.dtypes.to_dict() == full.dtypes.to_dict(), name
        if name not in ("study_similarity", "theme_evidence"):
            assert empty.empty, name
    assert cerqual_summary(bare, all_constructs=True).empty
    assert concept_overlap(bare, "alpha", "beta").empty
    sim = study_similarity(bare)
    assert len(sim) == 9
    assert (sim["shared"] == 0).all()
    assert sim["jaccard"].isna().all()
    assert sim["overlap"].isna().all()


@pytest.mark.parametrize("name", sorted(TABLES))
def test_deterministic(corpus: Corpus, extra: Corpus, name: str) -> None:
    for c in (corpus, extra):
        pd.testing.assert_frame_equal(TABLES[name](c), TABLES[name](c))
        assert TABLES[name](c).index.equals(pd.RangeIndex(len(TABLES[name](c))))


def test_same_tables_whatever_the_hash_seed(tmp_path: Path) -> None:
    root = overlay_corpus(tmp_path / "corpus")
    script = (
        "import sys\n"
        "from peerlib import load_corpus\n"
        "from peerlib import comparison as c\n"
        "corpus = load_corpus(sys.argv[1])\n"
        "for f in (c.construct_matrix, c.study_similarity, c.translation_table,\n"
        "          c.refutations, c.cerqual_summary, c.translation_pairs,\n"
        "          c.unmapped_concepts, c.line_of_argument):\n"
        "    print(f(corpus).to_csv(index=False))\n"
        "print(c.theme_evidence(corpus).to_csv(index=False))\n"
        "print(c.concept_overlap(corpus, 'beta', 'gamma').to_csv(index=False))\n"
    )
    outputs = {
        subprocess.run(
            [sys.executable, "-c", script, str(root)],
            env={"PYTHONHASHSEED": seed, "PATH": ""},
            capture_output=True,
            text=True,
            check=True,
        ).stdout
        for seed in ("1", "2", "3")
    }
    assert len(outputs) == 1


# ---------------------------------------------------------------------------- issue 13 tables


def _directed(mini: Path) -> Corpus:
    text = (mini / "synthesis.yaml").read_text(encoding="utf-8")
    text = text.replace(
        "        type: extend\n", "        type: extend\n        extended_by: beta\n"
    )
    (mini / "synthesis.yaml").write_text(text, encoding="utf-8")
    return load_corpus(mini)


def test_translation_table_names_the_direction_of_extend(corpus: Corpus, mini: Path) -> None:
    # without extended_by (an old file) both read "extends (vs ...)"; with it, who extends whom
    before = translation_table(corpus).set_index(["construct_id", "study_id"])["relation"]
    assert before[("disclosure", "alpha")] == "extends (vs beta)"
    after = translation_table(_directed(mini)).set_index(["construct_id", "study_id"])
    assert after.loc[("disclosure", "alpha"), "relation"] == "extended by beta"
    assert after.loc[("disclosure", "beta"), "relation"] == "extends alpha"
    assert after.loc[("mutuality", "beta"), "relation"] == "refutational (vs gamma)"


def test_translation_pairs(corpus: Corpus, extra: Corpus, mini: Path) -> None:
    pairs = translation_pairs(corpus)
    assert pairs.values.tolist() == [
        ["disclosure", "alpha", "beta", "translated", "extend", NA],
        ["mutuality", "beta", "gamma", "translated", "refute", NA],
    ]
    assert translation_pairs(_directed(mini))["translation"].tolist()[0] == (
        "extend: beta extends alpha"
    )
    # two relations on one pair, listed in synthesis order
    assert translation_pairs(extra)["translation"].tolist() == ["agree; refute"]


def test_translation_pairs_missing_and_untranslated(mini: Path) -> None:
    s = mini / "synthesis.yaml"
    text = s.read_text(encoding="utf-8").replace(
        "      beta: [disclosure]\n", "      beta: [disclosure]\n      gamma: [training]\n"
    )
    text = text.replace(
        '    finding: "Peer workers disclose selectively."\n',
        '    untranslated:\n      - studies: [gamma, alpha]\n        reason: "No overlap."\n'
        '    finding: "Peer workers disclose selectively."\n',
    )
    s.write_text(text, encoding="utf-8")
    pairs = translation_pairs(load_corpus(mini)).query("construct_id == 'disclosure'")
    assert pairs[["study_a", "study_b", "status", "reason"]].values.tolist() == [
        ["alpha", "beta", "translated", NA],
        ["alpha", "gamma", "untranslated", "No overlap."],
        ["beta", "gamma", "missing", NA],
    ]


def test_line_of_argument_table(mini: Path) -> None:
    s = mini / "synthesis.yaml"
    s.write_text(
        s.read_text(encoding="utf-8") + "line_of_argument:\n"
        "  - id: one\n"
        '    claim: "Disclosure is selective."\n'
        "    constructs: [disclosure, trust]\n"
        "    studies: [alpha, beta]\n"
        "    evidence: [alpha/e1, alpha/e2]\n"
        "  - id: two\n"
        '    claim: "Training divides them."\n'
        "    constructs: [mutuality]\n"
        "    studies: [gamma, beta]\n",
        encoding="utf-8",
    )
    table = line_of_argument(load_corpus(mini))
    assert table.values.tolist() == [
        [
            1,
            "one",
            "Disclosure is selective.",
            "Using lived experience; Trust",
            "alpha; beta",
            "2 studies of unrecorded type",
            2,
            NA,
        ],
        [
            2,
            "two",
            "Training divides them.",
            "Mutuality under professionalisation",
            "gamma; beta",
            "2 studies of unrecorded type (1 abstract only)",
            0,
            NA,
        ],
    ]


def test_unmapped_concepts(corpus: Corpus, extra: Corpus) -> None:
    # every mini concept maps onto a construct
    assert unmapped_concepts(corpus).empty
    # in the overlay alpha speaks to no construct and delta's sub-theme concept is unmapped
    table = unmapped_concepts(extra)
    assert table["study_id"].unique().tolist()[0] == "alpha"
    assert table.query("study_id == 'alpha'")["concept_id"].tolist() == [
        "peer_worker",
        "disclosure",
        "trust",
        "boundary",
    ]
    assert table["reason"].isna().all()  # the overlay gives no reasons


def test_unmapped_concepts_without_synthesis(bare: Corpus) -> None:
    table = unmapped_concepts(bare)
    assert len(table) == len(bare.concepts)


def test_describe_kinds() -> None:
    assert describe_kinds([]) == "no studies"
    assert describe_kinds([("conceptual", "full_text")]) == "1 conceptual paper"
    assert describe_kinds(
        [
            ("interim", "full_text"),
            ("empirical", "results_only"),
            ("empirical", "abstract_only"),
            ("empirical", "full_text"),
            (None, "full_text"),
        ]
    ) == (
        "3 empirical studies (1 results only, 1 abstract only), 1 interim report of an ongoing "
        "study and 1 study of unrecorded type"
    )


def test_study_words_cover_the_vocabularies() -> None:
    from peerlib import _evidence
    from peerlib.models import STUDY_TYPES

    assert set(_evidence.TYPE_WORDS) == {*STUDY_TYPES, None}


def test_bundled_cerqual_names_kinds_and_never_fills_judgements() -> None:
    table = cerqual_summary(load_corpus(), all_constructs=True).set_index("construct_id")
    assert table.loc["lived_experience_expertise", "evidence_kinds"] == (
        "3 empirical studies (1 results only, 1 abstract only), 1 interim report of an ongoing "
        "study and 1 conceptual paper"
    )
    for column in ("methodological_limitations", "coherence", "adequacy", "relevance"):
        assert table[column].isna().all(), column


# ---------------------------------------------------------------------------- shared look-ups


def test_tables_share_their_look_ups(mini: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    # the excerpts are read once for all the tables of one corpus, and again for another corpus
    from peerlib import comparison

    built: list[int] = []
    real = comparison._excerpts

    def counting(corpus: Corpus) -> object:
        built.append(id(corpus))
        return real(corpus)

    monkeypatch.setattr(comparison, "_excerpts", counting)
    one = load_corpus(mini)
    first = translation_table(one)
    refutations(one)
    cerqual_summary(one)
    assert len(built) == 1
    other = load_corpus(mini)
    pd.testing.assert_frame_equal(translation_table(other), first)
    assert len(built) == 2


def _set(column: str, value: str) -> Callable[[pd.DataFrame], None]:
    def edit(frame_: pd.DataFrame) -> None:
        frame_[column] = value

    return edit


def _copy_cell(column: str, into: int, source: int) -> Callable[[pd.DataFrame], None]:
    """An edit in place that stays valid: a cell takes the value of another row's cell."""

    def edit(frame_: pd.DataFrame) -> None:
        frame_.loc[frame_.index[into], column] = frame_[column].iloc[source]

    return edit


@pytest.mark.parametrize(
    ("table", "edit"),
    [
        ("evidence", _set("text", "Edited in place.")),
        ("evidence", _set("section", "Edited section")),
        ("concepts", _set("label", "Edited label")),
        ("relation_evidence", _copy_cell("relation_id", 3, 0)),
        ("relations", _copy_cell("target", 1, 0)),
        ("alignment", _copy_cell("construct_id", -1, 0)),
    ],
)
def test_tables_follow_edits_made_in_place(
    mini: Path, table: str, edit: Callable[[pd.DataFrame], None]
) -> None:
    # a table computed after a caller edits a corpus frame in place is the table of the edited
    # corpus, never one made from look-ups of the frame before the edit
    edited, fresh = load_corpus(mini), load_corpus(mini)
    before = {name: f(edited) for name, f in TABLES.items()}
    edit(getattr(edited, table))
    edit(getattr(fresh, table))
    changed = 0
    for name, f in TABLES.items():
        after = f(edited)
        pd.testing.assert_frame_equal(after, f(fresh), obj=name)
        changed += not after.equals(before[name])
    assert changed  # the edit reached at least one table


def test_look_ups_go_with_their_corpus(mini: Path) -> None:
    import gc

    from peerlib import _derived

    corpus = load_corpus(mini)
    translation_table(corpus)
    key = id(corpus)
    assert key in _derived._SHARED
    del corpus
    gc.collect()
    assert key not in _derived._SHARED
