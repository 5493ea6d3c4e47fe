"""Another tool's REFI-QDA project (``.qdpx``) or codebook (``.qdc``) as a peerlib corpus folder.

The mapping is documented in ``data/README.md`` ("Importing from other tools"). In short: each
text source is a study; codes with sub-codes are themes and codable codes are concepts; coded
selections are excerpts, sliced from the source text by **character** offsets (a CRLF line
ending counts as two characters, as the file holds it; ATLAS.ti counts it as one, which is
followed when the project's ``origin`` names ATLAS.ti); links between codes whose name is a
relation type are relations, backed by the selections coded with both codes; sets of codes are
constructs of the synthesis.

Nothing is dropped silently. Every message names the element (file, line, element) and says
what happened; messages are of three kinds:

- **faults**: the file is wrong (a selection past the end of its text, a coding naming a code
  the codebook lacks, a missing source file, a value that is not a number); that part is not
  imported, and ``peerlib import`` exits with status 1;
- **left out**: something peerlib has no place for (a picture source, a variable that is no
  citation field, a link whose name is no relation type);
- **gaps**: what the author must still supply (a DOI, a concept's kind); the corpus is written
  without them, so ``peerlib validate`` names each again until it is filled in.

The folder is written atomically: into a hidden temporary folder beside it, renamed into place
only when every file is written, so a failed import leaves nothing behind.
"""

from __future__ import annotations

import os
import re
import shutil
import tempfile
import zipfile
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from . import _atomic
from ._refi import (
    CODE_FIELDS,
    CODEBOOK_NS,
    INTEGER_VARIABLES,
    NO_SAMPLE,
    PROJECT_FILE,
    PROJECT_NS,
    SELECTION_FIELDS,
    SET_FIELDS,
    SOURCES_DIR,
    STUDY_VARIABLES,
    VARIABLE_ALIASES,
    Element,
    XmlError,
    parse_xml,
    relation_type,
    slug,
    split_fields,
)
from .models import CONCEPT_KINDS, COVERAGES, MAX_EXCERPT_WORDS, SAMPLE_UNITS

__all__ = ["ImportReport", "ImportedCorpus", "RefiImportError", "import_refi", "read_refi"]

_ID = re.compile(r"^[a-z][a-z0-9_]*$")
_CITATION = ("authors", "year", "title", "venue", "volume", "issue", "pages", "article", "doi")
_REQUIRED_CITATION = ("authors", "year", "title", "venue", "doi")
_REQUIRED_CONTEXT = ("country", "setting", "design", "sample", "coverage")
_OTHER_SOURCES = ("PictureSource", "PDFSource", "AudioSource", "VideoSource")


class RefiImportError(Exception):
    """A file that cannot be imported at all (not a zip, not XML, no project); nothing is
    written. ``problems`` holds one line per fault."""

    def __init__(self, problems: list[str]) -> None:
        self.problems = problems
        super().__init__("\n".join(problems))


@dataclass
class ImportReport:
    """What an import did: every message, one line each, and the counts."""

    faults: list[str] = field(default_factory=list)
    left_out: list[str] = field(default_factory=list)
    gaps: list[str] = field(default_factory=list)
    #: what -> [imported, not imported]
    counts: dict[str, list[int]] = field(default_factory=dict)
    out: Path | None = None

    def count(self, what: str, imported: int = 0, not_imported: int = 0) -> None:
        entry = self.counts.setdefault(what, [0, 0])
        entry[0] += imported
        entry[1] += not_imported

    def lines(self) -> list[str]:
        """Faults, left-out items and gaps (one line each), then the counts."""
        out = [f"fault: {m}" for m in self.faults]
        out += [f"left out: {m}" for m in self.left_out]
        out += [f"to supply: {m}" for m in self.gaps]
        parts = [
            f"{name} {done}" + (f" ({missed} not imported)" if missed else "")
            for name, (done, missed) in self.counts.items()
        ]
        out.append("imported: " + ", ".join(parts))
        if self.gaps:
            out.append(
                f"{len(self.gaps)} thing{'s' if len(self.gaps) != 1 else ''} to supply: "
                "`peerlib validate` lists each until it is filled in"
            )
        return out


# ---------------------------------------------------------------------------- reading


@dataclass
class _Code:
    guid: str | None
    name: str
    codable: bool
    body: str
    fields: dict[str, str]
    line: int
    parent: _Code | None = None
    children: list[_Code] = field(default_factory=list)
    study: str | None = None  # set for the codes under a study's own top-level code

    @property
    def where(self) -> str:
        return f"Code '{self.name}'"

    def ancestors(self) -> Iterable[_Code]:
        node = self.parent
        while node is not None:
            yield node
            node = node.parent


class _Reader:
    """One import: the parsed document, what it maps to, and the report."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self.report = ImportReport()
        self.archive: zipfile.ZipFile | None = None
        self.member = ""
        self.atlas = False
        self.peerlib = False

    def at(self, element: Element | int) -> str:
        line = element if isinstance(element, int) else element.line
        shown = f"{self.path}[{self.member}]" if self.member else str(self.path)
        return f"{shown}:{line}"

    def fault(self, element: Element | int, where: str, message: str) -> None:
        self.report.faults.append(f"{self.at(element)}: {where}: {message}")

    def leave_out(self, element: Element | int, where: str, message: str) -> None:
        self.report.left_out.append(f"{self.at(element)}: {where}: {message}")

    # ------------------------------------------------------------------ documents

    def document(self) -> Element:
        if self.path.suffix.lower() == ".qdc":
            data = self._read_file()
            root = self._parse(data)
            self._check_root(root, "CodeBook", CODEBOOK_NS)
            return root
        try:
            self.archive = zipfile.ZipFile(self.path)
        except (zipfile.BadZipFile, OSError) as err:
            raise RefiImportError([f"{self.path}:1: (file): not a .qdpx project ({err})"]) from None
        names = self.archive.namelist()
        qde = [n for n in names if "/" not in n and n.lower().endswith(".qde")]
        if not qde:
            raise RefiImportError(
                [f"{self.path}:1: (archive): no project.qde inside (entries: {len(names)})"]
            )
        self.member = PROJECT_FILE if PROJECT_FILE in qde else sorted(qde)[0]
        root = self._parse(self.archive.read(self.member))
        self._check_root(root, "Project", PROJECT_NS)
        origin = (root.attrib.get("origin") or "").lower()
        self.atlas = origin.startswith("atlas.ti")
        # peerlib builds its source texts from the excerpts: offsets are in the descriptions
        self.peerlib = origin == "peerlib"
        return root

    def _read_file(self) -> bytes:
        try:
            return self.path.read_bytes()
        except OSError as err:
            raise RefiImportError([f"{self.path}:1: (file): {err.strerror}"]) from None

    def _parse(self, data: bytes) -> Element:
        try:
            return parse_xml(data)
        except XmlError as err:
            raise RefiImportError([f"{self.at(err.line)}: (document): {err}"]) from None

    def _check_root(self, root: Element, tag: str, ns: str) -> None:
        if root.tag != tag:
            raise RefiImportError(
                [f"{self.at(root)}: {root.tag}: the root element must be {tag} (REFI-QDA {ns})"]
            )
        if root.ns != ns:
            self.fault(root, tag, f"namespace {root.ns!r} should be {ns!r}; read as if it were")

    # ------------------------------------------------------------------ codes

    def codes(self, root: Element) -> list[_Code]:
        """Every code, parents before children, with Taguette-style ``parent\\child`` names
        nested when the codebook is otherwise flat."""
        codebook = root if root.tag == "CodeBook" else root.find("CodeBook")
        codes_element = None if codebook is None else codebook.find("Codes")
        out: list[_Code] = []
        seen: dict[str, int] = {}

        def walk(element: Element, parent: _Code | None) -> None:
            body, fields = split_fields(element.child_text("Description"), CODE_FIELDS)
            name = element.attrib.get("name") or ""
            code_guid = element.attrib.get("guid")
            if not name:
                self.fault(element, "Code", "has no name; named by its guid")
                name = code_guid or f"code {len(out) + 1}"
            code = _Code(
                guid=code_guid,
                name=name,
                codable=element.attrib.get("isCodable", "true").strip().lower() != "false",
                body=body,
                fields=fields,
                line=element.line,
                parent=parent,
            )
            if code_guid is None:
                self.fault(element, code.where, "has no guid, so nothing can be coded with it")
            elif code_guid.lower() in seen:
                self.fault(
                    element,
                    code.where,
                    f"guid {code_guid} is also used on line {seen[code_guid.lower()]}",
                )
            else:
                seen[code_guid.lower()] = element.line
            if parent is not None:
                parent.children.append(code)
            out.append(code)
            for child in element.findall("Code"):
                walk(child, code)

        for element in [] if codes_element is None else codes_element.findall("Code"):
            walk(element, None)
        if out and not any(c.children for c in out) and any("\\" in c.name for c in out):
            out = self._nest_paths(out)
        return out

    def _nest_paths(self, flat: list[_Code]) -> list[_Code]:
        by_path = {c.name: c for c in flat}
        out: list[_Code] = []

        def node(path: str, line: int) -> _Code:
            if path in by_path and by_path[path] in out:
                return by_path[path]
            code = by_path.get(path)
            if code is None:  # a parent that is only named in a child's path
                code = _Code(None, path, False, "", {}, line)
                by_path[path] = code
            head, sep, tail = path.rpartition("\\")
            if sep:
                code.parent = node(head, line)
                code.parent.children.append(code)
                code.name = tail
            out.append(code)
            return code

        for code in flat:
            node(code.name, code.line)
        return out

    # ------------------------------------------------------------------ variables

    def variables(self, root: Element) -> dict[str, tuple[str, str | None]]:
        """Variable guid -> (its name, the study field it fills or None)."""
        out = {}
        holder = root.find("Variables")
        for element in [] if holder is None else holder.findall("Variable"):
            name = element.attrib.get("name", "")
            key = re.sub(r"\s+", " ", name.strip().lower())
            key = VARIABLE_ALIASES.get(key, key).replace(" ", "_")
            out[element.attrib.get("guid", "").lower()] = (
                name,
                key if key in STUDY_VARIABLES else None,
            )
        return out

    def variable_values(
        self, owner: Element, variables: dict[str, tuple[str, str | None]], where: str
    ) -> dict[str, tuple[str, Element]]:
        values: dict[str, tuple[str, Element]] = {}
        for holder in owner.findall("VariableValue"):
            ref = holder.find("VariableRef")
            target = "" if ref is None else ref.attrib.get("targetGUID", "").lower()
            value_element = next((c for c in holder.children if c.tag.endswith("Value")), None)
            if target not in variables:
                self.fault(
                    holder,
                    where,
                    f"VariableValue names variable {target or '(none)'}, "
                    "which the project does not declare",
                )
                self.report.count("variable values", not_imported=1)
                continue
            name, key = variables[target]
            if key is None:
                self.leave_out(
                    holder,
                    where,
                    f"variable '{name}' is not a peerlib study field "
                    f"({', '.join(STUDY_VARIABLES)})",
                )
                self.report.count("variable values", not_imported=1)
                continue
            if value_element is None or not value_element.text.strip():
                continue
            values[key] = (value_element.text.strip(), holder)
            self.report.count("variable values", imported=1)
        return values

    # ------------------------------------------------------------------ source texts

    def source_text(self, element: Element, where: str) -> str | None:
        content = element.find("PlainTextContent")
        if content is not None:
            text = content.text
        else:
            path = element.attrib.get("plainTextPath")
            if not path:
                self.fault(element, where, "has neither PlainTextContent nor plainTextPath")
                return None
            data = self._source_file(element, where, path)
            if data is None:
                return None
            try:
                text = data.decode("utf-8-sig")
            except UnicodeDecodeError as err:
                self.fault(element, where, f"source file {path} is not UTF-8 ({err.reason})")
                return None
        return text.replace("\r\n", "\n") if self.atlas else text

    def _source_file(self, element: Element, where: str, path: str) -> bytes | None:
        scheme, sep, name = path.partition("://")
        if not sep or scheme != "internal" or self.archive is None:
            self.fault(
                element,
                where,
                f"source file {path} is not inside the project archive; export the project "
                "with its sources embedded",
            )
            return None
        wanted = f"{SOURCES_DIR}/{name}".lower()
        member = next((n for n in self.archive.namelist() if n.lower() == wanted), None)
        if member is None:
            self.fault(element, where, f"source file {path} is missing from the archive")
            return None
        return self.archive.read(member)


# ---------------------------------------------------------------------------- mapping


@dataclass
class _Excerpt:
    start: int
    end: int
    text: str
    line: int
    fields: dict[str, str]
    codes: list[set[str]] = field(default_factory=list)  # code guids, per selection
    relations: list[str | None] = field(default_factory=list)  # relation field, per selection
    id: str = ""


@dataclass
class _StudyDraft:
    id: str
    name: str
    line: int
    fields: dict[str, tuple[str, Element | None]] = field(default_factory=dict)
    excerpts: list[_Excerpt] = field(default_factory=list)
    coded: set[str] = field(default_factory=set)  # code guids used in its selections
    concept_ids: dict[str, str] = field(default_factory=dict)  # code guid -> concept id
    concepts: dict[str, dict[str, Any]] = field(default_factory=dict)
    themes: list[dict[str, Any]] = field(default_factory=list)
    relations: list[dict[str, Any]] = field(default_factory=list)


def _backs(excerpt: _Excerpt, codes: set[str], rtype: str) -> bool:
    """Whether an excerpt is evidence for a link of type ``rtype`` between ``codes``.

    A span coded with both codes backs the link (tools such as QualCoder write one selection per
    coding, so the codes of all selections of a span count together). Selections that name
    their relation (``relation: type``, as peerlib writes them) back only links of that type.
    """
    if any(rel is not None for rel in excerpt.relations):
        return any(
            codes <= coded and rel == rtype
            for coded, rel in zip(excerpt.codes, excerpt.relations, strict=True)
        )
    return codes <= set().union(*excerpt.codes)


def _study_root(code: _Code) -> bool:
    """A top-level code that holds one study's codes (named after its source, or ``study:``)."""
    return code.parent is None and code.study is not None


def _unique(wanted: str, used: set[str]) -> str:
    candidate, n = wanted, 1
    while candidate in used:
        n += 1
        candidate = f"{wanted}_{n}"
    used.add(candidate)
    return candidate


class _Mapper:
    def __init__(self, reader: _Reader, root: Element) -> None:
        self.r = reader
        self.root = root
        self.codes = reader.codes(root)
        self.by_guid = {c.guid.lower(): c for c in self.codes if c.guid}
        self.studies: dict[str, _StudyDraft] = {}
        self.constructs: list[dict[str, Any]] = []

    # ------------------------------------------------------------------ studies

    def project_studies(self) -> None:
        sources = self.root.find("Sources")
        variables = self.r.variables(self.root)
        used: set[str] = set()
        elements = [] if sources is None else sources.children
        by_guid: dict[str, _StudyDraft] = {}
        for element in elements:
            if element.tag in _OTHER_SOURCES:
                self.r.leave_out(
                    element,
                    f"{element.tag} '{element.attrib.get('name', '')}'",
                    "only text sources become studies",
                )
                self.r.report.count("sources", not_imported=1)
                continue
            if element.tag != "TextSource":
                continue
            name = element.attrib.get("name") or element.attrib.get("guid") or "source"
            where = f"TextSource '{name}'"
            wanted = slug(re.sub(r"\.(txt|docx?|rtf|odt|pdf)$", "", name), "s")
            study_id = _unique(wanted, used)
            if study_id != wanted:
                self.r.leave_out(element, where, f"another source is named alike: '{study_id}'")
            study = _StudyDraft(study_id, name, element.line)
            _, described = split_fields(element.child_text("Description"), STUDY_VARIABLES)
            for key, value in described.items():
                study.fields[key] = (value, element)
            for key, (value, holder) in self.r.variable_values(element, variables, where).items():
                study.fields[key] = (value, holder)
            text = self.r.source_text(element, where)
            self._selections(study, element, text, where)
            for coding in element.findall("Coding"):
                self.r.leave_out(coding, where, "a coding of the whole source is not an excerpt")
                self.r.report.count("codings", not_imported=1)
            self.studies[study_id] = study
            by_guid[element.attrib.get("guid", "").lower()] = study
            self.r.report.count("sources", imported=1)
        self._case_variables(by_guid, variables)

    def _case_variables(
        self, by_guid: dict[str, _StudyDraft], variables: dict[str, tuple[str, str | None]]
    ) -> None:
        cases = self.root.find("Cases")
        for case in [] if cases is None else cases.findall("Case"):
            where = f"Case '{case.attrib.get('name', '')}'"
            values = self.r.variable_values(case, variables, where)
            for ref in case.findall("SourceRef"):
                study = by_guid.get(ref.attrib.get("targetGUID", "").lower())
                if study is None:
                    continue
                for key, (value, holder) in values.items():
                    study.fields.setdefault(key, (value, holder))

    def _selections(
        self, study: _StudyDraft, source: Element, text: str | None, where: str
    ) -> None:
        spans: dict[tuple[int, int], _Excerpt] = {}
        for element in source.findall("PlainTextSelection"):
            here = f"{where} > PlainTextSelection '{element.attrib.get('name', '')}'"
            try:
                start = int(element.attrib.get("startPosition", ""))
                end = int(element.attrib.get("endPosition", ""))
            except ValueError:
                self.r.fault(element, here, "startPosition and endPosition must be whole numbers")
                self.r.report.count("selections", not_imported=1)
                continue
            if text is None:
                self.r.fault(element, here, "not imported: its source text is missing")
                self.r.report.count("selections", not_imported=1)
                continue
            if not 0 <= start < end <= len(text):
                problem = (
                    f"ends at {end}, past the end of the text ({len(text)} characters)"
                    if end > len(text)
                    else f"the span {start}-{end} is empty or reversed"
                )
                self.r.fault(element, here, f"{problem}: not imported")
                self.r.report.count("selections", not_imported=1)
                continue
            _, fields = split_fields(element.child_text("Description"), SELECTION_FIELDS)
            excerpt = spans.get((start, end))
            if excerpt is None:
                excerpt = _Excerpt(start, end, text[start:end], element.line, fields)
                spans[(start, end)] = excerpt
            for key, value in fields.items():
                excerpt.fields.setdefault(key, value)
            guids = set()
            for coding in element.findall("Coding"):
                ref = coding.find("CodeRef")
                target = "" if ref is None else ref.attrib.get("targetGUID", "").lower()
                if target not in self.by_guid:
                    self.r.fault(
                        coding,
                        here,
                        f"a coding names code {target or '(none)'}, which the codebook "
                        "does not have: that coding is not imported",
                    )
                    self.r.report.count("codings", not_imported=1)
                    continue
                guids.add(target)
                self.r.report.count("codings", imported=1)
            excerpt.codes.append(guids)
            excerpt.relations.append(fields.get("relation"))
            study.coded |= guids
            self.r.report.count("selections", imported=1)
        used: set[str] = set()
        ordered = sorted(spans.values(), key=lambda e: (e.start, e.end))
        for excerpt in ordered:  # ids the file gives first, then e1, e2, ... for the others
            wanted = excerpt.fields.get("id", "")
            if _ID.match(wanted) and wanted not in used:
                excerpt.id = wanted
                used.add(wanted)
        number = 0
        for excerpt in ordered:
            while not excerpt.id:
                number += 1
                if f"e{number}" not in used:
                    excerpt.id = f"e{number}"
                    used.add(excerpt.id)
        study.excerpts = ordered

    def codebook_studies(self) -> None:
        """A codebook has no sources: each study's own top-level code (``study: id``) is a
        study, and the codes outside any become one study named after the file."""
        roots = [c for c in self.codes if c.parent is None and c.fields.get("study")]
        for code in roots:
            study_id = _unique(slug(code.fields["study"], "s"), set(self.studies))
            self.studies[study_id] = _StudyDraft(study_id, code.name, code.line)
        if any(c.parent is None and not c.fields.get("study") for c in self.codes):
            study_id = _unique(slug(self.r.path.stem, "s"), set(self.studies))
            self.studies[study_id] = _StudyDraft(study_id, self.r.path.stem, 1)

    # ------------------------------------------------------------------ codes

    def assign_codes(self, codebook: bool) -> None:
        """Give each study its concepts and themes from the code hierarchy."""
        by_name = {s.id: s for s in self.studies.values()}
        by_name.update({s.name: s for s in self.studies.values()})
        for code in self.codes:  # a top-level code named after a study holds its codes only
            if code.parent is None:
                owner = code.fields.get("study") or code.name
                code.study = by_name[owner].id if owner in by_name else None
            else:
                code.study = code.parent.study
        fallback = next((s.id for s in self.studies.values() if s.name == self.r.path.stem), None)
        for code in self.codes:
            if not code.codable:
                continue
            candidates: list[str | None]
            if codebook:
                candidates = [code.study or fallback]
            elif code.study is not None:
                candidates = [code.study]
            else:
                candidates = [
                    s.id
                    for s in self.studies.values()
                    if code.guid and code.guid.lower() in s.coded
                ]
            owners = [o for o in candidates if o is not None]
            if not owners:
                self.r.leave_out(code.line, code.where, "coded in no source: not imported")
                self.r.report.count("concepts", not_imported=1)
                continue
            for owner in owners:
                self._concept(self.studies[owner], code)
        for study in self.studies.values():
            self._themes(study)
            self.r.report.count("concepts", imported=len(study.concepts))
            self.r.report.count("themes", imported=len(study.themes))

    def _concept(self, study: _StudyDraft, code: _Code) -> None:
        wanted = code.fields.get("id", "")
        concept_id = wanted if _ID.match(wanted) else slug(code.name, "c")
        existing = study.concepts.get(concept_id)
        if existing is not None and existing["label"].lower() != code.name.lower() and not wanted:
            concept_id = _unique(concept_id, set(study.concepts))
            existing = None
        if code.guid:
            study.concept_ids[code.guid.lower()] = concept_id
        if existing is not None:
            existing["_codes"].append(code)
            return
        concept: dict[str, Any] = {"id": concept_id, "label": code.name, "_codes": [code]}
        kind = code.fields.get("kind")
        if kind in CONCEPT_KINDS:
            concept["kind"] = kind
        elif kind:
            self.r.fault(code.line, code.where, f"kind {kind!r} is not one of {CONCEPT_KINDS}")
        if code.body:
            concept["definition"] = code.body
        study.concepts[concept_id] = concept

    def _themes(self, study: _StudyDraft) -> None:
        """A code with sub-codes is a theme holding the concepts directly under it (and itself,
        when it is a concept too); a study's own top-level code is no theme."""
        theme_codes: dict[int, _Code] = {}
        direct: dict[int, list[str]] = defaultdict(list)
        position = {id(c): i for i, c in enumerate(self.codes)}
        pairs = sorted(
            (
                (code, concept["id"])
                for concept in study.concepts.values()
                for code in concept["_codes"]
            ),
            key=lambda pair: position[id(pair[0])],
        )
        for code, concept_id in pairs:  # in document order, so a theme keeps its order
            holders = [code] if code.children else []
            if code.parent is not None and not _study_root(code.parent):
                holders.append(code.parent)
            for holder in holders:
                theme_codes[id(holder)] = holder
                if concept_id not in direct[id(holder)]:
                    direct[id(holder)].append(concept_id)
        for code in list(theme_codes.values()):  # parents of themes are themes too
            for ancestor in code.ancestors():
                if _study_root(ancestor):
                    break
                theme_codes.setdefault(id(ancestor), ancestor)
        ordered = [c for c in self.codes if id(c) in theme_codes]
        ids: dict[int, str] = {}
        used: set[str] = set()
        for code in ordered:
            wanted = code.fields.get("id", "")
            ids[id(code)] = _unique(wanted if _ID.match(wanted) else slug(code.name, "t"), used)
        for code in ordered:
            concepts = list(direct[id(code)])
            if not concepts:  # a theme holding only sub-themes holds their concepts
                for other in ordered:
                    if code in list(other.ancestors()):
                        concepts += [c for c in direct[id(other)] if c not in concepts]
            parent = next((ids[id(a)] for a in code.ancestors() if id(a) in ids), None)
            theme: dict[str, Any] = {"id": ids[id(code)], "name": code.name}
            if code.body:
                theme["summary"] = code.body
            theme["concepts"] = concepts
            if parent is not None:
                theme["parent"] = parent
            study.themes.append(theme)

    # ------------------------------------------------------------------ links and sets

    def relations(self) -> None:
        notes = self._notes()
        links = self.root.find("Links")
        counters: dict[str, int] = defaultdict(int)
        for link in [] if links is None else links.findall("Link"):
            name = link.attrib.get("name", "")
            where = f"Link '{name}'"
            origin = self.by_guid.get(link.attrib.get("originGUID", "").lower())
            target = self.by_guid.get(link.attrib.get("targetGUID", "").lower())
            if origin is None or target is None:
                self.r.leave_out(link, where, "does not join two codes: not a relation")
                self.r.report.count("links", not_imported=1)
                continue
            rtype = relation_type(name)
            if rtype is None:
                self.r.leave_out(
                    link,
                    where,
                    f"between '{origin.name}' and '{target.name}': {name!r} is not a relation "
                    "type (enables, constrains, produces, requires, part_of, enacts, "
                    "in_tension_with, contests); rename the link to import it",
                )
                self.r.report.count("links", not_imported=1)
                continue
            note = " ".join(
                notes[r.attrib.get("targetGUID", "").lower()]
                for r in link.findall("NoteRef")
                if r.attrib.get("targetGUID", "").lower() in notes
            )
            found = False
            for study in self.studies.values():
                a = study.concept_ids.get(str(origin.guid).lower())
                b = study.concept_ids.get(str(target.guid).lower())
                if a is None or b is None:
                    continue
                wanted = {str(origin.guid).lower(), str(target.guid).lower()}
                evidence = [e.id for e in study.excerpts if _backs(e, wanted, rtype)]
                if not evidence:
                    continue
                found = True
                counters[study.id] += 1
                relation: dict[str, Any] = {"source": a, "target": b, "type": rtype}
                relation["evidence"] = evidence
                if note:
                    relation["note"] = note
                study.relations.append(relation)
                self.r.report.count("relations", imported=1)
            if not found:
                self.r.leave_out(
                    link,
                    where,
                    f"between '{origin.name}' and '{target.name}': no selection is coded with "
                    "both codes, and a relation needs evidence: not imported",
                )
                self.r.report.count("links", not_imported=1)

    def _notes(self) -> dict[str, str]:
        holder = self.root.find("Notes")
        out = {}
        for note in [] if holder is None else holder.findall("Note"):
            text = note.child_text("PlainTextContent")
            if text is None and note.attrib.get("plainTextPath"):
                text = self.r.source_text(note, f"Note '{note.attrib.get('name', '')}'")
            if text:
                out[note.attrib.get("guid", "").lower()] = text.strip()
        return out

    def sets(self) -> None:
        sets = self.root.find("Sets")  # in a project beside its CodeBook, in a codebook inside
        used: set[str] = set()
        for element in [] if sets is None else sets.findall("Set"):
            name = element.attrib.get("name", "")
            where = f"Set '{name}'"
            body, fields = split_fields(element.child_text("Description"), SET_FIELDS)
            members = [
                (m.attrib.get("guid") or m.attrib.get("targetGUID") or "").lower()
                for m in element.findall("MemberCode")
            ]
            concepts: dict[str, list[str]] = {}
            for member in members:
                if member not in self.by_guid:
                    self.r.fault(element, where, f"member code {member} is not in the codebook")
                    continue
                for study in self.studies.values():
                    concept = study.concept_ids.get(member)
                    if concept is not None and concept not in concepts.setdefault(study.id, []):
                        concepts[study.id].append(concept)
            concepts = {k: v for k, v in concepts.items() if v}
            if not concepts:
                self.r.leave_out(element, where, "holds no imported code: not a construct")
                self.r.report.count("sets", not_imported=1)
                continue
            wanted = fields.get("id", "")
            construct: dict[str, Any] = {
                "id": _unique(wanted if _ID.match(wanted) else slug(name, "k"), used),
                "label": name,
            }
            if body:
                construct["description"] = body
            if len(concepts) < 2:
                construct["study_specific"] = True
            construct["concepts"] = concepts
            self.constructs.append(construct)
            self.r.report.count("constructs", imported=1)


# ---------------------------------------------------------------------------- writing


def _study_document(study: _StudyDraft, reader: _Reader) -> tuple[dict[str, Any], list[str]]:
    """The study as a YAML-ready mapping, and what the author must still supply."""
    gaps: list[str] = []
    doc: dict[str, Any] = {"id": study.id}
    values = {k: v for k, (v, _) in study.fields.items()}
    citation: dict[str, Any] = {}
    for key in (*_CITATION, "licence"):
        value = values.get(key)
        if value is None:
            continue
        if key == "authors":
            citation[key] = [a.strip() for a in value.split(";") if a.strip()]
        elif key in INTEGER_VARIABLES:
            try:
                citation[key] = int(value)
            except ValueError:
                reader.fault(
                    study.fields[key][1] or study.line,
                    f"TextSource '{study.name}'",
                    f"{key} {value!r} is not a whole number",
                )
        else:
            citation[key] = value
    gaps += [f"citation.{k}" for k in _REQUIRED_CITATION if k not in citation]
    if citation:
        doc["citation"] = citation
    context: dict[str, Any] = {}
    for key in ("country", "setting", "design", "study_type"):
        if key in values:
            context[key] = values[key]
    if "sample" in values:
        sample = _sample(values["sample"])
        if sample is None:
            reader.fault(
                study.fields["sample"][1] or study.line,
                f"TextSource '{study.name}'",
                "sample must be one group a line, 'group | n | unit | site | note'",
            )
        else:
            context["sample"] = sample
    if "sample_size" in values:
        try:
            context["sample_size"] = int(values["sample_size"])
        except ValueError:
            reader.fault(
                study.fields["sample_size"][1] or study.line,
                f"TextSource '{study.name}'",
                "sample_size is not a whole number",
            )
    if values.get("coverage") in COVERAGES:
        context["coverage"] = values["coverage"]
    elif "coverage" in values:
        reader.fault(
            study.fields["coverage"][1] or study.line,
            f"TextSource '{study.name}'",
            f"coverage {values['coverage']!r} is not one of {COVERAGES}",
        )
    for key in ("coverage_note", "source_file"):
        if key in values:
            context[key] = values[key]
    gaps += [f"context.{k}" for k in _REQUIRED_CONTEXT if k not in context]
    if context:
        doc["context"] = context
    if study.themes:
        doc["themes"] = study.themes
        no_summary = sum("summary" not in t for t in study.themes)
        if no_summary:
            gaps.append(f"themes[].summary ({no_summary} of {len(study.themes)} themes)")
    else:
        gaps.append(
            "themes (the codes have no hierarchy: group the concepts into the paper's themes)"
        )
    concepts = [{k: v for k, v in c.items() if k != "_codes"} for c in study.concepts.values()]
    if concepts:
        doc["concepts"] = concepts
        for key, hint in (("kind", "'kind: ...' line"), ("definition", "description")):
            missing = sum(key not in c for c in concepts)
            if missing:
                gaps.append(
                    f"concepts[].{key} ({missing} of {len(concepts)} concepts; their codes "
                    f"have no {hint})"
                )
    else:
        gaps.append("concepts (no codable code is coded in this source)")
    doc["relations"] = study.relations
    evidence = []
    long_ones = []
    for excerpt in study.excerpts:
        item: dict[str, Any] = {"id": excerpt.id, "text": excerpt.text.replace("\r\n", "\n")}
        for key in ("speaker", "section"):
            if excerpt.fields.get(key):
                item[key] = excerpt.fields[key]
        offset = excerpt.fields.get("offset", "")
        if offset.isdigit():
            item["offset"] = int(offset)
        elif not reader.peerlib:
            item["offset"] = excerpt.start
        evidence.append(item)
        if len(excerpt.text.split()) > MAX_EXCERPT_WORDS:
            long_ones.append(
                f"{excerpt.id} ({len(excerpt.text.split())} words, line {excerpt.line})"
            )
    doc["evidence"] = evidence
    for key in ("speaker", "section"):
        missing = sum(key not in e for e in evidence)
        if missing:
            gaps.append(f"evidence[].{key} ({missing} of {len(evidence)} excerpts)")
    if long_ones:
        gaps.append(
            f"evidence[].text: shorten to at most {MAX_EXCERPT_WORDS} words: {', '.join(long_ones)}"
        )
    return doc, gaps


def _sample(text: str) -> list[dict[str, Any]] | None:
    if text.strip().lower() == NO_SAMPLE:
        return []
    groups = []
    for line in text.replace("\r\n", "\n").split("\n"):
        if not line.strip():
            continue
        parts = [p.strip() for p in line.split("|")]
        if len(parts) < 2 or len(parts) > 5 or not parts[1].isdigit():
            return None
        group: dict[str, Any] = {"group": parts[0], "n": int(parts[1])}
        if len(parts) > 2 and parts[2]:
            if parts[2] not in SAMPLE_UNITS:
                return None
            if parts[2] != "participants":
                group["unit"] = parts[2]
        for key, value in zip(("site", "note"), parts[3:], strict=False):
            if value:
                group[key] = value
        groups.append(group)
    return groups


def _dump(doc: dict[str, Any], header: list[str]) -> str:
    body = yaml.safe_dump(doc, sort_keys=False, allow_unicode=True, width=100)
    comments = "".join(f"# {line}\n" for line in header)
    return comments + body


@dataclass
class ImportedCorpus:
    """The files of an imported corpus (relative path -> text) and the report."""

    files: dict[str, str]
    report: ImportReport


def read_refi(path: str | os.PathLike[str]) -> ImportedCorpus:
    """Read a ``.qdpx`` project or ``.qdc`` codebook into corpus files, without writing.

    Raises
    ------
    RefiImportError
        When the file cannot be read at all.
    """
    reader = _Reader(Path(path))
    root = reader.document()
    mapper = _Mapper(reader, root)
    codebook = root.tag == "CodeBook"
    if codebook:
        mapper.codebook_studies()
    else:
        mapper.project_studies()
    if not mapper.studies:
        raise RefiImportError([f"{reader.at(root)}: {root.tag}: no text sources and no codes"])
    mapper.assign_codes(codebook)
    if not codebook:
        mapper.relations()
    mapper.sets()
    files: dict[str, str] = {}
    origin = root.attrib.get("origin") or "an unnamed tool"
    for study in mapper.studies.values():
        doc, gaps = _study_document(study, reader)
        name = f"studies/{study.id}.yaml"
        reader.report.gaps += [f"{name}: {gap}: not in {reader.path.name}" for gap in gaps]
        header = [f"Imported by peerlib from {reader.path.name} ({origin})."]
        if gaps:
            header.append("Still to supply (peerlib validate lists each):")
            header += [f"  {gap}" for gap in gaps]
        files[name] = _dump(doc, header)
        reader.report.count("excerpts", imported=len(study.excerpts))
    if mapper.constructs:
        missing = [c["id"] for c in mapper.constructs if "description" not in c]
        header = [f"Imported by peerlib from {reader.path.name} ({origin})."]
        if missing:
            gap = f"constructs[].description ({', '.join(missing)})"
            reader.report.gaps.append(f"synthesis.yaml: {gap}: not in {reader.path.name}")
            header += ["Still to supply (peerlib validate lists each):", f"  {gap}"]
        files["synthesis.yaml"] = _dump({"constructs": mapper.constructs}, header)
    else:  # a review needs its synthesis file: peerlib validate says it is missing
        gap = "synthesis.yaml: constructs (no set of codes to make them from)"
        reader.report.gaps.append(f"{gap}: not in {reader.path.name}")
    reader.report.count("studies", imported=len(mapper.studies))
    return ImportedCorpus(files, reader.report)


def import_refi(path: str | os.PathLike[str], out: str | os.PathLike[str]) -> ImportReport:
    """Import a ``.qdpx`` or ``.qdc`` file into a new corpus folder ``out``, atomically.

    ``out`` must not exist yet (or be an empty folder). The folder appears complete or not at
    all. Returns the report; raises :class:`RefiImportError` when nothing could be imported.

    Examples
    --------
    >>> import tempfile
    >>> from pathlib import Path
    >>> from peerlib import load_corpus
    >>> from peerlib.refi_export import write_qdpx
    >>> with tempfile.TemporaryDirectory() as tmp:
    ...     qdpx = write_qdpx(load_corpus(), Path(tmp) / "review.qdpx")
    ...     report = import_refi(qdpx, Path(tmp) / "back")
    ...     load_corpus(Path(tmp) / "back").study_ids == load_corpus().study_ids
    True
    """
    target = Path(out)
    if target.exists() and (not target.is_dir() or any(target.iterdir())):
        raise RefiImportError(
            [f"{target}: (folder): already exists and is not empty; choose a new folder"]
        )
    imported = read_refi(path)
    target.parent.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=f".{target.name}.", suffix=".import", dir=target.parent))
    try:
        for name, text in sorted(imported.files.items()):
            _atomic.write_text(staging / name, text)
        if target.exists():
            target.rmdir()
        staging.replace(target)
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise
    imported.report.out = target
    return imported.report
