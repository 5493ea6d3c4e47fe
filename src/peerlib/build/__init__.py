"""``peerlib build``: run every figure notebook x parameter set of a build file.

Each run executes one notebook with papermill, in a pool of worker processes, into a fresh
staging folder; only when it succeeds are its files moved into ``<out>/<run>/`` and its entries
written to ``<out>/manifest.json``. The manifest doubles as the cache: a run whose key
(notebook, parameters, input files, peerlib's own files, package versions, build-file entry) and
artifacts on disk still match its manifest entry is skipped, and that decision needs neither
papermill nor Jupyter nor pandas.

The package is cut by concept: :mod:`~peerlib.build.config` (the build file and its runs),
:mod:`~peerlib.build.keys` (cache keys), :mod:`~peerlib.build.manifest`,
:mod:`~peerlib.build.plan` (what is out of date and why), :mod:`~peerlib.build.execute` (the
process pool), :mod:`~peerlib.build.worker` (one papermill run, in a worker),
:mod:`~peerlib.build.commit` (files into place, manifest updated; pruning; the check's
comparison) and :mod:`~peerlib.build.lock`.

Where a build reads and writes, by default (:meth:`Project.resolve`): the corpus's own
``figures.toml`` if it has one, else peerlib's (every figure, with the notebooks shipped in the
package); artifacts into ``<corpus>/figures`` (for the bundled review in a source checkout, the
repository's ``figures/``); build state (executed notebooks, logs, staging) in
``<out>/.peerlib-build``, which ignores itself in git. Nothing is written into the package, or
into the repository when another corpus is built.

>>> project = Project.resolve(data="my-review")
>>> project.config == DEFAULT_CONFIG, project.out.name, project.work.relative_to(project.out)
(True, 'figures', PosixPath('.peerlib-build'))
>>> project.out == Path("my-review", "figures").resolve()
True
"""

from __future__ import annotations

import os
import shutil
import time
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from .. import corpus_files
from .commit import compare, prune
from .config import CONFIG_NAME, BuildConfigError, expand, load_config, select
from .execute import Progress, execute_all
from .lock import OUT_LOCK_NAME, WORK_LOCK_NAME, locked
from .manifest import MANIFEST_NAME, Manifest
from .notebooks import DEFAULT_CONFIG, PACKAGE, check_parameters
from .plan import Plan, plan_runs
from .results import BuildResult, FailureKind, RunFailure

__all__ = [
    "WORK_NAME",
    "BuildConfigError",
    "BuildResult",
    "FailureKind",
    "Project",
    "RunFailure",
    "build",
    "check",
    "default_out",
    "find_config",
]

PathLike = str | os.PathLike[str]


#: The build state's folder inside the output folder.
WORK_NAME = ".peerlib-build"


def find_config(data: Path) -> Path:
    """The build file for corpus ``data``: its own ``figures.toml``, else peerlib's."""
    own = data / CONFIG_NAME
    return own if own.is_file() else DEFAULT_CONFIG


def default_out(data: Path) -> Path:
    """Where a corpus's figures go by default: ``<corpus>/figures``; for the bundled review,
    the repository's ``figures/`` (source checkout) or nowhere (installed: ``--out`` needed)."""
    bundled = corpus_files.corpus_root(None).resolve()
    if data != bundled:
        return data / "figures"
    if bundled.is_relative_to(PACKAGE):
        raise BuildConfigError(
            "--out is required: the bundled review is inside the installed peerlib package"
        )
    return bundled.parent / "figures"


@dataclass(frozen=True)
class Project:
    """Where a build reads and writes. All paths absolute.

    ``config`` is the build file and ``root`` its folder (notebook paths in it are relative to
    it, or ``peerlib:...``); ``data`` the corpus; ``out`` the artifacts and ``manifest.json``;
    ``work`` the executed notebooks, logs and staging; ``sources`` the folder whose files stand
    for "peerlib" in the cache keys.
    """

    config: Path
    root: Path
    data: Path
    out: Path
    work: Path
    sources: Path

    @classmethod
    def resolve(
        cls,
        config: PathLike | None = None,
        *,
        data: PathLike | None = None,
        out: PathLike | None = None,
        build_dir: PathLike | None = None,
        sources: PathLike | None = None,
    ) -> Project:
        """Fill in the defaults: the bundled review; the corpus's ``figures.toml`` or
        peerlib's; :func:`default_out`; ``<out>/.peerlib-build``; the installed package."""
        data_path = corpus_files.corpus_root(data).resolve()
        config_path = (Path(config) if config is not None else find_config(data_path)).resolve()
        out_path = (Path(out) if out is not None else default_out(data_path)).resolve()
        return cls(
            config=config_path,
            root=config_path.parent,
            data=data_path,
            out=out_path,
            work=(Path(build_dir) if build_dir is not None else out_path / WORK_NAME).resolve(),
            sources=(Path(sources) if sources is not None else PACKAGE).resolve(),
        )


def build(
    project: Project | None = None,
    *,
    jobs: int | None = None,
    only: Sequence[str] = (),
    force: bool = False,
    dry_run: bool = False,
    kernel_name: str = "python3",
    progress: Progress | None = print,
) -> BuildResult:
    """Build the runs of a build file that are out of date into ``project.out``.

    Parameters
    ----------
    project
        Where to read and write; default :meth:`Project.resolve` with no arguments.
    jobs
        Worker processes; default all cores.
    only
        Build only the runs whose name matches one of these glob patterns.
    force
        Rebuild the selected runs even when up to date.
    dry_run
        Only work out what would be built (``planned``), touching nothing.
    kernel_name
        The Jupyter kernel; ``python3`` is pinned to this interpreter.
    progress
        Called with each line of progress; ``None`` for silence.

    Returns
    -------
    BuildResult
        What was built, skipped, pruned or failed.
    """
    return _run(project, jobs, only, force, dry_run, False, kernel_name, progress)


def check(
    project: Project | None = None,
    *,
    jobs: int | None = None,
    only: Sequence[str] = (),
    kernel_name: str = "python3",
    progress: Progress | None = print,
) -> BuildResult:
    """Rebuild the selected runs into ``<work>/check/`` (leaving ``project.out`` alone) and
    compare every artifact with ``<out>/manifest.json``: ``differences`` lists each file that
    differs, is missing or is extra. Parameters as for :func:`build`; every run is rebuilt."""
    return _run(project, jobs, only, True, False, True, kernel_name, progress)


def _run(
    project: Project | None,
    jobs: int | None,
    only: Sequence[str],
    force: bool,
    dry_run: bool,
    checking: bool,
    kernel_name: str,
    progress: Progress | None,
) -> BuildResult:
    started = time.monotonic()
    say: Progress = progress or (lambda line: None)
    p = project if project is not None else Project.resolve()
    if not (p.data / corpus_files.STUDIES_DIR).is_dir():
        _validate(p.data)  # says what to pass instead
        raise BuildConfigError(f"{p.data} is not a corpus folder (it has no studies/)")
    try:
        all_runs = expand(load_config(p.config), p.data)
    except BuildConfigError:
        _validate(p.data)  # a corpus the build cannot read: the validator says why
        raise
    runs = select(all_runs, only)
    check_parameters(runs, p.root, p.config)
    committed = p.out / MANIFEST_NAME
    work = p.work / "check" if checking else p.work
    target = work / "figures" if checking else p.out
    result = BuildResult(out=target, manifest=committed)
    if dry_run:
        plans = plan_runs(runs, p.root, p.data, target, Manifest.load(committed), p.sources, force)
        result.skipped = [q.run.name for q in plans if q.error is None and q.reason is None]
        result.planned = {q.run.name: q.reason for q in plans if q.error is None and q.reason}
        result.failed = [_setup_failure(q) for q in plans if q.error is not None]
        result.seconds = time.monotonic() - started
        return result
    # the output folder first: its build state (<out>/.peerlib-build) lives inside it
    folders = ([] if checking else [(p.out, OUT_LOCK_NAME)]) + [(work, WORK_LOCK_NAME)]
    with locked(folders) as notes:
        _ignored_by_git(p.work)
        for note in notes:
            say(note)
        if checking:
            shutil.rmtree(target, ignore_errors=True)
        shutil.rmtree(work / "staging", ignore_errors=True)
        manifest = Manifest.load(target / MANIFEST_NAME)
        plans = plan_runs(runs, p.root, p.data, target, manifest, p.sources, force)
        todo = [q for q in plans if q.error is None and q.reason is not None]
        result.skipped = [q.run.name for q in plans if q.error is None and q.reason is None]
        for q in plans:
            if q.error is not None:
                result.failed.append(_setup_failure(q))
                say(f"FAILED  {q.run.name}: {q.error}")
        if todo:
            _validate(p.data)  # every problem of the corpus, before any notebook runs
            what = f"{len(todo)} of {len(plans)} run{'s' if len(plans) != 1 else ''}"
            workers = min(jobs or os.cpu_count() or 1, len(todo))
            say(f"building {what} ({workers} job{'s' if workers != 1 else ''})")
            execute_all(
                todo,
                root=p.root,
                display_root=p.out.parent,
                data=p.data,
                out=target,
                work=work,
                manifest=manifest,
                kernel_name=kernel_name,
                workers=workers,
                result=result,
                say=say,
            )
        if not checking and not only:
            result.pruned = prune(manifest, {r.name for r in all_runs}, target, work)
        if not only:
            # the site's pages, from everything built (in a check too: they are compared)
            from ..site import update_site

            update_site(target, manifest, p.data, p.root)
        if checking:
            names = {q.run.name for q in plans}
            failed = {f.name for f in result.failed}
            result.differences = compare(
                Manifest.load(committed), manifest, names, failed, p.out, len(only) == 0
            )
    result.seconds = time.monotonic() - started
    return result


def _setup_failure(plan: Plan) -> RunFailure:
    return RunFailure(
        plan.run.name, plan.run.notebook, plan.run.parameters, "setup", plan.error or ""
    )


def _validate(data: Path) -> None:
    """Raise :class:`~peerlib.validation.CorpusError` with every problem of the corpus.

    Only called when something is to run (or cannot be read): a build with nothing to do
    never loads pydantic or pandas."""
    from ..loading import validate
    from ..validation import CorpusError

    problems = validate(data)
    if problems:
        raise CorpusError(problems)


def _ignored_by_git(work: Path) -> None:
    """Create the build-state folder with a ``.gitignore`` that ignores all of it."""
    work.mkdir(parents=True, exist_ok=True)
    ignore = work / ".gitignore"
    if not ignore.is_file():
        ignore.write_text("# peerlib build state: executed notebooks, logs, staging\n*\n")
