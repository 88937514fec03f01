"""The analyse stage on a small corpus whose right answers are known, and on the seeds."""

from __future__ import annotations

import csv
import json
import shutil

import pytest

from tests.conftest import FIXTURES, REPO, Cli, shipped_project
from themesite.analyse.quotes import BuildError, Candidate, choose_quotes, is_whole_sentence

TAXONOMY = """\
version: 1
themes:
  - id: budgets
    label: Budgets
    description: Money for technology, who holds it and who cuts it.
    patterns:
      phrases: [budget, funding]
  - id: leadership
    label: Leadership from the top
    description: The chief executive has to drive the collaboration personally.
    examples:
      - The CEO has to lead this change from the top.
      - Without the chief executive backing it, nothing will change.
      - Leadership from the top decides whether the teams cooperate.
"""

BUDGET = [
    "Our technology budget was cut again this year.",
    "Marketing now controls a bigger budget than the CIO does.",
    "Funding for the new platform ran out in March.",
    "Nobody agrees on whose budget pays for the data warehouse.",
]
LEADERSHIP = [
    "This only changes when the CEO leads it from the top.",
    "The chief executive must personally back the change.",
    "Real leadership from the top is what makes teams cooperate.",
]
NEUTRAL = [
    "I had a sandwich for lunch while reading this.",
    "Great article, thanks for sharing it with us.",
    "The weather in Boston was lovely last week.",
]


@pytest.fixture
def small_project(project, tmp_path):
    rows = [("t1", f"author{i}", text) for i, text in enumerate(BUDGET + LEADERSHIP + NEUTRAL)]
    export = tmp_path / "small.csv"
    with export.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(["thread", "author", "text"])
        writer.writerows(rows)
    (project / "corpus" / "taxonomy.yml").write_text(TAXONOMY, encoding="utf-8")
    (project / "themesite.yml").write_text("analyse:\n  discover: false\n", encoding="utf-8")
    assert Cli(project)("add", str(export)).exit_code == 0
    return project


def _texts_by_id(project) -> dict[str, str]:
    threads = [json.loads(p.read_text("utf-8")) for p in (project / "corpus" / "threads").iterdir()]
    return {c["id"]: c["paragraphs"][0] for t in threads for c in t["comments"]}


def _themes_by_text(project):
    findings = json.loads((project / "build" / "findings.json").read_text("utf-8"))
    text = _texts_by_id(project)
    found = {}
    for item in findings["comment_assignments"]:
        if item["status"] == "assigned":
            found.setdefault(text[item["unit_id"]], set()).add(item["theme_id"])
    return findings, found


def test_known_answers_with_patterns_and_with_examples_only(small_project):
    result = Cli(small_project)("analyse")
    assert result.exit_code == 0, result.output
    findings, found = _themes_by_text(small_project)
    for text in BUDGET:
        assert found.get(text) == {"budgets"}, text
    for text in LEADERSHIP:  # no patterns: learnt from the examples alone
        assert "leadership" in found.get(text, set()), text
    for text in NEUTRAL:
        assert text not in found, text
    assert findings["coverage"]["unassigned"] >= len(NEUTRAL)
    budgets = next(t for t in findings["themes"] if t["theme"]["id"] == "budgets")
    assert budgets["comments"] == 4 and budgets["contributors"] == 4
    kinds = {
        item["theme_id"]: {e["kind"] for e in item["evidence"]}
        for item in findings["comment_assignments"]
    }
    # Patterns are learnt by the model; a theme in words only is scored zero-shot.
    assert kinds["budgets"] <= {"pattern", "example", "model"}
    assert kinds["leadership"] == {"similarity", "null"}


@pytest.fixture(scope="module")
def seed_findings(tmp_path_factory):
    root = shipped_project(tmp_path_factory.mktemp("seeds"))
    cli = Cli(root)
    assert cli("analyse").exit_code == 0
    first = (root / "build" / "findings.json").read_bytes()
    assert cli("analyse").exit_code == 0
    second = (root / "build" / "findings.json").read_bytes()
    return root, first, second


def test_two_runs_give_identical_findings(seed_findings):
    _, first, second = seed_findings
    assert first == second


def test_seeded_and_discovered_themes_with_verified_quotes(seed_findings):
    root, first, _ = seed_findings
    findings = json.loads(first)
    threads = [json.loads(p.read_text("utf-8")) for p in (root / "corpus" / "threads").iterdir()]
    comments = {c["id"]: c for t in threads for c in t["comments"]}
    kinds = {t["theme"]["id"]: t["theme"]["kind"] for t in findings["themes"]}
    for seeded in ("metrics-misalignment", "silos", "legacy-systems", "speed"):
        assert kinds[seeded] == "seeded"
    assert "discovered" in kinds.values()
    for theme in findings["themes"]:
        quotes = theme["quotes"]
        assert 3 <= len(quotes) <= 5, theme["theme"]["id"]
        for quote in quotes:
            text = "\n\n".join(comments[quote["comment_id"]]["paragraphs"])
            assert text[quote["start"] : quote["end"]] == quote["text"]
            assert is_whole_sentence(text, quote["start"], quote["end"])
            assert quote["author"] == comments[quote["comment_id"]]["author"]
        authors = {q["author"] for q in quotes}
        assert len(authors) >= min(3, theme["contributors"])  # new voices before repeats


def test_a_quote_that_is_not_verbatim_is_a_build_error():
    from themesite.analyse.records import Statement

    text = "This whole sentence is quoted in full by the report."
    statement = Statement("c1:0", "c1", "t1", "Ann", 0, len(text), text, ())
    candidate = Candidate(statement, 0.9)
    [quote] = choose_quotes([candidate], {"c1": text}, {}, 5)
    assert quote.text == text
    edited = text.replace("whole", "entire")
    with pytest.raises(BuildError, match="not an exact substring"):
        choose_quotes([candidate], {"c1": edited}, {}, 5)


@pytest.mark.parametrize(
    ("source", "quoted", "whole"),
    [
        (
            "bowling green needs more parks and trees",
            "bowling green needs more parks and trees",
            True,
        ),
        ("First point. bowling green needs more parks", "bowling green needs more parks", False),
        ("Parks matter.\n\nWe need more parks downtown", "We need more parks downtown", True),
        ("We need more parks downtown and also trees", "We need more parks downtown", False),
        ("This will lead to robots.", "This will lead to robots.", True),
    ],
)
def test_any_whole_sentence_is_quotable_whatever_its_last_character(source, quoted, whole):
    start = source.index(quoted)
    assert is_whole_sentence(source, start, start + len(quoted)) is whole


def test_a_whole_short_comment_is_quoted_but_a_short_sentence_of_a_longer_one_is_not():
    from themesite.analyse.records import Statement

    short = "This will lead to robots."
    longer = f"{short} And prices will rise for everyone who eats out."
    for text, expected in ((short, 1), (longer, 0)):
        statement = Statement("c1:0", "c1", "t1", "Ann", 0, len(short), short, ())
        assert len(choose_quotes([Candidate(statement, 0.9)], {"c1": text}, {}, 5)) == expected


def test_evaluate_reports_model_baseline_and_words_only(seed_findings):
    root, _, _ = seed_findings
    report = json.loads(Cli(root)("evaluate", "--json").stdout)
    model, baseline, words, *folded = report["results"]
    assert (model["name"], baseline["name"]) == ("model", "patterns only")
    assert words["name"] == "model, words only"
    # Coded comments as examples, each scored by a model that never saw its coding.
    assert [r["name"] for r in folded] == [
        "model + coded comments as examples (5-fold)",
        "words only + coded comments as examples (5-fold)",
    ]
    assert all(r["comments"] == 48 for r in folded)
    assert model["comments"] == 48
    assert {t["theme_id"] for t in model["themes"]} == {
        "metrics-misalignment",
        "silos",
        "legacy-systems",
        "speed",
    }
    # Regression guards at the measured levels (see README): the model must not fall
    # below the patterns-only baseline, nor below the agreement measured when shipped;
    # without any pattern, descriptions and examples alone still find every theme, scored
    # zero-shot (F1 0.61 where the weakly supervised model had 0.46, at lower precision).
    assert model["micro"]["f1"] >= baseline["micro"]["f1"]
    assert model["micro"]["f1"] >= 0.93 and model["kappa"] >= 0.9
    assert words["micro"]["f1"] >= 0.6 and words["micro"]["precision"] >= 0.5
    assert all(t["predicted"] > 0 for t in words["themes"])


def test_evaluate_warns_of_labels_no_longer_in_the_corpus(seed_findings, tmp_path):
    root, _, _ = seed_findings
    labels = tmp_path / "labels.csv"
    labels.write_text("comment_id,themes\nc000000000000,silos\n", encoding="utf-8")
    result = Cli(root)("evaluate", "--labels", str(labels))
    assert result.exit_code == 0, result.output
    assert "labels.csv:2: comment 'c000000000000' is not in the corpus" in result.stderr
    assert "none of the 1 coded comment(s) is in the corpus" in result.stdout


def test_exports_of_assignments_and_themes(seed_findings):
    root, _, _ = seed_findings
    cli = Cli(root)
    rows = list(csv.DictReader(cli("export", "assignments", "--format", "csv").stdout.splitlines()))
    assert {
        "comment_id",
        "theme_id",
        "theme_label",
        "kind",
        "status",
        "confidence",
        "evidence",
    } <= set(rows[0])
    assert {r["status"] for r in rows} <= {"assigned", "ambiguous"}
    assert {r["kind"] for r in rows} == {"seeded", "discovered"}
    themes = json.loads(cli("export", "themes", "--format", "json").stdout)
    for theme in themes:
        assert {"id", "label", "kind", "key_terms", "prevalence", "quotes"} <= set(theme)
        for quote in theme["quotes"]:
            assert {"text", "comment_id", "author", "thread_id"} <= set(quote)


def test_a_theme_with_only_a_description_ranks_its_comments_first(small_project):
    """Scored zero-shot from its words: every budget comment is closer to the budget theme
    than to leadership, and only budget comments are assigned it. In a corpus of ten
    comments random words of the corpus score high, so not all of them clear the null."""
    words_only = TAXONOMY.replace(
        "    description: Money for technology, who holds it and who cuts it.\n"
        "    patterns:\n"
        "      phrases: [budget, funding]\n",
        "    description: Money for technology, the budget, funding, who cuts it.\n",
    )
    (small_project / "corpus" / "taxonomy.yml").write_text(words_only, encoding="utf-8")
    assert Cli(small_project)("analyse").exit_code == 0
    findings, found = _themes_by_text(small_project)
    texts = _texts_by_id(small_project)
    scores = findings["scores"]
    column = scores["themes"].index("budgets")
    for comment, similarity in zip(scores["comments"], scores["similarity"], strict=True):
        if texts[comment] in BUDGET:
            assert similarity[column] == max(similarity), texts[comment]
    assert any("budgets" in found.get(text, set()) for text in BUDGET)
    assert not any("budgets" in found.get(text, set()) for text in LEADERSHIP + NEUTRAL)


def test_description_cues_are_its_clauses():
    from themesite.analyse.pipeline import build_pipeline
    from themesite.analyse.stage import description_cues

    nlp = build_pipeline()
    text = "The functions work apart: departmental silos, disconnects; and so on. Also: silos!"
    assert description_cues(nlp(text)) == [
        "The functions work apart",
        "departmental silos",
        "disconnects",
        "silos",
    ]


def test_another_taxonomy_without_editing_the_shipped_one(seed_findings, tmp_path):
    root, _, _ = seed_findings
    other = tmp_path / "other.yml"
    other.write_text(TAXONOMY, encoding="utf-8")
    before = (root / "corpus" / "taxonomy.yml").read_bytes()
    assert Cli(root)("analyse", "--taxonomy", str(other)).exit_code == 0
    findings = json.loads((root / "build" / "findings.json").read_text("utf-8"))
    ids = {t["theme"]["id"] for t in findings["themes"] if t["theme"]["kind"] == "seeded"}
    assert ids == {"budgets", "leadership"}
    assert (root / "corpus" / "taxonomy.yml").read_bytes() == before


SUB_THEMES = (
    TAXONOMY
    + """\
    sub_themes:
      - id: ceo-sponsorship
        label: CEO sponsorship
        description: The chief executive sponsors the joint work.
        patterns:
          phrases: [CEO]
"""
)


def test_sub_themes_are_analysed_under_their_parent(small_project):
    (small_project / "corpus" / "taxonomy.yml").write_text(SUB_THEMES, encoding="utf-8")
    assert Cli(small_project)("analyse").exit_code == 0
    findings, found = _themes_by_text(small_project)
    sub = next(t for t in findings["themes"] if t["theme"]["id"] == "ceo-sponsorship")
    assert sub["theme"]["parent"] == "leadership" and sub["comments"] >= 1
    assert "ceo-sponsorship" in found[LEADERSHIP[0]]


def test_a_missing_trained_pipeline_is_a_one_line_error(small_project):
    (small_project / "themesite.yml").write_text(
        "analyse:\n  pipeline: en_core_web_nonexistent\n", encoding="utf-8"
    )
    result = Cli(small_project)("analyse")
    assert result.exit_code == 1
    assert "pipeline 'en_core_web_nonexistent' is not installed" in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1


def test_hostile_corpus_analyses_and_keeps_quotes_verbatim(project):
    cli = Cli(project)
    assert cli("add", str(FIXTURES / "hostile" / "hostile_thread.txt")).exit_code == 0
    shutil.copy(REPO / "corpus" / "taxonomy.yml", project / "corpus" / "taxonomy.yml")
    result = cli("analyse")
    assert result.exit_code == 0, result.output
    findings = json.loads((project / "build" / "findings.json").read_text("utf-8"))
    [thread] = [
        json.loads(p.read_text("utf-8")) for p in (project / "corpus" / "threads").iterdir()
    ]
    texts = {c["id"]: "\n\n".join(c["paragraphs"]) for c in thread["comments"]}
    for theme in findings["themes"]:
        for quote in theme["quotes"]:
            assert texts[quote["comment_id"]][quote["start"] : quote["end"]] == quote["text"]
    assert findings["corpus"]["comments"] == 6
