"""Every validation case: each asserts the exact file, line, place and message."""

from __future__ import annotations

from pathlib import Path

import pytest

from peerlib import CorpusError, load_corpus, validate
from peerlib.cli import main


def replace(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text, f"{old!r} not in {path}"
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


def problems(root: Path) -> list[str]:
    return [str(p) for p in validate(root)]


def test_fixture_is_valid(mini: Path) -> None:
    assert validate(mini) == []


def test_invalid_yaml(mini: Path) -> None:
    f = mini / "studies" / "alpha.yaml"
    replace(f, 'title: "Peer workers and disclosure"', 'title: "Peer workers: [unclosed')
    [p] = problems(mini)  # the line where the quote opened, not the one libyaml stopped at
    assert p.startswith(f"{f}:6: (document): not valid YAML:")


def test_empty_file(mini: Path) -> None:
    f = mini / "studies" / "alpha.yaml"
    f.write_text("# nothing here\n", encoding="utf-8")
    # the synthesis still names alpha: the broken file is reported once, not again per reference
    assert problems(mini) == [f"{f}:1: (document): file is empty"]


def test_missing_field(mini: Path) -> None:
    f = mini / "studies" / "alpha.yaml"
    replace(f, '  venue: "Journal of Fixtures"\n', "")
    assert problems(mini) == [f"{f}:3: citation.venue: required field 'venue' is missing"]


def test_mistyped_field(mini: Path) -> None:
    f = mini / "studies" / "alpha.yaml"
    replace(f, "      n: 6", "      n: six")
    assert problems(mini) == [f"{f}:18: context.sample[0].n: 'n' must be a whole number, not 'six'"]


def test_misspelt_field(mini: Path) -> None:
    f = mini / "studies" / "gamma.yaml"
    replace(f, "  country:", "  contry:")
    assert problems(mini) == [
        f"{f}:8: context.country: required field 'country' is missing",
        f"{f}:9: context.contry: unknown field 'contry' "
        "(check the spelling against data/README.md)",
    ]


def test_duplicate_concept_id(mini: Path) -> None:
    f = mini / "studies" / "alpha.yaml"
    replace(f, "{id: boundary,", "{id: trust,")
    got = problems(mini)
    assert f"{f}:36: concepts[3].id: duplicate concept id 'trust' (first on line 35)" in got


def test_duplicate_yaml_key(mini: Path) -> None:
    f = mini / "studies" / "gamma.yaml"
    replace(f, "  year: 2019\n", "  year: 2019\n  year: 2018\n")
    assert problems(mini) == [f"{f}:5: citation.year: key 'year' appears twice (first on line 4)"]


def test_duplicate_study_id_across_files(mini: Path) -> None:
    copy = mini / "studies" / "zeta.yaml"
    copy.write_text((mini / "studies" / "gamma.yaml").read_text(encoding="utf-8"), "utf-8")
    got = problems(mini)
    assert got == [
        f"{copy}:1: id: study id 'gamma' is also used by {mini / 'studies' / 'gamma.yaml'}:1",
        f"{copy}:1: id: study id 'gamma' must match the file name 'zeta'",
    ]


def test_unknown_concept_in_relation(mini: Path) -> None:
    f = mini / "studies" / "alpha.yaml"
    replace(f, "{source: boundary, target: disclosure", "{source: boundary, target: stigma")
    assert problems(mini) == [
        f"{f}:40: relations[2].target: unknown concept 'stigma' "
        "(known: boundary, disclosure, peer_worker, trust)"
    ]


def test_unknown_concept_in_theme(mini: Path) -> None:
    f = mini / "studies" / "beta.yaml"
    replace(f, "concepts: [training, disclosure, mutuality]", "concepts: [training, disclose]")
    assert problems(mini) == [
        f"{f}:19: themes[0].concepts[1]: unknown concept 'disclose' "
        "(known: disclosure, mutuality, training; did you mean 'disclosure'?)"
    ]


def test_unknown_evidence(mini: Path) -> None:
    f = mini / "studies" / "gamma.yaml"
    replace(f, "evidence: [g1]", "evidence: [g2]")
    assert problems(mini) == [
        f"{f}:26: relations[0].evidence[0]: unknown evidence 'g2' (known: g1)"
    ]


def test_synthesis_unknown_study_and_concept(mini: Path) -> None:
    f = mini / "synthesis.yaml"
    replace(f, "      alpha: [trust, peer_worker]", "      omega: [trust]\n      alpha: [trusts]")
    assert problems(mini) == [
        f"{f}:33: constructs[2].concepts.omega: unknown study 'omega' (known: alpha, beta, gamma)",
        f"{f}:34: constructs[2].concepts.alpha[0]: unknown concept 'trusts' in study 'alpha' "
        "(known: boundary, disclosure, peer_worker, trust; did you mean 'trust'?)",
    ]


def test_synthesis_single_study_construct(mini: Path) -> None:
    f = mini / "synthesis.yaml"
    replace(f, "    study_specific: true\n", "")
    assert problems(mini) == [
        f"{f}:31: constructs[2].concepts: construct 'trust' draws on 1 study; "
        "map concepts from a second study or mark it study_specific: true"
    ]


def test_refutation_needs_both_excerpts(mini: Path) -> None:
    f = mini / "synthesis.yaml"
    replace(f, "evidence: [beta/b2, gamma/g1]", "evidence: [beta/b2]")
    assert problems(mini) == [
        f"{f}:24: constructs[1].relations[0].evidence: "
        "a refutation must cite an excerpt of each of its two studies"
    ]


def test_unknown_relation_type_and_kind(mini: Path) -> None:
    f = mini / "studies" / "beta.yaml"
    replace(f, "type: constrains, evidence: [b1]", "type: causes, evidence: [b1]")
    replace(f, "kind: principle", "kind: value")
    got = problems(mini)
    assert got == [
        f"{f}:23: concepts[2].kind: unknown concept kind 'value'; expected one of 'actor', "
        "'practice', 'mechanism', 'principle', 'resource', 'tension', 'outcome' or 'context'",
        f"{f}:25: relations[0].type: unknown relation type 'causes'; expected one of 'enables', "
        "'constrains', 'produces', 'requires', 'part_of', 'enacts', 'in_tension_with' or "
        "'contests'",
    ]


def test_unknown_study_relation_type(mini: Path) -> None:
    f = mini / "synthesis.yaml"
    replace(f, "type: extend", "type: agrees")
    assert problems(mini) == [
        f"{f}:11: constructs[0].relations[0].type: unknown study relation type 'agrees'; "
        "expected one of 'agree', 'extend' or 'refute'"
    ]


def test_overlong_excerpt(mini: Path) -> None:
    f = mini / "studies" / "gamma.yaml"
    long = " ".join(["word"] * 41)
    replace(f, "Training gave them words for the mutuality they already practised.", long)
    assert problems(mini) == [f"{f}:28: evidence[0].text: excerpt has 41 words; at most 40 allowed"]


def test_malformed_doi_and_year(mini: Path) -> None:
    f = mini / "studies" / "gamma.yaml"
    replace(f, 'doi: "10.5678/gamma.19"', 'doi: "https://doi.org/10.5678/gamma.19"')
    replace(f, "year: 2019", "year: 219")
    assert problems(mini) == [
        f"{f}:4: citation.year: year 219 is not plausible (expected 1900 to 2100)",
        f"{f}:7: citation.doi: malformed DOI 'https://doi.org/10.5678/gamma.19': "
        "expected 10.NNNN/suffix, without a URL prefix",
    ]


def test_non_utf8(mini: Path) -> None:
    f = mini / "studies" / "gamma.yaml"
    raw = f.read_bytes().replace(b'"Testland"', b'"Testl\xe4nd"')
    f.write_bytes(raw)
    assert problems(mini) == [
        f"{f}:9: (document): not UTF-8: byte 0xe4 cannot be decoded (save the file as UTF-8)"
    ]


def test_object_constructing_tag_is_refused(mini: Path) -> None:
    f = mini / "studies" / "gamma.yaml"
    replace(
        f, 'title: "Mutuality in a trained workforce"', "title: !!python/object/apply:os.getcwd []"
    )
    assert problems(mini) == [
        f"{f}:5: citation.title: YAML tag 'tag:yaml.org,2002:python/object/apply:os.getcwd' "
        "is not allowed: peerlib reads plain YAML only (no object tags)"
    ]


def test_every_problem_across_files_is_listed(mini: Path) -> None:
    a, b = mini / "studies" / "alpha.yaml", mini / "studies" / "beta.yaml"
    replace(a, "year: 2020", "year: twenty")
    replace(a, "{source: boundary, target: disclosure", "{source: boundary, target: stigma")
    replace(b, "kind: context", "kind: setting")
    (mini / "studies" / "empty.yaml").write_text("", encoding="utf-8")
    got = problems(mini)
    assert got == [
        f"{a}:5: citation.year: 'year' must be a whole number, not 'twenty'",
        f"{b}:21: concepts[0].kind: unknown concept kind 'setting'; expected one of 'actor', "
        "'practice', 'mechanism', 'principle', 'resource', 'tension', 'outcome' or 'context'",
        f"{mini / 'studies' / 'empty.yaml'}:1: (document): file is empty",
    ]
    with pytest.raises(CorpusError) as info:
        load_corpus(mini)
    assert [str(p) for p in info.value.problems] == got


def test_cli_lists_problems_and_exits_1(mini: Path, capsys: pytest.CaptureFixture[str]) -> None:
    f = mini / "studies" / "gamma.yaml"
    replace(f, "year: 2019", "year: 2019.5")
    (mini / "studies" / "broken.yaml").write_text("id: [unclosed\n", encoding="utf-8")
    assert main(["validate", str(mini)]) == 1
    err = capsys.readouterr().err.splitlines()
    assert err[0].startswith(f"{mini / 'studies' / 'broken.yaml'}:2: (document): not valid YAML")
    assert err[1] == f"{f}:4: citation.year: 'year' must be a whole number, not 2019.5"
    assert err[2] == f"2 problems in {mini}"
    assert not any("Traceback" in line for line in err)


def test_cli_valid_prints_summary(mini: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["validate", str(mini)]) == 0
    out = capsys.readouterr().out
    assert "valid (3 studies, 3 constructs)" in out
    assert "alpha" in out
    assert "abstract_only" in out


def test_missing_folder(tmp_path: Path) -> None:
    assert problems(tmp_path / "nope") == [
        f"{tmp_path / 'nope'}:1: (folder): corpus folder does not exist"
    ]


def test_theme_parents_must_not_form_a_cycle(mini: Path) -> None:
    f = mini / "studies" / "alpha.yaml"
    replace(
        f,
        "    concepts: [peer_worker, disclosure, trust]\n",
        "    concepts: [peer_worker, disclosure, trust]\n    parent: limits\n",
    )
    replace(
        f,
        "    concepts: [disclosure, boundary]\n",
        "    concepts: [disclosure, boundary]\n    parent: sharing\n",
    )
    assert problems(mini) == [
        f"{f}:28: themes[0].parent: theme 'sharing' is its own ancestor (parents form a cycle)",
        f"{f}:33: themes[1].parent: theme 'limits' is its own ancestor (parents form a cycle)",
    ]


# ------------------------------------------------------------- hints (issue 10, item 3)


def test_known_list_is_complete_or_counted_and_suggests_the_closest(mini: Path) -> None:
    # the right id used to be cut from "known: ..." (first 8 only, no ellipsis)
    f = mini / "studies" / "alpha.yaml"
    extra = "".join(
        f'  - {{id: c{n:02d}, label: "C", kind: actor, definition: "D."}}\n' for n in range(30)
    )
    replace(f, "relations:\n", extra + "relations:\n")
    replace(f, "target: trust, type: produces", "target: c29x, type: produces")
    [p] = problems(mini)
    assert p == (
        f"{f}:69: relations[1].target: unknown concept 'c29x' (known: boundary, c00, c01, c02, "
        "c03, c04, c05, c06, c07, c08, c09, c10, c11, c12, c13, c14, c15, c16, c17, c18, "
        "and 14 more; did you mean 'c29'?)"
    )


def test_a_theme_that_is_its_own_parent_gets_one_line(mini: Path) -> None:
    f = mini / "studies" / "alpha.yaml"
    replace(
        f,
        "    concepts: [disclosure, boundary]\n",
        "    concepts: [disclosure, boundary]\n    parent: limits\n",
    )
    assert problems(mini) == [
        f"{f}:32: themes[1].parent: theme 'limits' cannot be its own parent "
        "(name another theme, or null)"
    ]


def test_a_quoted_year_says_to_remove_the_quotes(mini: Path) -> None:
    f = mini / "studies" / "alpha.yaml"
    replace(f, "  year: 2020", '  year: "2020"')
    assert problems(mini) == [
        f"{f}:5: citation.year: 'year' must be a whole number, not '2020' "
        "(write 2020 without quotes)"
    ]


def test_a_number_where_text_belongs_says_to_quote_it(mini: Path) -> None:
    f = mini / "studies" / "alpha.yaml"
    replace(f, '  country: "Testland"', "  country: 1984")
    assert problems(mini) == [
        f"{f}:13: context.country: 'country' must be text, not 1984 (write it in quotes: \"1984\")"
    ]


def test_an_unquoted_volume_is_read_as_its_digits(mini: Path) -> None:
    # documented in data/README.md: volume, issue, pages and page are labels
    assert load_corpus(mini).studies.set_index("study_id").at["alpha", "volume"] == "3"


@pytest.mark.parametrize(
    ("old", "new", "line", "hint"),
    [
        (
            '  venue: "Journal of Fixtures"',
            '\tvenue: "Journal of Fixtures"',
            7,
            "the line is indented with a tab: indent with spaces only",
        ),
        (
            'title: "Peer workers and disclosure"',
            "title: “Peer workers: disclosure”",
            6,
            "the line has typographic quotes (“ ” ‘ ’), which YAML does not read as quotes: "
            "type straight quotes \" or ' instead",
        ),
        (
            '  venue: "Journal of Fixtures"',
            '   venue: "Journal of Fixtures"',
            7,
            "check this line's indentation against the lines above: the keys of one mapping, "
            "and the '- ' of the items of one list, start in the same column",
        ),
        (
            'title: "Peer workers and disclosure"',
            'title: "Peer workers and disclosure',
            6,
            "the quote opened on line 6 is not closed on that line: end the text with the same "
            "quote",
        ),
        (
            'text: "Some things I keep to myself."',
            'text: "Some things I keep to myself.',
            44,
            "the quote opened on line 44 is not closed on that line: end the text with the same "
            "quote",
        ),
        (
            'title: "Peer workers and disclosure"',
            "title: Peer workers: disclosure",
            6,
            "a value holding ': ' must be in quotes, e.g. title: \"Peer work: a study\"",
        ),
    ],
    ids=["tab", "smart-quotes", "indentation", "unclosed-quote", "unclosed-at-end", "colon"],
)
def test_yaml_syntax_errors_say_the_cause_in_plain_words(
    mini: Path, old: str, new: str, line: int, hint: str
) -> None:
    f = mini / "studies" / "alpha.yaml"
    replace(f, old, new)
    [p] = problems(mini)
    assert p.startswith(f"{f}:{line}: (document): not valid YAML: ")
    assert p.endswith(f"; {hint}")


# ------------------------------------------------------ file names (issue 10, item 6)


def test_synthesis_yml_is_read_like_synthesis_yaml(mini: Path) -> None:
    (mini / "synthesis.yaml").rename(mini / "synthesis.yml")
    assert validate(mini) == []
    assert load_corpus(mini).construct_ids == ["disclosure", "mutuality", "trust"]


def test_a_study_file_or_the_studies_folder_says_what_to_pass(mini: Path) -> None:
    study = mini / "studies" / "alpha.yaml"
    assert problems(study) == [
        f"{study}:1: (folder): this is a study file: pass the review folder, the one holding "
        "studies/ (mini)"
    ]
    assert problems(mini / "studies") == [
        f"{mini / 'studies'}:1: (folder): this is a review's studies/ folder: pass the review "
        "folder instead (mini)"
    ]
    assert problems(mini / "synthesis.yaml") == [
        f"{mini / 'synthesis.yaml'}:1: (folder): this is the synthesis file: pass the folder "
        "holding it (mini)"
    ]
