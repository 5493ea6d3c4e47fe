"""What every peerlib notebook does first and last: set the house style, save what it shows.

Notebooks stay thin: a ``parameters`` cell of plain values, then calls into peerlib. These two
helpers are the calls that would otherwise be repeated in each of them.
"""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path
from typing import TypeVar

import altair as alt
import networkx as nx
import pandas as pd

from .exchange import GRAPH_FORMATS, write_graph
from .export import FORMATS, _ensure_fonts, save_chart
from .table_export import TABLE_FORMATS, save_table
from .theme import register_theme

__all__ = ["Outputs", "setup_notebook"]

AnyChart = TypeVar("AnyChart", bound=alt.TopLevelMixin)


def setup_notebook(*, interactive: bool = False) -> None:
    """Enable the house theme and a chart renderer that needs no network.

    By default charts are shown as static SVG drawn by vl-convert: offline, and the same bytes
    on every run, so executed notebooks are reproducible. ``interactive=True`` shows them as
    Vega-Lite JSON that JupyterLab draws with its own bundled Vega, with tooltips (offline
    too, but papermill cannot save that output: keep it for working by hand).
    """
    alt.theme.enable(register_theme())
    # peerlib's charts are pre-aggregated; the similarity matrix of a large review is n x n
    alt.data_transformers.disable_max_rows()
    if interactive:
        alt.renderers.enable("mimetype")
    else:
        _ensure_fonts()
        alt.renderers.enable("svg")


class Outputs:
    """Save a notebook's charts and tables into ``out_dir``; with ``out_dir=None``, only show them.

    Each method returns what it was given, so a notebook cell can end with it and display it.

    Examples
    --------
    >>> import pandas as pd, tempfile
    >>> shown = Outputs(None)
    >>> shown.table(pd.DataFrame({"a": [1]}), "demo")["a"].tolist()  # shown, not written
    [1]
    >>> shown.written
    []
    >>> with tempfile.TemporaryDirectory() as folder:
    ...     saved = Outputs(folder)
    ...     _ = saved.table(pd.DataFrame({"a": [1]}), "demo")
    ...     sorted(p.name for p in saved.written), sorted(p.name for p in Path(folder).iterdir())
    (['demo.csv', 'demo.md', 'demo.tex'], ['demo.csv', 'demo.md', 'demo.tex'])
    """

    def __init__(
        self,
        out_dir: str | Path | None,
        chart_formats: Iterable[str] = FORMATS,
        table_formats: Iterable[str] = TABLE_FORMATS,
    ) -> None:
        self.out_dir = None if out_dir in (None, "") else Path(str(out_dir))
        self.chart_formats = tuple(chart_formats)
        self.table_formats = tuple(table_formats)
        self.written: list[Path] = []

    def chart(self, chart: AnyChart, name: str, formats: Iterable[str] | None = None) -> AnyChart:
        """Save ``chart`` as ``out_dir/name.<fmt>`` (every chart format unless ``formats``)."""
        if self.out_dir is not None:
            fmts = self.chart_formats if formats is None else tuple(formats)
            self.written += save_chart(chart, self.out_dir / name, fmts)
        return chart

    def graph(self, graph: nx.MultiDiGraph, name: str, *, seed: int = 7) -> nx.MultiDiGraph:
        """Save a concept graph as ``out_dir/name.graphml``, ``.gexf`` and ``.cyjs`` (Gephi,
        Cytoscape), with the node positions of its figure drawn with layout ``seed``."""
        if self.out_dir is not None:
            for fmt in GRAPH_FORMATS:
                path = self.out_dir / f"{name}.{fmt}"
                self.written.append(write_graph(graph, path, seed=seed))
        return graph

    def table(self, table: pd.DataFrame, name: str, caption: str | None = None) -> pd.DataFrame:
        """Save ``table`` as ``out_dir/name.csv``, ``.md`` and ``.tex``."""
        if self.out_dir is not None:
            self.written += save_table(
                table, self.out_dir / name, self.table_formats, caption=caption
            )
        return table
