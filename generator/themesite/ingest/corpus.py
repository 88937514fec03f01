"""Changing the corpus folder: adding sources and rebuilding threads from `corpus/raw/`.

Both operations parse everything first, under the corpus lock, and then write the
change as one transaction (`CorpusChange`): an error, Ctrl-C or a kill at any instant
leaves either the corpus as it was or, once the change is committed, a corpus the
next command completes.
"""

from __future__ import annotations

import hashlib
import logging
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath

from themesite.config import IngestConfig, Project
from themesite.errors import CorpusError, InputError, StrictError
from themesite.ingest.pipeline import (
    IngestResult,
    ingest_files,
    ingest_folder,
    non_sources,
    raw_files,
)
from themesite.ingest.records import Thread
from themesite.ingest.registry import ignored_names
from themesite.ingest.store import corpus_lock, read_threads, thread_to_json
from themesite.ingest.transaction import CorpusChange, recover_corpus
from themesite.progress import QUIET, Progress
from themesite.wording import count

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class AddReport:
    added: tuple[Thread, ...] = ()
    #: Files not added, with the reason (already present), for the user to read.
    unchanged: tuple[str, ...] = ()
    warnings: tuple[str, ...] = field(default_factory=tuple)
    #: Known export files themesite has no use for, with the tool that wrote them; not copied.
    ignored: tuple[str, ...] = ()
    #: Files passed over, with why (a folder's file no format recognises, a sibling with no
    #: source beside it); not copied.
    skipped: tuple[str, ...] = ()


@dataclass(frozen=True)
class _Incoming:
    path: Path
    #: Its name under raw/: the file's name, or <folder>/<name> for a file of a folder.
    name: str
    #: A folder's file may be passed over when no format recognises it; a file named alone not.
    in_folder: bool

    @property
    def raw_name(self) -> PurePosixPath:
        return PurePosixPath(self.name)


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for chunk in iter(lambda: handle.read(1 << 20), b""):
            digest.update(chunk)
    return digest.hexdigest()


def _expand(paths: list[Path]) -> list[_Incoming]:
    """The files to add; a folder is added as raw/<folder>/<its files>."""
    expanded = []
    for path in paths:
        if path.is_dir():
            files = [
                p for p in sorted(path.iterdir()) if p.is_file() and not p.name.startswith(".")
            ]
            if not files:
                raise InputError(path, "the folder holds no files", hint="add a folder of sources")
            expanded += [_Incoming(p, f"{path.name}/{p.name}", in_folder=True) for p in files]
        elif path.is_file():
            expanded.append(_Incoming(path, path.name, in_folder=False))
        else:
            raise InputError(path, "no such file", hint="check the path")
    return expanded


def add_sources(
    project: Project, paths: list[Path], config: IngestConfig, progress: Progress = QUIET
) -> AddReport:
    """Copy sources into corpus/raw/ and write their threads; known content is a no-op.

    Export siblings travel with their source (see `Siblings`): companions and kept
    files are copied beside it, ignored files are named and left out. A folder's
    file that no format recognises is named and left out, so a conversation folder
    with a notes file or a chart in it is still added.
    """
    with corpus_lock(project.corpus):
        _recover(project)
        progress.step("add: reading the corpus")
        existing = read_threads(project.threads) if project.threads.exists() else []
        present = _raw(project)
        raw_by_sha = {_sha256(p): p.relative_to(project.raw).as_posix() for p in present}
        tools = ignored_names()
        incoming = _expand(paths)
        ignored = [
            f"{item.path} (a {tools[item.path.name]} export file themesite does not use)"
            for item in incoming
            if item.path.name in tools
        ]
        unchanged: list[str] = []
        pending: list[_Incoming] = []
        for item in incoming:
            if item.path.name in tools:
                continue
            sha = _sha256(item.path)
            if sha in raw_by_sha:
                unchanged.append(f"{item.path}: already in the corpus as raw/{raw_by_sha[sha]}")
                continue
            if (project.raw / item.name).exists():
                raise InputError(
                    item.path,
                    f"corpus/raw/{item.name} already exists with different content",
                    hint="rename the file before adding it",
                )
            raw_by_sha[sha] = item.name
            pending.append(item)
        in_raw = {PurePosixPath(p.relative_to(project.raw).as_posix()) for p in present}
        siblings = non_sources(in_raw | {item.raw_name for item in pending})
        sources = [item for item in pending if item.raw_name not in siblings]
        result = ingest_files(
            [(item.path, item.name) for item in sources],
            config,
            known={t.id: t.source for t in existing},
            progress=progress.step("add: parsing", total=len(sources)),
            optional=[item.name for item in sources if item.in_folder],
        )
        for name, thread_id in sorted(result.skipped.items()):
            unchanged.append(f"{name}: its content is already in the corpus as thread {thread_id}")
        _enforce_strict(result, config)
        skipped = [
            f"{item.path}: no input format recognises it ({result.unrecognised[item.name]})"
            for item in sources
            if item.name in result.unrecognised
        ]
        dropped = set(result.skipped) | set(result.unrecognised)
        kept = [item for item in pending if item.name not in dropped]
        # A sibling whose sources all went unadded would be read as a source by the next ingest.
        still = non_sources(in_raw | {item.raw_name for item in kept})
        orphans = [item for item in kept if item.raw_name in siblings - still]
        skipped += [
            f"{item.path}: no source beside it is added, so nothing would read it "
            "(add it together with the file it belongs to)"
            for item in orphans
        ]
        to_copy = [(item.path, item.name) for item in kept if item not in orphans]
        progress.step(f"add: writing {count(len(result.threads), 'thread')}")
        _write_additions(project, to_copy, result.threads)
        return AddReport(
            added=result.threads,
            unchanged=tuple(unchanged),
            warnings=tuple(result.warnings),
            ignored=tuple(ignored),
            skipped=tuple(skipped),
        )


def _raw(project: Project) -> list[Path]:
    if not project.raw.exists():
        return []
    return [p for p in sorted(project.raw.rglob("*")) if p.is_file() and not p.name.startswith(".")]


def _write_additions(
    project: Project, copies: list[tuple[Path, str]], threads: tuple[Thread, ...]
) -> None:
    if not copies and not threads:
        return
    with CorpusChange(project.corpus, "add") as change:
        for path, name in copies:
            change.put(f"raw/{name}", path)
        for thread in threads:
            change.put(f"threads/{thread.id}.json", thread_to_json(thread).encode("utf-8"))
        change.commit()


def _recover(project: Project) -> None:
    """Finish or roll back a change a killed command left (the CLI has usually done it)."""
    for recovery in recover_corpus(project.corpus):
        logger.warning("recovered: %s", recovery)


def rebuild(
    project: Project, config: IngestConfig, progress: Callable[[str], None] | None = None
) -> IngestResult:
    """Re-ingest every file in corpus/raw/ and swap in the new threads folder."""
    if not project.raw.is_dir():
        raise CorpusError(
            f"{project.raw} does not exist",
            "run themesite in a project folder or pass --project, then 'themesite add FILE'",
        )
    with corpus_lock(project.corpus):
        _recover(project)
        result = ingest_folder(project.raw, config, progress)
        _enforce_strict(result, config)
        files = ((f"{t.id}.json", thread_to_json(t).encode("utf-8")) for t in result.threads)
        with CorpusChange(project.corpus, "ingest") as change:
            change.replace_folder("threads", files)
            change.commit()
        return result


def raw_digests(project: Project) -> dict[str, str]:
    """SHA-256 of every source under corpus/raw/, by its name there (each file read once)."""
    if not project.raw.is_dir():
        return {}
    return {p.relative_to(project.raw).as_posix(): _sha256(p) for p in raw_files(project.raw)}


def current_threads(project: Project, digests: dict[str, str]) -> list[Thread] | None:
    """The threads on disk when they were built from exactly the raw files now present."""
    if not project.threads.is_dir():
        return None
    try:
        threads = read_threads(project.threads)
    except CorpusError:
        return None
    built = {(t.source, t.source_sha256) for t in threads}
    if built <= set(digests.items()) and set(digests) <= {name for name, _ in built}:
        return threads
    return None


def _enforce_strict(result: IngestResult, config: IngestConfig) -> None:
    if config.strict and result.warnings:
        raise StrictError(
            f"{len(result.warnings)} warning(s) under --strict; first: {result.warnings[0]}",
            "fix the source or drop --strict",
        )
