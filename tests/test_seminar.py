"""Seminar exercises are checked against the corpus, on the mini fixture's hand-known answers."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

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
