"""Shared fixtures: the hand-made mini corpus, copied so tests can break it freely."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
import yaml

from peerlib import load_corpus
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
