"""Lemma uni- and bigram counts, computed once per analysis and shared by every model.

Terms are counted with integer arithmetic on word ids (a bigram is a pair of ids), so
a million statements cost one pass in Python and a few NumPy sorts, where
scikit-learn's vectorizers build and hash a string for every bigram, once per model.
Columns are the words in alphabetical order, then the bigrams ordered by their words.
`select` returns a sub-vocabulary in scikit-learn's own order (alphabetical, most
frequent kept first), for models whose result depends on column order.
"""

from __future__ import annotations

import itertools
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
from scipy import sparse

#: Costly models are fitted on at most this many statements of a large corpus and then
#: applied to all: enough for themes that matter, at a cost that stops growing.
FIT_SAMPLE = 20_000


@dataclass(frozen=True)
class Terms:
    """Term counts of a list of statements (rows) and the vocabulary they define."""

    counts: sparse.csr_matrix  # rows x terms, how often each term occurs (float64)
    words: np.ndarray  # the words, sorted (object array of str)
    bigrams: np.ndarray  # bigram keys first * len(words) + second, sorted (int64)

    def names(self, columns: Sequence[int] | np.ndarray) -> list[str]:
        """The terms of `columns` as text ("legacy", "legacy system")."""
        width = len(self.words)
        names = []
        for column in columns:
            column = int(column)
            if column < width:
                names.append(self.words[column])
            else:
                first, second = divmod(int(self.bigrams[column - width]), width)
                names.append(f"{self.words[first]} {self.words[second]}")
        return names

    def transform(self, lemma_lists: Sequence[Sequence[str]]) -> sparse.csr_matrix:
        """Counts of other texts in this vocabulary; terms it lacks are dropped."""
        rank = {word: i for i, word in enumerate(self.words)}
        ids = [[rank.get(w, -1) for w in lemmas] for lemmas in lemma_lists]
        return _matrix(ids, len(self.words), self.bigrams)


def count_terms(lemma_lists: Sequence[Sequence[str]]) -> Terms:
    """Count the uni- and bigrams of every list of lemmas."""
    words = np.array(sorted(set(itertools.chain.from_iterable(lemma_lists))), dtype=object)
    rank = {word: i for i, word in enumerate(words)}
    flat = np.fromiter(
        map(rank.__getitem__, itertools.chain.from_iterable(lemma_lists)), dtype=np.int64
    )
    lengths = np.fromiter(map(len, lemma_lists), dtype=np.int64, count=len(lemma_lists))
    rows = np.repeat(np.arange(len(lemma_lists)), lengths)
    pairs = np.flatnonzero(rows[1:] == rows[:-1]) if len(rows) else np.zeros(0, np.int64)
    keys = flat[pairs] * len(words) + flat[pairs + 1]
    bigrams = np.unique(keys)
    columns = np.concatenate([flat, len(words) + np.searchsorted(bigrams, keys)])
    counts = sparse.csr_matrix(
        (np.ones(len(columns)), (np.concatenate([rows, rows[pairs]]), columns)),
        shape=(len(lemma_lists), len(words) + len(bigrams)),
    )
    counts.sum_duplicates()
    return Terms(counts=counts, words=words, bigrams=bigrams)


def _matrix(ids: list[list[int]], width: int, bigrams: np.ndarray) -> sparse.csr_matrix:
    """Counts of texts given as word ids (-1: unknown) against a fixed vocabulary."""
    flat = np.fromiter(itertools.chain.from_iterable(ids), dtype=np.int64)
    lengths = np.fromiter(map(len, ids), dtype=np.int64, count=len(ids))
    rows = np.repeat(np.arange(len(ids)), lengths)
    known = flat >= 0
    pairs = np.flatnonzero((rows[1:] == rows[:-1]) & known[1:] & known[:-1])
    keys = flat[pairs] * width + flat[pairs + 1]
    at = np.searchsorted(bigrams, keys)
    inside = at < len(bigrams)
    matched = np.zeros(len(keys), dtype=bool)
    matched[inside] = bigrams[at[inside]] == keys[inside]
    matrix = sparse.csr_matrix(
        (
            np.ones(int(known.sum() + matched.sum())),
            (
                np.concatenate([rows[known], rows[pairs[matched]]]),
                np.concatenate([flat[known], width + at[matched]]),
            ),
        ),
        shape=(len(ids), width + len(bigrams)),
    )
    matrix.sum_duplicates()
    return matrix


def tfidf(counts: sparse.csr_matrix, *others: sparse.csr_matrix) -> list[sparse.csr_matrix]:
    """Sublinear TF-IDF rows of unit length, as `TfidfVectorizer(sublinear_tf=True)` gives,
    for `counts` and for `others` with the weights `counts` defines."""
    from sklearn.feature_extraction.text import TfidfTransformer

    model = TfidfTransformer(sublinear_tf=True).fit(counts)
    return [
        model.transform(matrix).astype(np.float32) if matrix.shape[0] else matrix.astype(np.float32)
        for matrix in (counts, *others)
    ]


@dataclass(frozen=True)
class Selection:
    binary: sparse.csr_matrix  # the rows' binary counts over the selected terms
    names: np.ndarray  # the selected terms, alphabetical
    columns: np.ndarray  # their columns in `Terms.counts`


def select(terms: Terms, rows: np.ndarray, min_df: int, max_features: int) -> Selection:
    """Binary counts of `rows` over the terms at least `min_df` of them have, at most
    `max_features` of the most frequent (ties alphabetically), columns in alphabetical
    order: what `CountVectorizer(binary=True, min_df=..., max_features=...)` keeps."""
    binary = (terms.counts[rows] > 0).astype(np.float64).tocsc()
    df = np.diff(binary.indptr)
    candidates = np.flatnonzero(df >= min_df)
    if len(candidates) > max_features:
        order = np.argsort(-df[candidates], kind="stable")
        cut = df[candidates[order[max_features - 1]]]
        above = candidates[df[candidates] > cut]
        tied = candidates[df[candidates] == cut]
        tied_names = terms.names(tied)
        ranked = sorted(range(len(tied)), key=tied_names.__getitem__)
        candidates = np.concatenate([above, tied[ranked[: max_features - len(above)]]])
    names = np.array(terms.names(candidates), dtype=object)
    order = np.argsort(names, kind="stable")
    chosen = candidates[order]
    return Selection(binary[:, chosen].tocsr(), names[order], chosen)


def sample_rows(rows: int, size: int, seed: int) -> np.ndarray:
    """All rows, or a seeded random `size` of them, in order."""
    if rows <= size:
        return np.arange(rows)
    return np.sort(np.random.default_rng(seed).permutation(rows)[:size])
