"""A new corpus as researchers bring it: no taxonomy, no human coding, no authors."""

from __future__ import annotations

import csv
import json
from dataclasses import replace

import pytest

from tests.conftest import FIXTURES, Cli
from tests.test_discover import TOPICS, _statements, discover_themes
from themesite.analyse.discovery import DiscoverSettings
from themesite.analyse.taxonomy import load_taxonomy

POLIS = FIXTURES / "polis" / "15-per-hour-seattle"


@pytest.fixture(scope="module")
def polis(tmp_path_factory) -> Cli:
    """The Polis conversation added to a project with no taxonomy file."""
    root = tmp_path_factory.mktemp("polis")
    (root / "corpus" / "raw").mkdir(parents=True)
    cli = Cli(root)
    assert cli("add", str(POLIS)).exit_code == 0
    return cli


def _analyse(cli: Cli) -> tuple[str, dict]:
    result = cli("analyse")
    assert result.exit_code == 0, result.output
    text = (cli.root / "build" / "findings.json").read_text("utf-8")
    return text, json.loads(text)


def _discovered(findings: dict) -> list[dict]:
    return [t for t in findings["themes"] if t["theme"]["kind"] == "discovered"]


def test_no_taxonomy_file_gives_discovered_themes_deterministically(polis):
    first, findings = _analyse(polis)
    second, _ = _analyse(polis)
    assert first == second
    assert findings["parameters"]["taxonomy_themes"] == 0
    assert findings["parameters"]["taxonomy"] is None
    themes = _discovered(findings)
    assert themes and len(themes) == len(findings["themes"])
    assert findings["coverage"]["assigned"] > 0
    assert all(t["quotes"] for t in themes)


@pytest.mark.parametrize("text", ["themes: []\n", "", "# no themes yet\nthemes:\n#  - id: x\n"])
def test_a_taxonomy_without_themes_is_valid(tmp_path, text):
    path = tmp_path / "taxonomy.yml"
    path.write_text(text, encoding="utf-8")
    assert load_taxonomy(path).themes == ()


def test_an_empty_theme_list_gives_the_same_themes(polis):
    taxonomy = polis.root / "corpus" / "taxonomy.yml"
    taxonomy.write_text("version: 1\nthemes: []\n", encoding="utf-8")
    try:
        first, findings = _analyse(polis)
    finally:
        taxonomy.unlink()
    without, _ = _analyse(polis)
    assert findings["parameters"]["taxonomy_themes"] == 0
    assert findings["parameters"]["taxonomy"] == "corpus/taxonomy.yml"
    assert _discovered(findings)
    assert findings["themes"] == json.loads(without)["themes"]


def test_discovery_counts_unnamed_comments_as_voices_of_their_own():
    anonymous = [replace(s, author=None) for s in _statements(TOPICS)]
    themes, _ = discover_themes(anonymous, set(), DiscoverSettings())
    assert len(themes) == 3
    assert all("contributor" not in t.theme.description for t in themes)
    one_author = [replace(s, author="prolific") for s in anonymous]
    themes, report = discover_themes(one_author, set(), DiscoverSettings())
    assert themes == []
    assert all("1 voices, fewer than 2" in why for why in report["dropped"])


def test_comments_without_authors_get_discovered_themes(project, tmp_path):
    rows = list(csv.DictReader((POLIS / "comments.csv").open(encoding="utf-8")))
    survey = tmp_path / "survey.csv"
    with survey.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(["text"])
        writer.writerows([r["comment-body"]] for r in rows if r["moderated"] != "-1")
    cli = Cli(project)
    assert cli("add", str(survey)).exit_code == 0
    _, findings = _analyse(cli)
    assert findings["corpus"]["contributors"] == 0
    themes = _discovered(findings)
    assert themes, findings["parameters"]["discovery"]
    assert all(t["quotes"] and t["comments"] >= 3 for t in themes)
    assert not any("contributor" in t["theme"]["description"] for t in themes)


def test_labels_of_comments_no_longer_in_the_corpus_are_warnings(polis, tmp_path):
    thread = next((polis.root / "corpus" / "threads").iterdir())
    comments = json.loads(thread.read_text("utf-8"))["comments"]
    robots = next(c["id"] for c in comments if c["paragraphs"][0].startswith("This will lead"))
    labels = tmp_path / "labels.csv"
    labels.write_text(
        f"comment_id,themes,note\n{robots},automation,robots\nc000000000000,prices,gone\n"
        f"{comments[1]['id']},fair-wage;retired-theme,\n",
        encoding="utf-8",
    )
    taxonomy = FIXTURES / "polis" / "taxonomy-15-per-hour.yml"
    result = polis("evaluate", "--labels", str(labels), "--taxonomy", str(taxonomy), "--json")
    assert result.exit_code == 0, result.output
    warnings = result.stderr.strip().splitlines()
    assert len(warnings) == 2
    assert f"{labels}:3: comment 'c000000000000' is not in the corpus" in warnings[0]
    assert f"{labels}:4: theme id(s) retired-theme are not in the taxonomy" in warnings[1]
    report = json.loads(result.stdout)
    assert report["warnings"] == [w.removeprefix("warning: ") for w in warnings]
    model = report["results"][0]
    assert model["comments"] == 2 and report["note"] is None


def test_evaluate_under_an_empty_taxonomy_says_there_is_nothing_to_compare(polis, tmp_path):
    labels = tmp_path / "labels.csv"
    labels.write_text("comment_id,themes\n", encoding="utf-8")
    empty = tmp_path / "empty.yml"
    empty.write_text("themes: []\n", encoding="utf-8")
    result = polis("evaluate", "--labels", str(labels), "--taxonomy", str(empty))
    assert result.exit_code == 0, result.output
    assert "No evaluation: the taxonomy has no themes" in result.stdout


def test_evaluate_without_labels_says_how_to_make_them(polis):
    result = polis("evaluate")
    assert result.exit_code == 1
    [line] = result.stderr.strip().splitlines()
    assert "corpus/labels/" in line and ".csv: there is no coding file" in line
    assert "comment_id,themes" in line and "--labels" in line


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("themes:\n  - id: a\n   label: [unclosed\n", "taxonomy.yml:3: not valid YAML"),
        ("themes:\n  - label: No id\n    description: x\n", "taxonomy.yml:2: the theme needs"),
        ("just some words\n", "taxonomy.yml:1: the file must be a mapping"),
    ],
)
def test_a_malformed_taxonomy_is_still_one_line(polis, tmp_path, text, expected):
    taxonomy = tmp_path / "taxonomy.yml"
    taxonomy.write_text(text, encoding="utf-8")
    result = polis("analyse", "--taxonomy", str(taxonomy))
    assert result.exit_code == 1
    [line] = result.stderr.strip().splitlines()
    assert expected in line


def test_a_named_taxonomy_must_exist(polis, tmp_path):
    result = polis("analyse", "--taxonomy", str(tmp_path / "nope.yml"))
    assert result.exit_code == 1
    [line] = result.stderr.strip().splitlines()
    assert "cannot read the taxonomy" in line


def test_a_taxonomy_that_is_not_text_is_one_line(polis, tmp_path):
    taxonomy = tmp_path / "taxonomy.yml"
    taxonomy.write_bytes(b"\xff\xfe\x00themes")
    result = polis("analyse", "--taxonomy", str(taxonomy))
    assert result.exit_code == 1
    [line] = result.stderr.strip().splitlines()
    assert "is not UTF-8 text" in line
