"""Opinion groups: participants who vote alike, formed the way Polis documents it.

Each conversation's participant x comment vote matrix (1 agree, -1 disagree, 0 pass)
is reduced to two principal components and clustered with k-means, k chosen by the
silhouette over a small range. Polis's own choices are kept, so its groups and ours
can be compared: only participants with enough votes are placed (seven, or every
comment of a shorter conversation); a vote not cast is replaced by the comment's mean
vote among them; comments a moderator rejected take no part; and a participant's
position is stretched by sqrt(comments / votes cast), so that someone who voted on
few comments is not pulled to the centre by the filled-in means. Every step is
seeded, so a rebuild places everyone in the same group.
"""

from __future__ import annotations

import math
from collections.abc import Collection
from dataclasses import dataclass

import numpy as np

from themesite.analyse.records import OpinionGroup, OpinionSpace
from themesite.ingest.votes import Ballots

#: Group labels in size order, as Polis names them.
LETTERS = "ABCDEFGHIJ"


@dataclass(frozen=True)
class GroupSettings:
    #: Votes a participant needs to be placed (fewer when the conversation is shorter).
    min_votes: int = 7
    #: The range of group counts tried; the best silhouette wins, the smaller k on a tie.
    k_min: int = 2
    k_max: int = 5
    #: Placed participants needed before groups are formed at all.
    min_participants: int = 10
    seed: int = 13


def form_groups(
    ballots: Ballots, excluded: Collection[str], settings: GroupSettings
) -> tuple[OpinionSpace, tuple[OpinionGroup, ...]]:
    """The conversation's map and its groups (none when too few participants voted)."""
    from sklearn.decomposition import PCA

    usable = [
        i
        for i, comment in enumerate(ballots.comments)
        if comment not in excluded and not np.isnan(ballots.votes[:, i]).all()
    ]
    votes = ballots.votes[:, usable].astype(np.float64)
    cast = (~np.isnan(votes)).sum(axis=1)
    needed = min(settings.min_votes, len(usable))
    placed = np.flatnonzero((cast >= needed) & (cast > 0))
    space = OpinionSpace(
        thread_id=ballots.thread_id,
        source=ballots.source,
        participants=len(ballots.participants),
        voters=int((cast > 0).sum()),
        placed=len(placed),
        min_votes=needed,
        comments=len(usable),
    )
    if len(placed) < max(settings.min_participants, settings.k_min + 1) or len(usable) < 2:
        return space, ()
    matrix = votes[placed]
    seen = ~np.isnan(matrix)
    means = np.where(seen, matrix, 0).sum(axis=0) / np.maximum(seen.sum(axis=0), 1)
    filled = np.where(seen, matrix, means)
    pca = PCA(n_components=2, svd_solver="full", random_state=settings.seed)
    points = pca.fit_transform(filled) * np.sqrt(len(usable) / cast[placed])[:, None]
    labels, silhouettes = _cluster(points, settings)
    order = _by_size(labels)
    letters = [LETTERS[order[label]] for label in labels]
    groups = tuple(
        OpinionGroup(
            id=f"{ballots.thread_id}-{letter.lower()}",
            thread_id=ballots.thread_id,
            label=f"Group {letter}",
            participants=tuple(ballots.participants[placed[i]] for i in members),
        )
        for letter, members in _members(letters)
    )
    space = OpinionSpace(
        **{
            **space.__dict__,
            "k": len(groups),
            "silhouettes": {str(k): round(s, 4) for k, s in silhouettes.items()},
            "explained": tuple(round(float(v), 4) for v in pca.explained_variance_ratio_),
            "points": tuple((round(float(x), 3), round(float(y), 3)) for x, y in points),
            "point_groups": tuple(f"{ballots.thread_id}-{x.lower()}" for x in letters),
            "reference_agreement": _agreement(ballots, placed, letters),
        }
    )
    return space, groups


def _cluster(points: np.ndarray, settings: GroupSettings) -> tuple[np.ndarray, dict[int, float]]:
    """k-means labels for the k with the best silhouette, and every k's silhouette."""
    from sklearn.cluster import KMeans
    from sklearn.metrics import silhouette_score

    best: tuple[float, int, np.ndarray] | None = None
    silhouettes: dict[int, float] = {}
    for k in range(settings.k_min, min(settings.k_max, len(points) - 1) + 1):
        labels = KMeans(n_clusters=k, n_init=10, random_state=settings.seed).fit_predict(points)
        if len(set(labels)) < 2:
            continue
        score = float(silhouette_score(points, labels))
        silhouettes[k] = score
        if best is None or score > best[0] + 1e-12:
            best = (score, k, labels)
    if best is None:
        return np.zeros(len(points), dtype=int), silhouettes
    return best[2], silhouettes


def _by_size(labels: np.ndarray) -> dict[int, int]:
    """k-means label -> rank: the largest group first, then by its first member."""
    sizes = {
        label: (-int((labels == label).sum()), int(np.argmax(labels == label)))
        for label in set(labels.tolist())
    }
    return {label: rank for rank, label in enumerate(sorted(sizes, key=sizes.__getitem__))}


def _members(letters: list[str]) -> list[tuple[str, list[int]]]:
    found: dict[str, list[int]] = {}
    for i, letter in enumerate(letters):
        found.setdefault(letter, []).append(i)
    return sorted(found.items())


def _agreement(ballots: Ballots, placed: np.ndarray, letters: list[str]) -> float | None:
    """Adjusted Rand index between our groups and the exporting tool's, over the
    participants both placed; None when the export gives no groups."""
    from sklearn.metrics import adjusted_rand_score

    if not ballots.reference_groups:
        return None
    pairs = [
        (ballots.reference_groups[p], letter)
        for p, letter in zip(placed, letters, strict=True)
        if ballots.reference_groups[p]
    ]
    if len(pairs) < 2:
        return None
    score = adjusted_rand_score([a for a, _ in pairs], [b for _, b in pairs])
    return round(float(score), 4) if math.isfinite(score) else None
