"""Planning: for each run, its cache record and why it must be rebuilt (or that it need not)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

from .config import Run
from .keys import Hasher, digest, environment_digest, match_inputs, notebook_digest, tree_digest
from .manifest import Manifest, RunRecord
from .notebooks import missing_hint, notebook_path

__all__ = ["BUILD_FORMAT", "Plan", "plan_runs"]

#: Bump when the build's own output format changes (notebook normalisation, manifest layout):
#: every run's key changes with it, so every run is rebuilt once.
BUILD_FORMAT = 1


@dataclass
class Plan:
    """One run and what the planner found: its record, and ``reason`` to rebuild it (``None``:
    up to date), or the ``error`` that keeps it from running at all."""

    run: Run
    record: RunRecord | None = None
    reason: str | None = None
    error: str | None = None


def plan_runs(
    runs: Sequence[Run],
    root: Path,
    data: Path,
    out: Path,
    manifest: Manifest,
    sources: Path,
    force: bool,
) -> list[Plan]:
    """Work out every run's record and whether it is up to date in ``out``."""
    hasher = Hasher()
    sources_digest, environment = tree_digest(sources, hasher), environment_digest()
    notebooks: dict[str, tuple[str, bool] | str] = {}
    plans = []
    for run in runs:
        plan = Plan(run)
        plans.append(plan)
        if run.notebook not in notebooks:
            try:
                notebooks[run.notebook] = notebook_digest(notebook_path(root, run.notebook))
            except (OSError, ValueError) as error:
                notebooks[run.notebook] = (
                    f"cannot read notebook {run.notebook}: {error}"
                    + missing_hint(root, run.notebook)
                )
        nb = notebooks[run.notebook]
        if isinstance(nb, str):
            plan.error = nb
            continue
        if not nb[1]:
            plan.error = f"{run.notebook} has no cell tagged 'parameters'"
            continue
        try:
            inputs = {rel: hasher.corpus_file(data / rel) for rel in match_inputs(data, run.inputs)}
        except (OSError, ValueError) as error:
            plan.error = str(error)
            continue
        body = {
            "notebook": run.notebook,
            "notebook_sha256": nb[0],
            "parameters": dict(run.parameters),
            "inputs": inputs,
            "sources": sources_digest,
            "environment": environment,
        }
        key = digest({"format": BUILD_FORMAT, "entry": run.figure.entry, **body})
        plan.record = RunRecord(
            key=key,
            notebook=run.notebook,
            notebook_sha256=nb[0],
            parameters=dict(run.parameters),
            inputs=inputs,
            sources=sources_digest,
            environment=environment,
        )
        old = manifest.runs.get(run.name)
        plan.reason = (
            "forced" if force else _reason(old, plan.record, run.name, out, manifest, hasher)
        )
    return plans


def _reason(
    old: Mapping[str, object] | None,
    new: RunRecord,
    name: str,
    out: Path,
    manifest: Manifest,
    hasher: Hasher,
) -> str | None:
    """Why a run must be rebuilt, or ``None`` when it is up to date."""
    if not isinstance(old, Mapping):
        return "new"
    if old.get("key") != new["key"]:
        changes = []
        before = old.get("inputs")
        before = before if isinstance(before, dict) else {}
        after = new["inputs"]
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
            if old.get(key) != new[key]:  # type: ignore[literal-required]
                changes.append(what)
        return "; ".join(changes) or "build file entry changed"
    for artifact in manifest.artifacts_of(name):
        path = out / artifact
        if not path.is_file():
            return f"{artifact} missing"
        if hasher.file(path) != manifest.artifacts[artifact].get("sha256"):
            return f"{artifact} changed on disk"
    return None
