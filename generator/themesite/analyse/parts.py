"""A partition of the corpus: whole threads, and what the analysis learns about them.

The analysis runs as steps over partitions (their statements, term counts and
outcomes stay where the partition lives: in this process or on a Dask worker) and
global steps that combine small per-partition results (word sets, column sums, a
sample of rows) in partition order. Each step is a pure function of one `Part` and
broadcast inputs, so the same code runs on either engine.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace
from pathlib import Path

import numpy as np
from scipy import sparse

from themesite.analyse.cache import NlpCache
from themesite.analyse.features import Vocabulary, bigram_keys, document_frequency, word_set
from themesite.analyse.findings import UnitInfo
from themesite.analyse.nlp import Hit
from themesite.analyse.records import Assignment, Statement
from themesite.analyse.statements import NlpSettings, Unit, extract_statements
from themesite.analyse.taxonomy import Taxonomy
from themesite.ingest.records import Thread


@dataclass(frozen=True)
class Part:
    infos: tuple[UnitInfo, ...]  # the analysed comments (and articles, if configured)
    texts: dict[str, str]  # unit id -> text, to verify quotes
    roles: dict[str, str | None]
    statements: list[Statement]
    hits: dict[str, list[Hit]]  # pattern hits by statement id
    threads: int
    excluded: int
    processed: int  # texts that went through the NLP here (the rest came from a cache)
    counts: sparse.csr_matrix | None = None  # term counts over the shared vocabulary
    outcomes: tuple[Assignment, ...] = ()  # statement outcomes so far
    # (statements, seeded themes, 2): every pair's confidence and zero-shot similarity.
    scores: np.ndarray | None = None
    # Discovery: rows of the statements clustered, their LSA vectors and cluster labels.
    pool: np.ndarray | None = None
    vectors: np.ndarray | None = None
    labels: np.ndarray | None = None


def make_part(
    threads: Sequence[Thread],
    taxonomy: Taxonomy,
    settings: NlpSettings,
    include_articles: bool,
    cache: NlpCache | None = None,
    progress: Callable[[int], None] | None = None,
) -> Part:
    """The statements and pattern hits of some threads' comments (and articles if asked)."""
    units, infos, texts, roles = [], [], {}, {}
    excluded = 0
    for thread in sorted(threads, key=lambda t: t.id):
        pieces = [(c.id, c.author, c.role, c.text, c.excluded) for c in thread.comments]
        if include_articles and thread.article:
            article_id = f"a{hashlib.sha256(thread.id.encode()).hexdigest()[:12]}"
            pieces.append((article_id, None, "article", "\n\n".join(thread.article), None))
        for unit_id, author, role, text, is_excluded in pieces:
            if is_excluded:
                excluded += 1
                continue
            units.append(Unit(unit_id, thread.id, author, text))
            infos.append(
                UnitInfo(unit_id, thread.id, thread.title, author, role, len(text.split()))
            )
            texts[unit_id] = text
            roles[unit_id] = role
    extracted = extract_statements(units, taxonomy, settings, cache, progress)
    return Part(
        infos=tuple(infos),
        texts=texts,
        roles=roles,
        statements=extracted.statements,
        hits=extracted.hits,
        threads=len(threads),
        excluded=excluded,
        processed=extracted.processed,
    )


def read_part(
    paths: Sequence[Path], taxonomy: Taxonomy, settings: NlpSettings, include_articles: bool
) -> Part:
    """A partition read from its thread files where it runs: on a Dask worker, which is
    one process of the cluster's parallelism (so no NLP workers of its own)."""
    from themesite.ingest.store import read_thread

    threads = [read_thread(Path(p)) for p in paths]
    return make_part(threads, taxonomy, replace(settings, processes=1), include_articles)


def plan_partitions(paths: Sequence[Path], target_bytes: int) -> list[list[Path]]:
    """Consecutive thread files (by id) in groups of about `target_bytes`; a large thread
    is a partition of its own. Only file sizes are read."""
    groups: list[list[Path]] = [[]]
    size = 0
    for path in paths:
        if groups[-1] and size >= target_bytes:
            groups.append([])
            size = 0
        groups[-1].append(path)
        size += path.stat().st_size
    return [g for g in groups if g]


# Steps on one part. Each is a pure function of the part and broadcast inputs.


def words_of(part: Part) -> set[str]:
    return word_set(s.lemmas for s in part.statements)


def bigrams_of(part: Part, words: np.ndarray) -> np.ndarray:
    return bigram_keys(words, [s.lemmas for s in part.statements])


def with_counts(part: Part, vocabulary: Vocabulary) -> Part:
    return replace(part, counts=vocabulary.count([s.lemmas for s in part.statements]))


def statement_df(part: Part) -> np.ndarray:
    assert part.counts is not None
    return document_frequency(part.counts)


def size_of(part: Part) -> int:
    return len(part.statements)


def unit_count(part: Part) -> int:
    return len(part.infos)


def with_outcomes(part: Part, outcomes: Sequence[Assignment]) -> Part:
    return replace(part, outcomes=part.outcomes + tuple(outcomes))


def renamed_outcomes(part: Part, ids: dict[str, str]) -> Part:
    """The part with its outcomes' theme ids mapped (ids not in `ids` stay)."""
    moved = (replace(a, theme_id=ids.get(a.theme_id, a.theme_id)) for a in part.outcomes)
    return replace(part, outcomes=tuple(moved))


def summary_of(part: Part) -> tuple[tuple[UnitInfo, ...], int, int, int, int]:
    """What findings need of a part besides its outcomes: units, threads, excluded
    comments, statements, and texts processed."""
    return part.infos, part.threads, part.excluded, len(part.statements), part.processed


def outcomes_of(part: Part) -> tuple[Assignment, ...]:
    return part.outcomes


def comment_scores_of(part: Part) -> tuple[list[str], np.ndarray]:
    """The analysed comments of the part, and each one's best confidence and similarity
    over its statements for every seeded theme (comments, themes, 2)."""
    if part.scores is None:
        return [], np.zeros((0, 0, 2), np.float32)
    comments = sorted({s.comment_id for s in part.statements})
    row = {c: i for i, c in enumerate(comments)}
    best = np.zeros((len(comments), part.scores.shape[1], 2), np.float32)
    for statement, scores in zip(part.statements, part.scores, strict=True):
        at = row[statement.comment_id]
        np.maximum(best[at], scores, out=best[at])
    return comments, best


def pattern_themes_of(part: Part) -> dict[str, set[str]]:
    """Comment id -> themes whose patterns match it: the patterns-only baseline."""
    found: dict[str, set[str]] = {}
    for statement_id, statement_hits in part.hits.items():
        comment_id = statement_id.rsplit(":", 1)[0]
        found.setdefault(comment_id, set()).update(h.theme_id for h in statement_hits)
    return found
