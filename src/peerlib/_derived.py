"""Look-ups derived from a corpus's tables, built once and shared while those tables hold.

The comparison tables start from the same look-ups (each study's relations and the excerpts
they cite, each excerpt's text and place); at 1,000 studies making them costs 0.3 s, and a
review computes several tables from one corpus. :func:`derived` keeps each
look-up beside the corpus, keyed by a digest of the very columns it was built from, so a call
after a user has edited ``corpus.evidence`` (or any table read) in place rebuilds it instead of
answering from stale values. The digest (:func:`pandas.util.hash_pandas_object`) costs about
a quarter of making them (70 ms at 1,000 studies), so only look-ups dearer than that are worth
sharing.

Nothing keeps a corpus alive: the look-ups are dropped when their corpus is collected. The
values are shared, so callers must treat them as read-only.
"""

from __future__ import annotations

import hashlib
import weakref
from collections.abc import Callable
from typing import Any, TypeVar

import pandas as pd

from .loading import Corpus

T = TypeVar("T")

#: The columns a look-up reads: (table name, column names) pairs.
Reads = tuple[tuple[str, tuple[str, ...]], ...]

# id(corpus) -> look-up name -> (digest of the columns read, look-up)
_SHARED: dict[int, dict[str, tuple[bytes, Any]]] = {}


def derived(corpus: Corpus, name: str, reads: Reads, build: Callable[[], T]) -> T:
    """``build()``, or what it gave before for this corpus while ``reads`` held the same values.

    Parameters
    ----------
    corpus
        The corpus the look-up is derived from.
    name
        The look-up's name, unique among the look-ups of a corpus.
    reads
        Every column ``build`` reads, as (table, columns) pairs.
    build
        Makes the look-up from those columns.

    Examples
    --------
    >>> from peerlib import load_corpus
    >>> corpus = load_corpus()
    >>> reads = (("studies", ("study_id",)),)
    >>> first = derived(corpus, "ids", reads, lambda: list(corpus.studies["study_id"]))
    >>> derived(corpus, "ids", reads, lambda: []) is first
    True
    >>> corpus.studies.loc[0, "study_id"] = "renamed"
    >>> derived(corpus, "ids", reads, lambda: list(corpus.studies["study_id"]))[0]
    'renamed'
    """
    digest = _digest(corpus, reads)
    key = id(corpus)
    shared = _SHARED.get(key)
    if shared is None:
        shared = _SHARED[key] = {}
        weakref.finalize(corpus, _SHARED.pop, key, None)
    held = shared.get(name)
    if held is not None and held[0] == digest:
        value: T = held[1]
        return value
    value = build()
    shared[name] = (digest, value)
    return value


def _digest(corpus: Corpus, reads: Reads) -> bytes:
    """A digest of the values, order and dtypes of the columns read."""
    digest = hashlib.blake2b(digest_size=16)
    for table, columns in reads:
        frame = getattr(corpus, table)[list(columns)]
        digest.update(repr((table, columns, len(frame), list(map(str, frame.dtypes)))).encode())
        digest.update(pd.util.hash_pandas_object(frame, index=False).to_numpy().tobytes())
    return digest.digest()
