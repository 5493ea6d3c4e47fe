"""peerlib: concept graphs, cross-study comparison and reproducible figures for qualitative
evidence synthesis.

>>> import peerlib
>>> corpus = peerlib.load_corpus()
>>> corpus.study_ids
['austin2014', 'gillard2013', 'kirkegaard2022', 'knopes2023', 'moran2025']
>>> graph = peerlib.study_graph(corpus, "kirkegaard2022")
>>> graph.number_of_nodes() == len(corpus.concepts.query("study_id == 'kirkegaard2022'"))
True
>>> type(peerlib.study_network_chart(corpus, "kirkegaard2022")).__name__
'LayerChart'
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:  # pragma: no cover - for type checkers and editors only
    from .argument_chart import line_of_argument_chart, line_of_argument_points
    from .chart_data import (
        centrality_distribution,
        centrality_frames,
        construct_evidence_frame,
        construct_heatmap_frame,
        evidence_density_frame,
        evidence_distribution,
        similarity_frame,
        similarity_neighbours,
        similarity_order,
        study_evidence_frame,
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
        line_of_argument,
        refutations,
        study_similarity,
        theme_evidence,
        translation_pairs,
        translation_table,
        unmapped_concepts,
    )
    from .corpus_files import corpus_root
    from .exchange import write_graph
    from .export import save_chart
    from .graphs import study_graph, study_graphs, synthesis_graph
    from .loading import Corpus, UnknownIdError, load_corpus, validate
    from .measures import graph_measures, study_measures, synthesis_measures, theme_bridges
    from .notebook import Outputs, pick_construct, pick_study, setup_notebook
    from .overview import corpus_summary
    from .refi_export import write_qdc, write_qdpx
    from .refi_import import ImportReport, RefiImportError, import_refi
    from .reporting import emerge_checklist
    from .seminar import check_answer, seminar_construct
    from .table_export import save_table, to_docx, to_latex, to_markdown
    from .theme import register_theme
    from .validation import CorpusError, Problem

__version__ = "0.2.0"

# The public API, one name a line: the module each comes from. ``__all__`` is derived from it,
# and a test checks that the imports above (for type checkers) name exactly these.
# Exports load on first use, so `import peerlib` (and the CLI's fast paths, such as a no-op
# build) does not pay for pandas, altair and networkx until they are needed.
_EXPORTS: dict[str, str] = {
    "centrality_distribution": "chart_data",
    "centrality_frames": "chart_data",
    "construct_evidence_frame": "chart_data",
    "construct_heatmap_frame": "chart_data",
    "evidence_density_frame": "chart_data",
    "evidence_distribution": "chart_data",
    "similarity_frame": "chart_data",
    "similarity_neighbours": "chart_data",
    "similarity_order": "chart_data",
    "study_evidence_frame": "chart_data",
    "study_network_frames": "chart_data",
    "synthesis_network_frames": "chart_data",
    "Corpus": "loading",
    "CorpusError": "validation",
    "Outputs": "notebook",
    "check_answer": "seminar",
    "seminar_construct": "seminar",
    "construct_evidence": "comparison",
    "setup_notebook": "notebook",
    "Problem": "validation",
    "UnknownIdError": "loading",
    "centrality_chart": "charts",
    "cerqual_summary": "comparison",
    "concept_overlap": "comparison",
    "construct_evidence_chart": "charts",
    "construct_heatmap": "charts",
    "construct_matrix": "comparison",
    "corpus_root": "corpus_files",
    "corpus_summary": "overview",
    "emerge_checklist": "reporting",
    "line_of_argument": "comparison",
    "line_of_argument_chart": "argument_chart",
    "line_of_argument_points": "argument_chart",
    "translation_pairs": "comparison",
    "unmapped_concepts": "comparison",
    "evidence_density_chart": "charts",
    "graph_measures": "measures",
    "pick_construct": "notebook",
    "pick_study": "notebook",
    "load_corpus": "loading",
    "refutations": "comparison",
    "register_theme": "theme",
    "save_chart": "export",
    "save_table": "table_export",
    "similarity_chart": "charts",
    "source_caption": "charts",
    "study_graph": "graphs",
    "study_graphs": "graphs",
    "study_measures": "measures",
    "study_network_chart": "charts",
    "study_similarity": "comparison",
    "synthesis_graph": "graphs",
    "synthesis_measures": "measures",
    "synthesis_network_chart": "charts",
    "theme_bridges": "measures",
    "theme_evidence": "comparison",
    "to_docx": "table_export",
    "to_latex": "table_export",
    "to_markdown": "table_export",
    "translation_table": "comparison",
    "validate": "loading",
    "write_graph": "exchange",
    "write_qdc": "refi_export",
    "write_qdpx": "refi_export",
    "import_refi": "refi_import",
    "ImportReport": "refi_import",
    "RefiImportError": "refi_import",
}

__all__ = ["__version__", *sorted(_EXPORTS)]


def __getattr__(name: str) -> Any:
    module = _EXPORTS.get(name)
    if module is None:
        raise AttributeError(f"module 'peerlib' has no attribute {name!r}")
    value = getattr(importlib.import_module(f".{module}", __name__), name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted(set(globals()) | set(__all__))
