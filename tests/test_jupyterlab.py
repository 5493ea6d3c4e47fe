"""The seminar notebook as a student uses it: JupyterLab on this machine (token on, a free
port), the notebook opened and every cell run through the page in Chromium, with every request
off the machine blocked; its charts draw, and hovering over a node of the network shows the
concept's definition (the charts are interactive and need no network)."""

from __future__ import annotations

import json
import os
import secrets
import shutil
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from peerlib import load_corpus, pick_study
from peerlib.build.notebooks import PACKAGE

from ._browser import browser, hover_until_tooltip, needs_browser, watched_page

pytestmark = needs_browser

SEMINAR = PACKAGE / "notebooks" / "05_seminar.ipynb"
#: Seconds for the server to start and for all cells to run (a cold kernel loads the corpus).
START, RUN = 90, 240


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def _answers(url: str) -> bool:
    try:
        with urllib.request.urlopen(url, timeout=2) as response:
            return bool(response.status == 200)
    except OSError:
        return False


@pytest.fixture
def lab(tmp_path: Path) -> Iterator[tuple[str, str]]:
    """JupyterLab serving a copy of the seminar notebook; (base URL, token). Stopped after."""
    folder = tmp_path / "work"
    folder.mkdir()
    shutil.copy(SEMINAR, folder / SEMINAR.name)
    # this interpreter as the python3 kernel, ahead of any installed elsewhere
    kernel = tmp_path / "jupyter" / "kernels" / "python3"
    kernel.mkdir(parents=True)
    spec = {
        "argv": [sys.executable, "-m", "ipykernel_launcher", "-f", "{connection_file}"],
        "display_name": "Python 3 (ipykernel)",
        "language": "python",
    }
    (kernel / "kernel.json").write_text(json.dumps(spec), encoding="utf-8")
    port, token = _free_port(), secrets.token_hex(16)
    env = {
        **os.environ,
        "JUPYTER_PATH": str(tmp_path / "jupyter"),
        "JUPYTER_CONFIG_DIR": str(tmp_path / "config"),
        "JUPYTER_RUNTIME_DIR": str(tmp_path / "runtime"),
        "IPYTHONDIR": str(tmp_path / "ipython"),
    }
    env.pop("PEERLIB_STATIC_CHARTS", None)
    command = [
        sys.executable,
        "-m",
        "jupyterlab",
        "--no-browser",
        "--ServerApp.ip=127.0.0.1",
        f"--ServerApp.port={port}",
        "--ServerApp.port_retries=0",
        f"--IdentityProvider.token={token}",
        f"--ServerApp.root_dir={folder}",
        f"--LabApp.workspaces_dir={tmp_path / 'workspaces'}",
        f"--LabApp.user_settings_dir={tmp_path / 'settings'}",
        "--LabApp.news_url=",
    ]
    if os.geteuid() == 0:  # CI and these machines run as root
        command.append("--allow-root")
    log = (tmp_path / "lab.log").open("wb")
    server = subprocess.Popen(command, stdout=log, stderr=subprocess.STDOUT, env=env)
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + START
        while not _answers(f"{base}/api/status?token={token}"):
            assert server.poll() is None, (tmp_path / "lab.log").read_text(errors="replace")
            assert time.monotonic() < deadline, "JupyterLab did not start"
            time.sleep(0.5)
        yield base, token
    finally:
        server.terminate()
        try:
            server.wait(timeout=20)
        except subprocess.TimeoutExpired:
            server.kill()
            server.wait()
        log.close()


def _start_kernel(page: Any) -> None:
    """Wait until the notebook's kernel is idle; JupyterLab sometimes first asks which kernel
    to start (the notebook's own, python3, is preselected)."""
    select = page.locator(".jp-Dialog").get_by_role("button", name="Select")
    status = page.locator(".jp-StatusBar-Widget", has_text="| Idle")
    deadline = time.monotonic() + START
    while status.count() == 0:
        assert time.monotonic() < deadline, "the notebook's kernel did not start"
        if select.count() and select.is_visible():
            select.click()
        page.wait_for_timeout(500)


def test_the_seminar_runs_in_jupyterlab_with_working_tooltips(lab: tuple[str, str]) -> None:
    base, token = lab
    corpus = load_corpus()
    study = pick_study(corpus, None)  # the seminar's default: the review's first study
    concepts = corpus.concepts[corpus.concepts["study_id"] == study]
    definitions = [
        " ".join(str(d).split())[:40] for d in concepts["definition"] if isinstance(d, str) and d
    ]
    with browser() as chromium:
        context = chromium.new_context(viewport={"width": 1400, "height": 1000})
        page, watch = watched_page(context, lambda url: url.startswith((base, "data:", "blob:")))
        page.goto(f"{base}/lab/tree/{SEMINAR.name}?token={token}", timeout=START * 1000)
        page.locator(".jp-Notebook .jp-Cell").first.wait_for(timeout=START * 1000)
        _start_kernel(page)
        page.get_by_role("menuitem", name="Run", exact=True).click()
        page.get_by_role("menuitem", name="Run All Cells").first.click()
        # every code cell ran: no prompt is left empty or busy
        prompts = page.locator(".jp-CodeCell .jp-InputPrompt")
        page.wait_for_function(
            """() => {
                const prompts = Array.from(document.querySelectorAll(
                    '.jp-CodeCell .jp-InputArea-prompt'));
                return prompts.length > 0 && prompts.every(p => /\\[\\d+\\]/.test(p.textContent));
            }""",
            timeout=RUN * 1000,
        )
        assert prompts.count() >= 8
        # no traceback and nothing on stderr (JupyterLab renders errors as stderr text)
        errors = page.locator(".jp-RenderedText[data-mime-type='application/vnd.jupyter.stderr']")
        assert errors.count() == 0, errors.first.inner_text()
        # the charts are drawn, interactive, by the inlined Vega
        charts = page.locator(".peerlib-chart")
        charts.first.locator("svg .role-mark").first.wait_for(timeout=RUN * 1000)
        assert charts.count() >= 2  # the network and the heatmap
        network = charts.first
        network.scroll_into_view_if_needed()
        nodes = network.locator("svg g.mark-symbol.role-mark path")
        text = hover_until_tooltip(
            page, nodes, lambda shown: any(d in " ".join(shown.split()) for d in definitions)
        )
        assert text, "no node's tooltip showed its concept's definition"
        assert watch.blocked == [], f"requests left the machine: {watch.blocked}"
        ours = [e for e in watch.errors if "vega" in e.lower() or "SyntaxError" in e]
        assert ours == [], ours
        context.close()


def test_the_check_can_fail(tmp_path: Path) -> None:
    # the readiness probe is honest: nothing answers on a port no server holds
    assert not _answers(f"http://127.0.0.1:{_free_port()}/api/status")
