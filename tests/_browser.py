"""Debian's Chromium driven by Playwright's Python package, with every request that leaves the
machine blocked.

Chromium is the system's (``apt-get install chromium``; Playwright's own browser download is
never used). Outside CI a machine without it skips the browser tests with a message; in CI
(``CI`` set) they fail instead.
"""

from __future__ import annotations

import os
import shutil
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any

import pytest

CHROMIUM = os.environ.get("PEERLIB_CHROMIUM", "/usr/bin/chromium")
IN_CI = bool(os.environ.get("CI"))
ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--no-first-run",
    "--disable-sync",
]
#: Milliseconds to wait for a page, a chart or a tooltip.
TIMEOUT = 30_000


def _available() -> bool:
    try:
        import playwright  # noqa: F401
    except ImportError:
        return False
    return shutil.which(CHROMIUM) is not None


needs_browser = pytest.mark.skipif(
    not _available() and not IN_CI,
    reason="Debian's chromium and the playwright package are needed (apt-get install chromium; "
    "pip install -e '.[dev]'); CI installs them",
)


@dataclass
class Watch:
    """What a page did that it should not: console errors, uncaught exceptions, requests
    that left the machine (blocked)."""

    errors: list[str] = field(default_factory=list)
    blocked: list[str] = field(default_factory=list)


@contextmanager
def browser() -> Iterator[Any]:
    """A headless Chromium (Debian's), closed afterwards."""
    from playwright.sync_api import sync_playwright

    assert shutil.which(CHROMIUM), f"CI must install chromium ({CHROMIUM})"
    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        try:
            yield chromium
        finally:
            chromium.close()


def watched_page(context: Any, allowed: Callable[[str], bool]) -> tuple[Any, Watch]:
    """A new page of ``context`` whose requests are blocked unless ``allowed(url)``."""
    watch = Watch()

    def route(request_route: Any) -> None:
        url = request_route.request.url
        if allowed(url):
            request_route.continue_()
        else:
            watch.blocked.append(url)
            request_route.abort()

    page = context.new_page()
    page.set_default_timeout(TIMEOUT)
    page.route("**/*", route)
    page.on("console", lambda m: watch.errors.append(m.text) if m.type == "error" else None)
    page.on("pageerror", lambda e: watch.errors.append(str(e)))
    return page, watch


#: Marks of a Vega chart drawn as SVG, or its canvas.
MARKS = "svg .role-mark path, svg .role-mark rect, svg .role-mark line, svg .role-mark text, canvas"


def hover_until_tooltip(page: Any, marks: Any, wanted: Callable[[str], bool]) -> str:
    """Hover over ``marks`` one after another until Vega's tooltip shows text for which
    ``wanted`` is true; return that text ("" when none does)."""
    for index in range(marks.count()):
        mark = marks.nth(index)
        if not mark.is_visible():
            continue
        mark.hover(force=True)
        tooltip = page.locator("#vg-tooltip-element.visible")
        try:
            tooltip.wait_for(timeout=1_000)
        except Exception:
            continue
        text = str(tooltip.inner_text())
        if wanted(text):
            return text
    return ""
