"""Shared fixtures: the hand-made mini corpus, copied so tests can break it freely."""

from __future__ import annotations

import shutil
from pathlib import Path

import nbformat
import pytest
import yaml

from peerlib import load_corpus
from peerlib.build import Project, build
from peerlib.loading import Corpus

FIXTURES = Path(__file__).parent / "fixtures"
MINI = FIXTURES / "mini"
MINI_EXTRA = FIXTURES / "mini_extra"


def overlay_corpus(root: Path) -> Path:
    """The mini corpus with tests/fixtures/mini_extra copied over it, at ``root``."""
    shutil.copytree(MINI, root)
    shutil.copytree(MINI_EXTRA, root, dirs_exist_ok=True)
    return root


def study_copies(root: Path, source: str, count: int, prefix: str) -> Path:
    """A corpus at ``root`` of ``count`` copies of a mini study, ids ``<prefix>000`` on, and a
    synthesis of one study-specific construct on the first copy's first concept."""
    (root / "studies").mkdir(parents=True)
    text = (MINI / "studies" / f"{source}.yaml").read_text(encoding="utf-8")
    for i in range(count):
        sid = f"{prefix}{i:03d}"
        (root / "studies" / f"{sid}.yaml").write_text(
            text.replace(f"id: {source}", f"id: {sid}"), encoding="utf-8"
        )
    concept = yaml.safe_load(text)["concepts"][0]["id"]
    (root / "synthesis.yaml").write_text(
        "constructs:\n  - {id: first, label: First, description: The first concept.,\n"
        f"     study_specific: true, concepts: {{{prefix}000: [{concept}]}}}}\n",
        encoding="utf-8",
    )
    return root


@pytest.fixture
def mini(tmp_path: Path) -> Path:
    """A writable copy of the mini corpus (three studies and a synthesis)."""
    root = tmp_path / "mini"
    shutil.copytree(MINI, root)
    return root


@pytest.fixture(scope="session")
def corpus() -> Corpus:
    """The mini corpus, loaded once (read-only)."""
    return load_corpus(MINI)


@pytest.fixture(scope="session")
def extra(tmp_path_factory: pytest.TempPathFactory) -> Corpus:
    """The mini corpus with the mini_extra overlay, loaded once (read-only)."""
    return load_corpus(overlay_corpus(tmp_path_factory.mktemp("extra") / "corpus"))


# ------------------------------------------------- a small build with a site, built once

NETWORK = """\
import peerlib

peerlib.setup_notebook(interactive=True)
out = peerlib.Outputs(out_dir)
corpus = peerlib.load_corpus(data_dir)
out.chart(peerlib.study_network_chart(corpus, study, seed=1), "network")
out.table(peerlib.study_measures(corpus), "measures", caption=f"Graph measures of {study}")
"""
CONFIG = """\
[[figure]]
name = "study-{study}"
notebook = "notebooks/network.ipynb"
each = "study"
inputs = ["{study_file}"]

[[figure]]
name = "overview"
notebook = "notebooks/overview.ipynb"
"""
OVERVIEW = """\
import peerlib

out = peerlib.Outputs(out_dir)
out.table(peerlib.study_similarity(peerlib.load_corpus(data_dir)), "similarity")
"""
HOSTILE_TITLE = '<script>alert("x")</script> & Co'


def _notebook(path: Path, title: str, parameters: str, code: str) -> None:
    nb = nbformat.v4.new_notebook()
    nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3"}
    cell = nbformat.v4.new_code_cell(parameters)
    cell.metadata["tags"] = ["parameters"]
    nb.cells = [nbformat.v4.new_markdown_cell(f"# {title}\n\nText."), cell]
    nb.cells.append(nbformat.v4.new_code_cell(code))
    path.parent.mkdir(parents=True, exist_ok=True)
    nbformat.write(nb, path)


@pytest.fixture(scope="session")
def site_build(tmp_path_factory: pytest.TempPathFactory) -> Project:
    """A project of two notebooks (a network and a table per study; one corpus table), built
    once, over the mini corpus with a hostile study title."""
    root = tmp_path_factory.mktemp("site") / "repo"
    _notebook(
        root / "notebooks" / "network.ipynb",
        "One study",
        'data_dir = ""\nout_dir = ""\nstudy = "alpha"',
        NETWORK,
    )
    _notebook(
        root / "notebooks" / "overview.ipynb",
        "All the studies",
        'data_dir = ""\nout_dir = ""',
        OVERVIEW,
    )
    (root / "figures.toml").write_text(CONFIG, encoding="utf-8")
    data = root / "data"
    shutil.copytree(MINI, data)
    alpha = data / "studies" / "alpha.yaml"
    text = alpha.read_text(encoding="utf-8")
    alpha.write_text(text.replace("Peer workers and disclosure", HOSTILE_TITLE.replace('"', '\\"')))
    project = Project.resolve(root / "figures.toml", data=data)
    result = build(project, jobs=2, progress=None)
    assert result.ok, [f.describe() for f in result.failed]
    return project
