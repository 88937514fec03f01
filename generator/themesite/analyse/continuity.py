"""Stable ids for discovered themes: this build's themes matched to the previous build's.

Discovery names a theme from its words, so a new text can rename it; a reader's link,
a researcher's note and a label should not break for that. A discovered theme that is
recognisably the one of the previous build (its comments, over the comments both
builds have, and its key terms) keeps that theme's id; the matching is one to one
(the Hungarian method), so two themes never share an id. A new theme gets an id no
build has issued before; a theme that vanished is retired and its page leads to the
theme that took most of its comments (a merge), or to the What changed page.

A pure function of the findings and the previous record, so the same inputs give the
same ids.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, replace

import numpy as np
from scipy.optimize import linear_sum_assignment

from themesite.analyse.records import ASSIGNED, DISCOVERED, Findings
from themesite.analyse.snapshot import Snapshot

#: Weight of the comments (over the key terms) in the similarity of two themes.
MEMBER_WEIGHT = 0.8
#: Two themes are the same if this share of their comments (Jaccard, over comments both
#: builds have) is shared, or if most key terms are (for themes with no comment left).
MIN_MEMBERS = 0.2
MIN_TERMS = 0.5
#: A vanished theme leads to the theme that took at least this share of its comments.
MERGED = 0.5


@dataclass(frozen=True)
class Continuity:
    findings: Findings  # with the stable ids
    kept: tuple[str, ...]  # ids matched to the previous build's themes
    new: tuple[str, ...]
    vanished: tuple[str, ...]  # previous discovered ids no theme took
    issued: tuple[str, ...]  # every id ever issued, this build's included
    retired: dict[str, str]  # retired id -> current theme id ("" for none)


def continue_ids(
    findings: Findings, previous: Snapshot | None, universe: frozenset[str] | None = None
) -> Continuity:
    """`findings` with each discovered theme under its stable id; `universe` is every
    comment id of this build's corpus (None: unknown, then every comment counts)."""
    found = [t.theme for t in findings.themes if t.theme.kind == DISCOVERED]
    members = _members(findings)
    past = [t for t in previous.themes if t.kind == DISCOVERED] if previous else []
    shared = (
        universe & previous.universe() if universe and previous and previous.universe() else None
    )
    pairs = _match(past, found, members, shared)
    issued = set(previous.issued) if previous else set()
    issued |= {t.id for t in past}
    mapping = {found[j].id: past[i].id for i, j in pairs}
    taken = set(mapping.values()) | issued
    for theme in found:
        if theme.id not in mapping:
            mapping[theme.id] = _free(theme.id, taken)
            taken.add(mapping[theme.id])
    renamed = _renamed(findings, mapping)
    kept = tuple(past[i].id for i, _ in pairs)
    vanished = tuple(t.id for t in past if t.id not in kept)
    retired = _retired(previous, vanished, _members(renamed))
    return Continuity(
        findings=renamed,
        kept=tuple(sorted(kept)),
        new=tuple(sorted(v for k, v in mapping.items() if v not in kept)),
        vanished=tuple(sorted(vanished)),
        issued=tuple(sorted(taken)),
        retired=retired,
    )


def _members(findings: Findings) -> dict[str, frozenset[str]]:
    found: dict[str, set[str]] = {}
    for item in findings.comment_assignments:
        if item.status == ASSIGNED:
            found.setdefault(item.theme_id, set()).add(item.unit_id)
    return {k: frozenset(v) for k, v in found.items()}


def _jaccard(a: frozenset | set, b: frozenset | set) -> float:
    return len(a & b) / len(a | b) if a | b else 0.0


def _match(past, found, members, shared) -> list[tuple[int, int]]:
    """(previous index, current index) of the pairs the Hungarian method matches, each
    over the minimum similarity."""
    if not past or not found:
        return []
    score = np.zeros((len(past), len(found)))
    same = np.zeros_like(score, dtype=bool)
    for i, old in enumerate(past):
        before = frozenset(old.comments)
        for j, theme in enumerate(found):
            after = members.get(theme.id, frozenset())
            if shared is not None:
                before, after = before & shared, after & shared
            by_members = _jaccard(before, after)
            by_terms = _jaccard(set(old.key_terms), set(theme.key_terms))
            score[i, j] = MEMBER_WEIGHT * by_members + (1 - MEMBER_WEIGHT) * by_terms
            same[i, j] = by_members >= MIN_MEMBERS or by_terms >= MIN_TERMS
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


def _retired(
    previous: Snapshot | None, vanished: tuple[str, ...], members: Mapping[str, frozenset[str]]
) -> dict[str, str]:
    """Every retired id -> where its page leads now: the theme holding at least MERGED of
    its comments, else "" (the What changed page); older retirements are followed on."""
    if previous is None:
        return {}
    targets: dict[str, str] = {}
    for theme_id in vanished:
        old = previous.theme(theme_id)
        comments = frozenset(old.comments) if old else frozenset()
        best = min(members, key=lambda t: (-len(members[t] & comments), t), default=None)
        enough = (
            best is not None
            and comments
            and len(members[best] & comments) >= MERGED * len(comments)
        )
        targets[theme_id] = best if enough else ""
    for old_id, target in previous.retired.items():
        targets.setdefault(old_id, target)
    live = set(members)

    def resolve(target: str, seen: frozenset[str] = frozenset()) -> str:
        if not target or target in live or target in seen or target not in targets:
            return target if target in live else ""
        return resolve(targets[target], seen | {target})

    return {k: resolve(v) for k, v in sorted(targets.items())}


def _renamed(findings: Findings, mapping: Mapping[str, str]) -> Findings:
    """The findings with every theme id mapped (ids not in `mapping` stay)."""
    if all(k == v for k, v in mapping.items()):
        return findings

    def new(theme_id: str) -> str:
        return mapping.get(theme_id, theme_id)

    def assignments(items):
        moved = (replace(a, theme_id=new(a.theme_id)) for a in items)
        return tuple(sorted(moved, key=lambda a: (a.unit_id, a.theme_id)))

    def profiles(items):
        return tuple(
            replace(p, themes=dict(sorted((new(k), v) for k, v in p.themes.items()))) for p in items
        )

    themes = tuple(
        replace(
            t,
            theme=replace(t.theme, id=new(t.theme.id)),
            co_occurring=tuple(
                sorted(((new(k), n) for k, n in t.co_occurring), key=lambda kv: (-kv[1], kv[0]))
            ),
        )
        for t in findings.themes
    )
    return replace(
        findings,
        themes=themes,
        comment_assignments=assignments(findings.comment_assignments),
        statement_assignments=assignments(findings.statement_assignments),
        contributors=profiles(findings.contributors),
        threads=profiles(findings.threads),
    )
