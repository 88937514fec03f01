"""Score statements against themes written in words only: no patterns, no training.

A researcher's theme is a label, a sentence of description and perhaps a few examples.
Each statement is compared with each theme in one space of two parts:

- lemma uni- and bigrams weighted by the corpus's IDF (stance words kept, so "should
  not" and "should" differ), and
- character 3-5-grams inside words, weighted by their IDF in a sample of the corpus,
  which finds "bullying" in "bullied" and survives typos and short texts.

A theme's own text counts the terms it shares with the other themes' texts less (every
key point of a debate names its topic), and its examples, averaged, count more the
more there are. An optional sentence encoder adds a third view (`encoder.py`).

Similarity alone does not say whether a theme is there. Each theme is therefore also
built from random corpus words of the same lengths, many times, and scored against a
sample of the statements: a statement's confidence for a theme is the share of those
null scores its own score beats, so 0.95 means "scores higher than 95% of what random
words of this theme's shape score". The weights, the margin and the null quantiles were
chosen on ArgKP's train split (see benchmarks/argkp.py), not on the seeds.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace

import numpy as np
from scipy import sparse

from themesite.analyse.features import Idf, Vocabulary, blocks

#: The share of the lemma view in the combined space (the rest: character n-grams).
WORD_SHARE = 0.3
#: A theme's averaged examples weigh k / (k + this) in its profile, the rest is its own
#: words: one example is one way of saying it, not the theme (at half weight, one
#: example made ArgKP dev worse than none: 0.54 against 0.62).
EXAMPLES_FOR_HALF = 3
#: An example longer than this many words is a passage: only its sentence nearest the
#: theme is used (`_chosen`).
PASSAGE_WORDS = 60
#: Random versions of each theme that make its null scores.
NULL_TEXTS = 20
#: Null scores kept per theme (as quantiles): small to broadcast, fine enough to rank.
NULL_POINTS = 1000
CHAR_FEATURES = 2**18


@dataclass(frozen=True)
class ThemeWords:
    """One theme's texts as the scorer reads them: its definition (label and description)
    and its written examples, each as (text, lemmas)."""

    theme_id: str
    definition: tuple[str, tuple[str, ...]]
    examples: tuple[tuple[str, tuple[str, ...]], ...]
    #: Long examples (a coded or reviewed comment of several paragraphs), each as its
    #: sentences: only the sentence nearest the theme becomes an example (`_chosen`).
    passages: tuple[tuple[tuple[str, tuple[str, ...]], ...], ...] = ()


@dataclass(frozen=True)
class SimilaritySettings:
    # Chosen on ArgKP train for precision (0.77 of assigned pairs right, 26% of arguments
    # assigned there: in sample); looser settings cover more and are wrong more often.
    assign_null: float = 0.9  # null share a statement's best theme must beat to be assigned
    ambiguous_null: float = 0.8  # null share from which a theme is ambiguous
    margin: float = 1.3  # how many times the next theme's score the best must reach
    seed: int = 13


@dataclass(frozen=True)
class Profiles:
    """What every partition needs to score its statements, computed once and broadcast."""

    theme_ids: tuple[str, ...]
    word_idf: Idf
    char_idf: np.ndarray
    vectors: sparse.csr_matrix  # one unit row per theme in the combined space
    null: np.ndarray  # (themes, NULL_POINTS) sorted null scores
    settings: SimilaritySettings
    encoder: object | None = None  # an `encoder.Encoder`, or None
    encoded: np.ndarray | None = None  # the themes' unit embeddings
    encoded_null: np.ndarray | None = None  # the null themes' unit embeddings

    def confidence(self, scores: np.ndarray) -> np.ndarray:
        """The share of each theme's null scores that each score beats (same shape)."""
        shares = np.empty_like(scores)
        for column in range(scores.shape[1]):
            found = np.searchsorted(self.null[column], scores[:, column], side="left")
            shares[:, column] = found / self.null.shape[1]
        return shares


def char_counts(texts: Sequence[str]) -> sparse.csr_matrix:
    """Character 3-5-gram counts inside word boundaries, hashed (no vocabulary to build or
    to broadcast; the same columns in every partition).

    Such n-grams never cross a space, so a text's counts are the sum of its words':
    each distinct word is hashed once and the texts are a sparse product of word counts
    and words' n-grams, the same numbers as hashing every text whole (scikit-learn's
    `char_wb` analyzer, in Python, spent most of a 10k analysis on it)."""
    index: dict[str, int] = {}
    columns: list[int] = []
    ends = [0]
    for text in texts:
        columns.extend(index.setdefault(word, len(index)) for word in text.lower().split())
        ends.append(len(columns))
    if not index:  # scikit-learn cannot hash an empty list
        return sparse.csr_matrix((len(texts), CHAR_FEATURES))
    words = sparse.csr_matrix(
        (np.ones(len(columns)), np.asarray(columns, np.int64), np.asarray(ends, np.int64)),
        shape=(len(texts), len(index)),
    )
    found = (words @ _hashed(list(index))).tocsr()
    # In scikit-learn's column order too: sums over a row run in index order, and an
    # order of its own would move the scores in the last bit.
    found.sort_indices()
    return found


def _hashed(words: list[str]) -> sparse.csr_matrix:
    """Each word's character 3-5-grams, with the space around it."""
    from sklearn.feature_extraction.text import HashingVectorizer

    hashing = HashingVectorizer(
        analyzer="char_wb",
        ngram_range=(3, 5),
        n_features=CHAR_FEATURES,
        alternate_sign=False,
        norm=None,
        lowercase=False,  # the words are lowercased already, as scikit-learn does
    )
    return hashing.transform(words).tocsr()


def combined(
    word_counts: sparse.csr_matrix, texts: Sequence[str], word_idf: Idf, char_idf: np.ndarray
) -> sparse.csr_matrix:
    """Unit rows of the two views side by side, each weighted by its share."""
    from sklearn.preprocessing import normalize

    words = word_idf.tfidf(word_counts).astype(np.float64)
    chars = Idf(char_idf).tfidf(char_counts(texts)).astype(np.float64)
    both = sparse.hstack([words * np.sqrt(WORD_SHARE), chars * np.sqrt(1 - WORD_SHARE)])
    return normalize(both.tocsr())


def build_profiles(
    themes: Sequence[ThemeWords],
    vocabulary: Vocabulary,
    word_idf: Idf,
    sample: tuple[sparse.csr_matrix, list[str], list[tuple[str, ...]]],
    settings: SimilaritySettings,
    encoder=None,
) -> Profiles:
    """Theme profiles and their null scores, from the themes and a sample of statements
    (their word counts, texts and lemmas)."""
    counts, texts, lemmas = sample
    chars = char_counts(texts)
    df = np.bincount(chars.indices, minlength=CHAR_FEATURES)
    char_idf = Idf.of(df, len(texts)).weights

    def space(word_lists, raw):
        return combined(vocabulary.count(word_lists), raw, word_idf, char_idf)

    themes = _chosen(themes, space)
    vectors = _profiles(themes, space)
    null_themes = _null_themes(themes, lemmas, settings.seed)
    x_sample = combined(counts, texts, word_idf, char_idf)
    null_scores = [(x_sample @ _profiles(null, space).T).toarray() for null in null_themes]
    encoded = encoded_null = None
    if encoder is not None:
        encoded = _encoded_profiles(themes, encoder)
        encoded_null = np.stack([_encoded_profiles(null, encoder) for null in null_themes])
        sample_encoded = encoder.embed(texts)
        null_scores = [
            _blend(lexical, sample_encoded @ encoded_null[i].T)
            for i, lexical in enumerate(null_scores)
        ]
    pooled = np.concatenate(null_scores, axis=0)  # (texts * NULL_TEXTS, themes)
    points = np.linspace(0, 1, NULL_POINTS)
    null = np.quantile(pooled, points, axis=0).T if len(pooled) else np.zeros((len(themes), 1))
    return Profiles(
        theme_ids=tuple(t.theme_id for t in themes),
        word_idf=word_idf,
        char_idf=char_idf,
        vectors=vectors,
        null=np.ascontiguousarray(null),
        settings=settings,
        encoder=encoder,
        encoded=encoded,
        encoded_null=encoded_null,
    )


def scores(profiles: Profiles, word_counts: sparse.csr_matrix, texts: Sequence[str]) -> np.ndarray:
    """Each statement's similarity to each theme (statements, themes), a block of
    statements at a time (`features.BLOCK`)."""
    found = np.zeros((len(texts), len(profiles.theme_ids)))
    for rows in blocks(len(texts)):
        x = combined(word_counts[rows], texts[rows], profiles.word_idf, profiles.char_idf)
        found[rows] = (x @ profiles.vectors.T).toarray()
        if profiles.encoder is not None:
            embedded = profiles.encoder.embed(texts[rows]) @ profiles.encoded.T
            found[rows] = _blend(found[rows], embedded)
    return found


def _blend(lexical: np.ndarray, encoded: np.ndarray) -> np.ndarray:
    """Half words, half sentence embeddings: the mix measured best on ArgKP train."""
    return 0.5 * lexical + 0.5 * encoded


def _profiles(themes: Sequence[ThemeWords], space) -> sparse.csr_matrix:
    """One unit row per theme: its definition, with the terms other definitions share
    weighted down, mixed with the mean of its examples."""
    from sklearn.preprocessing import normalize

    definitions = space(
        [t.definition[1] for t in themes], [t.definition[0] for t in themes]
    ).tocsr()
    present = (definitions > 0).astype(np.float64)
    shared = np.asarray(present.sum(axis=0)).ravel()
    weights = np.log((1 + len(themes)) / (1 + shared)) + 1
    profiles = normalize(definitions.multiply(weights).tocsr()).toarray()
    for row, theme in enumerate(themes):
        if theme.examples:
            examples = space([lem for _, lem in theme.examples], [t for t, _ in theme.examples])
            mean = normalize(np.asarray(examples.mean(axis=0)))[0]
            share = _example_share(len(theme.examples))
            profiles[row] = (1 - share) * profiles[row] + share * mean
    return sparse.csr_matrix(normalize(profiles))


def _example_share(examples: int) -> float:
    return examples / (examples + EXAMPLES_FOR_HALF)


def _encoded_profiles(themes: Sequence[ThemeWords], encoder) -> np.ndarray:
    from sklearn.preprocessing import normalize

    profiles = encoder.embed([t.definition[0] for t in themes])
    for row, theme in enumerate(themes):
        if theme.examples:
            mean = encoder.embed([text for text, _ in theme.examples]).mean(axis=0)
            share = _example_share(len(theme.examples))
            profiles[row] = (1 - share) * profiles[row] + share * mean
    return normalize(profiles)


def _chosen(themes: Sequence[ThemeWords], space) -> list[ThemeWords]:
    """The themes with each long example replaced by its one sentence most similar to the
    theme (its definition and short examples). A comment coded with a theme says more
    than the theme: whole, its other sentences pull the profile away, and random words
    of its length (the null) match everything, so nothing is assigned; on the seeds,
    coded comments as whole examples cut words-only micro-F1 from 0.62 to 0.21."""
    if not any(t.passages for t in themes):
        return list(themes)
    target = _profiles(themes, space)
    chosen = []
    for row, theme in enumerate(themes):
        best = []
        for sentences in theme.passages:
            x = space([lem for _, lem in sentences], [text for text, _ in sentences])
            best.append(sentences[int(np.argmax((x @ target[row].T).toarray().ravel()))])
        chosen.append(replace(theme, examples=theme.examples + tuple(best), passages=()))
    return chosen


def _null_themes(
    themes: Sequence[ThemeWords], lemmas: Sequence[tuple[str, ...]], seed: int
) -> list[list[ThemeWords]]:
    """NULL_TEXTS versions of the whole taxonomy, each theme's texts replaced by words of
    the corpus's vocabulary drawn at random (each distinct word as likely as any other:
    drawn by frequency, a small corpus's few common words would match nearly every
    statement, and no theme could beat its null), the same number of words."""
    words = np.array(sorted({w for statement in lemmas for w in statement}) or ["-"], dtype=object)
    rng = np.random.default_rng(seed)

    def fake(length: int) -> tuple[str, tuple[str, ...]]:
        drawn = tuple(rng.choice(words, max(length, 1)))
        return " ".join(drawn), drawn

    return [
        [
            ThemeWords(
                t.theme_id,
                fake(len(t.definition[1])),
                tuple(fake(len(lem)) for _, lem in t.examples),
            )
            for t in themes
        ]
        for _ in range(NULL_TEXTS)
    ]
