"""One build at a time per work folder."""

from __future__ import annotations

import contextlib
from collections.abc import Iterator
from pathlib import Path

from .config import BuildConfigError

__all__ = ["locked"]


@contextlib.contextmanager
def locked(work: Path) -> Iterator[None]:
    """Hold ``<work>/.lock`` so two builds never share staging folders or a manifest."""
    work.mkdir(parents=True, exist_ok=True)
    try:
        import fcntl
    except ImportError:  # pragma: no cover - Windows: no lock
        yield
        return
    with (work / ".lock").open("a") as handle:
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except OSError:
            raise BuildConfigError(f"another peerlib build is running in {work}") from None
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)
