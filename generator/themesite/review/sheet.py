"""A review sheet: every comment against one theme, the rows worth a reviewer's time first.

A reviewer has time for a few rows, so the order matters more than the content:

1. *uncertain* rows: ambiguous outcomes, then the comments whose confidence lies nearest
   the theme's decision boundary (the assign threshold of a theme with patterns, the
   null share of a theme in words), the more similar first;
2. then the confident rest, assigned and unassigned taking turns, in a fixed order that
   looks random (a hash of the comment id): a sample that shows whether the confident
   calls hold, the same on every run.

A discovered theme has no scores for the comments outside it, so its sheet is its
members, the least typical first, then the others in the same fixed order.
"""

from __future__ import annotations

import difflib
import hashlib
from collections.abc import Iterator, Mapping
from itertools import zip_longest

from themesite.analyse.records import AMBIGUOUS, ASSIGNED, Assignment, Findings, Theme
from themesite.errors import ThemesiteError
from themesite.export import evidence_text

SHEET_COLUMNS = (
    "rank",
    "comment_id",
    "theme_id",
    "theme_label",
    "status",
    "confidence",
    "similarity",
    "evidence",
    "text",
    "decision",
    "other_theme",
)
UNASSIGNED = "unassigned"
#: Rows this close to the boundary count as uncertain.
BAND = 0.15


def find_theme(findings: Findings, name: str) -> Theme:
    """The theme whose id or label is `name` (case does not count); else a one-line error
    with the nearest names."""
    themes = [t.theme for t in findings.themes]
    wanted = name.strip().lower()
    for theme in themes:
        if wanted in (theme.id.lower(), theme.label.lower()):
            return theme
    names = [t.id for t in themes] + [t.label for t in themes]
    close = difflib.get_close_matches(name, names, n=3, cutoff=0.5)
    hint = f"did you mean {', '.join(repr(c) for c in close)}?" if close else ""
    known = ", ".join(t.id for t in themes[:12]) + (" ..." if len(themes) > 12 else "")
    raise ThemesiteError(
        f"no theme {name!r} in build/findings.json",
        f"{hint + ' ' if hint else ''}themes: {known}",
    )


def review_rows(
    findings: Findings, theme: Theme, texts: Mapping[str, str]
) -> Iterator[dict[str, object]]:
    """The sheet's rows for `theme`, most informative first (see the module docstring)."""
    outcomes = {a.unit_id: a for a in findings.comment_assignments if a.theme_id == theme.id}
    table = findings.scores
    if table is not None and theme.id in table.themes:
        column = table.themes.index(theme.id)
        scored = {
            c: (conf[column], sim[column])
            for c, conf, sim in zip(table.comments, table.confidence, table.similarity, strict=True)
        }
        order = _by_boundary(scored, outcomes, _boundary(findings, outcomes))
    else:
        scored = {c: (a.confidence, None) for c, a in outcomes.items()}
        members = sorted(outcomes, key=lambda c: (outcomes[c].confidence, c))
        order = members + _hashed([c for c in sorted(texts) if c not in outcomes], theme.id)
    for rank, comment_id in enumerate(order, start=1):
        item = outcomes.get(comment_id)
        confidence, similarity = scored.get(comment_id, (None, None))
        yield {
            "rank": rank,
            "comment_id": comment_id,
            "theme_id": theme.id,
            "theme_label": theme.label,
            "status": item.status if item else UNASSIGNED,
            "confidence": confidence,
            "similarity": similarity,
            "evidence": _evidence(item),
            "text": texts.get(comment_id, ""),
            "decision": "",
            "other_theme": "",
        }


def _boundary(findings: Findings, outcomes: Mapping[str, Assignment]) -> float:
    """Where the theme's calls change: the null share for a theme scored in words only,
    the assign threshold for a theme with a model."""
    words_only = any(e.kind == "null" for a in outcomes.values() for e in a.evidence)
    if words_only:
        zero_shot = findings.parameters.get("zero_shot") or {}
        return float(zero_shot.get("assign_null", 0.9))
    return float(findings.parameters.get("assign_threshold", 0.5))


def _by_boundary(scored, outcomes, boundary: float) -> list[str]:
    def distance(c: str) -> float:
        return abs(scored[c][0] - boundary)

    def nearest(ids):
        return sorted(ids, key=lambda c: (round(distance(c), 4), -(scored[c][1] or 0.0), c))

    ambiguous = nearest(c for c in scored if c in outcomes and outcomes[c].status == AMBIGUOUS)
    first = set(ambiguous)
    near = nearest(c for c in scored if c not in first and distance(c) <= BAND)
    taken = set(ambiguous) | set(near)
    rest = [c for c in scored if c not in taken]
    assigned = [c for c in rest if c in outcomes and outcomes[c].status == ASSIGNED]
    others = [c for c in rest if not (c in outcomes and outcomes[c].status == ASSIGNED)]
    pairs = zip_longest(_hashed(assigned, ""), _hashed(others, ""))
    return ambiguous + near + [c for pair in pairs for c in pair if c is not None]


def _hashed(ids, salt: str) -> list[str]:
    """`ids` in a fixed order that does not follow the ids themselves."""
    return sorted(ids, key=lambda c: hashlib.sha256(f"{salt}:{c}".encode()).hexdigest())


def _evidence(item: Assignment | None) -> str:
    return evidence_text(item.evidence) if item else ""
