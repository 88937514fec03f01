"""The counts behind the matrix charts: theme co-occurrence, themes by thread, themes by year.

Each `Matrix` is drawn as a heatmap and shown as a table beside it, so a reader (and
a screen reader) gets the same numbers either way.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Sequence
from dataclasses import dataclass

from themesite.analyse.records import ASSIGNED, Findings
from themesite.ingest.records import Thread

#: Columns of the theme x thread matrix: a chart of thousands of threads helps nobody.
MAX_THREADS = 30


@dataclass(frozen=True)
class Matrix:
    id: str
    title: str
    description: str
    rows: tuple[str, ...]
    columns: tuple[str, ...]
    values: tuple[tuple[int, ...], ...]


def _themes_by_comment(findings: Findings) -> dict[str, set[str]]:
    found: dict[str, set[str]] = defaultdict(set)
    for item in findings.comment_assignments:
        if item.status == ASSIGNED:
            found[item.unit_id].add(item.theme_id)
    return found


def _ordered_themes(findings: Findings):
    return sorted(findings.themes, key=lambda t: (-t.comments, t.theme.id))


def co_occurrence(findings: Findings) -> Matrix:
    themes = [t.theme for t in _ordered_themes(findings)]
    pairs: Counter[tuple[str, str]] = Counter()
    for ids in _themes_by_comment(findings).values():
        for a in ids:
            for b in ids:
                pairs[a, b] += 1
    return Matrix(
        id="ts-cooccurrence",
        title="Theme co-occurrence",
        description="Comments that carry both themes; the diagonal is each theme's own count.",
        rows=tuple(t.label for t in themes),
        columns=tuple(t.label for t in themes),
        values=tuple(tuple(pairs[a.id, b.id] for b in themes) for a in themes),
    )


def by_thread(findings: Findings, threads: Sequence[Thread]) -> Matrix:
    themes = [t.theme for t in _ordered_themes(findings)]
    found = _themes_by_comment(findings)
    counts = {
        t.id: Counter(theme for c in t.comments for theme in found.get(c.id, ()))
        for t in threads
        if t.comments
    }
    busiest = sorted(counts, key=lambda t: (-sum(counts[t].values()), t))[:MAX_THREADS]
    ordered = sorted((t for t in threads if t.id in busiest), key=lambda t: t.id)
    shown = f"the {len(ordered)} threads with the most" if len(counts) > MAX_THREADS else "each"
    return Matrix(
        id="ts-by-thread",
        title="Themes by thread",
        description=f"Comments in {shown} thread that carry each theme."
        if shown == "each"
        else f"Comments carrying each theme in {shown} themed comments.",
        rows=tuple(t.label for t in themes),
        columns=tuple(t.title for t in ordered),
        values=tuple(tuple(counts[t.id][theme.id] for t in ordered) for theme in themes),
    )


def by_year(findings: Findings, threads: Sequence[Thread]) -> Matrix | None:
    """Themes per year, from comment timestamps or the thread's date; None without two years."""
    year_of: dict[str, str] = {}
    for thread in threads:
        for comment in thread.comments:
            date = comment.timestamp or thread.published
            if date and date[:4].isdigit():
                year_of[comment.id] = date[:4]
    years = sorted(set(year_of.values()))
    if len(years) < 2:
        return None
    themes = [t.theme for t in _ordered_themes(findings)]
    counts: Counter[tuple[str, str]] = Counter(
        (theme, year_of[cid])
        for cid, ids in _themes_by_comment(findings).items()
        if cid in year_of
        for theme in ids
    )
    return Matrix(
        id="ts-by-year",
        title="Themes over time",
        description="Comments carrying each theme, by the year of the comment or its thread.",
        rows=tuple(t.label for t in themes),
        columns=tuple(years),
        values=tuple(tuple(counts[theme.id, year] for year in years) for theme in themes),
    )
