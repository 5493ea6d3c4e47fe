"""Progress on a terminal: the build's lines as they come, and under them one live line per
running run with its elapsed time, redrawn every second.

The pool runs the queued runs in order, as many at a time as it has workers, each starting as
soon as one ends: so the main process knows which runs are running without asking the workers.
On anything but a terminal the CLI prints the plain lines only.

>>> import io
>>> now = [0.0]
>>> out = io.StringIO()
>>> live = LiveProgress(out, clock=lambda: now[0], interval=None)
>>> live.queued(["a", "b", "c"], workers=2)
>>> now[0] = 3.0
>>> live.finished("a"); live("[1/3] built   a  3.0 s")
>>> live.running()
[('b', 3.0), ('c', 0.0)]
>>> live.close()
>>> print(out.getvalue().replace("\x1b", "ESC"))  # doctest: +NORMALIZE_WHITESPACE
  running  a  0 s
  running  b  0 s
ESC[2FESC[J[1/3] built   a  3.0 s
  running  b  3 s
  running  c  0 s
ESC[2FESC[J
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Sequence
from typing import TextIO

__all__ = ["LiveProgress"]

#: Move the cursor up to the start of the first live line and clear to the end of the screen.
_CLEAR = "\x1b[{n}F\x1b[J"


class LiveProgress:
    """A build's ``progress`` callable for a terminal (see the module docstring)."""

    def __init__(
        self,
        stream: TextIO,
        *,
        clock: Callable[[], float] = time.monotonic,
        interval: float | None = 1.0,
    ) -> None:
        self._stream = stream
        self._clock = clock
        self._interval = interval
        self._lock = threading.Lock()
        self._started: dict[str, float] = {}
        self._waiting: list[str] = []
        self._drawn = 0
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None

    def __call__(self, line: str) -> None:
        """Print ``line`` above the live lines."""
        with self._lock:
            self._clear()
            self._stream.write(line + "\n")
            self._draw()

    def queued(self, names: Sequence[str], workers: int) -> None:
        """The pool was given ``names`` in this order; the first ``workers`` start now."""
        with self._lock:
            self._waiting = list(names)
            self._started = {}  # a new pool: runs of an earlier one are over
            for _ in range(min(workers, len(self._waiting))):
                self._start_next()
            self._clear()
            self._draw()
        if self._interval is not None and self._thread is None:
            self._thread = threading.Thread(target=self._tick, name="peerlib-live", daemon=True)
            self._thread.start()

    def finished(self, name: str) -> None:
        """``name`` ended; its worker takes the next queued run."""
        with self._lock:
            self._started.pop(name, None)
            self._waiting = [n for n in self._waiting if n != name]
            self._start_next()

    def running(self) -> list[tuple[str, float]]:
        """The running runs and their elapsed seconds, in the order they started."""
        now = self._clock()
        return [(name, now - start) for name, start in self._started.items()]

    def close(self) -> None:
        """Stop redrawing and remove the live lines."""
        self._stop.set()
        if self._thread is not None:
            self._thread.join()
            self._thread = None
        with self._lock:
            self._clear()
            self._stream.flush()

    def _start_next(self) -> None:
        if self._waiting:
            self._started[self._waiting.pop(0)] = self._clock()

    def _tick(self) -> None:
        assert self._interval is not None
        while not self._stop.wait(self._interval):
            with self._lock:
                self._clear()
                self._draw()

    def _clear(self) -> None:
        if self._drawn:
            self._stream.write(_CLEAR.format(n=self._drawn))
            self._drawn = 0

    def _draw(self) -> None:
        lines = [f"  running  {name}  {seconds:.0f} s" for name, seconds in self.running()]
        for line in lines:
            self._stream.write(line + "\n")
        self._drawn = len(lines)
        self._stream.flush()
