"""What REFI-QDA export and import share: names, GUIDs, field conventions and a reader with lines.

REFI-QDA (QDA-XML 1.0) is the exchange format of NVivo, ATLAS.ti, MAXQDA, QualCoder and
Taguette: a project (``.qdpx``, a zip holding ``project.qde`` and its ``sources/``) or a
codebook (``.qdc``). The format has no place for a concept's kind or an excerpt's speaker, so
peerlib writes such fields as trailing ``key: value`` lines of an element's ``Description``
(:func:`split_fields`); any tool shows them as text, and a coder can write them by hand too.
"""

from __future__ import annotations

import re
import uuid
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from xml.parsers import expat

from .models import RELATION_TYPES

PROJECT_NS = "urn:QDA-XML:project:1.0"
CODEBOOK_NS = "urn:QDA-XML:codebook:1.0"
PROJECT_FILE = "project.qde"
SOURCES_DIR = "sources"
#: Fixed namespace of peerlib's GUIDs: uuid5 of a stable path, the same on every export.
GUID_NAMESPACE = uuid.UUID("6a4f0d3e-5b1c-5e55-9a53-70656572c1b0")

#: The study fields written as REFI variables of a text source, in this order.
STUDY_VARIABLES: tuple[str, ...] = (
    "authors",
    "year",
    "title",
    "venue",
    "volume",
    "issue",
    "pages",
    "article",
    "doi",
    "licence",
    "country",
    "setting",
    "design",
    "study_type",
    "sample",
    "sample_size",
    "coverage",
    "coverage_note",
    "source_file",
)
INTEGER_VARIABLES = frozenset({"year", "sample_size"})
#: The ``sample`` variable of a study that reports no sample (a conceptual paper).
NO_SAMPLE = "none"
#: Other spellings of variable names that tools and coders use.
VARIABLE_ALIASES: Mapping[str, str] = {
    "author": "authors",
    "journal": "venue",
    "license": "licence",
    "publication year": "year",
    "n": "sample_size",
}
#: Trailing ``key: value`` lines peerlib reads from each element's Description.
CODE_FIELDS = ("id", "kind", "study")
SELECTION_FIELDS = ("id", "speaker", "section", "offset", "relation")
SET_FIELDS = ("id",)


def guid(*parts: str) -> str:
    """A GUID derived from a stable path, so that two exports are byte-identical.

    >>> guid("study", "alpha") == guid("study", "alpha") != guid("study", "beta")
    True
    """
    return str(uuid.uuid5(GUID_NAMESPACE, "/".join(parts)))


def slug(name: str, prefix: str = "x") -> str:
    """A peerlib id (``[a-z][a-z0-9_]*``) made from a name.

    >>> slug("Café culture & Trust"), slug("2nd wave"), slug("***")
    ('cafe_culture_trust', 'x_2nd_wave', 'x')
    """
    import unicodedata

    text = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode("ascii")
    text = re.sub(r"[^a-z0-9]+", "_", text.lower()).strip("_")
    if not text:
        return prefix
    return text if text[0].isalpha() else f"{prefix}_{text}"


def relation_type(name: str) -> str | None:
    """The peerlib relation type a link's name stands for, or ``None``.

    >>> relation_type("In tension with"), relation_type("part-of"), relation_type("causes")
    ('in_tension_with', 'part_of', None)
    """
    key = re.sub(r"[\s-]+", "_", name.strip().lower())
    return key if key in RELATION_TYPES else None


_FIELD = re.compile(r"^([a-z_]+):[ \t]*(.*?)\s*$")


def split_fields(text: str | None, keys: Sequence[str]) -> tuple[str, dict[str, str]]:
    """Split a Description into its text and its trailing ``key: value`` lines of ``keys``.

    >>> split_fields("Telling one's story.\\n\\nkind: practice\\nid: disclosure", ("id", "kind"))
    ("Telling one's story.", {'id': 'disclosure', 'kind': 'practice'})
    """
    lines = (text or "").replace("\r\n", "\n").strip().split("\n")
    fields: dict[str, str] = {}
    while lines:
        match = _FIELD.match(lines[-1])
        if match is None or match.group(1) not in keys or match.group(1) in fields:
            break
        fields[match.group(1)] = match.group(2)
        lines.pop()
    return "\n".join(lines).strip(), dict(sorted(fields.items(), key=lambda kv: keys.index(kv[0])))


def join_fields(text: str | None, fields: Mapping[str, object]) -> str:
    """A Description of ``text`` followed by ``key: value`` lines (the inverse of split_fields).

    >>> join_fields("A worker.", {"kind": "actor", "id": None})
    'A worker.\\n\\nkind: actor'
    """
    lines = [f"{key}: {value}" for key, value in fields.items() if value not in (None, "")]
    body = (text or "").strip()
    return "\n\n".join(part for part in (body, "\n".join(lines)) if part)


# ---------------------------------------------------------------------------- reading XML


class XmlError(ValueError):
    """XML that cannot be read at all; ``line`` is where the parser stopped."""

    def __init__(self, line: int, message: str) -> None:
        super().__init__(message)
        self.line = line


@dataclass
class Element:
    """An XML element with the line it starts on (the standard library's tree has no lines)."""

    ns: str
    tag: str
    attrib: dict[str, str]
    line: int
    children: list[Element] = field(default_factory=list)
    text: str = ""

    def find(self, tag: str) -> Element | None:
        return next((c for c in self.children if c.tag == tag), None)

    def findall(self, tag: str) -> list[Element]:
        return [c for c in self.children if c.tag == tag]

    def child_text(self, tag: str) -> str | None:
        found = self.find(tag)
        return None if found is None else found.text

    def iter(self, tag: str) -> Iterator[Element]:
        if self.tag == tag:
            yield self
        for child in self.children:
            yield from child.iter(tag)


def parse_xml(data: bytes) -> Element:
    """Parse an XML document into :class:`Element` s with line numbers.

    Document type declarations are refused (REFI files have none, and entity expansion is how
    XML bombs work); so are undeclared entities. Raises :class:`XmlError`.

    >>> root = parse_xml(b'<a xmlns="urn:x"><b n="1">hi</b>\\n<b/></a>')
    >>> root.ns, [(b.attrib, b.text, b.line) for b in root.findall("b")]
    ('urn:x', [({'n': '1'}, 'hi', 1), ({}, '', 2)])
    """
    parser = expat.ParserCreate(namespace_separator="}")
    stack: list[Element] = []
    roots: list[Element] = []
    texts: list[list[str]] = []

    def start(name: str, attrs: dict[str, str]) -> None:
        ns, _, tag = name.rpartition("}")
        node = Element(
            ns, tag, {k.rpartition("}")[2]: v for k, v in attrs.items()}, parser.CurrentLineNumber
        )
        (stack[-1].children if stack else roots).append(node)
        stack.append(node)
        texts.append([])

    def end(name: str) -> None:
        node = stack.pop()
        node.text = "".join(texts.pop())

    def chars(data: str) -> None:
        if texts:
            texts[-1].append(data)

    def refuse_doctype(*_: object) -> None:
        raise XmlError(parser.CurrentLineNumber, "document type declarations are not allowed")

    parser.StartElementHandler = start
    parser.EndElementHandler = end
    parser.CharacterDataHandler = chars
    parser.StartDoctypeDeclHandler = refuse_doctype
    parser.buffer_text = True
    try:
        parser.Parse(data, True)
    except expat.ExpatError as err:
        raise XmlError(err.lineno, f"not well-formed XML: {expat.ErrorString(err.code)}") from None
    return roots[0]
