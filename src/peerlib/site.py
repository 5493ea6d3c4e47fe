"""A static, offline index page of every figure and table a build made: ``figures/index.html``.

It is plain HTML with relative links (no script, no network), generated from the manifest, so
a seminar can open it from a USB stick. Interactive pages are the figures' own offline HTML.
"""

from __future__ import annotations

import html
from collections import defaultdict
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from . import _atomic

__all__ = ["write_index"]

INDEX_NAME = "index.html"

_PAGE = """<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<title>peerlib figures</title>
<style>
body {{ font-family: Inter, system-ui, sans-serif; margin: 2rem auto; max-width: 72rem;
       padding: 0 1rem; color: #222; }}
section {{ border-top: 1px solid #ddd; padding: 1rem 0; }}
figure {{ margin: 1rem 0; }}
img {{ max-width: 100%; height: auto; border: 1px solid #eee; }}
.formats a, .tables a {{ margin-right: .6rem; }}
code {{ color: #555; }}
</style>
</head>
<body>
<h1>Figures and tables</h1>
<p>Built by <code>peerlib build</code>; {count} files from {runs} notebook runs. Each figure
links to its formats; the HTML versions are interactive and work offline.</p>
<nav><p>{nav}</p></nav>
{sections}
</body>
</html>
"""


def write_index(out: Path, manifest: Mapping[str, Any]) -> Path:
    """Write ``out/index.html`` listing every artifact of ``manifest``; return its path."""
    by_run: dict[str, dict[str, list[str]]] = defaultdict(lambda: defaultdict(list))
    for artifact in sorted(manifest.get("artifacts", {})):
        run, _, rel = artifact.partition("/")
        stem, _, suffix = rel.rpartition(".")
        by_run[run][stem].append(suffix)
    sections = []
    for run in sorted(by_run):
        params = manifest.get("runs", {}).get(run, {}).get("parameters", {})
        shown = ", ".join(f"{k}={v}" for k, v in sorted(params.items()))
        parts = [f'<section id="{html.escape(run)}"><h2>{html.escape(run)}</h2>']
        if shown:
            parts.append(f"<p><code>{html.escape(shown)}</code></p>")
        tables = []
        for stem, suffixes in sorted(by_run[run].items()):
            links = " ".join(
                f'<a href="{html.escape(f"{run}/{stem}.{s}")}">{s.upper()}</a>' for s in suffixes
            )
            if "svg" in suffixes:
                parts.append(
                    f'<figure><img src="{html.escape(f"{run}/{stem}.svg")}" '
                    f'alt="{html.escape(stem)}" loading="lazy">'
                    f'<figcaption class="formats">{html.escape(stem)}: {links}'
                    "</figcaption></figure>"
                )
            else:
                tables.append(f"{html.escape(stem)}: {links}")
        if tables:
            parts.append('<p class="tables">Tables: ' + "<br>".join(tables) + "</p>")
        parts.append("</section>")
        sections.append("\n".join(parts))
    nav = " · ".join(f'<a href="#{html.escape(r)}">{html.escape(r)}</a>' for r in sorted(by_run))
    page = _PAGE.format(
        count=len(manifest.get("artifacts", {})),
        runs=len(by_run),
        nav=nav,
        sections="\n".join(sections),
    )
    path = out / INDEX_NAME
    _atomic.write_text(path, page)
    return path
