"""Term counting by word ids gives what scikit-learn's vectorizers give on the same lemmas,
and the same vocabulary and frequencies however the statements are partitioned."""

from __future__ import annotations

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st
from sklearn.feature_extraction.text import CountVectorizer, TfidfVectorizer

from themesite.analyse.features import (
    FIXED,
    Idf,
    Vocabulary,
    bigram_keys,
    binary,
    count_terms,
    document_frequency,
    fixed_sum,
    merge_vocabulary,
    select_columns,
    word_set,
)

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
    vocabulary, counts = count_terms(fitted)
    names = vocabulary.names(range(counts.shape[1]))
    assert len(set(names)) == len(names)
    if not any(fitted):
        assert counts.shape[1] == 0
        return
    reference = CountVectorizer(analyzer=_terms).fit(fitted)
    assert sorted(names) == sorted(reference.get_feature_names_out())
    reference_names = reference.get_feature_names_out()
    _same(_by_name(counts, names), _by_name(reference.transform(fitted), reference_names))
    _same(
        _by_name(vocabulary.count(others), names),
        _by_name(reference.transform(others), reference_names),
    )
    weighted = TfidfVectorizer(analyzer=_terms, sublinear_tf=True).fit(fitted)
    idf = Idf.of(document_frequency(counts), len(fitted))
    for texts in (fitted, others):
        mine = idf.tfidf(vocabulary.count(texts))
        theirs = weighted.transform(texts)
        _same(_by_name(mine, names), _by_name(theirs, weighted.get_feature_names_out()))


@settings(max_examples=60, deadline=None)
@given(LEMMA_LISTS, st.integers(min_value=1, max_value=4))
def test_parts_give_the_vocabulary_and_sums_of_the_whole(lemma_lists, parts):
    """Word sets, bigram keys, document frequencies and fixed-point sums from partitions
    equal those of all statements at once, to the bit."""
    size = -(-len(lemma_lists) // parts)
    chunks = [lemma_lists[i : i + size] for i in range(0, len(lemma_lists), size)]
    whole, counts = count_terms(lemma_lists)
    words = merge_vocabulary([word_set(chunk) for chunk in chunks])
    bigrams = np.unique(np.concatenate([bigram_keys(words, chunk) for chunk in chunks]))
    assert list(words) == list(whole.words) and list(bigrams) == list(whole.bigrams)
    vocabulary = Vocabulary(words, bigrams)
    pieces = [vocabulary.count(chunk) for chunk in chunks]
    df = np.sum([document_frequency(piece) for piece in pieces], axis=0)
    assert list(df) == list(document_frequency(counts))
    rows = Idf.of(df, len(lemma_lists)).tfidf(counts)
    total = fixed_sum(rows)
    split = sum(fixed_sum(rows[i : i + size]) for i in range(0, rows.shape[0], size))
    assert (total != split).nnz == 0
    assert np.allclose(total.toarray() / FIXED, rows.sum(axis=0), atol=1e-6)


@settings(max_examples=60, deadline=None)
@given(LEMMA_LISTS, st.integers(min_value=1, max_value=6))
def test_select_keeps_the_most_frequent_terms_in_alphabetical_order(lemma_lists, limit):
    """As `CountVectorizer(binary=True, min_df=2, max_features=limit)`, except that a tie at
    the cut goes alphabetically (scikit-learn's unstable sort leaves it to chance)."""
    vocabulary, counts = count_terms(lemma_lists)
    columns, chosen_names = select_columns(document_frequency(counts), vocabulary, 2, limit)
    names = list(chosen_names)
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
    reference_columns = [list(reference.get_feature_names_out()).index(n) for n in names]
    assert (binary(counts, columns) != everything[:, reference_columns]).nnz == 0
