"""Discovery in order: pool -> representation -> k by stability -> clusters -> keep -> names.

The statements the taxonomy leaves unexplained are represented by their words and
spellings (`represent`), k is the most stable beyond chance (`choose`), k-means makes
the clusters, and a cluster becomes a theme when it is spread over enough comments and
voices, found again in resampled fits, and not boilerplate or one name (`keep`); members
far from their centroid stay unexplained (an outlier set, not forced into a theme).
Themes are named by a phrase contributors wrote (`title`).

The models are fitted on a seeded sample of at most `FIT_SAMPLE` statements, which the
partitions hand over, and applied to every statement where its partition lives;
centroids and term counts per cluster are exact sums of per-partition results. So the
themes are the same however the corpus is partitioned, and no step holds it whole.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
from scipy import sparse

from themesite.analyse.discovery.choose import (
    CRITERION,
    candidate_ks,
    choose_k,
    cluster_stability,
    kmeans,
)
from themesite.analyse.discovery.keep import Cluster, junk_reason, spread_reason
from themesite.analyse.discovery.represent import fit_embedder, term_grams
from themesite.analyse.discovery.steps import (
    class_sums,
    cluster_members,
    cluster_sums,
    discovered_part,
    embed_part,
    label_part,
    pool_df,
    pool_sample,
    seeded_comments,
    spellings,
    usable_count,
)
from themesite.analyse.discovery.title import DiscoveredTheme, discovered_themes
from themesite.analyse.engine import Engine
from themesite.analyse.features import (
    FIT_SAMPLE,
    FIXED,
    Vocabulary,
    binary,
    sample_rows,
    select_columns,
    split_rows,
)
from themesite.analyse.naming import WordRarity, name_groups
from themesite.analyse.nlp import STANCE_LEMMAS
from themesite.wording import count

MAX_FEATURES = 30_000
#: Small corpora may still have this many clusters (a 50-comment conversation has more
#: than two topics).
MIN_CEILING = 12
#: A discovered theme is a sub-theme of the seeded theme more than this share of its
#: comments carry.
SUB_THEME = 0.5
#: Pieces the tokenizer leaves of contractions ("wo" of "won't", "ca" of "can't"): they
#: say nothing and must not hold a cluster together or name it.
FRAGMENTS = frozenset({"wo", "ca", "sha", "ai", "n't", "'s", "'re", "'ll", "'ve", "'d", "'m"})


@dataclass(frozen=True)
class DiscoverSettings:
    seed: int = 13
    k_min: int = 2
    k_max: int = 30  # an upper bound only: the criterion picks k (at most n // min_size)
    min_size: int = 4  # statements; smaller clusters are dropped
    #: k is at most the statements over this: with up to one cluster per 4 statements,
    #: on the ArgKP dev split most clusters were fragments and key-point recovery was
    #: 0.26; one per 20 gave 0.37 (measured on dev, so in sample for that split).
    mean_size: int = 20
    min_comments: int = 3  # a theme must come from at least this many comments
    #: ... and voices: named authors, each comment without an author counting as its own
    #: (surveys and exports have none), so one prolific author cannot make a theme alone.
    min_authors: int = 2
    top_terms: int = 8


@dataclass(frozen=True)
class Sample:
    """The pooled statements the models are fitted on, in statement id order (so the
    models do not depend on how threads were ordered or partitioned)."""

    counts: sparse.csr_matrix
    lemmas: list[tuple[str, ...]]  # without stance words: a shuffled corpus keeps topics


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
    columns, names = _columns(df, vocabulary, rarity.lang)
    weights = rarity.weights(names)
    sample = _sample(engine, columns, sizes, settings.seed, rarity.lang)
    single = sum(sizes) > FIT_SAMPLE
    grams = term_grams([str(name) for name in names])
    embedder = fit_embedder(sample.counts, grams, weights, settings.seed, single)
    if embedder is not None:
        engine.update(embed_part, columns, embedder)
    usable = sum(engine.collect(usable_count)) if embedder is not None else 0
    report["statements"] = usable
    vectors = embedder(sample.counts) if embedder is not None else np.zeros((0, 0))
    fit = np.flatnonzero(np.linalg.norm(vectors, axis=1) > 0) if vectors.size else []
    vectors = vectors[fit]
    distinct = len(np.unique(vectors.round(6), axis=0)) if len(fit) else 0
    most = max(MIN_CEILING, len(fit) // settings.mean_size)
    ceiling = min(settings.k_max, most, len(fit) // settings.min_size, distinct)
    ks = candidate_ks(max(2, settings.k_min), ceiling) if ceiling >= 2 else []
    if not ks:
        report["dropped"] = [f"{count(usable, 'statement')} to cluster: too few for two themes"]
        return [], report
    shuffled = _shuffled(sample, fit, columns, vocabulary, grams, weights, settings.seed)
    choice = choose_k(vectors, shuffled, ks, settings.seed)
    k = choice.k
    model = kmeans(k, settings.seed, len(vectors)).fit(vectors)
    engine.update(label_part, model)
    centroids = _centroids(engine, k)
    stability = cluster_stability(model.predict(vectors[choice.rows]), choice.runs, k)
    clusters = _clusters(engine, centroids, stability)
    spread, dropped = [], []
    for cluster in clusters:
        reason = spread_reason(cluster, settings)
        if reason:
            dropped.append((cluster, reason))
        else:
            spread.append(cluster)
    labels = [c.label for c in spread]
    per_class = np.sum(engine.collect(class_sums, columns, centroids, labels), axis=0)
    texts = [spellings(c.members) for c in spread]
    named = name_groups(per_class, names, weights, texts, settings.top_terms, rarity.lang)
    kept = []
    for i, (cluster, terms) in enumerate(zip(spread, named, strict=True)):
        if not terms:
            dropped.append((cluster, "no term shared by two of its statements"))
            continue
        reason = junk_reason(terms[0], texts[i])
        if reason:
            dropped.append((cluster, reason))
        else:
            kept.append((cluster, terms))
    kept.sort(key=lambda pair: (-len(pair[0].members), pair[0].label))
    themes = discovered_themes(kept, k, _parents(engine, [c for c, _ in kept]))
    report.update(
        scores=choice.scores,
        chosen_k=k,
        dropped=[
            f"a cluster of {count(c.size, 'statement')}: {why}"
            for c, why in sorted(dropped, key=lambda d: (-d[0].size, d[1]))
        ],
    )
    engine.update(
        discovered_part,
        centroids[[cluster.label for cluster, _ in kept]],
        [(found.theme.id, ", ".join(found.theme.key_terms[:5])) for found in themes],
    )
    return themes, report


def _columns(df: np.ndarray, vocabulary: Vocabulary, lang: str):
    """The terms discovery uses: those of two or more statements, without stance words,
    contraction fragments or numbers."""
    left_out = (*STANCE_LEMMAS.get(lang, ()), *FRAGMENTS)
    columns, names = select_columns(df, vocabulary, 2, MAX_FEATURES, left_out)
    usable = [i for i, name in enumerate(names) if not any(ch.isdigit() for ch in name)]
    return columns[usable], np.asarray(names)[usable]


def _sample(engine: Engine, columns: np.ndarray, sizes: list[int], seed: int, lang: str):
    rows = sample_rows(sum(sizes), FIT_SAMPLE, seed)
    found = engine.collect(pool_sample, columns, each=split_rows(rows, sizes))
    ids = [i for *_, part_ids in found for i in part_ids]
    order = sorted(range(len(ids)), key=ids.__getitem__)
    stance = frozenset(STANCE_LEMMAS.get(lang, ()))
    lemmas = [lem for _, part_lemmas, _ in found for lem in part_lemmas]
    return Sample(
        sparse.vstack([counts for counts, *_ in found]).tocsr()[order],
        [tuple(w for w in lemmas[i] if w not in stance) for i in order],
    )


def _shuffled(sample: Sample, fit, columns, vocabulary: Vocabulary, grams, weights, seed: int):
    """Vectors of a shuffled corpus: the sample's lemmas dealt out at random into
    statements of the same lengths."""
    lemmas = _deal([sample.lemmas[i] for i in fit], seed)
    counts = binary(vocabulary.count(lemmas), columns)
    embedder = fit_embedder(counts, grams, weights, seed)
    if embedder is None:
        return np.zeros((len(fit), 1))
    return embedder(counts)


def _deal(items: Sequence[Sequence[str]], seed: int) -> list[list[str]]:
    """The same items dealt out at random into lists of the same lengths."""
    flat = [item for group in items for item in group]
    order = np.random.default_rng(seed).permutation(len(flat))
    ends = np.cumsum([0] + [len(group) for group in items])
    return [[flat[i] for i in order[a:b]] for a, b in zip(ends, ends[1:], strict=False)]


def _centroids(engine: Engine, k: int) -> np.ndarray:
    """Unit-length cluster centroids from exact per-partition sums."""
    sums = engine.collect(cluster_sums, k)
    total = np.sum([s for s, _ in sums], axis=0)
    counts = np.sum([c for _, c in sums], axis=0)
    centroids = total / FIXED / np.maximum(counts, 1)[:, None]
    norms = np.linalg.norm(centroids, axis=1, keepdims=True)
    return np.divide(centroids, norms, out=np.zeros_like(centroids), where=norms > 0)


def _clusters(engine: Engine, centroids: np.ndarray, stability: np.ndarray) -> list[Cluster]:
    """Every non-empty cluster with its typical members, most typical first."""
    found = engine.collect(cluster_members, centroids)
    sizes = np.sum([part_sizes for _, part_sizes in found], axis=0)
    clusters = []
    for label in range(len(centroids)):
        if not sizes[label]:
            continue
        members = sorted(
            (m for part_members, _ in found for m in part_members[label]),
            key=lambda m: (-m.typicality, m.statement_id),
        )
        coherence = round(float(np.mean([m.typicality for m in members])), 4) if members else 0.0
        clusters.append(
            Cluster(label, int(sizes[label]), tuple(members), coherence, float(stability[label]))
        )
    return clusters


def _parents(engine: Engine, clusters: Sequence[Cluster]) -> list[str | None]:
    """Per cluster, the seeded theme most of its comments carry (by their other
    statements), if more than `SUB_THEME` of them do: it is shown as its sub-theme."""
    carried: dict[str, set[str]] = {}
    for part in engine.collect(seeded_comments):
        carried.update(part)
    parents = []
    for cluster in clusters:
        comments = {m.comment_id for m in cluster.members}
        counts = Counter(t for c in comments for t in carried.get(c, ()))
        best = min(counts, key=lambda t: (-counts[t], t)) if counts else None
        parents.append(best if best and counts[best] > SUB_THEME * len(comments) else None)
    return parents
