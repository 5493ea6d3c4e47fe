"""A corpus as a REFI-QDA project (``.qdpx``) or codebook (``.qdc``) for NVivo, ATLAS.ti, MAXQDA,
QualCoder and Taguette.

The mapping (the inverse of :mod:`peerlib.refi_import`, documented in ``data/README.md``):

- each study is a top-level code (not codable) holding its themes as codes (sub-themes nested
  in their parent), each theme holding its concepts as codable codes coloured by kind; a
  concept in several themes appears under each, its codings on the first;
- each study is a text source named by its id, with its citation and context as variables. The
  full text is not ours to ship, so the source text is built from the study's excerpts in the
  order of their offsets, separated by blank lines, and the source's description says so;
- each excerpt is a selection of that text, coded with the two concepts of each relation that
  cites it (one selection per citing relation); its id, speaker, section, offset in the paper
  and the relation type are ``key: value`` lines of the selection's description;
- each relation is a link between the two concept codes, named by its type, with its note as a
  note; each construct of the synthesis is a set of the concept codes it gathers.

GUIDs are uuid5 of a stable path (study, theme, concept ids), zip entries are sorted with a fixed
timestamp, so two exports of the same corpus are byte-identical.
"""

from __future__ import annotations

from collections import defaultdict
from pathlib import Path
from typing import Any
from xml.etree import ElementTree as ET

import pandas as pd

from . import _atomic
from ._refi import (
    CODEBOOK_NS,
    INTEGER_VARIABLES,
    NO_SAMPLE,
    PROJECT_FILE,
    PROJECT_NS,
    SOURCES_DIR,
    STUDY_VARIABLES,
    guid,
    join_fields,
)
from ._zip import stable_zip
from .loading import Corpus
from .theme import KIND_COLOURS

__all__ = ["codebook_bytes", "project_bytes", "write_qdc", "write_qdpx"]

ORIGIN = "peerlib"
_EXCERPT_GAP = "\n\n"


def _value(value: object) -> str | None:
    if value is None or value is pd.NA:
        return None
    if isinstance(value, float) and value != value:  # NaN
        return None
    return str(value)


def _rows(frame: pd.DataFrame, study_id: str) -> list[dict[str, Any]]:
    return [
        {str(k): _value(v) for k, v in row.items()}
        for row in frame[frame["study_id"] == study_id].to_dict("records")
    ]


def _sample_text(corpus: Corpus, study_id: str) -> str:
    """One line per sample group: ``group | n | unit | site | note`` (empty fields dropped at
    the end)."""
    lines = []
    for row in _rows(corpus.samples, study_id):
        fields = [row["group"], row["n"], row["unit"], row["site"] or "", row["note"] or ""]
        while fields and fields[-1] == "":
            fields.pop()
        lines.append(" | ".join(str(f) for f in fields))
    return "\n".join(lines) or NO_SAMPLE


class _Study:
    """What one study contributes to the export, with its GUIDs."""

    def __init__(self, corpus: Corpus, study_id: str) -> None:
        self.id = study_id
        self.row = next(r for r in corpus.studies.to_dict("records") if r["study_id"] == study_id)
        self.themes = _rows(corpus.themes, study_id)
        self.concepts = {r["concept_id"]: r for r in _rows(corpus.concepts, study_id)}
        self.relations = _rows(corpus.relations, study_id)
        self.evidence = _rows(corpus.evidence, study_id)
        self.members: dict[str, list[str]] = defaultdict(list)
        for row in _rows(corpus.theme_concepts, study_id):
            self.members[row["theme_id"]].append(row["concept_id"])
        self.cited: dict[str, list[str]] = defaultdict(list)  # evidence id -> relation ids
        self.relation_evidence: dict[str, list[str]] = defaultdict(list)
        for row in _rows(corpus.relation_evidence, study_id):
            self.cited[row["evidence_id"]].append(row["relation_id"])
            self.relation_evidence[row["relation_id"]].append(row["evidence_id"])
        self.sample = _sample_text(corpus, study_id)
        participants = sum(
            int(r["n"] or 0) for r in _rows(corpus.samples, study_id) if r["unit"] == "participants"
        )
        if self.row.get("sample_size") == participants:  # computed from the groups: not stated
            self.row["sample_size"] = None
        self.primary = self._primary_theme()

    def concept_guid(self, concept_id: str) -> str:
        return guid("study", self.id, "concept", concept_id)

    def _primary_theme(self) -> dict[str, str]:
        """Each concept's first theme (in theme order), under which its codings go."""
        first: dict[str, str] = {}
        for theme in self.themes:
            for concept in self.members[theme["theme_id"]]:
                first.setdefault(concept, theme["theme_id"])
        return first

    def text_and_spans(self) -> tuple[str, dict[str, tuple[int, int]]]:
        """The source text built from the excerpts (ordered by offset, then id) and each
        excerpt's span in it, in characters."""
        order = sorted(
            self.evidence,
            key=lambda e: (e["offset"] is None, int(e["offset"] or 0), e["evidence_id"]),
        )
        parts: list[str] = []
        spans: dict[str, tuple[int, int]] = {}
        position = 0
        for excerpt in order:
            if parts:
                parts.append(_EXCERPT_GAP)
                position += len(_EXCERPT_GAP)
            text = str(excerpt["text"])
            spans[str(excerpt["evidence_id"])] = (position, position + len(text))
            parts.append(text)
            position += len(text)
        return "".join(parts), spans


def _sub(parent: ET.Element, tag: str, **attrs: str | None) -> ET.Element:
    return ET.SubElement(parent, tag, {k: v for k, v in attrs.items() if v is not None})


def _description(parent: ET.Element, text: str) -> None:
    if text:
        _sub(parent, "Description").text = text


def _study_code(parent: ET.Element, study: _Study) -> None:
    code = _sub(parent, "Code", guid=guid("study", study.id), name=study.id, isCodable="false")
    citation = f"{study.row['authors']} ({study.row['year']}). {study.row['title']}."
    _description(code, join_fields(f"The codes of {citation}", {"study": study.id}))
    theme_codes: dict[str, ET.Element] = {}
    children: dict[str | None, list[dict[str, Any]]] = defaultdict(list)
    known = {t["theme_id"] for t in study.themes}
    for theme in study.themes:
        parent_id = theme["parent"] if theme["parent"] in known else None
        children[parent_id].append(theme)

    def add_theme(container: ET.Element, theme: dict[str, Any]) -> None:
        theme_id = theme["theme_id"]
        element = _sub(
            container,
            "Code",
            guid=guid("study", study.id, "theme", theme_id),
            name=theme["name"],
            isCodable="false",
        )
        _description(element, join_fields(theme["summary"], {"id": theme_id}))
        theme_codes[theme_id] = element
        for concept_id in study.members[theme_id]:
            concept = study.concepts[concept_id]
            first = study.primary[concept_id] == theme_id
            _sub(
                element,
                "Code",
                guid=study.concept_guid(concept_id)
                if first
                else guid("study", study.id, "theme", theme_id, "concept", concept_id),
                name=concept["label"],
                isCodable="true",
                color=KIND_COLOURS[concept["kind"]],
            )
            _description(
                element[-1],
                join_fields(concept["definition"], {"id": concept_id, "kind": concept["kind"]}),
            )
        for child in children.get(theme_id, []):
            add_theme(element, child)

    for theme in children[None]:
        add_theme(code, theme)
    placed = set(study.primary)
    for concept_id, concept in study.concepts.items():  # concepts in no theme
        if concept_id not in placed:
            element = _sub(
                code,
                "Code",
                guid=study.concept_guid(concept_id),
                name=concept["label"],
                isCodable="true",
                color=KIND_COLOURS[concept["kind"]],
            )
            _description(
                element,
                join_fields(concept["definition"], {"id": concept_id, "kind": concept["kind"]}),
            )


def _construct_sets(
    parent: ET.Element, corpus: Corpus, studies: dict[str, _Study], member_attr: str
) -> None:
    """A set per construct, of the concept codes it gathers (a codebook's MemberCode names its
    code by ``guid``, a project's by ``targetGUID``)."""
    members: dict[str, list[str]] = defaultdict(list)
    for row in corpus.alignment.to_dict("records"):
        study = studies.get(str(row["study_id"]))
        if study is not None and row["concept_id"] in study.concepts:
            members[str(row["construct_id"])].append(study.concept_guid(str(row["concept_id"])))
    for row in corpus.constructs.to_dict("records"):
        cid = str(row["construct_id"])
        element = _sub(parent, "Set", guid=guid("construct", cid), name=str(row["label"]))
        _description(element, join_fields(str(row["description"]), {"id": cid}))
        for member in members[cid]:
            _sub(element, "MemberCode", **{member_attr: member})


def _serialise(root: ET.Element) -> bytes:
    ET.indent(root, space=" ")
    data: bytes = ET.tostring(root, encoding="utf-8", xml_declaration=True)
    return data + b"\n"


def _studies(corpus: Corpus) -> dict[str, _Study]:
    return {sid: _Study(corpus, sid) for sid in corpus.study_ids}


def codebook_bytes(corpus: Corpus) -> bytes:
    """The corpus's themes, concepts and constructs as a REFI-QDA codebook (``.qdc``).

    Examples
    --------
    >>> from peerlib import load_corpus
    >>> codebook_bytes(load_corpus()).startswith(b"<?xml")
    True
    """
    ET.register_namespace("", CODEBOOK_NS)
    studies = _studies(corpus)
    root = ET.Element(f"{{{CODEBOOK_NS}}}CodeBook", origin=ORIGIN)
    codes = _sub(root, "Codes")
    for study in studies.values():
        _study_code(codes, study)
    if len(corpus.constructs):
        _construct_sets(_sub(root, "Sets"), corpus, studies, "guid")
    _qualify(root, CODEBOOK_NS)
    return _serialise(root)


def _qualify(root: ET.Element, ns: str) -> None:
    for element in root.iter():
        if not element.tag.startswith("{"):
            element.tag = f"{{{ns}}}{element.tag}"


def _variables(root: ET.Element) -> None:
    variables = _sub(root, "Variables")
    for name in STUDY_VARIABLES:
        _sub(
            variables,
            "Variable",
            guid=guid("variable", name),
            name=name,
            typeOfVariable="Integer" if name in INTEGER_VARIABLES else "Text",
        )


def _source(sources: ET.Element, study: _Study) -> tuple[str, str]:
    """Add the study's text source; return its file name in the zip and its text."""
    text, spans = study.text_and_spans()
    source_guid = guid("study", study.id, "source")
    file_name = f"{source_guid}.txt"
    element = _sub(
        sources,
        "TextSource",
        guid=source_guid,
        name=study.id,
        plainTextPath=f"internal://{file_name}",
    )
    _description(
        element,
        f"Built by peerlib from the {len(study.evidence)} excerpts coded from this study, in the "
        "order of their offsets in the paper, separated by blank lines: the full text is not "
        "included. Each selection's description gives the excerpt's id, speaker, section and "
        "offset (in characters) in the paper.",
    )
    for excerpt in study.evidence:
        eid = str(excerpt["evidence_id"])
        start, end = spans[eid]
        citing: list[str | None] = list(study.cited.get(eid, [])) or [None]
        for rid in citing:
            relation = next((r for r in study.relations if r["relation_id"] == rid), None)
            selection = _sub(
                element,
                "PlainTextSelection",
                guid=guid("study", study.id, "evidence", eid, "relation", rid or ""),
                name=eid,
                startPosition=str(start),
                endPosition=str(end),
            )
            fields = {
                "id": eid,
                "speaker": excerpt["speaker"],
                "section": excerpt["section"],
                "offset": excerpt["offset"],
                "relation": relation["type"] if relation else None,
            }
            _description(selection, join_fields(None, fields))
            if relation is None:
                continue
            for concept in dict.fromkeys((relation["source"], relation["target"])):
                coding = _sub(
                    selection,
                    "Coding",
                    guid=guid("study", study.id, "evidence", eid, "relation", str(rid), concept),
                )
                _sub(coding, "CodeRef", targetGUID=study.concept_guid(concept))
    for name in STUDY_VARIABLES:
        value = study.sample if name == "sample" else _value(study.row.get(name))
        if not value:
            continue
        holder = _sub(element, "VariableValue")
        _sub(holder, "VariableRef", targetGUID=guid("variable", name))
        tag = "IntegerValue" if name in INTEGER_VARIABLES else "TextValue"
        _sub(holder, tag).text = value
    return file_name, text


def _links(root: ET.Element, studies: dict[str, _Study]) -> list[tuple[str, str]]:
    """Add a link per relation; return the (note guid, note text) of relations with notes."""
    links = _sub(root, "Links")
    notes = []
    for study in studies.values():
        for relation in study.relations:
            rid = str(relation["relation_id"])
            link = _sub(
                links,
                "Link",
                guid=guid("study", study.id, "relation", rid),
                name=relation["type"],
                direction="Associative" if relation["type"] == "in_tension_with" else "OneWay",
                originGUID=study.concept_guid(relation["source"]),
                targetGUID=study.concept_guid(relation["target"]),
            )
            if relation["note"]:
                note_guid = guid("study", study.id, "relation", rid, "note")
                _sub(link, "NoteRef", targetGUID=note_guid)
                notes.append((note_guid, str(relation["note"])))
    if not len(links):
        root.remove(links)
    return notes


def project_bytes(corpus: Corpus) -> bytes:
    """The corpus as a REFI-QDA project (``.qdpx``: a zip of ``project.qde`` and sources).

    Examples
    --------
    >>> import zipfile, io
    >>> from peerlib import load_corpus
    >>> names = zipfile.ZipFile(io.BytesIO(project_bytes(load_corpus()))).namelist()
    >>> names[0], len(names)
    ('project.qde', 6)
    """
    ET.register_namespace("", PROJECT_NS)
    studies = _studies(corpus)
    root = ET.Element(
        f"{{{PROJECT_NS}}}Project",
        name=f"peerlib review: {corpus.root.name}",
        origin=ORIGIN,
        creatingUserGUID=guid("user", ORIGIN),
    )
    _sub(_sub(root, "Users"), "User", guid=guid("user", ORIGIN), name=ORIGIN)
    codes = _sub(_sub(root, "CodeBook"), "Codes")
    for study in studies.values():
        _study_code(codes, study)
    _variables(root)
    sources = _sub(root, "Sources")
    files = {}
    for study in studies.values():
        name, text = _source(sources, study)
        files[f"{SOURCES_DIR}/{name}"] = text.encode("utf-8")
    notes = _links(root, studies)
    if notes:
        holder = ET.Element("Notes")
        root.insert(list(root).index(sources) + 1, holder)
        for note_guid, text in notes:
            note = _sub(holder, "Note", guid=note_guid, name="relation note")
            _sub(note, "PlainTextContent").text = text
        links = root.find("Links")
        if links is not None:  # Links come after Notes in the schema's sequence
            root.remove(links)
            root.insert(list(root).index(holder) + 1, links)
    if len(corpus.constructs):
        _construct_sets(_sub(root, "Sets"), corpus, studies, "targetGUID")
    _qualify(root, PROJECT_NS)
    files[PROJECT_FILE] = _serialise(root)
    return _zip(files)


def _zip(files: dict[str, bytes]) -> bytes:
    """A zip with a fixed timestamp and file mode, project file first, then sorted entries."""
    order = sorted(files, key=lambda name: (name != PROJECT_FILE, name))
    return stable_zip((name, files[name]) for name in order)


def write_qdpx(corpus: Corpus, path: str | Path) -> Path:
    """Write the corpus as a REFI-QDA project ``.qdpx`` (atomically); return the path."""
    path = Path(path)
    _atomic.write_bytes(path, project_bytes(corpus))
    return path


def write_qdc(corpus: Corpus, path: str | Path) -> Path:
    """Write the corpus's codes and constructs as a REFI-QDA codebook ``.qdc`` (atomically)."""
    path = Path(path)
    _atomic.write_bytes(path, codebook_bytes(corpus))
    return path
