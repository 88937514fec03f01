"""The ingest stage: raw source files in, validated `Thread` records out.

`parse_file` handles one source; `ingest_folder` rebuilds the whole corpus from
`corpus/raw/` in sorted order, so the same raw files always give the same threads.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from functools import partial
from pathlib import Path, PurePath
from typing import TypeVar

from themesite.config import IngestConfig
from themesite.errors import InputError
from themesite.ingest.assemble import assemble
from themesite.ingest.records import Thread
from themesite.ingest.registry import (
    UnrecognisedFile,
    companion_names,
    detect,
    ignored_names,
    kept_names,
)
from themesite.ingest.sources import read_source
from themesite.parallel import cores, ordered_map

PathT = TypeVar("PathT", bound=PurePath)


@dataclass(frozen=True)
class IngestResult:
    threads: tuple[Thread, ...]
    #: Sources whose threads were already in the corpus (same content): source -> thread id.
    skipped: dict[str, str] = field(default_factory=dict)
    #: Optional sources no format recognises: source -> why, in a few words.
    unrecognised: dict[str, str] = field(default_factory=dict)

    @property
    def warnings(self) -> list[str]:
        return [w for thread in self.threads for w in thread.warnings]


def parse_file(path: Path, display: str, config: IngestConfig) -> list[Thread]:
    """Parse one source file into threads; raises InputError naming the file and line."""
    source = read_source(path, display, config)
    fmt = detect(source)
    sha = hashlib.sha256(source.data).hexdigest()
    threads = [assemble(parsed, display, sha) for parsed in fmt.parse(source)]
    if not threads:
        raise InputError(display, "the file holds no thread", hint="check that it is not empty")
    return threads


#: Below this many files, parsing in one process is faster than starting workers.
MIN_PARALLEL = 32


def _parse(
    item: tuple[Path, str], config: IngestConfig, optional: frozenset[str]
) -> list[Thread] | UnrecognisedFile:
    try:
        return parse_file(item[0], item[1], config)
    except UnrecognisedFile as exc:
        # Only the file itself going unrecognised is passed over, never a companion it reads.
        if item[1] in optional and exc.path == item[1]:
            return exc
        raise


def non_sources(files: Iterable[PathT]) -> set[PathT]:
    """The files that are not sources: export siblings (see `Siblings`) beside a source.

    A companion or kept file counts only when a source sits in the same folder;
    an ignored file counts anywhere.
    """
    files = list(files)
    ignored = ignored_names()
    beside = companion_names() | kept_names()
    sourced = {f.parent for f in files if f.name not in beside and f.name not in ignored}
    return {f for f in files if f.name in ignored or (f.name in beside and f.parent in sourced)}


def raw_files(raw: Path) -> list[Path]:
    """Source files under raw/, sorted; hidden files and export siblings are not sources."""
    files = [
        path
        for path in sorted(raw.rglob("*"))
        if path.is_file() and not any(part.startswith(".") for part in path.relative_to(raw).parts)
    ]
    siblings = non_sources(files)
    return [path for path in files if path not in siblings]


def ingest_files(
    paths: Iterable[tuple[Path, str]],
    config: IngestConfig,
    known: dict[str, str] | None = None,
    progress: Callable[[str], None] | None = None,
    optional: Iterable[str] = (),
) -> IngestResult:
    """Parse sources in order; a thread whose id is already known is skipped, not duplicated.

    `known` maps thread ids already in the corpus to the source they came from.
    `optional` names sources that may go unrecognised: they are listed in
    `unrecognised`, not raised (a folder's files: notes or images may sit beside
    the sources).
    """
    seen = dict(known or {})
    threads: list[Thread] = []
    skipped: dict[str, str] = {}
    unrecognised: dict[str, str] = {}
    paths = list(paths)
    parse = partial(_parse, config=config, optional=frozenset(optional))
    parsed = ordered_map(parse, paths, cores(), MIN_PARALLEL, 4)
    for (_, display), found in zip(paths, parsed, strict=True):
        if isinstance(found, UnrecognisedFile):
            unrecognised[display] = found.reason
            continue
        for thread in found:
            if thread.id in seen:
                skipped[display] = thread.id
                continue
            seen[thread.id] = display
            threads.append(thread)
        if progress:
            progress(display)
    return IngestResult(threads=tuple(threads), skipped=skipped, unrecognised=unrecognised)


def ingest_folder(
    raw: Path, config: IngestConfig, progress: Callable[[str], None] | None = None
) -> IngestResult:
    paths = [(path, path.relative_to(raw).as_posix()) for path in raw_files(raw)]
    return ingest_files(paths, config, progress=progress)
