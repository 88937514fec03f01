"""A discovered theme's name, id and description, from its key terms.

A reader sees the name first, so it is one phrase contributors wrote ("minimum wage",
"fairness ordinance"), the theme's most distinctive term by class-based TF-IDF
(`naming.name_groups`, which already lets a phrase stand for the word it carries and
spells lemmas as written), never a list of unrelated words; the other key terms are
shown beside it.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass

from themesite.analyse.discovery.keep import Cluster
from themesite.analyse.records import DISCOVERED, Theme
from themesite.ingest.text import slugify
from themesite.wording import count


@dataclass(frozen=True)
class DiscoveredTheme:
    theme: Theme
    members: tuple[tuple[str, float], ...]  # (statement id, cosine to centroid), best first
    coherence: float  # mean cosine of the members to their centroid
    stability: float  # share of its members found together again in resampled fits


def discovered_themes(
    named: Sequence[tuple[Cluster, Sequence[str]]], k: int, parents: Sequence[str | None]
) -> list[DiscoveredTheme]:
    """Themes of the kept clusters (largest first) with their key terms; each is named by
    its first key term that no larger theme is named by, or numbered when none is left."""
    taken: Counter[str] = Counter()
    themes = []
    for (cluster, terms), parent in zip(named, parents, strict=True):
        free = [t for t in terms if _heading(t).lower() not in taken]
        title = _heading(free[0] if free else terms[0])
        taken[title.lower()] += 1
        if taken[title.lower()] > 1:
            title = f"{title} ({taken[title.lower()]})"
        themes.append(_theme(cluster, title, terms, k, parent))
    return themes


def _heading(term: str) -> str:
    """A key term capitalised as a heading ("Minimum wage", "IT budget")."""
    return term[0].upper() + term[1:]


def _theme(
    cluster: Cluster, title: str, terms: Sequence[str], k: int, parent: str | None
) -> DiscoveredTheme:
    members = cluster.members
    comments = len({m.comment_id for m in members})
    authors = len({m.author for m in members if m.author})
    by = f" by {count(authors, 'contributor')}" if authors else ""
    description = (
        f"{count(len(members), 'statement')} from {count(comments, 'comment')}{by}, "
        f"marked by the words {', '.join(terms[:5])}: one of {k} clusters of the statements "
        "the taxonomy leaves unexplained (k chosen by stability above a shuffled corpus), "
        f"found together again by {cluster.stability:.0%} of its members when the "
        f"statements are resampled; coherence {cluster.coherence:.2f}."
    )
    slug = slugify(title, max_length=80)  # "für" is "fur", not "f-r"
    theme = Theme(f"d-{slug}", title, DISCOVERED, description, tuple(terms), parent)
    return DiscoveredTheme(
        theme,
        tuple((m.statement_id, m.typicality) for m in members),
        cluster.coherence,
        cluster.stability,
    )
