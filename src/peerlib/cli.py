"""The ``peerlib`` command: validate a corpus, write its schemas, build the figures."""

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
    from .loading import corpus_root, load_corpus
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
    from .loading import corpus_root
    from .models import json_schemas

    out = Path(args.out) if args.out else corpus_root(None) / "schema"
    for name, schema in json_schemas().items():
        text = json.dumps(schema, indent=2, ensure_ascii=False, sort_keys=True) + "\n"
        _atomic.write_text(out / name, text)
        print(out / name)
    return 0


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
    from . import build  # light: papermill and Jupyter load only when a notebook must run

    p = sub.add_parser(
        "build",
        help="run the figure notebooks of figures.toml that are out of date",
        description=(build.__doc__ or "").split("\n\n")[0],
    )
    build.add_arguments(p)
    p.set_defaults(run=build.run)
    return parser


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
