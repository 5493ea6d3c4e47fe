"""The notebooks are thin, committed clean, and parameterised the way the build expects."""

from __future__ import annotations

import ast
import tomllib
from pathlib import Path

import nbformat
import pytest

from peerlib.build.notebooks import DEFAULT_CONFIG, PACKAGE, PEERLIB_PREFIX

from ._pdflatex import IN_CI, PDFLATEX, compile_table

NOTEBOOKS = sorted((PACKAGE / "notebooks").glob("*.ipynb"))


def test_there_are_notebooks() -> None:
    assert len(NOTEBOOKS) >= 5


@pytest.mark.parametrize("path", NOTEBOOKS, ids=[p.name for p in NOTEBOOKS])
def test_committed_without_outputs(path: Path) -> None:
    nb = nbformat.read(path, as_version=4)
    nbformat.validate(nb)
    for cell in nb.cells:
        if cell.cell_type == "code":
            assert cell.outputs == [], f"{path.name}: cell {cell.id} has outputs"
            assert cell.execution_count is None, f"{path.name}: cell {cell.id} was executed"


@pytest.mark.parametrize("path", NOTEBOOKS, ids=[p.name for p in NOTEBOOKS])
def test_one_parameters_cell_of_plain_values(path: Path) -> None:
    nb = nbformat.read(path, as_version=4)
    tagged = [c for c in nb.cells if "parameters" in c.metadata.get("tags", [])]
    assert len(tagged) == 1, f"{path.name}: {len(tagged)} cells tagged 'parameters'"
    tree = ast.parse(tagged[0].source)
    names = []
    for node in tree.body:
        assert isinstance(node, ast.Assign), f"{path.name}: parameters cell holds only assignments"
        ast.literal_eval(node.value)  # plain values: no calls, no names
        names += [t.id for t in node.targets if isinstance(t, ast.Name)]
    assert {"data_dir", "out_dir"} <= set(names)


@pytest.mark.parametrize("path", NOTEBOOKS, ids=[p.name for p in NOTEBOOKS])
def test_no_analysis_logic_in_notebooks(path: Path) -> None:
    # functions, classes and loops belong in peerlib, where they are tested
    nb = nbformat.read(path, as_version=4)
    for cell in nb.cells:
        if cell.cell_type != "code":
            continue
        for node in ast.walk(ast.parse(cell.source)):
            assert not isinstance(
                node, ast.FunctionDef | ast.ClassDef | ast.Lambda | ast.For | ast.While
            ), f"{path.name}: cell {cell.id} defines logic ({type(node).__name__})"


@pytest.mark.parametrize("path", NOTEBOOKS, ids=[p.name for p in NOTEBOOKS])
def test_runs_in_the_projects_own_kernel(path: Path) -> None:
    nb = nbformat.read(path, as_version=4)
    assert nb.metadata["kernelspec"]["name"] == "python3"


def test_every_notebook_is_in_the_build_file() -> None:
    config = tomllib.loads(DEFAULT_CONFIG.read_text(encoding="utf-8"))
    built = {figure["notebook"] for figure in config["figure"]}
    assert built == {f"{PEERLIB_PREFIX}notebooks/{p.name}" for p in NOTEBOOKS}


@pytest.mark.parametrize("path", NOTEBOOKS, ids=[p.name for p in NOTEBOOKS])
def test_runs_end_to_end_on_the_bundled_review(path: Path, tmp_path: Path) -> None:
    # The real notebooks, as a student runs them: default parameters, the bundled review, and
    # every figure and table they save. (The build runs them too, but only `--check` in CI
    # would notice a notebook that no longer runs; this says which one and where.)
    import papermill

    out = tmp_path / "out"
    executed = papermill.execute_notebook(
        str(path),
        str(tmp_path / path.name),
        parameters={"out_dir": str(out)},
        kernel_name="python3",
        progress_bar=False,
        cwd=str(path.parent),
    )
    errors = [
        o
        for c in executed.cells
        if c.cell_type == "code"
        for o in c.outputs
        if o.output_type == "error"
    ]
    assert errors == []
    saved = sorted(p.suffix for p in out.rglob("*") if p.is_file())
    assert ".csv" in saved, saved  # every notebook saves at least one table
    # every LaTeX table it saves has a caption and a label, compiles and fits the page
    tables = sorted(out.rglob("*.tex"))
    for table in tables:
        text = table.read_text(encoding="utf-8")
        assert "\\caption{" in text, table.name
        assert "\\label{tab:" in text, table.name
        assert table.with_suffix(".docx").is_file(), table.name
    if PDFLATEX or IN_CI:
        assert [p for t in tables for p in compile_table(t)] == []
