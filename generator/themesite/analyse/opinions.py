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
from threadpoolctl import threadpool_limits

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
    #: Small clusters participants are gathered into before groups are formed (Polis: 100).
    base_clusters: int = 100
    seed: int = 13


def form_groups(
    ballots: Ballots, excluded: Collection[str], settings: GroupSettings, title: str = ""
) -> tuple[OpinionSpace, tuple[OpinionGroup, ...]]:
    """The conversation's map and its groups (none when too few participants voted)."""
    usable = np.zeros(len(ballots.comments), dtype=bool)
    usable[np.unique(ballots.comment)] = True
    usable[[i for i, c in enumerate(ballots.comments) if c in excluded]] = False
    keep = usable[ballots.comment]
    voter, comment, vote = ballots.voter[keep], ballots.comment[keep], ballots.vote[keep]
    cast = np.bincount(voter, minlength=len(ballots.participants))
    needed = min(settings.min_votes, int(usable.sum()))
    placed = np.flatnonzero((cast >= needed) & (cast > 0))
    space = OpinionSpace(
        thread_id=ballots.thread_id,
        title=title,
        source=ballots.source,
        participants=len(ballots.participants),
        voters=int((cast > 0).sum()),
        placed=len(placed),
        min_votes=needed,
        comments=int(usable.sum()),
        warnings=ballots.warnings,
    )
    if len(placed) < max(settings.min_participants, settings.k_min + 1) or usable.sum() < 2:
        return space, ()
    # Rows: placed participants in order; columns: usable comments in order.
    row_of = np.full(len(ballots.participants), -1)
    row_of[placed] = np.arange(len(placed))
    column_of = np.cumsum(usable) - 1
    chosen = row_of[voter] >= 0
    # One thread in the native libraries: small fits run faster so on a small machine,
    # and the results cannot depend on how many cores it has.
    with threadpool_limits(1):
        points, explained = principal_positions(
            row_of[voter[chosen]],
            column_of[comment[chosen]],
            vote[chosen],
            (len(placed), int(usable.sum())),
            settings.seed,
        )
        points *= np.sqrt(usable.sum() / cast[placed])[:, None]
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
            "explained": tuple(round(float(v), 4) for v in explained),
            "points": tuple(map(tuple, np.round(points, 3).tolist())),
            "point_groups": tuple(f"{ballots.thread_id}-{x.lower()}" for x in letters),
            "reference_agreement": _agreement(ballots, placed, letters),
        }
    )
    return space, groups


def principal_positions(
    rows: np.ndarray, columns: np.ndarray, votes: np.ndarray, shape: tuple[int, int], seed: int
) -> tuple[np.ndarray, np.ndarray]:
    """Each participant (row) on the first two principal components of the vote matrix
    with every missing vote filled in by its comment's mean, and the share of variance
    each component explains; the votes cast are given as entries.

    Centred, such a matrix is zero wherever a vote is missing, so it is sparse: the SVD
    of the sparse centred votes is the PCA, at the cost of the votes cast rather than of
    the whole matrix. Signs are fixed (each component's largest loading positive) so the
    map does not mirror between runs.
    """
    from scipy import sparse
    from sklearn.decomposition import TruncatedSVD

    values = votes.astype(np.float64)
    width = shape[1]
    counts = np.maximum(np.bincount(columns, minlength=width), 1)
    means = np.bincount(columns, values, width) / counts
    centred = sparse.csr_matrix((values - means[columns], (rows, columns)), shape=shape)
    total = float(centred.multiply(centred).sum()) or 1.0
    if min(shape) <= 3:  # too small for an iterative solver
        _, singular, components = np.linalg.svd(centred.toarray(), full_matrices=False)
    else:
        # A seeded randomized SVD of the sparse votes: a few products with them, where an
        # exact solver spends most of its time on the second component's last digits.
        svd = TruncatedSVD(2, n_iter=6, n_oversamples=10, random_state=seed).fit(centred)
        singular, components = svd.singular_values_, svd.components_
    order = np.argsort(singular)[::-1][:2]
    singular, components = singular[order], components[order]
    strongest = np.argmax(np.abs(components), axis=1)
    components = components * np.sign(components[np.arange(len(components)), strongest])[:, None]
    points = np.asarray(centred @ components.T)
    if points.shape[1] < 2:  # one usable dimension: the map is a line
        points = np.hstack([points, np.zeros((len(points), 2 - points.shape[1]))])
    return points, singular**2 / total


def _cluster(points: np.ndarray, settings: GroupSettings) -> tuple[np.ndarray, dict[int, float]]:
    """Group labels for every participant, and every k's silhouette.

    As in Polis, participants are first gathered into `settings.base_clusters` small base
    clusters; the groups are k-means clusters of the base clusters' centres (each
    weighted by its members), and the silhouette is measured on those centres. That is
    cheap for any number of participants, and a group is never a scatter of isolated
    voters.
    """
    from sklearn.cluster import KMeans
    from sklearn.metrics import silhouette_score

    base = np.arange(len(points))
    centres, weights = points, np.ones(len(points))
    if len(points) > settings.base_clusters:
        count = settings.base_clusters
        fitted = KMeans(count, n_init=1, random_state=settings.seed).fit(points)
        base, centres = fitted.labels_, fitted.cluster_centers_
        weights = np.bincount(base, minlength=count).astype(float)
    found: dict[int, tuple[float, np.ndarray]] = {}
    for k in range(settings.k_min, min(settings.k_max, len(centres) - 1) + 1):
        model = KMeans(n_clusters=k, n_init=10, random_state=settings.seed)
        grouped = model.fit(centres, sample_weight=weights).labels_
        if len(set(grouped)) > 1:
            found[k] = (float(silhouette_score(centres, grouped)), grouped[base])
    silhouettes = {k: score for k, (score, _) in found.items()}
    if not found:
        return np.zeros(len(points), dtype=int), silhouettes
    chosen = max(silhouettes, key=lambda k: (silhouettes[k], -k))
    return found[chosen][1], silhouettes


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
