"""``peerlib init``: a starter review that validates as written.

The starter is a folder shipped with peerlib (``starter_review/``): one commented study file,
a synthesis file, and, written here from the models, the JSON Schemas their first lines point
an editor at, so that the files are checked while they are typed.

>>> import tempfile
>>> from peerlib.loading import validate
>>> with tempfile.TemporaryDirectory() as folder:
...     written = write_starter(Path(folder) / "my-review")
...     [p.relative_to(folder).as_posix() for p in written], validate(Path(folder) / "my-review")
(['my-review/studies/smith2020.yaml', 'my-review/synthesis.yaml', \
'my-review/schema/review.schema.json', 'my-review/schema/study.schema.json', \
'my-review/schema/synthesis.schema.json'], [])
"""

from __future__ import annotations

import json
import os
import shutil
import tempfile
from pathlib import Path

from .models import json_schemas

__all__ = ["STARTER", "StarterError", "write_starter"]

#: The starter review's files, as shipped.
STARTER = Path(__file__).resolve().parent / "starter_review"
SCHEMA_DIR = "schema"


class StarterError(Exception):
    """A folder ``peerlib init`` will not write into."""


def write_starter(folder: str | os.PathLike[str]) -> list[Path]:
    """Write the starter review into ``folder`` (new, or empty); return the files written.

    All or nothing: the files are written into a temporary folder beside it that is then
    renamed, so an interrupted ``init`` leaves no half-written review.

    Raises
    ------
    StarterError
        When ``folder`` is a file or a folder that is not empty (nothing is written).
    """
    target = Path(folder)
    if target.exists() and not target.is_dir():
        raise StarterError(f"{target} is a file; give a new folder name (nothing was written)")
    if target.is_dir() and any(target.iterdir()):
        raise StarterError(
            f"{target} is not empty; give a new or empty folder (nothing was written)"
        )
    target.parent.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=f".{target.name}-", dir=target.parent))
    try:
        files = [p for p in sorted(STARTER.rglob("*")) if p.is_file()]
        # study files first: what the author edits first
        files.sort(key=lambda p: (p.parent == STARTER, p.name))
        written = []
        for source in files:
            rel = source.relative_to(STARTER)
            (staging / rel).parent.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(source, staging / rel)
            written.append(rel)
        for name, schema in json_schemas().items():
            text = json.dumps(schema, indent=2, ensure_ascii=False, sort_keys=True) + "\n"
            (staging / SCHEMA_DIR).mkdir(exist_ok=True)
            (staging / SCHEMA_DIR / name).write_text(text, encoding="utf-8")
            written.append(Path(SCHEMA_DIR, name))
        if target.is_dir():
            target.rmdir()
        staging.replace(target)
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise
    return [target / rel for rel in written]
