"""Every excerpt of the bundled review is verbatim in its source text, where its locator says.

The source texts are not shipped. Point ``PEERLIB_SOURCES`` at a folder holding them (CI uses
``../shared/seeds``); each study's ``context.source_file`` names its file there.
"""

from __future__ import annotations

import os
from pathlib import Path

import pandas as pd
import pytest

from peerlib import load_corpus
from peerlib.quotations import check_quotations, excerpt_problems

SOURCES = os.environ.get("PEERLIB_SOURCES")
#: In CI a missing source folder fails every quotation test instead of skipping it, so CI can
#: never pass having checked no quotation.
IN_CI = bool(os.environ.get("CI"))
pytestmark = pytest.mark.skipif(
    not SOURCES and not IN_CI,
    reason="set PEERLIB_SOURCES to the source texts (e.g. ../shared/seeds) to check quotations",
)


def _excerpts() -> list[tuple[str, str, str, str, int | None, str]]:
    corpus = load_corpus()
    files = dict(zip(corpus.studies["study_id"], corpus.studies["source_file"], strict=True))
    rows = []
    for row in corpus.evidence.itertuples(index=False):
        offset = None if pd.isna(row.offset) else int(row.offset)
        section = None if pd.isna(row.section) else str(row.section)
        rows.append((row.study_id, row.evidence_id, row.text, section, offset, files[row.study_id]))
    return rows


EXCERPTS = _excerpts()


def test_every_study_names_its_source_file() -> None:
    assert all(isinstance(source, str) and source for *_, source in EXCERPTS)


@pytest.mark.parametrize(
    ("study", "evidence", "text", "section", "offset", "source"),
    EXCERPTS,
    ids=[f"{s}/{e}" for s, e, *_ in EXCERPTS],
)
def test_excerpt_is_verbatim_at_its_locator(
    study: str, evidence: str, text: str, section: str | None, offset: int | None, source: str
) -> None:
    # the check `peerlib quotes` makes (peerlib.quotations), one excerpt at a time
    assert SOURCES, "CI must set PEERLIB_SOURCES to the folder of source texts"
    path = Path(SOURCES) / source
    assert path.is_file(), f"{study}: source text {source} not found in {SOURCES}"
    raw = path.read_text(encoding="utf-8")
    assert excerpt_problems(raw, text, section, offset) == [], f"{study}/{evidence}"


def test_peerlib_quotes_finds_every_excerpt_of_the_bundled_review() -> None:
    assert SOURCES, "CI must set PEERLIB_SOURCES to the folder of source texts"
    report = check_quotations(None, SOURCES)
    assert [str(p) for p in report.problems] == []
    assert report.checked == len(EXCERPTS)
