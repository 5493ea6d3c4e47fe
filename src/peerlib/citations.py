"""The reference list of a review from its study files: BibTeX and RIS.

Each study's ``citation`` block becomes one reference keyed by the study id, so the reference
list of a review comes from the same files as its figures. The formats are written by
maintained libraries: ``bibtexparser`` (with LaTeX encoding of special characters and accents)
and ``rispy``. Every study is exported as a journal article (``@article``, ``TY - JOUR``), the
only kind the corpus format describes; an article number goes to ``eid`` (BibTeX) and ``C7``
(RIS), a page range ``101-110`` becomes ``101--110`` in BibTeX and ``SP``/``EP`` in RIS.

>>> from peerlib import load_corpus
>>> print(to_bibtex(load_corpus(studies=["austin2014"])))  # doctest: +ELLIPSIS
@article{austin2014,
  author = {Austin, E. and Ramakrishnan, A. and Hopper, K.},
  title = {Embodying Recovery: A Qualitative Study of Peer Work in a Consumer-Run ...},
  journal = {Community Mental Health Journal},
  year = {2014},
  volume = {50},
  number = {8},
  pages = {879--885},
  doi = {10.1007/s10597-014-9693-z}
}
<BLANKLINE>
>>> print(to_ris(load_corpus(studies=["austin2014"])).splitlines()[:3])
['TY  - JOUR', 'ID  - austin2014', 'AU  - Austin, E.']
"""

from __future__ import annotations

from collections.abc import Callable

from ._tables import records
from .loading import Corpus

__all__ = ["FORMATS", "to_bibtex", "to_ris"]


def _page_range(pages: str | None) -> tuple[str | None, str | None]:
    if pages is None:
        return None, None
    first, _, last = pages.replace("–", "-").partition("-")
    return first.strip() or None, last.strip() or None


def to_bibtex(corpus: Corpus) -> str:
    """Every study of ``corpus`` as a BibTeX ``@article`` keyed by its id (file order)."""
    from bibtexparser.entrypoint import write_string
    from bibtexparser.library import Library
    from bibtexparser.middlewares import LatexEncodingMiddleware
    from bibtexparser.model import Entry, Field
    from bibtexparser.writer import BibtexFormat

    library = Library()
    for study in records(corpus.studies):
        first, last = _page_range(study["pages"])
        values = {
            "author": " and ".join(str(a) for a in str(study["authors"]).split("; ")),
            "title": study["title"],
            "journal": study["venue"],
            "year": str(study["year"]),
            "volume": study["volume"],
            "number": study["issue"],
            "pages": f"{first}--{last}" if first and last else first,
            "eid": study["article"],
            "doi": study["doi"],
        }
        fields = [Field(key, str(value)) for key, value in values.items() if value is not None]
        library.add(Entry("article", str(study["study_id"]), fields))
    layout = BibtexFormat()  # type: ignore[no-untyped-call]
    layout.indent = "  "
    text: str = write_string(
        library, prepend_middleware=[LatexEncodingMiddleware()], bibtex_format=layout
    )
    return text.strip() + "\n"


def to_ris(corpus: Corpus) -> str:
    """Every study of ``corpus`` as an RIS journal article (``TY - JOUR``), ``ID`` its id."""
    import rispy

    class _Writer(rispy.RisWriter):  # type: ignore[misc]
        def set_header(self, count: int) -> str:
            return ""  # no "1." counter line: not part of RIS

    references = []
    for study in records(corpus.studies):
        first, last = _page_range(study["pages"])
        values = {
            "type_of_reference": "JOUR",
            "id": study["study_id"],
            "authors": str(study["authors"]).split("; "),
            "title": study["title"],
            "journal_name": study["venue"],
            "year": str(study["year"]),
            "volume": study["volume"],
            "number": study["issue"],
            "start_page": first,
            "end_page": last,
            "custom7": study["article"],
            "doi": study["doi"],
        }
        references.append({k: v for k, v in values.items() if v is not None})
    text: str = rispy.dumps(references, implementation=_Writer)
    return text


#: ``peerlib export <format>``: format name -> writer.
FORMATS: dict[str, Callable[[Corpus], str]] = {"bibtex": to_bibtex, "ris": to_ris}
