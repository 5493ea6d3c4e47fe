"""Seminar exercises whose answers peerlib checks against the corpus itself.

A student writes an answer into the seminar notebook's parameters cell; :func:`check_answer`
computes the right answer from the corpus (never from a stored key), so the exercises work on
any review, and says whether the student's answer matches.

>>> from peerlib import load_corpus
>>> corpus = load_corpus()
>>> construct = "calibrated_disclosure"
>>> check_answer("supporting_studies", None, corpus, construct=construct).correct is None
True
>>> check_answer("supporting_studies", 1, corpus, construct=construct).correct
False
>>> n = len(corpus.alignment.query("construct_id == @construct")["study_id"].unique())
>>> check_answer("supporting_studies", n, corpus, construct=construct).correct
True
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any

from .graphs import study_graph, synthesis_graph
from .loading import Corpus, UnknownIdError, check_study_id
from .measures import graph_measures

__all__ = ["EXERCISES", "Feedback", "check_answer", "seminar_construct"]


@dataclass(frozen=True)
class Feedback:
    """The verdict on one answer: ``correct`` is ``None`` while it is not answered yet."""

    exercise: str
    correct: bool | None
    message: str

    def __str__(self) -> str:
        mark = {True: "correct", False: "not yet", None: "not answered"}[self.correct]
        return f"[{mark}] {self.exercise}: {self.message}"

    def _repr_markdown_(self) -> str:
        return f"**{self.exercise}**: {self.message}"


def _most_central(corpus: Corpus, study: str) -> tuple[set[str], str]:
    check_study_id(corpus, study)
    measures = graph_measures(study_graph(corpus, study))
    top = measures["betweenness"].max()
    best = measures[measures["betweenness"] == top]
    names = {str(n).lower() for n in best["node"]} | {str(n).lower() for n in best["label"]}
    return names, " or ".join(f"'{label}'" for label in best["label"])


def _check_central(corpus: Corpus, answer: Any, study: str) -> tuple[bool, str]:
    names, shown = _most_central(corpus, study)
    if str(answer).strip().lower() in names:
        return True, f"yes: {shown} has the highest betweenness in {study}."
    return False, (
        f"'{answer}' is not it. Look at the betweenness column of the measures table for "
        f"{study}: which concept lies on most shortest paths between others?"
    )


def _check_refuting(corpus: Corpus, answer: Any, construct: str) -> tuple[bool, str]:
    graph = synthesis_graph(corpus)
    if construct not in graph:
        raise UnknownIdError(
            f"unknown construct {construct!r}; valid ids: {', '.join(corpus.construct_ids)}"
        )
    pairs = {frozenset(p) for p in graph.nodes[construct]["refutations"]}
    if not pairs:
        ok = str(answer).strip().lower() == "none"
        return ok, (
            "yes: no studies refute each other on it."
            if ok
            else "no refutation is recorded on this construct; the answer is 'none'."
        )
    given = frozenset(str(s).strip() for s in answer) if _is_pair(answer) else frozenset()
    if given in pairs:
        others = len(pairs) - 1
        more = f" ({others} other pair{'s' if others != 1 else ''} do too.)" if others else ""
        return True, f"yes: {' and '.join(sorted(given))} disagree on {construct}.{more}"
    return False, (
        "not this pair. Read the refutations table: which two studies cite excerpts that "
        "contradict each other on the construct? Answer with a list of two study ids."
    )


def _is_pair(answer: Any) -> bool:
    return isinstance(answer, Iterable) and not isinstance(answer, str) and len(list(answer)) == 2


def _check_support(corpus: Corpus, answer: Any, construct: str) -> tuple[bool, str]:
    graph = synthesis_graph(corpus)
    if construct not in graph:
        raise UnknownIdError(
            f"unknown construct {construct!r}; valid ids: {', '.join(corpus.construct_ids)}"
        )
    n = int(graph.nodes[construct]["n_studies"])
    try:
        ok = int(answer) == n
    except (TypeError, ValueError):
        ok = False
    if ok:
        return True, f"yes: {n} studies map concepts onto {construct}."
    return False, (
        "not quite. Count the studies with a coloured cell in the construct's row of the "
        "heatmap (or the node's size in the synthesis network)."
    )


#: exercise -> (question, checker, the context argument it needs)
EXERCISES: dict[str, tuple[str, Callable[..., tuple[bool, str]], str]] = {
    "most_central_concept": (
        "Which concept of the study has the highest betweenness centrality?",
        _check_central,
        "study",
    ),
    "refuting_pair": (
        "Which two studies refute each other on the construct? ('none' if none do; any one "
        "pair if several do)",
        _check_refuting,
        "construct",
    ),
    "supporting_studies": (
        "How many studies support the construct?",
        _check_support,
        "construct",
    ),
}


def check_answer(exercise: str, answer: Any, corpus: Corpus, **context: str) -> Feedback:
    """Check a student's ``answer`` to ``exercise`` against ``corpus``.

    Parameters
    ----------
    exercise
        One of :data:`EXERCISES`.
    answer
        The student's answer; ``None`` means not answered yet.
    corpus
        The review the exercise is about.
    **context
        ``study=...`` or ``construct=...``, as the exercise needs.
    """
    if exercise not in EXERCISES:
        raise ValueError(f"unknown exercise {exercise!r}; choose from {', '.join(EXERCISES)}")
    question, checker, needs = EXERCISES[exercise]
    if needs not in context:
        raise TypeError(f"exercise {exercise!r} needs {needs}=...")
    if answer is None:
        return Feedback(exercise, None, f"{question} Set the answer in the parameters cell.")
    correct, message = checker(corpus, answer, context[needs])
    return Feedback(exercise, correct, message)


def seminar_construct(corpus: Corpus, construct: str | None = None) -> str:
    """The construct the seminar discusses: ``construct`` if the review has it, else (``None``)
    the first construct on which exactly one pair of studies refute each other, so that
    exercise 3 ("which two studies refute each other?") has one answer; the review's first
    construct when no construct has exactly one.

    Examples
    --------
    >>> from peerlib import load_corpus
    >>> seminar_construct(load_corpus())
    'mutuality_and_asymmetry'
    """
    from .notebook import pick_construct

    if construct is not None:
        return pick_construct(corpus, construct)
    graph = synthesis_graph(corpus)
    for candidate in corpus.construct_ids:
        pairs = {frozenset(p) for p in graph.nodes[candidate]["refutations"]}
        if len(pairs) == 1:
            return candidate
    return pick_construct(corpus, None)
