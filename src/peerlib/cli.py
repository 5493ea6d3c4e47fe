"""The ``peerlib`` command: validate a corpus, write its schemas, build the figures, exchange
with other tools.

>>> args = _parser().parse_args(["build", "--only", "study-*", "--jobs", "2"])
>>> args.only, args.jobs, args.force, args.check
(['study-*'], 2, False, False)
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Sequence
from pathlib import Path

# Heavy modules (pandas, pydantic) are imported inside the commands that need them, so that
# `peerlib build` can decide that nothing changed in well under a second.

__all__ = ["main"]


def _validate(args: argparse.Namespace) -> int:
    from .corpus_files import corpus_root
    from .loading import load_corpus
    from .overview import corpus_summary
    from .validation import CorpusError

    root = corpus_root(args.path)
    try:
        corpus = load_corpus(root)
    except CorpusError as err:
        for problem in err.problems:
            print(problem, file=sys.stderr)
        count = len(err.problems)
        print(f"{count} problem{'s' if count != 1 else ''} in {root}", file=sys.stderr)
        return 1
    print(f"{root}: valid ({len(corpus.studies)} studies, {len(corpus.constructs)} constructs)")
    if not args.quiet:
        print(corpus_summary(corpus).to_string(index=False))
    return 0


def _schema(args: argparse.Namespace) -> int:
    from . import _atomic
    from .corpus_files import corpus_root
    from .models import json_schemas

    out = Path(args.out) if args.out else corpus_root(None) / "schema"
    for name, schema in json_schemas().items():
        text = json.dumps(schema, indent=2, ensure_ascii=False, sort_keys=True) + "\n"
        _atomic.write_text(out / name, text)
        print(out / name)
    return 0


# ---------------------------------------------------------------------------- exchange
# `peerlib import` and `peerlib export`: REFI-QDA projects and codebooks, graph files.


def _import(args: argparse.Namespace) -> int:
    from .refi_import import RefiImportError, import_refi

    try:
        report = import_refi(args.file, args.out)
    except RefiImportError as err:
        for problem in err.problems:
            print(problem, file=sys.stderr)
        print(f"{args.file}: nothing imported", file=sys.stderr)
        return 1
    for line in report.lines():
        print(line, file=sys.stderr if line.startswith("fault: ") else sys.stdout)
    print(f"wrote {report.out}")
    if report.faults:
        count = len(report.faults)
        print(f"{count} fault{'s' if count != 1 else ''} in {args.file}", file=sys.stderr)
        return 1
    return 0


def _export(args: argparse.Namespace) -> int:
    from .corpus_files import corpus_root
    from .graphs import study_graph, synthesis_graph
    from .loading import UnknownIdError, load_corpus
    from .validation import CorpusError

    root = corpus_root(args.data)
    try:
        corpus = load_corpus(root)
    except CorpusError as err:
        for problem in err.problems:
            print(problem, file=sys.stderr)
        print(f"{root} does not validate: nothing exported", file=sys.stderr)
        return 1
    if args.what == "qdpx":
        from .refi_export import write_qdpx

        print(write_qdpx(corpus, args.out))
    elif args.what == "qdc":
        from .refi_export import write_qdc

        print(write_qdc(corpus, args.out))
    else:
        from .exchange import write_graph

        out = Path(args.out)
        if out.suffix.lstrip(".") != args.format:
            out = out.with_name(f"{out.name}.{args.format}")
        try:
            graph = (
                synthesis_graph(corpus) if args.study is None else study_graph(corpus, args.study)
            )
        except UnknownIdError as err:
            print(f"{root}: --study: {err}", file=sys.stderr)
            return 1
        print(write_graph(graph, out, seed=args.seed))
    return 0


def _add_exchange_commands(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    p = sub.add_parser(
        "import",
        help="turn a REFI-QDA project (.qdpx) or codebook (.qdc) into a new corpus folder",
    )
    p.add_argument("file", help="the .qdpx or .qdc file (NVivo, ATLAS.ti, MAXQDA, QualCoder, ...)")
    p.add_argument("--out", required=True, help="the corpus folder to create (must be new)")
    p.set_defaults(run=_import)
    p = sub.add_parser("export", help="write a corpus as REFI-QDA or a graph as a graph file")
    p.add_argument("what", choices=["qdpx", "qdc", "graph"], help="what to write")
    p.add_argument("out", help="the file to write")
    p.add_argument("--data", default=None, help="corpus folder (default: the bundled review)")
    p.add_argument(
        "--format",
        choices=["graphml", "gexf", "cyjs"],
        default="graphml",
        help="graph file format (graph only; default graphml)",
    )
    p.add_argument(
        "--study", default=None, help="the study's graph (graph only; default: synthesis)"
    )
    p.add_argument("--seed", type=int, default=7, help="layout seed of the figure (graph only)")
    p.set_defaults(run=_export)


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="peerlib", description=__doc__)
    sub = parser.add_subparsers(dest="command", required=True)
    p = sub.add_parser("validate", help="check a corpus folder and summarise it")
    p.add_argument("path", nargs="?", help="corpus folder (default: the bundled review)")
    p.add_argument("-q", "--quiet", action="store_true", help="no summary table")
    p.set_defaults(run=_validate)
    p = sub.add_parser("schema", help="write the JSON Schemas of the corpus format")
    p.add_argument("--out", default=None, help="output folder (default: data/schema)")
    p.set_defaults(run=_schema)
    _add_exchange_commands(sub)
    p = sub.add_parser(
        "build",
        help="run the figure notebooks of figures.toml that are out of date",
        description="Run every figure notebook x parameter set of figures.toml that is out of "
        "date, in parallel, and keep <out>/manifest.json.",
    )
    _build_arguments(p)
    p.set_defaults(run=_build)
    return parser


def _build_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--config", help="the build file (default: figures.toml here or in a parent folder)"
    )
    parser.add_argument("--data", help="corpus folder (default: the bundled review)")
    parser.add_argument("--out", help="artifacts and manifest.json (default: <root>/figures)")
    parser.add_argument(
        "--build-dir", help="executed notebooks, logs, staging (default: <root>/build)"
    )
    parser.add_argument(
        "-j", "--jobs", type=int, default=None, help="worker processes (default: all cores)"
    )
    parser.add_argument(
        "--only",
        action="append",
        default=[],
        metavar="PATTERN",
        help="build only runs whose name matches this glob (repeatable), e.g. 'study-*'",
    )
    parser.add_argument("--force", action="store_true", help="rebuild even when up to date")
    parser.add_argument(
        "--check",
        action="store_true",
        help="rebuild into build/check/ and fail if any artifact differs from the manifest",
    )
    parser.add_argument(
        "-n", "--dry-run", action="store_true", help="list what would be built, and why"
    )
    parser.add_argument("-v", "--verbose", action="store_true", help="also list up-to-date runs")


def _build(args: argparse.Namespace) -> int:
    # light: papermill and Jupyter load only when a notebook must run
    from .build import BuildConfigError, Project, build, check
    from .build.results import shown

    if args.jobs is not None and args.jobs < 1:
        print("peerlib build: --jobs must be at least 1", file=sys.stderr)
        return 2
    if args.check and (args.force or args.dry_run):
        print("peerlib build: --check rebuilds everything; drop --force/--dry-run", file=sys.stderr)
        return 2

    def say(line: str) -> None:
        print(line, flush=True)

    try:
        project = Project.resolve(
            args.config, data=args.data, out=args.out, build_dir=args.build_dir
        )
        if args.check:
            result = check(project, jobs=args.jobs, only=args.only, progress=say)
        else:
            result = build(
                project,
                jobs=args.jobs,
                only=args.only,
                force=args.force,
                dry_run=args.dry_run,
                progress=say,
            )
    except BuildConfigError as error:
        print(f"peerlib build: {error}", file=sys.stderr)
        return 2
    if args.verbose or args.dry_run:
        for name in result.skipped:
            print(f"up to date  {name}")
    for name, reason in result.planned.items():
        print(f"would build {name}  ({reason})")
    for name in result.pruned:
        print(f"removed     {name} (no longer in the build file)")
    counts = [f"{len(result.built)} built", f"{len(result.skipped)} up to date"]
    if result.failed:
        counts.append(f"{len(result.failed)} failed")
    if not args.dry_run:
        print(f"{', '.join(counts)} in {result.seconds:.1f} s")
    if result.failed:
        count = len(result.failed)
        print(f"\n{count} run{'s' if count != 1 else ''} failed:", file=sys.stderr)
        for failure in result.failed:
            print(failure.describe(), file=sys.stderr)
    if args.check:
        for line in result.differences:
            print(line)
        if result.differences:
            n = len(result.differences)
            print(f"check failed: {n} difference{'s' if n != 1 else ''}", file=sys.stderr)
        elif not result.failed:
            print(f"check passed: every artifact matches {shown(result.manifest)}")
    return result.exit_status


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line; return the exit status."""
    args = _parser().parse_args(argv)
    try:
        return int(args.run(args))
    except KeyboardInterrupt:
        print("interrupted", file=sys.stderr)
        return 130


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
