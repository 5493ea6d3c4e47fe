"""Shared fixtures: the hand-made mini corpus, copied so tests can break it freely."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

FIXTURES = Path(__file__).parent / "fixtures"
MINI = FIXTURES / "mini"


@pytest.fixture
def mini(tmp_path: Path) -> Path:
    """A writable copy of the mini corpus (three studies and a synthesis)."""
    root = tmp_path / "mini"
    shutil.copytree(MINI, root)
    return root
