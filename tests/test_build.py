"""``peerlib build`` on throwaway notebooks against a copy of the mini corpus.

Each executed notebook costs a kernel start (about a second); the suite runs about fifteen.
"""

from __future__ import annotations

import json
import re
import shutil
import subprocess
import sys
import textwrap
from pathlib import Path

import nbformat
import papermill  # noqa: F401 - loaded once here: the build's forked workers inherit it
import pytest

import peerlib
from peerlib.build import BuildConfigError, BuildResult, Project, build
from peerlib.build.keys import Hasher, environment_digest, requirements
from peerlib.cli import main
from peerlib.site import is_site_artifact

ECHO = (
    'data_dir = ""\nout_dir = ""\nstudy = "alpha"\nconstruct = ""\nlabel = "x"',
    "from pathlib import Path\n"
    "text = next(Path(data_dir, 'studies').glob(f'{study}.y*ml')).read_text()",
    "lines = len(text.splitlines())\n"
    "Path(out_dir, 'info.txt').write_text(f'{study} {label}\\n')\n"
    "Path(out_dir, 'table.csv').write_text(f'study,lines\\n{study},{lines}\\n')\n"
    "print(out_dir)",
)
CORPUS = (
    'data_dir = ""\nout_dir = ""',
    "from pathlib import Path\n"
    "names = sorted(p.stem for p in Path(data_dir, 'studies').glob('*.yaml'))\n"
    "Path(out_dir, 'sub').mkdir()\n"
    "Path(out_dir, 'sub', 'studies.txt').write_text('\\n'.join(names) + '\\n')",
)
FAIL = (
    'data_dir = ""\nout_dir = ""\nanswer = 0',
    "from pathlib import Path\nPath(out_dir, 'partial.txt').write_text('half done')",
    "# the summary quotes the line that raised, not the cell's first line\n"
    "raise ValueError(f'boom {answer}')",
)
SLOW = ('data_dir = ""\nout_dir = ""', "import time\ntime.sleep(60)")

#: ``peerlib build`` with the project's build file, figures/ and build/ (run from its root)
LOCAL = ["build", "--config", "figures.toml", "--out", "figures", "--build-dir", "build"]
CONFIG = """\
[[figure]]
name = "study-{study}"
notebook = "notebooks/echo.ipynb"
each = "study"
inputs = ["studies/{study}.yaml"]
parameters = { label = "hi" }

[[figure]]
name = "corpus"
notebook = "notebooks/corpus.ipynb"
"""


def notebook(path: Path, parameters: str, *cells: str) -> None:
    """A notebook: a markdown title, a ``parameters`` cell, then code cells."""
    nb = nbformat.v4.new_notebook()
    nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3"}
    first = nbformat.v4.new_code_cell(parameters)
    first.metadata["tags"] = ["parameters"]
    nb.cells = [nbformat.v4.new_markdown_cell("# A test"), first]
    nb.cells += [nbformat.v4.new_code_cell(c) for c in cells]
    path.parent.mkdir(parents=True, exist_ok=True)
    nbformat.write(nb, path)


@pytest.fixture
def project(tmp_path: Path) -> Path:
    """A repository root with figures.toml, notebooks and a stand-in for peerlib's sources."""
    root = tmp_path / "repo"
    notebook(root / "notebooks" / "echo.ipynb", *ECHO)
    notebook(root / "notebooks" / "corpus.ipynb", *CORPUS)
    notebook(root / "notebooks" / "fail.ipynb", *FAIL)
    notebook(root / "notebooks" / "slow.ipynb", *SLOW)
    (root / "figures.toml").write_text(CONFIG, encoding="utf-8")
    (root / "src").mkdir()
    (root / "src" / "lib.py").write_text("VALUE = 1\n", encoding="utf-8")
    return root


def run(
    root: Path,
    data: Path,
    lines: list[str] | None = None,
    *,
    only: list[str] | None = None,
    dry_run: bool = False,
    kernel_name: str = "python3",
) -> BuildResult:
    """``build`` with this project's layout, two jobs, progress lines into ``lines``."""
    sink = lines if lines is not None else []
    return build(
        Project.resolve(
            root / "figures.toml",
            data=data,
            out=root / "figures",
            build_dir=root / "build",
            sources=root / "src",
        ),
        jobs=2,
        only=only or [],
        dry_run=dry_run,
        kernel_name=kernel_name,
        progress=sink.append,
    )


def files(folder: Path) -> dict[str, bytes]:
    """Every file under ``folder`` but the build's hidden lock files."""
    return {
        p.relative_to(folder).as_posix(): p.read_bytes()
        for p in sorted(folder.rglob("*"))
        if p.is_file() and p.name not in (".lock", ".peerlib.lock")
    }


def append(path: Path, text: str) -> None:
    with path.open("a", encoding="utf-8") as handle:
        handle.write(text)


# ------------------------------------------------------------------------------ incremental


def test_build_then_skip_then_rebuild_what_changed(project: Path, mini: Path) -> None:
    first = run(project, mini)
    assert first.ok, [f.describe() for f in first.failed]
    runs = ["corpus", "study-alpha", "study-beta", "study-gamma"]
    assert sorted(first.built) == runs
    figures = project / "figures"
    assert (figures / "study-beta" / "info.txt").read_text() == "beta hi\n"
    assert (figures / "corpus" / "sub" / "studies.txt").read_text() == "alpha\nbeta\ngamma\n"

    text = (figures / "manifest.json").read_text(encoding="utf-8")
    manifest = json.loads(text)
    assert text == json.dumps(manifest, sort_keys=True, indent=2, ensure_ascii=False) + "\n"
    assert str(project.parent) not in text  # no absolute paths
    made = [a for a in manifest["artifacts"] if not is_site_artifact(a)]
    assert sorted(a for a in made if not a.endswith("/notebook.html")) == [
        "corpus/sub/studies.txt",
        "study-alpha/info.txt",
        "study-alpha/table.csv",
        "study-beta/info.txt",
        "study-beta/table.csv",
        "study-gamma/info.txt",
        "study-gamma/table.csv",
    ]
    # each run's executed notebook as a page, and the site's pages, are artifacts too
    assert sorted(a for a in made if a.endswith("/notebook.html")) == [
        f"{r}/notebook.html" for r in runs
    ]
    assert {"index.html", "site/style.css", *(f"site/{r}.html" for r in runs)} <= set(
        manifest["artifacts"]
    )
    entry = manifest["artifacts"]["study-beta/table.csv"]
    assert entry["notebook"] == "notebooks/echo.ipynb"
    assert entry["parameters"] == {"label": "hi", "study": "beta"}
    assert entry["sha256"] == Hasher().file(figures / "study-beta" / "table.csv")
    assert list(manifest["runs"]["study-beta"]["inputs"]) == ["studies/beta.yaml"]
    assert sorted(manifest["runs"]["corpus"]["inputs"]) == [
        "studies/alpha.yaml",
        "studies/beta.yaml",
        "studies/gamma.yaml",
        "synthesis.yaml",
    ]
    executed = (project / "build" / "notebooks" / "study-beta.ipynb").read_text()
    assert str(project.parent) not in executed
    assert '"out_dir = \\"figures/study-beta\\"\\n"' in executed
    for word in ("start_time", "end_time", "duration", "iopub."):
        assert word not in executed

    again = run(project, mini)
    assert again.built == []
    assert sorted(again.skipped) == runs

    append(mini / "studies" / "beta.yaml", "# one more comment\n")
    lines: list[str] = []
    third = run(project, mini, lines)
    assert sorted(third.built) == ["corpus", "study-beta"]
    assert sorted(third.skipped) == ["study-alpha", "study-gamma"]
    assert any("study-beta" in line and "studies/beta.yaml changed" in line for line in lines)

    # a study that goes away takes its run's files and manifest entries with it (the
    # synthesis drops it too, or the build stops at validation: tests/test_author_workflow.py)
    (mini / "studies" / "gamma.yaml").unlink()
    synthesis = (mini / "synthesis.yaml").read_text(encoding="utf-8")
    start, end = synthesis.index("  - id: mutuality"), synthesis.index("  - id: trust")
    (mini / "synthesis.yaml").write_text(synthesis[:start] + synthesis[end:], encoding="utf-8")
    fourth = run(project, mini)
    assert (fourth.built, fourth.pruned) == (["corpus"], ["study-gamma"])
    assert not (figures / "study-gamma").exists()
    assert not (project / "build" / "notebooks" / "study-gamma.ipynb").exists()
    manifest = json.loads((figures / "manifest.json").read_text())
    assert sorted(manifest["runs"]) == ["corpus", "study-alpha", "study-beta"]
    assert not [a for a in manifest["artifacts"] if a.startswith("study-gamma/")]

    # a changed peerlib source invalidates every run (checked without running them)
    append(project / "src" / "lib.py", "VALUE = 2\n")
    (project / "src" / ".lib.py.swp").write_text("editor noise")  # hidden: ignored
    plan = run(project, mini, dry_run=True)
    assert plan.planned == dict.fromkeys(runs[:-1], "peerlib changed")
    assert not (project / "build" / "staging").exists()


def test_only_outputs_and_run_records_do_not_invalidate(project: Path, mini: Path) -> None:
    assert run(project, mini, only=["study-alpha"]).built == ["study-alpha"]
    path = project / "notebooks" / "echo.ipynb"
    nb = nbformat.read(path, as_version=4)
    for number, cell in enumerate(nb.cells):
        cell["id"] = f"other-{number}"
        if cell.cell_type == "code":
            cell.execution_count = 7
            cell.outputs = [nbformat.v4.new_output("stream", text="old output\n")]
            cell.metadata["execution"] = {"iopub.status.idle": "2024-01-01T00:00:00Z"}
    nbformat.write(nb, path)
    plan = run(project, mini, only=["study-*"], dry_run=True)
    assert plan.skipped == ["study-alpha"]
    assert plan.planned == {"study-beta": "new", "study-gamma": "new"}

    saved = path.read_bytes()
    nb.cells[-1].source += "\n# a code change"
    nbformat.write(nb, path)
    plan = run(project, mini, only=["study-a*"], dry_run=True)
    assert plan.planned == {"study-alpha": "notebook changed"}
    path.write_bytes(saved)

    # an artifact edited or deleted by hand is rebuilt
    folder = project / "figures" / "study-alpha"
    append(folder / "table.csv", "x,1\n")
    plan = run(project, mini, only=["study-a*"], dry_run=True)
    assert plan.planned == {"study-alpha": "study-alpha/table.csv changed on disk"}
    (folder / "info.txt").unlink()
    plan = run(project, mini, only=["study-a*"], dry_run=True)
    assert plan.planned == {"study-alpha": "study-alpha/info.txt missing"}
    with pytest.raises(BuildConfigError, match="--only 'nope' matches no run"):
        run(project, mini, only=["nope"])


# --------------------------------------------------------------------------------- failures


def test_a_failing_notebook_does_not_stop_the_others(
    project: Path, mini: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    (project / "figures.toml").write_text(
        textwrap.dedent(
            """\
            [[figure]]
            name = "fail"
            notebook = "notebooks/fail.ipynb"
            parameters = { answer = 42 }

            [[figure]]
            name = "slow"
            notebook = "notebooks/slow.ipynb"
            timeout = 2

            [[figure]]
            name = "ok"
            notebook = "notebooks/echo.ipynb"
            inputs = ["studies/alpha.yaml"]
            """
        ),
        encoding="utf-8",
    )
    monkeypatch.chdir(project)
    status = main([*LOCAL, "--data", str(mini), "--jobs", "2"])
    out, err = capsys.readouterr()
    assert status == 1
    assert "FAILED  fail" in out
    assert "built   ok" in out
    assert "1 built, 0 up to date, 2 failed" in out
    assert "fail: notebooks/fail.ipynb with answer=42\n" in err
    assert "  cell 3: raise ValueError(f'boom {answer}')\n" in err
    assert "  ValueError: boom 42\n" in err
    assert "  executed notebook: build/failed/fail.ipynb\n" in err
    assert "slow: notebooks/slow.ipynb\n  cell 2: import time\n" in err
    assert "TimeoutError: the run took longer than its timeout of 2 s" in err
    assert "log: build/logs/slow.log" in err

    failed = json.loads((project / "build" / "failed" / "fail.ipynb").read_text())
    assert failed["metadata"]["papermill"]["exception"] is True
    figures = project / "figures"
    assert sorted(files(figures)) == [
        "index.html",
        "manifest.json",
        "ok/info.txt",
        "ok/notebook.html",
        "ok/table.csv",
        "site/ok.html",
        "site/style.css",
    ]
    manifest = json.loads((figures / "manifest.json").read_text())
    assert sorted(manifest["runs"]) == ["ok"]
    assert not list(project.rglob("partial.txt"))  # nothing of the failed run survives
    assert not (project / "build" / "staging").exists()


def _kernel(jupyter: Path, name: str, argv: list[str]) -> None:
    spec = {"argv": argv, "display_name": name, "language": "python"}
    folder = jupyter / "kernels" / name
    folder.mkdir(parents=True)
    (folder / "kernel.json").write_text(json.dumps(spec), encoding="utf-8")


def test_a_kernel_that_fails_to_start_is_retried_once(
    project: Path, mini: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    jupyter = tmp_path / "jupyter"
    marker = tmp_path / "started-once"
    script = tmp_path / "flaky.py"
    script.write_text(
        textwrap.dedent(
            """\
            import os, sys
            marker, connection = sys.argv[1:]
            if not os.path.exists(marker):
                open(marker, "w").close()
                sys.exit("flaky kernel: not this time")
            os.execv(sys.executable, [sys.executable, "-m", "ipykernel_launcher", "-f", connection])
            """
        ),
        encoding="utf-8",
    )
    _kernel(jupyter, "flaky", [sys.executable, str(script), str(marker), "{connection_file}"])
    _kernel(jupyter, "broken", [sys.executable, "-c", "raise SystemExit(3)", "{connection_file}"])
    monkeypatch.setenv("JUPYTER_PATH", str(jupyter))

    result = run(project, mini, only=["study-alpha"], kernel_name="flaky")
    assert result.built == ["study-alpha"], [f.describe() for f in result.failed]
    assert marker.exists()
    log = (project / "build" / "logs" / "study-alpha.log").read_text()
    assert "flaky kernel: not this time\n--- attempt 1: RuntimeError" in log

    result = run(project, mini, only=["study-beta"], kernel_name="broken")
    [failure] = result.failed
    assert (failure.kind, failure.attempts, failure.cell) == ("kernel-start", 2, None)
    assert "the kernel failed to start (2 attempts)" in failure.describe()
    assert not (project / "figures" / "study-beta").exists()


# ---------------------------------------------------------------- reproducibility and check


def test_clean_builds_are_byte_identical_and_check_compares(
    project: Path,
    mini: Path,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    clones = [tmp_path / "clone-a", tmp_path / "clone-b"]
    for clone in clones:
        shutil.copytree(project, clone)
        assert run(clone, mini, only=["study-alpha"]).built == ["study-alpha"]
    a, b = clones
    assert files(a / "figures") == files(b / "figures")
    assert files(a / "build" / "notebooks") == files(b / "build" / "notebooks")
    assert list(files(a / "build" / "notebooks")) == ["study-alpha.ipynb"]

    monkeypatch.chdir(a)
    args = [*LOCAL, "--check", "--only", "study-alpha", "--data", str(mini)]
    args += ["--jobs", "1"]
    assert main(args) == 0
    out = capsys.readouterr().out
    assert "check passed: every artifact matches figures/manifest.json" in out
    assert not (a / "figures" / "study-beta").exists()  # --check leaves figures/ alone

    manifest_path = a / "figures" / "manifest.json"
    manifest = json.loads(manifest_path.read_text())
    manifest["artifacts"]["study-alpha/table.csv"]["sha256"] = "0" * 64
    manifest_path.write_text(json.dumps(manifest))
    assert main(args) == 1
    out, err = capsys.readouterr()
    assert "differs: study-alpha/table.csv: committed 000000000000, rebuilt " in out
    assert "info.txt" not in out
    assert "check failed: 1 difference" in err


# ------------------------------------------------------------------------ without kernels


def test_config_errors(project: Path, mini: Path) -> None:
    config = project / "figures.toml"

    def error(text: str) -> str:
        config.write_text(text, encoding="utf-8")
        with pytest.raises(BuildConfigError) as info:
            run(project, mini, dry_run=True)
        return str(info.value)

    base = '[[figure]]\nname = "n"\nnotebook = "notebooks/echo.ipynb"\n'
    assert "unknown key(s) colour" in error(base + 'colour = "red"\n')
    assert "must contain {study}" in error(base + 'each = "study"\n')
    assert "'each' must be one of" in error(base + 'each = "theme"\n')
    assert "set by the build" in error(base + 'parameters = { out_dir = "x" }\n')
    assert "made by both" in error(base + base)
    assert "must be letters" in error(base.replace('"n"', '"a/b"'))

    config.write_text(base + 'inputs = ["studies/nope.yaml"]\n', encoding="utf-8")
    [failure] = run(project, mini, dry_run=True).failed
    assert failure.kind == "setup"
    assert "'studies/nope.yaml' matches no file" in failure.message
    nb = project / "notebooks" / "echo.ipynb"
    nb.write_text(nb.read_text().replace('"parameters"', '"other"'), encoding="utf-8")
    config.write_text(base, encoding="utf-8")
    [failure] = run(project, mini, dry_run=True).failed
    assert "no cell tagged 'parameters'" in failure.message


def test_construct_runs_and_default_corpus(project: Path, mini: Path) -> None:
    (project / "figures.toml").write_text(
        '[[figure]]\nname = "c-{construct}"\nnotebook = "notebooks/echo.ipynb"\n'
        'each = "construct"\n',
        encoding="utf-8",
    )
    plan = run(project, mini, dry_run=True)
    assert list(plan.planned) == ["c-disclosure", "c-mutuality", "c-trust"]


def test_construct_files_are_the_synthesis_and_the_constructs_own_studies(
    project: Path, mini: Path
) -> None:
    config = project / "figures.toml"
    config.write_text(
        '[[figure]]\nname = "c-{construct}"\nnotebook = "notebooks/echo.ipynb"\n'
        'each = "construct"\ninputs = ["{construct_files}"]\n',
        encoding="utf-8",
    )
    assert run(project, mini).ok
    manifest = json.loads((project / "figures" / "manifest.json").read_text())
    inputs = {name: list(record["inputs"]) for name, record in manifest["runs"].items()}
    assert inputs == {
        "c-disclosure": ["studies/alpha.yaml", "studies/beta.yaml", "synthesis.yaml"],
        "c-mutuality": ["studies/beta.yaml", "studies/gamma.yaml", "synthesis.yaml"],
        "c-trust": ["studies/alpha.yaml", "synthesis.yaml"],
    }
    # an edit to gamma rebuilds only the construct that maps it; the synthesis, every one
    append(mini / "studies" / "gamma.yaml", "# edited\n")
    assert run(project, mini, dry_run=True).planned == {"c-mutuality": "studies/gamma.yaml changed"}
    append(mini / "synthesis.yaml", "# edited\n")
    assert sorted(run(project, mini, dry_run=True).planned) == [
        "c-disclosure",
        "c-mutuality",
        "c-trust",
    ]
    # only as an input of its own, and only for runs about a construct
    for bad, message in [
        ('inputs = ["x/{construct_files}"]', "must be an input of its own"),
        ('each = "study"\ninputs = ["{construct_files}"]', 'needs each = "construct"'),
    ]:
        config.write_text(
            '[[figure]]\nname = "c-{study}-{construct}"\nnotebook = "notebooks/echo.ipynb"\n'
            + bad
            + "\n",
            encoding="utf-8",
        )
        with pytest.raises(BuildConfigError, match=re.escape(message)):
            run(project, mini, dry_run=True)


def test_yml_study_files_are_built_and_keyed_like_yaml(project: Path, mini: Path) -> None:
    (mini / "studies" / "beta.yaml").rename(mini / "studies" / "beta.yml")
    config = project / "figures.toml"
    config.write_text(
        config.read_text().replace('"studies/{study}.yaml"', '"{study_file}"'), encoding="utf-8"
    )
    plan = run(project, mini, dry_run=True)
    assert sorted(plan.planned) == ["corpus", "study-alpha", "study-beta", "study-gamma"]
    assert run(project, mini).ok
    manifest = json.loads((project / "figures" / "manifest.json").read_text())
    assert list(manifest["runs"]["study-beta"]["inputs"]) == ["studies/beta.yml"]
    assert "studies/beta.yml" in manifest["runs"]["corpus"]["inputs"]
    # an edit to the .yml file rebuilds its run, as for a .yaml one
    append(mini / "studies" / "beta.yml", "# edited\n")
    plan = run(project, mini, dry_run=True)
    assert plan.planned["study-beta"] == "studies/beta.yml changed"
    assert "study-alpha" not in plan.planned


@pytest.mark.parametrize("package", ["tabulate", "jinja2", "vl-convert-python", "altair"])
def test_cache_key_follows_every_package_that_writes_artifacts(package: str) -> None:
    assert package in requirements()
    from importlib import metadata

    def version(name: str) -> str | None:
        try:
            return metadata.version(name)
        except metadata.PackageNotFoundError:  # a platform's own dependency (pywinpty...)
            return None

    installed = {name: version(name) for name in requirements()}
    bumped = {**installed, package: f"{installed[package]}.post1"}
    assert environment_digest(installed) == environment_digest()
    assert environment_digest(bumped) != environment_digest(installed)


def test_deciding_imports_no_papermill_jupyter_altair_or_pandas(project: Path, mini: Path) -> None:
    # peerlib/__init__ itself imports pandas, so the package is stubbed: this checks build's own
    # imports, for a build that has nothing to do
    assert run(project, mini, only=["study-alpha"]).built == ["study-alpha"]
    src = Path(peerlib.__file__).parent
    code = textwrap.dedent(
        f"""
        import sys, types
        package = types.ModuleType("peerlib")
        package.__path__ = [{str(src)!r}]
        sys.modules["peerlib"] = package
        from peerlib.build import Project, build
        project = Project.resolve({str(project / "figures.toml")!r}, data={str(mini)!r},
                                  out={str(project / "figures")!r},
                                  build_dir={str(project / "build")!r},
                                  sources={str(project / "src")!r})
        result = build(project, only=["study-alpha"], progress=None)
        assert result.built == [] and result.skipped == ["study-alpha"], result
        heavy = ("papermill", "nbformat", "nbclient", "jupyter_client", "altair", "pandas")
        print(sorted(m for m in sys.modules if m.split(".")[0] in heavy))
        """
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert done.stdout.strip() == "[]"


def test_normalise_strips_run_records_ids_and_machine_paths() -> None:
    from peerlib.build.worker import normalise

    div = "altair-viz-" + "ab12" * 8
    doc = {
        "nbformat": 4,
        "nbformat_minor": 5,
        "metadata": {
            "papermill": {
                "start_time": "2030-01-01T00:00:00",
                "duration": 1.5,
                "input_path": "/abs/repo/notebooks/x.ipynb",
                "parameters": {"out_dir": "/abs/repo/build/staging/x/out"},
            }
        },
        "cells": [
            {
                "cell_type": "code",
                "id": "f00dcafe",
                "metadata": {
                    "execution": {"iopub.status.idle": "2030-01-01T00:00:01Z"},
                    "papermill": {"duration": 0.1, "status": "completed", "end_time": "x"},
                },
                "outputs": [{"output_type": "stream", "text": [f'<div id="{div}">{div}']}],
                "source": 'out_dir = "/abs/repo/build/staging/x/out"\n',
            }
        ],
    }
    text = normalise(
        doc, {"/abs/repo/build/staging/x/out": "figures/x"}, "notebooks/x.ipynb", "build/x.ipynb"
    )
    assert "/abs" not in text
    assert "2030" not in text
    assert "duration" not in text
    result = json.loads(text)
    assert result["metadata"]["papermill"] == {
        "input_path": "notebooks/x.ipynb",
        "output_path": "build/x.ipynb",
        "parameters": {"out_dir": "figures/x"},
    }
    [cell] = result["cells"]
    assert cell["id"] == "cell-0001"
    assert cell["metadata"] == {"papermill": {"status": "completed"}}
    assert cell["outputs"][0]["text"] == ['<div id="altair-viz-1">altair-viz-1']
    assert cell["source"] == 'out_dir = "figures/x"\n'


def _one_worker(project: Path, mini: Path, notebook: str, names: list[str]) -> BuildResult:
    """Build one run of ``notebooks/<notebook>.ipynb`` per name (its ``label``), in file order,
    in one worker."""
    (project / "figures.toml").write_text(
        "".join(
            f'[[figure]]\nname = "{n}"\nnotebook = "notebooks/{notebook}.ipynb"\n'
            f'parameters = {{ label = "{n}" }}\n'
            for n in names
        ),
        encoding="utf-8",
    )
    return build(
        Project.resolve(
            project / "figures.toml",
            data=mini,
            out=project / "figures",
            build_dir=project / "build",
            sources=project / "src",
        ),
        jobs=1,
        progress=None,
    )


def test_runs_sharing_a_warm_kernel_start_from_a_fresh_namespace(project: Path, mini: Path) -> None:
    notebook(
        project / "notebooks" / "fresh.ipynb",
        'data_dir = ""\nout_dir = ""\nlabel = ""',
        "assert 'leftover' not in globals(), 'a namespace leaked from the previous run'\n"
        "leftover = label",
        "import os\nfrom pathlib import Path\n"
        "Path(out_dir, 'cwd.txt').write_text(os.path.basename(os.getcwd()))",
    )
    result = _one_worker(project, mini, "fresh", ["one", "two", "three"])
    assert sorted(result.built) == ["one", "three", "two"], [f.describe() for f in result.failed]
    for name in ("one", "two", "three"):
        executed = json.loads((project / "build" / "notebooks" / f"{name}.ipynb").read_text())
        counts = [c["execution_count"] for c in executed["cells"] if c["cell_type"] == "code"]
        assert counts == [1, 2, 3, 4], name  # parameters, injected parameters, two cells
        assert (project / "figures" / name / "cwd.txt").read_text() == "notebooks"


@pytest.mark.skipif(not Path("/proc/self/fd").is_dir(), reason="reads /proc (Linux)")
def test_a_worker_holds_no_more_threads_or_files_after_each_run(project: Path, mini: Path) -> None:
    # nbclient leaves running the client it makes from a kernel manager it is given (threads,
    # zmq sockets): the worker grew by three threads and 14 files a run, 6 GB at 1,000 studies.
    # Each run reads what its kernel's parent, the worker, holds as the run starts.
    notebook(
        project / "notebooks" / "held.ipynb",
        'data_dir = ""\nout_dir = ""\nlabel = ""',
        "import os\nfrom pathlib import Path\n"
        "worker = f'/proc/{os.getppid()}'\n"
        "threads = next(l for l in open(f'{worker}/status') if l.startswith('Threads:'))\n"
        "held = f'{threads.split()[1]} {len(os.listdir(f\"{worker}/fd\"))}'\n"
        "Path(out_dir, 'held.txt').write_text(held)",
    )
    names = [f"run{i}" for i in range(5)]
    result = _one_worker(project, mini, "held", names)
    assert sorted(result.built) == names, [f.describe() for f in result.failed]
    held = [(project / "figures" / n / "held.txt").read_text() for n in names]
    # runs go in file order; the first found a kernel just started, each later one finds the
    # worker holding what it held before (it grew by 3 threads and 14 files a run)
    assert len(set(held[1:])) == 1, held


def test_normalise_renumbers_the_ids_of_each_drawn_chart() -> None:
    from peerlib.build.worker import normalise

    def svg(n: int) -> list[str]:  # as a warm kernel's Vega draws its nth gradient
        return [
            f'<svg><linearGradient id="gradient_{n}"/>\n',
            f'<rect fill="url(#gradient_{n})"/></svg>',
        ]

    def cell(n: int) -> dict[str, object]:
        data = {"image/svg+xml": svg(n), "text/plain": ["<VegaLite 6 object>"]}
        return {
            "cell_type": "code",
            "source": "",
            "metadata": {},
            "outputs": [{"output_type": "display_data", "data": data, "metadata": {}}],
        }

    first = normalise({"cells": [cell(8)]}, {}, "n.ipynb", "b.ipynb")
    again = normalise({"cells": [cell(1)]}, {}, "n.ipynb", "b.ipynb")
    assert first == again
    assert 'id=\\"gradient_1\\"' in first
    assert "url(#gradient_1)" in first
