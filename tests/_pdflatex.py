"""Compile LaTeX tables with pdflatex and read the log for what does not fit the page.

pdflatex is a system program (Debian's texlive-latex-base and texlive-latex-recommended, which
.ci/run installs). Outside CI a machine without it skips these tests with a message; in CI
(``CI`` set) they fail instead, so CI cannot pass without compiling the tables.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
from pathlib import Path

import pytest

PDFLATEX = shutil.which("pdflatex")
IN_CI = bool(os.environ.get("CI"))
needs_pdflatex = pytest.mark.skipif(
    PDFLATEX is None and not IN_CI,
    reason="pdflatex is not installed (apt-get install texlive-latex-base "
    "texlive-latex-recommended); CI installs it",
)
_NEEDS = re.compile(r"% peerlib table; needs \\usepackage\{([a-z,]+)\}\n")
_OVERFULL = re.compile(r"^(Overfull \\[hv]box \([0-9.]+pt too (?:wide|high)\).*)$", re.M)


def compile_table(table: Path) -> list[str]:
    """Compile ``table`` (a .tex a peerlib table) in a bare ``article`` with exactly the
    packages its first line names; return the problems: errors, overfull boxes."""
    assert PDFLATEX, "CI must install pdflatex (texlive-latex-base, texlive-latex-recommended)"
    text = table.read_text(encoding="utf-8")
    needs = _NEEDS.match(text)
    if needs is None:
        return [f"{table.name}: the first line does not name the packages it needs"]
    work = table.parent / f".{table.stem}-latex"
    work.mkdir(exist_ok=True)
    (work / "table.tex").write_text(text, encoding="utf-8")
    (work / "doc.tex").write_text(
        "\\documentclass{article}\n"
        f"\\usepackage{{{needs.group(1)}}}\n"
        "\\begin{document}\n\\input{table}\n\\end{document}\n",
        encoding="utf-8",
    )
    run = subprocess.run(
        [PDFLATEX, "-interaction=nonstopmode", "-halt-on-error", "-no-shell-escape", "doc.tex"],
        cwd=work,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    log = (work / "doc.log").read_text(encoding="utf-8", errors="replace")
    problems = [f"{table.name}: {line}" for line in log.splitlines() if line.startswith("! ")]
    if run.returncode != 0 and not problems:
        problems.append(f"{table.name}: pdflatex exited {run.returncode}")
    problems += [f"{table.name}: {m}" for m in _OVERFULL.findall(log)]
    shutil.rmtree(work)
    return problems
