"""What a build reports: the failures of its runs and the result as a whole."""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal

__all__ = ["BuildResult", "FailureKind", "RunFailure", "shown"]

#: Why a run failed: a cell raised; the run ran past its timeout; the kernel did not start
#: (after a retry) or died; the worker failed otherwise; or the run could not be set up
#: (unreadable notebook, input pattern matching nothing...).
FailureKind = Literal["cell", "timeout", "kernel-start", "kernel-died", "error", "setup"]


#: Lines of an error message a failure summary shows (a CorpusError lists its problems).
MESSAGE_LINES = 12


def shown(path: Path) -> str:
    """``path`` relative to the working folder when inside it, else absolute."""
    try:
        return path.resolve().relative_to(Path.cwd().resolve()).as_posix()
    except ValueError:
        return str(path)


@dataclass(frozen=True)
class RunFailure:
    """A run that did not produce its artifacts, and where to look."""

    name: str
    notebook: str
    parameters: Mapping[str, Any]
    kind: FailureKind
    message: str
    cell: int | None = None
    cell_source: str | None = None
    executed: Path | None = None
    log: Path | None = None
    attempts: int = 1

    def describe(self) -> str:
        """Several lines: run, notebook and parameters; cell; error; files to open.

        >>> print(RunFailure("seminar", "notebooks/05.ipynb", {"study": "x"}, "cell",
        ...                  "CorpusError: 1 problem:\\na.yaml:3: id: bad", cell=3,
        ...                  cell_source="check()").describe())
        seminar: notebooks/05.ipynb with study="x"
          cell 3: check()
          CorpusError: 1 problem:
            a.yaml:3: id: bad
        """
        params = ", ".join(f"{k}={json.dumps(v)}" for k, v in self.parameters.items())
        lines = [f"{self.name}: {self.notebook}" + (f" with {params}" if params else "")]
        if self.cell is not None:
            lines.append(f"  cell {self.cell}: {self.cell_source or '(empty)'}")
        message = self.message.strip().splitlines() or [""]
        lines.append(f"  {message[0]}")
        lines += [f"    {line}" for line in message[1:MESSAGE_LINES]]
        if len(message) > MESSAGE_LINES:
            more = len(message) - MESSAGE_LINES
            lines.append(f"    ... and {more} more line{'s' if more != 1 else ''}")
        if self.kind == "kernel-start":
            lines.append(f"  the kernel failed to start ({self.attempts} attempts)")
        if self.executed is not None:
            lines.append(f"  executed notebook: {shown(self.executed)}")
        if self.log is not None and self.kind != "cell":
            lines.append(f"  log: {shown(self.log)}")
        return "\n".join(lines)


@dataclass
class BuildResult:
    """What a build did. ``exit_status`` is 0 when every run succeeded and, for a check, every
    artifact matched the committed manifest."""

    out: Path
    #: The manifest a check compares with (``<out>/manifest.json``).
    manifest: Path
    built: list[str] = field(default_factory=list)
    skipped: list[str] = field(default_factory=list)
    failed: list[RunFailure] = field(default_factory=list)
    pruned: list[str] = field(default_factory=list)
    #: For a check: one line per artifact that differs, is missing or is extra.
    differences: list[str] = field(default_factory=list)
    #: For a dry run: the runs that would be built and why.
    planned: dict[str, str] = field(default_factory=dict)
    seconds: float = 0.0

    @property
    def ok(self) -> bool:
        return not self.failed and not self.differences

    @property
    def exit_status(self) -> int:
        return 0 if self.ok else 1
