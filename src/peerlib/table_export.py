"""Write tables for a paper or a repository: CSV, Markdown and LaTeX, the same bytes every run.

CSV is the machine-readable copy: every value at full precision, missing values empty.
Markdown and LaTeX are for reading: numbers are right-aligned, floats shown with a fixed number
of decimals, missing values left blank, and text escaped for the target format.

Text from a corpus is inert in every format: a CSV text cell that a spreadsheet would run as a
formula is prefixed with ``'``, Markdown never passes HTML through, and a LaTeX cell cannot
change the table's structure.
"""

from __future__ import annotations

import math
import os
import re
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import pandas as pd

from . import _atomic

__all__ = [
    "TABLE_FORMATS",
    "csv_safe",
    "escape_latex",
    "escape_markdown",
    "save_table",
    "to_latex",
    "to_markdown",
]

#: The formats :func:`save_table` writes, by file suffix.
TABLE_FORMATS: tuple[str, ...] = ("csv", "md", "tex")

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


def to_latex(
    df: pd.DataFrame,
    caption: str | None = None,
    label: str | None = None,
    *,
    precision: int = 3,
    column_format: str | None = None,
) -> str:
    """The table as a LaTeX ``tabular`` with booktabs rules (without the index).

    Parameters
    ----------
    df
        The table.
    caption
        Plain text, escaped for LaTeX. With a caption or a label the tabular is wrapped in a
        centred ``table`` float.
    label
        The ``\\label`` key, written as given (it is a key, not text).
    precision
        Decimals shown for floats.
    column_format
        The tabular column spec; by default ``r`` for numeric columns and ``l`` for the rest
        (give e.g. ``"lp{8cm}"`` for long excerpts).

    Returns
    -------
    str
        The LaTeX source, ending with a newline; it needs ``\\usepackage{booktabs}``. Every
        cell and column name is escaped (:func:`escape_latex`), and a first cell starting
        with ``[`` or ``*`` gets a ``{}`` before it (else LaTeX reads it as an argument of the
        rule or line break before it); missing values are blank.

    Examples
    --------
    >>> import pandas as pd
    >>> print(to_latex(pd.DataFrame({"study_id": ["a&b"], "n": [2]})), end="")
    \\begin{tabular}{lr}
    \\toprule
    study\\_id & n \\\\
    \\midrule
    a\\&b & 2 \\\\
    \\bottomrule
    \\end{tabular}
    """
    columns, rows, numeric = _display(df, precision)
    escaped = [[escape_latex(v) for v in row] for row in rows]
    header = [escape_latex(c) for c in columns]
    for row in [header, *escaped]:
        if row:
            row[0] = _latex_row_start(row[0])
    cells = pd.DataFrame(escaped, columns=header, dtype=object)
    if column_format is None:
        column_format = "".join("r" if n else "l" for n in numeric)
    styler = cells.style.hide(axis="index")
    text = styler.to_latex(
        column_format=column_format,
        hrules=True,
        caption=None if caption is None else escape_latex(caption),
        label=label,
        position_float="centering" if caption is not None or label is not None else None,
    )
    return text if text.endswith("\n") else text + "\n"


def save_table(
    df: pd.DataFrame,
    stem: str | os.PathLike[str],
    formats: Sequence[str] = TABLE_FORMATS,
    *,
    caption: str | None = None,
    label: str | None = None,
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
        ``"md"`` (:func:`to_markdown`) and ``"tex"`` (:func:`to_latex`), written in this order.
    caption, label
        For the LaTeX table.

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
    ['similarity.csv', 'similarity.md', 'similarity.tex']
    """
    unknown = [f for f in formats if f not in TABLE_FORMATS]
    if unknown:
        raise ValueError(
            f"unknown table format(s) {', '.join(map(repr, unknown))}; "
            f"valid: {', '.join(TABLE_FORMATS)}"
        )
    stem = Path(stem)
    written = []
    for fmt in dict.fromkeys(formats):
        path = stem.with_name(f"{stem.name}.{fmt}")
        if fmt == "csv":
            text = _csv_frame(df).to_csv(index=False, lineterminator="\n")
        elif fmt == "md":
            text = to_markdown(df)
        else:
            text = to_latex(df, caption=caption, label=label)
        _atomic.write_text(path, text)
        written.append(path)
    return written
