"""REFI-QDA exchange: exports valid against the official schemas and byte-stable, the review
round-tripping through .qdpx, files in QualCoder's and Taguette's styles importing cleanly, and
faulty files answered with one line per fault."""

from __future__ import annotations

import io
import os
import re
import zipfile
from pathlib import Path

import pandas as pd
import pytest
import xmlschema

from peerlib import load_corpus, validate
from peerlib._refi import split_fields
from peerlib.cli import main
from peerlib.loading import Corpus
from peerlib.refi_export import codebook_bytes, project_bytes, write_qdc, write_qdpx
from peerlib.refi_import import RefiImportError, import_refi, read_refi

from .conftest import MINI

FIXTURES = Path(__file__).parent / "fixtures" / "refi"
# The schemas are not shipped: CI has ../shared/refi beside the checkout.
SCHEMAS = Path(
    os.environ.get("PEERLIB_REFI_SCHEMAS") or Path(__file__).parents[1].parent / "shared" / "refi"
)


def _schema(name: str) -> xmlschema.XMLSchema:
    path = SCHEMAS / name
    if not path.is_file():
        message = f"REFI-QDA schema {path} not found (set PEERLIB_REFI_SCHEMAS)"
        if os.environ.get("CI"):
            pytest.fail(message)
        pytest.skip(message)
    return xmlschema.XMLSchema(str(path))


def _qde(qdpx: bytes) -> bytes:
    return zipfile.ZipFile(io.BytesIO(qdpx)).read("project.qde")


@pytest.fixture(scope="module")
def review() -> Corpus:
    return load_corpus()


# ---------------------------------------------------------------------------- export


@pytest.mark.parametrize("source", [None, MINI], ids=["bundled", "mini"])
def test_exports_validate_against_the_refi_schemas(source: Path | None) -> None:
    corpus = load_corpus(source)
    _schema("Project-mrt2019.xsd").validate(io.BytesIO(_qde(project_bytes(corpus))))
    _schema("Codebook.repaired.xsd").validate(io.BytesIO(codebook_bytes(corpus)))


def test_two_exports_are_byte_identical(tmp_path: Path, review: Corpus) -> None:
    a = write_qdpx(review, tmp_path / "a.qdpx").read_bytes()
    b = write_qdpx(load_corpus(), tmp_path / "b.qdpx").read_bytes()
    assert a == b
    assert write_qdc(review, tmp_path / "a.qdc").read_bytes() == codebook_bytes(load_corpus())
    archive = zipfile.ZipFile(io.BytesIO(a))
    names = archive.namelist()
    assert names[0] == "project.qde"
    assert names[1:] == sorted(names[1:])
    assert {info.date_time for info in archive.infolist()} == {(1980, 1, 1, 0, 0, 0)}


def test_export_says_the_source_text_is_built_from_the_excerpts(review: Corpus) -> None:
    archive = zipfile.ZipFile(io.BytesIO(project_bytes(review)))
    qde = archive.read("project.qde").decode("utf-8")
    assert qde.count("the full text is not included") == len(review.study_ids)
    # every excerpt is in its study's source text, where its selection says
    for match in re.finditer(
        r'plainTextPath="internal://([^"]+)"(.*?)</TextSource>', qde, flags=re.DOTALL
    ):
        text = archive.read(f"sources/{match.group(1)}").decode("utf-8")
        for sel in re.finditer(
            r'startPosition="(\d+)" endPosition="(\d+)">\s*<Description>(.*?)</Description>',
            match.group(2),
            flags=re.DOTALL,
        ):
            _, fields = split_fields(
                sel.group(3), ("id", "speaker", "section", "offset", "relation")
            )
            excerpt = review.evidence.set_index(["evidence_id"]).loc[fields["id"]]
            texts = {str(t) for t in pd.Series(excerpt["text"]).tolist()}
            assert text[int(sel.group(1)) : int(sel.group(2))] in texts


# ---------------------------------------------------------------------------- round trip


def _table(corpus: Corpus, name: str, drop: tuple[str, ...] = ()) -> list[tuple[object, ...]]:
    frame = getattr(corpus, name).drop(columns=list(drop))
    rows = [tuple(None if pd.isna(v) else v for v in row) for row in frame.itertuples(index=False)]
    return sorted(rows, key=repr)


@pytest.mark.parametrize("source", [None, MINI], ids=["bundled", "mini"])
def test_round_trip_keeps_studies_themes_concepts_relations_and_excerpts(
    tmp_path: Path, source: Path | None
) -> None:
    corpus = load_corpus(source)
    report = import_refi(write_qdpx(corpus, tmp_path / "r.qdpx"), tmp_path / "back")
    assert (report.faults, report.left_out, report.gaps) == ([], [], [])
    back = load_corpus(tmp_path / "back")
    # kept exactly: every field of the studies (citation, context, sample groups) ...
    assert _table(back, "studies", ("file",)) == _table(corpus, "studies", ("file",))
    assert _table(back, "samples") == _table(corpus, "samples")
    # ... themes (name, summary, parent, position) and which concepts each holds, in order ...
    assert _table(back, "themes") == _table(corpus, "themes")
    assert back.theme_concepts.values.tolist() == corpus.theme_concepts.values.tolist()
    # ... concepts (id, label, kind, definition; file order may differ) ...
    assert _table(back, "concepts") == _table(corpus, "concepts")
    # ... relations (source, target, type, note) with their evidence; relation ids are
    # renumbered r1, r2, ... in file order, which they already are in these corpora ...
    assert _table(back, "relations") == _table(corpus, "relations")
    assert _table(back, "relation_evidence") == _table(corpus, "relation_evidence")
    # ... excerpts (id, text, speaker, section, offset), cited or not ...
    assert _table(back, "evidence") == _table(corpus, "evidence")
    # ... and constructs as sets: id, label, description, the concepts each gathers
    kept = ("construct_id", "label", "description", "study_specific")
    assert _table(back, "constructs", tuple(c for c in corpus.constructs if c not in kept)) == (
        _table(corpus, "constructs", tuple(c for c in corpus.constructs if c not in kept))
    )
    assert _table(back, "alignment") == _table(corpus, "alignment")
    # not kept: a construct's interpretation, finding and CERQual judgements, and the relations
    # between studies on it (agree, extend, refute): REFI-QDA has no place for them.
    assert back.study_relations.empty
    if not corpus.study_relations.empty:
        assert back.constructs["finding"].isna().all()


# ---------------------------------------------------------------------------- other tools


def _zip_folder(folder: Path, out: Path) -> Path:
    with zipfile.ZipFile(out, "w") as archive:
        for path in sorted(folder.rglob("*")):
            if path.is_file():
                archive.write(path, path.relative_to(folder).as_posix())
    return out


@pytest.fixture
def qualcoder_qdpx(tmp_path: Path) -> Path:
    return _zip_folder(FIXTURES / "qualcoder", tmp_path / "qualcoder.qdpx")


def _line(path: Path, marker: str, before: int = 0) -> int:
    """The line of ``path`` holding ``marker`` (``before`` lines up: the element it is in)."""
    lines = path.read_text(encoding="utf-8").splitlines()
    return next(i for i, line in enumerate(lines, 1) if marker in line) - before


def _problem_places(root: Path) -> set[tuple[str, str]]:
    """(file, top-level field) of each validation problem, e.g. ('ana.yaml', 'citation')."""
    out = set()
    for problem in validate(root):
        out.add((Path(problem.file).name, re.split(r"[.\[]", problem.where)[0]))
    return out


def test_qualcoder_project_imports_with_character_offsets(
    tmp_path: Path, qualcoder_qdpx: Path
) -> None:
    report = import_refi(qualcoder_qdpx, tmp_path / "qc")
    assert report.faults == []
    gender = _line(FIXTURES / "qualcoder" / "project.qde", "<TextValue>female", before=2)
    assert report.left_out == [
        f"{qualcoder_qdpx}[project.qde]:{gender}: TextSource 'interview_ana.txt': variable "
        "'Gender' is not a peerlib study field (authors, year, title, venue, volume, issue, "
        "pages, article, doi, licence, country, setting, design, study_type, sample, "
        "sample_size, coverage, coverage_note, source_file)"
    ]
    docs = read_refi(qualcoder_qdpx).files
    assert sorted(docs) == ["studies/interview_ana.yaml", "studies/interview_zoe.yaml"]
    import yaml

    ana = yaml.safe_load(docs["studies/interview_ana.yaml"])
    # CRLF line endings and accented letters stand before the selections: only character
    # offsets that count CRLF as two characters slice these texts
    assert ana["evidence"] == [
        {"id": "e1", "text": "I tell them where I have been, and they open up.", "offset": 120},
        {"id": "e2", "text": "Some things I keep to myself", "offset": 200},
    ]
    assert ana["context"] == {"country": "Brazil"}
    assert ana["themes"] == [
        {"id": "sharing_my_story", "name": "Sharing my story",
         "summary": "Workers share their past to build trust.", "concepts": ["self_disclosure"]},
        {"id": "knowing_the_limits", "name": "Knowing the limits", "concepts": ["boundary"]},
    ]  # fmt: skip
    assert [c["id"] for c in ana["concepts"]] == ["peer_worker", "self_disclosure", "boundary"]
    assert ana["concepts"][1]["definition"] == "Telling one's own story of distress and recovery."
    zoe = yaml.safe_load(docs["studies/interview_zoe.yaml"])
    assert zoe["evidence"][0]["text"] == "After that they trusted me more than the doctor"
    assert zoe["themes"][0]["concepts"] == ["trust"]
    # it fails validation only on what the author must still supply, each gap reported
    gaps = "\n".join(report.gaps)
    for study, field in sorted(_problem_places(tmp_path / "qc")):
        if study == "synthesis.yaml":  # no sets of codes: no synthesis file, which a review needs
            assert "synthesis.yaml: constructs (no set of codes" in gaps
            continue
        assert f"studies/{study}: {field}" in gaps, (study, field)
    assert "studies/interview_ana.yaml: citation.doi: not in qualcoder.qdpx" in report.gaps
    assert report.counts["excerpts"] == [3, 0]
    assert report.counts["codings"] == [4, 0]


def test_atlas_ti_counts_crlf_as_one_character(tmp_path: Path) -> None:
    folder = tmp_path / "atlas"
    (folder / "sources").mkdir(parents=True)
    qde = (FIXTURES / "qualcoder" / "project.qde").read_text(encoding="utf-8")
    qde = qde.replace('origin="QualCoder 3.6"', 'origin="ATLAS.ti 23"')
    qde = qde.replace(
        'startPosition="120" endPosition="168"', 'startPosition="117" endPosition="165"'
    )
    (folder / "project.qde").write_text(qde, encoding="utf-8")
    for path in (FIXTURES / "qualcoder" / "sources").iterdir():
        (folder / "sources" / path.name).write_bytes(path.read_bytes())
    files = read_refi(_zip_folder(folder, tmp_path / "atlas.qdpx")).files
    assert (
        "  text: I tell them where I have been, and they open up.\n"
        in files["studies/interview_ana.yaml"]
    )


def test_taguette_codebook_nests_path_names(tmp_path: Path) -> None:
    import yaml

    report = import_refi(FIXTURES / "taguette.qdc", tmp_path / "tg")
    assert report.faults == []
    study = yaml.safe_load((tmp_path / "tg" / "studies" / "taguette.yaml").read_text("utf-8"))
    assert [c["id"] for c in study["concepts"]] == ["interesting", "people", "places"]
    assert study["themes"] == [
        {"id": "interesting", "name": "interesting", "concepts": ["interesting", "places"]}
    ]
    assert study["concepts"][2]["label"] == "places"


def test_qualcoder_codebook_imports_its_hierarchy(tmp_path: Path) -> None:
    import yaml

    report = import_refi(FIXTURES / "qualcoder.qdc", tmp_path / "qc")
    assert (report.faults, report.left_out) == ([], [])
    study = yaml.safe_load((tmp_path / "qc" / "studies" / "qualcoder.yaml").read_text("utf-8"))
    assert [(t["id"], t["concepts"]) for t in study["themes"]] == [
        ("sharing_my_story", ["self_disclosure", "trust"]),
        ("knowing_the_limits", ["boundary"]),
    ]
    assert len(study["concepts"]) == 4


def test_our_codebook_imports_as_study_skeletons(tmp_path: Path) -> None:
    qdc = write_qdc(load_corpus(MINI), tmp_path / "mini.qdc")
    report = import_refi(qdc, tmp_path / "back")
    assert report.faults == []
    back = yaml_files = sorted(p.name for p in (tmp_path / "back" / "studies").iterdir())
    assert back == yaml_files == ["alpha.yaml", "beta.yaml", "gamma.yaml"]
    # a codebook has no citations, sources or excerpts: those are the author's to supply
    assert any("alpha.yaml: citation.doi" in gap for gap in report.gaps)
    assert (tmp_path / "back" / "synthesis.yaml").is_file()


# ---------------------------------------------------------------------------- faults


def _faulty(tmp_path: Path) -> Path:
    folder = tmp_path / "faulty"
    (folder / "sources").mkdir(parents=True)
    qde = (FIXTURES / "qualcoder" / "project.qde").read_text(encoding="utf-8")
    qde = qde.replace(
        'startPosition="200" endPosition="228"', 'startPosition="200" endPosition="900"'
    )
    qde = qde.replace(
        '<CodeRef targetGUID="44444444-aaaa-4bbb-8ccc-000000000004" />',
        '<CodeRef targetGUID="99999999-aaaa-4bbb-8ccc-000000000009" />',
    )
    qde = qde.replace(
        "</Sources>",
        "</Sources>\n<Links>\n"
        '<Link guid="c0000000-0000-4000-8000-000000000001" name="enables" direction="OneWay" '
        'originGUID="11111111-aaaa-4bbb-8ccc-000000000001" '
        'targetGUID="33333333-aaaa-4bbb-8ccc-000000000003" />\n'
        '<Link guid="c0000000-0000-4000-8000-000000000002" name="causes" direction="OneWay" '
        'originGUID="11111111-aaaa-4bbb-8ccc-000000000001" '
        'targetGUID="33333333-aaaa-4bbb-8ccc-000000000003" />\n</Links>',
    )
    (folder / "project.qde").write_text(qde, encoding="utf-8")
    ana = "6F1A4C2E-0B3D-4E5F-8A9B-1C2D3E4F5A6B.txt"  # zoe's source file is left out
    (folder / "sources" / ana).write_bytes((FIXTURES / "qualcoder" / "sources" / ana).read_bytes())
    return _zip_folder(folder, tmp_path / "faulty.qdpx")


def test_faulty_project_gives_one_line_per_fault(tmp_path: Path) -> None:
    qdpx = _faulty(tmp_path)
    report = import_refi(qdpx, tmp_path / "out")
    at = f"{qdpx}[project.qde]"
    qde = tmp_path / "faulty" / "project.qde"
    sel = "TextSource 'interview_ana.txt' > PlainTextSelection 'Some things I keep to myself'"
    zoe = _line(qde, 'name="interview_zoe.txt"')
    past_end, causes = _line(qde, 'endPosition="900"'), _line(qde, 'name="causes"')
    assert report.faults == [
        f"{at}:{past_end}: {sel}: ends at 900, past the end of the "
        "text (263 characters): not imported",
        f"{at}:{zoe}: TextSource 'interview_zoe.txt': source file "
        "internal://7A2B5D3F-1C4E-4F6A-9B0C-2D3E4F5A6B7C.txt is missing from the archive",
        f"{at}:{zoe + 1}: TextSource 'interview_zoe.txt' > PlainTextSelection 'After that they "
        "trusted me more than the doctor': not imported: its source text is missing",
    ]
    left_out = "\n".join(report.left_out)
    assert (
        f"{at}:{causes}: Link 'causes': between 'Peer worker' and 'Self-disclosure': 'causes' "
        "is not a relation type"
    ) in left_out
    # the good link becomes a relation, backed by the selection coded with both codes
    text = (tmp_path / "out" / "studies" / "interview_ana.yaml").read_text("utf-8")
    assert "- source: peer_worker\n  target: self_disclosure\n  type: enables\n" in text
    assert report.counts["selections"] == [2, 2]
    assert report.counts["relations"] == [1, 0]
    assert report.counts["links"] == [0, 1]


def test_a_coding_of_a_missing_code_is_a_fault(tmp_path: Path) -> None:
    folder = tmp_path / "p"
    (folder / "sources").mkdir(parents=True)
    qde = (FIXTURES / "qualcoder" / "project.qde").read_text(encoding="utf-8")
    qde = qde.replace(
        '<CodeRef targetGUID="44444444-aaaa-4bbb-8ccc-000000000004" />',
        '<CodeRef targetGUID="99999999-aaaa-4bbb-8ccc-000000000009" />',
    )
    (folder / "project.qde").write_text(qde, encoding="utf-8")
    for path in (FIXTURES / "qualcoder" / "sources").iterdir():
        (folder / "sources" / path.name).write_bytes(path.read_bytes())
    report = import_refi(_zip_folder(folder, tmp_path / "p.qdpx"), tmp_path / "out")
    assert report.faults == [
        f"{tmp_path / 'p.qdpx'}[project.qde]:{_line(folder / 'project.qde', '99999999', 1)}: "
        "TextSource 'interview_zoe.txt' > "
        "PlainTextSelection 'After that they trusted me more than the doctor': a coding names "
        "code 99999999-aaaa-4bbb-8ccc-000000000009, which the codebook does not have: that "
        "coding is not imported"
    ]
    assert report.counts["codings"] == [3, 1]


def test_cli_import_of_a_faulty_file_exits_1_without_traceback(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    qdpx = _faulty(tmp_path)
    assert main(["import", str(qdpx), "--out", str(tmp_path / "out")]) == 1
    err = capsys.readouterr().err.splitlines()
    assert "Traceback" not in "\n".join(err)
    assert len([line for line in err if line.startswith("fault: ")]) == 3
    assert err[-1] == f"3 faults in {qdpx}"


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"not a zip", "not a .qdpx project (File is not a zip file)"),
        (None, "(document): not well-formed XML: no element found"),
        (b"<Project", "(document): not well-formed XML: unclosed token"),
        (b'<!DOCTYPE x [<!ENTITY a "b">]><Project/>', "document type declarations are not allowed"),
        (b"<Other/>", "Other: the root element must be Project"),
    ],
)
def test_unreadable_files_give_one_line_and_write_nothing(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], content: bytes | None, message: str
) -> None:
    path = tmp_path / "bad.qdpx"
    if content == b"not a zip":
        path.write_bytes(content)
    else:
        with zipfile.ZipFile(path, "w") as archive:
            archive.writestr("project.qde", content or b"")
    assert main(["import", str(path), "--out", str(tmp_path / "out")]) == 1
    err = capsys.readouterr().err.splitlines()
    assert len(err) == 2, err
    assert message in err[0]
    assert err[0].startswith(str(path))
    assert not (tmp_path / "out").exists()


def test_wrong_namespace_is_a_fault_but_imports(tmp_path: Path) -> None:
    qdc = tmp_path / "ns.qdc"
    qdc.write_text(
        (FIXTURES / "qualcoder.qdc").read_text("utf-8-sig").replace("codebook:1.0", "codebook:1.1"),
        encoding="utf-8",
    )
    report = import_refi(qdc, tmp_path / "out")
    assert report.faults == [
        f"{qdc}:2: CodeBook: namespace 'urn:QDA-XML:codebook:1.1' should be "
        "'urn:QDA-XML:codebook:1.0'; read as if it were"
    ]
    assert report.counts["concepts"] == [4, 0]


def test_import_refuses_an_existing_folder(tmp_path: Path) -> None:
    (tmp_path / "out").mkdir()
    (tmp_path / "out" / "keep.txt").write_text("mine", encoding="utf-8")
    with pytest.raises(RefiImportError, match="already exists and is not empty"):
        import_refi(FIXTURES / "taguette.qdc", tmp_path / "out")
    assert [p.name for p in (tmp_path / "out").iterdir()] == ["keep.txt"]


def test_a_failed_write_leaves_no_folder(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from peerlib import _atomic

    calls = []
    real = _atomic.write_text

    def fail_second(path: Path, text: str) -> None:
        calls.append(path)
        if len(calls) == 2:
            raise OSError(28, "No space left on device")
        real(path, text)

    monkeypatch.setattr(_atomic, "write_text", fail_second)
    with pytest.raises(OSError, match="No space left"):
        import_refi(write_qdpx(load_corpus(MINI), tmp_path / "m.qdpx"), tmp_path / "out")
    assert sorted(p.name for p in tmp_path.iterdir()) == ["m.qdpx"]


def test_cli_export_writes_each_format(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    data = str(MINI)
    assert main(["export", "qdpx", str(tmp_path / "m.qdpx"), "--data", data]) == 0
    assert main(["export", "qdc", str(tmp_path / "m.qdc"), "--data", data]) == 0
    for fmt in ("graphml", "gexf", "cyjs"):
        assert main(["export", "graph", str(tmp_path / "g"), "--format", fmt, "--data", data]) == 0
        assert main(
            ["export", "graph", str(tmp_path / f"alpha.{fmt}"), "--format", fmt,
             "--study", "alpha", "--data", data]
        ) == 0  # fmt: skip
    assert sorted(p.name for p in tmp_path.iterdir()) == [
        "alpha.cyjs", "alpha.gexf", "alpha.graphml", "g.cyjs", "g.gexf", "g.graphml",
        "m.qdc", "m.qdpx",
    ]  # fmt: skip
    assert main(["export", "graph", str(tmp_path / "x"), "--study", "nope", "--data", data]) == 1
    assert "unknown study 'nope'" in capsys.readouterr().err


def test_inline_text_long_excerpt_and_link_note(tmp_path: Path) -> None:
    words = " ".join(f"word{i}" for i in range(45))
    qde = f"""<?xml version="1.0" encoding="utf-8"?>
<Project xmlns="urn:QDA-XML:project:1.0" name="p" origin="NVivo 14">
<CodeBook><Codes>
<Code guid="00000000-0000-4000-8000-000000000001" name="Hope" isCodable="true">
<Description>Expecting things to get better.

kind: outcome</Description></Code>
<Code guid="00000000-0000-4000-8000-000000000002" name="Role model" isCodable="true"/>
</Codes></CodeBook>
<Sources>
<TextSource guid="00000000-0000-4000-8000-000000000003" name="Smith 2020">
<Description>year: 2020
doi: 10.1234/x.1</Description>
<PlainTextContent>Intro. {words}</PlainTextContent>
<PlainTextSelection guid="00000000-0000-4000-8000-000000000004" startPosition="7" endPosition="{7 + len(words)}">
<Description>speaker: authors
section: Results</Description>
<Coding guid="00000000-0000-4000-8000-000000000005"><CodeRef targetGUID="00000000-0000-4000-8000-000000000001"/></Coding>
<Coding guid="00000000-0000-4000-8000-000000000006"><CodeRef targetGUID="00000000-0000-4000-8000-000000000002"/></Coding>
</PlainTextSelection>
</TextSource>
</Sources>
<Notes><Note guid="00000000-0000-4000-8000-000000000007" name="n"><PlainTextContent>Seeing a peer recover gives hope.</PlainTextContent></Note></Notes>
<Links><Link guid="00000000-0000-4000-8000-000000000008" name="Produces" direction="OneWay" originGUID="00000000-0000-4000-8000-000000000002" targetGUID="00000000-0000-4000-8000-000000000001"><NoteRef targetGUID="00000000-0000-4000-8000-000000000007"/></Link></Links>
</Project>
"""  # noqa: E501
    path = tmp_path / "nvivo.qdpx"
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr("project.qde", qde)
    report = import_refi(path, tmp_path / "out")
    assert report.faults == []
    assert (
        "studies/smith_2020.yaml: evidence[].text: shorten to at most 40 words: e1 (45 words, "
        "line 15): not in nvivo.qdpx"
    ) in report.gaps
    import yaml

    study = yaml.safe_load((tmp_path / "out" / "studies" / "smith_2020.yaml").read_text("utf-8"))
    assert study["citation"] == {"year": 2020, "doi": "10.1234/x.1"}
    assert study["concepts"][0] == {
        "id": "hope",
        "label": "Hope",
        "kind": "outcome",
        "definition": "Expecting things to get better.",
    }
    assert study["relations"] == [
        {
            "source": "role_model",
            "target": "hope",
            "type": "produces",
            "evidence": ["e1"],
            "note": "Seeing a peer recover gives hope.",
        }
    ]
    assert study["evidence"] == [
        {"id": "e1", "text": words, "speaker": "authors", "section": "Results", "offset": 7}
    ]
    problems = [p for p in validate(tmp_path / "out") if "excerpt has 45 words" in p.message]
    assert len(problems) == 1
