"""Execution: the out-of-date runs in a pool of worker processes, longest first, each result
committed (or reported) as it arrives."""

from __future__ import annotations

import json
import os
import shutil
import sys
from collections.abc import Callable, Mapping, Sequence
from pathlib import Path

from .. import _atomic
from .commit import ManifestSaver, commit, move
from .live import LiveProgress
from .manifest import MANIFEST_NAME, Manifest
from .notebooks import notebook_path
from .plan import Plan
from .results import BuildResult, RunFailure
from .worker import Job, Outcome, RunError, execute, init_worker, worker_environment

__all__ = ["Progress", "execute_all"]

Progress = Callable[[str], None]


def execute_all(
    todo: Sequence[Plan],
    *,
    root: Path,
    display_root: Path,
    data: Path,
    out: Path,
    work: Path,
    manifest: Manifest,
    kernel_name: str,
    workers: int,
    result: BuildResult,
    say: Progress,
) -> None:
    """Run every plan of ``todo``; record what was built or failed in ``result``. Executed
    notebooks show paths relative to ``display_root`` (the output folder's parent)."""
    import multiprocessing
    from concurrent.futures import ProcessPoolExecutor, as_completed
    from concurrent.futures.process import BrokenProcessPool

    timings = _load_timings(work)
    # longest first (unknown ones first of all): the slowest run should not start last
    order = sorted(todo, key=lambda p: -timings.get(p.run.name, float("inf")))
    jobs: dict[str, Job] = {}
    for plan in order:
        run = plan.run
        jobs[run.name] = Job(
            name=run.name,
            notebook=notebook_path(root, run.notebook),
            parameters=dict(run.parameters),
            data_dir=data,
            staging=work / "staging" / run.name,
            log=work / "logs" / f"{run.name}.log",
            timeout=run.timeout,
            kernel_name=kernel_name,
            notebook_display=run.notebook,
            data_display=relative_display(data, display_root, "<data>"),
            out_display=relative_display(out, display_root, "<out>") + "/" + run.name,
            executed_display=relative_display(work, display_root, "<build>")
            + f"/notebooks/{run.name}.ipynb",
        )
    context = multiprocessing.get_context("fork" if sys.platform == "linux" else "spawn")
    environment = worker_environment(work / "jupyter")
    plans = {p.run.name: p for p in todo}
    saver = ManifestSaver(manifest, out / MANIFEST_NAME)
    done = 0

    live = say if isinstance(say, LiveProgress) else None

    def finish(name: str, outcome: Outcome) -> None:
        nonlocal done
        if live is not None:
            live.finished(name)
        plan, job = plans[name], jobs[name]
        done += 1
        timings[name] = outcome.seconds
        status = f"[{done}/{len(todo)}]"
        if outcome.error is None:
            try:
                commit(plan, job, outcome, out, work, manifest)
            except OSError as error:  # disk full, read-only: the manifest is still true
                reason = error.strerror or str(error)
                outcome = Outcome(
                    name,
                    outcome.seconds,
                    outcome.attempts,
                    error=RunError("error", f"cannot move the run's files into {out}: {reason}"),
                )
            else:
                saver.committed()
                result.built.append(name)
                say(f"{status} built   {name}  {outcome.seconds:.1f} s  ({plan.reason})")
                return
        failure = _failure(plan, job, outcome, work)
        result.failed.append(failure)
        summary = failure.message.splitlines()[0] if failure.message else failure.kind
        say(f"{status} FAILED  {name}  {outcome.seconds:.1f} s  ({summary})")

    def round_of(names: list[str], size: int) -> list[str]:
        """Run ``names`` in a fresh pool; return those whose worker process died."""
        pool = ProcessPoolExecutor(
            max_workers=size,
            mp_context=context,
            initializer=init_worker,
            initargs=(environment, os.getpid()),
        )
        died = []
        try:
            futures = {pool.submit(execute, jobs[name]): name for name in names}
            if live is not None:  # the pool starts them in this order, `size` at a time
                live.queued(names, size)
            for future in as_completed(futures):
                name = futures[future]
                try:
                    outcome: Outcome = future.result()
                except BrokenProcessPool:
                    died.append(name)
                    continue
                except Exception as error:  # the worker failed otherwise, not the notebook
                    message = f"{type(error).__name__}: {error}".rstrip(": ")
                    outcome = Outcome(name, 0.0, 1, error=RunError("error", message))
                finish(name, outcome)
        finally:
            # on Ctrl-C: runs not started are dropped; running ones got the same SIGINT, and
            # their kernels are shut down by nbclient before the workers exit
            pool.shutdown(wait=True, cancel_futures=True)
        return [name for name in names if name in died]

    try:
        # A worker that dies (killed, out of memory) breaks its whole pool: the runs it took
        # down run again in a fresh pool, and alone once a pool finishes nothing, so that
        # only the run that kills its worker fails.
        names = [p.run.name for p in order]
        while names:
            died = round_of(names, workers)
            if len(died) == len(names):
                for name in died:
                    if round_of([name], 1):
                        message = "the worker process running it died (killed, or out of memory)"
                        finish(name, Outcome(name, 0.0, 1, error=RunError("error", message)))
                break
            names = died
    finally:
        saver.flush()
        _save_timings(work, timings)
        shutil.rmtree(work / "staging", ignore_errors=True)


def _failure(plan: Plan, job: Job, outcome: Outcome, work: Path) -> RunFailure:
    assert outcome.error is not None
    executed = None
    if outcome.has_notebook and job.executed.is_file():
        executed = work / "failed" / f"{plan.run.name}.ipynb"
        move(job.executed, executed)
    shutil.rmtree(job.staging, ignore_errors=True)
    return RunFailure(
        name=plan.run.name,
        notebook=plan.run.notebook,
        parameters=plan.run.parameters,
        kind=outcome.error.kind,
        message=outcome.error.message,
        cell=outcome.error.cell,
        cell_source=outcome.error.cell_source,
        executed=executed,
        log=job.log,
        attempts=outcome.attempts,
    )


def relative_display(path: Path, root: Path, placeholder: str) -> str:
    """``path`` relative to ``root`` when inside it, else ``placeholder``: never absolute, so
    executed notebooks do not carry this machine's paths."""
    try:
        return path.resolve().relative_to(root.resolve()).as_posix() or "."
    except ValueError:
        return placeholder


def _load_timings(work: Path) -> dict[str, float]:
    try:
        data = json.loads((work / "timings.json").read_bytes())
    except (OSError, ValueError):
        return {}
    return {str(k): float(v) for k, v in data.items()} if isinstance(data, dict) else {}


def _save_timings(work: Path, timings: Mapping[str, float]) -> None:
    text = json.dumps({k: round(v, 2) for k, v in sorted(timings.items())}, indent=1) + "\n"
    _atomic.write_text(work / "timings.json", text)
