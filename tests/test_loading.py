"""The loader: tidy tables with documented columns and dtypes, deterministic, any folder."""

from __future__ import annotations

import inspect
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pandas as pd
import pytest

from peerlib import Corpus, load_corpus, validate
from peerlib._tables import COLUMNS
from peerlib.validation import CorpusError

from .conftest import MINI, study_copies


def _documented_columns() -> dict[str, list[str]]:
    """The columns as the :class:`Corpus` docstring tells a user they are."""
    doc = inspect.getdoc(Corpus) or ""
    sections = re.findall(r"^``(\w+)``\n((?:    .*\n?)+)", doc, flags=re.MULTILINE)
    columns = {}
    for name, body in sections:
        text = re.sub(r"\([^()]*\)", "", " ".join(body.split()))  # drop the explanations
        text = text.split(": ")[0]
        columns[name] = [part.strip().split()[0] for part in text.rstrip(".").split(",")]
    return columns


#: Columns that are not text (everything else is pandas' nullable ``string``).
TYPED = {
    ("studies", "year"): "Int64",
    ("studies", "sample_size"): "Int64",
    ("studies", "coverage"): "category",
    ("studies", "study_type"): "category",
    ("samples", "n"): "Int64",
    ("samples", "unit"): "category",
    ("themes", "position"): "Int64",
    ("concepts", "kind"): "category",
    ("relations", "type"): "category",
    ("evidence", "offset"): "Int64",
    ("evidence", "verbatim"): "bool",
    ("evidence", "words"): "Int64",
    ("constructs", "study_specific"): "bool",
    ("constructs", "confidence"): "category",
    ("study_relations", "position"): "Int64",
    ("study_relations", "type"): "category",
    ("study_relation_evidence", "position"): "Int64",
    ("untranslated", "position"): "Int64",
    ("argument", "position"): "Int64",
    ("translation_order", "position"): "Int64",
}


def test_tables_have_the_documented_columns_and_dtypes() -> None:
    documented = _documented_columns()
    tables = load_corpus(MINI).tables()
    assert sorted(documented) == sorted(tables)
    for name, table in tables.items():
        assert list(table.columns) == documented[name], name
        for column in table.columns:
            assert str(table[column].dtype) == TYPED.get((name, column), "string"), (name, column)


def test_mini_corpus_contents() -> None:
    corpus = load_corpus(MINI)
    assert corpus.study_ids == ["alpha", "beta", "gamma"]
    assert corpus.construct_ids == ["disclosure", "mutuality", "trust"]
    studies = corpus.studies.set_index("study_id")
    assert studies.loc["alpha", "authors"] == "Alpha, A.; Beta, B."
    assert studies.loc["alpha", "volume"] == "3"  # an int in YAML, a label in the table
    assert studies.loc["alpha", "sample_size"] == 8
    assert pd.isna(studies.loc["beta", "sample_size"])
    assert studies.loc["gamma", "coverage"] == "abstract_only"
    assert corpus.relations["relation_id"].tolist() == ["r1", "r2", "r3", "r1", "r2", "r1"]
    assert len(corpus.relation_evidence) == 7
    assert corpus.evidence.set_index(["study_id", "evidence_id"]).loc[("alpha", "e3"), "words"] == 6
    assert corpus.alignment.query("construct_id == 'mutuality'")["study_id"].tolist() == [
        "beta",
        "beta",
        "gamma",
        "gamma",
    ]
    refute = corpus.study_relations.query("type == 'refute'")
    assert refute[["construct_id", "study_a", "study_b"]].values.tolist() == [
        ["mutuality", "beta", "gamma"]
    ]
    assert corpus.constructs.set_index("construct_id").loc["mutuality", "confidence"] == "low"


def test_two_loads_are_identical() -> None:
    a, b = load_corpus(), load_corpus()
    for name in COLUMNS:
        pd.testing.assert_frame_equal(a.tables()[name], b.tables()[name])


def test_a_review_needs_its_synthesis_file_but_its_studies_read_alone(tmp_path: Path) -> None:
    # one rule everywhere (validate, load_corpus, the build): a review has a synthesis file
    root = tmp_path / "review"
    shutil.copytree(MINI / "studies", root / "studies")
    assert [str(p) for p in validate(root)] == [
        f"{root / 'synthesis.yaml'}:1: (file): missing: a review lists its constructs in a "
        "synthesis file (peerlib init writes a starter; the format is in data/README.md)"
    ]
    with pytest.raises(CorpusError, match=r"synthesis.yaml:1: \(file\): missing"):
        load_corpus(root)
    corpus = load_corpus(root, studies=["alpha", "beta", "gamma"])
    assert isinstance(corpus, Corpus)
    assert corpus.study_ids == ["alpha", "beta", "gamma"]
    assert corpus.constructs.empty
    assert next(iter(corpus.constructs.columns)) == "construct_id"


def test_load_selected_studies_only() -> None:
    corpus = load_corpus(MINI, studies=["gamma"])
    assert corpus.study_ids == ["gamma"]
    assert corpus.constructs.empty


def test_unknown_selected_study_is_a_corpus_error() -> None:
    with pytest.raises(
        CorpusError, match=r"no study file for omega \(valid ids: alpha, beta, gamma\)"
    ):
        load_corpus(MINI, studies=["omega"])


def test_parallel_read_matches_serial(tmp_path: Path) -> None:
    # enough files to take the worker-process path
    root = study_copies(tmp_path / "many", "alpha", 60, "s")
    serial = load_corpus(root, jobs=1)
    parallel = load_corpus(root, jobs=2)
    for name in COLUMNS:
        pd.testing.assert_frame_equal(serial.tables()[name], parallel.tables()[name])
    assert len(parallel.studies) == 60


def test_parallel_read_after_chart_export_uses_clean_workers(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # once vl-convert's native threads exist, workers are started without fork
    import multiprocessing
    import sys

    import vl_convert  # noqa: F401

    assert "vl_convert" in sys.modules
    methods: list[str] = []
    real = multiprocessing.get_context

    def spy(method: str | None = None) -> multiprocessing.context.BaseContext:
        methods.append(str(method))
        return real(method)

    monkeypatch.setattr(multiprocessing, "get_context", spy)
    root = study_copies(tmp_path / "many", "gamma", 50, "g")
    assert len(load_corpus(root, jobs=2).studies) == 50
    assert methods == ["forkserver"]


def test_a_second_load_of_unchanged_files_is_a_copy_of_the_first(tmp_path: Path) -> None:
    root = shutil.copytree(MINI, tmp_path / "mini")
    first = load_corpus(root)
    first.concepts.loc[0, "label"] = "changed by the caller"
    second = load_corpus(root)
    assert second.concepts.loc[0, "label"] != "changed by the caller"  # the cache is not shared
    pd.testing.assert_frame_equal(second.evidence, first.evidence)
    # an edit is seen at once: the key is the files' content, not their names or times
    study = root / "studies" / "alpha.yaml"
    study.write_text(study.read_text().replace("Alpha, A.", "Alpha, Z."), encoding="utf-8")
    assert load_corpus(root).studies.loc[0, "authors"].startswith("Alpha, Z.")
    study.write_text("id: [", encoding="utf-8")
    with pytest.raises(CorpusError):
        load_corpus(root)


def test_a_large_review_loads_in_parallel_inside_a_kernel_that_has_drawn_charts(
    tmp_path: Path,
) -> None:
    # In a warm build kernel, vl-convert's threads exist (so workers start from a clean
    # forkserver) and __main__ has no __spec__ (as in every Jupyter kernel).
    root = study_copies(tmp_path / "big", "alpha", 60, "s")
    code = (
        "import sys, vl_convert, peerlib\n"
        "del sys.modules['__main__'].__spec__\n"
        f"print(len(peerlib.load_corpus({str(root)!r}, jobs=2).studies))\n"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "60"
