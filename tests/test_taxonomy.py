"""Taxonomy validation: every problem reported at once, each with file, line and fix."""

from __future__ import annotations

import pytest

from tests.conftest import REPO, Cli
from themesite.analyse.taxonomy import TaxonomyError, load_taxonomy

GOOD = """\
version: 1
themes:
  - id: budgets
    label: Budgets
    description: Money for technology and who controls it.
"""


def _load(tmp_path, text):
    path = tmp_path / "taxonomy.yml"
    path.write_text(text, encoding="utf-8")
    return load_taxonomy(path)


def test_shipped_taxonomy_has_the_four_seeded_themes():
    taxonomy = load_taxonomy(REPO / "corpus" / "taxonomy.yml")
    assert [t.id for t in taxonomy.top_level] == [
        "metrics-misalignment",
        "silos",
        "legacy-systems",
        "speed",
    ]
    for theme in taxonomy.themes:
        assert theme.description and theme.examples and theme.counter_examples


def test_description_only_theme_is_valid(tmp_path):
    [theme] = _load(tmp_path, GOOD).themes
    assert theme.phrases == () and theme.examples == ()


def test_flag_attributes_and_gaps_are_valid_patterns(tmp_path):
    """true/false is refused only where a word is compared, not for flags like IS_ALPHA."""
    text = GOOD + "    patterns:\n      tokens:\n"
    text += '        - [{LEMMA: blend}, {IS_ALPHA: true, OP: "{,3}"}, {LEMMA: team}]\n'
    [theme] = _load(tmp_path, text).themes
    assert theme.tokens[0][1] == {"IS_ALPHA": True, "OP": "{,3}"}


def test_all_problems_are_reported_with_lines(tmp_path):
    text = (
        GOOD
        + """\
    colour: blue
  - id: budgets
    label: Again
    description: Duplicate.
  - id: Bad Id
    label: x
    description: y
    patterns:
      phrases: ["...", "fine"]
      tokens:
        - [{LOWER: Marketing}]
        - [{LOWER: {IN: [on, off]}}]
        - [{NOSUCHATTR: x}]
  - label: no id
    description: missing
"""
    )
    with pytest.raises(TaxonomyError) as caught:
        _load(tmp_path, text)
    message = str(caught.value)
    assert "taxonomy.yml:6: unknown key 'colour'" in message
    assert "taxonomy.yml:7: duplicate theme id 'budgets' (first at line 3" in message
    assert "taxonomy.yml:10: theme id 'Bad Id' must be lower-case" in message
    assert "phrase '...' has no word in it" in message
    assert "taxonomy.yml:16: token pattern [{'LOWER': 'Marketing'}] can never match" in message
    assert "taxonomy.yml:17: token pattern [{'LOWER': {'IN': [True, False]}}] compares" in message
    assert "YAML reads on, off, yes and no as booleans" in message
    assert "taxonomy.yml:18: token pattern [{'NOSUCHATTR': 'x'}] is not a valid spaCy" in message
    assert "the theme needs a non-empty 'id'" in message
    assert message.count("taxonomy.yml:") >= 8


def test_a_bad_token_pattern_names_its_own_line_in_block_style_too(tmp_path):
    text = GOOD + (
        "    patterns:\n"
        "      tokens:\n"
        "        - [{LEMMA: fine}]\n"
        "\n"
        "        # a pattern written as a block\n"
        "        - - {LEMMA: marketing}\n"
        "          - {LOWER: Team}\n"
    )
    with pytest.raises(TaxonomyError) as caught:
        _load(tmp_path, text)
    message = str(caught.value)
    assert message.startswith("1 problem(s) in the taxonomy: ")
    assert f"{tmp_path / 'taxonomy.yml'}:11: token pattern [{{'LEMMA': 'marketing'}}" in message


def test_invalid_yaml_names_the_line(tmp_path):
    with pytest.raises(TaxonomyError, match=r"taxonomy.yml:3: not valid YAML"):
        _load(tmp_path, "themes:\n  - id: a\n   label: [unclosed\n")


def test_missing_file_says_how_to_fix(tmp_path):
    with pytest.raises(TaxonomyError, match="--taxonomy"):
        load_taxonomy(tmp_path / "nope.yml")


def test_a_theme_whose_patterns_match_everything_is_a_one_line_error(seeded_project):
    (seeded_project / "corpus" / "taxonomy.yml").write_text(
        "version: 1\nthemes:\n  - id: everything\n    label: Everything\n"
        "    description: Any statement at all.\n"
        "    patterns:\n      tokens:\n        - [{}]\n",
        encoding="utf-8",
    )
    cli = Cli(seeded_project)
    assert cli("ingest").exit_code == 0
    result = cli("analyse")
    assert result.exit_code == 1
    [line] = result.output.strip().splitlines()
    assert "theme 'everything': its patterns match every one of the" in line
    assert "make its patterns more specific" in line
    assert not (seeded_project / "build" / "findings.json").exists()
