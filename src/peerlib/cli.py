"""The ``peerlib`` command: start, check, build and cite a review, and exchange it with other
tools.

Commands, one function each, grouped as a review author meets them: ``init`` (a starter
review), ``validate``, ``quotes`` (excerpts against the source texts), ``build`` (every
figure), ``export`` (a subcommand per format: BibTeX and RIS reference lists, REFI-QDA, graph
files), ``import`` (REFI-QDA) and ``schema``.

>>> args = _parser().parse_args(["build", "--only", "study-*", "--jobs", "2"])
>>> args.only, args.jobs, args.force, args.check, args.quiet
(['study-*'], 2, False, False, False)
>>> args = _parser().parse_args(["-q", "export", "ris", "refs.ris", "--data", "my-review"])
>>> args.what, args.out, args.data, args.quiet
('ris', 'refs.ris', 'my-review', True)
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import Any

# Heavy modules (pandas, pydantic) are imported inside the commands that need them, so that
# `peerlib build` can decide that nothing changed in well under a second.

__all__ = ["main"]

_DESCRIPTION = """\
Concept graphs, cross-study comparison and reproducible figures for qualitative evidence
synthesis. Your own review, from an empty folder:

  peerlib init my-review                            a starter review that validates
  peerlib validate my-review                        every problem, one line each
  peerlib quotes my-review --sources texts          every excerpt against its source text
  peerlib build --data my-review --out figs         every figure and table
  peerlib export bibtex refs.bib --data my-review   the reference list (or: export ris)

Without a folder, commands work on the review bundled with peerlib."""


# ------------------------------------------------------------------------------ the review


def _init(args: argparse.Namespace) -> int:
    from .starter import StarterError, write_starter

    try:
        written = write_starter(args.folder)
    except StarterError as error:
        print(f"peerlib init: {error}", file=sys.stderr)
        return 1
    if not args.quiet:
        for path in written:
            print(path)
        print(f"next: edit {written[0]}, then: peerlib validate {args.folder}")
    return 0


def _validate(args: argparse.Namespace) -> int:
    from .corpus_files import corpus_root
    from .loading import load_corpus
    from .overview import corpus_summary
    from .validation import CorpusError

    root = corpus_root(args.path)
    try:
        corpus = load_corpus(root)
    except CorpusError as err:
        return _problems(err, root)
    studies, constructs = len(corpus.studies), len(corpus.constructs)
    print(
        f"{root}: valid ({studies} stud{'y' if studies == 1 else 'ies'}, "
        f"{constructs} construct{'' if constructs == 1 else 's'})"
    )
    if not args.quiet:
        print(corpus_summary(corpus).to_string(index=False))
    if args.complete:
        from .loading import validate

        gaps = validate(root, complete=True)  # a valid corpus: everything listed is a gap
        for gap in gaps:
            print(gap, file=sys.stderr)
        if gaps:
            count = len(gaps)
            print(f"{count} gap{'s' if count != 1 else ''} in {root}", file=sys.stderr)
            return 1
    return 0


def _problems(err: Any, root: Path, after: str = "") -> int:
    """Print a CorpusError's problems, one line each, and a count; exit status 1."""
    for problem in err.problems:
        print(problem, file=sys.stderr)
    count = len(err.problems)
    print(f"{count} problem{'s' if count != 1 else ''} in {root}{after}", file=sys.stderr)
    return 1


def _quotes(args: argparse.Namespace) -> int:
    from .corpus_files import corpus_root
    from .quotations import SourcesError, check_quotations
    from .validation import CorpusError

    root = corpus_root(args.path)
    try:
        report = check_quotations(root, args.sources)
    except CorpusError as err:
        return _problems(err, root, ": fix them before checking quotations")
    except SourcesError as error:
        print(f"peerlib quotes: {error}", file=sys.stderr)
        return 1
    for problem in report.problems:
        print(problem, file=sys.stderr)
    if report.problems or not args.quiet:
        print(report.summary(), file=sys.stderr if report.problems else sys.stdout)
    return 1 if report.problems else 0


def _export_citations(args: argparse.Namespace) -> int:
    from . import _atomic
    from .citations import FORMATS
    from .corpus_files import corpus_root
    from .loading import load_corpus
    from .validation import CorpusError

    root = corpus_root(args.data)
    try:
        corpus = load_corpus(root)
    except CorpusError as err:
        return _problems(err, root, ": nothing exported")
    text = FORMATS[args.what](corpus)
    if args.out in (None, "-"):
        sys.stdout.write(text)
    else:
        _atomic.write_text(Path(args.out), text)
        if not args.quiet:
            print(f"{args.out}: {len(corpus.studies)} references ({args.what})")
    return 0


def _schema(args: argparse.Namespace) -> int:
    from . import _atomic
    from .corpus_files import corpus_root
    from .models import json_schemas

    out = Path(args.out) if args.out else corpus_root(None) / "schema"
    for name, schema in json_schemas().items():
        text = json.dumps(schema, indent=2, ensure_ascii=False, sort_keys=True) + "\n"
        _atomic.write_text(out / name, text)
        if not args.quiet:
            print(out / name)
    return 0


# ------------------------------------------------------------------------------ exchange
# `peerlib import` and `peerlib export qdpx|qdc|graph`: REFI-QDA projects and codebooks, graph
# files.


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


# ------------------------------------------------------------------------------ the build


def _build(args: argparse.Namespace) -> int:
    # light: papermill and Jupyter load only when a notebook must run
    from .build import BuildConfigError, Project, build, check
    from .build.live import LiveProgress
    from .build.results import shown
    from .corpus_files import corpus_root

    if args.jobs is not None and args.jobs < 1:
        print("peerlib build: --jobs must be at least 1", file=sys.stderr)
        return 2
    if args.check and (args.force or args.dry_run):
        print("peerlib build: --check rebuilds everything; drop --force/--dry-run", file=sys.stderr)
        return 2

    def say(line: str) -> None:
        print(line, flush=True)

    live = LiveProgress(sys.stdout) if sys.stdout.isatty() and not args.quiet else None
    progress = None if args.quiet else (live or say)
    try:
        project = Project.resolve(
            args.config, data=args.data, out=args.out, build_dir=args.build_dir
        )
        if args.check:
            result = check(project, jobs=args.jobs, only=args.only, progress=progress)
        else:
            result = build(
                project,
                jobs=args.jobs,
                only=args.only,
                force=args.force,
                dry_run=args.dry_run,
                progress=progress,
            )
    except BuildConfigError as error:
        for line in str(error).splitlines():
            print(f"peerlib build: {line}", file=sys.stderr)
        return 2
    except Exception as error:
        from .validation import CorpusError

        if isinstance(error, CorpusError):
            return _problems(error, corpus_root(args.data), ": nothing was built")
        raise
    finally:
        if live is not None:
            live.close()
    if args.verbose or args.dry_run:
        for name in result.skipped:
            print(f"up to date  {name}")
    for name, reason in result.planned.items():
        print(f"would build {name}  ({reason})")
    if not args.quiet:
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


def _build_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--config",
        help="the build file (default: figures.toml in the corpus folder, else peerlib's own)",
    )
    parser.add_argument("--data", help="corpus folder (default: the bundled review)")
    parser.add_argument(
        "--out",
        help="artifacts and manifest.json (default: <corpus>/figures; for the bundled review, "
        "the repository's figures/)",
    )
    parser.add_argument(
        "--build-dir",
        help="executed notebooks, logs, staging (default: <out>/.peerlib-build)",
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
        help="rebuild into the build folder and fail if any artifact differs from the manifest",
    )
    parser.add_argument(
        "-n", "--dry-run", action="store_true", help="list what would be built, and why"
    )
    parser.add_argument("-v", "--verbose", action="store_true", help="also list up-to-date runs")


# ------------------------------------------------------------------------------ the parser


def _parser() -> argparse.ArgumentParser:
    from . import __version__

    parser = argparse.ArgumentParser(
        prog="peerlib",
        description=_DESCRIPTION,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("--version", action="version", version=f"peerlib {__version__}")
    parser.add_argument(
        "-q", "--quiet", action="store_true", help="print only problems and one line of result"
    )
    # each command takes -q too, after its name; SUPPRESS keeps `peerlib -q CMD` working
    quiet = argparse.ArgumentParser(add_help=False)
    quiet.add_argument(
        "-q",
        "--quiet",
        action="store_true",
        default=argparse.SUPPRESS,
        help="print only problems and one line of result",
    )
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")

    def command(name: str, summary: str, **kwargs: Any) -> argparse.ArgumentParser:
        return sub.add_parser(name, help=summary, description=summary, parents=[quiet], **kwargs)

    p = command("init", "write a starter review (one study, a synthesis, the schemas)")
    p.add_argument("folder", help="the new review's folder (must not exist, or be empty)")
    p.set_defaults(run=_init)

    p = command("validate", "check a review folder and summarise it")
    p.add_argument("path", nargs="?", help="review folder (default: the bundled review)")
    p.add_argument(
        "--complete",
        action="store_true",
        help="also list what a complete meta-ethnography accounts for and the review leaves "
        "open (pairs sharing a construct without a translation or a reason, extends without a "
        "direction, concepts no construct holds without a reason); exit 1 if any",
    )
    p.set_defaults(run=_validate)

    p = command("quotes", "check every verbatim excerpt against the source texts")
    p.add_argument("path", nargs="?", help="review folder (default: the bundled review)")
    p.add_argument(
        "--sources",
        required=True,
        metavar="TEXTS",
        help="folder of the source texts, named as each study's context.source_file",
    )
    p.set_defaults(run=_quotes)

    p = command(
        "build",
        "run the figure notebooks that are out of date",
        epilog="Runs every notebook x parameter set of the build file that is out of date, in "
        "parallel, and keeps <out>/manifest.json. The corpus is validated first.",
    )
    _build_arguments(p)
    p.set_defaults(run=_build)

    p = command("export", "write the review in another format")
    formats = p.add_subparsers(dest="what", metavar="FORMAT", required=True)
    _export_citation_commands(formats, quiet)
    _export_exchange_commands(formats, quiet)

    p = command(
        "import", "turn a REFI-QDA project (.qdpx) or codebook (.qdc) into a new corpus folder"
    )
    p.add_argument("file", help="the .qdpx or .qdc file (NVivo, ATLAS.ti, MAXQDA, QualCoder, ...)")
    p.add_argument("--out", required=True, help="the corpus folder to create (must be new)")
    p.set_defaults(run=_import)

    p = command("schema", "write the JSON Schemas of the corpus format")
    p.add_argument("--out", default=None, help="output folder (default: data/schema)")
    p.set_defaults(run=_schema)
    return parser


def _export_citation_commands(formats: Any, quiet: argparse.ArgumentParser) -> None:
    """``export bibtex`` and ``export ris``: the reference list of the included studies."""
    for name, what in (("bibtex", "BibTeX (.bib)"), ("ris", "RIS (.ris)")):
        summary = f"the included studies as {what}, from their citation blocks"
        p = formats.add_parser(name, help=summary, description=summary, parents=[quiet])
        p.add_argument("out", nargs="?", help="the file to write (default: standard output)")
        p.add_argument("--data", default=None, help="corpus folder (default: the bundled review)")
        p.set_defaults(run=_export_citations)


def _export_exchange_commands(formats: Any, quiet: argparse.ArgumentParser) -> None:
    """``export qdpx``, ``export qdc`` and ``export graph``: REFI-QDA and graph files."""
    for name, summary in (
        ("qdpx", "the review as a REFI-QDA project (.qdpx)"),
        ("qdc", "the review's codebook as REFI-QDA (.qdc)"),
        ("graph", "a concept graph as a graph file (GraphML, GEXF, Cytoscape JSON)"),
    ):
        p = formats.add_parser(name, help=summary, description=summary, parents=[quiet])
        p.add_argument("out", help="the file to write")
        p.add_argument("--data", default=None, help="corpus folder (default: the bundled review)")
        if name == "graph":
            p.add_argument(
                "--format",
                choices=["graphml", "gexf", "cyjs"],
                default="graphml",
                help="graph file format (default graphml)",
            )
            p.add_argument("--study", default=None, help="the study's graph (default: synthesis)")
            p.add_argument("--seed", type=int, default=7, help="layout seed of the figure")
        p.set_defaults(run=_export)


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line; return the exit status."""
    parser = _parser()
    args = parser.parse_args(argv)
    if getattr(args, "run", None) is None:  # bare `peerlib`: help, not an error
        parser.print_help()
        return 0
    try:
        return int(args.run(args))
    except KeyboardInterrupt:
        print("interrupted", file=sys.stderr)
        return 130


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
