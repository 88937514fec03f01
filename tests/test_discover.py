"""Discovered themes: known topics are found and named, runs repeat whatever the order or
partitioning of the statements, the seeds give themes."""

from __future__ import annotations

import functools
import random

import pytest
from spacy.lang.en.stop_words import STOP_WORDS

from tests.conftest import REPO
from themesite.analyse.discovery import DiscoverSettings
from themesite.analyse.discovery import discover_themes as discover_in
from themesite.analyse.engine import LocalEngine
from themesite.analyse.features import count_terms
from themesite.analyse.naming import WordRarity
from themesite.analyse.parts import Part
from themesite.analyse.records import ASSIGNED, DISCOVERED, Assignment, Statement
from themesite.analyse.stage import _one_thread

TOPICS = {
    "budget": [
        ("The technology budget was cut again this year.", "technology budget cut year"),
        ("Marketing now controls a bigger budget than the CIO.", "market control big budget cio"),
        ("Nobody agrees whose budget pays for the new platform.", "agree budget pay new platform"),
        ("Budget cuts hit every project we planned.", "budget cut hit project plan"),
        (
            "Finance froze the budget for software spending.",
            "finance freeze budget software spending",
        ),
        ("A shared budget would end the fights over spending.", "share budget end fight spending"),
    ],
    "leader": [
        ("The CEO has to show leadership from the top.", "ceo show leadership top"),
        ("Without leadership from the CEO nothing changes.", "leadership ceo change"),
        (
            "Real leadership from the top makes teams cooperate.",
            "real leadership top make team cooperate",
        ),
        ("The CEO must personally lead from the top.", "ceo personally lead top"),
        ("Leadership at the top sets the priorities.", "leadership top set priority"),
        ("When the CEO shows leadership, the others follow.", "ceo show leadership follow"),
    ],
    "data": [
        (
            "Marketing needs clean customer data for analytics.",
            "market need clean customer datum analytics",
        ),
        (
            "Our analytics team cannot reach the data warehouse.",
            "analytics team reach datum warehouse",
        ),
        (
            "Data quality decides whether analytics can be trusted.",
            "datum quality decide analytics trust",
        ),
        (
            "Predictive analytics needs data from every channel.",
            "predictive analytics need datum channel",
        ),
        (
            "The data sits in systems that analytics cannot query.",
            "datum sit system analytics query",
        ),
        ("Customer data and analytics belong together.", "customer datum analytics belong"),
    ],
}


@functools.cache
def _rarity() -> WordRarity:
    return WordRarity()


def discover_themes(statements, exclude, settings, parts: int = 1):
    """Discovery over `parts` partitions of the statements; `exclude` are explained already."""
    vocabulary, _ = count_terms([s.lemmas for s in statements])
    size = max(1, -(-len(statements) // parts))
    chunks = [statements[i : i + size] for i in range(0, len(statements), size)] or [[]]
    engine = LocalEngine(
        [
            Part(
                infos=(),
                texts={},
                roles={},
                statements=chunk,
                hits={},
                threads=0,
                excluded=0,
                processed=0,
                counts=vocabulary.count([s.lemmas for s in chunk]),
                outcomes=tuple(
                    Assignment(s.id, "seeded", ASSIGNED, 1.0, ()) for s in chunk if s.id in exclude
                ),
            )
            for chunk in chunks
        ]
    )
    # One thread, as the analyse stage runs it: k-means' idle OpenMP threads spin, which
    # made this test ten times slower on a two-core machine with anything else running.
    with _one_thread():
        return discover_in(engine, vocabulary, settings, _rarity())


def _statements(topics: dict[str, list[tuple[str, str]]]) -> list[Statement]:
    """Each topic from three comments by three authors, two statements per comment."""
    statements = []
    for topic, items in topics.items():
        for j, (text, lemmas) in enumerate(items):
            comment = f"{topic}{j // 2}"
            statements.append(
                Statement(
                    id=f"{comment}:{j % 2}",
                    comment_id=comment,
                    thread_id="t1",
                    author=f"author-{comment}",
                    start=0,
                    end=len(text),
                    text=text,
                    lemmas=tuple(lemmas.split()),
                )
            )
    return statements


def _ids(topic: str) -> set[str]:
    return {s.id for s in _statements({topic: TOPICS[topic]})}


def _words(found, top: int = 3) -> set[str]:
    return {word for term in found.theme.key_terms[:top] for word in term.split()}


def _members(found) -> set[str]:
    return {statement_id for statement_id, _ in found.members}


def test_three_obvious_topics_are_found_and_named():
    themes, report = discover_themes(_statements(TOPICS), set(), DiscoverSettings())
    assert report["chosen_k"] == 3
    assert sorted(report["scores"]) == [2, 3, 4]
    by_topic = {topic: [t for t in themes if _members(t) == _ids(topic)] for topic in TOPICS}
    assert all(len(found) == 1 for found in by_topic.values()), [t.theme.label for t in themes]
    assert "budget" in _words(by_topic["budget"][0])
    assert {"CEO", "leadership"} & _words(by_topic["leader"][0])
    # A lemma bigram is named as people wrote it, stop words and all.
    assert by_topic["leader"][0].theme.label == "Leadership from the top"
    assert "data" in _words(by_topic["data"][0])  # as written, not the lemma "datum"
    for found in themes:
        assert found.theme.kind == DISCOVERED
        assert found.theme.id.startswith("d-") and found.theme.label
        assert f"marked by the words {found.theme.key_terms[0]}" in found.theme.description
        typicality = [t for _, t in found.members]
        assert typicality == sorted(typicality, reverse=True)
        assert 0 < found.coherence <= 1


def test_runs_repeat_and_neither_order_nor_partitioning_matters():
    statements = _statements(TOPICS)
    first = discover_themes(statements, set(), DiscoverSettings())
    assert discover_themes(statements, set(), DiscoverSettings()) == first
    shuffled = list(statements)
    random.Random(7).shuffle(shuffled)
    assert discover_themes(shuffled, set(), DiscoverSettings()) == first
    assert discover_themes(statements, set(), DiscoverSettings(), parts=4) == first


@pytest.mark.parametrize("count", [0, 1, 7])
def test_too_few_statements_give_no_themes(count):
    statements = _statements(TOPICS)[:count]
    themes, report = discover_themes(statements, set(), DiscoverSettings())
    assert themes == []
    assert report["chosen_k"] is None
    assert "too few" in report["dropped"][0]


def test_excluded_statements_are_not_clustered():
    budget = _ids("budget")
    themes, report = discover_themes(_statements(TOPICS), budget, DiscoverSettings())
    assert report["statements"] == 12
    assert (
        sorted(_members(t) == _ids(topic) for t in themes for topic in ("leader", "data")).count(
            True
        )
        == 2
    )
    assert not any(_members(t) & budget for t in themes)


def test_a_cluster_from_too_few_comments_is_dropped():
    settings = DiscoverSettings(min_comments=4)
    themes, report = discover_themes(_statements(TOPICS), set(), settings)
    assert themes == []
    assert all("fewer than 4" in why for why in report["dropped"])


@pytest.fixture(scope="module")
def seed_statements() -> list[Statement]:
    from themesite.analyse.statements import NlpSettings, Unit, extract_statements
    from themesite.analyse.taxonomy import load_taxonomy
    from themesite.ingest.store import read_threads

    units = [
        Unit(c.id, t.id, c.author, c.text)
        for t in read_threads(REPO / "corpus" / "threads")
        for c in t.comments
        if not c.excluded
    ]
    taxonomy = load_taxonomy(REPO / "corpus" / "taxonomy.yml")
    return extract_statements(units, taxonomy, NlpSettings("blank:en", 64, 1)).statements


def test_the_seeds_give_themes_named_in_their_own_words(seed_statements):
    settings = DiscoverSettings()
    themes, report = discover_themes(seed_statements, set(), settings)
    assert discover_themes(seed_statements, set(), settings, parts=3) == (themes, report)
    by_id = {s.id: s for s in seed_statements}
    assert themes, report
    assert report["chosen_k"] in report["scores"]
    assert len({t.theme.id for t in themes}) == len(themes)
    for found in themes:
        members = [by_id[statement_id] for statement_id, _ in found.members]
        assert len(members) >= settings.min_size
        assert len({s.comment_id for s in members}) >= settings.min_comments
        assert len({s.author for s in members if s.author}) >= settings.min_authors
        words = {w for term in found.theme.key_terms for w in term.split() if w != "IT"}
        assert words and not {w.lower() for w in words} & STOP_WORDS, found.theme.key_terms
        # Named by a phrase its own statements contain, as contributors wrote it.
        texts = " ".join(s.text.lower() for s in members)
        assert found.theme.label.lower() in texts, found.theme.label
