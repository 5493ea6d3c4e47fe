"""The site of a build in a real browser (Debian's Chromium, network blocked): every page loads
without a console error, every chart draws its marks, every image loads, every link resolves,
and hovering over a node of a concept network shows the concept's definition."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any
from urllib.parse import unquote, urlsplit

import pytest

from peerlib import load_corpus
from peerlib.build import Project

from ._browser import MARKS, browser, hover_until_tooltip, needs_browser, watched_page

pytestmark = needs_browser


def _offline(url: str) -> bool:
    return url.startswith(("file:", "data:", "about:"))


@pytest.fixture(scope="module")
def chromium() -> Any:
    with browser() as instance:
        yield instance


def _html_pages(out: Path) -> list[Path]:
    manifest = json.loads((out / "manifest.json").read_text(encoding="utf-8"))
    return sorted(out / a for a in manifest["artifacts"] if a.endswith(".html"))


def _is_chart(out: Path, page: Path) -> bool:
    """A figure's own interactive page (beside its SVG), not a page of the site."""
    return page.with_suffix(".svg").is_file() and page.parent.parent == out


def test_every_page_loads_draws_its_charts_and_links_resolve(
    site_build: Project, chromium: Any
) -> None:
    out = site_build.out
    pages = _html_pages(out)
    assert sum(_is_chart(out, p) for p in pages) >= 3  # each study's network
    context = chromium.new_context()
    try:
        for path in pages:
            page, watch = watched_page(context, _offline)
            page.goto(path.as_uri(), wait_until="load")
            where = path.relative_to(out).as_posix()
            if _is_chart(out, path):
                page.locator(MARKS).first.wait_for()
                assert page.locator(MARKS).count() > 0, where
            for frame in page.locator("iframe.chart").all():
                inner = frame.content_frame
                inner.locator(MARKS).first.wait_for()
                assert inner.locator(MARKS).count() > 0, where
            broken = page.evaluate(
                "Array.from(document.images).filter(i => !i.complete || i.naturalWidth === 0)"
                ".map(i => i.getAttribute('src'))"
            )
            assert broken == [], f"{where}: images that do not load: {broken}"
            for href in page.evaluate("Array.from(document.links).map(a => a.href)"):
                target = urlsplit(href)
                assert target.scheme == "file", f"{where}: {href} leaves the machine"
                assert Path(unquote(target.path)).is_file(), f"{where}: {href} does not resolve"
            assert watch.errors == [], f"{where}: {watch.errors}"
            assert watch.blocked == [], f"{where}: requests left the machine: {watch.blocked}"
            page.close()
    finally:
        context.close()


def test_a_network_node_shows_its_definition_on_hover(site_build: Project, chromium: Any) -> None:
    corpus = load_corpus(site_build.data)
    definitions = [
        str(d)[:40]
        for d in corpus.concepts.query("study_id == 'alpha'")["definition"]
        if isinstance(d, str) and d
    ]
    assert definitions
    context = chromium.new_context()
    try:
        page, watch = watched_page(context, _offline)
        page.goto((site_build.out / "study-alpha" / "network.html").as_uri())
        page.locator(MARKS).first.wait_for()
        # nodes are drawn last, on top of the lines
        nodes = page.locator("svg g.mark-symbol.role-mark path")
        text = hover_until_tooltip(
            page, nodes, lambda shown: any(d in " ".join(shown.split()) for d in definitions)
        )
        assert text, "no node's tooltip showed its definition"
        assert watch.errors == []
        assert watch.blocked == []
    finally:
        context.close()
