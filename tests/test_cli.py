"""The command line (issue 10): --version, help, quiet, init, quotes, export, and a build that
fails early (invalid corpus, misspelt parameter) and shows live progress on a terminal."""

from __future__ import annotations

import json
import os
import pty
import shutil
import subprocess
import sys
from pathlib import Path

import bibtexparser
import jsonschema
import nbformat
import pytest
import rispy
import yaml

from peerlib import __version__
from peerlib.build.notebooks import DEFAULT_CONFIG
from peerlib.cli import main

PEERLIB = str(Path(sys.executable).parent / "peerlib")


def edit(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text, f"{old!r} not in {path}"
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


# ------------------------------------------------------------------------------ basics


def test_version(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as info:
        main(["--version"])
    assert info.value.code == 0
    assert capsys.readouterr().out == f"peerlib {__version__}\n"


def test_bare_peerlib_prints_help(capsys: pytest.CaptureFixture[str]) -> None:
    assert main([]) == 0
    out = capsys.readouterr().out
    assert out.startswith("usage: peerlib")
    for command in ("init", "validate", "quotes", "build", "export", "schema"):
        assert command in out


@pytest.mark.parametrize(
    "args",
    [
        [],
        ["init"],
        ["validate"],
        ["quotes"],
        ["build"],
        ["export"],
        ["export", "ris"],
        ["export", "qdpx"],
        ["import"],
        ["schema"],
    ],
    ids=lambda a: " ".join(a) or "peerlib",
)
def test_help_is_plain_text(args: list[str], capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit):
        main([*args, "--help"])
    text = capsys.readouterr().out
    assert text.startswith("usage: peerlib")
    assert "`" not in text
    assert ">>>" not in text


def test_quiet_everywhere(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["-q", "init", str(tmp_path / "r")]) == 0
    assert capsys.readouterr().out == ""
    for args in (["-q", "validate", str(tmp_path / "r")], ["validate", "-q", str(tmp_path / "r")]):
        assert main(args) == 0
        assert capsys.readouterr().out == f"{tmp_path / 'r'}: valid (1 study, 1 construct)\n"


# ------------------------------------------------------------------------------ init


def test_init_writes_a_review_that_validates_and_whose_schema_reference_resolves(
    tmp_path: Path,
) -> None:
    review = tmp_path / "my-review"
    assert main(["init", str(review)]) == 0
    assert main(["validate", "-q", str(review)]) == 0
    for path, schema in (
        (review / "studies" / "smith2020.yaml", "study.schema.json"),
        (review / "synthesis.yaml", "synthesis.schema.json"),
    ):
        first = path.read_text(encoding="utf-8").splitlines()[0]
        assert first.startswith("# yaml-language-server: $schema=")
        target = (path.parent / first.split("$schema=", 1)[1]).resolve()
        assert target == (review / "schema" / schema).resolve()
        jsonschema.validate(
            yaml.safe_load(path.read_text(encoding="utf-8")),
            json.loads(target.read_text(encoding="utf-8")),
        )


def test_init_never_overwrites(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    review = tmp_path / "r"
    review.mkdir()
    (review / "notes.txt").write_text("mine", encoding="utf-8")
    assert main(["init", str(review)]) == 1
    assert "is not empty" in capsys.readouterr().err
    assert [p.name for p in review.iterdir()] == ["notes.txt"]


# ------------------------------------------------------------------------------ quotes


def test_quotes_checks_every_verbatim_excerpt_against_its_source(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    review, texts = tmp_path / "r", tmp_path / "texts"
    main(["-q", "init", str(review)])
    study = review / "studies" / "smith2020.yaml"
    edit(study, "  source_file: null", '  source_file: "smith.txt"')
    texts.mkdir()
    (texts / "smith.txt").write_text(
        "Results: Bridging the gap\n\nOne said: “I tell them what the doctor actually meant, "
        "and then they start to trust us.” Others agreed.\n",
        encoding="utf-8",
    )
    assert main(["quotes", str(review), "--sources", str(texts)]) == 0
    out = capsys.readouterr().out
    assert out == "1 verbatim excerpts checked: all found (1 paraphrases not checked)\n"

    edit(study, "what the doctor actually meant", "what the doctor really meant")
    assert main(["quotes", str(review), "--sources", str(texts)]) == 1
    err = capsys.readouterr().err.splitlines()
    assert err == [
        f"{study}:59: evidence[0].text: e1: not found verbatim; closest passage: '\"I tell them "
        "what the doctor actually meant, and then they start to trust us.\"' (smith.txt)",
        "1 problem in 1 excerpts checked (1 paraphrases not checked)",
    ]
    assert main(["quotes", str(review), "--sources", str(tmp_path / "none")]) == 1
    assert "no such folder of source texts" in capsys.readouterr().err


# ------------------------------------------------------------------------------ export


def test_export_bibtex_and_ris(mini: Path, tmp_path: Path) -> None:
    edit(
        mini / "studies" / "alpha.yaml",
        'title: "Peer workers and disclosure"',
        'title: "Peer workers & disclosure: 50% café"',
    )
    edit(mini / "studies" / "beta.yaml", "  doi:", "  # doi:")
    out = tmp_path / "refs.bib"
    assert main(["-q", "export", "bibtex", str(out), "--data", str(mini)]) == 0
    library = bibtexparser.parse_string(out.read_text(encoding="utf-8"))
    entries = {e.key: e for e in library.entries}
    assert sorted(entries) == ["alpha", "beta", "gamma"]
    assert entries["alpha"]["title"] == r"Peer workers \& disclosure: 50\% caf\'e"
    assert entries["alpha"]["author"] == "Alpha, A. and Beta, B."
    assert entries["alpha"]["pages"] == "1--10"
    assert entries["alpha"]["doi"] == "10.1234/alpha.2020"
    assert "doi" not in entries["beta"].fields_dict

    out = tmp_path / "refs.ris"
    assert main(["-q", "export", "ris", str(out), "--data", str(mini)]) == 0
    refs = rispy.loads(out.read_text(encoding="utf-8"))
    assert [r["id"] for r in refs] == ["alpha", "beta", "gamma"]
    assert refs[0]["authors"] == ["Alpha, A.", "Beta, B."]
    assert refs[0]["title"] == "Peer workers & disclosure: 50% café"
    assert (refs[0]["start_page"], refs[0]["end_page"]) == ("1", "10")
    assert "doi" not in refs[1]


# ------------------------------------------------------------------- the build fails early


def test_build_of_an_invalid_corpus_stops_with_the_validators_lines(
    mini: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    f = mini / "studies" / "beta.yaml"
    edit(f, "concepts: [training, disclosure, mutuality]", "concepts: [training, disclose]")
    out = tmp_path / "out"
    assert main(["build", "--data", str(mini), "--out", str(out)]) == 1
    err = capsys.readouterr().err.splitlines()
    assert err == [
        f"{f}:19: themes[0].concepts[1]: unknown concept 'disclose' "
        "(known: disclosure, mutuality, training; did you mean 'disclosure'?)",
        f"1 problem in {mini}: nothing was built",
    ]
    assert not (out / "manifest.json").exists()


def test_build_without_a_synthesis_file_says_so(
    mini: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    (mini / "synthesis.yaml").unlink()
    assert main(["build", "--data", str(mini), "--out", str(tmp_path / "o")]) == 1
    assert f"{mini / 'synthesis.yaml'}:1: (file): missing:" in capsys.readouterr().err


def test_a_misspelt_figure_parameter_is_an_error_naming_the_known_ones(
    mini: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    config = mini / "figures.toml"
    shutil.copyfile(DEFAULT_CONFIG, config)
    edit(config, "parameters = { seed = 7 }", 'parameters = { seed = 7, studdy = "alpha" }')
    status = main(["build", "--data", str(mini), "--out", str(tmp_path / "o"), "--dry-run"])
    assert status == 2
    assert capsys.readouterr().err == (
        f"peerlib build: {config}: figure 'study-{{study}}': "
        "peerlib:notebooks/01_study_graph.ipynb has no parameter 'studdy' "
        "(known: data_dir, out_dir, seed, study; did you mean 'study'?)\n"
    )


def test_a_copied_build_file_without_the_prefix_says_what_to_write(
    mini: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    config = mini / "figures.toml"
    text = DEFAULT_CONFIG.read_text(encoding="utf-8").replace("peerlib:notebooks/", "notebooks/")
    config.write_text(text, encoding="utf-8")
    args = ["build", "--data", str(mini), "--out", str(tmp_path / "o"), "--dry-run"]
    args += ["--only", "comparison"]
    assert main(args) == 1
    err = capsys.readouterr().err
    assert "cannot read notebook notebooks/02_comparison.ipynb" in err
    assert "for peerlib's own notebook write peerlib:notebooks/02_comparison.ipynb" in err


def test_validate_a_study_file_or_studies_folder_says_what_to_pass(
    mini: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["validate", str(mini / "studies")]) == 1
    err = capsys.readouterr().err
    assert "this is a review's studies/ folder: pass the review folder instead (mini)" in err
    assert main(["validate", str(mini / "studies" / "alpha.yaml")]) == 1
    assert "this is a study file: pass the review folder" in capsys.readouterr().err


# ------------------------------------------------------------------ live progress


def _sleepy_project(root: Path) -> Path:
    nb = nbformat.v4.new_notebook()
    nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3"}
    cell = nbformat.v4.new_code_cell('data_dir = ""\nout_dir = ""')
    cell.metadata["tags"] = ["parameters"]
    nb.cells = [cell, nbformat.v4.new_code_cell("import time\ntime.sleep(2.5)")]
    root.mkdir()
    nbformat.write(nb, root / "nap.ipynb")
    (root / "figures.toml").write_text(
        '[[figure]]\nname = "nap"\nnotebook = "nap.ipynb"\n', encoding="utf-8"
    )
    return root / "figures.toml"


def test_a_live_line_per_running_run_on_a_terminal_plain_lines_otherwise(
    mini: Path, tmp_path: Path
) -> None:
    config = _sleepy_project(tmp_path / "project")
    args = [PEERLIB, "build", "--config", str(config), "--data", str(mini)]
    master, slave = pty.openpty()
    process = subprocess.Popen(
        [*args, "--out", str(tmp_path / "tty")], stdout=slave, stderr=slave, close_fds=True
    )
    os.close(slave)
    chunks = []
    while True:
        try:
            chunk = os.read(master, 4096)
        except OSError:  # the child closed the terminal
            break
        if not chunk:
            break
        chunks.append(chunk)
    os.close(master)
    assert process.wait() == 0
    shown = b"".join(chunks).decode()
    assert "  running  nap  2 s" in shown  # redrawn while the run goes on
    assert "\x1b[1F\x1b[J" in shown  # and cleared before the next line
    assert "[1/1] built   nap" in shown

    plain = subprocess.run(
        [*args, "--out", str(tmp_path / "pipe")], capture_output=True, text=True, check=True
    )
    assert "\x1b" not in plain.stdout
    assert "running" not in plain.stdout
    assert "[1/1] built   nap" in plain.stdout


def test_validate_complete_lists_the_gaps_of_a_synthesis(
    capsys: pytest.CaptureFixture[str],
) -> None:
    from peerlib.cli import main

    mini = Path(__file__).parent / "fixtures" / "mini"
    assert main(["validate", "-q", str(mini)]) == 0
    assert main(["validate", "-q", "--complete", str(mini)]) == 1
    err = capsys.readouterr().err.splitlines()
    assert err == [
        f"{mini}/synthesis.yaml:11: constructs[0].relations[0].type: extend relation does not "
        "say which study extends which (add extended_by: one of its two studies)",
        f"1 gap in {mini}",
    ]
    assert main(["validate", "-q", "--complete"]) == 0  # the bundled review has none
