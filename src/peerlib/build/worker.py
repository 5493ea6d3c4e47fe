"""The worker: execute one build run with papermill in a worker process, and normalise the
executed notebook so that it is byte-stable.

Papermill and Jupyter are imported inside the functions, so that the main process (which only
decides what is out of date) never loads them.
"""

from __future__ import annotations

import atexit
import contextlib
import hashlib
import json
import math
import os
import re
import shutil
import signal
import sys
import time
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from .._svg import stable_svg
from .lock import close_inherited
from .results import FailureKind

__all__ = ["Job", "Outcome", "RunError", "execute", "init_worker", "normalise"]

#: Used for ``SOURCE_DATE_EPOCH`` when the caller has not set one: 1980-01-01T00:00:00Z, the
#: earliest time a zip file (xlsx, docx...) can hold.
DEFAULT_SOURCE_DATE_EPOCH = "315532800"
#: Seconds to wait for a kernel to start (papermill's ``start_timeout``).
START_TIMEOUT = 60
KERNEL_START_ATTEMPTS = 2
_TIME_FIELDS = ("start_time", "end_time", "duration")
_SVG = "image/svg+xml"
#: Altair's HTML output names its <div> with a random uuid, in every displayed chart.
_ALTAIR_DIV = re.compile(r"altair-viz-[0-9a-f]{32}")
_ANSI = re.compile(r"\x1b\[[0-9;]*[A-Za-z]")
#: Where IPython's traceback names the failing line of the cell being run.
_CELL_LINE = re.compile(r"Cell In\s*\[\d*\],\s*line (\d+)")


@dataclass(frozen=True)
class Job:
    """Everything a worker needs to execute one run; all paths absolute."""

    name: str
    notebook: Path
    parameters: Mapping[str, Any]
    data_dir: Path
    staging: Path
    log: Path
    timeout: float
    kernel_name: str
    #: Shown instead of absolute paths in the executed notebook.
    notebook_display: str
    data_display: str
    out_display: str
    executed_display: str

    @property
    def out_dir(self) -> Path:
        """Where the notebook writes its artifacts (its ``out_dir`` parameter)."""
        return self.staging / "out"

    @property
    def raw_notebook(self) -> Path:
        return self.staging / "raw.ipynb"

    @property
    def executed(self) -> Path:
        """The normalised executed notebook, once the run is over (success or not)."""
        return self.staging / "executed.ipynb"


@dataclass(frozen=True)
class RunError:
    """Why a run failed. ``cell`` is the 0-based index in the source notebook."""

    kind: FailureKind
    message: str
    cell: int | None = None
    cell_source: str | None = None


@dataclass(frozen=True)
class Outcome:
    """What a worker reports back: artifacts (path under out_dir, sha256) or the error."""

    name: str
    seconds: float
    attempts: int
    artifacts: tuple[tuple[str, str], ...] = ()
    error: RunError | None = None
    has_notebook: bool = False


# ---------------------------------------------------------------------------------- workers


def init_worker(environment: Mapping[str, str], build_pid: int | None = None) -> None:
    """Set up a worker process: it dies with the build (``build_pid``), holds none of the
    build's locks, and has the pinned environment (inherited by kernels) and clock."""
    _die_with(build_pid)
    close_inherited()
    atexit.register(_discard_kernel)
    os.environ.update(environment)
    # Ctrl-C reaches the whole process group: an idle worker leaves quietly (no traceback from
    # the pool's queue); a busy one gets KeyboardInterrupt in execute() and stops its kernel
    signal.signal(signal.SIGINT, _leave)
    if "rfc3987_syntax" not in sys.modules:
        # papermill -> nbformat -> jsonschema compiles a grammar for IRI checks when the optional
        # rfc3987-syntax is installed (by jupyter-events): 1.3 s of every worker's start, for a
        # format the notebook schema never uses. jsonschema skips the check when it cannot import
        # it. This process only; kernels are separate interpreters.
        sys.modules["rfc3987_syntax"] = None  # type: ignore[assignment]
    if hasattr(time, "tzset"):
        time.tzset()


def _die_with(parent: int | None) -> None:
    """Ask Linux to SIGKILL this process when the build's process ends (``kill -9`` included),
    so that no worker outlives it; elsewhere a no-op."""
    if parent is None or not sys.platform.startswith("linux"):
        return
    import ctypes

    pr_set_pdeathsig = 1
    try:
        libc = ctypes.CDLL(None, use_errno=True)
        libc.prctl(pr_set_pdeathsig, signal.SIGKILL, 0, 0, 0)
    except (OSError, AttributeError):  # pragma: no cover - no prctl
        return
    if os.getppid() != parent:  # the build died before the call: nothing will signal us
        os._exit(1)


def _leave(signum: int, frame: object) -> None:
    raise SystemExit(130)


def worker_environment(jupyter_dir: Path) -> dict[str, str]:
    """Environment for the workers and the kernels they start.

    TZ, SOURCE_DATE_EPOCH and PYTHONHASHSEED pin the usual sources of drift; ``jupyter_dir``
    holds a ``python3`` kernel spec naming this interpreter, put first on JUPYTER_PATH so that a
    ``python3`` kernel installed elsewhere by hand (another Python) is never picked up.
    """
    kernels = jupyter_dir / "kernels" / "python3"
    kernels.mkdir(parents=True, exist_ok=True)
    spec = {
        # no shared history database: concurrent kernels otherwise print "Session/line number
        # was not unique in database" with a changing session number into the notebook
        "argv": [
            sys.executable,
            "-m",
            "ipykernel_launcher",
            "-f",
            "{connection_file}",
            "--HistoryManager.hist_file=:memory:",
        ],
        "display_name": "Python 3 (ipykernel)",
        "language": "python",
        "metadata": {"debugger": False},
    }
    text = json.dumps(spec, indent=1, sort_keys=True) + "\n"
    path = kernels / "kernel.json"
    if not path.is_file() or path.read_text(encoding="utf-8") != text:
        path.write_text(text, encoding="utf-8")
    jupyter_path = [str(jupyter_dir)]
    if os.environ.get("JUPYTER_PATH"):
        jupyter_path.append(os.environ["JUPYTER_PATH"])
    return {
        "TZ": "UTC",
        "SOURCE_DATE_EPOCH": os.environ.get("SOURCE_DATE_EPOCH", DEFAULT_SOURCE_DATE_EPOCH),
        "PYTHONHASHSEED": "0",
        "JUPYTER_PATH": os.pathsep.join(jupyter_path),
        # ipykernel's debugger otherwise warns about frozen modules on every kernel start
        "PYDEVD_DISABLE_FILE_VALIDATION": "1",
        # charts in executed notebooks stay static SVG, byte-stable (peerlib.notebook)
        "PEERLIB_STATIC_CHARTS": "1",
    }


def execute(job: Job) -> Outcome:
    """Run ``job`` (retrying once when the kernel fails to start) and normalise its notebook."""
    started = time.monotonic()
    error: RunError | None = None
    attempt = 0
    job.log.parent.mkdir(parents=True, exist_ok=True)
    idle = signal.signal(signal.SIGINT, signal.default_int_handler)
    with _restored(signal.SIGINT, idle), _redirected(job.log):
        for attempt in range(1, KERNEL_START_ATTEMPTS + 1):
            shutil.rmtree(job.staging, ignore_errors=True)
            job.out_dir.mkdir(parents=True)
            error = _attempt(job)
            if error is not None:
                _discard_kernel()  # a run that failed may leave its kernel in any state
            if error is not None and error.kind == "kernel-start":
                # straight to the file descriptor: sys.stderr may not be it (under pytest)
                os.write(2, f"--- attempt {attempt}: {error.message}\n".encode())
            if error is None or error.kind != "kernel-start":
                break
        has_notebook = _write_executed(job)
        if error is None and has_notebook:
            error = _write_notebook_page(job)
    seconds = time.monotonic() - started
    if error is not None:
        return Outcome(job.name, seconds, attempt, error=error, has_notebook=has_notebook)
    return Outcome(job.name, seconds, attempt, _artifacts(job.out_dir), has_notebook=has_notebook)


def _attempt(job: Job) -> RunError | None:
    import papermill as pm
    from papermill.exceptions import PapermillExecutionError

    state: dict[str, Any] = {"cell": None, "deadline": None}

    def on_cell_start(cell: Any, cell_index: int, **_: Any) -> None:
        # nbclient calls this once the kernel is up, before each cell
        state["cell"] = (cell_index, cell.get("source", ""))
        if state["deadline"] is None:
            state["deadline"] = time.monotonic() + job.timeout

    def timeout_func(cell: Any) -> int:
        # one budget for the whole notebook, not papermill's per-cell one
        remaining = state["deadline"] - time.monotonic() if state["deadline"] else job.timeout
        return max(1, math.ceil(remaining))

    parameters = {
        **job.parameters,
        "data_dir": str(job.data_dir),
        "out_dir": str(job.out_dir),
    }
    try:
        km = _warm_kernel(job)
    except Exception as exc:
        return RunError("kernel-start", _describe(exc))
    try:
        with _clients_stopped(km):
            pm.execute_notebook(
                str(job.notebook),
                str(job.raw_notebook),
                parameters=parameters,
                kernel_name=job.kernel_name,
                language="python",
                progress_bar=False,
                log_output=False,
                # written once at the end (or on a failing cell), not after every cell: the saves
                # cost a quarter of a second a run, and a run's log says where a timeout stopped
                request_save_on_cell_execute=False,
                start_timeout=START_TIMEOUT,
                execution_timeout=math.ceil(job.timeout),
                cwd=str(job.notebook.parent),
                on_cell_start=on_cell_start,
                timeout_func=timeout_func,
                km=km,
            )
    except PapermillExecutionError as exc:
        cell = _source_index(job.notebook, exc.cell_index)
        message = f"{exc.ename}: {exc.evalue}" if exc.evalue else str(exc.ename)
        return RunError("cell", message, cell, failing_line(exc.source, exc.traceback))
    except Exception as exc:
        if state["cell"] is None:
            return RunError("kernel-start", _describe(exc))
        index, source = state["cell"]
        cell = _source_index(job.notebook, index)
        if isinstance(exc, TimeoutError):
            message = f"TimeoutError: the run took longer than its timeout of {job.timeout:g} s"
            return RunError("timeout", message, cell, _first_line(source))
        kind: FailureKind = "kernel-died" if type(exc).__name__ == "DeadKernelError" else "error"
        return RunError(kind, _describe(exc), cell, _first_line(source))
    return None


# ------------------------------------------------------------------------------ warm kernels

#: The worker's kernel: started for its first run and reused by the next ones, each in a fresh
#: namespace (so the imports of peerlib, pandas and Altair are paid once per worker, not once
#: per run); discarded after any failure.
_WARM: dict[str, Any] = {}

#: Run silently before each run in a reused kernel: a fresh namespace, the execution counter
#: back at 1 (executed notebooks number their cells as in a new kernel), and the run's folder.
_RESET = """\
get_ipython().run_line_magic("reset", "-f")
get_ipython().execution_count = 1
__import__("os").chdir({cwd!r})
"""


def _warm_kernel(job: Job) -> Any:
    """A live kernel for ``job``, reset for it; started when the worker has none."""
    from jupyter_core.utils import run_sync

    km = _WARM.get("km")
    if km is not None and (_WARM.get("name") != job.kernel_name or not run_sync(km.is_alive)()):
        _discard_kernel()
        km = None
    fresh = km is None
    if km is None:
        km = _kernel_manager(job.kernel_name)
        # the kernel's own stdout/stderr (not the notebook's outputs): one log per worker
        path = job.log.parent / f"kernel-{os.getpid()}.log"
        with path.open("wb") as log:
            try:
                run_sync(km.start_kernel)(cwd=str(job.notebook.parent), stdout=log, stderr=log)
                run_sync(_reset)(km, "")  # up and answering, or the start failed
            except Exception:
                log.flush()
                os.write(2, path.read_bytes())  # into the run's own log
                with contextlib.suppress(Exception):
                    run_sync(km.shutdown_kernel)(now=True)
                raise
        _WARM.update(km=km, name=job.kernel_name)
    if not fresh:
        run_sync(_reset)(km, _RESET.format(cwd=str(job.notebook.parent)))
    return km


def _kernel_manager(kernel_name: str) -> Any:
    """A kernel manager that remembers the clients it makes, for :func:`_clients_stopped`."""
    from jupyter_client.manager import AsyncKernelManager

    class _Manager(AsyncKernelManager):
        def __init__(self, **kwargs: Any) -> None:
            super().__init__(**kwargs)
            self.clients_made: list[Any] = []

        def client(self, **kwargs: Any) -> Any:
            made = super().client(**kwargs)
            self.clients_made.append(made)
            return made

    return _Manager(kernel_name=kernel_name)


@contextlib.contextmanager
def _clients_stopped(km: Any) -> Iterator[None]:
    """Stop the channels of every client made from ``km`` while the block runs.

    nbclient leaves running the client it makes from a kernel manager it was given
    (jupyter/nbclient#348): its heartbeat thread, zmq context and sockets stayed for the
    worker's life, three threads and 14 file descriptors a run, and the worker grew by a few
    megabytes a run (6 GB by the end of a 1,000-study build).
    """
    km.clients_made.clear()
    try:
        yield
    finally:
        while km.clients_made:
            with contextlib.suppress(Exception):
                km.clients_made.pop().stop_channels()


async def _reset(km: Any, code: str) -> None:
    """Run ``code`` silently; for a kernel just started (``code`` empty), wait until it answers."""
    kc = km.client()
    kc.start_channels()
    try:
        if not code:
            await kc.wait_for_ready(timeout=START_TIMEOUT)
            return
        # only the shell reply is awaited: a silent request publishes nothing worth waiting
        # for, and waiting for the kernel to be ready would flush IOPub for 0.2 s every run
        msg_id = kc.execute(code, silent=True, store_history=False)
        deadline = time.monotonic() + START_TIMEOUT
        while True:
            reply = await kc.get_shell_msg(timeout=max(0.1, deadline - time.monotonic()))
            if reply["parent_header"].get("msg_id") == msg_id:
                break
        if reply["content"]["status"] != "ok":
            raise RuntimeError(f"cannot reset the kernel: {reply['content'].get('evalue')}")
    finally:
        kc.stop_channels()


def _discard_kernel() -> None:
    """Shut the worker's kernel down (if any): the next run starts a new one."""
    km = _WARM.pop("km", None)
    _WARM.pop("name", None)
    if km is None:
        return
    from jupyter_core.utils import run_sync

    with contextlib.suppress(Exception):
        run_sync(km.shutdown_kernel)(now=True)


def _describe(exc: BaseException) -> str:
    text = str(exc).strip()
    return f"{type(exc).__name__}: {text}" if text else type(exc).__name__


def failing_line(source: Any, traceback: Any) -> str:
    """The line of a cell that raised, read from IPython's traceback (``Cell In[3], line 2``);
    the cell's first line when the traceback does not say.

    >>> failing_line("import peerlib\\nx = 1\\nboom()", ["\\x1b[0;32mCell In[3], line 3\\x1b[0m"])
    'boom()'
    """
    lines = ("".join(source) if isinstance(source, list) else str(source or "")).splitlines()
    text = _ANSI.sub("", "\n".join(str(t) for t in traceback or []))
    match = _CELL_LINE.search(text)
    if match is not None and 0 < int(match.group(1)) <= len(lines):
        line = lines[int(match.group(1)) - 1].strip()
        if line:
            return line
    return _first_line(source)


def _first_line(source: Any) -> str:
    text = "".join(source) if isinstance(source, list) else str(source or "")
    return next((line.strip() for line in text.splitlines() if line.strip()), "")


def _source_index(notebook: Path, executed_index: int) -> int:
    """Map a cell index of the executed notebook (with papermill's injected-parameters cell)
    back to the notebook as written."""
    try:
        cells = json.loads(notebook.read_bytes()).get("cells", [])
    except (OSError, ValueError):
        return executed_index

    def tagged(tag: str) -> int:
        tags = [c.get("metadata", {}).get("tags", []) for c in cells]
        return next((i for i, t in enumerate(tags) if tag in t), -1)

    if tagged("injected-parameters") >= 0:
        return executed_index  # papermill replaced that cell in place
    injected = tagged("parameters") + 1  # 0 when there is no parameters cell
    return executed_index - 1 if executed_index > injected else executed_index


@contextlib.contextmanager
def _restored(signum: int, handler: Any) -> Iterator[None]:
    try:
        yield
    finally:
        signal.signal(signum, handler)


@contextlib.contextmanager
def _redirected(log: Path) -> Iterator[None]:
    """Send this process's stdout/stderr, and so the kernel's, to ``log`` meanwhile."""
    sys.stdout.flush()
    sys.stderr.flush()
    saved = os.dup(1), os.dup(2)
    with log.open("wb") as handle:
        os.dup2(handle.fileno(), 1)
        os.dup2(handle.fileno(), 2)
        try:
            yield
        finally:
            sys.stdout.flush()
            sys.stderr.flush()
            os.dup2(saved[0], 1)
            os.dup2(saved[1], 2)
            os.close(saved[0])
            os.close(saved[1])


def _artifacts(out_dir: Path) -> tuple[tuple[str, str], ...]:
    """Every file the notebook wrote (hidden files and folders excluded), with its sha256."""
    found = []
    for path in sorted(out_dir.rglob("*")):
        rel = path.relative_to(out_dir)
        if path.is_file() and not any(part.startswith(".") for part in rel.parts):
            found.append((rel.as_posix(), hashlib.sha256(path.read_bytes()).hexdigest()))
    return tuple(found)


# ----------------------------------------------------------------------------- normalisation


def _write_notebook_page(job: Job) -> RunError | None:
    """The executed notebook as a page of the site, one of the run's artifacts."""
    from ..site import NOTEBOOK_PAGE, SITE_DIR, notebook_page

    try:
        # the same page whether built into figures/ or checked in build/check/figures/
        text = job.executed.read_text(encoding="utf-8")
        doc = json.loads(text.replace(job.out_display, f"<out>/{job.name}"))
        heading = next(
            (
                line.lstrip("#").strip()
                for cell in doc.get("cells", [])
                if cell.get("cell_type") == "markdown"
                for line in "".join(cell.get("source", [])).splitlines()
                if line.startswith("#")
            ),
            job.name,
        )
        page = notebook_page(
            doc,
            f"{heading} ({job.name})",
            home=f"../{SITE_DIR}/{job.name}.html",
            home_text=f"The figures and tables of {job.name}",
        )
        (job.out_dir / NOTEBOOK_PAGE).write_text(page, encoding="utf-8")
    except Exception as exc:  # a bug of ours, reported like a failing run
        return RunError("error", f"rendering the executed notebook: {_describe(exc)}")
    return None


def _write_executed(job: Job) -> bool:
    try:
        doc = json.loads(job.raw_notebook.read_bytes())
    except (OSError, ValueError):
        return False
    replacements = {
        str(job.out_dir): job.out_display,
        str(job.out_dir.resolve()): job.out_display,
        str(job.data_dir): job.data_display,
        str(job.data_dir.resolve()): job.data_display,
    }
    text = normalise(doc, replacements, job.notebook_display, job.executed_display)
    job.executed.write_text(text, encoding="utf-8")
    job.raw_notebook.unlink()
    return True


def normalise(
    doc: dict[str, Any],
    replacements: Mapping[str, str],
    notebook: str,
    executed: str,
) -> str:
    """An executed notebook as byte-stable text: no times, durations, random cell ids or
    Altair div ids, and no absolute paths of this machine (``replacements`` maps them to
    display paths)."""
    metadata = doc.setdefault("metadata", {})
    papermill = metadata.get("papermill")
    if isinstance(papermill, dict):
        for key in _TIME_FIELDS:
            papermill.pop(key, None)
        papermill["input_path"] = notebook
        papermill["output_path"] = executed
    cells = doc.get("cells", [])
    with_ids = doc.get("nbformat", 4) > 4 or doc.get("nbformat_minor", 0) >= 5
    for number, cell in enumerate(cells, start=1):
        if with_ids or "id" in cell:
            cell["id"] = f"cell-{number:04d}"
        cell_metadata = cell.get("metadata", {})
        cell_metadata.pop("execution", None)
        cell_metadata.pop("ExecuteTime", None)
        cell_papermill = cell_metadata.get("papermill")
        if isinstance(cell_papermill, dict):
            for key in _TIME_FIELDS:
                cell_papermill.pop(key, None)
        for output in cell.get("outputs", []):
            data = output.get("data") if isinstance(output, dict) else None
            if not isinstance(data, dict):
                continue
            svg = data.get(_SVG)
            if svg is not None:
                # one chart's ids renumbered from 1: a warm kernel's Vega counts on
                data[_SVG] = stable_svg("".join(svg) if isinstance(svg, list) else str(svg))
    pairs = sorted(replacements.items(), key=lambda kv: len(kv[0]), reverse=True)
    numbers: dict[str, str] = {}

    def renumber(match: re.Match[str]) -> str:
        return numbers.setdefault(match.group(0), f"altair-viz-{len(numbers) + 1}")

    def clean(value: Any) -> Any:
        if isinstance(value, str):
            for old, new in pairs:
                if old:
                    value = value.replace(old, new)
            return _ALTAIR_DIV.sub(renumber, value)
        if isinstance(value, list):
            return [clean(v) for v in value]
        if isinstance(value, dict):
            return {k: clean(v) for k, v in value.items()}
        return value

    return json.dumps(clean(doc), sort_keys=True, indent=1, ensure_ascii=False) + "\n"
