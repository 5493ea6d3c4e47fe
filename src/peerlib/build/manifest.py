"""The figures manifest (``<out>/manifest.json``): every artifact with its hash, every run with
its key. It is committed with the figures, and it is the build's cache: a run whose key and
artifacts still match its entries is up to date.
"""

from __future__ import annotations

import json
import sys
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, TypedDict

from .. import _atomic

__all__ = ["MANIFEST_NAME", "Artifact", "Manifest", "RunRecord"]

MANIFEST_NAME = "manifest.json"


class Artifact(TypedDict):
    """One file a run wrote, relative to the output folder."""

    sha256: str
    notebook: str
    parameters: dict[str, Any]


class RunRecord(TypedDict):
    """What a run's output depends on; ``key`` hashes it all (with the build-file entry)."""

    key: str
    notebook: str
    notebook_sha256: str
    parameters: dict[str, Any]
    inputs: dict[str, str]
    sources: str
    environment: str


@dataclass
class Manifest:
    """The manifest in memory; :meth:`save` writes it atomically.

    >>> manifest = Manifest()
    >>> entry = Artifact(sha256="0" * 64, notebook="nb.ipynb", parameters={})
    >>> manifest.artifacts["study-a/x.svg"] = entry
    >>> manifest.artifacts_of("study-a"), manifest.artifacts_of("study")
    (['study-a/x.svg'], [])
    """

    artifacts: dict[str, Artifact] = field(default_factory=dict)
    runs: dict[str, RunRecord] = field(default_factory=dict)
    #: The key of the site's pages (:func:`peerlib.site.site_key`) when they were written.
    site: str = ""

    @classmethod
    def load(cls, path: Path) -> Manifest:
        """The manifest at ``path``; an empty one when missing or unreadable (all runs rebuild)."""
        try:
            doc = json.loads(path.read_bytes())
        except FileNotFoundError:
            return cls()
        except (OSError, ValueError):
            print(f"warning: {path} is unreadable; every run will be rebuilt", file=sys.stderr)
            return cls()
        if (
            not isinstance(doc, dict)
            or not isinstance(doc.get("artifacts"), dict)
            or not isinstance(doc.get("runs"), dict)
        ):
            return cls()
        site = doc.get("site")
        return cls(
            artifacts=doc["artifacts"], runs=doc["runs"], site=site if isinstance(site, str) else ""
        )

    def to_json(self) -> dict[str, Any]:
        """The manifest as plain JSON data."""
        doc: dict[str, Any] = {"artifacts": self.artifacts, "runs": self.runs}
        if self.site:
            doc["site"] = self.site
        return doc

    def dumps(self) -> str:
        """The manifest as committed: sorted keys, two-space indent, trailing newline."""
        return json.dumps(self.to_json(), sort_keys=True, indent=2, ensure_ascii=False) + "\n"

    def save(self, path: Path) -> None:
        """Write the manifest atomically: readers see the old one or the new one, never half."""
        _atomic.write_text(path, self.dumps())

    def artifacts_of(self, run: str) -> list[str]:
        """The artifacts recorded for ``run`` (paths under the output folder)."""
        prefix = run + "/"
        return [a for a in self.artifacts if a.startswith(prefix)]

    def forget(self, run: str) -> bool:
        """Drop ``run`` and its artifacts; whether there was anything to drop."""
        stale = self.artifacts_of(run)
        had = run in self.runs or bool(stale)
        self.runs.pop(run, None)
        for artifact in stale:
            del self.artifacts[artifact]
        return had
