"""What becomes a discovered theme and what it is called: names, boilerplate and
unstable clusters stay out, contraction pieces and numbers never hold a cluster
together, titles are phrases and unique, and a theme inside a seeded one is its child."""

from __future__ import annotations

import numpy as np

from tests.test_discover import TOPICS, _statements, discover_themes
from themesite.analyse.discovery import DiscoverSettings
from themesite.analyse.discovery.keep import Cluster, is_name, junk_reason, spread_reason
from themesite.analyse.discovery.stage import _columns
from themesite.analyse.discovery.steps import Member
from themesite.analyse.discovery.title import discovered_themes
from themesite.analyse.features import count_terms


def _cluster(texts, stability=0.9, authors=True) -> Cluster:
    members = tuple(
        Member(f"s{i}", f"c{i}", f"a{i}" if authors else None, 0.5, text)
        for i, text in enumerate(texts)
    )
    return Cluster(0, len(members), members, 0.5, stability)


def test_a_place_name_is_a_name_and_an_acronym_or_a_topic_word_is_not():
    places = [
        "We need more parks in the County before the next vote.",
        "Taxes in the County keep rising every year.",
        "I moved to the County for the schools.",
    ]
    assert is_name("county", places)
    acronyms = ["Leaving the EU was a mistake.", "Trade with the EU matters to farmers."]
    assert not is_name("EU", acronyms)
    topic = ["The minimum wage should rise.", "A higher minimum wage helps workers."]
    assert not is_name("minimum wage", topic)
    # At the start of a sentence every word is capitalised: that says nothing.
    assert not is_name("budget", ["Budget cuts hurt.", "Budget talks failed."])


def test_a_cluster_held_together_by_a_name_is_junk_and_says_why():
    texts = ["Life in San Juan is good.", "The roads of San Juan are bad.", "I love San Juan."]
    assert "San Juan" in junk_reason("San Juan", texts)
    others = [f"Statement {word} is about something else." for word in "abcdefg"]
    assert junk_reason("San Juan", texts + others) is None  # a name some members mention


def test_boilerplate_and_unstable_clusters_are_dropped():
    settings = DiscoverSettings()
    pasted = _cluster(["Test comment please ignore."] * 5 + ["Another test comment here."])
    assert "boilerplate" in spread_reason(pasted, settings)
    varied = [f"Statement number {word} says something else." for word in "abcdef"]
    assert spread_reason(_cluster(varied), settings) is None
    assert "resampled" in spread_reason(_cluster(varied, stability=0.1), settings)


def test_comments_without_authors_are_voices_of_their_own():
    varied = [f"Statement number {word} says something else." for word in "abcdef"]
    assert spread_reason(_cluster(varied, authors=False), DiscoverSettings()) is None


def test_contraction_pieces_and_numbers_never_become_terms():
    lemmas = [("wo", "change", "2020"), ("wo", "change", "2020"), ("ca", "change", "tax")] * 3
    vocabulary, counts = count_terms(lemmas)
    df = np.asarray((counts > 0).sum(axis=0)).ravel()
    _, names = _columns(df, vocabulary, "en")
    assert "change" in names
    assert not {w for n in names for w in n.split()} & {"wo", "ca", "2020"}


def test_titles_are_one_phrase_and_never_repeat():
    clusters = [_cluster([f"text {i}"]) for i in range(3)]
    named = [(clusters[0], ["minimum wage", "robots"]), (clusters[1], ["minimum wage", "jobs"])]
    named.append((clusters[2], ["minimum wage"]))
    themes = discovered_themes(named, 3, [None, None, None])
    assert [t.theme.label for t in themes] == ["Minimum wage", "Jobs", "Minimum wage (2)"]
    assert len({t.theme.id for t in themes}) == 3


def test_a_discovered_theme_inside_a_seeded_one_is_its_sub_theme():
    statements = _statements(TOPICS)
    # The second statement of every "budget" comment carries a seeded theme already.
    seeded = {s.id for s in statements if s.comment_id.startswith("budget") and s.id[-1] == "1"}
    themes, _ = discover_themes(statements, seeded, DiscoverSettings(min_size=3))
    parents = {t.theme.key_terms[0]: t.theme.parent for t in themes}
    assert parents.get("budget") == "seeded", parents
    assert all(p is None for term, p in parents.items() if term != "budget")
