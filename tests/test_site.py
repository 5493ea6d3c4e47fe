"""The offline site a build writes: pages in reading order with the corpus's titles, every
link resolving, every text escaped, in the manifest and under ``--check``."""

from __future__ import annotations

import html
import json
import re
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import unquote, urlsplit

import pytest

from peerlib.build import Project, build, check
from peerlib.site import is_site_artifact

from .conftest import HOSTILE_TITLE, MINI


class _Page(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.links: list[str] = []
        self.title = ""
        self.scripts = 0
        self._in_title = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self._in_title = tag == "title"
        self.scripts += tag == "script"
        for name, value in attrs:
            if name in ("href", "src") and value:
                self.links.append(value)

    def handle_data(self, data: str) -> None:
        if self._in_title:
            self.title += data

    def handle_endtag(self, tag: str) -> None:
        self._in_title = False


def _parse(path: Path) -> _Page:
    page = _Page()
    page.feed(path.read_text(encoding="utf-8"))
    return page


def _pages(out: Path) -> list[Path]:
    manifest = json.loads((out / "manifest.json").read_text(encoding="utf-8"))
    return sorted(
        out / a
        for a in manifest["artifacts"]
        if a.endswith(".html") and (is_site_artifact(a) or a.endswith("/notebook.html"))
    )


def test_pages_in_reading_order_with_the_corpus_titles(site_build: Project) -> None:
    out = site_build.out
    index = (out / "index.html").read_text(encoding="utf-8")
    # runs in the order of their notebooks, studies in the corpus's order
    order = [index.index(f'href="site/{run}.html"') for run in ("study-alpha", "study-beta")]
    assert order == sorted(order)
    assert index.index("study-gamma.html") < index.index("overview.html")
    # real titles: the study's citation, the notebook's heading; not the run's slug
    page = _parse(out / "site" / "study-beta.html")
    assert "(20" in page.title
    assert "study-beta" not in page.title
    assert _parse(out / "site" / "overview.html").title == "All the studies"
    # a table as HTML, with its caption, its formats and its provenance
    study = (out / "site" / "study-beta.html").read_text(encoding="utf-8")
    assert '<table class="dataframe data">' in study
    assert "<h2>Graph measures of beta</h2>" in study
    assert 'href="../study-beta/measures.docx"' in study
    record = json.loads((out / "manifest.json").read_text())["runs"]["study-beta"]
    [(name, sha)] = record["inputs"].items()
    assert name in study
    assert sha in study
    # the chart: its title from the figure, the interactive page framed with a way back
    assert '<img src="../study-beta/network.png"' in study  # drawn in the house font
    frame = _parse(out / "site" / "study-beta" / "network.html")
    assert "../../study-beta/network.html" in frame.links
    assert "../study-beta.html" in frame.links
    # the executed notebook, a page of the site with a way back
    notebook = _parse(out / "study-beta" / "notebook.html")
    assert "../site/study-beta.html" in notebook.links
    assert notebook.scripts == 0


def test_every_page_has_a_title_a_way_back_and_links_that_resolve(site_build: Project) -> None:
    out = site_build.out
    pages = _pages(out)
    assert len(pages) >= 10
    for path in pages:
        page = _parse(path)
        assert page.title.strip(), path
        if path.name != "index.html":
            assert any(link.endswith(".html") and "../" in link for link in page.links), path
        for link in page.links:
            parts = urlsplit(link)
            assert not parts.scheme, f"{path}: {link} leaves the folder"
            assert not parts.netloc, f"{path}: {link} leaves the folder"
            if parts.path:
                target = (path.parent / unquote(parts.path)).resolve()
                assert target.is_file(), f"{path.relative_to(out)}: {link} does not resolve"
                assert out.resolve() in target.parents, f"{path}: {link} leaves the site"


def test_text_is_escaped(site_build: Project) -> None:
    out = site_build.out
    for path in _pages(out):
        text = path.read_text(encoding="utf-8")
        assert "<script>alert" not in text, path
    index = (out / "index.html").read_text(encoding="utf-8")
    assert html.escape(HOSTILE_TITLE) in index


def test_the_site_is_in_the_manifest_checked_and_left_alone_when_nothing_changed(
    site_build: Project,
) -> None:
    out = site_build.out
    manifest = json.loads((out / "manifest.json").read_text(encoding="utf-8"))
    site = sorted(a for a in manifest["artifacts"] if is_site_artifact(a))
    assert "index.html" in site
    assert re.fullmatch(r"[0-9a-f]{64}", manifest["site"])
    times = {a: (out / a).stat().st_mtime_ns for a in site}
    again = build(site_build, jobs=1, progress=None)
    assert again.built == []
    assert {a: (out / a).stat().st_mtime_ns for a in site} == times  # not rewritten
    # a check rebuilds everything, the site included, and finds the same bytes
    checked = check(site_build, jobs=2, progress=None)
    assert checked.ok
    assert checked.differences == []
    # a page that differs is found
    (out / "site" / "style.css").write_text("changed", encoding="utf-8")
    [line] = check(site_build, jobs=2, progress=None).differences
    assert line.startswith("stale: site/style.css: the file on disk does not match ")


def test_a_long_table_is_shown_up_to_the_printed_rows(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import pandas as pd

    from peerlib import table_export
    from peerlib.build.manifest import Artifact, Manifest
    from peerlib.site import site_pages

    monkeypatch.setattr(table_export, "PRINTED_ROWS", 10)
    out = tmp_path / "figures"
    (out / "pairs").mkdir(parents=True)
    pd.DataFrame({"pair": [f"p{n}" for n in range(25)]}).to_csv(
        out / "pairs" / "pairs.csv", index=False
    )
    manifest = Manifest()
    manifest.artifacts["pairs/pairs.csv"] = Artifact(sha256="0" * 64, notebook="", parameters={})
    page = site_pages(out, manifest, MINI, tmp_path)["site/pairs.html"].decode("utf-8")
    assert "<td>p9</td>" in page
    assert "<td>p10</td>" not in page
    assert "The first 10 rows; the CSV has every row." in page
    # a table that fits is shown whole, without the note
    monkeypatch.setattr(table_export, "PRINTED_ROWS", 25)
    page = site_pages(out, manifest, MINI, tmp_path)["site/pairs.html"].decode("utf-8")
    assert "<td>p24</td>" in page
    assert "the CSV has every row" not in page


def test_a_rebuild_rewrites_only_the_pages_that_changed(
    site_build: Project, tmp_path: Path
) -> None:
    import shutil

    root = tmp_path / "repo"
    shutil.copytree(site_build.config.parent, root)
    project = Project.resolve(root / "figures.toml", data=root / "data")
    out = project.out
    before = {p: p.stat().st_mtime_ns for p in (out / "site").glob("*.html")}
    with (root / "data" / "studies" / "gamma.yaml").open("a", encoding="utf-8") as handle:
        handle.write("# edited\n")
    result = build(project, jobs=2, progress=None)
    assert sorted(result.built) == ["overview", "study-gamma"]
    rewritten = sorted(p.name for p, t in before.items() if p.stat().st_mtime_ns != t)
    # their provenance names the new run keys; the other study's page is the same bytes
    assert rewritten == ["overview.html", "study-gamma.html"]


def test_a_long_cell_is_cut_on_the_page(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import pandas as pd

    from peerlib import site
    from peerlib.build.manifest import Artifact, Manifest

    monkeypatch.setattr(site, "CELL_CHARS", 10)
    out = tmp_path / "figures"
    (out / "notes").mkdir(parents=True)
    pd.DataFrame({"note": ["short", "x" * 25]}).to_csv(out / "notes" / "notes.csv", index=False)
    manifest = Manifest()
    manifest.artifacts["notes/notes.csv"] = Artifact(sha256="0" * 64, notebook="", parameters={})
    page = site.site_pages(out, manifest, MINI, tmp_path)["site/notes.html"].decode("utf-8")
    assert "<td>short</td>" in page
    assert f"<td>{'x' * 10}… (cut at 10 of 25 characters; the CSV has all)</td>" in page
