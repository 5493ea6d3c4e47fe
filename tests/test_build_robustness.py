"""A build that is killed, loses a worker, races another build or cannot write its output:
nothing is left locked, only the affected run fails, and the manifest stays true."""

from __future__ import annotations

import errno
import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from peerlib.build import commit as commit_module
from peerlib.build.keys import Hasher

from .test_build import notebook, project, run  # noqa: F401 - `project` is a fixture

PEERLIB = [sys.executable, "-m", "peerlib.cli"]
KILLER = ('data_dir = ""\nout_dir = ""', "import os, signal\nos.kill(os.getppid(), signal.SIGKILL)")


def _cli(root: Path, data: Path, *extra: str) -> list[str]:
    return [
        *PEERLIB,
        "build",
        "--config",
        str(root / "figures.toml"),
        "--data",
        str(data),
        "--out",
        str(root / "figures"),
        "--build-dir",
        str(root / "build"),
        *extra,
    ]


def _wait_for(predicate: object, seconds: float = 60) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if predicate():  # type: ignore[operator]
            return
        time.sleep(0.2)
    raise AssertionError("timed out")


def _children(pid: int) -> list[int]:
    """Every live process whose parent is ``pid``."""
    found = []
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        if int(fields[1]) == pid and fields[0] != "Z":
            found.append(int(stat.parent.name))
    return found


def _slow_config(root: Path) -> None:
    (root / "figures.toml").write_text(
        '[[figure]]\nname = "slow"\nnotebook = "notebooks/slow.ipynb"\n'
        '[[figure]]\nname = "study-{study}"\nnotebook = "notebooks/echo.ipynb"\n'
        'each = "study"\ninputs = ["{study_file}"]\n',
        encoding="utf-8",
    )


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="Linux process model")
def test_a_build_killed_with_sigkill_leaves_no_worker_and_no_lock(
    project: Path,  # noqa: F811
    mini: Path,
) -> None:
    _slow_config(project)
    build = subprocess.Popen(_cli(project, mini, "--jobs", "2", "--only", "slow"))
    work = project / "build"
    _wait_for(lambda: (work / "staging" / "slow").is_dir())
    workers = _children(build.pid)
    assert workers, "the build started no worker"
    build.send_signal(signal.SIGKILL)
    build.wait()
    _wait_for(lambda: not any(Path(f"/proc/{pid}").exists() for pid in workers), 10)
    # the next build needs no manual step: it takes over and builds
    done = subprocess.run(
        _cli(project, mini, "--only", "study-alpha"), capture_output=True, text=True, timeout=300
    )
    assert done.returncode == 0, done.stderr
    assert f"taking over from a build (pid {build.pid}) that died" in done.stdout
    # ... and, having ended normally, leaves nothing for the build after it to take over
    again = subprocess.run(
        _cli(project, mini, "--only", "study-alpha"), capture_output=True, text=True, timeout=300
    )
    assert again.returncode == 0, again.stderr
    assert "taking over" not in again.stdout + again.stderr


def test_two_builds_into_one_output_folder_do_not_both_run(
    project: Path,  # noqa: F811
    mini: Path,
    tmp_path: Path,
) -> None:
    _slow_config(project)
    out = tmp_path / "shared-out"
    first = subprocess.Popen(
        _cli(project, mini, "--only", "slow", "--out", str(out), "--build-dir", str(tmp_path / "a"))
    )
    try:
        _wait_for(lambda: (tmp_path / "a" / "staging" / "slow").is_dir())
        second = subprocess.run(
            _cli(project, mini, "--out", str(out), "--build-dir", str(tmp_path / "b")),
            capture_output=True,
            text=True,
            timeout=120,
        )
        assert second.returncode == 2
        assert second.stderr.strip() == (
            f"peerlib build: another peerlib build (pid {first.pid}) is running in {out}"
        )
        assert not (tmp_path / "b" / "staging").exists()
    finally:
        first.send_signal(signal.SIGKILL)  # its workers die with it
        first.wait(timeout=60)


def test_a_killed_worker_fails_only_its_own_run(project: Path, mini: Path) -> None:  # noqa: F811
    notebook(project / "notebooks" / "killer.ipynb", *KILLER)
    config = project / "figures.toml"
    config.write_text(
        config.read_text() + '\n[[figure]]\nname = "killer"\nnotebook = "notebooks/killer.ipynb"\n',
        encoding="utf-8",
    )
    result = run(project, mini)
    assert sorted(result.built) == ["corpus", "study-alpha", "study-beta", "study-gamma"]
    [failure] = result.failed
    assert failure.name == "killer"
    assert failure.message == "the worker process running it died (killed, or out of memory)"


def test_output_that_cannot_be_written_fails_before_any_notebook_runs(
    project: Path,  # noqa: F811
    mini: Path,
    tmp_path: Path,
) -> None:
    blocker = tmp_path / "a-file"
    blocker.write_text("not a folder", encoding="utf-8")
    for out in (blocker, blocker / "figures"):
        done = subprocess.run(
            _cli(project, mini, "--out", str(out)), capture_output=True, text=True, timeout=120
        )
        assert done.returncode == 2
        [line] = done.stderr.strip().splitlines()
        assert line.startswith(f"peerlib build: cannot write to {out}: ")
        assert not (project / "build" / "staging").exists()


def test_a_full_disk_while_committing_fails_the_run_in_one_line_and_keeps_the_manifest_true(
    project: Path,  # noqa: F811
    mini: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    assert run(project, mini, only=["study-alpha"]).ok
    real_move = commit_module.move

    def full(source: Path, dest: Path) -> None:
        if dest.name == "table.csv" and "study-beta" in dest.parts:
            raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))
        real_move(source, dest)

    monkeypatch.setattr(commit_module, "move", full)
    result = run(project, mini)
    [failure] = result.failed
    assert failure.name == "study-beta"
    assert failure.message.startswith("cannot move the run's files into ")
    assert failure.message.endswith(": No space left on device")
    assert sorted(result.built) == ["corpus", "study-gamma"]
    figures = project / "figures"
    manifest = json.loads((figures / "manifest.json").read_text())
    assert "study-beta" not in manifest["runs"]
    for artifact, entry in manifest["artifacts"].items():
        assert Hasher().file(figures / artifact) == entry["sha256"], artifact


def test_a_fifo_under_a_study_files_name_fails_its_run_without_hanging(
    project: Path,  # noqa: F811
    mini: Path,
) -> None:
    os.mkfifo(mini / "studies" / "delta.yaml")
    result = run(project, mini, dry_run=True)
    failed = {f.name: f.message for f in result.failed}
    assert sorted(failed) == ["corpus", "study-delta"]
    assert failed["corpus"].endswith("delta.yaml: not a regular file but a named pipe (FIFO)")
