"""Write tables for a paper or a repository: CSV, Markdown and LaTeX, the same bytes every run.

CSV is the machine-readable copy: every value at full precision, missing values empty.
Markdown and LaTeX are for reading: numbers are right-aligned, floats shown with a fixed number
of decimals, missing values left blank, and text escaped for the target format.

Text from a corpus is inert in every format: a CSV text cell that a spreadsheet would run as a
formula is prefixed with ``'``, Markdown never passes HTML through, and a LaTeX cell cannot
change the table's structure.
"""

from __future__ import annotations

import io
import math
import os
import re
import zipfile
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pandas as pd

from . import _atomic
from ._table_layout import SETTINGS, Layout, layout
from ._zip import stable_zip

__all__ = [
    "LATEX_PACKAGES",
    "PRINTED_ROWS",
    "TABLE_FORMATS",
    "csv_safe",
    "escape_latex",
    "escape_markdown",
    "latex_label",
    "save_table",
    "to_docx",
    "to_latex",
    "to_markdown",
]

#: The formats :func:`save_table` writes, by file suffix.
TABLE_FORMATS: tuple[str, ...] = ("csv", "md", "tex", "docx")
#: The most rows :func:`save_table` prints (Markdown, LaTeX, Word): a longer table is printed
#: up to here, with a note saying how many rows there are and where they all are (the CSV).
#: A review of 1,000 studies has half a million pairs of studies; no one reads them on paper.
PRINTED_ROWS = 1000

_LATEX_SPECIALS = str.maketrans(
    {
        "\\": r"\textbackslash{}",
        "&": r"\&",
        "%": r"\%",
        "$": r"\$",
        "#": r"\#",
        "_": r"\_",
        "{": r"\{",
        "}": r"\}",
        "~": r"\textasciitilde{}",
        "^": r"\textasciicircum{}",
        "<": r"\textless{}",
        ">": r"\textgreater{}",
        "|": r"\textbar{}",
        "\n": " ",
        "\r": " ",
    }
)
# A character reference, the only way a bare & means something in Markdown (CommonMark 6.2).
_MD_REFERENCE = re.compile(r"&(?=#[0-9]{1,7};|#[xX][0-9a-fA-F]{1,6};|[A-Za-z][A-Za-z0-9]*;)")
#: What a spreadsheet reads as the start of a formula (OWASP's CSV injection list).
CSV_FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def escape_latex(text: str) -> str:
    """Escape the characters that LaTeX treats specially, so ``text`` prints as written.

    Line breaks become spaces (a table cell is one line); ``<``, ``>`` and ``|``, which the
    default font encoding prints as other glyphs, are written as text commands.

    Examples
    --------
    >>> print(escape_latex("50% of A&B_1 cost $5 {approx.}"))
    50\\% of A\\&B\\_1 cost \\$5 \\{approx.\\}
    """
    return text.translate(_LATEX_SPECIALS)


def _latex_row_start(text: str) -> str:
    """A row's first cell: ``[`` or ``*`` there would be read as an argument of the ``\\\\`` or
    ``\\midrule`` before it (pdflatex stops on ``[People served]``); ``{}`` ends that."""
    return "{}" + text if text.lstrip()[:1] in ("[", "*") else text


def escape_markdown(text: str) -> str:
    """Escape text for a Markdown table cell: no HTML passes through, no ``|`` ends the cell.

    ``<`` and ``>`` become ``&lt;`` and ``&gt;``; ``&`` becomes ``&amp;`` where it would start
    a character reference (a bare ``&`` means itself and is kept).

    Examples
    --------
    >>> print(escape_markdown("<b>A & B</b> | &amp;"))
    &lt;b&gt;A & B&lt;/b&gt; \\| &amp;amp;
    """
    text = _MD_REFERENCE.sub("&amp;", text)
    return text.replace("<", "&lt;").replace(">", "&gt;").replace("|", r"\|")


def csv_safe(text: str) -> str:
    """A CSV text cell that a spreadsheet shows as text: ``'`` before a formula's first character.

    A cell starting with ``=``, ``+``, ``-``, ``@``, a tab or a carriage return would be run as
    a formula by Excel, LibreOffice or Google Sheets (CSV injection). The quote is what a
    spreadsheet user types to enter such text, and the spreadsheet hides it.

    Examples
    --------
    >>> print(csv_safe('=HYPERLINK("http://example.org")'), csv_safe("-ish"), csv_safe("plain"))
    '=HYPERLINK("http://example.org") '-ish plain
    """
    return "'" + text if text.startswith(CSV_FORMULA_STARTS) else text


def _csv_frame(df: pd.DataFrame) -> pd.DataFrame:
    """``df`` with :func:`csv_safe` applied to its text cells and column names (numeric columns,
    where ``-1`` is a number, are left alone); ``df`` itself when nothing needs it."""

    def unsafe(value: Any) -> bool:
        return isinstance(value, str) and value.startswith(CSV_FORMULA_STARTS)

    text_columns = [i for i in range(df.shape[1]) if not _is_numeric(df.iloc[:, i])]
    changed = {i for i in text_columns if any(map(unsafe, df.iloc[:, i]))}
    renamed = any(unsafe(c) for c in df.columns)
    if not changed and not renamed:
        return df
    out = df.copy()
    for i in sorted(changed):
        out.isetitem(i, [csv_safe(v) if isinstance(v, str) else v for v in df.iloc[:, i]])
    if renamed:
        out.columns = [csv_safe(c) if isinstance(c, str) else c for c in df.columns]
    return out


def _is_numeric(series: pd.Series) -> bool:
    return pd.api.types.is_numeric_dtype(series) and not pd.api.types.is_bool_dtype(series)


def _cell(value: Any, precision: int) -> str:
    """One cell as display text: blank when missing, floats with ``precision`` decimals."""
    if value is None or value is pd.NA or (isinstance(value, float) and math.isnan(value)):
        return ""
    if isinstance(value, float):
        text = f"{value:.{precision}f}"
        return text.lstrip("-") if float(text) == 0 else text  # no "-0.000"
    return " ".join(str(value).splitlines())


def _display(df: pd.DataFrame, precision: int) -> tuple[list[str], list[list[str]], list[bool]]:
    """Header, rows of display text, and which columns are numeric (right-aligned)."""
    columns = [str(c) for c in df.columns]
    numeric = [_is_numeric(df.iloc[:, i]) for i in range(df.shape[1])]
    rows = [
        [_cell(value, precision) for value in record]
        for record in df.itertuples(index=False, name=None)
    ]
    return columns, rows, numeric


def to_markdown(df: pd.DataFrame, *, precision: int = 3) -> str:
    """The table as a GitHub-flavoured Markdown pipe table (without the index).

    Parameters
    ----------
    df
        The table.
    precision
        Decimals shown for floats.

    Returns
    -------
    str
        The table, ending with a newline. Numeric columns are right-aligned, missing values
        blank, text escaped (:func:`escape_markdown`: no HTML passes through, ``|`` is
        escaped), line breaks inside a cell turned into spaces.

    Examples
    --------
    >>> import pandas as pd
    >>> print(to_markdown(pd.DataFrame({"study": ["a|b", None], "jaccard": [0.5, None]})),
    ...       end="")
    | study   |   jaccard |
    |:--------|----------:|
    | a\\|b    |     0.500 |
    |         |           |
    """
    columns, rows, numeric = _display(df, precision)
    cells = pd.DataFrame(
        [[escape_markdown(v) for v in row] for row in rows],
        columns=[escape_markdown(c) for c in columns],
        dtype=object,
    )
    text = cells.to_markdown(
        index=False,
        disable_numparse=True,
        colalign=["right" if n else "left" for n in numeric],
    )
    return text + "\n"


@dataclass(frozen=True)
class _Printed:
    """A table as printed: display text, its layout on the page, and ``per_record`` > 0 when
    it is too wide for any page and each record is printed as ``per_record`` lines of
    (column, value)."""

    columns: list[str]
    rows: list[list[str]]
    numeric: list[bool]
    layout: Layout
    per_record: int


def _printed(df: pd.DataFrame, precision: int) -> _Printed:
    columns, rows, numeric = _display(df, precision)
    fit = layout(columns, rows)
    if fit is not None:
        return _Printed(columns, rows, numeric, fit, 0)
    # too wide for any page: one record after another, a line for each column
    stacked = [[c, v] for row in rows for c, v in zip(columns, row, strict=True)]
    header = ["column", "value"]
    fit = layout(header, stacked) or Layout((0.25, 0.75), SETTINGS[-1])
    return _Printed(header, stacked, [False, False], fit, len(columns))


#: The packages every table from :func:`to_latex` needs, named in its first line.
LATEX_PACKAGES: tuple[str, ...] = ("array", "booktabs", "longtable")


def latex_label(text: str) -> str:
    """A ``\\label`` key made of ``text``: letters, digits and ``:._-``; anything else is ``-``.

    Examples
    --------
    >>> latex_label("tab:Graph measures of moran2025")
    'tab:graph-measures-of-moran2025'
    """
    return re.sub(r"[^a-z0-9:._-]+", "-", text.lower()).strip("-")


def _latex_cell(text: str) -> str:
    """A cell's text escaped, with a permitted line break after each ``_`` and ``/`` (long
    identifiers and paths wrap in a narrow column instead of running into the next)."""
    escaped = escape_latex(text)
    return re.sub(r"(\\_|/|–|—)", r"\1\\allowbreak{}", escaped)


def _latex_column(fraction: float, numeric: bool) -> str:
    """A ``p`` column of ``fraction`` of the line (padding included), ragged, so that long
    text wraps; ``\\hspace{0pt}`` lets TeX hyphenate a cell's first word too."""
    align = "\\raggedleft" if numeric else "\\raggedright"
    return (
        f">{{{align}\\arraybackslash\\hspace{{0pt}}}}"
        f"p{{\\dimexpr {fraction:.3f}\\linewidth-2\\tabcolsep\\relax}}"
    )


def to_latex(
    df: pd.DataFrame,
    caption: str | None = None,
    label: str | None = None,
    *,
    precision: int = 3,
    column_format: str | None = None,
) -> str:
    """The table as a LaTeX ``longtable`` with booktabs rules (without the index), sized to
    fit the page.

    The columns share the line width by their content (:mod:`peerlib._table_layout`): short
    columns keep their natural width, long text wraps in ragged ``p`` columns, and a table whose
    longest words do not fit at the text size is set smaller. Long tables break across pages,
    with the header (and the caption, "continued") repeated on each.

    Parameters
    ----------
    df
        The table.
    caption
        Plain text, escaped for LaTeX, above the table.
    label
        The ``\\label`` key (see :func:`latex_label`); default ``tab:`` and the caption.
    precision
        Decimals shown for floats.
    column_format
        The column spec, instead of the computed widths.

    Returns
    -------
    str
        The LaTeX source, ending with a newline. Its first line is a comment naming the
        packages it needs (:data:`LATEX_PACKAGES`). Every cell and column name is escaped
        (:func:`escape_latex`), and a first cell starting with ``[`` or ``*`` gets a ``{}``
        before it (else LaTeX reads it as an argument of the rule or line break before it);
        missing values are blank.

    Examples
    --------
    >>> import pandas as pd
    >>> df = pd.DataFrame({"study_id": ["a&b"], "n": [2]})
    >>> print(to_latex(df, "Counts", column_format="lr"), end="")
    % peerlib table; needs \\usepackage{array,booktabs,longtable}
    \\begin{longtable}{lr}
    \\caption{Counts} \\label{tab:counts} \\\\
    \\toprule
    study\\_\\allowbreak{}id & n \\\\
    \\midrule
    \\endfirsthead
    \\caption[]{Counts (continued)} \\\\
    \\toprule
    study\\_\\allowbreak{}id & n \\\\
    \\midrule
    \\endhead
    \\midrule
    \\multicolumn{2}{r}{Continued on next page} \\\\
    \\midrule
    \\endfoot
    \\bottomrule
    \\endlastfoot
    a\\&b & 2 \\\\
    \\end{longtable}
    """
    if column_format is None:
        printed = _printed(df, precision)
        columns, rows, numeric = printed.columns, printed.rows, printed.numeric
        setting, per_record = printed.layout.setting, printed.per_record
        column_format = "".join(
            _latex_column(f, n) for f, n in zip(printed.layout.fractions, numeric, strict=True)
        )
    else:
        columns, rows, numeric = _display(df, precision)
        setting, per_record = SETTINGS[0], 0
    escaped = [[_latex_cell(v) for v in row] for row in rows]
    header = [_latex_cell(c) for c in columns]
    for row in [header, *escaped]:
        if row:
            row[0] = _latex_row_start(row[0])
    if label is None and caption is not None:
        label = latex_label(f"tab:{caption}")
    cells = pd.DataFrame(escaped, columns=header, dtype=object)
    text = cells.style.hide(axis="index").to_latex(
        column_format=column_format,
        hrules=True,
        environment="longtable",
        caption=None if caption is None else escape_latex(caption),
        label=label,
    )
    if caption is not None:
        # the caption repeated on later pages says so
        again = f"\\caption[]{{{escape_latex(caption)}}}"
        text = text.replace(again, f"\\caption[]{{{escape_latex(caption)} (continued)}}", 1)
    # pandas counts the columns of the footer's \multicolumn from the rows: none when empty
    text = text.replace("\\multicolumn{0}{r}", f"\\multicolumn{{{len(columns)}}}{{r}}", 1)
    if per_record:
        text = _rule_between_records(text, per_record)
    text = text if text.endswith("\n") else text + "\n"
    if setting.font_size or setting.padding != SETTINGS[0].padding:
        size = setting.font_size
        if setting.padding != SETTINGS[0].padding:
            size += f"\\setlength{{\\tabcolsep}}{{{setting.padding * 10:g}pt}}"
        text = f"\\begingroup{size}\n{text}\\endgroup\n"
    packages = list(LATEX_PACKAGES)
    if setting.landscape:
        text = f"\\begin{{landscape}}\n{text}\\end{{landscape}}\n"
        packages.append("pdflscape")
    return f"% peerlib table; needs \\usepackage{{{','.join(packages)}}}\n{text}"


def _rule_between_records(text: str, per_record: int) -> str:
    """A ``\\midrule`` after every ``per_record`` body rows (the rows after ``\\endlastfoot``,
    one per line) but the last."""
    head, mark, body = text.partition("\\endlastfoot\n")
    lines = body.split("\n")
    end = next(i for i, line in enumerate(lines) if line.startswith("\\end{longtable}"))
    out = []
    for number, line in enumerate(lines[:end], start=1):
        out.append(line)
        if number % per_record == 0 and number < end:
            out.append("\\midrule")
    return head + mark + "\n".join(out + lines[end:])


#: Point sizes of the LaTeX size commands a printed table may use, for Word.
_DOCX_POINTS = {"": 10.0, "\\small": 9.0, "\\footnotesize": 8.0, "\\scriptsize": 7.0}


def _source_date() -> datetime:
    """The time recorded in documents: ``SOURCE_DATE_EPOCH`` (the reproducible-builds
    convention; the build sets it), else 1980-01-01, never the clock."""
    epoch = os.environ.get("SOURCE_DATE_EPOCH", "")
    seconds = int(epoch) if epoch.isdigit() else 315532800
    return datetime.fromtimestamp(max(seconds, 315532800), UTC).replace(tzinfo=None)


def to_docx(df: pd.DataFrame, caption: str | None = None, *, precision: int = 3) -> bytes:
    """The table as a Word document (``.docx``), sized to fit the page like :func:`to_latex`.

    The caption stands above the table in Word's Caption style; the header row repeats on
    every page; numeric columns are right-aligned; columns share the page width by their
    content, and a wide table is set smaller or on a landscape page (a table too wide for any
    page is printed record by record, as in LaTeX). The document's properties hold fixed
    values and its zip fixed timestamps, so the same table gives the same bytes.

    Examples
    --------
    >>> import io, docx, pandas as pd
    >>> data = to_docx(pd.DataFrame({"study": ["a"], "n": [2]}), "Counts")
    >>> document = docx.Document(io.BytesIO(data))
    >>> [p.text for p in document.paragraphs], document.tables[0].rows[1].cells[1].text
    (['Counts'], '2')
    >>> data == to_docx(pd.DataFrame({"study": ["a"], "n": [2]}), "Counts")
    True
    """
    import docx
    from docx.enum.section import WD_ORIENT
    from docx.enum.text import WD_ALIGN_PARAGRAPH
    from docx.oxml import OxmlElement
    from docx.oxml.ns import qn
    from docx.shared import Pt

    printed = _printed(df, precision)
    setting = printed.layout.setting
    document = docx.Document()
    when = _source_date()
    properties = document.core_properties
    properties.title = caption or ""
    properties.author = "peerlib"
    properties.last_modified_by = "peerlib"
    properties.comments = "Table written by peerlib"
    properties.revision = 1
    properties.created = when
    properties.modified = when
    properties.last_printed = when
    section = document.sections[0]
    if setting.landscape:
        section.orientation = WD_ORIENT.LANDSCAPE
        section.page_width, section.page_height = section.page_height, section.page_width
    assert section.page_width is not None
    line = section.page_width - (section.left_margin or 0) - (section.right_margin or 0)
    if caption is not None:
        document.add_paragraph(caption, style="Caption")
    table = document.add_table(rows=1 + len(printed.rows), cols=len(printed.columns))
    table.style = "Table Grid"
    table.autofit = False
    points = Pt(_DOCX_POINTS.get(setting.font_size, 10.0))
    header_row = table.rows[0]
    header_properties = header_row._tr.get_or_add_trPr()
    repeat = OxmlElement("w:tblHeader")
    repeat.set(qn("w:val"), "true")
    header_properties.append(repeat)
    # row by row: Table.cell(r, c) walks every cell of the table, once per call
    for r, (row, values) in enumerate(
        zip(table.rows, [printed.columns, *printed.rows], strict=True)
    ):
        for c, (cell, value) in enumerate(zip(row.cells, values, strict=True)):
            cell.width = int(line * printed.layout.fractions[c])
            paragraph = cell.paragraphs[0]
            run = paragraph.add_run(value)
            run.font.size = points
            run.bold = r == 0 or (printed.per_record > 0 and c == 0)
            if printed.numeric[c]:
                paragraph.alignment = WD_ALIGN_PARAGRAPH.RIGHT
    buffer = io.BytesIO()
    document.save(buffer)
    with zipfile.ZipFile(buffer) as archive:
        entries = [(info.filename, archive.read(info)) for info in archive.infolist()]
    return stable_zip(entries)


def save_table(
    df: pd.DataFrame,
    stem: str | os.PathLike[str],
    formats: Sequence[str] = TABLE_FORMATS,
    *,
    caption: str | None = None,
    label: str | None = None,
    printed_rows: int | None = PRINTED_ROWS,
) -> list[Path]:
    """Write a table next to ``stem`` in several formats, each file atomically.

    Parameters
    ----------
    df
        The table; its index is not written.
    stem
        The path without suffix (a string or a path): ``out/similarity`` writes
        ``out/similarity.csv`` etc. (a dot in the stem's name is kept: ``table.v2`` becomes
        ``table.v2.csv``). Missing folders are made.
    formats
        Any of ``"csv"`` (UTF-8, ``\\n`` line endings, full precision, missing values empty,
        text cells that a spreadsheet would run as a formula prefixed with ``'``: :func:`csv_safe`),
        ``"md"`` (:func:`to_markdown`), ``"tex"`` (:func:`to_latex`) and ``"docx"``
        (:func:`to_docx`), written in this order.
    caption
        For the LaTeX and Word tables; default the stem's name (``theme-bridges``: "Theme
        bridges"), so that every printed table has one.
    label
        For the LaTeX table; default ``tab:`` and the caption (:func:`latex_label`).
    printed_rows
        The most rows the Markdown, LaTeX and Word tables hold (default
        :data:`PRINTED_ROWS`; ``None``: no limit). A longer table is printed up to this row,
        and the caption (a last line in Markdown) says so: "first 1,000 of 499,500 rows; all
        in similarity.csv". The CSV always holds every row.

    Returns
    -------
    list of pathlib.Path
        The files written, in the order of ``formats``. Writing the same table again gives
        byte-identical files.

    Raises
    ------
    ValueError
        If a format is not one of :data:`TABLE_FORMATS`; nothing is written then.

    Examples
    --------
    >>> import tempfile
    >>> from peerlib import load_corpus
    >>> from peerlib.comparison import study_similarity
    >>> with tempfile.TemporaryDirectory() as folder:
    ...     paths = save_table(study_similarity(load_corpus()), f"{folder}/similarity")
    ...     [p.name for p in paths]
    ['similarity.csv', 'similarity.md', 'similarity.tex', 'similarity.docx']
    """
    unknown = [f for f in formats if f not in TABLE_FORMATS]
    if unknown:
        raise ValueError(
            f"unknown table format(s) {', '.join(map(repr, unknown))}; "
            f"valid: {', '.join(TABLE_FORMATS)}"
        )
    stem = Path(stem)
    if caption is None:
        caption = stem.name.replace("-", " ").replace("_", " ").capitalize()
    # everything is made before anything is written: a failure leaves no new file behind
    contents: dict[Path, bytes] = {}
    printed, note = df, ""
    if printed_rows is not None and len(df) > printed_rows:
        printed = df.head(max(printed_rows, 0))
        where = f"all in {stem.name}.csv" if "csv" in formats else "the rest not printed"
        note = f"first {len(printed):,} of {len(df):,} rows; {where}"
    if label is None and note:  # the whole table's label, not one naming the note
        label = latex_label(f"tab:{caption}")
    for fmt in dict.fromkeys(formats):
        path = stem.with_name(f"{stem.name}.{fmt}")
        if fmt == "csv":
            contents[path] = _csv_frame(df).to_csv(index=False, lineterminator="\n").encode()
        elif fmt == "md":
            text = to_markdown(printed)
            contents[path] = (text + (f"\n*{escape_markdown(note)}.*\n" if note else "")).encode()
        elif fmt == "tex":
            printed_caption = f"{caption} ({note})" if note else caption
            contents[path] = to_latex(printed, caption=printed_caption, label=label).encode()
        else:
            contents[path] = to_docx(printed, f"{caption} ({note})" if note else caption)
    for path, data in contents.items():
        _atomic.write_bytes(path, data)
    return list(contents)
