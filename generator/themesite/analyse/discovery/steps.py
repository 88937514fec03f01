"""Discovery's steps on one partition: pure functions of a `Part` and broadcast inputs.

Which statements are clustered, their vectors, their cluster, and the per-cluster sums
the global steps add up exactly (so the themes are the same however the corpus is
partitioned).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace
from typing import NamedTuple

import numpy as np
from scipy import sparse

from themesite.analyse.discovery.represent import Embedder
from themesite.analyse.features import binary, blocks, document_frequency, fixed_sum
from themesite.analyse.naming import SPELLING_MEMBERS
from themesite.analyse.nlp import STANCE_LEMMAS
from themesite.analyse.parts import Part
from themesite.analyse.records import ASSIGNED, Assignment, Evidence

#: Fewer content lemmas than this ("Great post, Luca") cannot carry a theme.
MIN_LEMMAS = 3
#: A statement less similar than this (cosine) to its cluster's centroid stays unexplained.
MIN_TYPICALITY = 0.2
#: Any language's stance words, which do not count towards a statement's length here.
_STANCE = frozenset().union(*STANCE_LEMMAS.values())


class Member(NamedTuple):
    statement_id: str
    comment_id: str
    author: str | None
    typicality: float  # cosine to the cluster's centroid, 4 decimals
    text: str  # only for a part's SPELLING_MEMBERS most typical (else ""): memory


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
    """The part with the vectors of its pool (statements with nothing usable left out)."""
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
    found = np.zeros(len(part.labels))
    for rows in blocks(len(found)):  # each statement's centroid, a block at a time: at
        # 100k comments, all of them at once were a 338 MB copy
        mine = centroids[part.labels[rows]]
        found[rows] = np.einsum("ij,ij->i", part.vectors[rows], mine)
    return np.round(found, 4)


def cluster_members(part: Part, centroids: np.ndarray):
    """Per cluster: the part's typical members, most typical first; and its cluster sizes."""
    k = len(centroids)
    typicality = _typicalities(part, centroids)
    members: list[list[Member]] = [[] for _ in range(k)]
    for row, label, t in zip(part.pool, part.labels, typicality, strict=True):
        if t >= MIN_TYPICALITY:
            s = part.statements[row]
            members[label].append(Member(s.id, s.comment_id, s.author, float(t), s.text))
    for found in members:
        found.sort(key=lambda m: (-m.typicality, m.statement_id))
        found[SPELLING_MEMBERS:] = [m._replace(text="") for m in found[SPELLING_MEMBERS:]]
    return members, np.bincount(part.labels, minlength=k)


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


def discovered_part(part: Part, centroids: np.ndarray, themes: Sequence[tuple[str, str]]) -> Part:
    """The part with its outcomes for the discovered themes: each clustered statement goes
    to the theme whose centroid (`centroids`, one per theme) is nearest, when it is
    typical of it. So a statement of a cluster that was dropped as noise joins the theme
    it is close to, and one close to none stays unexplained."""
    assert part.vectors is not None
    outcomes = []
    if len(themes) and len(part.vectors):
        # Row by row (einsum, not BLAS): a statement's scores cannot depend on which
        # other statements share its partition.
        similarity = np.einsum("ij,kj->ik", part.vectors, centroids)
        nearest = similarity.argmax(axis=1)
        for row, best, score in zip(part.pool, nearest, similarity.max(axis=1), strict=True):
            if score >= MIN_TYPICALITY:
                theme_id, terms = themes[int(best)]
                evidence = (Evidence("cluster", terms, round(float(score), 4)),)
                outcomes.append(
                    Assignment(
                        part.statements[row].id,
                        theme_id,
                        ASSIGNED,
                        round(float(score), 4),
                        evidence,
                    )
                )
    return replace(part, outcomes=part.outcomes + tuple(outcomes), vectors=None, labels=None)


def spellings(members: Sequence[Member]) -> list[str]:
    """Texts of a cluster's most typical members (the same however the corpus is
    partitioned: each part keeps its own most typical ones), to spell its key terms as
    written and to read its names."""
    return [m.text for m in members if m.text][:SPELLING_MEMBERS]


def seeded_comments(part: Part) -> dict[str, set[str]]:
    """The seeded themes assigned to each of the part's comments, by its statements."""
    comment_of = {s.id: s.comment_id for s in part.statements}
    found: dict[str, set[str]] = {}
    for item in part.outcomes:
        if item.status == ASSIGNED:
            found.setdefault(comment_of[item.unit_id], set()).add(item.theme_id)
    return found
