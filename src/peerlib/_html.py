r"""JSON placed inside an HTML ``<script>`` element, made inert: data can never end the script.

Inside a script element the HTML parser looks for one thing: ``</script`` (and, after ``<!--``,
for ``<script``, which can hide the real end tag). Every such sequence starts with ``<``, so
writing each ``<`` in a JSON text as ``\u003c`` leaves nothing in the data that the parser can
see, while the JSON means exactly the same. ``&`` and ``>`` are plain characters in script
data (no character references, no tags without ``<``) and are kept, which keeps the pages of
a corpus without ``<`` in its text byte-identical. U+2028 and U+2029 are written as escapes
too: JavaScript engines before ES2019 end a string literal there.
"""

from __future__ import annotations

__all__ = ["inert_json"]

_ESCAPES = str.maketrans({"<": "\\u003c", "\u2028": "\\u2028", "\u2029": "\\u2029"})


def inert_json(text: str) -> str:
    r"""A JSON text with the same value, safe to write inside a ``<script>`` element.

    ``text`` must be JSON (as :func:`json.dumps` writes it): outside strings JSON has no ``<``
    and no line separators, and inside them ``\u003c`` means ``<``.

    Examples
    --------
    >>> import json
    >>> page = inert_json(json.dumps({"label": "</script><script>alert(1)</script>"}))
    >>> print(page)
    {"label": "\u003c/script>\u003cscript>alert(1)\u003c/script>"}
    >>> json.loads(page)["label"]
    '</script><script>alert(1)</script>'
    """
    return text.translate(_ESCAPES)
