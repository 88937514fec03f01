"""An ordered map over forked worker processes: a stage's per-item work on every core.

Parsing a source file and the NLP of a comment are each independent of the others, so
a stage hands them to worker processes. Workers are forked, so they
start at once with everything imported; results come back in input order, so nothing
depends on how many processes ran. Small inputs stay in the calling process, where
starting workers would cost more than it saves.
"""

from __future__ import annotations

import gc
import multiprocessing
import os
from collections.abc import Callable, Iterator, Sequence
from typing import TypeVar

Item = TypeVar("Item")
Result = TypeVar("Result")


def cores(setting: int = 0) -> int:
    """Processes to use: `setting`, or one per core this process may run on when it is 0."""
    if setting > 0:
        return setting
    if hasattr(os, "sched_getaffinity"):
        return len(os.sched_getaffinity(0))
    return os.cpu_count() or 1


def ordered_map(
    function: Callable[[Item], Result],
    items: Sequence[Item],
    processes: int,
    minimum: int,
    chunksize: int = 1,
    initializer: Callable[..., None] | None = None,
    initargs: tuple = (),
) -> Iterator[Result]:
    """`map(function, items)` on `processes` workers when there are at least `minimum` items.

    `initializer(*initargs)` runs once in each worker (and once here when no worker is
    started), for state every item needs, such as a loaded pipeline.
    """
    if processes <= 1 or len(items) < minimum:
        if initializer:
            initializer(*initargs)
        yield from map(function, items)
        return
    # Frozen objects are never scanned by the workers' garbage collector, so the pages
    # they share with this process are not copied.
    gc.freeze()
    try:
        context = multiprocessing.get_context("fork")
        with context.Pool(processes, initializer=initializer, initargs=initargs) as pool:
            yield from pool.imap(function, items, chunksize=chunksize)
    finally:
        gc.unfreeze()
