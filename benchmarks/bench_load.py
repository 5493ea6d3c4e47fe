"""Benchmark: validate and load a large generated review, cold, in a fresh process.

Generates a review of N studies with :func:`peerlib.synthetic.write_review` (copies of the
bundled studies under new ids, so they have realistic size and structure, and a synthesis that
maps them onto constructs), then times, each in a new interpreter (imports included):

- ``peerlib validate -q DIR`` (the command a user runs), and
- ``peerlib.load_corpus(DIR)`` (validation plus building the tables).

Usage: ``.venv/bin/python benchmarks/bench_load.py [--studies 1000] [--repeat 3]``
"""

from __future__ import annotations

import argparse
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path


def generate(target: Path, count: int) -> int:
    """Write a review of ``count`` studies into ``target``; return its total size in bytes."""
    from peerlib.synthetic import write_review

    write_review(target, count, seed=0)
    return sum(p.stat().st_size for p in target.rglob("*.yaml"))


def timed(argv: list[str]) -> float:
    start = time.perf_counter()
    subprocess.run(argv, check=True, stdout=subprocess.DEVNULL)
    return time.perf_counter() - start


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--studies", type=int, default=1000)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        size = generate(root, args.studies)
        print(f"{args.studies} studies and their synthesis, {size / 1e6:.1f} MB")
        load = f"import peerlib; c = peerlib.load_corpus({str(root)!r}); print(len(c.relations))"
        cases = {
            "peerlib validate (cold)": [
                sys.executable,
                "-m",
                "peerlib.cli",
                "validate",
                "-q",
                str(root),
            ],
            "load_corpus (cold)": [sys.executable, "-c", load],
        }
        for name, argv in cases.items():
            times = [timed(argv) for _ in range(args.repeat)]
            print(
                f"{name:26s} median {statistics.median(times):6.2f} s  "
                f"(min {min(times):.2f}, max {max(times):.2f}, n={len(times)})"
            )


if __name__ == "__main__":
    main()
