"""The reader keeps what the author wrote: YAML 1.2 scalars, text as typed, lines kept."""

from __future__ import annotations

from pathlib import Path

import pytest

from peerlib import load_corpus
from peerlib._yaml import MAX_DEPTH, YamlError, parse


def replace(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text, f"{old!r} not in {path}"
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


def test_the_authors_digits_and_words_are_kept(mini: Path) -> None:
    f = mini / "studies" / "alpha.yaml"
    replace(f, "  volume: 3", "  volume: 010")  # YAML 1.1 read this as 8
    replace(f, '  issue: "1"', "  issue: 1:2")  # ... and this as 62
    replace(f, '  pages: "1-10"', "  pages: 0x1F")  # ... and this as 31
    replace(f, '  country: "Testland"', "  country: NO")  # ... and this as false
    replace(f, '  setting: "Two community teams"', "  setting: 2014-01-05")  # ... a date
    studies = load_corpus(mini).studies.set_index("study_id")
    assert studies.loc["alpha", ["volume", "issue", "pages", "country", "setting"]].tolist() == [
        "010",
        "1:2",
        "0x1F",
        "NO",
        "2014-01-05",
    ]


@pytest.mark.parametrize(
    ("text", "value"),
    [
        ("a: 12", 12),
        ("a: -0", 0),
        ("a: +7", 7),
        ("a: 012", "012"),
        ("a: 1_000", "1_000"),
        ("a: 2.5", 2.5),
        ("a: 1e3", 1000.0),
        ("a: .inf", ".inf"),
        ("a: true", True),
        ("a: False", False),
        ("a: yes", "yes"),
        ("a: off", "off"),
        ("a: ~", None),
        ("a:", None),
        ("a: null", None),
        ("a: !!str 12", "12"),
        ("a: !!float 12", 12.0),
        ("a: ! 12", "12"),
        ("a: '12'", "12"),
        ('a: "tab\\there"', "tab\there"),
        ("a: |\n  two\n  lines\n", "two\nlines\n"),
        ("a: 2001-12-14t21:59:43.10-05:00", "2001-12-14t21:59:43.10-05:00"),
    ],
)
def test_scalars_by_the_yaml_12_core_schema(text: str, value: object) -> None:
    got = parse(text + "\n").data["a"]
    assert got == value
    assert type(got) is type(value)


def test_lines_of_keys_and_items() -> None:
    doc = parse("a:\n  - x\n  - {b: 1,\n     c: 2}\nd: [1,\n  2]\n")
    assert doc.data == {"a": ["x", {"b": 1, "c": 2}], "d": [1, 2]}
    assert doc.lines == {
        (): 1,
        ("a",): 1,
        ("a", 0): 2,
        ("a", 1): 3,
        ("a", 1, "b"): 3,
        ("a", 1, "c"): 4,
        ("d",): 5,
        ("d", 0): 5,
        ("d", 1): 6,
    }


def test_nesting_up_to_the_limit_is_read() -> None:
    depth = MAX_DEPTH
    assert parse("[" * depth + "]" * depth).data is not None
    with pytest.raises(YamlError, match="nested deeper than 50 levels"):
        parse("[" * (depth + 1) + "]" * (depth + 1))


def test_a_document_may_be_a_bare_scalar() -> None:
    assert parse("just text\n").data == "just text"
    assert parse("--- 5\n...\n").lines == {(): 1}
