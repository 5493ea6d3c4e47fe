"""peerlib: concept graphs, cross-study comparison and reproducible figures for qualitative
evidence synthesis.

>>> import peerlib
>>> corpus = peerlib.load_corpus()
>>> graph = peerlib.study_graph(corpus, "kirkegaard2022")
>>> chart = peerlib.study_network_chart(corpus, "kirkegaard2022")
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:  # pragma: no cover - for type checkers and editors only
    from .chart_data import (
        centrality_frames,
        construct_evidence_frame,
        construct_heatmap_frame,
        evidence_density_frame,
        similarity_frame,
        study_network_frames,
        synthesis_network_frames,
    )
    from .charts import (
        centrality_chart,
        construct_evidence_chart,
        construct_heatmap,
        evidence_density_chart,
        similarity_chart,
        source_caption,
        study_network_chart,
        synthesis_network_chart,
    )
    from .comparison import (
        cerqual_summary,
        concept_overlap,
        construct_evidence,
        construct_matrix,
        refutations,
        study_similarity,
        theme_evidence,
        translation_table,
    )
    from .exchange import write_graph
    from .export import save_chart
    from .graphs import UnknownIdError, study_graph, synthesis_graph
    from .loading import Corpus, corpus_root, load_corpus
    from .measures import graph_measures, study_measures, synthesis_measures, theme_bridges
    from .notebook import Outputs, setup_notebook
    from .overview import corpus_summary
    from .seminar import check_answer
    from .table_export import save_table, to_latex, to_markdown
    from .theme import register_theme
    from .validation import CorpusError, Problem, validate

# Exports load on first use, so `import peerlib` (and the CLI's fast paths, such as a no-op
# build) does not pay for pandas, altair and networkx until they are needed.
_EXPORTS: dict[str, str] = {
    "centrality_frames": "chart_data",
    "construct_evidence_frame": "chart_data",
    "construct_heatmap_frame": "chart_data",
    "evidence_density_frame": "chart_data",
    "similarity_frame": "chart_data",
    "study_network_frames": "chart_data",
    "synthesis_network_frames": "chart_data",
    "Corpus": "loading",
    "CorpusError": "validation",
    "Outputs": "notebook",
    "check_answer": "seminar",
    "construct_evidence": "comparison",
    "setup_notebook": "notebook",
    "Problem": "validation",
    "UnknownIdError": "graphs",
    "centrality_chart": "charts",
    "cerqual_summary": "comparison",
    "concept_overlap": "comparison",
    "construct_evidence_chart": "charts",
    "construct_heatmap": "charts",
    "construct_matrix": "comparison",
    "corpus_root": "loading",
    "corpus_summary": "overview",
    "evidence_density_chart": "charts",
    "graph_measures": "measures",
    "load_corpus": "loading",
    "refutations": "comparison",
    "register_theme": "theme",
    "save_chart": "export",
    "save_table": "table_export",
    "similarity_chart": "charts",
    "source_caption": "charts",
    "study_graph": "graphs",
    "study_measures": "measures",
    "study_network_chart": "charts",
    "study_similarity": "comparison",
    "synthesis_graph": "graphs",
    "synthesis_measures": "measures",
    "synthesis_network_chart": "charts",
    "theme_bridges": "measures",
    "theme_evidence": "comparison",
    "to_latex": "table_export",
    "to_markdown": "table_export",
    "translation_table": "comparison",
    "validate": "validation",
    "write_graph": "exchange",
}

__all__ = [
    "Corpus",
    "CorpusError",
    "Outputs",
    "Problem",
    "UnknownIdError",
    "centrality_chart",
    "centrality_frames",
    "cerqual_summary",
    "check_answer",
    "concept_overlap",
    "construct_evidence",
    "construct_evidence_chart",
    "construct_evidence_frame",
    "construct_heatmap",
    "construct_heatmap_frame",
    "construct_matrix",
    "corpus_root",
    "corpus_summary",
    "evidence_density_chart",
    "evidence_density_frame",
    "graph_measures",
    "load_corpus",
    "refutations",
    "register_theme",
    "save_chart",
    "save_table",
    "setup_notebook",
    "similarity_chart",
    "similarity_frame",
    "source_caption",
    "study_graph",
    "study_measures",
    "study_network_chart",
    "study_network_frames",
    "study_similarity",
    "synthesis_graph",
    "synthesis_measures",
    "synthesis_network_chart",
    "synthesis_network_frames",
    "theme_bridges",
    "theme_evidence",
    "to_latex",
    "to_markdown",
    "translation_table",
    "validate",
    "write_graph",
]


def __getattr__(name: str) -> Any:
    module = _EXPORTS.get(name)
    if module is None:
        raise AttributeError(f"module 'peerlib' has no attribute {name!r}")
    value = getattr(importlib.import_module(f".{module}", __name__), name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted(set(globals()) | set(__all__))
