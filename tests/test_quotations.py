"""Every excerpt of the bundled review is verbatim in its source text, where its locator says.

The source texts are not shipped. Point ``PEERLIB_SOURCES`` at a folder holding them (CI uses
``../shared/seeds``); each study's ``context.source_file`` names its file there.
"""

from __future__ import annotations

import os
import re
from pathlib import Path

import pandas as pd
import pytest

from peerlib import load_corpus

SOURCES = os.environ.get("PEERLIB_SOURCES")
#: In CI a missing source folder fails every quotation test instead of skipping it, so CI can
#: never pass having checked no quotation.
IN_CI = bool(os.environ.get("CI"))
pytestmark = pytest.mark.skipif(
    not SOURCES and not IN_CI,
    reason="set PEERLIB_SOURCES to the source texts (e.g. ../shared/seeds) to check quotations",
)

# Typographic quotes and dashes count as their plain forms; whitespace runs count as one space.
_FOLD = str.maketrans({"‘": "'", "’": "'", "“": '"', "”": '"', "–": "-", "—": "-", "\u00a0": " "})


def normalise(text: str) -> str:
    return re.sub(r"\s+", " ", text.translate(_FOLD)).strip()


def _excerpts() -> list[tuple[str, str, str, str, int | None, str]]:
    corpus = load_corpus()
    files = dict(zip(corpus.studies["study_id"], corpus.studies["source_file"], strict=True))
    rows = []
    for row in corpus.evidence.itertuples(index=False):
        offset = None if pd.isna(row.offset) else int(row.offset)
        rows.append(
            (row.study_id, row.evidence_id, row.text, row.section, offset, files[row.study_id])
        )
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
    study: str, evidence: str, text: str, section: str, offset: int | None, source: str
) -> None:
    assert SOURCES, "CI must set PEERLIB_SOURCES to the folder of source texts"
    path = Path(SOURCES) / source
    assert path.is_file(), f"{study}: source text {source} not found in {SOURCES}"
    raw = path.read_text(encoding="utf-8")
    full = normalise(raw)
    excerpt = normalise(text)
    assert excerpt in full, f"{study}/{evidence} is not verbatim in {source}: {text!r}"
    heading = normalise(section)
    assert heading in full, f"{study}/{evidence}: section {section!r} not found in {source}"
    if offset is not None:
        # the excerpt starts at its offset, and its section heading stands before it
        at = normalise(raw[offset : offset + len(text) + 200])
        assert at.startswith(excerpt), f"{study}/{evidence}: offset {offset} shows {at[:60]!r}"
        assert normalise(raw[:offset]).rfind(heading) >= 0, (
            f"{study}/{evidence}: section {section!r} does not precede offset {offset}"
        )
