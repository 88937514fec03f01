"""Changing the corpus folder: adding sources and rebuilding threads from `corpus/raw/`.

Both operations parse everything first and write only when every source parsed,
under the corpus lock, through temporary files and renames. A failure before the
writes leaves the corpus untouched; a failure during them removes what was written.
"""

from __future__ import annotations

import contextlib
import hashlib
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from themesite.config import IngestConfig, Project
from themesite.errors import CorpusError, InputError, StrictError
from themesite.ingest.pipeline import (
    IngestResult,
    ingest_files,
    ingest_folder,
    is_companion,
    raw_files,
)
from themesite.ingest.records import Thread
from themesite.ingest.store import (
    corpus_lock,
    read_threads,
    recover,
    replace_threads,
    thread_to_json,
    write_atomic,
)


@dataclass(frozen=True)
class AddReport:
    added: tuple[Thread, ...] = ()
    #: Files not added, with the reason (already present), for the user to read.
    unchanged: tuple[str, ...] = ()
    warnings: tuple[str, ...] = field(default_factory=tuple)


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for chunk in iter(lambda: handle.read(1 << 20), b""):
            digest.update(chunk)
    return digest.hexdigest()


def _expand(paths: list[Path]) -> list[tuple[Path, str]]:
    """(file, name under raw/) pairs; a folder is added as raw/<folder>/<its files>."""
    expanded = []
    for path in paths:
        if path.is_dir():
            files = [
                p for p in sorted(path.iterdir()) if p.is_file() and not p.name.startswith(".")
            ]
            if not files:
                raise InputError(path, "the folder holds no files", hint="add a folder of sources")
            expanded += [(p, f"{path.name}/{p.name}") for p in files]
        elif path.is_file():
            expanded.append((path, path.name))
        else:
            raise InputError(path, "no such file", hint="check the path")
    return expanded


def add_sources(project: Project, paths: list[Path], config: IngestConfig) -> AddReport:
    """Copy sources into corpus/raw/ and write their threads; known content is a no-op."""
    with corpus_lock(project.corpus):
        recover(project.threads)
        existing = read_threads(project.threads) if project.threads.exists() else []
        raw_by_sha = {_sha256(p): p.relative_to(project.raw).as_posix() for p in _raw(project)}
        unchanged: list[str] = []
        pending: list[tuple[Path, str]] = []
        for path, name in _expand(paths):
            sha = _sha256(path)
            if sha in raw_by_sha:
                unchanged.append(f"{path}: already in the corpus as raw/{raw_by_sha[sha]}")
                continue
            target = project.raw / name
            if target.exists():
                raise InputError(
                    path,
                    f"corpus/raw/{name} already exists with different content",
                    hint="rename the file before adding it",
                )
            raw_by_sha[sha] = name
            pending.append((path, name))
        siblings = [project.raw / n for _, n in pending]
        parse_paths = [(p, n) for p, n in pending if not is_companion(project.raw / n, siblings)]
        result = ingest_files(parse_paths, config, known={t.id: t.source for t in existing})
        for name, thread_id in sorted(result.skipped.items()):
            unchanged.append(f"{name}: its content is already in the corpus as thread {thread_id}")
        _enforce_strict(result, config)
        skipped_names = set(result.skipped)
        to_copy = [(p, n) for p, n in pending if n not in skipped_names]
        _write_additions(project, to_copy, result.threads)
        return AddReport(
            added=result.threads, unchanged=tuple(unchanged), warnings=tuple(result.warnings)
        )


def _raw(project: Project) -> list[Path]:
    if not project.raw.exists():
        return []
    return [p for p in sorted(project.raw.rglob("*")) if p.is_file() and not p.name.startswith(".")]


def _write_additions(
    project: Project, copies: list[tuple[Path, str]], threads: tuple[Thread, ...]
) -> None:
    written: list[Path] = []
    try:
        for thread in threads:
            target = project.threads / f"{thread.id}.json"
            write_atomic(target, thread_to_json(thread).encode("utf-8"))
            written.append(target)
        for path, name in copies:
            target = project.raw / name
            write_atomic(target, path.read_bytes())
            written.append(target)
    except BaseException:
        for target in written:
            with contextlib.suppress(FileNotFoundError):
                target.unlink()
        raise


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
        recover(project.threads)
        result = ingest_folder(project.raw, config, progress)
        _enforce_strict(result, config)
        replace_threads(project.threads, result.threads)
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
