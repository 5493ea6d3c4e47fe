"""``peerlib build``: run every figure notebook x parameter set of ``figures.toml``.

Each run executes one notebook with papermill, in a pool of worker processes, into a fresh
staging folder; only when it succeeds are its files moved into ``figures/<run>/`` and its
entries written to ``figures/manifest.json``. The manifest doubles as the cache: a run whose key
(notebook, parameters, input files, peerlib's own files, package versions, build-file entry) and
artifacts on disk still match its manifest entry is skipped, and that decision needs neither
papermill nor Jupyter nor pandas.

>>> import argparse
>>> parser = argparse.ArgumentParser()
>>> add_arguments(parser)
>>> args = parser.parse_args(["--only", "study-*", "--jobs", "2"])
>>> args.only, args.jobs, args.force, args.check
(['study-*'], 2, False, False)
"""

from __future__ import annotations

import argparse
import contextlib
import errno
import json
import os
import shutil
import sys
import time
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from . import _atomic
from ._buildfile import (
    BUILD_FORMAT,
    CONFIG_NAME,
    MANIFEST_NAME,
    BuildConfigError,
    Hasher,
    Run,
    default_corpus,
    digest,
    dump_manifest,
    empty_manifest,
    environment_digest,
    expand,
    load_config,
    load_manifest,
    match_inputs,
    notebook_digest,
    relative_display,
    select,
    tree_digest,
)

if TYPE_CHECKING:
    from ._notebooks import Job, Outcome

__all__ = ["BuildConfigError", "BuildResult", "RunFailure", "add_arguments", "build", "run"]

PathLike = str | os.PathLike[str]
Progress = Callable[[str], None]


@dataclass(frozen=True)
class RunFailure:
    """A run that did not produce its artifacts, and where to look."""

    name: str
    notebook: str
    parameters: Mapping[str, Any]
    kind: str  # "cell", "timeout", "kernel-start", "kernel-died", "error", "setup"
    message: str
    cell: int | None = None
    cell_source: str | None = None
    executed: Path | None = None
    log: Path | None = None
    attempts: int = 1

    def describe(self) -> str:
        """Several lines: run, notebook and parameters; cell; error; files to open."""
        params = ", ".join(f"{k}={json.dumps(v)}" for k, v in self.parameters.items())
        lines = [f"{self.name}: {self.notebook}" + (f" with {params}" if params else "")]
        if self.cell is not None:
            lines.append(f"  cell {self.cell}: {self.cell_source or '(empty)'}")
        message = self.message.strip().splitlines() or [""]
        lines.append(f"  {message[0]}" + (" [...]" if len(message) > 1 else ""))
        if self.kind == "kernel-start":
            lines.append(f"  the kernel failed to start ({self.attempts} attempts)")
        if self.executed is not None:
            lines.append(f"  executed notebook: {_shown(self.executed)}")
        if self.log is not None and self.kind != "cell":
            lines.append(f"  log: {_shown(self.log)}")
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


# -------------------------------------------------------------------------------- planning


@dataclass
class _Plan:
    run: Run
    record: dict[str, Any] | None = None
    reason: str | None = None  # None: up to date
    error: str | None = None


def find_config(start: Path | None = None) -> Path:
    """``figures.toml`` in ``start`` (default: the working folder) or the nearest parent."""
    here = (start or Path.cwd()).resolve()
    for folder in (here, *here.parents):
        if (folder / CONFIG_NAME).is_file():
            return folder / CONFIG_NAME
    raise BuildConfigError(f"no {CONFIG_NAME} in {here} or any folder above it")


def _plan(
    runs: Sequence[Run],
    root: Path,
    data: Path,
    out: Path,
    manifest: Mapping[str, Any],
    sources: Path,
    force: bool,
) -> list[_Plan]:
    hasher = Hasher()
    shared = {"sources": tree_digest(sources, hasher), "environment": environment_digest()}
    notebooks: dict[str, tuple[str, bool] | str] = {}
    plans = []
    for run in runs:
        plan = _Plan(run)
        plans.append(plan)
        if run.notebook not in notebooks:
            try:
                notebooks[run.notebook] = notebook_digest(root / run.notebook)
            except (OSError, ValueError) as error:
                notebooks[run.notebook] = f"cannot read notebook {run.notebook}: {error}"
        nb = notebooks[run.notebook]
        if isinstance(nb, str):
            plan.error = nb
            continue
        if not nb[1]:
            plan.error = f"{run.notebook} has no cell tagged 'parameters'"
            continue
        try:
            inputs = {rel: hasher.file(data / rel) for rel in match_inputs(data, run.inputs)}
        except (OSError, ValueError) as error:
            plan.error = str(error)
            continue
        record = {
            "notebook": run.notebook,
            "notebook_sha256": nb[0],
            "parameters": dict(run.parameters),
            "inputs": inputs,
            **shared,
        }
        record["key"] = digest({"format": BUILD_FORMAT, "entry": run.figure.entry, **record})
        plan.record = record
        old = manifest["runs"].get(run.name)
        plan.reason = "forced" if force else _reason(old, record, run.name, out, manifest, hasher)
    return plans


def _reason(
    old: Mapping[str, Any] | None,
    new: Mapping[str, Any],
    name: str,
    out: Path,
    manifest: Mapping[str, Any],
    hasher: Hasher,
) -> str | None:
    """Why a run must be rebuilt, or ``None`` when it is up to date."""
    if not isinstance(old, Mapping):
        return "new"
    if old.get("key") != new["key"]:
        changes = []
        before, after = old.get("inputs", {}), new["inputs"]
        files = sorted(p for p in set(before) | set(after) if before.get(p) != after.get(p))
        if files:
            shown = ", ".join(files[:3]) + (f" and {len(files) - 3} more" if len(files) > 3 else "")
            changes.append(f"{shown} changed")
        for key, what in (
            ("notebook_sha256", "notebook changed"),
            ("parameters", "parameters changed"),
            ("sources", "peerlib changed"),
            ("environment", "packages changed"),
        ):
            if old.get(key) != new[key]:
                changes.append(what)
        return "; ".join(changes) or "build file entry changed"
    prefix = name + "/"
    for artifact, entry in manifest["artifacts"].items():
        if artifact.startswith(prefix):
            path = out / artifact
            if not path.is_file():
                return f"{artifact} missing"
            if hasher.file(path) != entry.get("sha256"):
                return f"{artifact} changed on disk"
    return None


# ------------------------------------------------------------------------------- building


def build(
    config: PathLike | None = None,
    *,
    data: PathLike | None = None,
    out: PathLike | None = None,
    build_dir: PathLike | None = None,
    jobs: int | None = None,
    only: Sequence[str] = (),
    force: bool = False,
    check: bool = False,
    dry_run: bool = False,
    sources: PathLike | None = None,
    kernel_name: str = "python3",
    progress: Progress | None = print,
) -> BuildResult:
    """Build the runs of a build file that are out of date.

    Parameters
    ----------
    config
        The build file; default ``figures.toml`` in the working folder or above. Notebook paths
        in it are relative to its folder (the *root*).
    data
        The corpus folder; default the bundled review.
    out
        Where artifacts and ``manifest.json`` go; default ``<root>/figures``.
    build_dir
        Executed notebooks (``notebooks/``, ``failed/``), logs and staging; default
        ``<root>/build``.
    jobs
        Worker processes; default all cores.
    only
        Build only the runs whose name matches one of these glob patterns.
    force
        Rebuild the selected runs even when up to date.
    check
        Rebuild the selected runs into ``<build_dir>/check/`` (leaving ``out`` alone) and
        compare every artifact with ``<out>/manifest.json``.
    dry_run
        Only work out what would be built (``planned``), touching nothing.
    sources
        The folder whose files stand for "peerlib" in the keys; default the installed package.
    kernel_name
        The Jupyter kernel; ``python3`` is pinned to this interpreter.
    progress
        Called with each line of progress; ``None`` for silence.
    """
    started = time.monotonic()
    say: Progress = progress or (lambda line: None)
    config_path = Path(config) if config is not None else find_config()
    root = config_path.resolve().parent
    data_dir = (Path(data) if data is not None else default_corpus()).resolve()
    out_dir = (Path(out) if out is not None else root / "figures").resolve()
    work_dir = (Path(build_dir) if build_dir is not None else root / "build").resolve()
    source_dir = Path(sources) if sources is not None else Path(__file__).resolve().parent
    if not (data_dir / "studies").is_dir():
        raise BuildConfigError(f"{data_dir} is not a corpus folder (it has no studies/)")
    all_runs = expand(load_config(config_path), data_dir)
    runs = select(all_runs, only)
    committed = out_dir / MANIFEST_NAME
    if check:
        work_dir = work_dir / "check"
        target = work_dir / "figures"
        force = True
    else:
        target = out_dir
    result = BuildResult(out=target, manifest=committed)
    if dry_run:
        manifest = load_manifest(target / MANIFEST_NAME) if not check else empty_manifest()
        plans = _plan(runs, root, data_dir, target, manifest, source_dir, force)
        result.skipped = [p.run.name for p in plans if p.error is None and p.reason is None]
        result.planned = {p.run.name: p.reason for p in plans if p.error is None and p.reason}
        result.failed = [_setup_failure(p) for p in plans if p.error is not None]
        result.seconds = time.monotonic() - started
        return result
    with _locked(work_dir):
        if check:
            shutil.rmtree(target, ignore_errors=True)
        shutil.rmtree(work_dir / "staging", ignore_errors=True)
        manifest = load_manifest(target / MANIFEST_NAME)
        plans = _plan(runs, root, data_dir, target, manifest, source_dir, force)
        todo = [p for p in plans if p.error is None and p.reason is not None]
        result.skipped = [p.run.name for p in plans if p.error is None and p.reason is None]
        for p in plans:
            if p.error is not None:
                result.failed.append(_setup_failure(p))
                say(f"FAILED  {p.run.name}: {p.error}")
        if todo:
            what = f"{len(todo)} of {len(plans)} run{'s' if len(plans) != 1 else ''}"
            workers = min(jobs or os.cpu_count() or 1, len(todo))
            say(f"building {what} ({workers} job{'s' if workers != 1 else ''})")
            _execute_all(
                todo, root, data_dir, target, work_dir, manifest, kernel_name, workers, result, say
            )
        if not only and not check:
            result.pruned = _prune(manifest, {r.name for r in all_runs}, target, work_dir)
        if not check:
            from .site import write_index

            write_index(target, manifest)
        if check:
            names = {p.run.name for p in plans}
            failed = {f.name for f in result.failed}
            result.differences = _compare(
                load_manifest(committed), manifest, names, failed, out_dir, len(only) == 0
            )
    result.seconds = time.monotonic() - started
    return result


def _setup_failure(plan: _Plan) -> RunFailure:
    return RunFailure(
        plan.run.name, plan.run.notebook, plan.run.parameters, "setup", plan.error or ""
    )


def _execute_all(
    todo: Sequence[_Plan],
    root: Path,
    data: Path,
    out: Path,
    work: Path,
    manifest: dict[str, Any],
    kernel_name: str,
    workers: int,
    result: BuildResult,
    say: Progress,
) -> None:
    import multiprocessing
    from concurrent.futures import ProcessPoolExecutor, as_completed

    from ._notebooks import Job, Outcome, RunError, execute, init_worker, worker_environment

    timings = _load_timings(work)
    # longest first (unknown ones first of all): the slowest run should not start last
    order = sorted(todo, key=lambda p: -timings.get(p.run.name, float("inf")))
    jobs: dict[str, Job] = {}
    for plan in order:
        run = plan.run
        jobs[run.name] = Job(
            name=run.name,
            notebook=root / run.notebook,
            parameters=dict(run.parameters),
            data_dir=data,
            staging=work / "staging" / run.name,
            log=work / "logs" / f"{run.name}.log",
            timeout=run.timeout,
            kernel_name=kernel_name,
            notebook_display=run.notebook,
            data_display=relative_display(data, root, "<data>"),
            out_display=relative_display(out, root, "<out>") + "/" + run.name,
            executed_display=relative_display(work, root, "<build>")
            + f"/notebooks/{run.name}.ipynb",
        )
    context = multiprocessing.get_context("fork" if sys.platform == "linux" else "spawn")
    environment = worker_environment(work / "jupyter")
    plans = {p.run.name: p for p in todo}
    done = 0
    pool = ProcessPoolExecutor(
        max_workers=workers, mp_context=context, initializer=init_worker, initargs=(environment,)
    )
    try:
        futures = {pool.submit(execute, jobs[p.run.name]): p.run.name for p in order}
        for future in as_completed(futures):
            name = futures[future]
            plan, job = plans[name], jobs[name]
            try:
                outcome: Outcome = future.result()
            except Exception as error:  # the worker itself failed, not the notebook
                message = f"{type(error).__name__}: {error}".rstrip(": ")
                outcome = Outcome(name, 0.0, 1, error=RunError("error", message))
            done += 1
            timings[name] = outcome.seconds
            status = f"[{done}/{len(todo)}]"
            if outcome.error is None:
                _commit(plan, job, outcome, out, work, manifest)
                result.built.append(name)
                say(f"{status} built   {name}  {outcome.seconds:.1f} s  ({plan.reason})")
            else:
                failure = _failure(plan, job, outcome, work)
                result.failed.append(failure)
                summary = failure.message.splitlines()[0] if failure.message else failure.kind
                say(f"{status} FAILED  {name}  {outcome.seconds:.1f} s  ({summary})")
    finally:
        # on Ctrl-C: runs not started are dropped; running ones got the same SIGINT, and their
        # kernels are shut down by nbclient before the workers exit
        pool.shutdown(wait=True, cancel_futures=True)
        _save_timings(work, timings)
        shutil.rmtree(work / "staging", ignore_errors=True)


def _failure(plan: _Plan, job: Job, outcome: Outcome, work: Path) -> RunFailure:
    assert outcome.error is not None
    executed = None
    if outcome.has_notebook and job.executed.is_file():
        executed = work / "failed" / f"{plan.run.name}.ipynb"
        _move(job.executed, executed)
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


def _commit(
    plan: _Plan, job: Job, outcome: Outcome, out: Path, work: Path, manifest: dict[str, Any]
) -> None:
    """Move a successful run's files into place and record them, so that the manifest on disk
    never names a file that is not there with that content: first the run's old entries go,
    then the files move (each with an atomic rename), then the new entries are written."""
    name = plan.run.name
    prefix = name + "/"
    manifest_path = out / MANIFEST_NAME
    stale = [a for a in manifest["artifacts"] if a.startswith(prefix)]
    if name in manifest["runs"] or stale:
        manifest["runs"].pop(name, None)
        for artifact in stale:
            del manifest["artifacts"][artifact]
        _atomic.write_text(manifest_path, dump_manifest(manifest))
    dest = out / name
    made = {rel for rel, _ in outcome.artifacts}
    for rel in sorted(made):
        _move(job.out_dir / rel, dest / rel)
    _remove_others(dest, made)
    if outcome.has_notebook and job.executed.is_file():
        _move(job.executed, work / "notebooks" / f"{name}.ipynb")
    (work / "failed" / f"{name}.ipynb").unlink(missing_ok=True)
    shutil.rmtree(job.staging, ignore_errors=True)
    assert plan.record is not None
    manifest["runs"][name] = plan.record
    for rel, sha in outcome.artifacts:
        manifest["artifacts"][prefix + rel] = {
            "sha256": sha,
            "notebook": plan.run.notebook,
            "parameters": dict(plan.run.parameters),
        }
    _atomic.write_text(manifest_path, dump_manifest(manifest))


def _move(source: Path, dest: Path) -> None:
    """Rename ``source`` onto ``dest`` atomically; across file systems, copy then rename."""
    dest.parent.mkdir(parents=True, exist_ok=True)
    try:
        source.replace(dest)  # os.replace: atomic on one file system
    except OSError as error:
        if error.errno != errno.EXDEV:
            raise
        _atomic.write_bytes(dest, source.read_bytes())
        source.unlink()


def _remove_others(folder: Path, keep: set[str]) -> None:
    """Delete what a run's folder holds besides ``keep``: the folder belongs to the build."""
    if not folder.is_dir():
        return
    for path in sorted(folder.rglob("*"), reverse=True):
        rel = path.relative_to(folder).as_posix()
        if path.is_dir() and not path.is_symlink():
            with contextlib.suppress(OSError):
                path.rmdir()  # only when empty
        elif rel not in keep:
            path.unlink()


def _prune(manifest: dict[str, Any], names: set[str], out: Path, work: Path) -> list[str]:
    """Forget runs the build file no longer makes, and delete their files."""
    gone = sorted(n for n in manifest["runs"] if n not in names)
    orphans = [a for a in manifest["artifacts"] if a.split("/", 1)[0] not in names]
    if not gone and not orphans:
        return []
    for artifact in orphans:
        (out / artifact).unlink(missing_ok=True)
        del manifest["artifacts"][artifact]
    for name in gone:
        del manifest["runs"][name]
        _remove_others(out / name, set())
        with contextlib.suppress(OSError):
            (out / name).rmdir()
        (work / "notebooks" / f"{name}.ipynb").unlink(missing_ok=True)
    _atomic.write_text(out / MANIFEST_NAME, dump_manifest(manifest))
    return sorted(set(gone) | {a.split("/", 1)[0] for a in orphans})


def _compare(
    committed: Mapping[str, Any],
    rebuilt: Mapping[str, Any],
    names: set[str],
    failed: set[str],
    out: Path,
    everything: bool,
) -> list[str]:
    """One line per artifact where the rebuild and the committed manifest disagree, and per
    committed file that does not match the committed manifest."""

    def mine(artifact: str) -> bool:
        run = artifact.split("/", 1)[0]
        return (everything or run in names) and run not in failed

    before = {a: e.get("sha256") for a, e in committed["artifacts"].items() if mine(a)}
    after = {a: e["sha256"] for a, e in rebuilt["artifacts"].items() if mine(a)}
    shown = _shown(out / MANIFEST_NAME)
    lines = []
    for artifact in sorted(set(before) | set(after)):
        old, new = before.get(artifact), after.get(artifact)
        if old is None:
            lines.append(f"extra: {artifact}: made by the build, not in {shown}")
        elif new is None:
            lines.append(f"missing: {artifact}: in {shown}, not made by the build")
        elif old != new:
            lines.append(f"differs: {artifact}: committed {old[:12]}, rebuilt {new[:12]}")
        else:
            path = out / artifact
            if not path.is_file():
                lines.append(f"stale: {artifact}: in {shown} but not on disk")
            elif Hasher().file(path) != old:
                lines.append(f"stale: {artifact}: the file on disk does not match {shown}")
    return lines


@contextlib.contextmanager
def _locked(work: Path) -> Iterator[None]:
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


def _load_timings(work: Path) -> dict[str, float]:
    try:
        data = json.loads((work / "timings.json").read_bytes())
    except (OSError, ValueError):
        return {}
    return {str(k): float(v) for k, v in data.items()} if isinstance(data, dict) else {}


def _save_timings(work: Path, timings: Mapping[str, float]) -> None:
    text = json.dumps({k: round(v, 2) for k, v in sorted(timings.items())}, indent=1) + "\n"
    _atomic.write_text(work / "timings.json", text)


def _shown(path: Path) -> str:
    """``path`` relative to the working folder when inside it, else absolute."""
    try:
        return path.resolve().relative_to(Path.cwd().resolve()).as_posix()
    except ValueError:
        return str(path)


# ------------------------------------------------------------------------------- the command


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """Add the options of ``peerlib build`` to ``parser``."""
    parser.add_argument(
        "--config", help=f"the build file (default: {CONFIG_NAME} here or in a parent folder)"
    )
    parser.add_argument("--data", help="corpus folder (default: the bundled review)")
    parser.add_argument("--out", help="artifacts and manifest.json (default: <root>/figures)")
    parser.add_argument(
        "--build-dir", help="executed notebooks, logs, staging (default: <root>/build)"
    )
    parser.add_argument(
        "-j", "--jobs", type=int, default=None, help="worker processes (default: all cores)"
    )
    parser.add_argument(
        "--only",
        action="append",
        default=[],
        metavar="PATTERN",
        help="build only runs whose name matches this glob (repeatable), e.g. 'study-*'",
    )
    parser.add_argument("--force", action="store_true", help="rebuild even when up to date")
    parser.add_argument(
        "--check",
        action="store_true",
        help="rebuild into build/check/ and fail if any artifact differs from the manifest",
    )
    parser.add_argument(
        "-n", "--dry-run", action="store_true", help="list what would be built, and why"
    )
    parser.add_argument("-v", "--verbose", action="store_true", help="also list up-to-date runs")


def run(args: argparse.Namespace) -> int:
    """Run ``peerlib build`` with parsed ``args``; return the exit status."""
    if args.jobs is not None and args.jobs < 1:
        print("peerlib build: --jobs must be at least 1", file=sys.stderr)
        return 2
    try:
        result = build(
            args.config,
            data=args.data,
            out=args.out,
            build_dir=args.build_dir,
            jobs=args.jobs,
            only=args.only,
            force=args.force,
            check=args.check,
            dry_run=args.dry_run,
            progress=lambda line: print(line, flush=True),
        )
    except BuildConfigError as error:
        print(f"peerlib build: {error}", file=sys.stderr)
        return 2
    if args.verbose or args.dry_run:
        for name in result.skipped:
            print(f"up to date  {name}")
    for name, reason in result.planned.items():
        print(f"would build {name}  ({reason})")
    for name in result.pruned:
        print(f"removed     {name} (no longer in the build file)")
    counts = [f"{len(result.built)} built", f"{len(result.skipped)} up to date"]
    if result.failed:
        counts.append(f"{len(result.failed)} failed")
    if not args.dry_run:
        print(f"{', '.join(counts)} in {result.seconds:.1f} s")
    if result.failed:
        count = len(result.failed)
        print(f"\n{count} run{'s' if count != 1 else ''} failed:", file=sys.stderr)
        for failure in result.failed:
            print(failure.describe(), file=sys.stderr)
    if args.check:
        for line in result.differences:
            print(line)
        if result.differences:
            n = len(result.differences)
            print(f"check failed: {n} difference{'s' if n != 1 else ''}", file=sys.stderr)
        elif not result.failed:
            print(f"check passed: every artifact matches {_shown(result.manifest)}")
    return result.exit_status
