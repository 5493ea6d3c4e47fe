"""Seminar exercises are checked against the corpus, on the mini fixture's hand-known answers."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

import peerlib
from peerlib import Outputs, UnknownIdError, check_answer, load_corpus

from .conftest import MINI

CORPUS = load_corpus(MINI)


def test_unanswered() -> None:
    feedback = check_answer("supporting_studies", None, CORPUS, construct="mutuality")
    assert feedback.correct is None
    assert "Set the answer" in feedback.message


def test_supporting_studies() -> None:
    # mutuality: beta and gamma map concepts onto it
    assert check_answer("supporting_studies", 2, CORPUS, construct="mutuality").correct is True
    assert check_answer("supporting_studies", "2", CORPUS, construct="mutuality").correct is True
    assert check_answer("supporting_studies", 3, CORPUS, construct="mutuality").correct is False
    assert check_answer("supporting_studies", "two", CORPUS, construct="mutuality").correct is False


def test_refuting_pair() -> None:
    ok = check_answer("refuting_pair", ["gamma", "beta"], CORPUS, construct="mutuality")
    assert ok.correct is True
    wrong = check_answer("refuting_pair", ["alpha", "beta"], CORPUS, construct="mutuality")
    assert wrong.correct is False
    none = check_answer("refuting_pair", "none", CORPUS, construct="disclosure")
    assert none.correct is True


def test_most_central_concept() -> None:
    # alpha: peer_worker -> disclosure -> trust, boundary -> disclosure: disclosure is between all
    assert check_answer("most_central_concept", "disclosure", CORPUS, study="alpha").correct
    assert check_answer("most_central_concept", "Self-disclosure", CORPUS, study="alpha").correct
    assert not check_answer("most_central_concept", "trust", CORPUS, study="alpha").correct


def test_unknown_ids_and_exercises() -> None:
    with pytest.raises(UnknownIdError, match="valid ids: disclosure, mutuality, trust"):
        check_answer("supporting_studies", 1, CORPUS, construct="nope")
    with pytest.raises(ValueError, match="unknown exercise"):
        check_answer("nope", 1, CORPUS, study="alpha")
    with pytest.raises(TypeError, match="needs study"):
        check_answer("most_central_concept", "x", CORPUS)


def test_outputs_write_only_with_a_folder(tmp_path: Path) -> None:
    table = pd.DataFrame({"a": [1, 2]})
    assert Outputs(None).table(table, "t") is table
    out = Outputs(tmp_path / "out")
    assert out.table(table, "t") is table
    assert sorted(p.name for p in out.written) == ["t.csv", "t.docx", "t.md", "t.tex"]
    assert (tmp_path / "out" / "t.csv").read_text(encoding="utf-8") == "a\n1\n2\n"


def _seminar() -> tuple[dict[str, object], list[str]]:
    """The seminar notebook's parameters and its code cells, in order."""
    import ast

    import nbformat

    nb = nbformat.read(Path(peerlib.__file__).parent / "notebooks" / "05_seminar.ipynb", 4)
    [cell] = [c for c in nb.cells if "parameters" in c.metadata.get("tags", [])]
    values = {
        node.targets[0].id: ast.literal_eval(node.value)
        for node in ast.parse(cell.source).body
        if isinstance(node, ast.Assign) and isinstance(node.targets[0], ast.Name)
    }
    return values, [c.source for c in nb.cells if c.cell_type == "code"]


def test_seminar_defaults_match_their_questions() -> None:
    # the bundled review, the notebook's own defaults: exercise 3 asks for *the* pair, so the
    # default construct has exactly one refuting pair, and answering it is correct
    from peerlib import seminar_construct

    values, code = _seminar()
    assert any("seminar_construct(corpus, construct)" in source for source in code)
    corpus = load_corpus()
    construct = seminar_construct(corpus, values["construct"])  # type: ignore[arg-type]
    pairs = corpus.study_relations.query("construct_id == @construct and type == 'refute'")
    assert len(pairs) == 1
    pair = [pairs["study_a"].iloc[0], pairs["study_b"].iloc[0]]
    assert check_answer("refuting_pair", pair, corpus, construct=construct).correct
    supporting = corpus.alignment.query("construct_id == @construct")["study_id"].nunique()
    assert supporting >= 2  # exercise 2 has something to count
    # a construct given by name is kept; an unknown one is refused
    assert seminar_construct(corpus, "recovery_and_hope") == "recovery_and_hope"
    with pytest.raises(UnknownIdError):
        seminar_construct(corpus, "no_such_construct")


def test_seminar_checks_come_before_the_answers_are_shown() -> None:
    _, code = _seminar()

    def first(text: str) -> int:
        return next(i for i, source in enumerate(code) if text in source)

    assert first('"most_central_concept"') < first("study_measures(")
    assert first('"refuting_pair"') < first("peerlib.refutations(")


def test_several_refuting_pairs_any_one_is_right() -> None:
    corpus = load_corpus()
    construct = "professionalisation_and_peerness"  # two recorded pairs in the bundled review
    feedback = check_answer(
        "refuting_pair", ["moran2025", "kirkegaard2022"], corpus, construct=construct
    )
    assert feedback.correct
    assert "1 other pair do too" in feedback.message
