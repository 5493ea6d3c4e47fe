"""Read a corpus folder into tidy pandas tables: the only place peerlib reads corpus files.

Which files make a corpus is :mod:`peerlib.corpus_files`' to say; what is wrong with a
document is :mod:`peerlib.validation`'s. This module reads the files (in worker processes for
large reviews), hands each document to the checks, and builds the :class:`Corpus` tables.
"""

from __future__ import annotations

import hashlib
import multiprocessing
import os
import stat
import sys
from collections import OrderedDict
from collections.abc import Sequence
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

from . import _tables
from ._yaml import Document, YamlError, read_yaml
from .corpus_files import (
    STUDIES_DIR,
    SYNTHESIS_NAMES,
    corpus_files,
    corpus_root,
    layout_problem,
    review_file,
    study_files,
    synthesis_file,
)
from .validation import (
    CorpusError,
    Problem,
    check_review,
    check_study,
    check_synthesis,
    synthesis_gaps,
    where,
)

__all__ = [
    "Corpus",
    "CorpusRead",
    "UnknownIdError",
    "check_study_id",
    "load_corpus",
    "read_corpus",
    "validate",
]

#: Below this many files, worker processes cost more than they save.
_PARALLEL_FROM = 48


class UnknownIdError(ValueError):
    """A study or construct id that the corpus does not have; the message lists the valid ones."""


@dataclass(frozen=True, eq=False)
class Corpus:
    """A coded review as tidy tables, one row per thing, in file order.

    Columns and dtypes (``string`` and ``Int64`` are pandas' nullable types; vocabularies are
    categoricals in their documented order):

    ``studies``
        study_id, file, authors ("; "-joined), year, title, venue, volume, issue, pages, article,
        doi, licence, country, setting, design, sample_size (the stated ``context.sample_size``,
        else the sum of the participant groups; missing when the paper reports none), coverage,
        coverage_note, source_file, study_type (empirical, interim, conceptual, review; missing
        when not recorded).
    ``samples``
        study_id, group, n, unit (participants, observed, interviews), site, note.
    ``themes``
        study_id, theme_id, name (the paper's own), summary, parent, position (1-based).
    ``theme_concepts``
        study_id, theme_id, concept_id.
    ``concepts``
        study_id, concept_id, label, kind, definition.
    ``relations``
        study_id, relation_id, source, target, type, note.
    ``relation_evidence``
        study_id, relation_id, evidence_id.
    ``evidence``
        study_id, evidence_id, text, speaker, section, page, offset (the locator: at least one
        of the three), verbatim (bool; false for a paraphrase), words.
    ``constructs``
        construct_id, label, description, interpretation, study_specific, finding,
        methodological_limitations, coherence, relevance, adequacy, confidence.
    ``alignment``
        construct_id, study_id, concept_id: which study concepts a construct gathers.
    ``study_relations``
        construct_id, position, study_a, study_b, type (agree/extend/refute), rationale,
        extended_by (for extend: the study that adds to the other's account; else missing).
    ``study_relation_evidence``
        construct_id, position, study_id, evidence_id.
    ``untranslated``
        construct_id, position, study_a, study_b, reason: pairs sharing a construct that were
        not translated, and why.
    ``argument``
        step_id, position (1-based), claim, note: the line-of-argument synthesis, in order.
    ``argument_constructs``
        step_id, construct_id: the constructs each step rests on.
    ``argument_studies``
        step_id, study_id: the studies each step rests on.
    ``argument_evidence``
        step_id, study_id, evidence_id.
    ``unmapped``
        study_id, concept_id, reason: concepts left out of every construct on purpose.
    ``review``
        title, context, aims, question, method_rationale, search, inclusion,
        selection_outcome, reading, appraisal, relating, translation, translation_order (the
        order's description), synthesis, reflexivity, limitations, conclusions: the review
        file (``review.yaml``) as one row; no rows when the corpus has no review file.
    ``review_coders``
        role, task, stance.
    ``translation_order``
        position, study_id: the order in which studies were translated, if one was recorded.
    """

    root: Path
    studies: pd.DataFrame
    samples: pd.DataFrame
    themes: pd.DataFrame
    theme_concepts: pd.DataFrame
    concepts: pd.DataFrame
    relations: pd.DataFrame
    relation_evidence: pd.DataFrame
    evidence: pd.DataFrame
    constructs: pd.DataFrame
    alignment: pd.DataFrame
    study_relations: pd.DataFrame
    study_relation_evidence: pd.DataFrame
    untranslated: pd.DataFrame
    argument: pd.DataFrame
    argument_constructs: pd.DataFrame
    argument_studies: pd.DataFrame
    argument_evidence: pd.DataFrame
    unmapped: pd.DataFrame
    review: pd.DataFrame
    review_coders: pd.DataFrame
    translation_order: pd.DataFrame

    @property
    def study_ids(self) -> list[str]:
        """The study ids, in file order."""
        return [str(s) for s in self.studies["study_id"]]

    @property
    def construct_ids(self) -> list[str]:
        """The construct ids, in file order."""
        return [str(c) for c in self.constructs["construct_id"]]

    def tables(self) -> dict[str, pd.DataFrame]:
        """All tables by name, in a fixed order."""
        return {name: getattr(self, name) for name in _tables.COLUMNS}

    def __repr__(self) -> str:
        return (
            f"<Corpus {self.root}: {len(self.studies)} studies, {len(self.concepts)} concepts, "
            f"{len(self.relations)} relations, {len(self.constructs)} constructs>"
        )


def check_study_id(corpus: Corpus, study_id: str) -> None:
    """Raise :class:`UnknownIdError` unless ``study_id`` is a study of ``corpus``.

    >>> from peerlib import load_corpus
    >>> check_study_id(load_corpus(), "smith2020")
    Traceback (most recent call last):
    ...
    peerlib.loading.UnknownIdError: unknown study 'smith2020'; valid ids: austin2014, ...
    """
    if study_id not in corpus.study_ids:
        raise UnknownIdError(
            f"unknown study {study_id!r}; valid ids: {', '.join(corpus.study_ids)}"
        )


def load_corpus(
    path: str | os.PathLike[str] | None = None,
    *,
    studies: Sequence[str] | None = None,
    jobs: int | None = None,
) -> Corpus:
    """Read and validate a corpus folder into a :class:`Corpus`.

    Parameters
    ----------
    path
        The corpus folder (``studies/*.yaml`` and ``synthesis.yaml``, both required, and,
        optionally, ``review.yaml``); ``None`` means the bundled review.
    studies
        Load only these study ids (and no synthesis, which need not exist): what a one-study
        figure needs.
    jobs
        Worker processes for large corpora; default all cores. Small corpora use none.

    Raises
    ------
    CorpusError
        With every problem found, each naming the file, line and place.

    Examples
    --------
    >>> corpus = load_corpus()
    >>> corpus.study_ids
    ['austin2014', 'gillard2013', 'kirkegaard2022', 'knopes2023', 'moran2025']
    >>> load_corpus(studies=["moran2025"]).study_ids
    ['moran2025']
    """
    root = corpus_root(path)
    key = _fingerprint(root, studies)
    cached = _CACHE.get(key) if key is not None else None
    if cached is None:
        read = read_corpus(root, studies, jobs)
        if read.problems:
            raise CorpusError(read.problems)
        frames = {name: _tables.frame(name, rows) for name, rows in read.rows.items()}
        cached = Corpus(root=read.root, **frames)
        if key is not None:
            _CACHE[key] = cached
            while len(_CACHE) > _CACHE_SIZE:
                _CACHE.popitem(last=False)
    # a copy: what a caller does to its tables never reaches the cache
    return Corpus(root=cached.root, **{n: t.copy() for n, t in cached.tables().items()})


#: Corpora read in this process, by folder, study selection and the content of every file
#: they were read from, so a second load of unchanged files is a copy, not a parse (a build's
#: warm kernel runs many notebooks on one corpus). The last few only.
_CACHE: OrderedDict[tuple[object, ...], Corpus] = OrderedDict()
_CACHE_SIZE = 4
#: Files larger than this are never hashed for the cache (validation refuses them anyway).
_CACHE_MAX_BYTES = 64 * 1024 * 1024


def _fingerprint(root: Path, studies: Sequence[str] | None) -> tuple[object, ...] | None:
    """The cache key of a load: every corpus file's name and sha256; ``None`` (do not cache)
    when any of them is not a plain, readable, reasonably sized file."""
    parts: list[object] = [str(root), None if studies is None else tuple(sorted(set(studies)))]
    try:
        for path in corpus_files(root):
            info = path.stat()
            if not stat.S_ISREG(info.st_mode) or info.st_size > _CACHE_MAX_BYTES:
                return None
            parts.append((path.name, hashlib.sha256(path.read_bytes()).hexdigest()))
    except OSError:
        return None
    return tuple(parts)


def validate(
    path: str | os.PathLike[str] | None = None, *, complete: bool = False
) -> list[Problem]:
    """Read a corpus folder and return every problem found (an empty list when it is valid).

    Parameters
    ----------
    path
        The corpus folder; ``None`` means the bundled review.
    complete
        Also report what a complete meta-ethnography accounts for and the corpus leaves open
        (a valid corpus with such gaps still loads): pairs of studies that share a construct
        with neither a translation nor a reason why not, ``extend`` relations that do not say
        which study extends which, concepts that map onto no construct without being listed
        as unmapped with a reason, and studies a recorded translation order leaves out.

    Returns
    -------
    list of Problem
        Sorted by file, line and place (the gaps after the problems); each prints as
        ``file:line: where: what is wrong``.

    Examples
    --------
    >>> validate()
    []
    >>> validate(complete=True)  # the bundled review accounts for every pair and concept
    []
    >>> [str(p) for p in validate("no-such-folder")]
    ['no-such-folder:1: (folder): corpus folder does not exist']
    """
    read = read_corpus(corpus_root(path), complete=complete)
    return read.problems + read.gaps if complete else read.problems


# ---------------------------------------------------------------------------- reading


@dataclass
class CorpusRead:
    """What reading a corpus folder gave: table rows of the valid parts, every problem, and
    the gaps a complete synthesis would close (:func:`validate` with ``complete=True``)."""

    root: Path
    rows: _tables.Rows = field(default_factory=dict)
    problems: list[Problem] = field(default_factory=list)
    gaps: list[Problem] = field(default_factory=list)


@dataclass
class _FileResult:
    problems: list[Problem]
    rows: _tables.Rows | None = None
    study_id: str | None = None
    line: int = 1


def _read_document(path: Path, shown: str) -> Document | Problem:
    """One file as a YAML document, or the one problem that stops it being read."""
    try:
        return read_yaml(path)
    except YamlError as err:
        return Problem(shown, err.line, where(err.path), err.message)
    except OSError as err:
        return Problem(shown, 1, "(document)", f"cannot read file: {err.strerror}")


def _read_study(path: Path, shown: str) -> _FileResult:
    """Read and check one study file; on success also its table rows (runs in workers)."""
    doc = _read_document(path, shown)
    if isinstance(doc, Problem):
        return _FileResult([doc])
    study, problems = check_study(shown, doc, path.stem)
    if study is None:
        sid = doc.data.get("id") if isinstance(doc.data, dict) else None
        return _FileResult(problems, study_id=sid if isinstance(sid, str) else None)
    line = doc.line_of(("id",))
    if problems:
        return _FileResult(problems, study_id=study.id, line=line)
    return _FileResult([], _tables.study_rows(study, shown), study.id, line)


def read_corpus(
    root: Path,
    studies: Sequence[str] | None = None,
    jobs: int | None = None,
    *,
    complete: bool = False,
) -> CorpusRead:
    """Read and check a corpus folder. ``studies`` restricts it to those ids, without synthesis;
    ``complete`` also works out the gaps (every pair of studies sharing a construct, so it grows
    with the square of a construct's studies: only when asked)."""
    result = CorpusRead(root, {name: [] for name in _tables.COLUMNS})
    layout = layout_problem(root)
    if layout is not None and not (root.is_dir() and studies is not None):
        result.problems.append(Problem(str(root), 1, "(folder)", layout))
        return result
    files = study_files(root)
    if studies is not None:
        by_stem = {p.stem: p for p in files}
        missing = [s for s in studies if s not in by_stem]
        if missing:
            valid = ", ".join(sorted(by_stem)) or "none"
            result.problems.append(
                Problem(
                    str(root / STUDIES_DIR),
                    1,
                    "(folder)",
                    f"no study file for {', '.join(missing)} (valid ids: {valid})",
                )
            )
            return result
        files = [by_stem[s] for s in sorted(set(studies))]
    if not files:
        result.problems.append(
            Problem(
                str(root / STUDIES_DIR), 1, "(folder)", "no study files (*.yaml or *.yml) found"
            )
        )
        return result
    shown = [str(p) for p in files]
    results = _map_studies(files, shown, jobs)

    first_seen: dict[str, tuple[str, int]] = {}
    concepts: dict[str, set[str]] = {}
    evidence: dict[str, set[str]] = {}
    broken: set[str] = set()
    for path, res in zip(files, results, strict=True):
        result.problems += res.problems
        sid = res.study_id
        if sid is not None and sid in first_seen:
            other, line = first_seen[sid]
            result.problems.append(
                Problem(
                    str(path), res.line, "id", f"study id '{sid}' is also used by {other}:{line}"
                )
            )
            continue
        if sid is not None:
            first_seen[sid] = (str(path), res.line)
        if res.rows is None:
            broken.update({path.stem, sid or path.stem})  # as the synthesis may name it
            continue
        for table, rows in res.rows.items():
            result.rows[table].extend(rows)
        concepts[sid or path.stem] = {r[1] for r in res.rows["concepts"]}
        evidence[sid or path.stem] = {r[1] for r in res.rows["evidence"]}

    synthesis_path = synthesis_file(root)
    if studies is None and synthesis_path is None:
        result.problems.append(
            Problem(
                str(root / SYNTHESIS_NAMES[0]),
                1,
                "(file)",
                "missing: a review lists its constructs in a synthesis file (peerlib init "
                "writes a starter; the format is in data/README.md)",
            )
        )
    elif studies is None and synthesis_path is not None:
        result.problems += _read_synthesis(
            synthesis_path, result, concepts, evidence, broken, complete
        )
    review_path = review_file(root)
    if studies is None and review_path is not None:
        result.problems += _read_review(review_path, result, set(concepts), broken)
    result.problems.sort(key=lambda p: (p.file, p.line, p.where, p.message))
    result.gaps.sort(key=lambda p: (p.file, p.line, p.where, p.message))
    return result


def _read_synthesis(
    path: Path,
    result: CorpusRead,
    concepts: dict[str, set[str]],
    evidence: dict[str, set[str]],
    broken: set[str],
    complete: bool,
) -> list[Problem]:
    shown = str(path)
    doc = _read_document(path, shown)
    if isinstance(doc, Problem):
        return [doc]
    synthesis, problems = check_synthesis(shown, doc, concepts, evidence, broken)
    if synthesis is not None and not problems:
        for table, rows in _tables.synthesis_rows(synthesis).items():
            result.rows[table].extend(rows)
        if complete and not broken:
            result.gaps += synthesis_gaps(shown, doc, synthesis, concepts)
    return problems


def _read_review(
    path: Path, result: CorpusRead, studies: set[str], broken: set[str]
) -> list[Problem]:
    shown = str(path)
    doc = _read_document(path, shown)
    if isinstance(doc, Problem):
        return [doc]
    review, problems, gaps = check_review(shown, doc, studies, broken)
    if review is not None and not problems:
        for table, rows in _tables.review_rows(review).items():
            result.rows[table].extend(rows)
        result.gaps += gaps
    return problems


def _map_studies(files: list[Path], shown: list[str], jobs: int | None) -> list[_FileResult]:
    workers = jobs if jobs is not None else (os.cpu_count() or 1)
    if workers <= 1 or len(files) < _PARALLEL_FROM:
        return [_read_study(p, s) for p, s in zip(files, shown, strict=True)]
    # fork: workers inherit the imported modules, so they start in milliseconds. Not once
    # vl-convert has started its native threads (a notebook that already drew a chart):
    # forking a process with foreign threads can deadlock, so start clean workers then.
    method = "forkserver" if "vl_convert" in sys.modules else "fork"
    context = multiprocessing.get_context(method)
    main = sys.modules.get("__main__")
    if method != "fork" and main is not None and not hasattr(main, "__spec__"):
        # a Jupyter kernel's __main__ has no __spec__, which multiprocessing reads when it
        # starts clean workers; None says "nothing to re-import", which is true there
        main.__spec__ = None
    chunk = max(1, len(files) // (workers * 4))
    with ProcessPoolExecutor(workers, mp_context=context) as pool:
        return list(pool.map(_read_study, files, shown, chunksize=chunk))
