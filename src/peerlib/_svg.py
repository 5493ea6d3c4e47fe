"""Vega's SVG with stable element ids: what makes a drawn chart the same bytes every time."""

from __future__ import annotations

import re

__all__ = ["stable_svg"]

# Vega's generated ids, where they are defined or referred to; never plain text.
_SVG_ID = re.compile(r'(id="|url\(#|href="#)((clip|gradient|pattern|mask)[_-]?)(\d+)(?=[")])')


def stable_svg(svg: str) -> str:
    """Renumber Vega's generated element ids from 1 in order of appearance.

    Vega numbers clip paths and gradients with a counter that lives as long as the process,
    so the same chart drawn second in a kernel gets other ids than drawn first. Only ids where
    they are defined or referred to are touched: text that merely looks like one (a study
    called ``clip2019`` on an axis) is left alone.

    >>> stable_svg('<clipPath id="clip7"/><g clip-path="url(#clip7)">clip2019</g>')
    '<clipPath id="clip1"/><g clip-path="url(#clip1)">clip2019</g>'
    """
    numbers: dict[str, int] = {}

    def renumber(match: re.Match[str]) -> str:
        old = match.group(2) + match.group(4)
        number = numbers.setdefault(old, len(numbers) + 1)
        return f"{match.group(1)}{match.group(2)}{number}"

    return _SVG_ID.sub(renumber, svg)
