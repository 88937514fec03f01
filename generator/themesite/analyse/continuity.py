"""Stable ids for discovered themes: this build's themes matched to the previous build's.

Discovery names a theme from its words, so a new text can rename it; a reader's link,
a researcher's note, a review and a decision in `corpus/decisions.yml` should not break
for that. A discovered theme that is recognisably the one of the previous build (its
comments, over the comments both builds have, and its key terms) keeps that theme's
id; the matching is one to one (the Hungarian method), so two themes never share an
id. Key terms stand in for the centroid: a centroid lives in one build's vocabulary and
LSA space, which a new text changes, while terms compare across builds as they are.
A new theme gets an id no build has issued before. The ids are settled right after
discovery, before the researcher's decisions apply, so the decisions always name the
ids the site showed.

A theme that no longer has a page (it vanished, or a decision merged, promoted or
dropped it) is retired: its old URL leads to the theme that holds most of its comments
now, or to the What changed page (`retirements`).

Pure functions of the themes found and the previous record: the same inputs give the
same ids.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field

import numpy as np

from themesite.analyse.records import ASSIGNED, DISCOVERED, Assignment
from themesite.analyse.snapshot import Snapshot, ThemeRecord

#: Weight of the comments (over the key terms) in the similarity of two themes.
MEMBER_WEIGHT = 0.8
#: Two themes are the same if this share of their comments (Jaccard, over comments both
#: builds have) is shared, or if most key terms are (for themes with no comment left).
MIN_MEMBERS = 0.2
MIN_TERMS = 0.5
#: A retired theme leads to the theme that holds at least this share of its comments.
MERGED = 0.5


@dataclass(frozen=True)
class Continuity:
    #: Discovered id as discovery named it -> its stable id.
    mapping: dict[str, str]
    kept: tuple[str, ...]  # previous ids a theme of this build took
    new: tuple[str, ...]  # ids issued by this build
    vanished: tuple[str, ...]  # previous discovered ids no theme took
    issued: tuple[str, ...]  # every id ever issued, this build's included
    #: This build's discovered themes under their stable ids, before any decision: what
    #: the next build matches with.
    discovered: tuple[ThemeRecord, ...] = ()
    #: Retired id -> the theme id its page leads to ("" for the What changed page).
    retired: dict[str, str] = field(default_factory=dict)

    def stable(self, theme_id: str) -> str:
        return self.mapping.get(theme_id, theme_id)


def members_of(assignments: Iterable[Assignment]) -> dict[str, frozenset[str]]:
    """Theme id -> the ids of the units assigned to it (ambiguous ones are not members)."""
    found: dict[str, set[str]] = {}
    for item in assignments:
        if item.status == ASSIGNED:
            found.setdefault(item.theme_id, set()).add(item.unit_id)
    return {k: frozenset(v) for k, v in sorted(found.items())}


def stable_ids(
    found: Sequence[ThemeRecord],
    previous: Snapshot | None,
    universe: frozenset[str] | None = None,
) -> Continuity:
    """Each discovered theme of this build (`found`, as discovery named them, with their
    member comments) under its stable id; `universe` is every comment id this build
    analysed (None: unknown, then every comment counts)."""
    past = previous_discovered(previous)
    before = previous.universe() if previous else None
    shared = universe & before if universe is not None and before is not None else None
    pairs = _match(past, found, shared)
    issued = set(previous.issued) if previous else set()
    issued |= {t.id for t in past}
    mapping = {found[j].id: past[i].id for i, j in pairs}
    taken = issued | set(mapping.values())
    for theme in found:
        if theme.id not in mapping:
            mapping[theme.id] = _free(theme.id, taken)
            taken.add(mapping[theme.id])
    kept = {past[i].id for i, _ in pairs}
    discovered = tuple(
        ThemeRecord(mapping[t.id], t.label, t.kind, t.key_terms, t.comments, t.quotes)
        for t in found
    )
    return Continuity(
        mapping=dict(sorted(mapping.items())),
        kept=tuple(sorted(kept)),
        new=tuple(sorted(v for v in mapping.values() if v not in kept)),
        vanished=tuple(sorted(t.id for t in past if t.id not in kept)),
        issued=tuple(sorted(taken)),
        discovered=discovered,
    )


def previous_discovered(previous: Snapshot | None) -> tuple[ThemeRecord, ...]:
    """The previous build's discovered themes before decisions (a record made from a
    findings file has only the themes it reported)."""
    if previous is None:
        return ()
    if previous.discovered:
        return previous.discovered
    return tuple(t for t in previous.themes if t.kind == DISCOVERED)


def _jaccard(a: frozenset | set, b: frozenset | set) -> float:
    return len(a & b) / len(a | b) if a | b else 0.0


def _match(
    past: Sequence[ThemeRecord], found: Sequence[ThemeRecord], shared: frozenset[str] | None
) -> list[tuple[int, int]]:
    """(previous index, current index) of the pairs the Hungarian method matches, each
    similar enough to be the same theme."""
    if not past or not found:
        return []
    score = np.zeros((len(past), len(found)))
    same = np.zeros_like(score, dtype=bool)
    for i, old in enumerate(past):
        for j, theme in enumerate(found):
            before, after = frozenset(old.comments), frozenset(theme.comments)
            if shared is not None:
                before, after = before & shared, after & shared
            by_members = _jaccard(before, after)
            by_terms = _jaccard(set(old.key_terms), set(theme.key_terms))
            score[i, j] = MEMBER_WEIGHT * by_members + (1 - MEMBER_WEIGHT) * by_terms
            same[i, j] = by_members >= MIN_MEMBERS or by_terms >= MIN_TERMS
    from scipy.optimize import linear_sum_assignment  # slow to import: only when matching

    rows, cols = linear_sum_assignment(-score)
    return [(int(i), int(j)) for i, j in zip(rows, cols, strict=True) if same[i, j]]


def _free(theme_id: str, taken: set[str]) -> str:
    """`theme_id`, or with the first numeric suffix that no build has issued."""
    if theme_id not in taken:
        return theme_id
    n = 2
    while f"{theme_id}-{n}" in taken:
        n += 1
    return f"{theme_id}-{n}"


def retirements(
    previous: Snapshot | None,
    continuity: Continuity,
    members: Mapping[str, frozenset[str]],
    moved: Mapping[str, str] = {},  # noqa: B006 (read only)
) -> dict[str, str]:
    """Every retired id -> where its page leads now. `members` are the comments of each
    theme the site reports; `moved` are the decisions' merges and promotions (id -> the
    theme it became) and drops (id -> ""). A vanished theme leads to the theme holding
    at least MERGED of its comments, else to "" (the What changed page); retirements of
    earlier builds are kept and followed on; a live theme is never retired."""
    live = set(members)
    past = {t.id: t for t in (previous.themes if previous else ())}
    targets: dict[str, str] = {}
    for theme_id in continuity.vanished:
        old = past.get(theme_id)
        targets[theme_id] = _successor(frozenset(old.comments) if old else frozenset(), members)
    for theme_id, target in moved.items():
        targets.setdefault(theme_id, target)
    for record in continuity.discovered:
        if record.id not in live:  # a decision took it and named no theme
            targets.setdefault(record.id, "")
    for old_id, target in (previous.retired if previous else {}).items():
        targets.setdefault(old_id, target)

    def resolve(target: str, seen: frozenset[str]) -> str:
        if target in live or not target or target in seen or target not in targets:
            return target if target in live else ""
        return resolve(targets[target], seen | {target})

    return {k: resolve(v, frozenset({k})) for k, v in sorted(targets.items()) if k not in live}


def _successor(comments: frozenset[str], members: Mapping[str, frozenset[str]]) -> str:
    if not comments or not members:
        return ""
    best = min(members, key=lambda t: (-len(members[t] & comments), t))
    return best if len(members[best] & comments) >= MERGED * len(comments) else ""
