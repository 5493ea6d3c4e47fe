"""The offline site of a build: ``index.html`` and one page per run under ``site/``.

It is written after every full build, from the manifest, the corpus and the notebooks, so a
seminar or a review team can read the review from a folder or a USB stick: in reading order
(the review and its studies; each study; the comparison; the synthesis; the evidence for each
construct; the seminar), with the corpus's own titles, each chart with its title and subtitle as
caption and a link to its interactive page, every table as HTML with its formats, the executed
notebook of each run (``<run>/notebook.html``, made by the build's worker) and the provenance
of every file (the notebook and parameters that made it, the hashes of its inputs).

The pages are artifacts of the manifest like the figures (``index.html`` and ``site/...``), so
``peerlib build --check`` covers them; a build that changed nothing leaves them alone without
loading anything heavy (their key, ``Manifest.site``, hashes everything they are made from).
Every text inserted into HTML is escaped.
"""

from __future__ import annotations

import functools
import hashlib
import html
import json
import re
import zipfile
from collections import defaultdict
from collections.abc import Mapping
from pathlib import Path
from typing import Any
from xml.etree import ElementTree as ET

from . import _atomic
from .build.manifest import MANIFEST_NAME, Artifact, Manifest

__all__ = [
    "INDEX_NAME",
    "SITE_DIR",
    "is_site_artifact",
    "notebook_page",
    "site_key",
    "update_site",
]

INDEX_NAME = "index.html"
SITE_DIR = "site"
STYLE_NAME = f"{SITE_DIR}/style.css"
NOTEBOOK_PAGE = "notebook.html"
#: The formats of a figure, in the order their links are shown.
_FIGURE_FORMATS = ("svg", "png", "pdf", "html")
_TABLE_FORMATS = ("csv", "md", "tex", "docx")
_SVG_NS = "{http://www.w3.org/2000/svg}"

_CSS = """
body { font-family: Inter, system-ui, -apple-system, "Segoe UI", sans-serif; margin: 0 auto;
       max-width: 72rem; padding: 1rem 1.5rem 4rem; color: #222; line-height: 1.5; }
nav.back { font-size: .9rem; margin-bottom: 1rem; }
h1 { font-size: 1.7rem; line-height: 1.25; }
h2 { border-top: 1px solid #ddd; padding-top: 1rem; margin-top: 2rem; }
figure { margin: 1.5rem 0; }
figure img { max-width: 100%; height: auto; border: 1px solid #eee; }
figcaption { font-size: .95rem; color: #333; }
.formats a, .files a { margin-right: .6rem; }
.formats, .files { font-size: .9rem; }
details { font-size: .85rem; color: #444; margin: .3rem 0; }
details code { word-break: break-all; }
table.data { border-collapse: collapse; font-size: .85rem; margin: .5rem 0; display: block;
             overflow-x: auto; }
table.data th, table.data td { border-bottom: 1px solid #e3e3e3; padding: .25rem .5rem;
                               text-align: left; vertical-align: top; }
table.data th { border-bottom: 2px solid #999; }
ol.contents li, ul.runs li { margin: .2rem 0; }
iframe.chart { width: 100%; height: 85vh; border: 1px solid #eee; }
.notebook pre { background: #f6f6f6; padding: .5rem; overflow-x: auto; font-size: .85rem; }
.notebook .jp-InputPrompt, .notebook .jp-OutputPrompt { display: none; }
.notebook img { max-width: 100%; height: auto; }
.notebook table { border-collapse: collapse; font-size: .85rem; }
.notebook th, .notebook td { border-bottom: 1px solid #e3e3e3; padding: .2rem .4rem; }
"""


def _page(title: str, body: str, *, home: str, home_text: str, style: str) -> str:
    """A page: its title, a link back to ``home``, the body (already HTML)."""
    back = (
        f'<nav class="back"><a href="{html.escape(home)}">← {html.escape(home_text)}</a></nav>\n'
        if home
        else ""
    )
    return (
        '<!DOCTYPE html>\n<html lang="en">\n<head>\n<meta charset="utf-8">\n'
        f"<title>{html.escape(title)}</title>\n"
        f'<link rel="stylesheet" href="{html.escape(style)}">\n'
        f"</head>\n<body>\n{back}<main>\n<h1>{html.escape(title)}</h1>\n{body}\n</main>\n"
        "</body>\n</html>\n"
    )


# ------------------------------------------------------------------------ the build's hook


def is_site_artifact(name: str) -> bool:
    """Whether a manifest entry is a page of the site rather than a run's file."""
    return name == INDEX_NAME or name.startswith(f"{SITE_DIR}/")


def site_key(manifest: Manifest) -> str:
    """What the site is made from: every run's record and file (the notebooks, parameters,
    corpus files and peerlib's own files are all in the runs' records)."""
    made = {a: e["sha256"] for a, e in manifest.artifacts.items() if not is_site_artifact(a)}
    text = json.dumps({"artifacts": made, "runs": manifest.runs}, sort_keys=True)
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def update_site(out: Path, manifest: Manifest, data: Path, root: Path) -> bool:
    """Write the site into ``out`` and record its pages in ``manifest`` (saved), unless its key
    and pages on disk are unchanged; whether it was written."""
    key = site_key(manifest)
    pages = {a: e["sha256"] for a, e in manifest.artifacts.items() if is_site_artifact(a)}
    if manifest.site == key and pages and all(_intact(out / a, h) for a, h in pages.items()):
        return False
    written = site_pages(out, manifest, data, root)
    for artifact in pages:
        if artifact not in written:
            (out / artifact).unlink(missing_ok=True)
            del manifest.artifacts[artifact]
    for artifact, content in sorted(written.items()):
        sha256 = hashlib.sha256(content).hexdigest()
        # a page that is already there with these bytes is left alone: after an edit, most
        # of a large review's pages are the same, and each write is a synced file
        if pages.get(artifact) != sha256 or not _intact(out / artifact, sha256):
            _atomic.write_bytes(out / artifact, content)
        manifest.artifacts[artifact] = Artifact(sha256=sha256, notebook="", parameters={})
    manifest.site = key
    manifest.save(out / MANIFEST_NAME)
    return True


def _intact(path: Path, sha256: str) -> bool:
    try:
        return hashlib.sha256(path.read_bytes()).hexdigest() == sha256
    except OSError:
        return False


# ------------------------------------------------------------------------------ the pages


def site_pages(out: Path, manifest: Manifest, data: Path, root: Path) -> dict[str, bytes]:
    """Every page of the site (path under ``out`` -> bytes), from the build in ``out``."""
    from .export import font_face_css
    from .loading import load_corpus
    from .validation import CorpusError

    try:
        corpus: Any = load_corpus(data)
    except CorpusError:  # the build reports what is wrong; the site makes do without titles
        corpus = None
    review_title = _review_title(corpus)
    files: dict[str, dict[str, list[str]]] = defaultdict(lambda: defaultdict(list))
    for artifact in sorted(manifest.artifacts):
        if is_site_artifact(artifact) or "/" not in artifact:
            continue
        run, _, rel = artifact.partition("/")
        stem, _, suffix = rel.rpartition(".")
        files[run][stem].append(suffix)
    runs = sorted(files, key=lambda run: _reading_order(run, manifest, corpus))
    titles = {run: _run_title(run, manifest, corpus, root) for run in runs}
    pages: dict[str, bytes] = {}
    for run in runs:
        body = _run_body(run, files[run], manifest, out, root)
        page = _page(
            titles[run],
            body,
            home=f"../{INDEX_NAME}",
            home_text=review_title,
            style="style.css",
        )
        pages[f"{SITE_DIR}/{run}.html"] = page.encode("utf-8")
        for stem, suffixes in files[run].items():
            if "html" in suffixes and "svg" in suffixes:
                pages[f"{SITE_DIR}/{run}/{stem}.html"] = _chart_page(
                    run, stem, titles[run], out
                ).encode("utf-8")
    index = _page(
        review_title,
        _index_body(runs, titles, manifest, corpus, root),
        home="",
        home_text="",
        style=STYLE_NAME,
    )
    pages[INDEX_NAME] = index.encode("utf-8")
    pages[STYLE_NAME] = (font_face_css() + "\n" + _CSS.lstrip()).encode("utf-8")
    return pages


def _review_title(corpus: Any) -> str:
    if (
        corpus is not None
        and len(corpus.review)
        and isinstance(corpus.review["title"].iloc[0], str)
    ):
        return str(corpus.review["title"].iloc[0])
    return "Figures and tables of the review"


def _parameters(run: str, manifest: Manifest) -> Mapping[str, Any]:
    record = manifest.runs.get(run)
    return record.get("parameters", {}) if record else {}


def _reading_order(run: str, manifest: Manifest, corpus: Any) -> tuple[str, int, str]:
    """Runs in the order of their notebooks (numbered to be read in order), each study and
    construct in the corpus's order."""
    record = manifest.runs.get(run)
    notebook = record["notebook"] if record else "~"
    parameters = _parameters(run, manifest)
    position = 0
    if corpus is None:
        pass
    elif "study" in parameters and parameters["study"] in corpus.study_ids:
        position = corpus.study_ids.index(parameters["study"])
    elif "construct" in parameters and parameters["construct"] in corpus.construct_ids:
        position = corpus.construct_ids.index(parameters["construct"])
    return notebook, position, run


def _citation(corpus: Any, study: str) -> str:
    row = corpus.studies.set_index("study_id").loc[study]
    authors = str(row["authors"]).split("; ")
    first = authors[0].split(",")[0]
    who = first if len(authors) == 1 else f"{first} & {authors[1].split(',')[0]}"
    if len(authors) > 2:
        who = f"{first} et al."
    return f"{who} ({row['year']}): {row['title']}"


def _notebook_text(root: Path, notebook: str) -> str:
    """A notebook's file as text (``""`` when it cannot be read)."""
    from .build.notebooks import notebook_path

    try:
        return notebook_path(root, notebook).read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError):
        return ""


def _notebook_heading(root: Path, notebook: str) -> str | None:
    """The first heading of a notebook's first markdown cell."""
    from .build.notebooks import notebook_path

    try:
        doc = json.loads(notebook_path(root, notebook).read_bytes())
    except (OSError, ValueError):
        return None
    for cell in doc.get("cells", []):
        if cell.get("cell_type") == "markdown":
            source = "".join(cell.get("source", []))
            match = re.search(r"^#+\s+(.+)$", source, re.M)
            return match.group(1).strip() if match else None
    return None


def _run_title(run: str, manifest: Manifest, corpus: Any, root: Path) -> str:
    parameters = _parameters(run, manifest)
    if corpus is not None and parameters.get("study") in corpus.study_ids:
        return _citation(corpus, str(parameters["study"]))
    if corpus is not None and parameters.get("construct") in corpus.construct_ids:
        labels = corpus.constructs.set_index("construct_id")["label"]
        return f"Evidence: {labels[parameters['construct']]}"
    record = manifest.runs.get(run)
    heading = _notebook_heading(root, record["notebook"]) if record else None
    return heading or run


def _index_body(
    runs: list[str], titles: Mapping[str, str], manifest: Manifest, corpus: Any, root: Path
) -> str:
    parts = []
    review = corpus.review.iloc[0] if corpus is not None and len(corpus.review) else None
    for field in ("aims", "question"):
        if review is not None and isinstance(review.get(field), str):
            parts.append(
                f"<p><strong>{field.capitalize()}.</strong> {html.escape(review[field])}</p>"
            )
    parts.append(
        "<p>Every figure and table of the review, built by <code>peerlib build</code> from the"
        " notebooks; everything works offline. Each page shows the figures with their"
        " interactive versions, the tables, the executed notebook and where each file comes"
        " from.</p>"
    )
    # the review: its studies and what of each paper was coded
    if corpus is not None:
        studies = corpus.studies[["study_id", "authors", "year", "title", "venue", "coverage"]]
        parts.append("<h2>The studies</h2>")
        parts.append(_table_html(studies.astype("string").fillna("")))
    # the runs, grouped by notebook, in reading order
    parts.append('<h2>Contents</h2>\n<ol class="contents">')
    groups: dict[str, list[str]] = defaultdict(list)
    for run in runs:
        record = manifest.runs.get(run)
        groups[record["notebook"] if record else ""].append(run)
    for notebook, members in groups.items():
        heading = _notebook_heading(root, notebook) if notebook else None
        links = "".join(
            f'<li><a href="{SITE_DIR}/{html.escape(r)}.html">{html.escape(titles[r])}</a></li>'
            for r in members
        )
        if len(members) == 1:
            parts.append(links)
        else:
            parts.append(
                f'<li>{html.escape(heading or notebook)}<ul class="runs">{links}</ul></li>'
            )
    parts.append("</ol>")
    return "\n".join(parts)


def _run_body(
    run: str, stems: Mapping[str, list[str]], manifest: Manifest, out: Path, root: Path
) -> str:
    parts = []
    record = manifest.runs.get(run)
    source = _notebook_text(root, record["notebook"]) if record else ""
    if NOTEBOOK_PAGE.removesuffix(".html") in stems and "html" in stems["notebook"]:
        parts.append(
            f'<p>The story behind these figures: <a href="../{html.escape(run)}/{NOTEBOOK_PAGE}">'
            "the executed notebook</a>.</p>"
        )

    # in the order the notebook saves them (its code names each file's stem), then by name
    def told(stem: str) -> tuple[int, str]:
        where = source.find(json.dumps(json.dumps(stem))[1:-1])
        return (where if where >= 0 else len(source), stem)

    figures = sorted((s for s in stems if "svg" in stems[s]), key=told)
    tables = sorted((s for s in stems if "csv" in stems[s]), key=told)
    others = [s for s in stems if s not in figures and s not in tables and s != "notebook"]
    for stem in figures:
        parts.append(_figure_html(run, stem, stems[stem], manifest, out))
    for stem in tables:
        parts.append(_table_section(run, stem, stems[stem], manifest, out))
    if others:
        links = " ".join(
            f'<a href="../{html.escape(f"{run}/{stem}.{s}")}">{html.escape(f"{stem}.{s}")}</a>'
            for stem in others
            for s in stems[stem]
        )
        parts.append(f'<h2>Other files</h2>\n<p class="files">{links}</p>')
    if record is not None:
        parts.append(_run_provenance(record))
    return "\n".join(parts)


def _svg_title(path: Path) -> tuple[str, str]:
    """A Vega chart's title and subtitle, read from its SVG."""
    try:
        tree = ET.parse(path)
    except (OSError, ET.ParseError):
        return "", ""
    found: dict[str, list[str]] = {"title": [], "subtitle": []}
    for group in tree.iter(f"{_SVG_NS}g"):
        cls = group.get("class", "")
        for part, mark in (("title", "role-title-text"), ("subtitle", "role-title-subtitle")):
            if mark in cls.split():
                found[part] += [
                    " ".join(piece.strip() for piece in t.itertext() if piece.strip())
                    for t in group.iter(f"{_SVG_NS}text")
                ]
    return " ".join(found["title"]).strip(), " ".join(found["subtitle"]).strip()


def _links(run: str, stem: str, suffixes: list[str], order: tuple[str, ...]) -> str:
    shown = [s for s in order if s in suffixes] + sorted(s for s in suffixes if s not in order)
    links = []
    for suffix in shown:
        if suffix == "html" and "svg" in suffixes:  # the framed interactive page
            href, name = f"{run}/{stem}.html", "interactive (tooltips)"
        else:
            href, name = f"../{run}/{stem}.{suffix}", suffix.upper()
        links.append(f'<a href="{html.escape(href)}">{html.escape(name)}</a>')
    return " ".join(links)


def _figure_html(run: str, stem: str, suffixes: list[str], manifest: Manifest, out: Path) -> str:
    title, subtitle = _svg_title(out / run / f"{stem}.svg")
    heading = title or stem.replace("-", " ").capitalize()
    # the PNG where there is one: it is drawn with the house font, which an SVG shown as an
    # image cannot load (the reader's fonts would stand in, wider, and clip the legends)
    shown = "png" if "png" in suffixes else "svg"
    image = html.escape(f"../{run}/{stem}.{shown}")
    caption = f"<p>{html.escape(subtitle)}</p>" if subtitle else ""
    return (
        f"<h2>{html.escape(heading)}</h2>\n<figure>\n"
        f'<img src="{image}" alt="{html.escape(heading)}" loading="lazy">\n'
        f'<figcaption>{caption}<p class="formats">'
        f"{_links(run, stem, suffixes, _FIGURE_FORMATS)}</p>"
        f"{_provenance(run, stem, suffixes, manifest)}</figcaption>\n</figure>"
    )


def _chart_page(run: str, stem: str, run_title: str, out: Path) -> str:
    """The interactive chart (the figure's own offline HTML page) framed as a page of the site:
    its title, a way back to the run's page."""
    title, subtitle = _svg_title(out / run / f"{stem}.svg")
    body = (
        (f"<p>{html.escape(subtitle)}</p>\n" if subtitle else "")
        + "<p>Hover over the marks for details.</p>\n"
        f'<iframe class="chart" src="../../{html.escape(f"{run}/{stem}.html")}" '
        f'title="{html.escape(title or stem)}"></iframe>'
    )
    return _page(
        title or stem,
        body,
        home=f"../{run}.html",
        home_text=run_title,
        style="../style.css",
    )


def _docx_title(path: Path) -> str:
    """The caption of a peerlib Word table: its document title."""
    try:
        with zipfile.ZipFile(path) as archive:
            core = ET.fromstring(archive.read("docProps/core.xml"))
    except (OSError, KeyError, zipfile.BadZipFile, ET.ParseError):
        return ""
    title = core.find("{http://purl.org/dc/elements/1.1/}title")
    return (title.text or "").strip() if title is not None else ""


def _table_section(run: str, stem: str, suffixes: list[str], manifest: Manifest, out: Path) -> str:
    import pandas as pd

    from .table_export import PRINTED_ROWS

    caption = _docx_title(out / run / f"{stem}.docx") if "docx" in suffixes else ""
    heading = caption or stem.replace("-", " ").capitalize()
    # a page shows what the printed copies show: the first PRINTED_ROWS rows (a review of
    # 1,000 studies has millions of rows of pairs: a page of them would not open)
    table = pd.read_csv(
        out / run / f"{stem}.csv",
        dtype="string",
        keep_default_na=False,
        nrows=PRINTED_ROWS + 1,
    )
    note = ""
    if len(table) > PRINTED_ROWS:
        table = table.head(PRINTED_ROWS)
        note = f"<p>The first {PRINTED_ROWS:,} rows; the CSV has every row.</p>\n"
    return (
        f"<h2>{html.escape(heading)}</h2>\n{_table_html(table)}\n{note}"
        f'<p class="formats">{_links(run, stem, suffixes, _TABLE_FORMATS)}</p>\n'
        f"{_provenance(run, stem, suffixes, manifest)}"
    )


#: The longest cell text a page shows; longer text is cut and says where the whole of it is.
#: (A CERQual summary of 1,000 studies has cells of half a million characters.)
CELL_CHARS = 10_000


def _cut(text: str) -> str:
    if len(text) <= CELL_CHARS:
        return text
    return (
        f"{text[:CELL_CHARS]}… (cut at {CELL_CHARS:,} of {len(text):,} characters; the CSV has all)"
    )


def _table_html(table: Any) -> str:
    """A table of text as escaped HTML; columns of decimal numbers shown at 3 decimals, as in
    the Markdown and LaTeX tables; a cell's text cut at :data:`CELL_CHARS` characters."""
    import pandas as pd

    shown = table.copy()
    for column in shown.columns:
        shown[column] = [_cut(v) if isinstance(v, str) else v for v in shown[column]]
        values = shown[column]
        filled = values[values != ""]
        numbers = pd.to_numeric(filled, errors="coerce")
        if len(filled) and numbers.notna().all() and filled.str.contains(".", regex=False).any():
            shown[column] = [f"{float(v):.3f}" if v != "" else "" for v in values]
    return str(shown.to_html(index=False, escape=True, border=0, na_rep="", classes="data"))


def _provenance(run: str, stem: str, suffixes: list[str], manifest: Manifest) -> str:
    rows = []
    for suffix in suffixes:
        entry = manifest.artifacts.get(f"{run}/{stem}.{suffix}")
        if entry is not None:
            rows.append(
                f"<li><code>{html.escape(f'{stem}.{suffix}')}</code> sha256 "
                f"<code>{html.escape(entry['sha256'])}</code></li>"
            )
    first = manifest.artifacts.get(f"{run}/{stem}.{suffixes[0]}")
    made = ""
    if first is not None:
        parameters = ", ".join(f"{k}={v}" for k, v in sorted(first["parameters"].items()))
        made = (
            f"<p>Made by <code>{html.escape(first['notebook'])}</code>"
            f"{' with ' + html.escape(parameters) if parameters else ''}"
            " (the run's inputs are listed at the end of the page).</p>"
        )
    return f"<details><summary>Provenance</summary>{made}<ul>{''.join(rows)}</ul></details>"


def _run_provenance(record: Mapping[str, Any]) -> str:
    inputs = "".join(
        f"<li><code>{html.escape(name)}</code> sha256 <code>{html.escape(sha)}</code></li>"
        for name, sha in sorted(record.get("inputs", {}).items())
    )
    parameters = ", ".join(f"{k}={v}" for k, v in sorted(record.get("parameters", {}).items()))
    return (
        "<h2>Provenance</h2>\n"
        f"<p>Notebook <code>{html.escape(record.get('notebook', ''))}</code> (sha256 "
        f"<code>{html.escape(record.get('notebook_sha256', ''))}</code>)"
        f"{', parameters ' + html.escape(parameters) if parameters else ''}; peerlib's files "
        f"<code>{html.escape(record.get('sources', ''))}</code>; package versions "
        f"<code>{html.escape(record.get('environment', ''))}</code>; run key "
        f"<code>{html.escape(record.get('key', ''))}</code>.</p>\n"
        f"<p>Corpus files read:</p>\n<ul>{inputs}</ul>"
    )


# ----------------------------------------------------------------- the executed notebooks


def notebook_page(doc: dict[str, Any], title: str, *, home: str, home_text: str) -> str:
    """An executed notebook as a page of the site: nbconvert's basic HTML (no scripts, no
    network) in the site's frame, each SVG chart as an image (their element ids would clash
    on one page)."""
    import nbformat

    notebook = nbformat.reads(json.dumps(doc), as_version=4)  # type: ignore[no-untyped-call]
    for cell in notebook.cells:
        for output in cell.get("outputs", []):
            data = output.get("data", {})
            svg = data.pop("image/svg+xml", None)
            if svg is not None:
                data["text/html"] = f'<img src="{_data_uri(str(svg).encode())}" alt="chart">'
                data.pop("text/plain", None)
    body, _ = _notebook_exporter().from_notebook_node(notebook)
    return _page(
        title,
        f'<div class="notebook">\n{body}\n</div>',
        home=home,
        home_text=home_text,
        style=f"../{STYLE_NAME}",
    )


@functools.cache
def _notebook_exporter() -> Any:
    """nbconvert's basic HTML exporter, made once per process: it compiles its templates when
    made, which a build worker would otherwise do for every run."""
    from nbconvert import HTMLExporter

    return HTMLExporter(template_name="basic")  # type: ignore[no-untyped-call]


def _data_uri(svg: bytes) -> str:
    import base64

    return "data:image/svg+xml;base64," + base64.b64encode(svg).decode("ascii")
