"""Representative quotes: verbatim, whole sentences, typical of the theme, from many voices.

A reader trusts a finding when it is shown in the words of several different people.
So candidates are ranked by how strongly and how typically they carry the theme, and
picked greedily with a preference for authors and threads not yet quoted. Every quote
is checked to be an exact substring of its comment; a mismatch is a build error,
never a silent correction.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import numpy as np
import scipy.sparse.linalg  # noqa: F401  (sparse.linalg.norm)
from scipy import sparse

from themesite.analyse.engine import Engine
from themesite.analyse.features import FIXED, Idf, fixed_sum
from themesite.analyse.parts import Part
from themesite.analyse.records import ASSIGNED, Quote, Statement
from themesite.errors import ThemesiteError

#: Readable quotes: long enough to say something, short enough to read at a glance.
MIN_WORDS, MAX_WORDS = 8, 70
#: ... but a whole comment of a few words ("This will lead to robots.") says its piece.
MIN_COMMENT_WORDS = 4
#: Opening quotation marks and brackets a sentence may start with, in several languages.
_OPENERS = "\"“‘'([«„‚"
_SENTENCE_END = re.compile(r"[.!?…][\"”’'»“)\]]*$")


class BuildError(ThemesiteError):
    """The findings would show something that is not true to the corpus."""


@dataclass(frozen=True)
class Candidate:
    statement: Statement
    score: float  # confidence x typicality, in [0, 1]


def is_whole_sentence(source: str, start: int, end: int) -> bool:
    """Whether `source[start:end]` is a whole sentence of the comment `source`: it starts
    like a sentence or starts its paragraph, and ends with sentence punctuation or ends
    its paragraph. A Polis comment ("bowling green needs more parks") is quotable; a
    piece of a sentence never is."""
    text = source[start:end]
    before = source[:start].rstrip(" \t")
    after = source[end:].lstrip(" \t")
    first = text.lstrip(_OPENERS)[:1]
    starts = not before or before.endswith("\n") or first.isupper() or first.isdigit()
    ends = not after or after.startswith("\n") or bool(_SENTENCE_END.search(text))
    return bool(text.strip()) and starts and ends


def is_quotable(statement: Statement, source: str) -> bool:
    """A whole sentence long enough to say something (or a whole short comment) and
    short enough to read at a glance. A statement that is not where it says in its
    comment passes, so that `verified_quote` reports it instead of it being skipped."""
    if source[statement.start : statement.end] != statement.text:
        return True
    words = len(statement.text.split())
    whole = statement.text.strip() == source.strip()
    return (
        is_whole_sentence(source, statement.start, statement.end)
        and (words >= MIN_WORDS or (whole and words >= MIN_COMMENT_WORDS))
        and words <= MAX_WORDS
    )


def choose_quotes(
    candidates: Sequence[Candidate],
    texts: Mapping[str, str],
    roles: Mapping[str, str | None],
    limit: int,
    opposed: frozenset[str] = frozenset(),
) -> tuple[Quote, ...]:
    """Up to `limit` quotes: best score first, new authors and threads before repeats, and
    comments most voters disagreed with (`opposed`) only when nothing else is left.

    `texts` maps comment ids to their text (for the verbatim check), `roles` to the
    author's role.
    """
    usable = [
        c for c in candidates if is_quotable(c.statement, texts.get(c.statement.comment_id, ""))
    ]
    remaining = sorted(usable, key=lambda c: (-c.score, c.statement.id))
    authors: set[str | None] = set()
    threads: set[str] = set()
    comments: set[str] = set()
    chosen: list[Quote] = []
    while remaining and len(chosen) < limit:
        best = min(
            remaining,
            key=lambda c: (
                c.statement.comment_id in comments,
                c.statement.comment_id in opposed,
                c.statement.author in authors and c.statement.author is not None,
                c.statement.thread_id in threads,
                -c.score,
                c.statement.id,
            ),
        )
        remaining.remove(best)
        statement = best.statement
        chosen.append(verified_quote(statement, best.score, texts, roles))
        authors.add(statement.author)
        threads.add(statement.thread_id)
        comments.add(statement.comment_id)
    return tuple(chosen)


def verified_quote(
    statement: Statement, score: float, texts: Mapping[str, str], roles: Mapping[str, str | None]
) -> Quote:
    source = texts.get(statement.comment_id, "")
    if source[statement.start : statement.end] != statement.text:
        raise BuildError(
            f"quote {statement.id} is not an exact substring of comment {statement.comment_id}",
            "re-run 'themesite ingest' and 'themesite analyse'; report it if it persists",
        )
    return Quote(
        text=statement.text,
        comment_id=statement.comment_id,
        statement_id=statement.id,
        thread_id=statement.thread_id,
        author=statement.author,
        role=roles.get(statement.comment_id),
        start=statement.start,
        end=statement.end,
        score=round(score, 4),
    )


#: Statements of a theme considered for its quotes: the best scored.
QUOTE_CANDIDATES = 2_000


def representative_quotes(
    engine: Engine, idf: Idf, limit: int, opposed: frozenset[str] = frozenset()
) -> dict[str, tuple[Quote, ...]]:
    """Quotes per theme, scored by confidence x typicality (cosine to the theme's centroid
    in TF-IDF space), from the best `QUOTE_CANDIDATES` of every partition."""
    centroids: dict[str, sparse.csr_matrix] = {}
    totals: dict[str, tuple[sparse.csr_matrix, int]] = {}
    for part_sums in engine.collect(theme_sums, idf):
        for theme_id, (total, count) in part_sums.items():
            if theme_id in totals:
                total, count = total + totals[theme_id][0], count + totals[theme_id][1]
            totals[theme_id] = (total, count)
    for theme_id, (total, count) in sorted(totals.items()):
        centroid = total.astype(np.float64) / FIXED / count
        norm = sparse.linalg.norm(centroid) or 1.0
        centroids[theme_id] = (centroid / norm).tocsr()
    candidates: dict[str, list[Candidate]] = {}
    texts: dict[str, str] = {}
    roles: dict[str, str | None] = {}
    for found, part_texts, part_roles in engine.collect(quote_candidates, idf, centroids):
        for theme_id, items in found.items():
            candidates.setdefault(theme_id, []).extend(items)
        texts.update(part_texts)
        roles.update(part_roles)
    return {
        theme_id: choose_quotes(_best(items), texts, roles, limit, opposed)
        for theme_id, items in sorted(candidates.items())
    }


def _best(candidates: list[Candidate]) -> list[Candidate]:
    """The `QUOTE_CANDIDATES` best scored, ties by statement id."""
    return sorted(candidates, key=lambda c: (-c.score, c.statement.id))[:QUOTE_CANDIDATES]


def _members(part: Part) -> dict[str, list[tuple[int, float]]]:
    """(row, confidence) of the part's statements assigned to each theme."""
    row = {s.id: i for i, s in enumerate(part.statements)}
    members: dict[str, list[tuple[int, float]]] = {}
    for item in part.outcomes:
        if item.status == ASSIGNED:
            members.setdefault(item.theme_id, []).append((row[item.unit_id], item.confidence))
    return members


def theme_sums(part: Part, idf: Idf) -> dict[str, tuple[sparse.csr_matrix, int]]:
    """Per theme, the exact sum of its members' TF-IDF rows in this part, and their number."""
    assert part.counts is not None
    return {
        theme_id: (fixed_sum(idf.tfidf(part.counts[[r for r, _ in items]])), len(items))
        for theme_id, items in _members(part).items()
    }


def quote_candidates(part: Part, idf: Idf, centroids: dict[str, sparse.csr_matrix]):
    """Per theme, the part's best-scored members; and the texts and roles of their comments."""
    assert part.counts is not None
    found: dict[str, list[Candidate]] = {}
    for theme_id, items in _members(part).items():
        rows = [r for r, _ in items]
        typicality = (idf.tfidf(part.counts[rows]) @ centroids[theme_id].T).toarray().ravel()
        scores = np.array([confidence for _, confidence in items]) * typicality
        chosen = np.arange(len(rows))
        if len(rows) > QUOTE_CANDIDATES:  # ties at the cut are all kept, for `_best`
            cut = np.partition(scores, len(rows) - QUOTE_CANDIDATES)[len(rows) - QUOTE_CANDIDATES]
            chosen = np.flatnonzero(scores >= cut)
        found[theme_id] = _best(
            [Candidate(part.statements[rows[i]], float(scores[i])) for i in chosen]
        )
    comments = {c.statement.comment_id for items in found.values() for c in items}
    texts = {c: part.texts[c] for c in comments if c in part.texts}
    roles = {c: part.roles.get(c) for c in comments}
    return found, texts, roles
