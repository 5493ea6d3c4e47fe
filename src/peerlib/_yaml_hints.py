"""Plain words for YAML syntax errors: what usually causes libyaml's message, and the fix.

libyaml says where it gave up ("while parsing a block mapping did not find expected key"); a
review author needs the cause: a tab, a word processor's typographic quotes, a quote never
closed, a colon in an unquoted value, a line indented too far or not far enough. Called by
:func:`peerlib._yaml.read_yaml` with the error and the text.

>>> import yaml
>>> def hint(text):
...     try:
...         yaml.safe_load(text)
...     except yaml.MarkedYAMLError as err:
...         return explain(text, err, err.problem_mark.line + 1)
>>> hint("id: x\\ncitation:\\n\\tauthors: [a]\\n")
(3, '; the line is indented with a tab: indent with spaces only')
>>> hint('id: x\\ntitle: "Peer work\\nyear: 2001\\n')[0]
2
"""

from __future__ import annotations

from typing import Any

__all__ = ["explain"]

_SMART_QUOTES = "“”‘’„‚«»"


def explain(text: str, error: Any, line: int) -> tuple[int, str]:
    """The line to report and a hint (``"; ..."``, or ``""``) for a ``MarkedYAMLError``.

    ``line`` is the 1-based line libyaml gave up on; an unclosed quote is reported on the line
    where it opened instead.
    """
    lines = text.splitlines()
    here = lines[line - 1] if 0 < line <= len(lines) else ""
    problem = str(getattr(error, "problem", "") or "")
    context = str(getattr(error, "context", "") or "")
    opened = getattr(error, "context_mark", None)
    if "\t" in here[: len(here) - len(here.lstrip(" \t"))]:
        return line, "; the line is indented with a tab: indent with spaces only"
    if "\t" in here and "token" in problem:
        return line, "; the line has a tab where YAML allows none: use spaces"
    if any(q in here for q in _SMART_QUOTES):
        return line, (
            "; the line has typographic quotes (“ ” ‘ ’), which YAML does not read as quotes: "
            "type straight quotes \" or ' instead"
        )
    runs_off = "end of stream" in problem or "document" in problem  # a quote never closed
    start = opened.line + 1 if "quoted scalar" in context and runs_off and opened else None
    structure = "expected" in problem or "mapping values" in problem
    if start is None and structure and _unbalanced(here):
        start = line
    elif start is None and structure and line > 1 and _unbalanced(lines[line - 2]):
        start = line - 1  # a quote left open runs on into this line, where libyaml stops
    if start is not None:
        return start, (
            f"; the quote opened on line {start} is not closed on that line: end the text with "
            "the same quote"
        )
    if "mapping values are not allowed" in problem:
        return line, (
            "; a value holding ': ' must be in quotes, e.g. title: \"Peer work: a study\""
        )
    if "expected key" in problem or "indicator" in problem or "block end" in problem:
        return line, (
            "; check this line's indentation against the lines above: the keys of one "
            "mapping, and the '- ' of the items of one list, start in the same column"
        )
    return line, ""


def _unbalanced(line: str) -> bool:
    """Whether a line opens a double-quoted text it does not close (comments aside)."""
    quotes = line.replace('\\"', "").count('"')
    return quotes % 2 == 1 and "#" not in line.split('"', 1)[0]
