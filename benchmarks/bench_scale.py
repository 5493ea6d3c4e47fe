"""Benchmark: validate, load, the comparison tables and every chart at growing review sizes.

Generates reviews of 5, 50, 200 and 1,000 studies with :func:`peerlib.synthetic.write_review`
(copies of the bundled studies, with a synthesis over all of them), then, for each size in a
fresh interpreter (so that memory and caches do not carry over):

- ``validate``: :func:`peerlib.validate` of the folder (what ``peerlib validate`` runs);
- ``load``: :func:`peerlib.load_corpus`;
- each comparison table (translation table, construct matrix, study similarity, refutations,
  CERQual summary, study and synthesis measures), and their sum;
- ``vl-convert start-up``: the first render starts vl-convert's JavaScript runtime (once per
  process, whatever the size);
- each chart function, built and rendered to SVG (as :func:`peerlib.save_chart` would);

and prints the machine's load average (other work slows every figure down) and a Markdown
table of wall times, the peak resident memory of the whole run
(``resource.getrusage``: Python, pandas and vl-convert's native memory together) and the growth
ratio 1,000 / 200 (linear growth would be 5).

Usage: ``.venv/bin/python benchmarks/bench_scale.py [--sizes 5 50 200 1000] [--seed 0]``
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import resource
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

TABLES = (
    "translation_table",
    "construct_matrix",
    "study_similarity",
    "refutations",
    "cerqual_summary",
    "study_measures",
    "synthesis_measures",
)


def _charts(peerlib: Any, corpus: Any) -> dict[str, Callable[[], Any]]:
    return {
        "study_network_chart": lambda: peerlib.study_network_chart(corpus, corpus.study_ids[-1]),
        "synthesis_network_chart": lambda: peerlib.synthesis_network_chart(corpus),
        "construct_heatmap": lambda: peerlib.construct_heatmap(corpus),
        "similarity_chart": lambda: peerlib.similarity_chart(corpus),
        "centrality_chart": lambda: peerlib.centrality_chart(corpus),
        "evidence_density_chart": lambda: peerlib.evidence_density_chart(corpus),
        "construct_evidence_chart": lambda: peerlib.construct_evidence_chart(
            corpus, corpus.construct_ids[0]
        ),
        "line_of_argument_chart": lambda: peerlib.line_of_argument_chart(corpus),
    }


def child(folder: str) -> None:
    """Measure one review in this (fresh) process; print the results as JSON."""
    import peerlib
    from peerlib.export import chart_spec, render

    results: dict[str, float] = {}

    def timed(name: str, work: Callable[[], Any]) -> Any:
        start = time.perf_counter()
        value = work()
        results[name] = time.perf_counter() - start
        return value

    problems = timed("validate", lambda: peerlib.validate(folder))
    assert problems == [], problems[:3]
    corpus = timed("load", lambda: peerlib.load_corpus(folder))
    for name in TABLES:
        timed(f"· {name}", lambda name=name: getattr(peerlib, name)(corpus))
    results["tables, together"] = sum(results[f"· {name}"] for name in TABLES)
    # vl-convert starts its JavaScript runtime on the first render: time that on its own
    tiny = {"mark": "point", "data": {"values": [{"x": 1}]}, "encoding": {"x": {"field": "x"}}}
    timed("vl-convert start-up", lambda: render(tiny, "svg"))
    sizes = {}
    for name, build in _charts(peerlib, corpus).items():
        svg = timed(f"{name} (SVG)", lambda build=build: render(chart_spec(build()), "svg"))
        sizes[name] = len(svg)
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # KiB on Linux
    print(json.dumps({"seconds": results, "svg_bytes": sizes, "peak_mb": peak}))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--sizes", type=int, nargs="+", default=[5, 50, 200, 1000])
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--child", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        child(args.child)
        return

    from peerlib.synthetic import write_review

    measured: dict[int, dict[str, Any]] = {}
    load_before = os.getloadavg()
    with tempfile.TemporaryDirectory() as tmp:
        for n in args.sizes:
            folder = Path(tmp) / f"review-{n}"
            write_review(folder, n, seed=args.seed)
            run = subprocess.run(
                [sys.executable, __file__, "--child", str(folder)],
                check=True,
                capture_output=True,
                text=True,
            )
            measured[n] = json.loads(run.stdout.strip().splitlines()[-1])
            print(f"{n} studies measured", file=sys.stderr)

    load_after = os.getloadavg()
    sizes = args.sizes
    print(
        f"{platform.node()}: {os.cpu_count()} cores; load average {load_before[0]:.1f} before, "
        f"{load_after[0]:.1f} after; {time.strftime('%Y-%m-%d %H:%M UTC', time.gmtime())}\n"
    )
    ratio = 1000 in sizes and 200 in sizes
    header = ["", *(f"{n:,} studies" for n in sizes)] + (["1,000 / 200"] if ratio else [])
    print("| " + " | ".join(header) + " |")
    print("|" + "---|" * len(header))
    for step in measured[sizes[0]]["seconds"]:
        cells = [f"{measured[n]['seconds'][step]:.2f} s" for n in sizes]
        if ratio:
            big, small = measured[1000]["seconds"][step], measured[200]["seconds"][step]
            cells.append(f"{big / small:.1f}" if small else "")
        print(f"| {step} | " + " | ".join(cells) + " |")
    peaks = [f"{measured[n]['peak_mb']:.0f} MB" for n in sizes]
    growth = [f"{measured[1000]['peak_mb'] / measured[200]['peak_mb']:.1f}"] if ratio else []
    print("| peak memory (RSS) | " + " | ".join(peaks + growth) + " |")
    largest = {n: max(measured[n]["svg_bytes"].values()) / 1e6 for n in sizes}
    print(
        "| largest SVG | "
        + " | ".join(f"{largest[n]:.2f} MB" for n in sizes)
        + (" | |" if ratio else " |")
    )


if __name__ == "__main__":
    main()
