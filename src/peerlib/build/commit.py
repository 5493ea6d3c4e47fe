"""Committing: moving a finished run's files into place and recording them, so that the
manifest on disk never names a file that is not there with that content; pruning; and the
comparison a check makes."""

from __future__ import annotations

import contextlib
import errno
import shutil
import time
from pathlib import Path

from .. import _atomic
from .keys import Hasher
from .manifest import MANIFEST_NAME, Artifact, Manifest
from .plan import Plan
from .results import shown
from .worker import Job, Outcome

__all__ = ["ManifestSaver", "commit", "compare", "move", "prune"]


def commit(
    plan: Plan, job: Job, outcome: Outcome, out: Path, work: Path, manifest: Manifest
) -> None:
    """Move a successful run's files into ``out/<run>/`` and record them: first the run's old
    entries go (and the manifest on disk forgets them), then the files move (each with an
    atomic rename), then the new entries are recorded in ``manifest``. Saving those is the
    caller's (:class:`ManifestSaver`): until then the manifest on disk lacks them, which only
    means the run is built again if the build stops first."""
    name = plan.run.name
    manifest_path = out / MANIFEST_NAME
    if manifest.forget(name):
        manifest.save(manifest_path)
    dest = out / name
    made = {rel for rel, _ in outcome.artifacts}
    for rel in sorted(made):
        move(job.out_dir / rel, dest / rel)
    _remove_others(dest, made)
    if outcome.has_notebook and job.executed.is_file():
        move(job.executed, work / "notebooks" / f"{name}.ipynb")
    (work / "failed" / f"{name}.ipynb").unlink(missing_ok=True)
    shutil.rmtree(job.staging, ignore_errors=True)
    assert plan.record is not None
    manifest.runs[name] = plan.record
    for rel, sha in outcome.artifacts:
        manifest.artifacts[f"{name}/{rel}"] = Artifact(
            sha256=sha, notebook=plan.run.notebook, parameters=dict(plan.run.parameters)
        )


class ManifestSaver:
    """Saves the manifest after commits, at most once every ``interval`` seconds (and when
    :meth:`flush` is called). The manifest of a review of 1,000 studies is megabytes of JSON:
    saved after each of a thousand runs, writing it would cost the build more than the runs
    themselves."""

    def __init__(self, manifest: Manifest, path: Path, interval: float = 5.0) -> None:
        self.manifest, self.path, self.interval = manifest, path, interval
        self._saved = time.monotonic()
        self._pending = False

    def committed(self) -> None:
        """A run was committed: save now if the last save is ``interval`` seconds old."""
        self._pending = True
        if time.monotonic() - self._saved >= self.interval:
            self.flush()

    def flush(self) -> None:
        """Save what was committed since the last save."""
        if self._pending:
            self.manifest.save(self.path)
            self._pending = False
        self._saved = time.monotonic()


def move(source: Path, dest: Path) -> None:
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


def prune(manifest: Manifest, names: set[str], out: Path, work: Path) -> list[str]:
    """Forget runs the build file no longer makes, and delete their files."""
    from ..site import is_site_artifact

    gone = sorted(n for n in manifest.runs if n not in names)
    orphans = [
        a for a in manifest.artifacts if a.split("/", 1)[0] not in names and not is_site_artifact(a)
    ]
    if not gone and not orphans:
        return []
    for artifact in orphans:
        (out / artifact).unlink(missing_ok=True)
        del manifest.artifacts[artifact]
    for name in gone:
        del manifest.runs[name]
        _remove_others(out / name, set())
        with contextlib.suppress(OSError):
            (out / name).rmdir()
        (work / "notebooks" / f"{name}.ipynb").unlink(missing_ok=True)
    manifest.save(out / MANIFEST_NAME)
    return sorted(set(gone) | {a.split("/", 1)[0] for a in orphans})


def compare(
    committed: Manifest,
    rebuilt: Manifest,
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

    before = {a: e.get("sha256") for a, e in committed.artifacts.items() if mine(a)}
    after = {a: e["sha256"] for a, e in rebuilt.artifacts.items() if mine(a)}
    where = shown(out / MANIFEST_NAME)
    lines = []
    for artifact in sorted(set(before) | set(after)):
        old, new = before.get(artifact), after.get(artifact)
        if old is None:
            lines.append(f"extra: {artifact}: made by the build, not in {where}")
        elif new is None:
            lines.append(f"missing: {artifact}: in {where}, not made by the build")
        elif old != new:
            lines.append(f"differs: {artifact}: committed {old[:12]}, rebuilt {new[:12]}")
        else:
            path = out / artifact
            if not path.is_file():
                lines.append(f"stale: {artifact}: in {where} but not on disk")
            elif Hasher().file(path) != old:
                lines.append(f"stale: {artifact}: the file on disk does not match {where}")
    return lines
