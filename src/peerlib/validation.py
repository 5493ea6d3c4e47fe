"""Check corpus documents and report every problem as ``file:line: where: what is wrong``.

Shapes and vocabularies come from :mod:`peerlib.models`; this module adds the checks a schema
cannot make (ids that must exist, ids that must be unique, within a file and across files) and
turns every failure into a :class:`Problem` that names the file, the line and the place. It
reads no file: :mod:`peerlib.loading` reads them and hands each document here.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from pydantic import ValidationError

from . import _tables
from ._hints import known_hint
from ._text import one_line, shown
from ._yaml import Document, PathKey
from .models import Review, Study, Synthesis

__all__ = [
    "CorpusError",
    "Problem",
    "check_review",
    "check_study",
    "check_synthesis",
    "synthesis_gaps",
    "where",
]


@dataclass(frozen=True, order=True)
class Problem:
    """One thing wrong with a corpus file, at a line and a place in the document."""

    file: str
    line: int
    where: str
    message: str

    def __str__(self) -> str:
        # one problem, one line: a key, id or file name may hold a line break
        return one_line(f"{self.file}:{self.line}: {self.where}: {self.message}")


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
        return f"unknown {what} {shown(value)}; expected one of {error['ctx']['expected']}"
    if kind == "string_pattern_mismatch":
        if name == "doi":
            return f"malformed DOI {shown(value)}: expected 10.NNNN/suffix, without a URL prefix"
        if "evidence" in loc and "constructs" in loc:
            return f"evidence reference {shown(value)} must be study_id/evidence_id"
        return f"{shown(value)} is not a valid id: use lower-case letters, digits and _"
    if kind in ("int_type", "int_parsing"):
        fix = ""
        digits = value.strip().lstrip("-") if isinstance(value, str) else ""
        if digits.isdigit() and (digits == "0" or not digits.startswith("0")):
            fix = f" (write {value.strip()} without quotes)"
        elif isinstance(value, float) and value.is_integer():
            fix = f" (write {int(value)})"
        return f"'{name}' must be a whole number, not {shown(value)}{fix}"
    if kind in ("string_type", "bool_type", "list_type", "dict_type", "model_type"):
        wanted = {
            "string_type": "text",
            "bool_type": "true or false",
            "list_type": "a list",
            "dict_type": "a mapping",
            "model_type": "a mapping",
        }[kind]
        return f"'{name}' must be {wanted}, not {shown(value)}{_type_fix(kind, value)}"
    if kind in ("greater_than_equal", "less_than_equal", "greater_than", "less_than"):
        if name == "year":
            return f"year {shown(value)} is not plausible (expected 1900 to 2100)"
        return f"'{name}' is out of range: {error['msg'].lower()}"
    if kind == "too_short":
        return f"'{name}' must not be empty"
    if kind == "too_long":
        return f"'{name}' has too many items: {error['msg'].lower()}"
    if kind == "value_error":
        return str(error["ctx"]["error"])
    return f"{error['msg']} (got {shown(value)})"


def _type_fix(kind: str, value: Any) -> str:
    """How to write a value of the wrong type so that it reads as the right one."""
    if kind == "string_type" and isinstance(value, bool):
        return f' (write it in quotes: "{str(value).lower()}")'
    if kind == "string_type" and isinstance(value, int | float):
        return f' (write it in quotes: "{value}")'
    if kind == "bool_type" and isinstance(value, str) and value.lower() in ("true", "false"):
        return f" (write {value.lower()} without quotes)"
    if kind == "list_type" and isinstance(value, str):
        return f" (write a list: [{value}], or one item per line starting with '- ')"
    return ""


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
        hint = known_hint(name, known)
        problems.append(
            Problem(file, doc.line_of(path), where(path), f"unknown {what} '{name}' ({hint})")
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
        if theme.parent == theme.id:
            path = ("themes", i, "parent")
            problems.append(
                Problem(
                    file,
                    doc.line_of(path),
                    where(path),
                    f"theme '{theme.id}' cannot be its own parent (name another theme, or null)",
                )
            )
        elif theme.parent is not None and theme.parent not in themes:
            unknown(("themes", i, "parent"), "parent theme", theme.parent, themes - {theme.id})
    parents = {t.id: t.parent for t in study.themes}
    for i, theme in enumerate(study.themes):
        if theme.parent == theme.id:
            continue  # reported above, in one line
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
                add((*base, "concepts", sid), f"unknown study '{sid}' ({known_hint(sid, known)})")
                continue
            for j, cid in enumerate(ids):
                if cid not in concepts[sid]:
                    add(
                        (*base, "concepts", sid, j),
                        f"unknown concept '{cid}' in study '{sid}' "
                        f"({known_hint(cid, concepts[sid])})",
                    )
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
                    add(
                        (*rpath, "evidence", m),
                        f"unknown study '{sid}' in '{ref}' ({known_hint(sid, known)})",
                    )
                elif eid not in evidence[sid]:
                    add(
                        (*rpath, "evidence", m),
                        f"unknown evidence '{eid}' in study '{sid}' "
                        f"({known_hint(eid, evidence[sid])})",
                    )
                elif sid not in rel.studies:
                    add((*rpath, "evidence", m), f"'{ref}' is not from {a} or {b}")
            if rel.type == "refute" and not {a, b} <= cited:
                add(
                    (*rpath, "evidence"),
                    "a refutation must cite an excerpt of each of its two studies",
                )
            if rel.extended_by is not None:
                if rel.type != "extend":
                    add(
                        (*rpath, "extended_by"),
                        f"extended_by belongs to an extend relation, not to {rel.type}",
                    )
                elif rel.extended_by not in rel.studies:
                    add(
                        (*rpath, "extended_by"),
                        f"extended_by '{rel.extended_by}' must be one of the relation's "
                        f"studies, {a} or {b}",
                    )
        translated = {frozenset(rel.studies) for rel in con.relations}
        for k, pair in enumerate(con.untranslated):
            upath: PathKey = (*base, "untranslated", k)
            a, b = pair.studies
            if a == b:
                add((*upath, "studies"), f"a pair needs two different studies, not '{a}' twice")
            for m, sid in enumerate(pair.studies):
                if sid not in con.concepts:
                    add(
                        (*upath, "studies", m),
                        f"study '{sid}' maps no concept onto construct '{con.id}'",
                    )
            if frozenset(pair.studies) in translated:
                add(
                    (*upath, "studies"),
                    f"{a} and {b} are translated by a relation on '{con.id}' and also listed "
                    "as untranslated; keep one",
                )
    problems += _argument_references(file, doc, synthesis, evidence, broken)
    problems += _unmapped_references(file, doc, synthesis, concepts, broken)
    return problems


def _argument_references(
    file: str,
    doc: Document,
    synthesis: Synthesis,
    evidence: dict[str, set[str]],
    broken: set[str],
) -> list[Problem]:
    """The line of argument names known constructs and studies, and rests on what they hold."""
    problems: list[Problem] = []

    def add(path: PathKey, message: str) -> None:
        problems.append(Problem(file, doc.line_of(path), where(path), message))

    steps = synthesis.line_of_argument
    problems += _duplicates(
        file, doc, ((("line_of_argument", i, "id"), s.id) for i, s in enumerate(steps)), "step"
    )
    constructs = {c.id: c for c in synthesis.constructs}
    for i, step in enumerate(steps):
        base: PathKey = ("line_of_argument", i)
        named = [constructs[c] for c in step.constructs if c in constructs]
        for j, cid in enumerate(step.constructs):
            if cid not in constructs:
                add(
                    (*base, "constructs", j),
                    f"unknown construct '{cid}' (known: {', '.join(sorted(constructs)[:8])})",
                )
        for j, sid in enumerate(step.studies):
            if sid in broken:
                continue
            if sid not in evidence:
                add((*base, "studies", j), f"unknown study '{sid}'")
            elif named and not any(sid in con.concepts for con in named):
                add(
                    (*base, "studies", j),
                    f"study '{sid}' maps no concept onto the step's constructs "
                    f"({', '.join(c.id for c in named)}), so the step cannot rest on it",
                )
        for j, ref in enumerate(step.evidence):
            sid, eid = ref.split("/", 1)
            if sid in broken:
                continue
            if sid not in evidence:
                add((*base, "evidence", j), f"unknown study '{sid}' in '{ref}'")
            elif eid not in evidence[sid]:
                add((*base, "evidence", j), f"unknown evidence '{eid}' in study '{sid}'")
            elif sid not in step.studies:
                add((*base, "evidence", j), f"'{ref}' is not from a study the step names")
    return problems


def _unmapped_references(
    file: str,
    doc: Document,
    synthesis: Synthesis,
    concepts: dict[str, set[str]],
    broken: set[str],
) -> list[Problem]:
    """Concepts listed as unmapped exist, are listed once, and map onto no construct."""
    problems: list[Problem] = []
    mapped = _mapped(synthesis)
    seen: dict[tuple[str, str], int] = {}
    for i, group in enumerate(synthesis.unmapped):
        base: PathKey = ("unmapped", i)
        if group.study in broken:
            continue
        if group.study not in concepts:
            path: PathKey = (*base, "study")
            problems.append(
                Problem(file, doc.line_of(path), where(path), f"unknown study '{group.study}'")
            )
            continue
        for j, cid in enumerate(group.concepts):
            path = (*base, "concepts", j)
            line = doc.line_of(path)
            message = None
            if cid not in concepts[group.study]:
                message = f"unknown concept '{cid}' in study '{group.study}'"
            elif (group.study, cid) in mapped:
                message = (
                    f"concept '{cid}' of '{group.study}' is listed as unmapped but maps onto "
                    f"construct '{mapped[(group.study, cid)]}'"
                )
            elif (group.study, cid) in seen:
                message = f"concept '{cid}' is already listed on line {seen[(group.study, cid)]}"
            else:
                seen[(group.study, cid)] = line
            if message:
                problems.append(Problem(file, line, where(path), message))
    return problems


def _mapped(synthesis: Synthesis) -> dict[tuple[str, str], str]:
    """(study, concept) -> the first construct it is mapped onto."""
    out: dict[tuple[str, str], str] = {}
    for con in synthesis.constructs:
        for sid, ids in con.concepts.items():
            for cid in ids:
                out.setdefault((sid, cid), con.id)
    return out


def synthesis_gaps(
    file: str, doc: Document, synthesis: Synthesis, concepts: dict[str, set[str]]
) -> list[Problem]:
    """What a complete meta-ethnography accounts for and this synthesis leaves open.

    Every pair of studies sharing a construct is translated or listed as untranslated with a
    reason; every ``extend`` says which study extends which; every concept of a study maps
    onto a construct or is listed as unmapped with a reason. These are gaps, not errors: a
    corpus with gaps loads, and :func:`peerlib.validate` reports them with ``complete=True``.
    """
    gaps: list[Problem] = []

    def add(path: PathKey, message: str) -> None:
        gaps.append(Problem(file, doc.line_of(path), where(path), message))

    for i, con in enumerate(synthesis.constructs):
        base: PathKey = ("constructs", i)
        accounted = {frozenset(r.studies) for r in con.relations}
        accounted |= {frozenset(p.studies) for p in con.untranslated}
        studies = sorted(con.concepts)
        for n, a in enumerate(studies):
            for b in studies[n + 1 :]:
                if frozenset((a, b)) not in accounted:
                    add(
                        (*base, "id"),
                        f"studies {a} and {b} share construct '{con.id}' but are not "
                        "translated: add a relation, or list the pair under untranslated "
                        "with a reason",
                    )
        for k, rel in enumerate(con.relations):
            if rel.type == "extend" and rel.extended_by is None:
                add(
                    (*base, "relations", k, "type"),
                    "extend relation does not say which study extends which "
                    "(add extended_by: one of its two studies)",
                )
    mapped = _mapped(synthesis)
    listed = {(g.study, c) for g in synthesis.unmapped for c in g.concepts}
    for sid in sorted(concepts):
        for cid in sorted(concepts[sid]):
            if (sid, cid) not in mapped and (sid, cid) not in listed:
                add(
                    ("unmapped",),
                    f"concept '{cid}' of study '{sid}' maps onto no construct and is not "
                    "listed under unmapped with a reason",
                )
    return gaps


# ---------------------------------------------------------------------------- documents


def check_study(shown: str, doc: Document, stem: str) -> tuple[Study | None, list[Problem]]:
    """Check one study document read from file ``shown`` (whose stem is ``stem``).

    Returns the model (``None`` when its shape is wrong) and every problem found.
    """
    if not isinstance(doc.data, dict):
        return None, [Problem(shown, 1, "(document)", "a study file must be a mapping of fields")]
    try:
        study = Study.model_validate(doc.data)
    except ValidationError as err:
        return None, _schema_problems(shown, doc, err)
    problems = _study_references(shown, doc, study)
    if study.id != stem:
        problems.append(
            Problem(
                shown,
                doc.line_of(("id",)),
                "id",
                f"study id '{study.id}' must match the file name '{stem}'",
            )
        )
    return study, problems


def check_synthesis(
    shown: str,
    doc: Document,
    concepts: dict[str, set[str]],
    evidence: dict[str, set[str]],
    broken: set[str],
) -> tuple[Synthesis | None, list[Problem]]:
    """Check the synthesis document against the studies read (``concepts`` and ``evidence``
    ids by study id; ``broken``: studies whose own files have problems, not reported again)."""
    if not isinstance(doc.data, dict):
        return None, [
            Problem(shown, 1, "(document)", "the synthesis file must be a mapping of fields")
        ]
    try:
        synthesis = Synthesis.model_validate(doc.data)
    except ValidationError as err:
        return None, _schema_problems(shown, doc, err)
    return synthesis, _synthesis_references(shown, doc, synthesis, concepts, evidence, broken)


def check_review(
    shown: str, doc: Document, studies: set[str], broken: set[str]
) -> tuple[Review | None, list[Problem], list[Problem]]:
    """Check the review document (``review.yaml``) against the corpus's study ids.

    Returns the model (``None`` when its shape is wrong), every problem, and the gaps: a
    recorded translation order that leaves studies out (see :func:`synthesis_gaps`).
    """
    if not isinstance(doc.data, dict):
        return (
            None,
            [Problem(shown, 1, "(document)", "the review file must be a mapping of fields")],
            [],
        )
    try:
        review = Review.model_validate(doc.data)
    except ValidationError as err:
        return None, _schema_problems(shown, doc, err), []
    problems: list[Problem] = []
    gaps: list[Problem] = []
    order = review.translation_order
    named = order.studies if order is not None else []
    seen: dict[str, int] = {}
    known = studies | broken
    for j, sid in enumerate(named):
        path: PathKey = ("translation_order", "studies", j)
        line = doc.line_of(path)
        if sid not in known:
            message = f"unknown study '{sid}' (known: {', '.join(sorted(known))})"
            problems.append(Problem(shown, line, where(path), message))
        elif sid in seen:
            message = f"study '{sid}' is already in the order (line {seen[sid]})"
            problems.append(Problem(shown, line, where(path), message))
        else:
            seen[sid] = line
    missing = sorted(studies - set(named))
    if named and missing and not problems and not broken:
        path = ("translation_order", "studies")
        message = f"the translation order leaves out {', '.join(missing)}"
        gaps.append(Problem(shown, doc.line_of(path), where(path), message))
    return review, problems, gaps
