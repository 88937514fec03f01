"""The token Matcher runs only where a pattern can match (analyse/nlp.py): same hits."""

from __future__ import annotations

from dataclasses import replace

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.conftest import REPO, SEEDS, parse
from themesite.analyse.nlp import PatternMatcher, required_words
from themesite.analyse.pipeline import build_pipeline
from themesite.analyse.taxonomy import Taxonomy, ThemeSpec, load_taxonomy

NLP = build_pipeline("blank:en")
TAXONOMY = load_taxonomy(REPO / "corpus" / "taxonomy.yml")


class Unfiltered(PatternMatcher):
    def may_match(self, doc) -> bool:
        return bool(self.needs)


def _words() -> list[str]:
    """Every word the shipped patterns name, and some of the seeds' own words."""
    found = set()
    for theme in TAXONOMY.themes:
        for pattern in theme.tokens:
            for token in pattern:
                for value in token.values():
                    items = value.get("IN", []) if isinstance(value, dict) else [value]
                    found |= {v for v in items if isinstance(v, str)}
    seed = parse(SEEDS[0])[0]
    found |= {w.strip(".,") for c in seed.comments[:5] for w in c.text.split()[:40]}
    return sorted(w for w in found if w)


WORDS = _words()


@pytest.fixture(scope="module")
def matchers():
    return PatternMatcher(NLP, TAXONOMY), Unfiltered(NLP, TAXONOMY)


def test_the_seeds_give_the_same_hits_with_the_filter(matchers):
    filtered, unfiltered = matchers
    docs = [NLP(c.text) for path in SEEDS for c in parse(path)[0].comments]
    assert sum(bool(filtered(d)) for d in docs) > 10
    skipped = sum(not filtered.may_match(d) for d in docs)
    assert skipped > len(docs) // 4, "the filter should spare the Matcher most texts"
    assert [filtered(d) for d in docs] == [unfiltered(d) for d in docs]


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(st.sampled_from(WORDS + ["IT", "Measured", "Months", "months."]), max_size=30))
def test_random_texts_give_the_same_hits_with_the_filter(matchers, words):
    filtered, unfiltered = matchers
    doc = NLP(" ".join(words))
    assert filtered(doc) == unfiltered(doc)


def test_only_tokens_that_must_occur_are_required():
    strings = NLP.vocab.strings
    pattern = (
        {"LEMMA": {"IN": ["blend", "embed"]}},
        {"IS_ALPHA": True, "OP": "{,3}"},
        {"LOWER": "for", "OP": "?"},
        {"lemma": "team", "OP": "{1,2}"},
        {"LOWER": {"NOT_IN": ["x"]}},
    )
    needs = required_words(pattern, strings)
    assert [(attr, sorted(strings[v] for v in values)) for attr, values in needs] == [
        (needs[0][0], ["blend", "embed"]),
        (needs[1][0], ["team"]),
    ]
    optional = ({"LOWER": "no", "OP": "*"}, {"IS_PUNCT": True})
    theme = ThemeSpec("t", "T", "T.", tokens=(optional,))
    matcher = PatternMatcher(NLP, Taxonomy("", (replace(theme),)))
    assert matcher.may_match(NLP("anything at all."))  # nothing required: always run
