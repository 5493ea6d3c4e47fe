"""Validate a corpus folder and report every problem as ``file:line: where: what is wrong``.

Shapes and vocabularies come from :mod:`peerlib.models`; this module adds the checks a schema
cannot make (ids that must exist, ids that must be unique, within a file and across files) and
turns every failure into a :class:`Problem` that names the file, the line and the place.
"""

from __future__ import annotations

import multiprocessing
import os
import sys
from collections.abc import Iterable, Sequence
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from pydantic import ValidationError

from . import _tables
from ._yaml import Document, PathKey, YamlError, read_yaml
from .models import Study, Synthesis

__all__ = ["CorpusError", "Problem", "validate"]

STUDIES_DIR = "studies"
SYNTHESIS_FILE = "synthesis.yaml"
#: Below this many files, worker processes cost more than they save.
_PARALLEL_FROM = 48


@dataclass(frozen=True, order=True)
class Problem:
    """One thing wrong with a corpus file, at a line and a place in the document."""

    file: str
    line: int
    where: str
    message: str

    def __str__(self) -> str:
        return f"{self.file}:{self.line}: {self.where}: {self.message}"


class CorpusError(Exception):
    """A corpus that does not validate; ``problems`` lists every :class:`Problem` found."""

    def __init__(self, problems: Sequence[Problem]) -> None:
        self.problems = list(problems)
        count = len(self.problems)
        lines = "\n".join(str(p) for p in self.problems)
        super().__init__(f"{count} problem{'s' if count != 1 else ''} in the corpus:\n{lines}")


def where(path: PathKey) -> str:
    """Render a document path as ``relations[4].target``; the root is ``(document)``."""
    out = ""
    for part in path:
        if isinstance(part, int):
            out += f"[{part}]"
        else:
            out += f".{part}" if out else str(part)
    return out or "(document)"


# ---------------------------------------------------------------------------- pydantic errors


def _describe(error: Any) -> str:
    kind, loc, value = error["type"], error["loc"], error.get("input")
    name = next((p for p in reversed(loc) if isinstance(p, str) and p != "[key]"), "")
    if kind == "missing":
        return f"required field '{name}' is missing"
    if kind == "extra_forbidden":
        return f"unknown field '{name}' (check the spelling against data/README.md)"
    if kind == "literal_error":
        what = {
            "kind": "concept kind",
            "coverage": "coverage",
            "confidence": "CERQual confidence",
        }.get(name, "relation type" if name == "type" else name)
        if name == "type" and "constructs" in loc:
            what = "study relation type"
        return f"unknown {what} {value!r}; expected one of {error['ctx']['expected']}"
    if kind == "string_pattern_mismatch":
        if name == "doi":
            return f"malformed DOI {value!r}: expected 10.NNNN/suffix, without a URL prefix"
        if "evidence" in loc and "constructs" in loc:
            return f"evidence reference {value!r} must be study_id/evidence_id"
        return f"{value!r} is not a valid id: use lower-case letters, digits and _"
    if kind in ("int_type", "int_parsing"):
        return f"'{name}' must be a whole number, not {value!r}"
    if kind in ("string_type", "bool_type", "list_type", "dict_type", "model_type"):
        wanted = {
            "string_type": "text",
            "bool_type": "true or false",
            "list_type": "a list",
            "dict_type": "a mapping",
            "model_type": "a mapping",
        }[kind]
        return f"'{name}' must be {wanted}, not {value!r}"
    if kind in ("greater_than_equal", "less_than_equal", "greater_than", "less_than"):
        if name == "year":
            return f"year {value!r} is not plausible (expected 1900 to 2100)"
        return f"'{name}' is out of range: {error['msg'].lower()}"
    if kind == "too_short":
        return f"'{name}' must not be empty"
    if kind == "too_long":
        return f"'{name}' has too many items: {error['msg'].lower()}"
    if kind == "value_error":
        return str(error["ctx"]["error"])
    return f"{error['msg']} (got {value!r})"


def _schema_problems(file: str, doc: Document, err: ValidationError) -> list[Problem]:
    problems = []
    for error in err.errors():
        loc = tuple(p for p in error["loc"] if p != "[key]")
        problems.append(Problem(file, doc.line_of(loc), where(loc), _describe(error)))
    return problems


# ---------------------------------------------------------------------------- one study


def _duplicates(
    file: str, doc: Document, items: Iterable[tuple[PathKey, str | None]], what: str
) -> list[Problem]:
    seen: dict[str, int] = {}
    problems = []
    for path, ident in items:
        if ident is None:
            continue
        line = doc.line_of(path)
        if ident in seen:
            problems.append(
                Problem(
                    file,
                    line,
                    where(path),
                    f"duplicate {what} id '{ident}' (first on line {seen[ident]})",
                )
            )
        else:
            seen[ident] = line
    return problems


def _study_references(file: str, doc: Document, study: Study) -> list[Problem]:
    problems: list[Problem] = []

    def unknown(path: PathKey, what: str, name: str, known: Iterable[str]) -> None:
        hint = ", ".join(sorted(known)[:8])
        problems.append(
            Problem(
                file, doc.line_of(path), where(path), f"unknown {what} '{name}' (known: {hint})"
            )
        )

    problems += _duplicates(
        file, doc, ((("themes", i, "id"), t.id) for i, t in enumerate(study.themes)), "theme"
    )
    problems += _duplicates(
        file, doc, ((("concepts", i, "id"), c.id) for i, c in enumerate(study.concepts)), "concept"
    )
    problems += _duplicates(
        file,
        doc,
        ((("evidence", i, "id"), e.id) for i, e in enumerate(study.evidence)),
        "evidence",
    )
    problems += _duplicates(
        file,
        doc,
        ((("relations", i, "id"), rid) for i, rid in enumerate(_tables.relation_ids(study))),
        "relation",
    )
    concepts = {c.id for c in study.concepts}
    themes = {t.id for t in study.themes}
    evidence = {e.id for e in study.evidence}
    for i, theme in enumerate(study.themes):
        for j, cid in enumerate(theme.concepts):
            if cid not in concepts:
                unknown(("themes", i, "concepts", j), "concept", cid, concepts)
        if theme.parent is not None and (theme.parent not in themes or theme.parent == theme.id):
            unknown(("themes", i, "parent"), "parent theme", theme.parent, themes - {theme.id})
    parents = {t.id: t.parent for t in study.themes}
    for i, theme in enumerate(study.themes):
        seen, current = {theme.id}, theme.parent
        while current in parents and current is not None:
            if current in seen:
                problems.append(
                    Problem(
                        file,
                        doc.line_of(("themes", i, "parent")),
                        where(("themes", i, "parent")),
                        f"theme '{theme.id}' is its own ancestor (parents form a cycle)",
                    )
                )
                break
            seen.add(current)
            current = parents[current]
    for i, rel in enumerate(study.relations):
        for end in ("source", "target"):
            cid = getattr(rel, end)
            if cid not in concepts:
                unknown(("relations", i, end), "concept", cid, concepts)
        for j, eid in enumerate(rel.evidence):
            if eid not in evidence:
                unknown(("relations", i, "evidence", j), "evidence", eid, evidence)
    return problems


@dataclass
class _FileResult:
    problems: list[Problem]
    rows: _tables.Rows | None = None
    study_id: str | None = None
    line: int = 1


def _read_study(path: Path, shown: str) -> _FileResult:
    """Read and check one study file; on success also its table rows (runs in workers)."""
    try:
        doc = read_yaml(path)
    except YamlError as err:
        return _FileResult([Problem(shown, err.line, where(err.path), err.message)])
    except OSError as err:
        return _FileResult([Problem(shown, 1, "(document)", f"cannot read file: {err.strerror}")])
    if not isinstance(doc.data, dict):
        return _FileResult(
            [Problem(shown, 1, "(document)", "a study file must be a mapping of fields")]
        )
    try:
        study = Study.model_validate(doc.data)
    except ValidationError as err:
        problems = _schema_problems(shown, doc, err)
        sid = doc.data.get("id")
        return _FileResult(problems, study_id=sid if isinstance(sid, str) else None)
    problems = _study_references(shown, doc, study)
    stem = path.stem
    if study.id != stem:
        problems.append(
            Problem(
                shown,
                doc.line_of(("id",)),
                "id",
                f"study id '{study.id}' must match the file name '{stem}'",
            )
        )
    if problems:
        return _FileResult(problems, study_id=study.id, line=doc.line_of(("id",)))
    return _FileResult([], _tables.study_rows(study, shown), study.id, doc.line_of(("id",)))


# ---------------------------------------------------------------------------- synthesis


def _synthesis_references(
    file: str,
    doc: Document,
    synthesis: Synthesis,
    concepts: dict[str, set[str]],
    evidence: dict[str, set[str]],
    broken: set[str],
) -> list[Problem]:
    problems: list[Problem] = []
    known = sorted(set(concepts) | broken)

    def add(path: PathKey, message: str) -> None:
        problems.append(Problem(file, doc.line_of(path), where(path), message))

    problems += _duplicates(
        file,
        doc,
        ((("constructs", i, "id"), c.id) for i, c in enumerate(synthesis.constructs)),
        "construct",
    )
    for i, con in enumerate(synthesis.constructs):
        base: PathKey = ("constructs", i)
        for sid, ids in con.concepts.items():
            if sid in broken:
                continue  # its own file's problems are reported already
            if sid not in concepts:
                add((*base, "concepts", sid), f"unknown study '{sid}' (known: {', '.join(known)})")
                continue
            for j, cid in enumerate(ids):
                if cid not in concepts[sid]:
                    add((*base, "concepts", sid, j), f"unknown concept '{cid}' in study '{sid}'")
        if not con.study_specific and len(con.concepts) < 2:
            add(
                (*base, "concepts"),
                f"construct '{con.id}' draws on {len(con.concepts)} study; map concepts from "
                "a second study or mark it study_specific: true",
            )
        for k, rel in enumerate(con.relations):
            rpath: PathKey = (*base, "relations", k)
            a, b = rel.studies
            if a == b:
                add((*rpath, "studies"), f"a relation needs two different studies, not '{a}' twice")
            for m, sid in enumerate(rel.studies):
                if sid not in con.concepts:
                    add(
                        (*rpath, "studies", m),
                        f"study '{sid}' maps no concept onto construct '{con.id}'",
                    )
            cited = set()
            for m, ref in enumerate(rel.evidence):
                sid, eid = ref.split("/", 1)
                cited.add(sid)
                if sid in broken:
                    continue
                if sid not in evidence:
                    add((*rpath, "evidence", m), f"unknown study '{sid}' in '{ref}'")
                elif eid not in evidence[sid]:
                    add((*rpath, "evidence", m), f"unknown evidence '{eid}' in study '{sid}'")
                elif sid not in rel.studies:
                    add((*rpath, "evidence", m), f"'{ref}' is not from {a} or {b}")
            if rel.type == "refute" and not {a, b} <= cited:
                add(
                    (*rpath, "evidence"),
                    "a refutation must cite an excerpt of each of its two studies",
                )
    return problems


# ---------------------------------------------------------------------------- the corpus


@dataclass
class CorpusRead:
    """What reading a corpus folder gave: table rows of the valid parts, and every problem."""

    root: Path
    rows: _tables.Rows = field(default_factory=dict)
    problems: list[Problem] = field(default_factory=list)


def study_files(root: Path) -> list[Path]:
    """The study files of a corpus folder, sorted by name."""
    folder = root / STUDIES_DIR
    return sorted(p for p in folder.glob("*") if p.suffix in (".yaml", ".yml") and p.is_file())


def read_corpus(
    root: Path, studies: Sequence[str] | None = None, jobs: int | None = None
) -> CorpusRead:
    """Read and check a corpus folder. ``studies`` restricts it to those ids, without synthesis."""
    result = CorpusRead(root, {name: [] for name in _tables.COLUMNS})
    if not root.is_dir():
        result.problems.append(Problem(str(root), 1, "(folder)", "corpus folder does not exist"))
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
            Problem(str(root / STUDIES_DIR), 1, "(folder)", "no study files (*.yaml) found")
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
            broken.add(sid or path.stem)
            continue
        for table, rows in res.rows.items():
            result.rows[table].extend(rows)
        concepts[sid or path.stem] = {r[1] for r in res.rows["concepts"]}
        evidence[sid or path.stem] = {r[1] for r in res.rows["evidence"]}

    synthesis_path = root / SYNTHESIS_FILE
    if studies is None and synthesis_path.exists():
        result.problems += _read_synthesis(synthesis_path, result, concepts, evidence, broken)
    result.problems.sort(key=lambda p: (p.file, p.line, p.where, p.message))
    return result


def _read_synthesis(
    path: Path,
    result: CorpusRead,
    concepts: dict[str, set[str]],
    evidence: dict[str, set[str]],
    broken: set[str],
) -> list[Problem]:
    shown = str(path)
    try:
        doc = read_yaml(path)
    except YamlError as err:
        return [Problem(shown, err.line, where(err.path), err.message)]
    if not isinstance(doc.data, dict):
        return [Problem(shown, 1, "(document)", "the synthesis file must be a mapping of fields")]
    try:
        synthesis = Synthesis.model_validate(doc.data)
    except ValidationError as err:
        return _schema_problems(shown, doc, err)
    problems = _synthesis_references(shown, doc, synthesis, concepts, evidence, broken)
    if not problems:
        for table, rows in _tables.synthesis_rows(synthesis).items():
            result.rows[table].extend(rows)
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
    chunk = max(1, len(files) // (workers * 4))
    with ProcessPoolExecutor(workers, mp_context=context) as pool:
        return list(pool.map(_read_study, files, shown, chunksize=chunk))


def validate(path: str | os.PathLike[str] | None = None) -> list[Problem]:
    """Check a corpus folder and return every problem found (an empty list when it is valid).

    Parameters
    ----------
    path
        The corpus folder; ``None`` means the bundled review.

    Examples
    --------
    >>> validate()
    []
    """
    from .loading import corpus_root

    return read_corpus(corpus_root(path)).problems
