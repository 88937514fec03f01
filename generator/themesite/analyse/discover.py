"""Themes the taxonomy does not name, found by clustering the statements it leaves unexplained.

Statements become TF-IDF vectors over lemma uni- and bigrams, each term also weighted by
its rarity in general English (`naming.WordRarity`), so that "need" or "sounds like"
cannot hold a cluster together; then LSA (truncated SVD), unit length, and k-means.

k is measured, never fixed: the cosine silhouette of the statements minus that of a
shuffled corpus (the same words and statement lengths, dealt out at random), over several
seeds, because short statements give a silhouette that grows with k even when they share
no topic. As in the gap statistic, the smallest k within one standard error of the best
wins. A cluster becomes a theme when it is large enough, comes from enough comments and
voices, and is more coherent than the median cluster of the shuffled corpus; members far
from their centroid stay unexplained. Themes are named by class-based TF-IDF, in the
words contributors wrote ("data", not "datum").

The models are fitted on a seeded sample of at most `FIT_SAMPLE` statements, which the
partitions hand over, and applied to every statement where its partition lives;
centroids and term counts per cluster are exact sums of per-partition results. So the
themes are the same however the corpus is partitioned, and no step holds it whole.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, replace
from typing import NamedTuple

import numpy as np
from scipy import sparse

from themesite.analyse.engine import Engine
from themesite.analyse.features import (
    FIT_SAMPLE,
    FIXED,
    Vocabulary,
    binary,
    document_frequency,
    fixed_sum,
    sample_rows,
    select_columns,
    split_rows,
)
from themesite.analyse.naming import SPELLING_MEMBERS, WordRarity, name_groups
from themesite.analyse.nlp import STANCE_LEMMAS
from themesite.analyse.parts import Part
from themesite.analyse.records import ASSIGNED, DISCOVERED, Assignment, Evidence, Theme
from themesite.ingest.text import slugify
from themesite.wording import count

#: Fewer content lemmas than this ("Great post, Luca") cannot carry a theme.
MIN_LEMMAS = 3
#: A term in more than this share of statements says what the whole corpus is about, not
#: what sets a theme apart (on the seeds even "IT" is in under a third).
MAX_DF = 0.5
MAX_FEATURES = 30_000
COMPONENTS = 100
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
#: A statement less similar than this (cosine) to its cluster's centroid stays unexplained.
MIN_TYPICALITY = 0.2
CRITERION = (
    f"cosine silhouette above that of a shuffled corpus, mean of {SEEDS} seeds; "
    "the smallest k within one standard error of the best"
)


@dataclass(frozen=True)
class DiscoverSettings:
    seed: int = 13
    k_min: int = 2
    k_max: int = 30  # an upper bound only: the criterion picks k (at most n // min_size)
    min_size: int = 4  # statements; smaller clusters are dropped
    min_comments: int = 3  # a theme must come from at least this many comments
    #: ... and voices: named authors, each comment without an author counting as its own
    #: (surveys and exports have none), so one prolific author cannot make a theme alone.
    min_authors: int = 2
    top_terms: int = 8


class Member(NamedTuple):
    statement_id: str
    comment_id: str
    author: str | None
    typicality: float  # cosine to the cluster's centroid, 4 decimals


@dataclass(frozen=True)
class DiscoveredTheme:
    theme: Theme
    members: tuple[tuple[str, float], ...]  # (statement id, cosine to centroid), best first
    coherence: float  # mean cosine of the members to their centroid


@dataclass(frozen=True)
class Embedder:
    """TF-IDF, rarity weights, LSA and unit length, fitted once, applied row by row."""

    columns: np.ndarray  # of the selected terms, those in at most MAX_DF of the statements
    idf: object  # a fitted TfidfTransformer
    svd: object  # a fitted TruncatedSVD
    scale: np.ndarray
    single: bool  # single precision: halves the largest array of a large corpus

    def __call__(self, counts: sparse.csr_matrix) -> np.ndarray:
        from sklearn.preprocessing import normalize

        if not counts.shape[0]:
            return np.zeros((0, self.svd.n_components), np.float32 if self.single else float)
        weighted = normalize(self.idf.transform(counts[:, self.columns]) @ sparse.diags(self.scale))
        projected = self.svd.transform(weighted)
        return normalize(projected.astype(np.float32) if self.single else projected)


def fit_embedder(
    counts: sparse.csr_matrix, weights: np.ndarray, seed: int, single: bool = False
) -> Embedder | None:
    """LSA fitted on `counts` (binary rows over the selected terms); None when too few."""
    from sklearn.decomposition import TruncatedSVD
    from sklearn.feature_extraction.text import TfidfTransformer
    from sklearn.preprocessing import normalize

    columns = np.flatnonzero(np.asarray(counts.sum(axis=0)).ravel() <= MAX_DF * counts.shape[0])
    components = min(COMPONENTS, len(columns) - 1, counts.shape[0] - 1)
    if components < 1:
        return None
    idf = TfidfTransformer().fit(counts[:, columns])
    scale = weights[columns]
    svd = TruncatedSVD(components, random_state=seed)
    svd.fit(normalize(idf.transform(counts[:, columns]) @ sparse.diags(scale)))
    return Embedder(columns, idf, svd, scale, single)


def discover_themes(
    engine: Engine, vocabulary: Vocabulary, settings: DiscoverSettings, rarity: WordRarity
) -> tuple[list[DiscoveredTheme], dict[str, object]]:
    """Discovered themes, largest first, and how they were found (for the Method page).

    The engine's parts gain their statements' outcomes for the discovered themes.
    """
    report: dict[str, object] = {"criterion": CRITERION, "scores": {}, "chosen_k": None}
    pooled = engine.collect(pool_df)
    sizes = [size for size, _ in pooled]
    df = np.sum([d for _, d in pooled], axis=0) if pooled else np.zeros(vocabulary.size, int)
    columns, names = select_columns(
        df, vocabulary, 2, MAX_FEATURES, STANCE_LEMMAS.get(rarity.lang, ())
    )
    weights = rarity.weights(names)
    fit_rows = sample_rows(sum(sizes), FIT_SAMPLE, settings.seed)
    samples = engine.collect(pool_sample, columns, each=split_rows(fit_rows, sizes))
    # The sample in statement id order, so the models do not depend on how threads
    # were ordered or partitioned.
    ids = [i for _, _, part_ids in samples for i in part_ids]
    order = sorted(range(len(ids)), key=ids.__getitem__)
    sample = sparse.vstack([counts for counts, _, _ in samples]).tocsr()[order]
    # Stance words make claims, not topics: a shuffled corpus keeps only topic words.
    stance = frozenset(STANCE_LEMMAS.get(rarity.lang, ()))
    lemmas = [lem for _, part_lemmas, _ in samples for lem in part_lemmas]
    lemmas = [tuple(w for w in lemmas[i] if w not in stance) for i in order]
    embedder = fit_embedder(sample, weights, settings.seed, single=sum(sizes) > FIT_SAMPLE)
    if embedder is not None:
        engine.update(embed_part, columns, embedder)
    usable = sum(engine.collect(usable_count)) if embedder is not None else 0
    report["statements"] = usable
    vectors = embedder(sample) if embedder is not None else np.zeros((sample.shape[0], 0))
    fit = np.flatnonzero(np.linalg.norm(vectors, axis=1) > 0) if vectors.size else []
    vectors = vectors[fit]
    distinct = len(np.unique(vectors.round(6), axis=0)) if len(fit) else 0
    ceiling = min(settings.k_max, len(fit) // settings.min_size, distinct)
    ks = _candidate_ks(max(2, settings.k_min), ceiling, sampled=len(fit) > SCAN)
    if not ks:
        report["dropped"] = [f"{count(usable, 'statement')} to cluster: too few for two themes"]
        return [], report
    shuffled_counts = binary(
        vocabulary.count(_shuffle([lemmas[i] for i in fit], settings.seed)), columns
    )
    shuffled_embedder = fit_embedder(shuffled_counts, weights, settings.seed)
    shuffled = shuffled_embedder(shuffled_counts)
    scores = {k: _score(vectors, shuffled, k, settings.seed) for k in ks}
    top = max(ks, key=lambda k: (scores[k][0], -k))
    k = min(k for k in ks if scores[k][0] >= scores[top][0] - scores[top][1])
    null = _kmeans(k, settings.seed, len(shuffled)).fit_predict(shuffled)
    floor = round(float(np.median([_typicality(shuffled[null == c]).mean() for c in range(k)])), 4)
    engine.update(label_part, _kmeans(k, settings.seed, len(vectors)).fit(vectors))
    centroids = _centroids(engine, k)
    clusters, sizes_of = _members(engine, centroids, k)
    kept, dropped = _keep(clusters, sizes_of, floor, settings)
    report.update(
        scores={k: mean for k, (mean, _) in scores.items()},
        standard_errors={k: error for k, (_, error) in scores.items()},
        chosen_k=k,
        coherence_floor=floor,
        dropped=dropped,
    )
    labels = [label for label, _, _ in kept]
    per_class = np.sum(engine.collect(class_sums, columns, centroids, labels), axis=0)
    spellings = [[text for _, _, text in clusters[label][1]] for label in labels]
    named = name_groups(per_class, names, weights, spellings, settings.top_terms, rarity.lang)
    themes = [
        _theme(label, members, coherence, terms, k, floor)
        for (label, members, coherence), terms in zip(kept, named, strict=True)
        if terms
    ]
    themes = _unique(sorted(themes, key=lambda t: (-len(t[1].members), t[1].theme.id)))
    engine.update(
        discovered_part,
        centroids,
        {label: (found.theme.id, ", ".join(found.theme.key_terms[:5])) for label, found in themes},
    )
    return [found for _, found in themes], report


def _centroids(engine: Engine, k: int) -> np.ndarray:
    """Unit-length cluster centroids from exact per-partition sums."""
    sums = engine.collect(cluster_sums, k)
    total = np.sum([s for s, _ in sums], axis=0)
    counts = np.sum([c for _, c in sums], axis=0)
    centroids = total / FIXED / np.maximum(counts, 1)[:, None]
    norms = np.linalg.norm(centroids, axis=1, keepdims=True)
    return np.divide(centroids, norms, out=np.zeros_like(centroids), where=norms > 0)


def _members(engine: Engine, centroids: np.ndarray, k: int):
    """Per cluster: its typical members best first and the texts of the most typical
    (for spellings); and every cluster's size."""
    found = engine.collect(cluster_members, centroids)
    clusters = {}
    for label in range(k):
        members = [m for part_members, _, _ in found for m in part_members[label]]
        members.sort(key=lambda m: (-m.typicality, m.statement_id))
        texts = sorted(t for _, part_texts, _ in found for t in part_texts[label])
        clusters[label] = (members, texts[:SPELLING_MEMBERS])
    sizes = np.sum([part_sizes for _, _, part_sizes in found], axis=0)
    return clusters, sizes


def _keep(clusters, sizes: np.ndarray, floor: float, settings: DiscoverSettings):
    """(label, members, coherence) of each kept cluster, and why the others were dropped."""
    kept, dropped = [], []
    for label, (members, _) in clusters.items():
        if not sizes[label]:
            continue
        coherence = round(float(np.mean([m.typicality for m in members])) if members else 0.0, 4)
        reason = _reject(members, coherence, floor, settings)
        if reason:
            size = int(sizes[label])
            dropped.append((size, f"a cluster of {count(size, 'statement')}: {reason}"))
        else:
            kept.append((label, members, coherence))
    return kept, [why for _, why in sorted(dropped, key=lambda d: (-d[0], d[1]))]


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


def _shuffle(lemmas: Sequence[Sequence[str]], seed: int) -> list[list[str]]:
    """The same lemmas dealt out at random into statements of the same lengths."""
    flat = [lemma for statement in lemmas for lemma in statement]
    order = np.random.default_rng(seed).permutation(len(flat))
    ends = np.cumsum([0] + [len(statement) for statement in lemmas])
    return [[flat[i] for i in order[a:b]] for a, b in zip(ends, ends[1:], strict=False)]


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


def _reject(members: Sequence[Member], coherence: float, floor: float, settings) -> str | None:
    counts = {
        "typical members": (len(members), settings.min_size),
        "comments": (len({m.comment_id for m in members}), settings.min_comments),
        "voices": (voices(members), settings.min_authors),
    }
    for what, (have, need) in counts.items():
        if have < need:
            return f"{have} {what}, fewer than {need}"
    if coherence <= floor:
        return f"coherence {coherence:.3f}, not above the shuffled corpus's {floor:.3f}"
    return None


def voices(members: Sequence[Member]) -> int:
    """Distinct authors, counting every comment without one as a voice of its own: an
    author cannot be told apart from another where none is named."""
    named = {m.author for m in members if m.author}
    return len(named) + len({m.comment_id for m in members if not m.author})


def _theme(label: int, members: Sequence[Member], coherence: float, terms, k: int, floor: float):
    heading: list[str] = []
    for term in terms:  # two or three terms, no word twice
        if not set(term.lower().split()) & {w.lower() for t in heading for w in t.split()}:
            heading.append(term)
        if len(heading) == 3 or sum(len(t.split()) for t in heading) >= 3:
            break
    title = " / ".join(t[0].upper() + t[1:] for t in heading)
    slug = slugify(" ".join(heading), max_length=80)  # "für" is "fur", not "f-r"
    comments = len({m.comment_id for m in members})
    authors = len({m.author for m in members if m.author})
    by = f" by {count(authors, 'contributor')}" if authors else ""
    description = (
        f"{count(len(members), 'statement')} from {count(comments, 'comment')}{by}, "
        f"marked by the words {', '.join(terms[:5])}: one of {k} clusters of the statements "
        "the taxonomy leaves unexplained (k chosen by silhouette above a shuffled corpus), "
        f"kept for a coherence of {coherence:.2f} against {floor:.2f} by chance."
    )
    theme = Theme(f"d-{slug}", title, DISCOVERED, description, key_terms=tuple(terms))
    found = DiscoveredTheme(
        theme, tuple((m.statement_id, m.typicality) for m in members), coherence
    )
    return label, found


def _unique(themes: list[tuple[int, DiscoveredTheme]]) -> list[tuple[int, DiscoveredTheme]]:
    """Two clusters may share their top terms: a later one's id gets a number."""
    seen: Counter[str] = Counter()
    for i, (label, found) in enumerate(themes):
        seen[found.theme.id] += 1
        if seen[found.theme.id] > 1:
            theme = replace(found.theme, id=f"{found.theme.id}-{seen[found.theme.id]}")
            themes[i] = (label, replace(found, theme=theme))
    return themes


# Steps on one part (pure functions of the part and broadcast inputs).


#: Any language's stance words, which do not count towards a statement's length here.
_STANCE = frozenset().union(*STANCE_LEMMAS.values())


def _pool(part: Part) -> np.ndarray:
    """Rows of the statements to cluster: not assigned a seeded theme, with enough lemmas."""
    explained = {a.unit_id for a in part.outcomes if a.status == ASSIGNED}
    return np.array(
        [
            row
            for row, s in enumerate(part.statements)
            if s.id not in explained and sum(w not in _STANCE for w in s.lemmas) >= MIN_LEMMAS
        ],
        dtype=np.int64,
    )


def pool_df(part: Part) -> tuple[int, np.ndarray]:
    assert part.counts is not None
    rows = _pool(part)
    return len(rows), document_frequency(part.counts[rows])


def pool_sample(part: Part, rows: np.ndarray, columns: np.ndarray):
    """Binary term rows, lemmas and ids of the part's statements in the sample."""
    assert part.counts is not None
    chosen = _pool(part)[rows]
    statements = [part.statements[r] for r in chosen]
    return (
        binary(part.counts[chosen], columns),
        [s.lemmas for s in statements],
        [s.id for s in statements],
    )


def embed_part(part: Part, columns: np.ndarray, embedder: Embedder) -> Part:
    """The part with the LSA vectors of its pool (statements with no usable term left out)."""
    assert part.counts is not None
    rows = _pool(part)
    vectors = embedder(binary(part.counts[rows], columns))
    usable = np.linalg.norm(vectors, axis=1) > 0
    return replace(part, pool=rows[usable], vectors=vectors[usable])


def usable_count(part: Part) -> int:
    return 0 if part.pool is None else len(part.pool)


def label_part(part: Part, model) -> Part:
    assert part.vectors is not None
    labels = model.predict(part.vectors) if len(part.vectors) else np.zeros(0, np.int64)
    return replace(part, labels=labels)


def cluster_sums(part: Part, k: int) -> tuple[np.ndarray, np.ndarray]:
    """Exact (fixed-point) sums of the vectors in each cluster, and cluster sizes."""
    assert part.vectors is not None and part.labels is not None
    sums = np.zeros((k, part.vectors.shape[1]), dtype=np.int64)
    for label in range(k):
        rows = part.labels == label
        if rows.any():
            sums[label] = fixed_sum(part.vectors[rows])
    return sums, np.bincount(part.labels, minlength=k)


def _typicalities(part: Part, centroids: np.ndarray) -> np.ndarray:
    assert part.vectors is not None and part.labels is not None
    if not len(part.labels):
        return np.zeros(0)
    return np.round(np.einsum("ij,ij->i", part.vectors, centroids[part.labels]), 4)


def cluster_members(part: Part, centroids: np.ndarray):
    """Per cluster: the part's typical members, and (typicality, id, text) of its most
    typical ones; and the part's cluster sizes."""
    k = len(centroids)
    typicality = _typicalities(part, centroids)
    members: list[list[Member]] = [[] for _ in range(k)]
    for row, label, t in zip(part.pool, part.labels, typicality, strict=True):
        if t >= MIN_TYPICALITY:
            s = part.statements[row]
            members[label].append(Member(s.id, s.comment_id, s.author, float(t)))
    by_id = {s.id: s for s in (part.statements[r] for r in part.pool)}
    texts = []
    for found in members:
        best = sorted(found, key=lambda m: (-m.typicality, m.statement_id))[:SPELLING_MEMBERS]
        texts.append([(-m.typicality, m.statement_id, by_id[m.statement_id].text) for m in best])
    return members, texts, np.bincount(part.labels, minlength=k)


def class_sums(
    part: Part, columns: np.ndarray, centroids: np.ndarray, kept: Sequence[int]
) -> np.ndarray:
    """How many of the part's statements have each term, per kept cluster's typical
    members and then for all other clustered statements."""
    assert part.counts is not None
    classes = np.full(len(part.pool), len(kept))
    index = {label: i for i, label in enumerate(kept)}
    typicality = _typicalities(part, centroids)
    for i, (label, t) in enumerate(zip(part.labels, typicality, strict=True)):
        if t >= MIN_TYPICALITY and int(label) in index:
            classes[i] = index[int(label)]
    onehot = sparse.csr_matrix(
        (np.ones(len(classes)), (classes, np.arange(len(classes)))),
        shape=(len(kept) + 1, len(classes)),
    )
    return (onehot @ binary(part.counts[part.pool], columns)).toarray()


def discovered_part(part: Part, centroids: np.ndarray, themes: dict[int, tuple[str, str]]) -> Part:
    """The part with its typical members' outcomes for the discovered themes."""
    typicality = _typicalities(part, centroids)
    outcomes = []
    for row, label, t in zip(part.pool, part.labels, typicality, strict=True):
        if int(label) in themes and t >= MIN_TYPICALITY:
            theme_id, terms = themes[int(label)]
            score = round(float(t), 4)
            evidence = (Evidence("cluster", terms, score),)
            outcomes.append(
                Assignment(part.statements[row].id, theme_id, ASSIGNED, score, evidence)
            )
    return replace(part, outcomes=part.outcomes + tuple(outcomes), vectors=None, labels=None)
