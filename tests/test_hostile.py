"""Hostile text in a valid corpus stays text in every output, each checked in its own terms.

The mini corpus is rewritten so that every label, definition, excerpt, name, summary,
rationale and citation field holds a hostile string: script tags, event handlers, template
syntax, LaTeX specials, Markdown and CSV breakers. It still validates (hostile text is text).
Then every chart is written as SVG and HTML, every table as CSV, Markdown and LaTeX, the graphs
as GraphML and GEXF, and the index page, and each file is checked as its own format would read
it: HTML by an HTML parser, XML by an XML parser, CSV by a CSV reader, and so on.
"""

from __future__ import annotations

import csv
import itertools
import json
import re
import shutil
import xml.etree.ElementTree as ET
from collections.abc import Callable, Iterator
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

import pandas as pd
import pytest
import yaml

import peerlib
from peerlib.export import chart_spec, save_chart
from peerlib.loading import Corpus
from peerlib.table_export import CSV_FORMULA_STARTS, save_table

from .conftest import MINI

HOSTILE = [
    "</script><script>document.title='X'</script>",
    "<img src=x onerror=alert(1)>",
    '"><svg onload=alert(1)>',
    "<!--<script>alert(1)</script>-->",
    "{{constructor.constructor('alert(1)')()}} ${alert(1)} {% raw %}",
    r"\input{/etc/passwd} $x^2$ 50% #1 a_b ~ ^ & {}",
    "[0pt] a bracket first",
    "*a star first",
    "| a | **bold** [link](javascript:alert(1)) `code` <b>",
    '=HYPERLINK("http://example.invalid","click")',
    "+1+1 plus first",
    "-2+3 minus first",
    "@SUM(A1:A9) at first",
    "\t=1 tab first",
    "right-to-left: \u05e9\u05dc\u05d5\u05dd \u0633\u0644\u0627\u0645 (no override)",
    "' \" ` &amp; &lt; &#60;",
]
#: Fields that hold the corpus's own text (ids, vocabularies and numbers stay valid).
STUDY_TEXT = {
    ("citation", "title"),
    ("citation", "venue"),
    ("context", "country"),
    ("context", "setting"),
    ("context", "design"),
    ("themes", "name"),
    ("themes", "summary"),
    ("concepts", "label"),
    ("concepts", "definition"),
    ("relations", "note"),
    ("evidence", "text"),
    ("evidence", "speaker"),
    ("evidence", "section"),
    ("sample", "group"),
}
SYNTHESIS_TEXT = {"label", "description", "interpretation", "finding", "rationale"}


def _poisoned(data: Any, hostile: Iterator[str], fields: Callable[[str, str], bool]) -> Any:
    """``data`` with every text field that ``fields(parent, key)`` names replaced."""

    def walk(value: Any, parent: str) -> Any:
        if isinstance(value, dict):
            return {
                k: f"{next(hostile)} ({k})"
                if fields(parent, k) and isinstance(v, str)
                else walk(v, k)
                for k, v in value.items()
            }
        if isinstance(value, list):
            return [walk(v, parent) for v in value]
        return value

    return walk(data, "")


def write_hostile_corpus(root: Path) -> Path:
    shutil.copytree(MINI, root)
    hostile = itertools.cycle(HOSTILE)
    for path in sorted((root / "studies").glob("*.yaml")):
        study = yaml.safe_load(path.read_text(encoding="utf-8"))
        study = _poisoned(study, hostile, lambda parent, key: (parent, key) in STUDY_TEXT)
        study["citation"]["authors"] = [f"{next(hostile)}, A."]
        path.write_text(yaml.safe_dump(study), encoding="utf-8")
    path = root / "synthesis.yaml"
    synthesis = yaml.safe_load(path.read_text(encoding="utf-8"))
    synthesis = _poisoned(synthesis, hostile, lambda parent, key: key in SYNTHESIS_TEXT)
    path.write_text(yaml.safe_dump(synthesis), encoding="utf-8")
    return root


@pytest.fixture(scope="module")
def hostile(tmp_path_factory: pytest.TempPathFactory) -> Corpus:
    root = write_hostile_corpus(tmp_path_factory.mktemp("hostile") / "corpus")
    return peerlib.load_corpus(root)


CHARTS: dict[str, Callable[[Corpus], Any]] = {
    "study-alpha": lambda c: peerlib.study_network_chart(c, "alpha"),
    "synthesis": peerlib.synthesis_network_chart,
    "heatmap": peerlib.construct_heatmap,
    "similarity": peerlib.similarity_chart,
    "centrality": peerlib.centrality_chart,
    "evidence-density": peerlib.evidence_density_chart,
    "construct-evidence": lambda c: peerlib.construct_evidence_chart(c, "mutuality"),
}
TABLES: dict[str, Callable[[Corpus], pd.DataFrame]] = {
    "translation": peerlib.translation_table,
    "refutations": peerlib.refutations,
    "cerqual": lambda c: peerlib.cerqual_summary(c, all_constructs=True),
    "matrix": peerlib.construct_matrix,
    "excerpts": lambda c: peerlib.construct_evidence(c, "mutuality"),
    "theme-evidence": peerlib.theme_evidence,
    "measures": peerlib.study_measures,
    "bridges": lambda c: peerlib.theme_bridges(c, "alpha"),
    "studies": lambda c: c.studies,
    "concepts": lambda c: c.concepts,
    "evidence": lambda c: c.evidence,
    "constructs": lambda c: c.constructs,
    # text in the first column, where a LaTeX row may not start with [ or *
    "labels": lambda c: c.concepts[["label", "definition", "concept_id"]],
    "every-string-first": lambda c: pd.DataFrame({"text": HOSTILE, "n": range(len(HOSTILE))}),
}


@pytest.fixture(scope="module")
def out(hostile: Corpus, tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("outputs")
    for name, make in CHARTS.items():
        formats = ["svg", "html", "png", "pdf"] if name == "study-alpha" else ["svg", "html"]
        save_chart(make(hostile), folder / name, formats)
    for name, make in TABLES.items():
        save_table(make(hostile), folder / name, caption=HOSTILE[0])
    peerlib.write_graph(peerlib.study_graph(hostile, "alpha"), folder / "alpha.graphml")
    peerlib.write_graph(peerlib.study_graph(hostile, "alpha"), folder / "alpha.gexf")
    peerlib.write_graph(peerlib.synthesis_graph(hostile), folder / "synthesis.graphml")
    peerlib.write_graph(peerlib.synthesis_graph(hostile), folder / "synthesis.gexf")
    return folder


def test_hostile_text_is_valid_text(hostile: Corpus) -> None:
    texts = {str(v) for table in hostile.tables().values() for v in table.to_numpy().ravel()}
    for text in HOSTILE:  # each one reached the tables, as it was written
        assert any(t.startswith(text) for t in texts), text
    assert any(str(label).startswith("<") for label in hostile.concepts["label"])


# ------------------------------------------------------------------------------------ HTML


class _Page(HTMLParser):
    """What a browser's tokenizer makes of a page: its tags, attributes and script texts."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.tags: list[str] = []
        self.attributes: list[str] = []
        self.scripts: list[str] = []
        self._script: list[str] | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append(tag)
        self.attributes += [name for name, _ in attrs]
        if tag == "script":
            self._script = []

    def handle_endtag(self, tag: str) -> None:
        if tag == "script" and self._script is not None:
            self.scripts.append("".join(self._script))
            self._script = None

    def handle_data(self, data: str) -> None:
        if self._script is not None:
            self._script.append(data)


def parse_page(path: Path) -> _Page:
    page = _Page()
    page.feed(path.read_text(encoding="utf-8"))
    page.close()
    return page


def _strings(value: Any) -> Iterator[str]:
    if isinstance(value, str):
        yield value
    elif isinstance(value, dict):
        for item in value.values():
            yield from _strings(item)
    elif isinstance(value, list):
        for item in value:
            yield from _strings(item)


@pytest.mark.parametrize("name", sorted(CHARTS))
def test_chart_page_runs_no_script_from_data(name: str, hostile: Corpus, out: Path) -> None:
    page = parse_page(out / f"{name}.html")
    # exactly vl-convert's two scripts (the Vega bundle, then the chart), no element from data;
    # the first style is peerlib's (the house font)
    assert page.tags == [
        "html",
        "head",
        "style",
        "style",
        "meta",
        "title",
        "script",
        "body",
        "div",
        "script",
    ]
    assert not [a for a in page.attributes if a.startswith("on")]
    assert len(page.scripts) == 2
    code = page.scripts[1]
    start = code.index("const spec = ") + len("const spec = ")
    spec, end = json.JSONDecoder().raw_decode(code, start)
    assert "<" not in code[start:end]  # nothing for the tokenizer to see, in any browser
    assert spec == chart_spec(CHARTS[name](hostile))  # ... and nothing of the data lost
    if name != "similarity":  # the similarity chart shows study ids only
        assert any(h in text for text in _strings(spec) for h in HOSTILE)


def test_site_pages_escape_names_parameters_and_text(out: Path, tmp_path: Path) -> None:
    # a run whose name, notebook, parameters and inputs are hostile, over the hostile corpus
    from peerlib.build.manifest import Manifest
    from peerlib.site import site_pages

    run = HOSTILE[1]
    shutil.copytree(out, tmp_path / run)
    files = sorted(p.relative_to(out).as_posix() for p in out.iterdir())
    parameters = {"study": HOSTILE[0], "note": HOSTILE[2]}
    manifest = Manifest(
        artifacts={
            f"{run}/{name}": {
                "sha256": HOSTILE[4],
                "notebook": HOSTILE[3],
                "parameters": parameters,
            }
            for name in files
        },
        runs={
            run: {
                "key": HOSTILE[0],
                "notebook": HOSTILE[3],
                "notebook_sha256": HOSTILE[2],
                "parameters": parameters,
                "inputs": {HOSTILE[0]: HOSTILE[1]},
                "sources": HOSTILE[2],
                "environment": HOSTILE[4],
            }
        },
    )
    corpus = write_hostile_corpus(tmp_path / "corpus")
    pages = site_pages(tmp_path, manifest, corpus, tmp_path)
    assert f"site/{run}.html" in pages
    for name, content in pages.items():
        if not name.endswith(".html"):
            continue
        path = tmp_path / "pages" / name.replace("/", "_")
        path.parent.mkdir(exist_ok=True)
        path.write_bytes(content)
        page = parse_page(path)
        assert "script" not in page.tags, name
        assert "svg" not in page.tags, name
        assert "img" not in page.tags or name.endswith(f"{run}.html"), name  # figures only
        assert not [a for a in page.attributes if a.startswith("on")], name


# ------------------------------------------------------------------------------------- XML


def _elements(path: Path) -> list[ET.Element]:
    return list(ET.parse(path).getroot().iter())  # raises on a file that is not well-formed


@pytest.mark.parametrize("name", sorted(CHARTS))
def test_chart_svg_is_well_formed_and_inert(name: str, out: Path) -> None:
    elements = _elements(out / f"{name}.svg")
    tags = {e.tag.rpartition("}")[2] for e in elements}
    assert not tags & {"script", "foreignObject", "iframe", "img"}
    assert not [a for e in elements for a in e.attrib if a.startswith("on")]


def test_study_svg_shows_the_hostile_label_as_text(out: Path) -> None:
    texts = [e.text or "" for e in _elements(out / "study-alpha.svg")]
    assert any("<img src=x" in t or "</script>" in t for t in texts)


def test_png_and_pdf_render(out: Path) -> None:
    assert (out / "study-alpha.png").read_bytes().startswith(b"\x89PNG\r\n\x1a\n")
    assert (out / "study-alpha.pdf").read_bytes().startswith(b"%PDF-")


@pytest.mark.parametrize(
    "name", ["alpha.graphml", "alpha.gexf", "synthesis.graphml", "synthesis.gexf"]
)
def test_graph_files_are_well_formed_and_keep_the_text(
    name: str, hostile: Corpus, out: Path
) -> None:
    values = {e.text for e in _elements(out / name)} | {
        v for e in _elements(out / name) for v in e.attrib.values()
    }
    texts = hostile.concepts["label"] if name.startswith("alpha") else hostile.constructs["label"]
    wanted = {str(t) for t in texts}
    if name.startswith("alpha"):
        wanted = {str(t) for t in hostile.concepts.query("study_id == 'alpha'")["label"]}
    assert wanted <= values


# ------------------------------------------------------------------------------------ tables


@pytest.mark.parametrize("name", sorted(TABLES))
def test_csv_has_no_formula_cell_and_keeps_its_shape(name: str, hostile: Corpus, out: Path) -> None:
    table = TABLES[name](hostile)
    with (out / f"{name}.csv").open(encoding="utf-8", newline="") as file:
        rows = list(csv.reader(file))
    assert len(rows) == len(table) + 1
    assert all(len(row) == table.shape[1] for row in rows)
    text_columns = [
        i for i, dtype in enumerate(table.dtypes) if not pd.api.types.is_numeric_dtype(dtype)
    ]
    for row in rows:
        for i in text_columns:
            assert not row[i].startswith(CSV_FORMULA_STARTS), row[i]


def test_csv_quote_prefix_keeps_the_text(out: Path) -> None:
    with (out / "concepts.csv").open(encoding="utf-8", newline="") as file:
        cells = {cell for row in csv.reader(file) for cell in row}
    assert f"'{HOSTILE[9]} (label)" in cells or f"'{HOSTILE[9]} (definition)" in cells


_MD_PIPE = re.compile(r"(?<!\\)\|")


@pytest.mark.parametrize("name", sorted(TABLES))
def test_markdown_has_no_html_and_keeps_its_columns(name: str, hostile: Corpus, out: Path) -> None:
    text = (out / f"{name}.md").read_text(encoding="utf-8")
    assert "<" not in text
    assert ">" not in text
    assert not re.search(r"&(?!amp;|lt;|gt;)[A-Za-z#][A-Za-z0-9]*;", text)
    lines = text.splitlines()
    assert len(lines) == len(TABLES[name](hostile)) + 2
    assert {len(_MD_PIPE.findall(line)) for line in lines} == {TABLES[name](hostile).shape[1] + 1}


_LATEX_ESCAPE = re.compile(r"\\(?:[&%$#_{}]|text[a-z]+\{\}|allowbreak\{\})")


@pytest.mark.parametrize("name", sorted(TABLES))
def test_latex_is_escaped_and_keeps_its_columns(name: str, hostile: Corpus, out: Path) -> None:
    text = (out / f"{name}.tex").read_text(encoding="utf-8")
    # the rows of the longtable's body; a table too wide for any page goes record by record,
    # a (column, value) row for each cell
    body = text[
        text.index("\\endlastfoot\n") + len("\\endlastfoot\n") : text.index("\\end{longtable}")
    ]
    rows = [row for row in body.split(" \\\\\n") if row.strip()]
    stacked = "\ncolumn & value \\\\\n" in text
    columns = 2 if stacked else TABLES[name](hostile).shape[1]
    for row in rows:
        row = row.removeprefix("\\midrule\n")
        assert not row.lstrip().startswith(("[", "*")), row
        plain = _LATEX_ESCAPE.sub("", row).replace("{}", "")
        assert plain.count("&") == columns - 1, row
        assert not set(plain) & set("\\{}%$#_^~<>|"), row
    caption = text[text.index("\\caption{") : text.index("\n", text.index("\\caption{"))]
    assert caption.startswith("\\caption{\\textless{}/script\\textgreater{}")
