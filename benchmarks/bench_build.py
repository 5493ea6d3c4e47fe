"""Benchmark ``peerlib build`` against a naive loop over the papermill command line.

Measures, in one go and on a scratch copy of the corpus (the real one is never touched):

1. naive: the ``papermill`` CLI once per notebook x parameter set, one after the other, with the
   same injected parameters and environment as the build, into a temporary folder;
2. clean: ``peerlib build`` into an empty output and build folder;
3. no-op: ``peerlib build`` again, nothing changed;
4. edit: ``peerlib build`` after appending a comment to one study file: which runs rebuild;
   (and, as a control, after only touching that file's modification time: none should).

Usage (from the repository root)::

    .venv/bin/python benchmarks/bench_build.py [--config FILE] [--data DIR] [--jobs N]
    .venv/bin/python benchmarks/bench_build.py --studies 200 --skip-naive   # a generated review

Targets: bundled review, clean <= 0.25 x naive, no-op < 1 s; 200 generated studies, clean
<= 10 min and one edited study <= 60 s; 1,000 studies, clean <= 30 min and an edit <= 3 min.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import re
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

BIN = Path(sys.executable).parent
ENV = {"TZ": "UTC", "PYTHONHASHSEED": "0", "SOURCE_DATE_EPOCH": "315532800"}


def timed(cmd: list[str], **kwargs: object) -> tuple[float, subprocess.CompletedProcess[str]]:
    started = time.perf_counter()
    done = subprocess.run(cmd, capture_output=True, text=True, check=False, **kwargs)  # type: ignore[call-overload]
    return time.perf_counter() - started, done


def hashes(folder: Path) -> dict[str, str]:
    return {
        p.relative_to(folder).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted(folder.rglob("*"))
        if p.is_file() and p.name != "manifest.json" and not p.name.startswith(".")
    }


def naive(config: Path, data: Path, scratch: Path) -> tuple[float, int, dict[str, str]]:
    """The papermill CLI once per run; returns wall time, run count, artifact hashes."""
    from peerlib.build.config import expand, load_config
    from peerlib.build.notebooks import notebook_path

    root = config.resolve().parent
    runs = expand(load_config(config), data)
    out = scratch / "naive"
    env = {**os.environ, **ENV}
    started = time.perf_counter()
    for run in runs:
        (out / run.name).mkdir(parents=True)
        parameters = {**run.parameters, "data_dir": str(data), "out_dir": str(out / run.name)}
        notebook = notebook_path(root, run.notebook)
        cmd = [
            str(BIN / "papermill"),
            str(notebook),
            str(scratch / "naive-notebooks" / f"{run.name}.ipynb"),
            "--kernel",
            "python3",
            "--language",
            "python",
            "--cwd",
            str(notebook.parent),
            "--parameters_yaml",
            json.dumps(parameters),  # JSON is YAML
            "--execution-timeout",
            str(int(run.timeout)),
            "--no-progress-bar",
        ]
        (scratch / "naive-notebooks").mkdir(exist_ok=True)
        done = subprocess.run(cmd, capture_output=True, text=True, env=env, check=False)
        if done.returncode != 0:
            print(f"  naive: {run.name} failed:\n{done.stderr[-2000:]}", file=sys.stderr)
    return time.perf_counter() - started, len(runs), hashes(out)


def _peak_mb() -> float:
    """The largest peak RSS of any process this script has waited for (the build, its workers,
    their kernels: each waits for its own children), in MB; Linux reports kilobytes."""
    return resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--config", help="the build file (default: peerlib's own)")
    parser.add_argument("--data", help="corpus folder (default: the bundled review)")
    parser.add_argument("--jobs", type=int, help="passed to peerlib build (default: all cores)")
    parser.add_argument("--skip-naive", action="store_true", help="do not time the naive loop")
    parser.add_argument(
        "--studies", type=int, help="build a review of this many generated studies instead"
    )
    parser.add_argument("--seed", type=int, default=0, help="seed of the generated review")
    args = parser.parse_args()

    from peerlib.build.notebooks import DEFAULT_CONFIG
    from peerlib.corpus_files import corpus_root

    config = Path(args.config).resolve() if args.config else DEFAULT_CONFIG
    source = Path(args.data).resolve() if args.data else corpus_root().resolve()
    scratch = Path(tempfile.mkdtemp(prefix="peerlib-bench-"))
    try:
        data = scratch / "data"
        if args.studies:
            from peerlib.synthetic import write_review

            write_review(data, args.studies, seed=args.seed)
            source = Path(f"<{args.studies} generated studies, seed {args.seed}>")
        else:
            shutil.copytree(source, data)
        build = [str(BIN / "peerlib"), "build", "--config", str(config), "--data", str(data)]
        build += ["--out", str(scratch / "figures"), "--build-dir", str(scratch / "build")]
        if args.jobs:
            build += ["--jobs", str(args.jobs)]
        print(f"config {config}, corpus {source}, {os.cpu_count()} cores")

        if not args.skip_naive:
            naive_s, count, naive_hashes = naive(config, data, scratch)
            print(f"1. naive papermill CLI loop: {count} runs in {naive_s:.1f} s")

        clean_s, done = timed(build)
        if done.returncode != 0:
            print(done.stdout, done.stderr, sep="\n", file=sys.stderr)
        print(f"2. clean peerlib build:      {clean_s:.1f} s (exit {done.returncode})")
        print(f"   peak memory (RSS) of its largest process: {_peak_mb():,.0f} MB")
        if not args.skip_naive:
            built = hashes(scratch / "figures")
            both = set(built) & set(naive_hashes)
            differ = sorted(a for a in both if built[a] != naive_hashes[a])
            shown = ", ".join(differ[:6]) + (" ..." if len(differ) > 6 else "")
            print(f"   artifacts of both, other bytes than the naive loop's: {len(differ)} {shown}")
            # the build's own pages: the executed notebooks as pages, the site, its index
            extra = sorted(set(built) - set(naive_hashes))
            kinds = sorted(
                {a.split("/")[0] if a.startswith("site/") else a.rsplit("/")[-1] for a in extra}
            )
            print(f"   made by the build alone: {len(extra)} ({', '.join(kinds)})")
            if set(naive_hashes) - set(built):
                print(f"   made by the naive loop alone: {sorted(set(naive_hashes) - set(built))}")

        noop_s, done = timed(build)
        if done.returncode != 0:
            print(done.stderr[-3000:], file=sys.stderr)
        print(
            f"3. no-op rebuild:            {noop_s:.2f} s  ({done.stdout.strip().splitlines()[-1]})"
        )

        study = sorted((data / "studies").glob("*.y*ml"))[0]
        os.utime(study)
        touch_s, done = timed(build)
        touched = re.findall(r"\] built\s+(\S+)", done.stdout)
        print(
            f"4a. after touching {study.name} (mtime only): {len(touched)} rebuilt, {touch_s:.2f} s"
        )
        with study.open("a", encoding="utf-8") as handle:
            handle.write("# benchmark edit\n")
        edit_s, done = timed(build)
        if done.returncode != 0:
            print(done.stderr[-3000:], file=sys.stderr)
        rebuilt = re.findall(r"\] built\s+(\S+)", done.stdout)
        print(
            f"4b. after editing {study.name}: {len(rebuilt)} rebuilt in {edit_s:.1f} s: "
            + (", ".join(rebuilt) or "none")
        )

        print(f"   peak memory (RSS) of the largest process so far: {_peak_mb():,.0f} MB")
        print("\nratios")
        if not args.skip_naive:
            print(f"  clean / naive = {clean_s / naive_s:.2f}   (target <= 0.25)")
        print(f"  no-op / clean = {noop_s / clean_s:.3f}  (no-op {noop_s:.2f} s, target < 1 s)")
        print(f"  rebuilt after editing {study.name}: {', '.join(rebuilt) or 'none'}")
    finally:
        shutil.rmtree(scratch, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
