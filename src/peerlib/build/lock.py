"""One build at a time per work folder and per output folder.

A build holds an ``flock`` on ``<work>/.lock`` and on ``<out>/.peerlib.lock``: the kernel drops
it the moment the build's process ends, however it ends, so a killed build never leaves a lock
behind. The worker processes are forked and so inherit the open lock files; they close their
copies as they start (:func:`close_inherited`) and die with the build
(:mod:`peerlib.build.worker`), so orphaned workers cannot keep a lock alive either. Each lock
file records its holder's pid: a build that finds the pid of a dead build there says that it
takes over after it.
"""

from __future__ import annotations

import contextlib
import os
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import IO

from .config import BuildConfigError

__all__ = ["OUT_LOCK_NAME", "WORK_LOCK_NAME", "close_inherited", "locked"]

WORK_LOCK_NAME = ".lock"
OUT_LOCK_NAME = ".peerlib.lock"
#: The lock files this process holds open (their descriptors are inherited by forked workers).
_HELD: list[IO[str]] = []


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:  # someone else's process
        return True
    return True


@contextlib.contextmanager
def locked(folders: Sequence[tuple[Path, str]]) -> Iterator[list[str]]:
    """Hold the lock file ``name`` in each ``(folder, name)``, creating the folders.

    Yields the lines to tell the user (a dead build's lock taken over). Raises
    :class:`BuildConfigError` when another live build holds one of them, or when a folder
    cannot hold a lock file (not a folder, read-only).
    """
    try:
        import fcntl
    except ImportError:  # pragma: no cover - Windows: no lock
        yield []
        return
    notes: list[str] = []
    with contextlib.ExitStack() as stack:
        for folder, name in folders:
            path = folder / name
            try:
                folder.mkdir(parents=True, exist_ok=True)
                handle = stack.enter_context(path.open("a+", encoding="utf-8"))
            except OSError as error:
                reason = error.strerror or type(error).__name__
                raise BuildConfigError(f"cannot write to {folder}: {reason}") from None
            try:
                fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
            except OSError:
                holder = _holder(handle)
                who = f" (pid {holder})" if holder else ""
                raise BuildConfigError(
                    f"another peerlib build{who} is running in {folder}"
                ) from None
            stack.callback(fcntl.flock, handle, fcntl.LOCK_UN)
            previous = _holder(handle)
            if previous and previous != os.getpid() and not _alive(previous):
                notes.append(f"taking over from a build (pid {previous}) that died in {folder}")
            handle.seek(0)
            handle.truncate()
            handle.write(f"{os.getpid()}\n")
            handle.flush()
            # a build that ends normally clears its pid: only a dead build's pid is left behind
            stack.callback(_clear, handle)
            _HELD.append(handle)
            stack.callback(_HELD.remove, handle)
        yield notes


def _clear(handle: IO[str]) -> None:
    with contextlib.suppress(OSError):
        handle.seek(0)
        handle.truncate()
        handle.flush()


def _holder(handle: IO[str]) -> int | None:
    handle.seek(0)
    text = handle.read().strip()
    return int(text) if text.isdigit() else None


def close_inherited() -> None:
    """In a forked worker: close the lock files inherited from the build (without unlocking:
    the build still holds them), so that a worker outliving the build holds no lock."""
    for handle in _HELD:
        with contextlib.suppress(OSError):
            handle.close()  # close, not LOCK_UN: the lock is shared with the build's copy
    _HELD.clear()
