"""peerlib: concept graphs, cross-study comparison and reproducible figures for qualitative
evidence synthesis.

>>> import peerlib
>>> corpus = peerlib.load_corpus()
>>> graph = peerlib.study_graph(corpus, "kirkegaard2022")
"""

from .graphs import UnknownIdError, study_graph, synthesis_graph
from .loading import Corpus, corpus_root, load_corpus
from .validation import CorpusError, Problem, validate

__all__ = [
    "Corpus",
    "CorpusError",
    "Problem",
    "UnknownIdError",
    "corpus_root",
    "load_corpus",
    "study_graph",
    "synthesis_graph",
    "validate",
]
