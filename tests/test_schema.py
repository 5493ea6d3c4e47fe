"""The published JSON Schemas are current, and validate the bundled files as an editor would."""

from __future__ import annotations

import json
from pathlib import Path

import jsonschema
import pytest
import yaml

from peerlib import corpus_root
from peerlib.models import json_schemas

SCHEMA_DIR = corpus_root() / "schema"


@pytest.mark.parametrize("name", sorted(json_schemas()))
def test_published_schema_is_current(name: str) -> None:
    published = json.loads((SCHEMA_DIR / name).read_text(encoding="utf-8"))
    assert published == json_schemas()[name], f"run `peerlib schema` to refresh {name}"


def _files() -> list[tuple[str, Path]]:
    studies = sorted((corpus_root() / "studies").glob("*.yaml"))
    return [("study.schema.json", p) for p in studies] + [
        ("synthesis.schema.json", corpus_root() / "synthesis.yaml"),
        ("review.schema.json", corpus_root() / "review.yaml"),
    ]


@pytest.mark.parametrize(("schema", "path"), _files(), ids=[p.name for _, p in _files()])
def test_bundled_files_validate_against_the_schema(schema: str, path: Path) -> None:
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    jsonschema.validate(data, json_schemas()[schema])


def test_schema_rejects_what_the_validator_rejects() -> None:
    study = yaml.safe_load((corpus_root() / "studies" / "austin2014.yaml").read_text("utf-8"))
    study["concepts"][0]["kind"] = "feeling"
    with pytest.raises(jsonschema.ValidationError, match="feeling"):
        jsonschema.validate(study, json_schemas()["study.schema.json"])
