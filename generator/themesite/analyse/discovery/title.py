"""A discovered theme's name, id and description, from its key terms.

A reader sees the name first, so it is one phrase contributors wrote ("minimum wage",
"fairness ordinance"), the theme's most distinctive term by class-based TF-IDF
(`naming.name_groups`, which already lets a phrase stand for the word it carries and
spells lemmas as written), never a list of unrelated words; the other key terms are
shown beside it.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass

from themesite.analyse.discovery.keep import Cluster
from themesite.analyse.discovery.steps import spellings
from themesite.analyse.records import DISCOVERED, Theme
from themesite.ingest.text import slugify


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
    its first key term that no larger theme is named by, or numbered when none is left,
    as its members wrote it."""
    taken: Counter[str] = Counter()
    themes = []
    for (cluster, terms), parent in zip(named, parents, strict=True):
        free = [t for t in terms if _heading(t).lower() not in taken]
        texts = spellings(cluster.members)
        title = _heading(_as_written(free[0] if free else terms[0], texts))
        taken[title.lower()] += 1
        if taken[title.lower()] > 1:
            title = f"{title} ({taken[title.lower()]})"
        themes.append(_theme(cluster, title, terms, k, parent))
    return themes


def _as_written(term: str, texts: Sequence[str]) -> str:
    """A two-word term as the members' own phrase: "leadership top" is how a lemma bigram
    without stop words reads, "leadership from the top" how people wrote it. The most
    frequent span from the first word to the second (at most two words between) in
    `texts` wins, the shortest on ties; a term found nowhere stays as it is."""
    words = term.split()
    if len(words) != 2:
        return term
    first, second = (re.escape(w) for w in words)
    pattern = re.compile(rf"\b{first}(?:\W+\w+){{0,2}}?\W+{second}\b", re.IGNORECASE)
    spans = Counter(m.group(0).lower() for text in texts for m in pattern.finditer(text))
    if not spans:
        return term
    best = min(spans, key=lambda span: (-spans[span], len(span), span))
    return term if best == term.lower() else _respelled(best, term)


def _respelled(span: str, term: str) -> str:
    """The span with the term's own spellings of its two words ("IT", "CEO")."""
    first, second = term.split()
    inner = span[len(first) : len(span) - len(second)]
    return f"{first}{inner}{second}"


def _heading(term: str) -> str:
    """A key term capitalised as a heading ("Minimum wage", "IT budget")."""
    return term[0].upper() + term[1:]


def _theme(
    cluster: Cluster, title: str, terms: Sequence[str], k: int, parent: str | None
) -> DiscoveredTheme:
    members = cluster.members
    description = (
        f"Statements marked by the words {', '.join(terms[:5])}: one of {k} clusters of "
        "the statements the taxonomy leaves unexplained, found together again by "
        f"{cluster.stability:.0%} of its core members when the statements are resampled "
        f"(coherence {cluster.coherence:.2f}); a statement of a cluster dropped as noise "
        "joins the theme whose centre it is close to."
    )
    slug = slugify(title, max_length=80)  # "für" is "fur", not "f-r"
    theme = Theme(f"d-{slug}", title, DISCOVERED, description, tuple(terms), parent)
    return DiscoveredTheme(
        theme,
        tuple((m.statement_id, m.typicality) for m in members),
        cluster.coherence,
        cluster.stability,
    )
