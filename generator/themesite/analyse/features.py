"""Lemma uni- and bigram counts in one vocabulary shared by every model, built from parts.

Terms are counted with integer arithmetic on word ids (a bigram is a pair of ids), so
a million statements cost one pass in Python and a few NumPy sorts, where
scikit-learn's vectorizers build and hash a string for every bigram, once per model.
Columns are the words in alphabetical order, then the bigrams ordered by their words.

The vocabulary, document frequencies and inverse document frequencies are built from
what each partition of the corpus reports (word sets, bigram keys, column sums), so no
step needs every statement at once, and integer sums make them exact whatever the
partitioning. `select_columns` keeps a sub-vocabulary in scikit-learn's own order
(alphabetical, most frequent kept first), for models whose result depends on it.
"""

from __future__ import annotations

import itertools
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

import numpy as np
from scipy import sparse

#: Costly models are fitted on at most this many statements of a large corpus and then
#: applied to all: enough for themes that matter, at a cost that stops growing.
FIT_SAMPLE = 20_000
#: Fixed-point scale of exact sums: float rows summed as integers give the same total in
#: any order and any partitioning, to 2**-32 of each value.
FIXED = float(2**32)
#: Statements turned into character n-grams at once: for every statement of a 100k
#: corpus at once they took gigabytes, where the scores and vectors made from them
#: take megabytes.
BLOCK = 8192


@dataclass(frozen=True)
class Vocabulary:
    words: np.ndarray  # the words, sorted (object array of str)
    bigrams: np.ndarray  # bigram keys first * len(words) + second, sorted (int64)

    @property
    def size(self) -> int:
        return len(self.words) + len(self.bigrams)

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

    def count(self, lemma_lists: Sequence[Sequence[str]]) -> sparse.csr_matrix:
        """Term counts (float64) of texts in this vocabulary; terms it lacks are dropped."""
        ids = _word_ids(self.words, lemma_lists)
        width = len(self.words)
        flat, rows, pairs = _flatten(ids)
        known = flat >= 0
        pairs = pairs[known[pairs] & known[pairs + 1]]
        keys = flat[pairs] * width + flat[pairs + 1]
        at = np.searchsorted(self.bigrams, keys)
        inside = at < len(self.bigrams)
        matched = np.zeros(len(keys), dtype=bool)
        matched[inside] = self.bigrams[at[inside]] == keys[inside]
        matrix = sparse.csr_matrix(
            (
                np.ones(int(known.sum() + matched.sum())),
                (
                    np.concatenate([rows[known], rows[pairs[matched]]]),
                    np.concatenate([flat[known], width + at[matched]]),
                ),
            ),
            shape=(len(ids), self.size),
        )
        matrix.sum_duplicates()
        return matrix


def word_set(lemma_lists: Iterable[Sequence[str]]) -> set[str]:
    return set(itertools.chain.from_iterable(lemma_lists))


def bigram_keys(words: np.ndarray, lemma_lists: Sequence[Sequence[str]]) -> np.ndarray:
    """The distinct bigrams of `lemma_lists` as keys over `words` (which hold all theirs)."""
    flat, _, pairs = _flatten(_word_ids(words, lemma_lists))
    return np.unique(flat[pairs] * len(words) + flat[pairs + 1])


def merge_vocabulary(word_sets: Iterable[set[str]]) -> np.ndarray:
    return np.array(sorted(set().union(*word_sets)), dtype=object)


def count_terms(lemma_lists: Sequence[Sequence[str]]) -> tuple[Vocabulary, sparse.csr_matrix]:
    """The vocabulary of `lemma_lists` and their counts in it, in one go."""
    words = merge_vocabulary([word_set(lemma_lists)])
    vocabulary = Vocabulary(words, bigram_keys(words, lemma_lists))
    return vocabulary, vocabulary.count(lemma_lists)


def _word_ids(words: np.ndarray, lemma_lists: Sequence[Sequence[str]]) -> list[list[int]]:
    rank = {word: i for i, word in enumerate(words)}
    return [[rank.get(w, -1) for w in lemmas] for lemmas in lemma_lists]


def _flatten(ids: list[list[int]]) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Word ids in one array, the row of each, and the positions that start a bigram."""
    flat = np.fromiter(itertools.chain.from_iterable(ids), dtype=np.int64)
    lengths = np.fromiter(map(len, ids), dtype=np.int64, count=len(ids))
    rows = np.repeat(np.arange(len(ids)), lengths)
    pairs = np.flatnonzero(rows[1:] == rows[:-1]) if len(rows) else np.zeros(0, np.int64)
    return flat, rows, pairs


def document_frequency(counts: sparse.csr_matrix) -> np.ndarray:
    """How many rows have each term (int64), to be summed over partitions."""
    return np.bincount(counts.indices, minlength=counts.shape[1]).astype(np.int64)


@dataclass(frozen=True)
class Idf:
    """Smoothed inverse document frequencies, as `TfidfTransformer` computes them."""

    weights: np.ndarray

    @classmethod
    def of(cls, df: np.ndarray, rows: int) -> Idf:
        return cls(np.log((1 + rows) / (1 + df)) + 1)

    def tfidf(self, counts: sparse.csr_matrix) -> sparse.csr_matrix:
        """Sublinear TF-IDF rows of unit length (float32), as
        `TfidfVectorizer(sublinear_tf=True)` gives; each row on its own."""
        from sklearn.preprocessing import normalize

        if not all(counts.shape):
            return counts.astype(np.float32)
        weighted = counts.astype(np.float64, copy=True)
        np.log(weighted.data, out=weighted.data)
        weighted.data += 1
        weighted.data *= self.weights[weighted.indices]
        return normalize(weighted).astype(np.float32)


def fixed_sum(rows: sparse.spmatrix | np.ndarray) -> sparse.csr_matrix | np.ndarray:
    """The column sums of float rows as fixed-point integers: exact, so partial sums of
    partitions add up to the same total in any order."""
    if sparse.issparse(rows):
        fixed = rows.tocsr(copy=True).astype(np.float64)
        fixed.data = np.rint(fixed.data * FIXED)
        fixed = fixed.astype(np.int64)
        return sparse.csr_matrix(fixed.sum(axis=0, dtype=np.int64))
    return np.rint(np.asarray(rows, dtype=np.float64) * FIXED).astype(np.int64).sum(axis=0)


def select_columns(
    df: np.ndarray,
    vocabulary: Vocabulary,
    min_df: int,
    max_features: int,
    without: Sequence[str] = (),
) -> tuple[np.ndarray, np.ndarray]:
    """The columns at least `min_df` rows have, at most `max_features` of the most frequent
    (ties alphabetically), in alphabetical order, with their names: what
    `CountVectorizer(binary=True, min_df=..., max_features=...)` keeps. Terms with a word
    of `without` are left out (stance words: they make claims, not topics)."""
    candidates = np.flatnonzero(df >= min_df)
    if without:
        dropped = set(without)
        names = vocabulary.names(candidates)
        candidates = candidates[[not dropped & set(n.split()) for n in names]]
    if len(candidates) > max_features:
        order = np.argsort(-df[candidates], kind="stable")
        cut = df[candidates[order[max_features - 1]]]
        above = candidates[df[candidates] > cut]
        tied = candidates[df[candidates] == cut]
        tied_names = vocabulary.names(tied)
        ranked = sorted(range(len(tied)), key=tied_names.__getitem__)
        candidates = np.concatenate([above, tied[ranked[: max_features - len(above)]]])
    names = np.array(vocabulary.names(candidates), dtype=object)
    order = np.argsort(names, kind="stable")
    return candidates[order], names[order]


def binary(counts: sparse.csr_matrix, columns: np.ndarray) -> sparse.csr_matrix:
    """Whether each row has each of `columns` (float64, for the models)."""
    return (counts[:, columns] > 0).astype(np.float64).tocsr()


def sample_rows(rows: int, size: int, seed: int) -> np.ndarray:
    """All rows, or a seeded random `size` of them, in order."""
    if rows <= size:
        return np.arange(rows)
    return np.sort(np.random.default_rng(seed).permutation(rows)[:size])


def blocks(rows: int) -> list[slice]:
    """The rows 0..rows in consecutive slices of at most BLOCK."""
    return [slice(start, start + BLOCK) for start in range(0, rows, BLOCK)]


def split_rows(rows: np.ndarray, sizes: Sequence[int]) -> list[np.ndarray]:
    """Global row numbers as local ones, per partition of `sizes` rows."""
    bounds = np.concatenate([[0], np.cumsum(sizes, dtype=np.int64)])
    return [rows[(rows >= a) & (rows < b)] - a for a, b in zip(bounds, bounds[1:], strict=False)]
