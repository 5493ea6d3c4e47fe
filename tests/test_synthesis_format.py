"""The format for a complete meta-ethnography: directed extends, untranslated pairs, the line of
argument, unmapped concepts and the review file; each rule with its exact line and message."""

from __future__ import annotations

from pathlib import Path

import pytest

from peerlib import CorpusError, load_corpus, validate

from .test_validation import problems, replace


def synthesis(root: Path) -> Path:
    return root / "synthesis.yaml"


def append(path: Path, text: str) -> None:
    path.write_text(path.read_text(encoding="utf-8") + text, encoding="utf-8")


def gaps(root: Path) -> list[str]:
    """What ``complete=True`` adds to the problems: the gaps only."""
    full = [str(p) for p in validate(root, complete=True)]
    return full[len(validate(root)) :]


# ---------------------------------------------------------------------------- old files


def test_old_files_stay_valid_and_report_only_gaps(mini: Path) -> None:
    # the mini synthesis predates extended_by, untranslated, line_of_argument and unmapped
    assert validate(mini) == []
    s = synthesis(mini)
    assert gaps(mini) == [
        f"{s}:11: constructs[0].relations[0].type: extend relation does not say which study "
        "extends which (add extended_by: one of its two studies)"
    ]
    load_corpus(mini)  # a corpus with gaps loads


# ---------------------------------------------------------------------------- extended_by


def test_extended_by_closes_the_gap(mini: Path) -> None:
    replace(
        synthesis(mini),
        "        type: extend\n",
        "        type: extend\n        extended_by: beta\n",
    )
    assert validate(mini, complete=True) == []
    corpus = load_corpus(mini)
    assert corpus.study_relations["extended_by"].tolist()[0] == "beta"


def test_extended_by_must_name_one_of_the_two_studies(mini: Path) -> None:
    replace(
        synthesis(mini),
        "        type: extend\n",
        "        type: extend\n        extended_by: gamma\n",
    )
    assert problems(mini) == [
        f"{synthesis(mini)}:12: constructs[0].relations[0].extended_by: extended_by 'gamma' "
        "must be one of the relation's studies, alpha or beta"
    ]


def test_extended_by_only_on_extend(mini: Path) -> None:
    replace(
        synthesis(mini),
        "        type: refute\n",
        "        type: refute\n        extended_by: beta\n",
    )
    assert problems(mini) == [
        f"{synthesis(mini)}:23: constructs[1].relations[0].extended_by: extended_by belongs to "
        "an extend relation, not to refute"
    ]


# ---------------------------------------------------------------------------- pairs


def test_a_pair_left_out_is_a_gap(mini: Path) -> None:
    # delta studies nothing else: map gamma onto disclosure, so alpha-gamma and beta-gamma
    # share it without a translation
    replace(
        synthesis(mini),
        "      beta: [disclosure]\n",
        "      beta: [disclosure]\n      gamma: [training]\n",
    )
    replace(
        synthesis(mini),
        "        type: extend\n",
        "        type: extend\n        extended_by: beta\n",
    )
    s = synthesis(mini)
    assert gaps(mini) == [
        f"{s}:2: constructs[0].id: studies alpha and gamma share construct 'disclosure' but are "
        "not translated: add a relation, or list the pair under untranslated with a reason",
        f"{s}:2: constructs[0].id: studies beta and gamma share construct 'disclosure' but are "
        "not translated: add a relation, or list the pair under untranslated with a reason",
    ]
    replace(
        s,
        '    finding: "Peer workers disclose selectively."\n',
        "    untranslated:\n"
        "      - studies: [alpha, gamma]\n"
        '        reason: "gamma\'s training is not about disclosure."\n'
        "      - studies: [gamma, beta]\n"
        '        reason: "Likewise."\n'
        '    finding: "Peer workers disclose selectively."\n',
    )
    assert validate(mini, complete=True) == []
    untranslated = load_corpus(mini).untranslated
    assert untranslated[["study_a", "study_b"]].values.tolist() == [
        ["alpha", "gamma"],
        ["gamma", "beta"],
    ]


def test_untranslated_pair_rules(mini: Path) -> None:
    s = synthesis(mini)
    replace(
        s,
        '    finding: "Peer workers disclose selectively."\n',
        "    untranslated:\n"
        "      - studies: [alpha, beta]\n"
        '        reason: "Already translated."\n'
        "      - studies: [alpha, gamma]\n"
        '        reason: "gamma maps nothing here."\n'
        "      - studies: [beta, beta]\n"
        '        reason: "Twice."\n'
        '    finding: "Peer workers disclose selectively."\n',
    )
    assert problems(mini) == [
        f"{s}:14: constructs[0].untranslated[0].studies: alpha and beta are translated by a "
        "relation on 'disclosure' and also listed as untranslated; keep one",
        f"{s}:16: constructs[0].untranslated[1].studies[1]: study 'gamma' maps no concept onto "
        "construct 'disclosure'",
        f"{s}:18: constructs[0].untranslated[2].studies: a pair needs two different studies, "
        "not 'beta' twice",
    ]


def test_untranslated_needs_a_reason(mini: Path) -> None:
    replace(
        synthesis(mini),
        '    finding: "Peer workers disclose selectively."\n',
        "    untranslated:\n      - studies: [alpha, gamma]\n"
        '    finding: "Peer workers disclose selectively."\n',
    )
    assert problems(mini) == [
        f"{synthesis(mini)}:14: constructs[0].untranslated[0].reason: required field 'reason' "
        "is missing"
    ]


# ---------------------------------------------------------------------------- line of argument

ARGUMENT = """line_of_argument:
  - id: first
    claim: "Disclosure is selective."
    constructs: [disclosure]
    studies: [alpha, beta]
    evidence: [alpha/e1]
  - id: second
    claim: "Training divides the studies."
    constructs: [mutuality, disclosure]
    studies: [beta, gamma]
    note: "Our reading."
"""


def test_line_of_argument_loads_in_order(mini: Path) -> None:
    append(synthesis(mini), ARGUMENT)
    corpus = load_corpus(mini)
    assert corpus.argument[["step_id", "position"]].values.tolist() == [["first", 1], ["second", 2]]
    assert corpus.argument_constructs.values.tolist() == [
        ["first", "disclosure"],
        ["second", "mutuality"],
        ["second", "disclosure"],
    ]
    assert corpus.argument_studies["study_id"].tolist() == ["alpha", "beta", "beta", "gamma"]
    assert corpus.argument_evidence.values.tolist() == [["first", "alpha", "e1"]]


def test_line_of_argument_cross_references(mini: Path) -> None:
    append(
        synthesis(mini),
        ARGUMENT.replace("constructs: [disclosure]", "constructs: [disclosure, hope]")
        .replace("studies: [alpha, beta]", "studies: [alpha, gamma, omega]")
        .replace("evidence: [alpha/e1]", "evidence: [alpha/e9, beta/b1]")
        .replace("  - id: second", "  - id: first"),
    )
    s = synthesis(mini)
    assert problems(mini) == [
        f"{s}:37: line_of_argument[0].constructs[1]: unknown construct 'hope' (known: "
        "disclosure, mutuality, trust)",
        f"{s}:38: line_of_argument[0].studies[1]: study 'gamma' maps no concept onto the step's "
        "constructs (disclosure), so the step cannot rest on it",
        f"{s}:38: line_of_argument[0].studies[2]: unknown study 'omega'",
        f"{s}:39: line_of_argument[0].evidence[0]: unknown evidence 'e9' in study 'alpha'",
        f"{s}:39: line_of_argument[0].evidence[1]: 'beta/b1' is not from a study the step names",
        f"{s}:40: line_of_argument[1].id: duplicate step id 'first' (first on line 35)",
    ]


def test_a_step_rests_on_at_least_one_construct_and_study(mini: Path) -> None:
    append(synthesis(mini), ARGUMENT.replace("constructs: [disclosure]", "constructs: []"))
    assert problems(mini) == [
        f"{synthesis(mini)}:37: line_of_argument[0].constructs: 'constructs' must not be empty"
    ]


# ---------------------------------------------------------------------------- unmapped


def test_unmapped_concepts_close_the_gap(tmp_path: Path) -> None:
    from .conftest import overlay_corpus

    root = overlay_corpus(tmp_path / "extra")
    listed = [g for g in gaps(root) if "of study 'alpha'" in g]
    assert len(listed) == 4  # alpha speaks to no construct in the overlay: its concepts are gaps
    assert all("maps onto no construct and is not listed" in g for g in listed)
    append(
        synthesis(root),
        "unmapped:\n"
        "  - study: alpha\n"
        "    concepts: [peer_worker, disclosure, trust, boundary]\n"
        '    reason: "alpha is about individual disclosure, which no construct here holds."\n',
    )
    assert not [g for g in gaps(root) if "of study 'alpha'" in g]
    table = load_corpus(root).unmapped
    assert table["concept_id"].tolist() == ["peer_worker", "disclosure", "trust", "boundary"]


def test_unmapped_rules(mini: Path) -> None:
    append(
        synthesis(mini),
        "unmapped:\n"
        "  - study: alpha\n"
        "    concepts: [trust, nothing]\n"
        '    reason: "r"\n'
        "  - study: omega\n"
        "    concepts: [x]\n"
        '    reason: "r"\n',
    )
    s = synthesis(mini)
    assert problems(mini) == [
        f"{s}:36: unmapped[0].concepts[0]: concept 'trust' of 'alpha' is listed as unmapped but "
        "maps onto construct 'trust'",
        f"{s}:36: unmapped[0].concepts[1]: unknown concept 'nothing' in study 'alpha'",
        f"{s}:38: unmapped[1].study: unknown study 'omega'",
    ]


# ---------------------------------------------------------------------------- review file

REVIEW = """question: "How do peer workers disclose?"
inclusion: "The three fixture studies."
translation_order:
  studies: [beta, alpha]
  description: "beta first: the richest account."
coders:
  - role: "single coder"
"""


def test_review_file_loads(mini: Path) -> None:
    (mini / "review.yaml").write_text(REVIEW, encoding="utf-8")
    corpus = load_corpus(mini)
    review = corpus.review.iloc[0]
    assert review["question"] == "How do peer workers disclose?"
    assert review["translation_order"] == "beta first: the richest account."
    assert corpus.translation_order.values.tolist() == [[1, "beta"], [2, "alpha"]]
    assert corpus.review_coders["role"].tolist() == ["single coder"]
    # gamma is not in the order: a gap, not an error
    where = f"{mini / 'review.yaml'}:4: translation_order.studies"
    gap = f"{where}: the translation order leaves out gamma"
    assert gap in [str(g) for g in validate(mini, complete=True)]


def test_review_file_rules(mini: Path) -> None:
    f = mini / "review.yaml"
    f.write_text(
        REVIEW.replace("[beta, alpha]", "[beta, omega, beta]").replace(
            'inclusion: "The three fixture studies."\n', ""
        ),
        encoding="utf-8",
    )
    assert problems(mini) == [
        f"{f}:1: inclusion: required field 'inclusion' is missing",
    ]
    f.write_text(REVIEW.replace("[beta, alpha]", "[beta, omega, beta]"), encoding="utf-8")
    assert problems(mini) == [
        f"{f}:4: translation_order.studies[1]: unknown study 'omega' (known: alpha, beta, gamma)",
        f"{f}:4: translation_order.studies[2]: study 'beta' is already in the order (line 4)",
    ]
    with pytest.raises(CorpusError):
        load_corpus(mini)


def test_review_file_must_be_a_mapping(mini: Path) -> None:
    f = mini / "review.yaml"
    f.write_text("- a list\n", encoding="utf-8")
    assert problems(mini) == [f"{f}:1: (document): the review file must be a mapping of fields"]


# ---------------------------------------------------------------------------- study type


def test_study_type_vocabulary(mini: Path) -> None:
    f = mini / "studies" / "alpha.yaml"
    replace(f, "  coverage: full_text\n", "  coverage: full_text\n  study_type: anecdote\n")
    [p] = problems(mini)
    assert p.startswith(f"{f}:22: context.study_type: ")
    assert "'anecdote'" in p
    replace(f, "study_type: anecdote", "study_type: conceptual")
    assert load_corpus(mini).studies["study_type"].astype(str).tolist()[0] == "conceptual"


# ---------------------------------------------------------------------------- the bundled review


def test_bundled_review_is_complete() -> None:
    assert validate(complete=True) == []
    corpus = load_corpus()
    extends = corpus.study_relations.query("type == 'extend'")
    assert extends["extended_by"].notna().all()
    assert len(corpus.argument) >= 5
    assert not corpus.review.empty
