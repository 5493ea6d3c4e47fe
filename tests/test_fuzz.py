"""Fuzz the reader: mutated corpus files give a ``CorpusError`` or a corpus, never anything else.

Hypothesis mutates the mini corpus's files (byte flips, deleted and duplicated lines, YAML
specials and control characters inserted anywhere) and loads the corpus each time. The run
happens in a child process whose address space is capped (:data:`MEMORY_LIMIT`), so a file
that asks for gigabytes fails the test instead of the machine. It is seeded
(``derandomize=True``): CI runs the same examples every time. For a longer local run::

    PEERLIB_FUZZ_EXAMPLES=20000 .venv/bin/python -m pytest tests/test_fuzz.py
"""

from __future__ import annotations

import os
import resource
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

#: Examples per run: a short run in CI; set PEERLIB_FUZZ_EXAMPLES for a longer one.
EXAMPLES = int(os.environ.get("PEERLIB_FUZZ_EXAMPLES", "200"))
#: Address space of the fuzzing process (loading the mini corpus peaks near 300 MB).
MEMORY_LIMIT = 2 * 2**30
MINI = Path(__file__).parent / "fixtures" / "mini"
#: What is inserted: YAML's special syntax, and what the reader refuses.
SPECIALS = [
    "&a ",
    "*a",
    "&a [*a, *a, *a] ",
    "<<: *a\n",
    "!!python/object/apply:os.system ['true'] ",
    "!!binary ",
    "!!timestamp ",
    "!custom ",
    "%YAML 1.1\n",
    "%TAG !p! tag:yaml.org,2002:python/\n",
    "---\n",
    "...\n",
    "{",
    "}",
    "[",
    "]",
    "[" * 200,
    "{a: " * 100,
    ": ",
    "- ",
    "? ",
    "|\n",
    ">-\n",
    '"',
    "'",
    "# ",
    "\t",
    "\r",
    "\n",
    "\x00",
    "\x01",
    "\x7f",
    "\x85",
    "\u2028",
    "\ufeff",
    '"\\a\\e\\0\\x9b\\L\\ud800"',
    "\\",
    "~",
    "null",
    "yes",
    "0x1F",
    "010",
    "1:30",
    "2014-13-45",
    "2014-01-05",
    ".inf",
    "-1",
    "9" * 30,
    "9" * 5000,
    "a" * 300,
    "   ",
    "é",
    "\udcff",
]


def test_only_corpus_errors_escape_load_corpus() -> None:
    done = subprocess.run(
        [sys.executable, __file__],
        capture_output=True,
        text=True,
        timeout=60 + EXAMPLES,
        preexec_fn=_limit_memory,
        check=False,
    )
    assert done.returncode == 0, done.stdout[-5000:] + done.stderr[-5000:]
    assert f"{EXAMPLES} examples" in done.stdout


def _limit_memory() -> None:  # pragma: no cover - runs in the child process
    resource.setrlimit(resource.RLIMIT_AS, (MEMORY_LIMIT, MEMORY_LIMIT))


def _mutate(raw: bytes, mutations: list[tuple[str, int, str]]) -> bytes:
    for kind, where, special in mutations:
        if kind == "flip":
            at = where % len(raw)
            raw = raw[:at] + bytes([raw[at] ^ (1 << (where % 8))]) + raw[at + 1 :]
            continue
        lines = raw.splitlines(keepends=True) or [b""]
        at = where % len(lines)
        if kind == "delete":
            del lines[at]
        elif kind == "duplicate":
            lines.insert(at, lines[at])
        else:
            line = lines[at]
            column = where % (len(line) + 1)
            piece = special.encode("utf-8", "surrogateescape")
            lines[at] = line[:column] + piece + line[column:]
        raw = b"".join(lines) or b"\n"
    return raw


def _fuzz() -> int:  # pragma: no cover - runs in the child process
    from hypothesis import HealthCheck, given, settings
    from hypothesis import strategies as st

    from peerlib import CorpusError, load_corpus

    root = Path(tempfile.mkdtemp(prefix="peerlib-fuzz-")) / "corpus"
    shutil.copytree(MINI, root)
    sources = sorted(p.relative_to(root) for p in root.rglob("*.yaml"))
    originals = {p: (root / p).read_bytes() for p in sources}
    mutation = st.tuples(
        st.sampled_from(["flip", "delete", "duplicate", "insert", "insert", "insert"]),
        st.integers(min_value=0, max_value=2**20),
        st.sampled_from(SPECIALS),
    )
    loaded = 0

    @settings(
        max_examples=EXAMPLES,
        derandomize=True,
        database=None,
        deadline=None,
        suppress_health_check=list(HealthCheck),
    )
    @given(source=st.sampled_from(sources), mutations=st.lists(mutation, min_size=1, max_size=5))
    def load_mutated(source: Path, mutations: list[tuple[str, int, str]]) -> None:
        nonlocal loaded
        (root / source).write_bytes(_mutate(originals[source], mutations))
        problems: list[str] | None = None
        try:
            load_corpus(root, jobs=1)
            loaded += 1
        except CorpusError as err:  # anything else fails the example
            problems = [str(p) for p in err.problems]
        finally:
            (root / source).write_bytes(originals[source])
        if problems is not None:
            assert problems  # an error names what is wrong
            assert all("\n" not in p for p in problems)  # one problem, one line

    load_mutated()
    shutil.rmtree(root.parent)
    print(f"{EXAMPLES} examples, {loaded} loaded as a corpus")
    return 0


if __name__ == "__main__":  # pragma: no cover
    sys.exit(_fuzz())
