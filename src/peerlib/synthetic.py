"""Generated reviews of any size, for scale tests and benchmarks.

:func:`write_review` writes a review folder in the real format (``studies/*.yaml`` and a
``synthesis.yaml``) that ``peerlib validate`` accepts, built from the review bundled with
peerlib so that every study has realistic size and structure:

- **studies** are copies of the five bundled studies, taken in turn: study number ``k`` (from
  1) copies the ``(k - 1) mod 5``-th bundled study in file order, under the id
  ``<source>_<k>`` with ``k`` zero-padded (``moran2025_0005``). Each copy is perturbed: its
  year moves by up to five years, its coverage is redrawn (about 60% full text, 30% results
  only, 10% abstract only), and about a fifth of its relations are dropped (at least one is
  kept), so copies of one paper differ in their graphs and counts. Themes, concepts and
  excerpts are the source's own.
- **constructs** are the bundled synthesis's constructs. A copy maps onto a construct when its
  source does (in 85% of cases: the rest leave gaps in the matrix), with a random non-empty
  subset of the source's concepts there; a copy left with no construct at all is mapped onto
  the first construct its source maps onto, so every study speaks to some construct.
- **study relations**: each relation of the bundled synthesis is repeated between copies of
  its two studies (the k-th copy of one with the k-th copy of the other, for about half of the
  pairs), with its type, rationale, evidence and ``extended_by``.
- **line of argument**: the bundled one, each step on the constructs kept and naming every
  copy of its studies that maps onto them (the synthesis's ``untranslated`` reasons and
  ``unmapped`` concepts are about the bundled studies and are left out);
- **more constructs**: every 25 studies add one (a variant of a bundled construct, drawn on by
  a random group of copies, with a few agreements and extensions and, in a third of them, a
  refutation), so the construct axis grows with the review too.

The same ``(n_studies, seed)`` writes the same bytes on every run (with the pinned PyYAML).

Examples
--------
>>> import tempfile
>>> from peerlib import load_corpus
>>> with tempfile.TemporaryDirectory() as tmp:
...     ids = write_review(tmp, 12, seed=1)
...     corpus = load_corpus(tmp, jobs=1)
>>> len(ids), corpus.study_ids == ids, ids[:2]
(12, True, ['austin2014_01', 'austin2014_06'])
"""

from __future__ import annotations

import os
import random
from collections import defaultdict
from pathlib import Path
from typing import Any

import yaml

from .corpus_files import corpus_root

__all__ = ["write_review"]

#: One extra construct per this many studies.
STUDIES_PER_EXTRA_CONSTRUCT = 25
#: How often a copy's text is coded in full, results only or abstract only (never citation only).
_COVERAGE_WEIGHTS = {"full_text": 6, "results_only": 3, "abstract_only": 1}
_KEEP_RELATION = 0.8
_KEEP_MAPPING = 0.85
_KEEP_CONCEPT = 0.8
_REPEAT_STUDY_RELATION = 0.5

Document = dict[str, Any]


class _Dumper(getattr(yaml, "CSafeDumper", yaml.SafeDumper)):  # type: ignore[misc]
    """A safe dumper that writes every shared object in full: the reader refuses aliases."""

    def ignore_aliases(self, data: Any) -> bool:
        return True


def _dump(doc: Document, path: Path) -> None:
    text = yaml.dump(
        doc, Dumper=_Dumper, sort_keys=False, allow_unicode=True, width=100, default_flow_style=None
    )
    path.write_text(text, encoding="utf-8")


def _load(path: Path) -> Document:
    loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
    with path.open(encoding="utf-8") as handle:
        doc: Document = yaml.load(handle, Loader=loader)
    return doc


def _copy_study(source: Document, new_id: str, rng: random.Random) -> Document:
    """A perturbed copy of a bundled study under ``new_id``."""
    doc = dict(source)
    doc["id"] = new_id
    citation = dict(source["citation"])
    citation["year"] = min(2025, max(1990, int(citation["year"]) + rng.randint(-5, 5)))
    citation["title"] = f"{citation['title']} (synthetic copy {new_id})"
    citation["doi"] = f"10.5555/peerlib.synthetic.{new_id}"
    doc["citation"] = citation
    context = dict(source["context"])
    context["coverage"] = rng.choices(list(_COVERAGE_WEIGHTS), list(_COVERAGE_WEIGHTS.values()))[0]
    doc["context"] = context
    relations = [r for r in source["relations"] if rng.random() < _KEEP_RELATION]
    if not relations and source["relations"]:
        relations = [source["relations"][0]]
    doc["relations"] = relations
    return doc


def _study_ids(n_studies: int, sources: list[str]) -> list[tuple[str, str]]:
    """(new id, source id) of every study, in file (id) order."""
    width = max(2, len(str(n_studies)))
    pairs = [
        (f"{sources[i % len(sources)]}_{i + 1:0{width}d}", sources[i % len(sources)])
        for i in range(n_studies)
    ]
    return sorted(pairs)


def _mapping(concepts: list[str], copies: list[str], rng: random.Random) -> dict[str, list[str]]:
    """Each copy that keeps the mapping -> a non-empty subset of the source's concepts."""
    out: dict[str, list[str]] = {}
    for copy in copies:
        if rng.random() >= _KEEP_MAPPING:
            continue
        kept = [c for c in concepts if rng.random() < _KEEP_CONCEPT] or concepts[:1]
        out[copy] = kept
    return out


def _renamed(refs: list[str], names: dict[str, str]) -> list[str]:
    return [f"{names[r.split('/', 1)[0]]}/{r.split('/', 1)[1]}" for r in refs]


def _constructs(
    synthesis: Document,
    copies_of: dict[str, list[str]],
    first_excerpt: dict[str, str],
    n_studies: int,
    rng: random.Random,
) -> list[Document]:
    constructs: list[Document] = []
    for template in synthesis["constructs"]:
        mapped: dict[str, list[str]] = {}
        for source, concepts in template["concepts"].items():
            mapped.update(_mapping(list(concepts), copies_of.get(source, []), rng))
        if not mapped:
            continue
        relations = []
        for rel in template.get("relations", []):
            a, b = rel["studies"]
            pairs = zip(
                [c for c in copies_of.get(a, []) if c in mapped],
                [c for c in copies_of.get(b, []) if c in mapped],
                strict=False,
            )
            for ca, cb in pairs:
                if rng.random() < _REPEAT_STUDY_RELATION:
                    copy = {
                        **rel,
                        "studies": [ca, cb],
                        "evidence": _renamed(rel.get("evidence", []), {a: ca, b: cb}),
                    }
                    if rel.get("extended_by"):
                        copy["extended_by"] = {a: ca, b: cb}[rel["extended_by"]]
                    relations.append(copy)
        construct = {**template, "concepts": dict(sorted(mapped.items())), "relations": relations}
        construct.pop("untranslated", None)  # reasons about the bundled pairs, not the copies
        construct["study_specific"] = bool(template.get("study_specific")) or len(mapped) < 2
        constructs.append(construct)

    sources_of = {copy: source for source, copies in copies_of.items() for copy in copies}
    for j in range(1, n_studies // STUDIES_PER_EXTRA_CONSTRUCT + 1):
        template = rng.choice(synthesis["constructs"])
        eligible = sorted(c for c in sources_of if sources_of[c] in template["concepts"])
        size = min(len(eligible), rng.randint(2, max(2, n_studies // 10)))
        group = sorted(rng.sample(eligible, size))
        mapped = {c: list(template["concepts"][sources_of[c]]) for c in group}
        relations = []
        for k in range(min(3, len(group) - 1)):
            relation = {
                "studies": [group[k], group[k + 1]],
                "type": rng.choice(["agree", "extend"]),
                "rationale": "Generated: both copies report the same finding.",
            }
            if relation["type"] == "extend":
                relation["extended_by"] = group[k + 1]
            relations.append(relation)
        if len(group) >= 2 and rng.random() < 1 / 3:
            a, b = group[0], group[-1]
            relations.append(
                {
                    "studies": [a, b],
                    "type": "refute",
                    "rationale": "Generated: the two copies are set against each other.",
                    "evidence": [f"{a}/{first_excerpt[a]}", f"{b}/{first_excerpt[b]}"],
                }
            )
        constructs.append(
            {
                "id": f"{template['id']}_variant_{j}",
                "label": f"{template['label']} (variant {j})",
                "description": "A generated variant of a bundled construct, for scale tests.",
                "study_specific": len(group) < 2,
                "concepts": mapped,
                "relations": relations,
                "finding": template.get("finding"),
            }
        )
    return constructs


def _map_every_study(
    constructs: list[Document], synthesis: Document, copies_of: dict[str, list[str]]
) -> None:
    """Map a copy that no construct kept onto the first construct its source maps onto."""
    mapped = {sid for con in constructs for sid in con["concepts"]}
    by_id = {con["id"]: con for con in constructs}
    for source, copies in copies_of.items():
        for copy in copies:
            if copy in mapped:
                continue
            template = next(t for t in synthesis["constructs"] if source in t["concepts"])
            concepts = list(template["concepts"][source])
            construct = by_id.get(template["id"])
            if construct is None:  # no copy kept it: bring it back, for this copy alone
                construct = {**template, "concepts": {}, "relations": [], "study_specific": True}
                constructs.insert(0, construct)
                by_id[template["id"]] = construct
            construct["concepts"] = dict(sorted({**construct["concepts"], copy: concepts}.items()))
            construct["study_specific"] = bool(template.get("study_specific")) or (
                len(construct["concepts"]) < 2
            )


def _line_of_argument(
    synthesis: Document, constructs: list[Document], copies_of: dict[str, list[str]]
) -> list[Document]:
    """The bundled line of argument over the copies: each step on the constructs kept, naming
    every copy of its studies that maps onto one of them, citing the first such copy's excerpts."""
    kept = {con["id"]: con for con in constructs}
    steps = []
    for step in synthesis.get("line_of_argument") or []:
        ids = [c for c in step["constructs"] if c in kept]
        mapped = {sid for c in ids for sid in kept[c]["concepts"]}
        studies = [
            copy
            for source in step["studies"]
            for copy in copies_of.get(source, [])
            if copy in mapped
        ]
        if not ids or not studies:
            continue
        first: dict[str, str] = {}
        for copy in studies:
            first.setdefault(copy.rsplit("_", 1)[0], copy)
        evidence = [
            f"{first[source]}/{eid}"
            for source, eid in (ref.split("/", 1) for ref in step.get("evidence") or [])
            if source in first
        ]
        steps.append(
            {
                **step,
                "constructs": ids,
                "studies": sorted(studies),
                "evidence": evidence,
            }
        )
    return steps


def write_review(folder: str | os.PathLike[str], n_studies: int, seed: int = 0) -> list[str]:
    """Write a valid generated review of ``n_studies`` studies into ``folder``.

    Parameters
    ----------
    folder
        Where to write ``studies/`` and ``synthesis.yaml``; created if missing. Existing study
        files there are not removed.
    n_studies
        How many studies (at least 1).
    seed
        Seed of every random choice: the same seed writes the same files.

    Returns
    -------
    list of str
        The study ids, in file order (the order :func:`peerlib.load_corpus` reads them).

    Raises
    ------
    ValueError
        If ``n_studies`` is less than 1.
    """
    if n_studies < 1:
        raise ValueError(f"n_studies must be at least 1, not {n_studies}")
    rng = random.Random(seed)
    bundled = corpus_root()
    sources = {p.stem: _load(p) for p in sorted((bundled / "studies").glob("*.yaml"))}
    synthesis = _load(bundled / "synthesis.yaml")
    root = Path(folder)
    (root / "studies").mkdir(parents=True, exist_ok=True)

    ids = _study_ids(n_studies, list(sources))
    copies_of: dict[str, list[str]] = defaultdict(list)
    first_excerpt: dict[str, str] = {}
    for new_id, source in ids:
        doc = _copy_study(sources[source], new_id, rng)
        copies_of[source].append(new_id)
        first_excerpt[new_id] = str(doc["evidence"][0]["id"])
        _dump(doc, root / "studies" / f"{new_id}.yaml")
    # copies of one source in the order their relations pair them: k-th with k-th
    for copies in copies_of.values():
        copies.sort(key=lambda c: int(c.rsplit("_", 1)[1]))
    constructs = _constructs(synthesis, copies_of, first_excerpt, n_studies, rng)
    _map_every_study(constructs, synthesis, copies_of)
    document: Document = {"constructs": constructs}
    steps = _line_of_argument(synthesis, constructs, copies_of)
    if steps:
        document["line_of_argument"] = steps
    _dump(document, root / "synthesis.yaml")
    return [new_id for new_id, _ in ids]
