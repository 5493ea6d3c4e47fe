"""The eMERGe checklist: each item answered from the review file or the coded corpus."""

from __future__ import annotations

from pathlib import Path

from peerlib import emerge_checklist, load_corpus
from peerlib.reporting import EMERGE_ITEMS


def status(table, item: int) -> str:  # type: ignore[no-untyped-def]
    return str(table.set_index("item").loc[item, "status"])


def test_the_nineteen_items_in_seven_phases() -> None:
    assert [i.number for i in EMERGE_ITEMS] == list(range(1, 20))
    assert len({i.phase for i in EMERGE_ITEMS}) == 7
    assert EMERGE_ITEMS[2].heading == "Focus of the meta-ethnography"


def test_without_a_review_file_its_items_are_missing(mini: Path) -> None:
    table = emerge_checklist(load_corpus(mini))
    assert len(table) == 19
    for item in (1, 2, 3, 4, 5, 6, 7, 8, 9, 11, 13, 15, 19):
        assert status(table, item) == "missing", item
    # what the coded corpus answers by itself
    assert status(table, 12) == "reported"  # two constructs shared by two studies
    assert status(table, 14) == "reported"  # both pairs translated
    assert status(table, 16) == "missing"  # no line of argument
    assert status(table, 17) == "partly"  # one of three constructs has a finding
    assert table.set_index("item").loc[17, "detail"] == "1 of 3 constructs have a finding"
    assert status(table, 10) == "partly"  # no study type, no appraisal


def test_a_review_file_answers_its_items(mini: Path) -> None:
    (mini / "review.yaml").write_text(
        'question: "How do peer workers disclose?"\n'
        'inclusion: "The three fixture studies."\n'
        'translation: "Pairwise."\n'
        'limitations: "Three invented studies."\n'
        "coders:\n"
        '  - role: "single coder"\n',
        encoding="utf-8",
    )
    table = emerge_checklist(load_corpus(mini)).set_index("item")
    assert table.loc[3, "status"] == "reported"
    assert table.loc[3, "detail"] == "How do peer workers disclose?"
    assert table.loc[3, "where"] == "review.yaml: question"
    assert table.loc[13, "status"] == "partly"  # translation given, its order not
    assert table.loc[18, "status"] == "partly"  # reflexivity not recorded
    assert "reflexivity not recorded" in table.loc[18, "detail"]
    assert table.loc[1, "status"] == "missing"


def test_a_gap_in_translation_is_partly(mini: Path) -> None:
    s = mini / "synthesis.yaml"
    s.write_text(
        s.read_text(encoding="utf-8").replace(
            "      beta: [disclosure]\n", "      beta: [disclosure]\n      gamma: [training]\n"
        ),
        encoding="utf-8",
    )
    table = emerge_checklist(load_corpus(mini)).set_index("item")
    assert table.loc[14, "status"] == "partly"
    assert table.loc[14, "detail"] == (
        "2 of 4 pairs translated, 0 untranslated with a reason, 2 left out"
    )


def test_bundled_review_reports_what_coding_md_records() -> None:
    table = emerge_checklist(load_corpus()).set_index("item")
    for item in (2, 3, 7, 9, 12, 13, 14, 15, 16, 17):
        assert table.loc[item, "status"] == "reported", item
    # not recorded in CODING.md, so not invented in review.yaml
    for item in (1, 4, 19):
        assert table.loc[item, "status"] == "missing", item
    assert table.loc[18, "status"] == "partly"
