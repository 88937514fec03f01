"""The NLP on every core: worker processes that return compact results.

`nlp.pipe(n_process=2)` ships whole Docs back to the parent, which costs more than it
saves. Here each worker builds its own pipeline once and sends back only what the
analysis keeps (statement offsets, content lemmas, pattern hits: `DocResult`), in
input order, so the result does not depend on how many processes ran.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence

from themesite.analyse.nlp import DocReducer, DocResult, PatternMatcher, reduce_texts
from themesite.analyse.pipeline import build_pipeline
from themesite.analyse.taxonomy import Taxonomy
from themesite.parallel import ordered_map

#: Texts per task sent to a worker: large enough that messaging is cheap, small
#: enough that both workers stay busy to the end and progress moves.
CHUNK = 500
#: Below this many texts one process is faster than starting workers.
MIN_PARALLEL = 2_000

_worker: tuple | None = None


def reduce_all(
    texts: Sequence[str],
    pipeline: str,
    taxonomy: Taxonomy,
    batch_size: int,
    processes: int,
    progress: Callable[[int], None] | None = None,
) -> Iterator[DocResult]:
    """The compact NLP result of every text, in order."""
    chunks = [texts[i : i + CHUNK] for i in range(0, len(texts), CHUNK)]
    workers = processes if len(texts) >= MIN_PARALLEL else 1
    results = ordered_map(
        _reduce_chunk, chunks, workers, 0, 1, _start, (pipeline, taxonomy, batch_size)
    )
    for chunk in results:
        yield from chunk
        if progress:
            progress(len(chunk))


def _start(pipeline: str, taxonomy: Taxonomy, batch_size: int) -> None:
    """Load the pipeline and matcher once per process (a Dask worker keeps them for
    every partition it is given)."""
    global _worker
    key = (pipeline, taxonomy.sha256, batch_size)
    if _worker is None or _worker[0] != key:
        nlp = build_pipeline(pipeline)
        _worker = (key, nlp, DocReducer(nlp, PatternMatcher(nlp, taxonomy)), batch_size)


def _reduce_chunk(texts: Sequence[str]) -> list[DocResult]:
    assert _worker is not None, "the worker was not started"
    _, nlp, reducer, batch_size = _worker
    return list(reduce_texts(nlp, reducer, texts, batch_size))
