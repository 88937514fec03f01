"""Child process of `run.py`: the NLP floor, spaCy's own processing of the comment texts.

    python benchmarks/floor.py PROJECT --status-fd N [--batch-sizes 64,256,1024]

The same pipeline and taxonomy matcher the analyser uses, run over the ingested
comments (those not excluded) with nothing kept: the least any analysis built on
spaCy can cost. Timed: the `nlp.pipe` loop only, on a fresh pipeline each time
(so caches start as cold as the analyser's); for two worker processes, from
starting them (each builds its own pipeline) until both have finished.

Batch sizes are compared on a sample, then the best is timed over all texts in
one process and in two; the floor is the fastest of those.
"""

from __future__ import annotations

import argparse
import json
import multiprocessing
import os
import time
from pathlib import Path

_TEXTS: list[str] = []  # set before forking, so workers inherit the texts without copying
_SAMPLE = 5000


def _pipeline(taxonomy: Path):
    from themesite.analyse.nlp import PatternMatcher

    try:
        from themesite.analyse.pipeline import build_pipeline
    except ImportError:  # a --revision from before the pipeline had its own module
        from themesite.analyse.nlp import build_pipeline
    from themesite.analyse.taxonomy import load_taxonomy

    nlp = build_pipeline("blank:en")
    return nlp, PatternMatcher(nlp, load_taxonomy(taxonomy))


def _process(nlp, matcher, texts, batch_size: int) -> int:
    count = 0
    for doc in nlp.pipe(texts, batch_size=batch_size):
        matcher(doc)
        count += 1
    return count


def _timed(taxonomy: Path, texts: list[str], batch_size: int) -> float:
    nlp, matcher = _pipeline(taxonomy)
    started = time.perf_counter()
    _process(nlp, matcher, texts, batch_size)
    return time.perf_counter() - started


def _worker(taxonomy: Path, part: int, parts: int, batch_size: int, conn) -> None:
    nlp, matcher = _pipeline(taxonomy)
    conn.send(_process(nlp, matcher, _TEXTS[part::parts], batch_size))
    conn.close()


def _timed_workers(taxonomy: Path, parts: int, batch_size: int) -> float:
    context = multiprocessing.get_context("fork")
    started = time.perf_counter()
    pipes, workers = [], []
    for part in range(parts):
        receive, send = context.Pipe(duplex=False)
        worker = context.Process(target=_worker, args=(taxonomy, part, parts, batch_size, send))
        worker.start()
        send.close()
        pipes.append(receive)
        workers.append(worker)
    done = sum(pipe.recv() for pipe in pipes)
    elapsed = time.perf_counter() - started
    for worker in workers:
        worker.join()
    if done != len(_TEXTS):
        raise RuntimeError(f"workers processed {done} of {len(_TEXTS)} texts")
    return elapsed


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("project", type=Path)
    parser.add_argument("--status-fd", type=int, required=True)
    parser.add_argument("--batch-sizes", default="64,256,1024")
    parser.add_argument("--workers", type=int, default=2)
    args = parser.parse_args()
    status = os.fdopen(args.status_fd, "w", encoding="utf-8", buffering=1)

    def announce(kind: str, text: str) -> None:
        status.write(f"{kind} {text}\n")
        status.flush()

    announce("stage", "load")
    from themesite.ingest.store import read_threads

    threads = sorted(read_threads(args.project / "corpus" / "threads"), key=lambda t: t.id)
    _TEXTS[:] = [c.text for t in threads for c in t.comments if not c.excluded]
    del threads  # the workers fork from here and need only the texts
    taxonomy = args.project / "corpus" / "taxonomy.yml"
    step = max(1, len(_TEXTS) // _SAMPLE)
    sample = _TEXTS[::step][:_SAMPLE]

    announce("stage", "calibrate")
    sizes = [int(size) for size in args.batch_sizes.split(",")]
    calibration = {size: round(_timed(taxonomy, sample, size), 3) for size in sizes}
    best = min(calibration, key=calibration.get)

    announce("stage", "one-process")
    timings = {"1 process": _timed(taxonomy, _TEXTS, best)}
    if args.workers > 1:
        announce("stage", f"{args.workers}-processes")
        timings[f"{args.workers} processes"] = _timed_workers(taxonomy, args.workers, best)
    winner = min(timings, key=timings.get)
    announce("stage", "done")
    result = {
        "texts": len(_TEXTS),
        "words": sum(len(text.split()) for text in _TEXTS),
        "sample_texts": len(sample),
        "calibration_s": {str(k): v for k, v in calibration.items()},
        "batch_size": best,
        "timings_s": {k: round(v, 3) for k, v in timings.items()},
        "floor_s": round(timings[winner], 3),
        "floor_config": f"{winner}, batch {best}",
    }
    announce("result", json.dumps(result))


if __name__ == "__main__":
    main()
