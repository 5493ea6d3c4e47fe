"""A malformed corpus, case by case: each one exact line from ``peerlib validate``, and exit 1.

Every case breaks one file of the mini corpus (a text replacement, or a file that is not a
regular file at all) and asserts the whole of stderr: the one problem as
``file:line: where: message``, then the count. Cases marked ``bounded`` used to exhaust memory,
recurse or hang; they run in a child process under a 1 GiB address-space limit and a timeout,
so a regression fails the test instead of the machine.
"""

from __future__ import annotations

import os
import resource
import subprocess
import sys
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import pytest

from peerlib.cli import main

GAMMA = "studies/gamma.yaml"
SYNTHESIS = "synthesis.yaml"
#: Address space of a child ``peerlib validate`` (a clean run peaks near 300 MB).
MEMORY_LIMIT = 2**30
#: A guard against a hang, not a speed target: a bounded case takes well under a second.
TIMEOUT = 120


@dataclass(frozen=True)
class Case:
    """Replace ``old`` by ``new`` in ``file`` (or run ``setup``); expect ``line: where: what``."""

    name: str
    file: str
    old: str | bytes
    new: str | bytes
    expected: str
    setup: Callable[[Path], None] | None = None
    bounded: bool = False

    def apply(self, root: Path) -> None:
        if self.setup is not None:
            self.setup(root / self.file)
            return
        path = root / self.file
        raw = path.read_bytes() if self.old else b""
        old = self.old if isinstance(self.old, bytes) else self.old.encode("utf-8")
        new = self.new if isinstance(self.new, bytes) else self.new.encode("utf-8")
        assert old in raw, f"{old!r} not in {path}"
        path.write_bytes(raw.replace(old, new, 1) if old else new)


def edit(
    name: str, old: str | bytes, new: str | bytes, expected: str, *, bounded: bool = False
) -> Case:
    """A case that edits gamma.yaml (``old`` empty: replaces the whole file)."""
    return Case(name, GAMMA, old, new, expected, bounded=bounded)


def edit_synthesis(name: str, old: str, new: str, expected: str) -> Case:
    return Case(name, SYNTHESIS, old, new, expected)


def special(name: str, file: str, setup: Callable[[Path], None], expected: str) -> Case:
    """A case that puts something other than a regular file under a corpus file's name."""
    return Case(name, file, "", "", expected, setup=setup, bounded=True)


# ------------------------------------------------------------------ things in place of a file


def folder(path: Path) -> None:
    path.unlink(missing_ok=True)
    path.mkdir()


def fifo(path: Path) -> None:
    path.unlink(missing_ok=True)
    os.mkfifo(path)


def link_to(target: str) -> Callable[[Path], None]:
    def setup(path: Path) -> None:
        path.unlink(missing_ok=True)
        path.symlink_to(target)

    return setup


def looping_link(path: Path) -> None:
    path.unlink(missing_ok=True)
    path.symlink_to(path.name)


def huge(path: Path) -> None:
    with path.open("ab") as file:  # sparse: 60 MB on paper, nothing on disk
        file.truncate(60 * 2**20)


def billion_laughs(levels: int) -> str:
    lines = ['  a0: &a0 "lol"']
    for i in range(1, levels):
        refs = ", ".join([f"*a{i - 1}"] * 9)
        lines.append(f"  a{i}: &a{i} [{refs}]")
    return "  coverage_note: x\nextra:\n" + "\n".join(lines) + "\n"


DEEP = 10_000

CASES = [
    # -- anchors and aliases: the format never repeats anything
    edit(
        "billion-laughs",
        '  coverage_note: "Abstract only."\n',
        billion_laughs(10),
        "18: extra.a0: YAML anchors and aliases (&name, *name) are not allowed: "
        "write the value out in full",
        bounded=True,
    ),
    edit(
        "recursive-alias",
        "    concepts: [training, mutuality]",
        "    concepts: &c [training, *c]",
        "21: themes[0].concepts: YAML anchors and aliases (&name, *name) are not allowed: "
        "write the value out in full",
        bounded=True,
    ),
    edit(
        "anchor-without-alias",
        'title: "Mutuality in a trained workforce"',
        'title: &t "Mutuality in a trained workforce"',
        "5: citation.title: YAML anchors and aliases (&name, *name) are not allowed: "
        "write the value out in full",
    ),
    edit(
        "alias-as-value",
        '  venue: "Fixture Studies"',
        "  venue: *nothing",
        "6: citation.venue: YAML anchors and aliases (&name, *name) are not allowed: "
        "write the value out in full",
    ),
    edit(
        "merge-key",
        '  venue: "Fixture Studies"',
        '  venue: "Fixture Studies"\n  <<: *base',
        "7: citation.<<: YAML anchors and aliases (&name, *name) are not allowed: "
        "write the value out in full",
    ),
    # -- nesting: refused at depth 50, read as a stream, never recursively
    edit(
        "deep-flow-lists",
        '  coverage_note: "Abstract only."',
        "  coverage_note: " + "[" * DEEP + "]" * DEEP,
        "16: context.coverage_note[0][0]: nested deeper than 50 levels: "
        "a corpus file needs far fewer",
        bounded=True,
    ),
    edit(
        "deep-flow-mappings",
        '  coverage_note: "Abstract only."',
        "  coverage_note: " + "{a: " * DEEP + "}" * DEEP,
        "16: context.coverage_note.a.a: nested deeper than 50 levels: "
        "a corpus file needs far fewer",
        bounded=True,
    ),
    edit(
        "deep-flow-lists-100k",
        '  coverage_note: "Abstract only."',
        "  coverage_note: " + "[" * 100_000 + "]" * 100_000,
        "16: context.coverage_note[0][0]: nested deeper than 50 levels: "
        "a corpus file needs far fewer",
        bounded=True,
    ),
    edit(
        "deep-block-lists",
        '  coverage_note: "Abstract only."',
        "  coverage_note:\n" + "".join(f"{'  ' * (i + 1)}-\n" for i in range(60)),
        "65: context.coverage_note[0][0]: nested deeper than 50 levels: "
        "a corpus file needs far fewer",
    ),
    # -- tags: only plain YAML, nothing constructed
    edit(
        "python-tag-on-scalar",
        'title: "Mutuality in a trained workforce"',
        "title: !!python/name:os.system x",
        "5: citation.title: YAML tag 'tag:yaml.org,2002:python/name:os.system' is not allowed: "
        "peerlib reads plain YAML only (no object tags)",
    ),
    edit(
        "tag-directive",
        'id: gamma\ncitation:\n  authors: ["Delta, D."]\n  year: 2019\n  title: "Mutuality',
        '%TAG !p! tag:yaml.org,2002:python/\n---\nid: gamma\ncitation:\n  authors: ["Delta, D."]'
        '\n  year: 2019\n  title: !p!object:os.getcwd {}\n  subtitle: "Mutuality',
        "7: citation.title: YAML tag 'tag:yaml.org,2002:python/object:os.getcwd' is not "
        "allowed: peerlib reads plain YAML only (no object tags)",
    ),
    edit(
        "binary-tag",
        'title: "Mutuality in a trained workforce"',
        "title: !!binary aGVsbG8=",
        "5: citation.title: YAML tag 'tag:yaml.org,2002:binary' is not allowed: "
        "peerlib reads plain YAML only (no object tags)",
    ),
    edit(
        "timestamp-tag",
        "year: 2019",
        "year: !!timestamp 2019-01-01",
        "4: citation.year: YAML tag 'tag:yaml.org,2002:timestamp' is not allowed: "
        "peerlib reads plain YAML only (no object tags)",
    ),
    edit(
        "set-tag",
        '  authors: ["Delta, D."]',
        '  authors: !!set {"Delta, D.": null}',
        "3: citation.authors: YAML tag 'tag:yaml.org,2002:set' is not allowed: "
        "peerlib reads plain YAML only (no object tags)",
    ),
    edit(
        "local-tag",
        '  venue: "Fixture Studies"',
        '  venue: !journal "Fixture Studies"',
        "6: citation.venue: YAML tag '!journal' is not allowed: "
        "peerlib reads plain YAML only (no object tags)",
    ),
    edit(
        "int-tag-on-text",
        "year: 2019",
        "year: !!int nineteen",
        "4: citation.year: 'nineteen' is not a valid !!int",
    ),
    # -- raw control characters, at their real line and column
    edit(
        "raw-nul",
        b"Ethnography",
        b"Ethno\x00graphy",
        "11: (document): control character U+0000 at column 17 is not allowed: remove it",
    ),
    edit(
        "raw-soh",
        b"A peer-run centre",
        b"A peer\x01run centre",
        "10: (document): control character U+0001 at column 19 is not allowed: remove it",
    ),
    edit(
        "raw-escape-sequence",
        b"Testland",
        b"\x1b[2JTestland",
        "9: (document): control character U+001B at column 13 is not allowed: remove it",
    ),
    edit(
        "raw-del",
        b"Mutuality kept",
        b"Mutuality\x7f kept",
        "19: (document): control character U+007F at column 21 is not allowed: remove it",
    ),
    edit(
        "raw-c1-nel",
        "Mutuality kept",
        "Mutuality\x85kept",
        "19: (document): control character U+0085 at column 21 is not allowed: remove it",
    ),
    edit(
        "raw-c1-csi",
        "Mutuality kept",
        "Mutuality\x9bkept",
        "19: (document): control character U+009B at column 21 is not allowed: remove it",
    ),
    edit(
        "raw-line-separator",
        "Meeting as equals.",
        "Meeting\u2028as equals.",
        "24: (document): line separator U+2028 at column 78 is not allowed: remove it",
    ),
    edit(
        "raw-vertical-tab",
        b"Formal preparation.",
        b"Formal\x0bpreparation.",
        "23: (document): control character U+000B at column 73 is not allowed: remove it",
    ),
    edit(
        "raw-form-feed-last-line",
        b'section: "Abstract"',
        b'section: "Abs\x0ctract"',
        "28: (document): control character U+000C at column 123 is not allowed: remove it",
    ),
    # -- escaped control characters in text, at their place
    edit(
        "escaped-bell-in-label",
        'label: "Mutuality"',
        'label: "Peer\\a advocate"',
        "24: concepts[1].label: text holds control character U+0007: remove it",
    ),
    edit(
        "escaped-ansi-in-definition",
        'definition: "Formal preparation."',
        'definition: "\\e[31mred\\e[0m"',
        "23: concepts[0].definition: text holds control character U+001B: remove it",
    ),
    edit(
        "escaped-nul-in-excerpt",
        'text: "Training gave',
        'text: "\\0Training gave',
        "28: evidence[0].text: text holds control character U+0000: remove it",
    ),
    edit(
        "escaped-c1-in-name",
        'name: "Mutuality kept"',
        'name: "Mutuality\\x9bkept"',
        "19: themes[0].name: text holds control character U+009B: remove it",
    ),
    edit(
        "escaped-carriage-return",
        'name: "Mutuality kept"',
        'name: "Mutuality\\rkept"',
        "19: themes[0].name: text holds control character U+000D: remove it",
    ),
    edit(
        "escaped-line-separator",
        'name: "Mutuality kept"',
        'name: "Mutuality\\Lkept"',
        "19: themes[0].name: text holds line separator U+2028: remove it",
    ),
    edit(
        "escaped-paragraph-separator",
        'definition: "Formal preparation."',
        'definition: "Formal\\u2029preparation."',
        "23: concepts[0].definition: text holds paragraph separator U+2029: remove it",
    ),
    edit(
        "bidirectional-override",
        'label: "Mutuality"',
        'label: "\u202eytilautum"',
        "24: concepts[1].label: text holds bidirectional control U+202E: remove it",
    ),
    edit(
        "escaped-control-in-key",
        '  venue: "Fixture Studies"',
        '  venue: "Fixture Studies"\n  "ven\\x01ue": x',
        "7: citation: text holds control character U+0001: remove it",
    ),
    edit(
        "escaped-surrogate",
        'label: "Mutuality"',
        'label: "\\ud800"',
        "24: (document): not valid YAML: while parsing a quoted scalar found invalid Unicode "
        "character escape code",
    ),
    # -- numbers past sane bounds, numbers that are not numbers
    edit(
        "year-5000-digits",
        "year: 2019",
        "year: " + "9" * 5000,
        "4: citation.year: a whole number of 5000 digits is out of range (at most 30)",
    ),
    edit(
        "n-10e23",
        "      n: 9",
        "      n: 100000000000000000000000",
        "14: context.sample[0].n: 100000000000000000000000 is out of range: at most 999,999,999",
    ),
    edit(
        "n-2e63",
        "      n: 9",
        "      n: 9223372036854775808",
        "14: context.sample[0].n: 9223372036854775808 is out of range: at most 999,999,999",
    ),
    edit(
        "n-negative",
        "      n: 9",
        "      n: -1",
        "14: context.sample[0].n: 'n' is out of range: input should be greater than or equal to 0",
    ),
    edit(
        "offset-10e23",
        "offset: 10}",
        "offset: 100000000000000000000000}",
        "28: evidence[0].offset: 100000000000000000000000 is out of range: at most 999,999,999",
    ),
    edit(
        "sample-size-huge",
        "  coverage: abstract_only",
        "  sample_size: 1000000000\n  coverage: abstract_only",
        "15: context.sample_size: 1000000000 is out of range: at most 999,999,999",
    ),
    edit(
        "impossible-date-as-year",
        "year: 2019",
        "year: 2014-13-45",
        "4: citation.year: 'year' must be a whole number, not '2014-13-45'",
    ),
    edit(
        "date-as-year",
        "year: 2019",
        "year: 2019-01-01",
        "4: citation.year: 'year' must be a whole number, not '2019-01-01'",
    ),
    edit(
        "impossible-date-as-id",
        "id: gamma",
        "id: 2014-13-45",
        "1: id: '2014-13-45' is not a valid id: use lower-case letters, digits and _",
    ),
    edit(
        "hex-year",
        "year: 2019",
        "year: 0x7E3",
        "4: citation.year: 'year' must be a whole number, not '0x7E3'",
    ),
    edit(
        "octal-looking-year",
        "year: 2019",
        "year: 02019",
        "4: citation.year: 'year' must be a whole number, not '02019'",
    ),
    edit(
        "underscored-year",
        "year: 2019",
        "year: 2_019",
        "4: citation.year: 'year' must be a whole number, not '2_019'",
    ),
    edit(
        "sexagesimal-n",
        "      n: 9",
        "      n: 1:30",
        "14: context.sample[0].n: 'n' must be a whole number, not '1:30'",
    ),
    edit(
        "float-year",
        "year: 2019",
        "year: 2.019e3",
        "4: citation.year: 'year' must be a whole number, not 2019.0 (write 2019)",
    ),
    edit(
        "infinite-n",
        "      n: 9",
        "      n: .inf",
        "14: context.sample[0].n: 'n' must be a whole number, not '.inf'",
    ),
    edit_synthesis(
        "yes-is-not-true",
        "    study_specific: true",
        "    study_specific: yes",
        "31: constructs[2].study_specific: 'study_specific' must be true or false, not 'yes'",
    ),
    # -- ids that every file system takes
    edit(
        "long-concept-id",
        "{id: mutuality, label",
        "{id: " + "m" * 250 + ", label",
        "24: concepts[1].id: id 'mmmmmmmmmmmmmmmmmmmm...' has 250 characters; at most 64 "
        "(ids become file names)",
    ),
    edit(
        "id-65-characters",
        "  - id: kept",
        "  - id: " + "k" * 65,
        "18: themes[0].id: id 'kkkkkkkkkkkkkkkkkkkk...' has 65 characters; at most 64 "
        "(ids become file names)",
    ),
    edit_synthesis(
        "long-construct-id",
        "  - id: trust",
        "  - id: " + "t" * 100,
        "28: constructs[2].id: id 'tttttttttttttttttttt...' has 100 characters; at most 64 "
        "(ids become file names)",
    ),
    edit(
        "id-with-newline",
        "{id: training,",
        '{id: "train\\ning",',
        "23: concepts[0].id: 'train\\ning' is not a valid id: use lower-case letters, digits and _",
    ),
    edit(
        "key-with-newline",
        '  venue: "Fixture Studies"',
        '  venue: "Fixture Studies"\n  "ven\\nue": x',
        "7: citation.ven\\nue: unknown field 'ven\\nue' (check the spelling against "
        "data/README.md)",
    ),
    edit(
        "very-long-doi",
        'doi: "10.5678/gamma.19"',
        'doi: "' + "x" * 5000 + '"',
        "7: citation.doi: malformed DOI 'xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx"
        "x...' (5000 characters): expected 10.NNNN/suffix, without a URL prefix",
    ),
    # -- whitespace is not text
    edit(
        "blank-title",
        'title: "Mutuality in a trained workforce"',
        'title: "   "',
        "5: citation.title: text must not be blank (it holds only white space)",
    ),
    edit(
        "tab-only-label",
        'label: "Training"',
        'label: "\\t"',
        "23: concepts[0].label: text must not be blank (it holds only white space)",
    ),
    edit(
        "nbsp-only-excerpt",
        'text: "Training gave them words for the mutuality they already practised."',
        'text: "\\u00a0\\u3000"',
        "28: evidence[0].text: text must not be blank (it holds only white space)",
    ),
    edit(
        "blank-author",
        '  authors: ["Delta, D."]',
        '  authors: [" "]',
        "3: citation.authors[0]: text must not be blank (it holds only white space)",
    ),
    edit_synthesis(
        "blank-rationale",
        '    rationale: "beta adds the institutional limits to alpha\'s personal ones."',
        '    rationale: "\\n"',
        "12: constructs[0].relations[0].rationale: text must not be blank "
        "(it holds only white space)",
    ),
    # -- YAML shapes the format never uses
    edit(
        "second-document",
        "id: gamma\n",
        "id: gamma\n---\nid: again\n",
        "2: (document): not valid YAML: expected a single document in the stream but found "
        "another document",
    ),
    edit(
        "list-as-key",
        '  venue: "Fixture Studies"',
        '  venue: "Fixture Studies"\n  ? [a, b]\n  : x',
        "7: citation: a key must be text, not a list",
    ),
    edit(
        "number-as-key",
        '  venue: "Fixture Studies"',
        '  venue: "Fixture Studies"\n  1: x',
        "7: citation: key 1 is not text",
    ),
    edit(
        "null-as-key",
        '  venue: "Fixture Studies"',
        '  venue: "Fixture Studies"\n  ~: x',
        "7: citation: key None is not text",
    ),
    edit(
        "duplicate-key-in-flow-mapping",
        "{id: training, label",
        "{id: training, id: train, label",
        "23: concepts[0].id: key 'id' appears twice (first on line 23)",
    ),
    edit(
        "tab-indentation",
        '  venue: "Fixture Studies"',
        '\tvenue: "Fixture Studies"',
        "6: (document): not valid YAML: while scanning for the next token found character that "
        "cannot start any token; the line is indented with a tab: indent with spaces only",
    ),
    edit(
        "document-is-a-list",
        "",
        "- id: gamma\n",
        "1: (document): a study file must be a mapping of fields",
    ),
    edit(
        "document-is-null",
        "",
        "---\n...\n",
        "1: (document): a study file must be a mapping of fields",
    ),
    edit_synthesis(
        "synthesis-is-text",
        "",
        "constructs\n",
        "1: (document): the synthesis file must be a mapping of fields",
    ),
    edit(
        "utf16-file",
        b"id: gamma",
        "id: gamma".encode("utf-16"),
        "1: (document): not UTF-8: byte 0xff cannot be decoded (save the file as UTF-8)",
    ),
    # -- not a regular file: refused at once, never read
    special(
        "synthesis-is-a-folder",
        SYNTHESIS,
        folder,
        "1: (document): not a regular file but a folder",
    ),
    special(
        "synthesis-is-a-fifo",
        SYNTHESIS,
        fifo,
        "1: (document): not a regular file but a named pipe (FIFO)",
    ),
    special(
        "synthesis-links-to-dev-zero",
        SYNTHESIS,
        link_to("/dev/zero"),
        "1: (document): not a regular file but a character device",
    ),
    special(
        "synthesis-broken-link",
        SYNTHESIS,
        link_to("nowhere.yaml"),
        "1: (document): cannot read file: No such file or directory (a broken symbolic link)",
    ),
    special(
        "study-is-a-fifo",
        GAMMA,
        fifo,
        "1: (document): not a regular file but a named pipe (FIFO)",
    ),
    special(
        "study-links-to-dev-zero",
        GAMMA,
        link_to("/dev/zero"),
        "1: (document): not a regular file but a character device",
    ),
    special(
        "study-links-to-itself",
        GAMMA,
        looping_link,
        "1: (document): cannot read file: Too many levels of symbolic links",
    ),
    special(
        "study-of-60-mb",
        GAMMA,
        huge,
        "1: (document): file is larger than 50 MB: too large to read",
    ),
]


def _limit_memory() -> None:  # pragma: no cover - runs in the child process
    resource.setrlimit(resource.RLIMIT_AS, (MEMORY_LIMIT, MEMORY_LIMIT))


def _validate_bounded(root: Path) -> tuple[int, str]:
    """``peerlib validate root`` in a child process with limited memory and time."""
    done = subprocess.run(
        [sys.executable, "-m", "peerlib.cli", "validate", "-q", str(root)],
        capture_output=True,
        text=True,
        timeout=TIMEOUT,
        preexec_fn=_limit_memory,
        check=False,
    )
    return done.returncode, done.stderr


def test_there_are_at_least_60_cases() -> None:
    assert len(CASES) >= 60
    assert len({c.name for c in CASES}) == len(CASES)


@pytest.mark.parametrize("case", CASES, ids=[c.name for c in CASES])
def test_malformed_file(case: Case, mini: Path, capsys: pytest.CaptureFixture[str]) -> None:
    case.apply(mini)
    if case.bounded:
        code, err = _validate_bounded(mini)
    else:
        code = main(["validate", "-q", str(mini)])
        err = capsys.readouterr().err
    assert err.splitlines() == [f"{mini / case.file}:{case.expected}", f"1 problem in {mini}"]
    assert code == 1


def test_file_name_with_a_line_break_stays_on_one_line(
    mini: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    odd = mini / "studies" / "x\ny.yaml"
    odd.write_text((mini / GAMMA).read_text("utf-8").replace("id: gamma", "id: x_y"), "utf-8")
    assert main(["validate", "-q", str(mini)]) == 1
    shown = str(odd).replace("\n", "\\n")
    assert capsys.readouterr().err.splitlines() == [
        f"{shown}:1: id: study id 'x_y' must match the file name 'x\\ny'",
        f"1 problem in {mini}",
    ]


def test_the_builds_construct_ids_read_as_safely(mini: Path) -> None:
    """The build lists constructs before validating: it reads through the same reader."""
    from peerlib.corpus_files import construct_ids

    synthesis = mini / SYNTHESIS
    synthesis.write_text("constructs:\n" + billion_laughs(4).split("extra:\n")[1], "utf-8")
    with pytest.raises(ValueError, match=r"synthesis.yaml:2: cannot read the construct ids: YAML"):
        construct_ids(mini)
    synthesis.unlink()
    os.mkfifo(synthesis)
    script = (
        "import sys, pathlib; from peerlib.corpus_files import construct_ids; "
        "construct_ids(pathlib.Path(sys.argv[1]))"
    )
    done = subprocess.run(
        [sys.executable, "-c", script, str(mini)],
        capture_output=True,
        text=True,
        timeout=TIMEOUT,
        check=False,
    )
    assert "cannot read the construct ids: not a regular file but a named pipe" in done.stderr
