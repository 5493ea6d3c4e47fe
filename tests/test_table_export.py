"""Table export: exact output of each format, escaping, atomic and byte-identical writes."""

from __future__ import annotations

import io
import math
import re
import zipfile
from datetime import UTC, datetime
from pathlib import Path

import pandas as pd
import pytest

from peerlib.comparison import cerqual_summary, study_similarity, translation_table
from peerlib.loading import Corpus
from peerlib.measures import study_measures
from peerlib.table_export import (
    TABLE_FORMATS,
    escape_latex,
    save_table,
    to_docx,
    to_latex,
    to_markdown,
)


def sample() -> pd.DataFrame:
    """Text with commas, quotes, specials and a line break; a float; a missing value of each
    nullable kind; a boolean."""
    return pd.DataFrame(
        {
            "study_id": pd.array(["alpha", "b_2"], dtype="string"),
            "text": pd.array(['He said "yes", then\nleft', "50% & {more} | less"], dtype="string"),
            "n": pd.array([3, pd.NA], dtype="Int64"),
            "score": [1 / 3, math.nan],
            "ok": pd.array([True, pd.NA], dtype="boolean"),
        }
    )


def test_csv(tmp_path: Path) -> None:
    [path] = save_table(sample(), tmp_path / "sample", formats=["csv"])
    assert path == tmp_path / "sample.csv"
    # full precision, missing values empty, quotes doubled, the line break kept inside quotes
    assert path.read_bytes() == (
        b"study_id,text,n,score,ok\n"
        b'alpha,"He said ""yes"", then\nleft",3,0.3333333333333333,True\n'
        b"b_2,50% & {more} | less,,,\n"
    )


def test_csv_is_utf8(tmp_path: Path) -> None:
    df = pd.DataFrame({"name": ["Professional–peer paradox", "PSWs’ self-disclosure"]})
    [path] = save_table(df, tmp_path / "unicode", formats=("csv",))
    assert path.read_text(encoding="utf-8") == (
        "name\nProfessional–peer paradox\nPSWs’ self-disclosure\n"
    )


def test_markdown() -> None:
    # numbers right-aligned, floats at 3 decimals, blanks for missing, | escaped, line break
    # turned into a space
    assert to_markdown(sample()) == (
        "| study_id   | text                     |   n |   score | ok   |\n"
        "|:-----------|:-------------------------|----:|--------:|:-----|\n"
        '| alpha      | He said "yes", then left |   3 |   0.333 | True |\n'
        "| b_2        | 50% & {more} \\| less     |     |         |      |\n"
    )


def test_markdown_precision_and_negative_zero() -> None:
    df = pd.DataFrame({"x": [-0.0001, 2.0, 12.3456]})
    assert to_markdown(df, precision=2) == (
        "|     x |\n|------:|\n|  0.00 |\n|  2.00 |\n| 12.35 |\n"
    )


def test_latex() -> None:
    # a longtable: caption and label, the header repeated on every page with the caption
    # marked as continued, a footer on every page but the last
    text = to_latex(
        sample(), caption="Sample: 100% made up_", label="tab:sample_1", column_format="llrrl"
    )
    assert text == (
        "% peerlib table; needs \\usepackage{array,booktabs,longtable}\n"
        "\\begin{longtable}{llrrl}\n"
        "\\caption{Sample: 100\\% made up\\_} \\label{tab:sample_1} \\\\\n"  # a key, as given
        "\\toprule\n"
        "study\\_\\allowbreak{}id & text & n & score & ok \\\\\n"
        "\\midrule\n"
        "\\endfirsthead\n"
        "\\caption[]{Sample: 100\\% made up\\_ (continued)} \\\\\n"
        "\\toprule\n"
        "study\\_\\allowbreak{}id & text & n & score & ok \\\\\n"
        "\\midrule\n"
        "\\endhead\n"
        "\\midrule\n"
        "\\multicolumn{5}{r}{Continued on next page} \\\\\n"
        "\\midrule\n"
        "\\endfoot\n"
        "\\bottomrule\n"
        "\\endlastfoot\n"
        'alpha & He said "yes", then left & 3 & 0.333 & True \\\\\n'
        "b\\_\\allowbreak{}2 & 50\\% \\& \\{more\\} \\textbar{} less &  &  &  \\\\\n"
        "\\end{longtable}\n"
    )


def _column_widths(tex: str) -> list[float]:
    return [float(f) for f in re.findall(r"p\{\\dimexpr ([0-9.]+)\\linewidth", tex)]


def test_latex_columns_share_the_line_by_content() -> None:
    df = pd.DataFrame(
        {
            "study_id": ["kirkegaard2022", "moran2025"],
            "n": [3, 12],
            "excerpt": ["a long excerpt that has to wrap over several lines " * 4, "short"],
        }
    )
    tex = to_latex(df, caption="Excerpts")
    ids, n, excerpt = _column_widths(tex)
    assert sum((ids, n, excerpt)) <= 1.0  # the table fits the line
    assert excerpt > ids > n  # the long text gets the room; the ids stay on one line
    assert ">{\\raggedleft\\arraybackslash\\hspace{0pt}}p{\\dimexpr 0" in tex  # numbers right
    assert "\\label{tab:excerpts}" in tex  # a label from the caption
    assert "landscape" not in tex
    assert "begingroup" not in tex


def test_latex_wide_tables_turn_the_page_or_go_record_by_record() -> None:
    # eight columns of identifiers do not fit an upright page
    wide = pd.DataFrame({f"column_{i}": ["kirkegaard2022"] * 3 for i in range(8)})
    tex = to_latex(wide, caption="Wide")
    assert tex.startswith("% peerlib table; needs \\usepackage{array,booktabs,longtable,pdflscape}")
    assert "\\begin{landscape}" in tex
    assert sum(_column_widths(tex)) <= 1.0
    # forty do not fit any page: each record becomes lines of (column, value)
    widest = pd.DataFrame({f"c{i}": [f"kirkegaard{i}", f"moran{i}"] for i in range(40)})
    tex = to_latex(widest, caption="Widest")
    assert "column & value \\\\" in tex
    assert "c0 & kirkegaard0 \\\\" in tex
    assert "c39 & moran39 \\\\" in tex
    assert tex.count("\\midrule\n") == 4 + 1  # two headers, the footer (2), between records
    assert len(_column_widths(tex)) == 2


def test_escape_latex() -> None:
    assert escape_latex("\\ & % $ # _ { } ~ ^") == (
        "\\textbackslash{} \\& \\% \\$ \\# \\_ \\{ \\} \\textasciitilde{} \\textasciicircum{}"
    )
    assert escape_latex("two\nlines") == "two lines"
    assert escape_latex("Professional–peer") == "Professional–peer"


def test_save_table_all_formats(tmp_path: Path, corpus: Corpus) -> None:
    table = translation_table(corpus)
    paths = save_table(table, tmp_path / "out" / "translation", caption="Translation")
    assert paths == [tmp_path / "out" / f"translation.{fmt}" for fmt in TABLE_FORMATS]
    assert paths[1].read_text(encoding="utf-8") == to_markdown(table)
    assert paths[2].read_text(encoding="utf-8") == to_latex(table, caption="Translation")
    back = pd.read_csv(paths[0], dtype="string", keep_default_na=False)
    assert back.columns.tolist() == table.columns.tolist()
    assert back["excerpt"].tolist() == table["excerpt"].tolist()
    assert paths[3].read_bytes() == to_docx(table, "Translation")
    # only the four files: no temporary file left behind
    assert sorted(p.name for p in (tmp_path / "out").iterdir()) == [
        "translation.csv",
        "translation.docx",
        "translation.md",
        "translation.tex",
    ]


def test_save_table_byte_identical(tmp_path: Path, corpus: Corpus) -> None:
    tables = {
        "similarity": study_similarity(corpus),
        "cerqual": cerqual_summary(corpus, all_constructs=True),
        "measures": study_measures(corpus),
    }
    for name, table in tables.items():
        first = [p.read_bytes() for p in save_table(table, tmp_path / "one" / name)]
        again = [p.read_bytes() for p in save_table(table, tmp_path / "one" / name)]
        other = [p.read_bytes() for p in save_table(table.copy(), tmp_path / "two" / name)]
        assert first == again == other
        assert all(b"\r\n" not in data for data in first[:3])  # the text formats


def test_save_table_keeps_dots_and_dedupes(tmp_path: Path) -> None:
    paths = save_table(sample(), tmp_path / "table.v2", formats=("md", "csv", "md"))
    assert paths == [tmp_path / "table.v2.md", tmp_path / "table.v2.csv"]


def test_save_table_unknown_format(tmp_path: Path) -> None:
    with pytest.raises(ValueError, match=r"unknown table format\(s\) 'xlsx'; valid: csv, md, tex"):
        save_table(sample(), tmp_path / "t", formats=("csv", "xlsx"))
    assert list(tmp_path.iterdir()) == []  # nothing written


def test_empty_table(tmp_path: Path) -> None:
    df = pd.DataFrame({"a": pd.array([], dtype="string"), "n": pd.array([], dtype="int64")})
    csv, md, tex, _ = save_table(df, tmp_path / "empty")
    assert csv.read_text(encoding="utf-8") == "a,n\n"
    # tabulate drops the alignment row's colons when there are no rows
    assert md.read_text(encoding="utf-8") == "| a   | n   |\n|-----|-----|\n"
    latex = tex.read_text(encoding="utf-8")
    assert "\\endlastfoot\n\\end{longtable}\n" in latex
    assert "\\multicolumn{2}{r}{Continued on next page}" in latex


def test_csv_text_cells_cannot_start_a_formula(tmp_path: Path) -> None:
    df = pd.DataFrame(
        {
            "label": ["=1+1", "+A1", "-x", "@SUM(A1)", "\tTAB", "a=b", None],
            "change": [-1.5, -2.0, 0.0, 1.0, -3.0, 0.5, None],  # numbers: never touched
            "n": pd.array([-1, 2, 3, 4, 5, 6, None], dtype="Int64"),
        }
    )
    [path] = save_table(df, tmp_path / "t", formats=["csv"])
    assert path.read_bytes() == (
        b"label,change,n\n"
        b"'=1+1,-1.5,-1\n"
        b"'+A1,-2.0,2\n"
        b"'-x,0.0,3\n"
        b"'@SUM(A1),1.0,4\n"
        b"'\tTAB,-3.0,5\n"
        b"a=b,0.5,6\n"
        b",,\n"
    )


def test_csv_unchanged_without_formula_cells(tmp_path: Path) -> None:
    [path] = save_table(sample(), tmp_path / "t", formats=["csv"])
    assert path.read_bytes() == sample().to_csv(index=False, lineterminator="\n").encode()


def test_markdown_passes_no_html() -> None:
    df = pd.DataFrame({"text": ["<script>alert(1)</script>", "a & b &amp; &#60; &#x3C;"]})
    assert to_markdown(df) == (
        "| text                                  |\n"
        "|:--------------------------------------|\n"
        "| &lt;script&gt;alert(1)&lt;/script&gt; |\n"
        "| a & b &amp;amp; &amp;#60; &amp;#x3C;  |\n"
    )


def test_latex_first_cell_cannot_be_read_as_an_argument() -> None:
    df = pd.DataFrame({"text": ["[People served] said", "*starred", " [x"], "note": ["[a]"] * 3})
    body = to_latex(df, column_format="ll").split("\\endlastfoot\n", 1)[1]
    assert body == (
        "{}[People served] said & [a] \\\\\n"
        "{}*starred & [a] \\\\\n"
        "{} [x & [a] \\\\\n"
        "\\end{longtable}\n"
    )


def _docx_parts(data: bytes) -> dict[str, bytes]:
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        assert {i.date_time for i in archive.infolist()} == {(1980, 1, 1, 0, 0, 0)}
        return {i.filename: archive.read(i) for i in archive.infolist()}


def test_docx_table(monkeypatch: pytest.MonkeyPatch) -> None:
    import docx

    monkeypatch.delenv("SOURCE_DATE_EPOCH", raising=False)
    data = to_docx(sample(), "Sample table")
    document = docx.Document(io.BytesIO(data))
    assert [p.text for p in document.paragraphs] == ["Sample table"]
    assert document.paragraphs[0].style.name == "Caption"
    [table] = document.tables
    rows = [[cell.text for cell in row.cells] for row in table.rows]
    assert rows == [
        ["study_id", "text", "n", "score", "ok"],
        ["alpha", 'He said "yes", then left', "3", "0.333", "True"],
        ["b_2", "50% & {more} | less", "", "", ""],
    ]
    # the header repeats on every page; numbers are right-aligned
    assert table.rows[0]._tr.xpath("./w:trPr/w:tblHeader")
    assert table.rows[1].cells[2].paragraphs[0].alignment == 2  # WD_ALIGN_PARAGRAPH.RIGHT
    # no time of writing anywhere: fixed properties, fixed zip entry times
    properties = document.core_properties
    assert properties.created == properties.modified == datetime(1980, 1, 1, tzinfo=UTC)
    assert properties.title == "Sample table"
    assert b"python-docx" not in _docx_parts(data)["docProps/core.xml"]


def test_docx_is_byte_stable(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("SOURCE_DATE_EPOCH", raising=False)
    first = to_docx(sample(), "Sample")
    assert to_docx(sample().copy(), "Sample") == first
    # the build's SOURCE_DATE_EPOCH is the recorded time
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1700000000")
    later = to_docx(sample(), "Sample")
    assert later != first
    assert b"2023-11-14T22:13:20Z" in _docx_parts(later)["docProps/core.xml"]


def test_docx_wide_table_is_landscape() -> None:
    import docx
    from docx.enum.section import WD_ORIENT

    wide = pd.DataFrame({f"column_{i}": ["kirkegaard2022"] * 3 for i in range(8)})
    section = docx.Document(io.BytesIO(to_docx(wide, "Wide"))).sections[0]
    assert section.orientation == WD_ORIENT.LANDSCAPE
    assert section.page_width is not None
    assert section.page_height is not None
    assert section.page_width > section.page_height


def test_a_long_table_is_printed_up_to_its_limit_and_says_where_the_rest_is(
    tmp_path: Path,
) -> None:
    import docx

    table = pd.DataFrame({"pair": [f"p{n}" for n in range(25)], "score": range(25)})
    paths = save_table(table, tmp_path / "pairs", caption="Pairs", printed_rows=10)
    csv, md, tex, word = (p.read_bytes() for p in paths)
    assert len(csv.decode().splitlines()) == 1 + 25  # every row
    note = "first 10 of 25 rows; all in pairs.csv"
    assert md.decode().count("\n| p") == 10
    assert "p10" not in md.decode()
    assert md.decode().endswith(f"*{note}.*\n")
    assert f"\\caption{{Pairs ({note})}} \\label{{tab:pairs}}" in tex.decode()
    assert "p9 " in tex.decode()
    assert "p10" not in tex.decode()
    document = docx.Document(io.BytesIO(word))
    assert [p.text for p in document.paragraphs] == [f"Pairs ({note})"]
    assert len(document.tables[0].rows) == 1 + 10
    # at or under the limit nothing changes; None prints every row
    assert save_table(table, tmp_path / "all", ["md"], printed_rows=25)[0].read_text() == (
        to_markdown(table)
    )
    assert save_table(table, tmp_path / "none", ["md"], printed_rows=None)[0].read_text() == (
        to_markdown(table)
    )
    [only] = save_table(table, tmp_path / "printed", ["md"], printed_rows=10)
    assert only.read_text().endswith("*first 10 of 25 rows; the rest not printed.*\n")
