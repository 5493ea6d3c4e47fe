"""Column specs of the corpus tables and the flattening of validated files into their rows."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

import pandas as pd

from .models import (
    CERQUAL_LEVELS,
    CONCEPT_KINDS,
    COVERAGES,
    RELATION_TYPES,
    SAMPLE_UNITS,
    STUDY_RELATION_TYPES,
    STUDY_TYPES,
    Review,
    Study,
    Synthesis,
)

Rows = dict[str, list[tuple[Any, ...]]]

#: The review file's text fields, in the order of its table's columns (``translation_order``
#: holds the order's description; its studies are a table of their own).
REVIEW_FIELDS: tuple[str, ...] = tuple(name for name in Review.model_fields if name != "coders")

_TEXT = "string"
_INT = "Int64"

#: table -> [(column, dtype)]; categories keep the vocabulary's documented order.
COLUMNS: dict[str, list[tuple[str, Any]]] = {
    "studies": [
        ("study_id", _TEXT),
        ("file", _TEXT),
        ("authors", _TEXT),
        ("year", _INT),
        ("title", _TEXT),
        ("venue", _TEXT),
        ("volume", _TEXT),
        ("issue", _TEXT),
        ("pages", _TEXT),
        ("article", _TEXT),
        ("doi", _TEXT),
        ("licence", _TEXT),
        ("country", _TEXT),
        ("setting", _TEXT),
        ("design", _TEXT),
        ("sample_size", _INT),
        ("coverage", pd.CategoricalDtype(list(COVERAGES))),
        ("coverage_note", _TEXT),
        ("source_file", _TEXT),
        ("study_type", pd.CategoricalDtype(list(STUDY_TYPES))),
    ],
    "samples": [
        ("study_id", _TEXT),
        ("group", _TEXT),
        ("n", _INT),
        ("unit", pd.CategoricalDtype(list(SAMPLE_UNITS))),
        ("site", _TEXT),
        ("note", _TEXT),
    ],
    "themes": [
        ("study_id", _TEXT),
        ("theme_id", _TEXT),
        ("name", _TEXT),
        ("summary", _TEXT),
        ("parent", _TEXT),
        ("position", _INT),
    ],
    "theme_concepts": [("study_id", _TEXT), ("theme_id", _TEXT), ("concept_id", _TEXT)],
    "concepts": [
        ("study_id", _TEXT),
        ("concept_id", _TEXT),
        ("label", _TEXT),
        ("kind", pd.CategoricalDtype(list(CONCEPT_KINDS))),
        ("definition", _TEXT),
    ],
    "relations": [
        ("study_id", _TEXT),
        ("relation_id", _TEXT),
        ("source", _TEXT),
        ("target", _TEXT),
        ("type", pd.CategoricalDtype(list(RELATION_TYPES))),
        ("note", _TEXT),
    ],
    "relation_evidence": [("study_id", _TEXT), ("relation_id", _TEXT), ("evidence_id", _TEXT)],
    "evidence": [
        ("study_id", _TEXT),
        ("evidence_id", _TEXT),
        ("text", _TEXT),
        ("speaker", _TEXT),
        ("section", _TEXT),
        ("page", _TEXT),
        ("offset", _INT),
        ("verbatim", "bool"),
        ("words", _INT),
    ],
    "constructs": [
        ("construct_id", _TEXT),
        ("label", _TEXT),
        ("description", _TEXT),
        ("interpretation", _TEXT),
        ("study_specific", "bool"),
        ("finding", _TEXT),
        ("methodological_limitations", _TEXT),
        ("coherence", _TEXT),
        ("relevance", _TEXT),
        ("adequacy", _TEXT),
        ("confidence", pd.CategoricalDtype(list(CERQUAL_LEVELS), ordered=True)),
    ],
    "alignment": [("construct_id", _TEXT), ("study_id", _TEXT), ("concept_id", _TEXT)],
    "study_relations": [
        ("construct_id", _TEXT),
        ("position", _INT),
        ("study_a", _TEXT),
        ("study_b", _TEXT),
        ("type", pd.CategoricalDtype(list(STUDY_RELATION_TYPES))),
        ("rationale", _TEXT),
        ("extended_by", _TEXT),
    ],
    "study_relation_evidence": [
        ("construct_id", _TEXT),
        ("position", _INT),
        ("study_id", _TEXT),
        ("evidence_id", _TEXT),
    ],
    "untranslated": [
        ("construct_id", _TEXT),
        ("position", _INT),
        ("study_a", _TEXT),
        ("study_b", _TEXT),
        ("reason", _TEXT),
    ],
    "argument": [("step_id", _TEXT), ("position", _INT), ("claim", _TEXT), ("note", _TEXT)],
    "argument_constructs": [("step_id", _TEXT), ("construct_id", _TEXT)],
    "argument_studies": [("step_id", _TEXT), ("study_id", _TEXT)],
    "argument_evidence": [("step_id", _TEXT), ("study_id", _TEXT), ("evidence_id", _TEXT)],
    "unmapped": [("study_id", _TEXT), ("concept_id", _TEXT), ("reason", _TEXT)],
    "review": [(name, _TEXT) for name in REVIEW_FIELDS],
    "review_coders": [("role", _TEXT), ("task", _TEXT), ("stance", _TEXT)],
    "translation_order": [("position", _INT), ("study_id", _TEXT)],
}

STUDY_TABLES = (
    "studies",
    "samples",
    "themes",
    "theme_concepts",
    "concepts",
    "relations",
    "relation_evidence",
    "evidence",
)
SYNTHESIS_TABLES = (
    "constructs",
    "alignment",
    "study_relations",
    "study_relation_evidence",
    "untranslated",
    "argument",
    "argument_constructs",
    "argument_studies",
    "argument_evidence",
    "unmapped",
)
REVIEW_TABLES = ("review", "review_coders", "translation_order")


def relation_ids(study: Study) -> list[str]:
    """Each relation's id: its own, or ``r<n>`` by position in the file (1-based)."""
    return [rel.id or f"r{n}" for n, rel in enumerate(study.relations, start=1)]


def study_rows(study: Study, file: str) -> Rows:
    """Flatten one validated study into rows of the study tables."""
    sid, cit, ctx = study.id, study.citation, study.context
    rows: Rows = {name: [] for name in STUDY_TABLES}
    rows["studies"].append(
        (
            sid,
            file,
            "; ".join(cit.authors),
            cit.year,
            cit.title,
            cit.venue,
            cit.volume,
            cit.issue,
            cit.pages,
            cit.article,
            cit.doi,
            cit.licence,
            ctx.country,
            ctx.setting,
            ctx.design,
            _sample_size(study),
            ctx.coverage,
            ctx.coverage_note,
            ctx.source_file,
            ctx.study_type,
        )
    )
    rows["samples"] = [(sid, g.group, g.n, g.unit, g.site, g.note) for g in ctx.sample]
    for position, theme in enumerate(study.themes, start=1):
        rows["themes"].append((sid, theme.id, theme.name, theme.summary, theme.parent, position))
        rows["theme_concepts"].extend((sid, theme.id, c) for c in theme.concepts)
    rows["concepts"] = [(sid, c.id, c.label, c.kind, c.definition) for c in study.concepts]
    for rid, rel in zip(relation_ids(study), study.relations, strict=True):
        rows["relations"].append((sid, rid, rel.source, rel.target, rel.type, rel.note))
        rows["relation_evidence"].extend((sid, rid, e) for e in rel.evidence)
    rows["evidence"] = [
        (sid, e.id, e.text, e.speaker, e.section, e.page, e.offset, e.verbatim, len(e.text.split()))
        for e in study.evidence
    ]
    return rows


def _sample_size(study: Study) -> int | None:
    """The stated total, else the sum of the participant groups (interviews are not people)."""
    ctx = study.context
    if ctx.sample_size is not None:
        return ctx.sample_size
    people = [g.n for g in ctx.sample if g.unit == "participants"]
    return sum(people) if people else None


def synthesis_rows(synthesis: Synthesis) -> Rows:
    """Flatten the validated synthesis into rows of the synthesis tables."""
    rows: Rows = {name: [] for name in SYNTHESIS_TABLES}
    for con in synthesis.constructs:
        q = con.cerqual
        rows["constructs"].append(
            (
                con.id,
                con.label,
                con.description,
                con.interpretation,
                con.study_specific,
                con.finding,
                q.methodological_limitations,
                q.coherence,
                q.relevance,
                q.adequacy,
                q.confidence,
            )
        )
        for sid in sorted(con.concepts):
            rows["alignment"].extend((con.id, sid, c) for c in con.concepts[sid])
        for position, rel in enumerate(con.relations, start=1):
            a, b = rel.studies
            rows["study_relations"].append(
                (con.id, position, a, b, rel.type, rel.rationale, rel.extended_by)
            )
            for ref in rel.evidence:
                sid, eid = ref.split("/", 1)
                rows["study_relation_evidence"].append((con.id, position, sid, eid))
        for position, pair in enumerate(con.untranslated, start=1):
            a, b = pair.studies
            rows["untranslated"].append((con.id, position, a, b, pair.reason))
    for position, step in enumerate(synthesis.line_of_argument, start=1):
        rows["argument"].append((step.id, position, step.claim, step.note))
        rows["argument_constructs"].extend((step.id, c) for c in step.constructs)
        rows["argument_studies"].extend((step.id, s) for s in step.studies)
        for ref in step.evidence:
            sid, eid = ref.split("/", 1)
            rows["argument_evidence"].append((step.id, sid, eid))
    for group in synthesis.unmapped:
        rows["unmapped"].extend((group.study, c, group.reason) for c in group.concepts)
    return rows


def review_rows(review: Review) -> Rows:
    """Flatten the validated review file into rows of the review tables."""
    values = review.model_dump()
    order = review.translation_order
    values["translation_order"] = order.description if order is not None else None
    return {
        "review": [tuple(values[name] for name in REVIEW_FIELDS)],
        "review_coders": [(c.role, c.task, c.stance) for c in review.coders],
        "translation_order": list(enumerate(order.studies if order is not None else [], start=1)),
    }


def frame_of(rows: Iterable[tuple[Any, ...]], spec: list[tuple[str, Any]]) -> pd.DataFrame:
    """A frame with exactly these columns and dtypes, also when ``rows`` is empty."""
    df = pd.DataFrame.from_records(list(rows), columns=[name for name, _ in spec])
    return df.astype(dict(spec)).reset_index(drop=True)


def frame(table: str, rows: list[tuple[Any, ...]]) -> pd.DataFrame:
    """Build one corpus table with its documented columns and dtypes."""
    return frame_of(rows, COLUMNS[table])


def records(table: pd.DataFrame) -> list[dict[str, Any]]:
    """A table's rows as plain records in order, missing values as ``None``."""
    plain = table.astype(object).where(table.notna(), None)
    return [{str(k): v for k, v in row.items()} for row in plain.to_dict("records")]
