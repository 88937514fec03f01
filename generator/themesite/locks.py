"""Exclusive locks on project folders, held by the kernel for the life of the process.

An OS-level lock (`flock`) is released by the kernel when its holder dies, so a crash
never leaves a stale lock behind, and a lock that can be taken proves that no live
command is writing there: what such a folder holds in staging is a leftover.
"""

from __future__ import annotations

import contextlib
import fcntl
from collections.abc import Iterator
from pathlib import Path

from themesite.errors import CorpusError

LOCK_NAME = ".lock"


@contextlib.contextmanager
def try_lock(folder: Path) -> Iterator[bool]:
    """Take the folder's lock if no other process holds it; yields whether it did."""
    folder.mkdir(parents=True, exist_ok=True)
    with open(folder / LOCK_NAME, "a+") as handle:
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            yield False
            return
        try:
            yield True
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


@contextlib.contextmanager
def exclusive(folder: Path, busy: str) -> Iterator[None]:
    """The folder's lock, or a CorpusError saying `busy` at once if another process has it."""
    with try_lock(folder) as taken:
        if not taken:
            raise CorpusError(busy, "wait for it to finish and try again")
        yield
