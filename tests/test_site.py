"""The offline index page of a build."""

from __future__ import annotations

from pathlib import Path

from peerlib.site import write_index

MANIFEST = {
    "artifacts": {
        "study-a/network.svg": {"sha256": "0"},
        "study-a/network.html": {"sha256": "1"},
        "study-a/measures.csv": {"sha256": "2"},
        "comparison/heatmap.svg": {"sha256": "3"},
    },
    "runs": {"study-a": {"parameters": {"study": "a"}}, "comparison": {"parameters": {}}},
}


def test_index_links_every_artifact_and_needs_no_network(tmp_path: Path) -> None:
    path = write_index(tmp_path, MANIFEST)
    page = path.read_text(encoding="utf-8")
    for artifact in MANIFEST["artifacts"]:
        assert f'href="{artifact}"' in page
    assert '<img src="study-a/network.svg"' in page
    assert "study=a" in page
    assert "<script" not in page
    assert "http" not in page.replace('lang="en"', "")
    assert page.index('id="comparison"') < page.index('id="study-a"')  # sorted runs


def test_index_is_deterministic(tmp_path: Path) -> None:
    a = write_index(tmp_path / "a", MANIFEST).read_bytes()
    b = write_index(tmp_path / "b", dict(reversed(list(MANIFEST.items())))).read_bytes()
    assert a == b
