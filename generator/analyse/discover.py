"""Themes the taxonomy does not name, found by clustering the statements it leaves unexplained.

Statements become TF-IDF vectors over lemma uni- and bigrams, each term also weighted by
its rarity in general English (smooth inverse frequency a / (a + p(word)), with spaCy's
word probabilities) so that "need" or "sounds like" cannot hold a cluster together; then
LSA (truncated SVD), unit length, and k-means.

k is measured, never fixed: the cosine silhouette of the statements minus that of a
shuffled corpus (the same words and statement lengths, dealt out at random), over several
seeds, because short statements give a silhouette that grows with k even when they share
no topic. As in the gap statistic, the smallest k within one standard error of the best
wins. A cluster becomes a theme when it is large enough, comes from enough comments and
authors, and is more coherent than the median cluster of the shuffled corpus; members far
from their centroid stay unexplained. Themes are named by class-based TF-IDF (each cluster
one document, as in BERTopic), in the words contributors wrote ("data", not "datum").

Seeded and sorted throughout: the same statements in any order give the same themes.
Capped features, k chosen on a sample and mini-batch k-means keep large corpora tractable.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, replace

import numpy as np
from scipy import sparse

from themesite.analyse.features import FIT_SAMPLE, Terms, count_terms, sample_rows, select
from themesite.analyse.records import DISCOVERED, Statement, Theme

#: Fewer content lemmas than this ("Great post, Luca") cannot carry a theme.
MIN_LEMMAS = 3
#: A term in more than this share of statements says what the whole corpus is about, not
#: what sets a theme apart (on the seeds even "IT" is in under a third).
MAX_DF = 0.5
MAX_FEATURES = 30_000
COMPONENTS = 100
#: The `a` of smooth inverse frequency: "need" weighs a tenth of "budget".
SIF = 1e-4
SEEDS = 5
#: k-means restarts per seed while scanning k: the seeds already average out bad starts.
SCAN_INITS = 2
#: Statements per silhouette while scanning k (its cost grows with the square).
SCAN = 1_000
#: When the statements outnumber one scan, k is scanned on a grid growing by this factor:
#: the sampled silhouettes cannot tell k = 25 from k = 26 apart anyway.
SCAN_STEP = 1.25
#: k-means iterations per fit while scanning: on the seeds every fit converges within 20,
#: while sampled statements of a large corpus can creep on for hundreds with no change
#: in the silhouette that matters.
SCAN_ITERATIONS = 50
#: Above this many rows k-means runs in mini-batches.
MINIBATCH = 5_000
#: Spellings for a theme's key terms are read from its most typical statements.
SPELLING_MEMBERS = 500
#: A statement less similar than this (cosine) to its cluster's centroid stays unexplained.
MIN_TYPICALITY = 0.2
CRITERION = (
    f"cosine silhouette above that of a shuffled corpus, mean of {SEEDS} seeds; "
    "the smallest k within one standard error of the best"
)
WORD = re.compile(r"[^\W\d_]+(?:-[^\W\d_]+)*")

Members = list[tuple[Statement, float]]  # statements with their typicality, best first


@dataclass(frozen=True)
class DiscoverSettings:
    seed: int = 13
    k_min: int = 2
    k_max: int = 30  # an upper bound only: the criterion picks k (at most n // min_size)
    min_size: int = 4  # statements; smaller clusters are dropped
    min_comments: int = 3  # a theme must come from at least this many comments
    min_authors: int = 2
    top_terms: int = 8


@dataclass(frozen=True)
class DiscoveredTheme:
    theme: Theme
    members: tuple[tuple[str, float], ...]  # (statement id, cosine to centroid), best first
    coherence: float  # mean cosine of the members to their centroid


def discover_themes(
    statements: Sequence[Statement],
    exclude: set[str],
    settings: DiscoverSettings,
    rarity: WordRarity | None = None,
    terms: Terms | None = None,
) -> tuple[list[DiscoveredTheme], dict[str, object]]:
    """Discovered themes, largest first, and how they were found (for the Method page).

    `terms` are the term counts of `statements` (row for row), when already counted.
    """
    terms = terms or count_terms([s.lemmas for s in statements])
    eligible = sorted(
        (s.id, row)
        for row, s in enumerate(statements)
        if s.id not in exclude and len(s.lemmas) >= MIN_LEMMAS
    )
    pool = [statements[row] for _, row in eligible]
    report: dict[str, object] = {"criterion": CRITERION, "scores": {}, "chosen_k": None}
    selection = select(
        terms, np.array([row for _, row in eligible], dtype=np.int64), 2, MAX_FEATURES
    )
    counts, vocabulary = selection.binary, selection.names
    weights = (rarity or WordRarity()).weights(vocabulary)
    fit_rows = sample_rows(len(pool), FIT_SAMPLE, settings.seed)
    vectors = _embed(counts, weights, settings.seed, fit_rows)
    usable = np.flatnonzero(np.linalg.norm(vectors, axis=1) > 0) if vectors.size else []
    report["statements"] = len(usable)
    fit = np.intersect1d(usable, fit_rows) if len(usable) else usable
    distinct = len(np.unique(vectors[fit].round(6), axis=0)) if len(fit) else 0
    ceiling = min(settings.k_max, len(fit) // settings.min_size, distinct)
    ks = _candidate_ks(max(2, settings.k_min), ceiling, sampled=len(fit) > SCAN)
    if not ks:
        report["dropped"] = [f"{len(usable)} statements to cluster: too few for two themes"]
        return [], report
    pool, counts, vectors = [pool[i] for i in usable], counts[usable], vectors[usable]
    fit = np.searchsorted(usable, fit)
    shuffled_counts = terms.transform(_shuffle([pool[i] for i in fit], settings.seed))
    shuffled_binary = (shuffled_counts[:, selection.columns] > 0).astype(np.float64)
    shuffled = _embed(shuffled_binary, weights, settings.seed)
    scores = {k: _score(vectors[fit], shuffled, k, settings.seed) for k in ks}
    top = max(ks, key=lambda k: (scores[k][0], -k))
    k = min(k for k in ks if scores[k][0] >= scores[top][0] - scores[top][1])
    null = _kmeans(k, settings.seed, len(shuffled)).fit_predict(shuffled)
    floor = round(float(np.median([_typicality(shuffled[null == c]).mean() for c in range(k)])), 4)
    if len(fit) == len(pool):
        labels = _kmeans(k, settings.seed, len(pool)).fit_predict(vectors)
    else:
        labels = _kmeans(k, settings.seed, len(fit)).fit(vectors[fit]).predict(vectors)
    kept, dropped = _clusters(pool, vectors, labels, floor, settings)
    report.update(
        scores={k: mean for k, (mean, _) in scores.items()},
        standard_errors={k: error for k, (_, error) in scores.items()},
        chosen_k=k,
        coherence_floor=floor,
        dropped=dropped,
    )
    names = _key_terms(pool, counts, vocabulary, weights, [m for m, _ in kept], settings.top_terms)
    named = [(m, coherence, terms) for (m, coherence), terms in zip(kept, names, strict=True)]
    themes = [_theme(m, coherence, terms, k, floor) for m, coherence, terms in named if terms]
    return _unique(sorted(themes, key=lambda t: (-len(t.members), t.theme.id))), report


def _candidate_ks(low: int, high: int, sampled: bool) -> list[int]:
    """Every k from low to high, or a geometric grid of them when the scan is sampled."""
    if not sampled:
        return list(range(low, high + 1))
    ks = []
    k = low
    while k < high:
        ks.append(k)
        k = max(k + 1, round(k * SCAN_STEP))
    return ks + [high] if high >= low else ks


def _clusters(pool, vectors, labels, floor: float, settings: DiscoverSettings):
    """Typical members and coherence of each kept cluster, and why the others were dropped."""
    kept: list[tuple[Members, float]] = []
    dropped: list[tuple[int, str]] = []
    for c in range(labels.max() + 1):
        rows = np.flatnonzero(labels == c)
        typicality = _typicality(vectors[rows])
        typical = [(pool[r], round(float(t), 4)) for r, t in zip(rows, typicality, strict=True)]
        members = sorted(
            (m for m in typical if m[1] >= MIN_TYPICALITY), key=lambda m: (-m[1], m[0].id)
        )
        coherence = round(float(np.mean([t for _, t in members])) if members else 0.0, 4)
        reason = _reject([s for s, _ in members], coherence, floor, settings)
        if reason:
            dropped.append((len(rows), f"a cluster of {len(rows)} statements: {reason}"))
        else:
            kept.append((members, coherence))
    return kept, [why for _, why in sorted(dropped, key=lambda d: (-d[0], d[1]))]


class WordRarity:
    """Smooth inverse frequency of words in general English, from spaCy's lexeme_prob table.

    Loaded once per analysis and shared by discovery and theme naming; not cached for
    the process, because the table costs about 290 MB.
    """

    def __init__(self) -> None:
        from themesite.analyse.nlp import lookup_table

        self.logprob: dict[str, float] = lookup_table("lexeme_prob")

    def weights(self, vocabulary: np.ndarray) -> np.ndarray:
        """One weight per term (a product over the words of a phrase)."""
        if not len(vocabulary):
            return np.ones(0)
        words = {w for term in vocabulary for w in term.split()}
        weight = {w: SIF / (SIF + float(np.exp(self.logprob.get(w, -20.0)))) for w in words}
        return np.array([np.prod([weight[w] for w in term.split()]) for term in vocabulary])


def key_terms(
    statements: Sequence[Statement],
    groups: Sequence[Sequence[Statement]],
    rarity: WordRarity,
    top: int = 8,
    terms: Terms | None = None,
) -> list[list[str]]:
    """The most distinctive terms of each group against the rest of the statements (c-TF-IDF).

    `terms` are the term counts of `statements` (row for row), when already counted.
    """
    terms = terms or count_terms([s.lemmas for s in statements])
    order = sorted(range(len(statements)), key=lambda row: statements[row].id)
    pool = [statements[row] for row in order]
    selection = select(terms, np.array(order, dtype=np.int64), 2, MAX_FEATURES)
    counts, vocabulary = selection.binary, selection.names
    weights = rarity.weights(vocabulary)
    rows = {s.id: i for i, s in enumerate(pool)}
    return [
        _key_terms(pool, counts, vocabulary, weights, [[(s, 1.0) for s in group]], top, rows)[0]
        for group in groups
    ]


def _embed(
    counts: sparse.csr_matrix, weights: np.ndarray, seed: int, fit_rows: np.ndarray | None = None
) -> np.ndarray:
    """Unit-length LSA vectors, fitted on `fit_rows` (default: all); a statement with no
    usable term gets a zero row."""
    from sklearn.decomposition import TruncatedSVD
    from sklearn.feature_extraction.text import TfidfTransformer
    from sklearn.preprocessing import normalize

    rows = counts.shape[0]
    everything = fit_rows is None or len(fit_rows) == rows
    fitted = counts if everything else counts[fit_rows]
    columns = np.flatnonzero(np.asarray(fitted.sum(axis=0)).ravel() <= MAX_DF * fitted.shape[0])
    components = min(COMPONENTS, len(columns) - 1, fitted.shape[0] - 1)
    if components < 1:
        return np.zeros((rows, 0))
    idf = TfidfTransformer().fit(fitted[:, columns])
    svd = TruncatedSVD(components, random_state=seed)
    scale = sparse.diags(weights[columns])
    if everything:
        return normalize(svd.fit_transform(normalize(idf.transform(counts[:, columns]) @ scale)))
    svd.fit(normalize(idf.transform(fitted[:, columns]) @ scale))
    # Every statement of a large corpus: single precision halves the largest array.
    projected = svd.transform(normalize(idf.transform(counts[:, columns]) @ scale))
    return normalize(projected.astype(np.float32))


def _shuffle(pool: Sequence[Statement], seed: int) -> list[list[str]]:
    """The same lemmas dealt out at random into statements of the same lengths."""
    lemmas = [lemma for s in pool for lemma in s.lemmas]
    order = np.random.default_rng(seed).permutation(len(lemmas))
    ends = np.cumsum([0] + [len(s.lemmas) for s in pool])
    return [[lemmas[i] for i in order[a:b]] for a, b in zip(ends, ends[1:], strict=False)]


def _kmeans(k: int, seed: int, rows: int, n_init: int = 10, max_iter: int = 300):
    from sklearn.cluster import KMeans, MiniBatchKMeans

    if rows > MINIBATCH:
        return MiniBatchKMeans(k, n_init=3, batch_size=4096, random_state=seed)
    return KMeans(k, n_init=n_init, max_iter=max_iter, random_state=seed)


def _score(vectors: np.ndarray, shuffled: np.ndarray, k: int, seed: int) -> tuple[float, float]:
    """Mean and standard error over seeds of silhouette(statements) - silhouette(shuffled)."""
    from sklearn.metrics import silhouette_score

    gaps = []
    for offset in range(SEEDS):
        rows = np.sort(np.random.default_rng(seed + offset).permutation(len(vectors))[:SCAN])
        pair = [
            silhouette_score(
                m,
                _kmeans(k, seed + offset, len(m), SCAN_INITS, SCAN_ITERATIONS).fit_predict(m),
                metric="cosine",
            )
            for m in (vectors[rows], shuffled[rows])
        ]
        gaps.append(pair[0] - pair[1])
    return round(float(np.mean(gaps)), 4), round(float(np.std(gaps, ddof=1) / SEEDS**0.5), 4)


def _typicality(vectors: np.ndarray) -> np.ndarray:
    centroid = vectors.mean(axis=0)
    norm = np.linalg.norm(centroid)
    return vectors @ (centroid / norm) if norm else np.zeros(len(vectors))


def _reject(members: Sequence[Statement], coherence: float, floor: float, settings) -> str | None:
    counts = {
        "typical members": (len(members), settings.min_size),
        "comments": (len({s.comment_id for s in members}), settings.min_comments),
        "named authors": (len({s.author for s in members if s.author}), settings.min_authors),
    }
    for what, (have, need) in counts.items():
        if have < need:
            return f"{have} {what}, fewer than {need}"
    if coherence <= floor:
        return f"coherence {coherence:.3f}, not above the shuffled corpus's {floor:.3f}"
    return None


def _key_terms(pool, counts, vocabulary, weights, clusters: Sequence[Members], top: int, rows=None):
    """Class-based TF-IDF times informativeness; statements in no theme form one more class.

    A term must occur in two members; a phrase takes the place of a word it mostly carries.
    """
    from themesite.analyse.nlp import lookup_table

    row = rows or {s.id: i for i, s in enumerate(pool)}
    classes = np.full(len(pool), len(clusters))
    for c, members in enumerate(clusters):
        classes[[row[s.id] for s, _ in members]] = c
    onehot = sparse.csr_matrix(
        (np.ones(len(pool)), (classes, np.arange(len(pool)))), shape=(len(clusters) + 1, len(pool))
    )
    per_class = (onehot @ counts).toarray()
    sizes = per_class.sum(axis=1, keepdims=True)
    idf = np.log1p(sizes.mean() / np.maximum(per_class.sum(axis=0), 1))
    scores = per_class / np.maximum(sizes, 1) * idf * weights
    column = {str(term): i for i, term in enumerate(vocabulary)}
    lemma_of = lookup_table("lemma_lookup")
    names = []
    for c, members in enumerate(clusters):
        chosen: list[str] = []
        for i in sorted(np.flatnonzero(per_class[c] >= 2), key=lambda i: (-scores[c, i], i)):
            term, words = str(vocabulary[i]), str(vocabulary[i]).split()
            if any(sorted(words) == sorted(t.split()) or term in t.split() for t in chosen):
                continue  # the same phrase reversed, or a word of a phrase ranked higher
            carried = [
                t for t in chosen if t in words and per_class[c, i] * 2 > per_class[c, column[t]]
            ]
            if carried:
                chosen = [term if t == carried[0] else t for t in chosen if t not in carried[1:]]
            else:
                chosen.append(term)
            if len(chosen) == top:
                break
        names.append(_written(chosen, [s for s, _ in members[:SPELLING_MEMBERS]], lemma_of))
    return names


def _written(terms: Sequence[str], members: Sequence[Statement], lemma_of) -> list[str]:
    """Each lemma as the members most often wrote it ("datum" -> "data", "cio" -> "CIO")."""
    spellings: dict[str, Counter[str]] = {}
    for statement in members:
        for word in WORD.findall(statement.text):
            lemma = "IT" if word == "IT" else lemma_of.get(word.lower(), word.lower()).lower()
            spellings.setdefault(lemma, Counter())[word] += 1

    def form(lemma: str) -> str:
        written = spellings.get(lemma)
        if not written:
            return lemma
        word = min(written, key=lambda w: (-written[w], w))
        return word.lower() if word.istitle() and len(word) > 1 else word

    return [" ".join(form(lemma) for lemma in term.split()) for term in terms]


def _theme(members: Members, coherence: float, terms: list[str], k: int, floor: float):
    heading: list[str] = []
    for term in terms:  # two or three terms, no word twice
        if not set(term.lower().split()) & {w.lower() for t in heading for w in t.split()}:
            heading.append(term)
        if len(heading) == 3 or sum(len(t.split()) for t in heading) >= 3:
            break
    label = " / ".join(t[0].upper() + t[1:] for t in heading)
    slug = re.sub(r"[^a-z0-9]+", "-", " ".join(heading).lower()).strip("-")
    comments = len({s.comment_id for s, _ in members})
    authors = len({s.author for s, _ in members if s.author})
    description = (
        f"{len(members)} statements from {comments} comments by {authors} contributors, "
        f"marked by the words {', '.join(terms[:5])}: one of {k} clusters of the statements "
        "the taxonomy leaves unexplained (k chosen by silhouette above a shuffled corpus), "
        f"kept for a coherence of {coherence:.2f} against {floor:.2f} by chance."
    )
    theme = Theme(f"d-{slug}", label, DISCOVERED, description, key_terms=tuple(terms))
    return DiscoveredTheme(theme, tuple((s.id, t) for s, t in members), coherence)


def _unique(themes: list[DiscoveredTheme]) -> list[DiscoveredTheme]:
    """Two clusters may share their top terms: a later one's id gets a number."""
    seen: Counter[str] = Counter()
    for i, found in enumerate(themes):
        seen[found.theme.id] += 1
        if seen[found.theme.id] > 1:
            theme = replace(found.theme, id=f"{found.theme.id}-{seen[found.theme.id]}")
            themes[i] = replace(found, theme=theme)
    return themes
