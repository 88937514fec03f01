"""Where the partitions of an analysis live and run: this process, or a Dask cluster.

An engine holds the corpus's partitions (`Part`s) and offers two operations:
`update` replaces each part by `function(part, ...)` where it lives, and `collect`
brings `function(part, ...)` of every part back here, in partition order. The
analysis is written once against these two; the local engine runs them in a loop,
the Dask engine as tasks on the cluster's workers, so each worker holds only its
partitions and this process only what the global steps combine.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any, Protocol

from themesite.analyse.cache import NlpCache
from themesite.analyse.parts import Part, make_part, plan_partitions, read_part
from themesite.analyse.statements import NlpSettings
from themesite.analyse.taxonomy import Taxonomy
from themesite.errors import ThemesiteError
from themesite.ingest.records import Thread

#: With the Dask engine, a partition is at most `partition_mb`, and each worker gets at
#: least this many.
PARTITIONS_PER_WORKER = 4


class Engine(Protocol):
    def update(self, function: Callable[..., Part], *args: Any) -> None: ...

    def collect(
        self, function: Callable[..., Any], *args: Any, each: Sequence[Any] | None = None
    ) -> list[Any]:
        """`function(part, *args)` of every part, or `function(part, each[i], *args)`."""
        ...

    def close(self) -> None: ...


class LocalEngine:
    """Partitions in this process: by default the whole corpus as one, with the NLP on
    every core through worker processes and the NLP cache."""

    def __init__(self, parts: list[Part]) -> None:
        self.parts = parts

    @classmethod
    def load(
        cls,
        threads: Sequence[Thread],
        taxonomy: Taxonomy,
        settings: NlpSettings,
        include_articles: bool,
        cache: NlpCache | None = None,
        progress: Callable[[int], None] | None = None,
        partitions: int = 1,
    ) -> LocalEngine:
        ordered = sorted(threads, key=lambda t: t.id)
        step = -(-len(ordered) // max(1, partitions)) or 1
        groups = [ordered[i : i + step] for i in range(0, len(ordered), step)] or [[]]
        return cls(
            [
                make_part(group, taxonomy, settings, include_articles, cache, progress)
                for group in groups
            ]
        )

    def update(self, function: Callable[..., Part], *args: Any) -> None:
        self.parts = [function(part, *args) for part in self.parts]

    def collect(self, function, *args, each=None) -> list[Any]:
        if each is None:
            return [function(part, *args) for part in self.parts]
        return [function(part, item, *args) for part, item in zip(self.parts, each, strict=True)]

    def close(self) -> None:
        self.parts = []


class DaskEngine:
    """Partitions as Dask futures on a cluster's workers, read there from the corpus files.

    The workers need themesite installed (the same version) and the project's
    `corpus/threads/` at the same path (a shared or copied folder).
    """

    def __init__(self, client, parts: list, own_cluster: bool = False) -> None:
        self.client = client
        self.parts = parts
        self.own_cluster = own_cluster

    @classmethod
    def load(
        cls,
        scheduler: str | None,
        files: Sequence[Path],
        partition_bytes: int,
        taxonomy: Taxonomy,
        settings: NlpSettings,
        include_articles: bool,
        progress: Callable[[int], None] | None = None,
    ) -> DaskEngine:
        """Partitions of at most `partition_bytes` of thread files, and at least
        `PARTITIONS_PER_WORKER` per worker, so that every worker stays busy to the end."""
        client, own = _connect(scheduler, settings.processes)
        try:
            workers = max(1, len(client.scheduler_info()["workers"]))
            total = sum(path.stat().st_size for path in files)
            target = min(partition_bytes, total // (PARTITIONS_PER_WORKER * workers))
            groups = plan_partitions(files, target)
            broadcast = _scatter(client, (taxonomy, settings, include_articles), len(groups))
            parts = client.map(
                read_part, [[str(p) for p in g] for g in groups], *broadcast, pure=False
            )
            engine = cls(client, parts, own)
            _wait(client, parts, progress)
        except BaseException:
            _disconnect(client, own)
            raise
        return engine

    def update(self, function: Callable[..., Part], *args: Any) -> None:
        broadcast = _scatter(self.client, args, len(self.parts))
        self.parts = self.client.map(function, self.parts, *broadcast, pure=False)

    def collect(self, function, *args, each=None) -> list[Any]:
        broadcast = _scatter(self.client, args, len(self.parts))
        columns = [self.parts] if each is None else [self.parts, list(each)]
        return self.client.gather(self.client.map(function, *columns, *broadcast, pure=False))

    def close(self) -> None:
        """Release the partitions; stop the local cluster if this engine started it."""
        self.parts = []
        _disconnect(self.client, self.own_cluster)


def _connect(scheduler: str | None, workers: int):
    """A client of the cluster at `scheduler`, or of a new local cluster of `workers`
    single-threaded worker processes; and whether that cluster is ours to stop."""
    try:
        from distributed import Client, LocalCluster
    except ImportError as exc:
        raise ThemesiteError(
            "the Dask engine needs Dask's distributed scheduler",
            "install it with pip install 'themesite[dask]' or set 'analyse: engine: local'",
        ) from exc
    if scheduler:
        try:
            return Client(scheduler, timeout="10s"), False
        except OSError as exc:
            raise ThemesiteError(
                f"cannot reach the Dask scheduler at {scheduler}: {exc}",
                "start it (dask scheduler) or fix 'analyse: scheduler'",
            ) from exc
    cluster = LocalCluster(
        n_workers=workers, threads_per_worker=1, processes=True, dashboard_address=None
    )
    return Client(cluster), True


def _disconnect(client, own_cluster: bool) -> None:
    cluster = client.cluster if own_cluster else None
    client.close()
    if cluster is not None:
        cluster.close()


def _scatter(client, args: Sequence[Any], parts: int = 1) -> list[list[Any]]:
    """Each argument sent to the workers once, as one list entry per part for `map`."""
    futures = [client.scatter([arg], broadcast=True, hash=False)[0] for arg in args]
    return [[future] * parts for future in futures]


def _wait(client, futures: list, progress: Callable[[int], None] | None) -> None:
    """Wait for the parts, reporting comments analysed as each partition finishes;
    the first failure is raised here, as it would be locally."""
    from distributed import as_completed

    from themesite.analyse.parts import unit_count

    counts = client.map(unit_count, futures, pure=False)
    for future in as_completed(counts):
        count = future.result()
        if progress:
            progress(count)
