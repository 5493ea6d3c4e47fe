"""A review author's own review, from an empty folder outside the repository to every figure
(issue 10), with the package's own notebooks and build file, and defaults that work for any
corpus (issue 14, item 5). These run real notebooks: a few kernels each."""

from __future__ import annotations

import hashlib
import shutil
import subprocess
import sys
from pathlib import Path

import papermill
import pytest

import peerlib
from peerlib.build import WORK_NAME, Project
from peerlib.build.notebooks import DEFAULT_CONFIG, PACKAGE

from .conftest import MINI

ROOT = Path(__file__).resolve().parents[1]
PEERLIB = str(Path(sys.executable).parent / "peerlib")


def _snapshot() -> tuple[str, str, list[str]]:
    """What a build must never change: the repository's files (git's view, ignored files
    included: a stray build/ would show) and the package's files."""
    status = subprocess.run(
        ["git", "status", "--porcelain", "--ignored", "--untracked-files=all"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    noise = ("__pycache__", ".pytest_cache", ".mypy_cache", ".ruff_cache", ".venv", "egg-info")
    status = "\n".join(line for line in status.splitlines() if not any(n in line for n in noise))
    manifest = ROOT / "figures" / "manifest.json"
    digest = hashlib.sha256(manifest.read_bytes()).hexdigest() if manifest.is_file() else ""
    package = sorted(
        p.relative_to(PACKAGE).as_posix()
        for p in PACKAGE.rglob("*")
        if "__pycache__" not in p.parts
    )
    return status, digest, package


def run(*args: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run([PEERLIB, *args], cwd=cwd, capture_output=True, text=True, check=False)


def test_from_an_empty_folder_to_every_figure(tmp_path: Path) -> None:
    # exactly what the issue asks: `peerlib init my-review && peerlib validate my-review &&
    # peerlib build --data my-review --out my-figures`, in an empty folder outside the repository
    before = _snapshot()
    assert list(tmp_path.iterdir()) == []
    for args in (
        ["init", "my-review"],
        ["validate", "my-review"],
        ["build", "--data", "my-review", "--out", "my-figures"],
    ):
        done = run(*args, cwd=tmp_path)
        assert done.returncode == 0, (args, done.stdout, done.stderr)
    assert (
        "my-review: valid (1 study, 1 construct)"
        in run("validate", "my-review", cwd=tmp_path).stdout
    )

    figures = tmp_path / "my-figures"
    manifest = (figures / "manifest.json").read_text(encoding="utf-8")
    import json

    doc = json.loads(manifest)
    assert sorted(doc["runs"]) == [
        "comparison",
        "evidence-translation_work",
        "seminar",
        "study-smith2020",
        "synthesis",
    ]
    for artifact, entry in doc["artifacts"].items():
        path = figures / artifact
        assert hashlib.sha256(path.read_bytes()).hexdigest() == entry["sha256"], artifact
    assert "study-smith2020/network.svg" in doc["artifacts"]
    assert "comparison/cerqual-summary.csv" in doc["artifacts"]
    assert (figures / "index.html").is_file()
    # build state beside the figures, ignoring itself in git; nothing in the package or the
    # repository (its figures/ included)
    work = figures / WORK_NAME
    assert (work / "notebooks" / "study-smith2020.ipynb").is_file()
    assert (work / ".gitignore").read_text(encoding="utf-8").splitlines()[-1] == "*"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["my-figures", "my-review"]
    assert _snapshot() == before
    assert str(tmp_path) not in manifest

    again = run("build", "--data", "my-review", "--out", "my-figures", cwd=tmp_path)
    assert again.returncode == 0
    assert "0 built, 5 up to date" in again.stdout


def test_own_build_file_default_output_and_defaults_for_any_corpus(tmp_path: Path) -> None:
    # the mini review has no moran2025 and no professionalisation_and_peerness: the seminar's
    # defaults (first study, first construct) must still work; a copy of peerlib's build file
    # in the review finds peerlib's notebooks; without --out the figures go next to the corpus
    before = _snapshot()
    review = tmp_path / "review"
    shutil.copytree(MINI, review)
    shutil.copyfile(DEFAULT_CONFIG, review / "figures.toml")
    done = run(
        "build", "--data", "review", "--only", "seminar", "--only", "study-alpha", cwd=tmp_path
    )
    assert done.returncode == 0, done.stdout + done.stderr
    assert "2 built, 0 up to date" in done.stdout
    assert (review / "figures" / "seminar" / "refutations.csv").is_file()
    assert (review / "figures" / "study-alpha" / "network.svg").is_file()
    assert _snapshot() == before


def test_a_misspelt_papermill_parameter_fails_the_run(tmp_path: Path) -> None:
    # `papermill 01_study_graph.ipynb out.ipynb -p studdy alpha` used to run the default study
    notebook = PACKAGE / "notebooks" / "01_study_graph.ipynb"
    with pytest.raises(papermill.PapermillExecutionError) as info:
        papermill.execute_notebook(
            str(notebook),
            str(tmp_path / "out.ipynb"),
            parameters={"data_dir": str(MINI), "studdy": "alpha"},
            kernel_name="python3",
            progress_bar=False,
        )
    assert "unknown parameter 'studdy'" in str(info.value)
    assert "did you mean 'study'?" in str(info.value)


# ------------------------------------------------------------------------ without kernels


def test_default_paths_never_point_into_the_repository_for_another_corpus(
    tmp_path: Path,
) -> None:
    other = Project.resolve(data=tmp_path / "review")
    assert other.config == DEFAULT_CONFIG
    assert other.out == (tmp_path / "review" / "figures").resolve()
    assert other.work == other.out / WORK_NAME
    bundled = Project.resolve()
    assert bundled.out == ROOT / "figures"
    assert bundled.work == ROOT / "figures" / WORK_NAME
    (tmp_path / "review").mkdir()
    (tmp_path / "review" / "figures.toml").write_text("", encoding="utf-8")
    assert Project.resolve(data=tmp_path / "review").config == tmp_path / "review" / "figures.toml"


def test_the_readme_api_lines_accept_str_paths(tmp_path: Path) -> None:
    # README: peerlib.save_table(table, "figures/translation") raised AttributeError
    corpus = peerlib.load_corpus(MINI)
    table = peerlib.translation_table(corpus)
    written = peerlib.save_table(table, str(tmp_path / "translation"))
    assert [p.name for p in written] == [
        "translation.csv",
        "translation.md",
        "translation.tex",
        "translation.docx",
    ]
