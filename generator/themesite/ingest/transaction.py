"""A change to the corpus as one transaction: staged, committed by a journal, published.

`CorpusChange` writes every new file of a change (raw copies, thread files, or a whole
new threads folder) into a staging folder `corpus/.change-<operation>-<random>/new/`,
flushed to disk. Writing `journal.json` into that folder (a rename, flushed) is the
commit: before it the change has not happened, after it the change must be finished.
Publishing then renames the staged files into place in the journal's order: raw
copies first, thread files after, so a thread file is never in the corpus without its
source; a whole threads folder is swapped with two renames, the old one going into the
staging folder. Removing the journal marks the change done, and the staging folder
goes last.

`recover_corpus` (run by every command before it reads or writes the corpus, under
the corpus lock) finishes a change whose journal exists, by repeating the renames not
yet done, and removes a staging folder without a journal, which rolls back a change
killed before its commit. Every step is idempotent, so a crash during recovery is
recovered by the next command in the same way.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import tempfile
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path

import orjson

from themesite.errors import CorpusError
from themesite.faults import point
from themesite.wording import count

PREFIX = ".change-"
JOURNAL = "journal.json"
#: Publishing steps: put a new file in place; swap a folder (the old one is kept aside).
PUT, SWAP = "put", "swap"
COMPLETED, ROLLED_BACK, EMPTY = "completed", "rolled back", "empty"


@dataclass(frozen=True)
class Recovery:
    """What recovery did to one interrupted change, for the command to say in one line."""

    operation: str
    #: COMPLETED, ROLLED_BACK, or EMPTY (a staging folder with nothing staged, removed).
    outcome: str
    #: The renames that publish the change, and how many were still to do.
    renames: int = 0
    remaining: int = 0

    def __str__(self) -> str:
        what = f"an interrupted 'themesite {self.operation}'"
        if self.outcome == COMPLETED and not self.remaining:
            return f"completed {what} (its files were all in place already)"
        if self.outcome == COMPLETED:
            return f"completed {what} ({self.remaining} of {count(self.renames, 'rename')} to do)"
        if self.outcome == ROLLED_BACK:
            return f"rolled back {what} (nothing of it was published)"
        return f"removed the empty staging folder of {what}"


class CorpusChange:
    """Stage files, then `commit()` publishes them all or, after a crash, recovery does.

    Used as a context manager under the corpus lock: leaving it without a commit
    (an error, Ctrl-C) removes the staging folder, so the corpus is as before; leaving
    it after the commit point keeps the folder for recovery to finish the change.
    """

    def __init__(self, corpus: Path, operation: str) -> None:
        self.corpus = corpus
        self.operation = operation
        self.staging = Path(tempfile.mkdtemp(prefix=f"{PREFIX}{operation}-", dir=corpus))
        self._steps: list[tuple[str, str]] = []
        self._committed = False

    def __enter__(self) -> CorpusChange:
        return self

    def __exit__(self, *exc_info: object) -> None:
        if not self._committed:
            shutil.rmtree(self.staging, ignore_errors=True)

    def put(self, relative: str, data: bytes | Path) -> None:
        """Stage a new file at corpus/<relative> (bytes, or a file to copy byte for byte)."""
        with self._staging_errors():
            _stage_file(self.staging / "new" / relative, data)
        self._steps.append((PUT, relative))

    def replace_folder(self, relative: str, files: Iterable[tuple[str, bytes]]) -> None:
        """Stage a complete new folder corpus/<relative> holding `files` (name, bytes)."""
        folder = self.staging / "new" / relative
        with self._staging_errors():
            folder.mkdir(parents=True, exist_ok=True)
            for name, data in files:
                _stage_file(folder / name, data)
        self._steps.append((SWAP, relative))

    def commit(self) -> None:
        """Write the journal (the commit point), publish, and clean up."""
        # Raw copies before thread files: a published thread always finds its source.
        steps = sorted(self._steps, key=lambda step: not step[1].startswith("raw/"))
        with self._staging_errors():
            for folder, _, _ in os.walk(self.staging):
                _fsync_dir(Path(folder))
            journal = {"operation": self.operation, "steps": steps}
            _write_synced(self.staging / JOURNAL, orjson.dumps(journal))
        self._committed = True
        point("commit")
        try:
            _publish(self.corpus, self.staging, steps)
        except OSError as exc:
            raise CorpusError(
                f"the change to {self.corpus} is committed but could not be published: {exc}",
                "fix the cause, then run any themesite command on the project to complete it",
            ) from exc

    @contextlib.contextmanager
    def _staging_errors(self) -> Iterator[None]:
        try:
            yield
        except OSError as exc:
            raise CorpusError(
                f"could not stage the change in {self.staging}: {exc}",
                "free disk space or fix the folder's permissions, then run the command again",
            ) from exc


def recover_corpus(corpus: Path) -> list[Recovery]:
    """Finish or roll back every interrupted change; remove leftover temporary files.

    Call it holding the corpus lock: a live command's staging folder must not be touched.
    """
    done: list[Recovery] = []
    for staging in sorted(corpus.glob(f"{PREFIX}*")):
        if not staging.is_dir():
            continue
        journal = staging / JOURNAL
        if journal.is_file():
            try:
                record = orjson.loads(journal.read_bytes())
                steps = [(kind, rel) for kind, rel in record["steps"]]
            except (OSError, ValueError, KeyError, TypeError) as exc:
                raise CorpusError(
                    f"{journal}: the journal of an interrupted change is unreadable ({exc})",
                    "run 'themesite ingest' after removing that folder to rebuild the threads",
                ) from exc
            remaining = sum(1 for _, rel in steps if (staging / "new" / rel).exists())
            _publish(corpus, staging, steps, phase="recover-")
            done.append(Recovery(record["operation"], COMPLETED, len(steps), remaining))
            continue
        staged = any(path.is_file() for path in (staging / "new").rglob("*"))
        operation = staging.name[len(PREFIX) :].rsplit("-", 1)[0]
        done.append(Recovery(operation, ROLLED_BACK if staged else EMPTY))
        shutil.rmtree(staging)
    _remove_temporary_files(corpus)
    return done


def _publish(corpus: Path, staging: Path, steps: list[tuple[str, str]], phase: str = "") -> None:
    """Rename the staged files into place; a step already done is skipped, so this also
    finishes a publish that a crash interrupted (then `phase` names its kill points
    apart: `recover-publish`, not the killed command's own `publish`)."""
    touched: set[Path] = set()
    for kind, relative in steps:
        new, target = staging / "new" / relative, corpus / relative
        if not new.exists():
            continue  # published before the crash
        if kind == SWAP and target.exists():
            old = staging / "old" / relative
            old.parent.mkdir(parents=True, exist_ok=True)
            os.replace(target, old)
            point(f"{phase}retire")
        target.parent.mkdir(parents=True, exist_ok=True)
        os.replace(new, target)
        touched.add(target.parent)
        point(f"{phase}publish")
    for folder in touched:
        _fsync_dir(folder)
    os.unlink(staging / JOURNAL)
    _fsync_dir(staging)
    point(f"{phase}finish")
    shutil.rmtree(staging)


def _remove_temporary_files(corpus: Path) -> None:
    """Remove what an older themesite (or a killed atomic write) left in the corpus:
    `.name.*.tmp` files where themesite writes, and the asides of a threads-folder swap.
    (Elsewhere, as in labels/, a hidden file may be a person's, and is left alone.)"""
    written = [corpus.glob(".*.tmp"), (corpus / "raw").rglob(".*.tmp")]
    written.append((corpus / "threads").glob(".*.tmp"))
    for tmp in (path for found in written for path in found):
        if tmp.is_file():
            tmp.unlink()
    threads, retired = corpus / "threads", corpus / ".threads.old"
    if retired.is_dir() and not threads.exists():
        os.replace(retired, threads)
    for aside in corpus.glob(".threads.*"):
        if aside.is_dir():
            shutil.rmtree(aside)


def _stage_file(path: Path, data: bytes | Path) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    if isinstance(data, Path):
        shutil.copyfile(data, path)
        with open(path, "rb+") as handle:
            os.fsync(handle.fileno())
    else:
        _write_synced(path, data, atomic=False)
    point("stage")


def _write_synced(path: Path, data: bytes, atomic: bool = True) -> None:
    """Write and flush `path`; atomically (a temporary file and a rename) if asked."""
    target = path.with_name(f".{path.name}.tmp") if atomic else path
    with open(target, "wb") as handle:
        handle.write(data)
        handle.flush()
        os.fsync(handle.fileno())
    if atomic:
        os.replace(target, path)
        _fsync_dir(path.parent)


def _fsync_dir(folder: Path) -> None:
    """Flush a folder's entries (new names, renames) to disk."""
    descriptor = os.open(folder, os.O_RDONLY | os.O_DIRECTORY)
    try:
        os.fsync(descriptor)
    finally:
        os.close(descriptor)
