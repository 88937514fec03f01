"""Run the NLP on every core: worker processes that return compact results.

`nlp.pipe(n_process=2)` ships whole Docs back to the parent, which costs more than it
saves. Here each worker builds its own pipeline once and sends back only what the
analysis keeps (statement offsets, content lemmas, pattern hits: `DocResult`), in
input order, so the result does not depend on how many processes ran. Small inputs
stay in the calling process, where starting workers would cost more than it saves.
"""

from __future__ import annotations

import gc
import multiprocessing
import os
from collections.abc import Callable, Iterator, Sequence

from themesite.analyse.nlp import (
    DocReducer,
    DocResult,
    PatternMatcher,
    build_pipeline,
    reduce_texts,
)
from themesite.analyse.taxonomy import Taxonomy

#: Texts per task sent to a worker: large enough that messaging is cheap, small
#: enough that both workers stay busy to the end and progress moves.
CHUNK = 500
#: Below this many texts one process is faster than starting workers.
MIN_PARALLEL = 2_000

_worker: tuple | None = None


def worker_count(setting: int) -> int:
    """Processes to use: the setting, or one per available core when it is 0."""
    if setting > 0:
        return setting
    return len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count() or 1


def reduce_all(
    texts: Sequence[str],
    pipeline: str,
    taxonomy: Taxonomy,
    batch_size: int,
    processes: int,
    progress: Callable[[int], None] | None = None,
) -> Iterator[DocResult]:
    """The compact NLP result of every text, in order."""
    if processes <= 1 or len(texts) < MIN_PARALLEL:
        nlp = build_pipeline(pipeline)
        reducer = DocReducer(nlp, PatternMatcher(nlp, taxonomy))
        for result in reduce_texts(nlp, reducer, texts, batch_size):
            yield result
            if progress:
                progress(1)
        return
    chunks = [texts[i : i + CHUNK] for i in range(0, len(texts), CHUNK)]
    # Workers are forked: they start at once with spaCy already imported. Freezing the
    # parent's objects first keeps the workers' garbage collector from touching (and so
    # copying) every page the parent holds.
    gc.freeze()
    context = multiprocessing.get_context("fork")
    try:
        with context.Pool(
            processes, initializer=_start, initargs=(pipeline, taxonomy, batch_size)
        ) as pool:
            for results in pool.imap(_reduce_chunk, chunks):
                yield from results
                if progress:
                    progress(len(results))
    finally:
        gc.unfreeze()


def _start(pipeline: str, taxonomy: Taxonomy, batch_size: int) -> None:
    global _worker
    nlp = build_pipeline(pipeline)
    _worker = (nlp, DocReducer(nlp, PatternMatcher(nlp, taxonomy)), batch_size)


def _reduce_chunk(texts: Sequence[str]) -> list[DocResult]:
    assert _worker is not None, "the worker was not started"
    nlp, reducer, batch_size = _worker
    return list(reduce_texts(nlp, reducer, texts, batch_size))
