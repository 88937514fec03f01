"""From comments to statements: the NLP step of the analysis, cached and on every core.

Each comment (and, when configured, each article) is a `Unit`; its text goes through
the spaCy pipeline once, reduced at once to statements and pattern hits. Results
already in the cache are reused, so after adding one thread only its texts are
processed; the statements are the same whichever way a result was obtained.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass

from themesite.analyse.cache import NlpCache, text_digest
from themesite.analyse.nlp import DocResult, Hit, statements_of
from themesite.analyse.parallel import reduce_all
from themesite.analyse.records import Statement
from themesite.analyse.taxonomy import Taxonomy


@dataclass(frozen=True)
class Unit:
    """One text to analyse: a comment body with the ids its statements inherit."""

    comment_id: str
    thread_id: str
    author: str | None
    text: str


@dataclass(frozen=True)
class NlpSettings:
    pipeline: str
    batch_size: int
    processes: int  # worker processes; 1 runs in the calling process


@dataclass(frozen=True)
class ExtractedStatements:
    statements: list[Statement]
    hits: dict[str, list[Hit]]  # pattern hits by statement id
    processed: int  # texts that went through the NLP (the rest came from the cache)


def extract_statements(
    units: Sequence[Unit],
    taxonomy: Taxonomy,
    settings: NlpSettings,
    cache: NlpCache | None = None,
    progress: Callable[[int], None] | None = None,
) -> ExtractedStatements:
    """Statements and pattern hits of every unit, in unit order."""
    digests = [text_digest(u.text) for u in units] if cache else []
    results: dict[int, DocResult] = {}
    if cache:
        known = cache.get_many(digests)
        results = {i: known[d] for i, d in enumerate(digests) if d in known}
        if progress and results:
            progress(len(results))
    missing = [i for i in range(len(units)) if i not in results]
    fresh = reduce_all(
        [units[i].text for i in missing],
        settings.pipeline,
        taxonomy,
        settings.batch_size,
        settings.processes,
        progress,
    )
    for i, result in zip(missing, fresh, strict=True):
        results[i] = result
    if cache and missing:
        cache.put_many({digests[i]: results[i] for i in missing})
    statements: list[Statement] = []
    hits: dict[str, list[Hit]] = {}
    for i, unit in enumerate(units):
        found, found_hits = statements_of(
            results[i], unit.text, unit.comment_id, unit.thread_id, unit.author
        )
        statements.extend(found)
        hits.update(found_hits)
    return ExtractedStatements(statements, hits, processed=len(missing))
