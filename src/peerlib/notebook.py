"""What every peerlib notebook does first and last: set the house style, pick what to show,
save what it shows.

Notebooks stay thin: a ``parameters`` cell of plain values, then calls into peerlib. These
helpers are the calls that would otherwise be repeated in each of them. Their defaults work
for any review: a ``study`` or ``construct`` left at ``None`` is the review's first one.
"""

from __future__ import annotations

import os
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import Any, TypeVar

import altair as alt
import networkx as nx
import pandas as pd

from . import corpus_files
from ._hints import known_hint
from ._parameters import assigned_names
from .exchange import GRAPH_FORMATS, write_graph
from .export import FORMATS, _ensure_fonts, inline_chart_html, save_chart
from .loading import Corpus, UnknownIdError
from .table_export import TABLE_FORMATS, save_table
from .theme import register_theme

__all__ = [
    "Outputs",
    "check_injected_parameters",
    "pick_construct",
    "pick_study",
    "setup_notebook",
]

AnyChart = TypeVar("AnyChart", bound=alt.TopLevelMixin)
Review = Corpus | str | os.PathLike[str] | None
#: The first line of the cell papermill injects after a notebook's parameters cell.
_INJECTED_HEADER = "# Parameters"


#: Set (to anything) by ``peerlib build``: charts stay static SVG even in a notebook that asks
#: for interactive ones, so that the executed notebooks are byte-stable.
STATIC_CHARTS_ENV = "PEERLIB_STATIC_CHARTS"


def _inline_renderer(spec: dict[str, Any], **metadata: Any) -> dict[str, str]:
    return {"text/html": inline_chart_html(spec)}


alt.renderers.register("peerlib-inline", _inline_renderer)


def setup_notebook(*, interactive: bool = False) -> None:
    """Check the parameters papermill passed, enable the house theme and a chart renderer that
    needs no network.

    By default charts are shown as static SVG drawn by vl-convert: offline, and the same bytes
    on every run, so executed notebooks are reproducible. ``interactive=True`` shows them as
    HTML with the Vega libraries and the house font inlined, so hovering shows tooltips in
    JupyterLab, offline (Altair 6's own mimetype is not drawn by the pinned JupyterLab);
    ``peerlib build`` sets :data:`STATIC_CHARTS_ENV`, which keeps them static there.
    """
    check_injected_parameters()
    alt.theme.enable(register_theme())
    # Altair's 5,000-row guard stays on: peerlib's charts aggregate or page a large review
    if interactive and not os.environ.get(STATIC_CHARTS_ENV):
        alt.renderers.enable("peerlib-inline")
    else:
        _ensure_fonts()
        alt.renderers.enable("svg")


def check_injected_parameters(history: Sequence[str] | None = None) -> None:
    """Raise :class:`ValueError` when papermill passed a parameter (``-p name value``) that the
    notebook's ``parameters`` cell does not assign: a misspelt name would otherwise be ignored
    and the notebook would run with its default.

    ``history`` is the kernel's input history (IPython's ``In``), read from the running kernel
    when not given; outside papermill there is no injected cell and nothing to check.

    Examples
    --------
    >>> declared = 'data_dir = None\\nstudy = None\\n'
    >>> check_injected_parameters(["", declared, '# Parameters\\nstudy = "b"\\n'])
    >>> check_injected_parameters(["", declared, '# Parameters\\nstudd = "b"\\n'])
    Traceback (most recent call last):
    ...
    ValueError: unknown parameter 'studd' (known: data_dir, study; did you mean 'study'?)
    """
    if history is None:
        history = _kernel_history()
    cells = list(history)
    for index in range(len(cells) - 1, 1, -1):
        if cells[index].splitlines()[:1] == [_INJECTED_HEADER]:
            declared = assigned_names(cells[index - 1])
            unknown = [n for n in assigned_names(cells[index]) if n not in declared]
            if declared and unknown:
                name = unknown[0]
                more = f" (and {', '.join(map(repr, unknown[1:]))})" if unknown[1:] else ""
                raise ValueError(f"unknown parameter {name!r}{more} ({known_hint(name, declared)})")
            return


def _kernel_history() -> list[str]:
    try:
        from IPython import get_ipython
    except ImportError:  # pragma: no cover - IPython comes with Jupyter
        return []
    shell: Any = get_ipython()
    history = shell.user_ns.get("In") if shell is not None else None
    return [str(cell) for cell in history] if isinstance(history, list) else []


def pick_study(review: Review, study: str | None = None) -> str:
    """The study a notebook shows: ``study`` if the review has it, its first study if ``None``.

    ``review`` is a loaded :class:`~peerlib.loading.Corpus` or a corpus folder (``None``: the
    bundled review; only file names are read). An id the review does not have raises
    :class:`~peerlib.loading.UnknownIdError` naming the known ones and the closest.

    Examples
    --------
    >>> pick_study(None), pick_study(None, "moran2025")
    ('austin2014', 'moran2025')
    >>> pick_study(None, "moran2052")  # doctest: +ELLIPSIS
    Traceback (most recent call last):
    ...
    peerlib.loading.UnknownIdError: unknown study 'moran2052' (known: ...'moran2025'?)
    """
    if isinstance(review, Corpus):
        ids = review.study_ids
    else:
        ids = corpus_files.study_ids(corpus_files.corpus_root(review))
    return _pick("study", ids, study)


def pick_construct(review: Review, construct: str | None = None) -> str:
    """The construct a notebook shows: ``construct`` if the review has it, else (``None``) its
    first construct in synthesis file order; as :func:`pick_study` otherwise.

    Examples
    --------
    >>> pick_construct(None)
    'lived_experience_expertise'
    """
    if isinstance(review, Corpus):
        ids = review.construct_ids
    else:
        ids = corpus_files.construct_ids(corpus_files.corpus_root(review))
    return _pick("construct", ids, construct)


def _pick(what: str, ids: list[str], wanted: str | None) -> str:
    if wanted is None:
        if not ids:
            raise UnknownIdError(f"the review has no {what} to show")
        return ids[0]
    if wanted not in ids:
        raise UnknownIdError(f"unknown {what} {wanted!r} ({known_hint(wanted, ids)})")
    return wanted


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
    ...     sorted(p.name for p in saved.written) == sorted(p.name for p in Path(folder).iterdir())
    True
    >>> sorted(p.name for p in saved.written)
    ['demo.csv', 'demo.docx', 'demo.md', 'demo.tex']
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
        """Save ``table`` as ``out_dir/name.csv``, ``.md``, ``.tex`` and ``.docx``, with
        ``caption`` on the printed ones (default: ``name``)."""
        if self.out_dir is not None:
            self.written += save_table(
                table, self.out_dir / name, self.table_formats, caption=caption
            )
        return table
