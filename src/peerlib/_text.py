"""Show text from a corpus safely in a message: one problem, one line, whatever the text holds."""

from __future__ import annotations

import re

__all__ = ["one_line", "shown"]

# Line breaks of every kind, other control characters, and lone surrogates (undecodable bytes
# in a file name): anything that would break a line or a terminal.
_UNSHOWABLE = re.compile("[\x00-\x08\x0a-\x1f\x7f-\x9f\u2028\u2029\ud800-\udfff]")
#: Longest value quoted in a message before it is cut short.
SHOWN_CHARS = 60


def one_line(text: str) -> str:
    r"""``text`` with line breaks and control characters written as Python escapes.

    Examples
    --------
    >>> print(one_line("studies/a\nb.yaml"))
    studies/a\nb.yaml
    """
    return _UNSHOWABLE.sub(lambda m: repr(m.group())[1:-1], text)


def shown(value: object) -> str:
    """``repr(value)``, cut short when long (a 5,000-character id is named, not printed).

    Examples
    --------
    >>> shown("stigma")
    "'stigma'"
    >>> shown("x" * 100)
    "'xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx...' (100 characters)"
    """
    text = repr(value)
    if len(text) <= SHOWN_CHARS:
        return text
    cut = f"{text[: SHOWN_CHARS - 8]}...{text[-1] if isinstance(value, str) else ''}"
    size = f" ({len(value)} characters)" if isinstance(value, str) else ""
    return cut + size
