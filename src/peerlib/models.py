"""The corpus format as pydantic models: the single source of the shapes and vocabularies.

The JSON Schemas published in ``data/schema/`` are generated from these models
(:func:`json_schemas`), so the editor's schema and the validator can never disagree.
Cross-references (unknown ids, duplicates) are checked in :mod:`peerlib.validation`.
"""

from __future__ import annotations

from typing import Annotated, Any, Literal, get_args

from pydantic import (
    AfterValidator,
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    StringConstraints,
    field_validator,
    model_validator,
)

__all__ = [
    "CONCEPT_KINDS",
    "COVERAGES",
    "COVERAGE_LABELS",
    "MAX_COUNT",
    "MAX_EXCERPT_WORDS",
    "MAX_ID_LENGTH",
    "RELATION_TYPES",
    "STUDY_RELATION_TYPES",
    "STUDY_TYPES",
    "ArgumentStep",
    "Citation",
    "Coder",
    "Concept",
    "Construct",
    "Context",
    "Evidence",
    "Relation",
    "Review",
    "Study",
    "Synthesis",
    "TranslationOrder",
    "UnmappedConcepts",
    "UntranslatedPair",
    "json_schemas",
]

MAX_EXCERPT_WORDS = 40
#: Longest id: ids become file and folder names (``figures/study-<id>/``), and every file system
#: takes a name of this length with room to spare.
MAX_ID_LENGTH = 64
#: Largest count or offset (sample sizes, character offsets): far beyond any real study, small
#: enough for every integer column and tool downstream.
MAX_COUNT = 999_999_999

ConceptKind = Literal[
    "actor", "practice", "mechanism", "principle", "resource", "tension", "outcome", "context"
]
RelationType = Literal[
    "enables",
    "constrains",
    "produces",
    "requires",
    "part_of",
    "enacts",
    "in_tension_with",
    "contests",
]
StudyRelationType = Literal["agree", "extend", "refute"]
SampleUnit = Literal["participants", "observed", "interviews"]
Coverage = Literal["full_text", "results_only", "abstract_only", "citation_only"]
StudyType = Literal["empirical", "interim", "conceptual", "review"]
CerqualLevel = Literal["high", "moderate", "low", "very low"]

# The vocabularies as tuples, in documented order (data/README.md), derived from the types.
#: Concept kinds.
CONCEPT_KINDS: tuple[str, ...] = get_args(ConceptKind)
#: Relation types between concepts of one study (read ``source TYPE target``).
RELATION_TYPES: tuple[str, ...] = get_args(RelationType)
#: How two studies relate on a construct.
STUDY_RELATION_TYPES: tuple[str, ...] = get_args(StudyRelationType)
#: What a sample group's ``n`` counts.
SAMPLE_UNITS: tuple[str, ...] = get_args(SampleUnit)
#: What the coded text of a study holds (``citation_only``: no text, only the reference).
COVERAGES: tuple[str, ...] = get_args(Coverage)
#: Each coverage in words, for tables and legends: ``full_text`` -> ``full text``.
COVERAGE_LABELS: dict[str, str] = {c: c.replace("_", " ") for c in COVERAGES}
#: What kind of evidence a paper offers: an empirical study, interim findings of an ongoing
#: study (a column, a conference report), a conceptual (argued, data-free) paper, a review.
STUDY_TYPES: tuple[str, ...] = get_args(StudyType)
#: GRADE-CERQual levels of confidence.
CERQUAL_LEVELS: tuple[str, ...] = get_args(CerqualLevel)


# The bounds below are checked by validators, not published in data/schema: the JSON Schema
# describes shapes and vocabularies for an editor; peerlib validate checks everything.
def _short_id(value: str) -> str:
    if len(value) > MAX_ID_LENGTH:
        raise ValueError(
            f"id '{value[:20]}...' has {len(value)} characters; at most {MAX_ID_LENGTH} "
            "(ids become file names)"
        )
    return value


def _not_blank(value: str) -> str:
    if not value.strip():
        raise ValueError("text must not be blank (it holds only white space)")
    return value


def _count(value: int | None) -> int | None:
    if value is not None and value > MAX_COUNT:
        raise ValueError(f"{value} is out of range: at most {MAX_COUNT:,}")
    return value


Id = Annotated[str, StringConstraints(pattern=r"^[a-z][a-z0-9_]*$"), AfterValidator(_short_id)]
StudyId = Annotated[
    str, StringConstraints(pattern=r"^[a-z][a-z0-9_-]*$"), AfterValidator(_short_id)
]
Text = Annotated[str, StringConstraints(min_length=1), AfterValidator(_not_blank)]
EvidenceRef = Annotated[str, StringConstraints(pattern=r"^[a-z][a-z0-9_-]*/[a-z][a-z0-9_]*$")]
# Volume, issue, pages and page are labels, but hand-written YAML makes `volume: 12` an int:
# a whole number is read as its digits (documented in data/README.md; "010" needs its quotes).
Label = Annotated[str, BeforeValidator(lambda v: str(v) if type(v) is int else v)]
Doi = Annotated[str, StringConstraints(pattern=r"^10\.\d{4,9}/\S+$")]


class _Strict(BaseModel):
    # Unknown keys are typos far more often than extensions: reject them.
    model_config = ConfigDict(extra="forbid", strict=True, frozen=True)


class Citation(_Strict):
    authors: list[Text] = Field(min_length=1, description='"Surname, Initials", in order')
    year: int = Field(ge=1900, le=2100)
    title: Text
    venue: Text
    volume: Label | None = None
    issue: Label | None = None
    pages: Label | None = None
    article: Label | None = Field(None, description="article number, for e-journals")
    doi: Doi | None = Field(
        None, description="bare DOI, e.g. 10.1186/1472-6963-13-188; null when the work has none"
    )
    licence: str | None = None


class SampleGroup(_Strict):
    group: Text
    n: Annotated[int, AfterValidator(_count)] = Field(ge=0)
    unit: SampleUnit = Field("participants", description="what n counts")
    site: str | None = None
    note: str | None = None


class Context(_Strict):
    country: Text
    setting: Text
    design: Text
    sample: list[SampleGroup]
    sample_size: Annotated[int | None, AfterValidator(_count)] = Field(
        None, ge=0, description="total participants, where groups overlap or the paper states it"
    )
    coverage: Coverage
    coverage_note: str | None = None
    source_file: str | None = Field(None, description="the text that offsets count into")
    study_type: StudyType | None = Field(
        None, description="empirical | interim | conceptual | review: the kind of evidence"
    )


class Theme(_Strict):
    id: Id
    name: Text = Field(description="the paper's own name for the theme")
    summary: Text = Field(description="in our own words")
    concepts: list[Id] = Field(min_length=1)
    parent: Id | None = None


class Concept(_Strict):
    id: Id
    label: Text
    kind: ConceptKind
    definition: Text = Field(description="in our own words")


class Relation(_Strict):
    source: Id
    target: Id
    type: RelationType
    evidence: list[Id] = Field(min_length=1)
    id: Id | None = None
    note: str | None = None


class Evidence(_Strict):
    id: Id
    text: Text = Field(
        description=f"verbatim (unless verbatim is false), at most {MAX_EXCERPT_WORDS} words"
    )
    speaker: Text = Field(description='role of the speaker; "authors" for the authors\' claims')
    section: Text | None = Field(None, description="locator: the heading it stands under")
    page: Label | None = Field(None, description="locator: the page, as printed")
    offset: Annotated[int | None, AfterValidator(_count)] = Field(
        None, ge=0, description="locator: character offset in source_file"
    )
    verbatim: bool = Field(
        True, description="false: a paraphrase, shown as such and not counted as an excerpt"
    )

    @model_validator(mode="after")
    def _located(self) -> Evidence:
        if self.section is None and self.page is None and self.offset is None:
            raise ValueError("an excerpt needs a locator: section, page or offset (at least one)")
        return self

    @field_validator("text")
    @classmethod
    def _short_excerpt(cls, value: str) -> str:
        words = len(value.split())
        if words > MAX_EXCERPT_WORDS:
            raise ValueError(f"excerpt has {words} words; at most {MAX_EXCERPT_WORDS} allowed")
        return value


class Study(_Strict):
    id: StudyId
    citation: Citation
    context: Context
    themes: list[Theme] = Field(min_length=1)
    concepts: list[Concept] = Field(min_length=1)
    relations: list[Relation]
    evidence: list[Evidence]


class StudyRelation(_Strict):
    studies: list[StudyId] = Field(min_length=2, max_length=2)
    type: StudyRelationType
    rationale: Text
    evidence: list[EvidenceRef] = []
    extended_by: StudyId | None = Field(
        None, description="for type extend: which of the two studies adds to the other's account"
    )


class UntranslatedPair(_Strict):
    studies: list[StudyId] = Field(min_length=2, max_length=2)
    reason: Text = Field(description="why the two accounts were not translated into each other")


class Cerqual(_Strict):
    methodological_limitations: str | None = None
    coherence: str | None = None
    relevance: str | None = None
    adequacy: str | None = Field(None, description="overrides the computed adequacy note")
    confidence: CerqualLevel | None = None


class Construct(_Strict):
    id: Id
    label: Text
    description: Text
    interpretation: str | None = None
    study_specific: bool = False
    concepts: dict[StudyId, list[Id]] = Field(min_length=1)
    relations: list[StudyRelation] = []
    finding: str | None = None
    cerqual: Cerqual = Cerqual()
    untranslated: list[UntranslatedPair] = Field(
        [], description="pairs of studies on this construct not translated, each with a reason"
    )


class ArgumentStep(_Strict):
    id: Id
    claim: Text = Field(description="one step of the line of argument, in our own words")
    constructs: list[Id] = Field(min_length=1, description="the constructs the step rests on")
    studies: list[StudyId] = Field(min_length=1, description="the studies the step rests on")
    evidence: list[EvidenceRef] = []
    note: str | None = None


class UnmappedConcepts(_Strict):
    study: StudyId
    concepts: list[Id] = Field(min_length=1)
    reason: Text = Field(description="why these concepts map onto no construct")


class Synthesis(_Strict):
    constructs: list[Construct] = Field(min_length=1)
    line_of_argument: list[ArgumentStep] = Field(
        [], description="the line-of-argument synthesis: ordered steps across constructs"
    )
    unmapped: list[UnmappedConcepts] = Field(
        [], description="concepts left out of every construct on purpose, with the reason"
    )


class Coder(_Strict):
    role: Text = Field(description="who coded or reviewed, e.g. 'single coder per paper'")
    task: str | None = None
    stance: str | None = Field(None, description="their relation to the topic, for reflexivity")


class TranslationOrder(_Strict):
    studies: list[StudyId] = Field(
        [], description="the order in which studies were translated, index paper first"
    )
    description: Text = Field(description="how the order was chosen, or how translation ran")


class Review(_Strict):
    """The review as a whole: what it asked and how it was done (eMERGe reporting items)."""

    title: str | None = None
    context: str | None = Field(None, description="eMERGe 1: the gap and the wider context")
    aims: str | None = Field(None, description="eMERGe 2")
    question: Text = Field(description="eMERGe 3: the review question")
    method_rationale: str | None = Field(None, description="eMERGe 4: why meta-ethnography")
    search: str | None = Field(None, description="eMERGe 5-6: search strategy and process")
    inclusion: Text = Field(description="eMERGe 7: how studies were chosen")
    selection_outcome: str | None = Field(None, description="eMERGe 8")
    reading: str | None = Field(None, description="eMERGe 9: reading and data extraction")
    appraisal: str | None = Field(None, description="how study quality was appraised")
    relating: str | None = Field(None, description="eMERGe 11: how studies were related")
    translation: str | None = Field(None, description="eMERGe 13: how translation was done")
    translation_order: TranslationOrder | None = None
    synthesis: str | None = Field(None, description="eMERGe 15: synthesising translations")
    coders: list[Coder] = []
    reflexivity: str | None = Field(None, description="eMERGe 18: the reviewers' stance")
    limitations: str | None = Field(None, description="eMERGe 18: strengths and limitations")
    conclusions: str | None = Field(None, description="eMERGe 19")


def json_schemas() -> dict[str, dict[str, Any]]:
    """Return the JSON Schemas of the two file kinds, keyed by file name.

    Examples
    --------
    >>> sorted(json_schemas())
    ['review.schema.json', 'study.schema.json', 'synthesis.schema.json']
    """
    schemas = {}
    models: tuple[tuple[str, type[BaseModel]], ...] = (
        ("review", Review),
        ("study", Study),
        ("synthesis", Synthesis),
    )
    for name, model in models:
        schema = model.model_json_schema()
        schema["$schema"] = "https://json-schema.org/draft/2020-12/schema"
        schema["$id"] = f"https://peerlib.invalid/schema/{name}.schema.json"
        schemas[f"{name}.schema.json"] = schema
    return schemas
