"""Column widths for printed tables (LaTeX, Word), from the text the columns hold.

A printed table must fit the page: a column gets at least the width of its longest word (the
text cannot break inside it) and at most the width of its longest cell; when the natural widths
do not fit, the space left after every column's minimum is shared in proportion to how much
more each would like, the way a browser lays out an automatic-width table (CSS 2.1, 17.5.2.2).

Widths are estimated from character classes of a roman text font (in ems), which is what a
layout needs: narrow letters, ordinary letters and digits, capitals, the widest letters.
"""

from __future__ import annotations

import functools
import math
import re
import string
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np

__all__ = ["BREAK_AFTER", "SETTINGS", "Layout", "Setting", "layout", "text_width"]

#: Characters after which a long identifier or path may break (LaTeX gets an ``\allowbreak``).
BREAK_AFTER = "_/–—"
#: A word of letters this long can be hyphenated; it needs at most this many letters on a line.
HYPHENATED_FROM = 9
HYPHENATED_PIECE = 7


@dataclass(frozen=True)
class Setting:
    """A way to print a table: on an upright or a turned page, at a font size.

    Lengths are in ems of the 10 pt text font, for LaTeX's ``article`` class at 10 pt (text
    width 345 pt, text height 550 pt on letter paper), the narrowest common manuscript page, so
    that wider pages fit too. ``font_size`` is a LaTeX size command (``""`` for the text size),
    ``scale`` the width of its text relative to the text size (measured with pdflatex: the
    smaller sizes of Computer Modern are drawn wider), ``leading`` its line height, and
    ``padding`` the space on each side of a cell (LaTeX's ``\\tabcolsep``).
    """

    landscape: bool
    font_size: str
    scale: float
    leading: float
    padding: float = 0.6
    #: Only when no other setting fits (7 pt is below what journals accept in tables).
    last_resort: bool = False

    @property
    def line_em(self) -> float:
        """The width of a line."""
        return 55.0 if self.landscape else 34.5

    @property
    def page_em(self) -> float:
        """The height of the text block, less room for the caption, header and footer."""
        return (34.5 if self.landscape else 55.0) - 8 * self.leading


#: The settings tried, in order, until the table fits.
SETTINGS: tuple[Setting, ...] = (
    Setting(False, "", 1.0, 1.2),
    Setting(False, "\\small", 0.93, 1.1),
    Setting(False, "\\footnotesize", 0.85, 0.95),
    Setting(True, "\\small", 0.93, 1.1),
    Setting(True, "\\footnotesize", 0.85, 0.95),
    Setting(True, "\\scriptsize", 0.8, 0.8, last_resort=True),
    Setting(True, "\\scriptsize", 0.8, 0.8, padding=0.3, last_resort=True),
)
#: Lines of ragged text are not filled to the end: words that do not fit go to the next line.
_FILL = 0.8
#: The free width is handed out in this many steps.
_STEPS = 100
#: A larger font is kept as long as the table takes at most this many times the pages it
#: would take in the setting that needs fewest.
_PAGES_TOLERATED = 1.25

_NARROW = set("fijlI.,:;'!|()[]`’‘ ")
_WIDE = set("mwMW@%")
#: The capitals that are neither narrow nor wide.
_ASCII_UPPER = sorted(set(string.ascii_uppercase) - _NARROW - _WIDE)
_SEGMENT = re.compile(rf"[^\s{re.escape(BREAK_AFTER)}-]*[{re.escape(BREAK_AFTER)}-]?")


def text_width(text: str) -> float:
    """The printed width of ``text`` on one line, in ems (an estimate that errs wide).

    Examples
    --------
    >>> text_width("ill"), text_width("mom"), text_width("")
    (0.96, 2.66, 0.0)
    """
    if text.isascii():  # counted in C: a cell of a large review can hold 100,000 characters
        narrow = sum(map(text.count, _NARROW))
        wide = sum(map(text.count, _WIDE))
        upper = sum(map(text.count, _ASCII_UPPER))
        return round(
            0.32 * narrow + 1.05 * wide + 0.75 * upper + 0.56 * (len(text) - narrow - wide - upper),
            6,
        )
    total = 0.0
    for char in text:
        if char in _NARROW:
            total += 0.32
        elif char in _WIDE:
            total += 1.05
        elif char.isupper():
            total += 0.75
        else:
            total += 0.56
    return round(total, 6)


#: The width of one unbreakable piece, remembered: a large table repeats the same ids and
#: words in thousands of cells.
_piece_width = functools.lru_cache(maxsize=1 << 16)(text_width)


def _longest_word(text: str) -> float:
    """The widest piece of ``text`` that cannot break: a word of letters alone is hyphenated
    (TeX's patterns break an English word every few letters, but never one that holds a hyphen
    or a digit); anything else breaks only at spaces and after ``_``, ``/`` and dashes."""
    widest = 0.0
    for token in text.split():
        word = token.strip(".,;:!?()[]’‘'\"“”")
        if len(word) >= HYPHENATED_FROM and word.isalpha():
            widest = max(widest, _piece_width(word[:HYPHENATED_PIECE] + "-"))
        else:
            widest = max(widest, *(_piece_width(piece) for piece in _SEGMENT.findall(token)))
    return widest


@dataclass(frozen=True)
class Layout:
    """Column widths as fractions of the line width (each including its cell padding), and how
    the table is printed."""

    fractions: tuple[float, ...]
    setting: Setting


def layout(header: Sequence[str], rows: Sequence[Sequence[str]]) -> Layout | None:
    """Share the line width among the columns of a table of display text.

    The widths make the table as short as possible (no column wider than its longest cell);
    long text wraps. When the longest words do not fit, or a row would be taller than a page,
    the table is set smaller, then on a turned (landscape) page; a smaller font or a turned
    page is also chosen when it saves many pages. ``None`` when no setting fits.

    Examples
    --------
    >>> short = layout(["id", "n"], [["a", "1"]])
    >>> short.fractions, short.setting.font_size  # narrower than the line: natural widths
    ((0.06, 0.051), '')
    >>> long = layout(["id", "text"], [["a1", "word " * 40]])
    >>> long.fractions, long.setting.landscape  # the text column takes what is left
    ((0.067, 0.932), False)
    >>> print(layout([f"c{i}" for i in range(40)], [["kirkegaard2022"] * 40]))
    None
    """
    columns = list(zip(header, *rows, strict=True)) if header else []
    natural = [max(text_width(c) for c in column) for column in columns]
    minimum = [max(_longest_word(c) for c in column) for column in columns]
    cells = np.array(
        [[text_width(c) for c in row] for row in [header, *rows]], dtype=float
    ).reshape(len(rows) + 1, len(columns))
    fits = []
    for setting in SETTINGS:
        room = (setting.line_em - 2 * setting.padding * len(columns)) / setting.scale
        if sum(minimum) > room:
            continue
        widths = _share(room, natural, minimum, cells)
        if _tallest_row(cells, widths) * setting.leading > setting.page_em:
            continue
        pages = math.ceil(_height(cells, widths)[0] * setting.leading / setting.page_em)
        fits.append((setting, widths, pages))
    if not fits:
        return None
    fits = [f for f in fits if not f[0].last_resort] or fits
    fewest = min(pages for _, _, pages in fits)
    setting, widths, _ = next(f for f in fits if f[2] <= fewest * _PAGES_TOLERATED)
    # round down to 3 decimals so that the fractions never add up to more than the line
    fractions = tuple(
        int((w * setting.scale + 2 * setting.padding) / setting.line_em * 1000) / 1000
        for w in widths
    )
    return Layout(fractions, setting)


def _share(room: float, natural: Sequence[float], minimum: Sequence[float], cells: Any) -> Any:
    """Widths for the columns that make the table shortest: from every column at its minimum,
    the rest of ``room`` is handed out a step at a time to the column whose widening saves the
    most lines (a column never grows past its natural width). ``cells`` holds each cell's
    text width (rows x columns). Expects ``sum(minimum) <= room``.

    >>> cells = np.array([[2.0, 30.0, 10.0]])
    >>> [round(float(w), 2) for w in _share(20.0, [2.0, 30.0, 10.0], [1.0, 1.0, 1.0], cells)]
    [1.0, 14.2, 4.8]
    """
    widths = np.array(minimum, dtype=float)
    cap = np.array(natural, dtype=float)
    step = room / _STEPS
    spare = room - widths.sum()
    while spare >= step:
        growable = np.flatnonzero(widths < cap)
        if growable.size == 0:
            break
        best, best_cost = -1, (math.inf, math.inf)
        for i in growable:
            trial = widths.copy()
            trial[i] = min(trial[i] + step, cap[i])
            cost = _height(cells, trial)
            if cost < best_cost:
                best, best_cost = int(i), cost
        grown = min(widths[best] + step, cap[best])
        spare -= grown - widths[best]
        widths[best] = grown
    return widths


def _height(cells: Any, widths: Any) -> tuple[float, float]:
    """The table's height in lines with columns of ``widths``, and the same without rounding
    each cell up to whole lines (which tells apart widths that save no whole line yet)."""
    lines = _lines(cells, widths)
    return float(np.ceil(lines).max(axis=1).sum()), float(lines.max(axis=1).sum())


def _lines(cells: Any, widths: Any) -> Any:
    """How many lines each cell takes (not rounded): one if it fits, else its width over
    the part of a ragged line that text fills."""
    room = np.maximum(widths, 1e-9)
    return np.where(cells <= room, np.minimum(cells / room, 1.0), cells / (room * _FILL))


def _tallest_row(cells: Any, widths: Any) -> int:
    """The most lines any row needs, with the text wrapped in columns of ``widths``."""
    if cells.size == 0:
        return 1
    return int(np.ceil(_lines(cells, widths)).max())
