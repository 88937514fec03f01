"""Term counting by word ids gives what scikit-learn's vectorizers give on the same lemmas."""

from __future__ import annotations

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st
from sklearn.feature_extraction.text import CountVectorizer, TfidfVectorizer

from themesite.analyse.features import count_terms, select, tfidf

WORDS = st.sampled_from(["legacy", "system", "it", "data", "silo", "team", "cost", "speed"])
LEMMA_LISTS = st.lists(st.lists(WORDS, max_size=8).map(tuple), min_size=1, max_size=25)


def _terms(lemmas):
    return list(lemmas) + [" ".join(pair) for pair in zip(lemmas, lemmas[1:], strict=False)]


def _by_name(matrix, names):
    """A matrix as {row: {term: value}}, so column order does not matter."""
    dense = matrix.toarray()
    return [{name: float(v) for name, v in zip(names, row, strict=True) if v} for row in dense]


def _same(mine, theirs):
    assert [sorted(row) for row in mine] == [sorted(row) for row in theirs]
    for row, other in zip(mine, theirs, strict=True):
        assert all(abs(row[term] - other[term]) < 1e-5 for term in row), (row, other)


@settings(max_examples=60, deadline=None)
@given(LEMMA_LISTS, LEMMA_LISTS)
def test_counts_and_tfidf_match_scikit_learn(fitted, others):
    terms = count_terms(fitted)
    names = terms.names(range(terms.counts.shape[1]))
    assert len(set(names)) == len(names)
    if not any(fitted):
        assert terms.counts.shape[1] == 0
        return
    reference = CountVectorizer(analyzer=_terms).fit(fitted)
    assert sorted(names) == sorted(reference.get_feature_names_out())
    vocabulary = reference.get_feature_names_out()
    _same(_by_name(terms.counts, names), _by_name(reference.transform(fitted), vocabulary))
    _same(
        _by_name(terms.transform(others), names), _by_name(reference.transform(others), vocabulary)
    )
    weighted = TfidfVectorizer(analyzer=_terms, sublinear_tf=True).fit(fitted)
    ours = tfidf(terms.counts, terms.transform(others))
    for mine, texts in zip(ours, (fitted, others), strict=True):
        theirs = weighted.transform(texts)
        _same(_by_name(mine, names), _by_name(theirs, weighted.get_feature_names_out()))


@settings(max_examples=60, deadline=None)
@given(LEMMA_LISTS, st.integers(min_value=1, max_value=6))
def test_select_keeps_the_most_frequent_terms_in_alphabetical_order(lemma_lists, limit):
    """As `CountVectorizer(binary=True, min_df=2, max_features=limit)`, except that a tie at
    the cut goes alphabetically (scikit-learn's unstable sort leaves it to chance)."""
    terms = count_terms(lemma_lists)
    chosen = select(terms, np.arange(len(lemma_lists)), 2, limit)
    names = list(chosen.names)
    assert names == sorted(names)
    reference = CountVectorizer(analyzer=_terms, binary=True, min_df=2)
    try:
        everything = reference.fit_transform(lemma_lists)
    except ValueError:  # no term in two statements
        assert names == []
        return
    frequencies = np.diff(everything.tocsc().indptr)
    df = dict(zip(reference.get_feature_names_out(), frequencies, strict=True))
    assert len(names) == min(limit, len(df))
    left_out = set(df) - set(names)
    assert all(df[n] > df[o] or (df[n] == df[o] and n < o) for n in names for o in left_out)
    columns = [list(reference.get_feature_names_out()).index(n) for n in names]
    assert (chosen.binary != everything[:, columns]).nnz == 0
