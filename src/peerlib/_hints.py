"""Hints for a name that is not known: the complete list (or how many more), and the closest.

One place for the wording of every "known: ..." hint, so that no list is cut without saying so.

>>> known_hint("studdy", ["seed", "study"])
"known: seed, study; did you mean 'study'?"
>>> known_hint("x", [f"id{n}" for n in range(12)], limit=3)
'known: id0, id1, id10, and 9 more'
>>> known_hint("zzz", [])
'known: none'
"""

from __future__ import annotations

import difflib
from collections.abc import Iterable

__all__ = ["closest", "known_hint"]

#: How many known names a hint lists before it says how many more there are.
LIMIT = 20


def closest(name: str, known: Iterable[str]) -> str | None:
    """The known name most like ``name`` (``difflib``), or ``None`` when none is close."""
    matches = difflib.get_close_matches(name, sorted(set(known)), n=1, cutoff=0.6)
    return matches[0] if matches else None


def known_hint(name: str, known: Iterable[str], limit: int = LIMIT) -> str:
    """``known: a, b, c`` (sorted; past ``limit``: ``..., and N more``), and the closest name."""
    names = sorted(set(known))
    if not names:
        return "known: none"
    shown = ", ".join(names[:limit])
    if len(names) > limit:
        shown += f", and {len(names) - limit} more"
    best = closest(name, names)
    return f"known: {shown}" + (f"; did you mean {best!r}?" if best else "")
