"""Every LaTeX table of the bundled review compiles with pdflatex and fits the page.

The tables are the ones the notebooks save, made here with the same library calls for every
study and every construct (the notebooks' own .tex files are compiled by
``test_notebooks.py::test_runs_end_to_end_on_the_bundled_review``). A table fits when pdflatex
reports no overfull box: nothing wider than its column or the page, no row taller than a page.
"""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pandas as pd
import pytest

import peerlib
from peerlib.table_export import save_table

from ._pdflatex import compile_table, needs_pdflatex

pytestmark = needs_pdflatex


def bundled_tables() -> dict[str, pd.DataFrame]:
    """Every table the build saves, by file stem, for the bundled review."""
    corpus = peerlib.load_corpus()
    tables: dict[str, pd.DataFrame] = {}
    for study in corpus.studies["study_id"]:
        one = peerlib.load_corpus(studies=[study])
        tables[f"{study}-measures"] = peerlib.study_measures(one)
        tables[f"{study}-theme-bridges"] = peerlib.theme_bridges(one, study)
    tables |= {
        "construct-matrix": peerlib.construct_matrix(corpus),
        "similarity": peerlib.study_similarity(corpus),
        "translation-table": peerlib.translation_table(corpus),
        "translation-pairs": peerlib.translation_pairs(corpus),
        "unmapped-concepts": peerlib.unmapped_concepts(corpus),
        "cerqual-summary": peerlib.cerqual_summary(corpus),
        "emerge-checklist": peerlib.emerge_checklist(corpus),
        "line-of-argument": peerlib.line_of_argument(corpus),
        "refutations": peerlib.refutations(corpus),
        "synthesis-measures": peerlib.synthesis_measures(corpus),
    }
    translation = peerlib.translation_table(corpus)
    for construct in corpus.constructs["construct_id"]:
        tables[f"{construct}-translation"] = translation[translation["construct_id"] == construct]
        tables[f"{construct}-excerpts"] = peerlib.construct_evidence(corpus, construct)
    return tables


def compile_all(paths: list[Path]) -> list[str]:
    with ThreadPoolExecutor(max_workers=2) as pool:  # pdflatex is a process: two at a time
        return [problem for problems in pool.map(compile_table, paths) for problem in problems]


def test_every_bundled_table_compiles_and_fits_the_page(tmp_path: Path) -> None:
    tables = bundled_tables()
    assert len(tables) > 30
    paths = [
        save_table(table, tmp_path / name, ["tex"], caption=name.replace("-", " "))[0]
        for name, table in tables.items()
    ]
    assert compile_all(paths) == []


def test_hostile_first_cells_compile(tmp_path: Path) -> None:
    df = pd.DataFrame(
        {
            "[People served] said": ["[a] first", "*starred", "{braces} & 50% $x$ #1 ~ ^ \\"],
            "n": [1, 2, 3],
        }
    )
    [path] = save_table(df, tmp_path / "hostile", ["tex"], caption="[Hostile] caption")
    assert compile_all([path]) == []


def test_the_check_can_fail(tmp_path: Path) -> None:
    # a fixed column too narrow for its word is reported, as is a LaTeX error
    narrow = peerlib.to_latex(
        pd.DataFrame({"a": ["incomprehensibilities"]}), column_format="p{1em}"
    )
    (tmp_path / "narrow.tex").write_text(narrow, encoding="utf-8")
    (tmp_path / "broken.tex").write_text(
        "% peerlib table; needs \\usepackage{booktabs}\n\\undefinedcommand\n", encoding="utf-8"
    )
    problems = compile_all([tmp_path / "narrow.tex", tmp_path / "broken.tex"])
    assert any("narrow.tex: Overfull \\hbox" in p for p in problems), problems
    assert any("broken.tex: ! Undefined control sequence." in p for p in problems), problems


@pytest.mark.parametrize("packages", ["array,booktabs,longtable"])
def test_the_packages_named_are_needed(tmp_path: Path, packages: str) -> None:
    # without the packages the first line names, a table does not compile
    tex = peerlib.to_latex(pd.DataFrame({"a": ["x"]}), caption="X")
    assert tex.startswith(f"% peerlib table; needs \\usepackage{{{packages}}}\n")
    (tmp_path / "bare.tex").write_text(tex.replace(packages, "booktabs", 1), encoding="utf-8")
    assert compile_all([tmp_path / "bare.tex"]) != []
