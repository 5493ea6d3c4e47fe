"""Table export: exact output of each format, escaping, atomic and byte-identical writes."""

from __future__ import annotations

import math
from pathlib import Path

import pandas as pd
import pytest

from peerlib.comparison import cerqual_summary, study_similarity, translation_table
from peerlib.loading import Corpus
from peerlib.measures import study_measures
from peerlib.table_export import TABLE_FORMATS, escape_latex, save_table, to_latex, to_markdown


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
    text = to_latex(sample(), caption="Sample: 100% made up_", label="tab:sample_1")
    assert text == (
        "\\begin{table}\n"
        "\\centering\n"
        "\\caption{Sample: 100\\% made up\\_}\n"
        "\\label{tab:sample_1}\n"  # a key, written as given
        "\\begin{tabular}{llrrl}\n"
        "\\toprule\n"
        "study\\_id & text & n & score & ok \\\\\n"
        "\\midrule\n"
        'alpha & He said "yes", then left & 3 & 0.333 & True \\\\\n'
        "b\\_2 & 50\\% \\& \\{more\\} \\textbar{} less &  &  &  \\\\\n"  # OT1 prints | as a dash
        "\\bottomrule\n"
        "\\end{tabular}\n"
        "\\end{table}\n"
    )


def test_latex_bare_tabular_and_column_format() -> None:
    df = pd.DataFrame({"a": ["x"], "b": [1]})
    assert to_latex(df, column_format="p{3cm}r") == (
        "\\begin{tabular}{p{3cm}r}\n\\toprule\na & b \\\\\n\\midrule\nx & 1 \\\\\n"
        "\\bottomrule\n\\end{tabular}\n"
    )


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
    # only the three files: no temporary file left behind
    assert sorted(p.name for p in (tmp_path / "out").iterdir()) == [
        "translation.csv",
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
        assert all(b"\r\n" not in data for data in first)


def test_save_table_keeps_dots_and_dedupes(tmp_path: Path) -> None:
    paths = save_table(sample(), tmp_path / "table.v2", formats=("md", "csv", "md"))
    assert paths == [tmp_path / "table.v2.md", tmp_path / "table.v2.csv"]


def test_save_table_unknown_format(tmp_path: Path) -> None:
    with pytest.raises(ValueError, match=r"unknown table format\(s\) 'xlsx'; valid: csv, md, tex"):
        save_table(sample(), tmp_path / "t", formats=("csv", "xlsx"))
    assert list(tmp_path.iterdir()) == []  # nothing written


def test_empty_table(tmp_path: Path) -> None:
    df = pd.DataFrame({"a": pd.array([], dtype="string"), "n": pd.array([], dtype="int64")})
    csv, md, tex = save_table(df, tmp_path / "empty")
    assert csv.read_text(encoding="utf-8") == "a,n\n"
    # tabulate drops the alignment row's colons when there are no rows
    assert md.read_text(encoding="utf-8") == "| a   | n   |\n|-----|-----|\n"
    assert "a & n \\\\\n\\midrule\n\\bottomrule\n" in tex.read_text(encoding="utf-8")


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
    assert to_latex(df) == (
        "\\begin{tabular}{ll}\n"
        "\\toprule\n"
        "text & note \\\\\n"
        "\\midrule\n"
        "{}[People served] said & [a] \\\\\n"
        "{}*starred & [a] \\\\\n"
        "{} [x & [a] \\\\\n"
        "\\bottomrule\n"
        "\\end{tabular}\n"
    )
