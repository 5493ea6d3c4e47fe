"""Check every verbatim excerpt of a review against its source text: ``peerlib quotes``.

Each study names its text in ``context.source_file``; the texts are the review author's (often
not shareable) and live in a folder of their own. An excerpt must appear in its text word for
word (typographic quotes and dashes count as their plain forms, runs of whitespace as one
space); its ``section`` must appear in the text too, and when it has an ``offset``, the excerpt
must start there with its section before it. Paraphrases (``verbatim: false``) are not checked.
An excerpt that is not found is reported with the closest passage of the text (``difflib``),
which usually shows the slip.

>>> normalise("“Peer”  support —\\nwork")
'"Peer" support - work'
>>> excerpt_problems("We met twice a week in the ward.", "met twice a week", "We", None)
[]
>>> excerpt_problems("We met twice a week in the ward.", "met twice each week", None, None)
["not found verbatim; closest passage: 'met twice a week'"]
"""

from __future__ import annotations

import difflib
import heapq
import os
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from ._tables import records
from ._yaml import YamlError, read_yaml
from .loading import Corpus, load_corpus
from .validation import Problem

__all__ = [
    "QuotesReport",
    "SourcesError",
    "check_quotations",
    "closest_passage",
    "excerpt_problems",
    "normalise",
]

# Typographic quotes and dashes count as their plain forms; whitespace runs count as one space.
_FOLD = str.maketrans({"‘": "'", "’": "'", "“": '"', "”": '"', "–": "-", "—": "-", "\u00a0": " "})
#: Windows scored exactly (``SequenceMatcher.ratio``) after a cheap first pass.
_SHORTLIST = 40


class SourcesError(Exception):
    """The folder of source texts cannot be used."""


def normalise(text: str) -> str:
    """``text`` with typographic quotes and dashes folded and whitespace runs made one space."""
    return re.sub(r"\s+", " ", text.translate(_FOLD)).strip()


def closest_passage(excerpt: str, source: str) -> str:
    """The passage of ``source`` (as many words as ``excerpt``) most like ``excerpt``.

    >>> closest_passage("the cat sat on a mat", "yes the cat sat on the mat today")
    'the cat sat on the mat'
    """
    words = normalise(source).split()
    size = max(1, len(normalise(excerpt).split()))
    if not words:
        return ""
    windows = [" ".join(words[i : i + size]) for i in range(max(1, len(words) - size + 1))]
    matcher = difflib.SequenceMatcher(autojunk=False)
    matcher.set_seq2(normalise(excerpt))

    def score(ratio: Callable[[], float], window: str) -> float:
        matcher.set_seq1(window)
        return ratio()

    shortlist = heapq.nlargest(
        _SHORTLIST, enumerate(windows), key=lambda iw: score(matcher.quick_ratio, iw[1])
    )
    # the best exact ratio; on a tie, the passage earlier in the text
    best = max(shortlist, key=lambda iw: (score(matcher.ratio, iw[1]), -iw[0]))
    return best[1]


def excerpt_problems(source: str, text: str, section: str | None, offset: int | None) -> list[str]:
    """What is wrong with one verbatim excerpt against the raw text of its source ([] if
    nothing): not in the text, its section not in the text, not at its offset."""
    full, excerpt = normalise(source), normalise(text)
    if excerpt not in full:
        return [f"not found verbatim; closest passage: {closest_passage(text, source)!r}"]
    problems = []
    heading = normalise(section) if section else None
    if heading is not None and heading not in full:
        problems.append(f"section {section!r} not found in the text")
    if offset is not None:
        at = normalise(source[offset : offset + len(text) + 200])
        if not at.startswith(excerpt):
            problems.append(f"offset {offset} shows {at[:60]!r}, not the excerpt")
        elif heading is not None and heading in full and heading not in normalise(source[:offset]):
            problems.append(f"section {section!r} does not come before offset {offset}")
    return problems


@dataclass
class QuotesReport:
    """What ``peerlib quotes`` found: excerpts checked, paraphrases skipped, one problem a line."""

    checked: int = 0
    paraphrases: int = 0
    problems: list[Problem] = field(default_factory=list)

    def summary(self) -> str:
        """One line: how many excerpts were checked and how many have a problem."""
        skipped = f" ({self.paraphrases} paraphrases not checked)" if self.paraphrases else ""
        if not self.problems:
            return f"{self.checked} verbatim excerpts checked: all found{skipped}"
        n = len(self.problems)
        return f"{n} problem{'s' if n != 1 else ''} in {self.checked} excerpts checked{skipped}"


def check_quotations(
    review: str | os.PathLike[str] | None,
    sources: str | os.PathLike[str],
    corpus: Corpus | None = None,
) -> QuotesReport:
    """Check every verbatim excerpt of ``review`` against the texts in ``sources``.

    Parameters
    ----------
    review
        The corpus folder (``None``: the bundled review); validated first.
    sources
        The folder holding each study's ``context.source_file``.
    corpus
        The review already loaded, to skip loading it again.

    Returns
    -------
    QuotesReport
        One :class:`~peerlib.validation.Problem` per excerpt not found (or not where its
        locator says), per study whose source text is missing or not named.

    Raises
    ------
    CorpusError
        When the review does not validate.
    SourcesError
        When ``sources`` is not a folder.
    """
    folder = Path(sources)
    if not folder.is_dir():
        raise SourcesError(f"{folder}: no such folder of source texts")
    corpus = corpus if corpus is not None else load_corpus(review)
    report = QuotesReport()
    excerpts = records(corpus.evidence)
    for study in records(corpus.studies):
        sid, file, source_file = str(study["study_id"]), str(study["file"]), study["source_file"]
        rows = [e for e in excerpts if e["study_id"] == sid]  # file order: index = position
        verbatim = [(i, e) for i, e in enumerate(rows) if e["verbatim"]]
        report.paraphrases += len(rows) - len(verbatim)
        if not verbatim:
            continue
        lines = _lines(Path(file))
        where = "context.source_file"
        if source_file is None:
            message = f"not given: {len(verbatim)} excerpts of {sid} cannot be checked"
            report.problems.append(Problem(file, lines(("context",)), where, message))
            continue
        try:
            source = (folder / str(source_file)).read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError) as error:
            reason = "not found" if isinstance(error, FileNotFoundError) else "unreadable"
            message = f"{source_file}: {reason} in {folder}"
            report.problems.append(Problem(file, lines(("context", "source_file")), where, message))
            continue
        for index, row in verbatim:
            report.checked += 1
            offset = None if row["offset"] is None else int(row["offset"])
            for message in excerpt_problems(source, str(row["text"]), row["section"], offset):
                report.problems.append(
                    Problem(
                        file,
                        lines(("evidence", index, "text")),
                        f"evidence[{index}].text",
                        f"{row['evidence_id']}: {message} ({source_file})",
                    )
                )
    return report


def _lines(path: Path) -> Callable[[tuple[str | int, ...]], int]:
    """The line of a place in a study file (1 when the file cannot be read again)."""
    try:
        return read_yaml(path).line_of
    except (OSError, YamlError):
        return lambda place: 1
