"""The records builds keep of their findings: which one a build compares with, and keeping
this build's for the next.

A build's record is build/snapshot.json; the one it was compared with is kept beside it
as build/previous-snapshot.json, so `themesite diff` shows what the last build changed
without building again. A project may also commit a record as corpus/snapshot.json (the
last published site's): it then wins over build/, so every machine, CI's fresh clone
included, compares with the same record and builds the same site.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from themesite.analyse.changes import Changes, compare
from themesite.analyse.continuity import Continuity
from themesite.analyse.snapshot import PREVIOUS, RECORD, Snapshot, read_snapshot, snapshot_of
from themesite.config import Project
from themesite.errors import ThemesiteError


@dataclass(frozen=True)
class Previous:
    """The record a build keeps ids from, and what the last build compared with."""

    record: Snapshot | None = None
    #: The last build's record came from build/: what that build was compared with.
    before: Snapshot | None = None
    chained: bool = False

    def baseline(self, current: Snapshot) -> Snapshot | None:
        """The record to show changes against: `record`, unless it is the last build's
        and this build found exactly what it did; then what the last build was compared
        with, so that building twice gives the same site."""
        if self.chained and self.record == current:
            return self.before
        return self.record


def read_previous(project: Project, path: Path | None = None) -> Previous:
    """The record to compare with and keep ids from: the file given, else the project's
    published record (corpus/snapshot.json), else the last build's (build/snapshot.json),
    else none (the first build)."""
    if path is not None:
        return Previous(read_snapshot(path))
    if (project.corpus / RECORD).exists():
        return Previous(read_snapshot(project.corpus / RECORD))
    if not (project.build / RECORD).exists():
        return Previous()
    before = project.build / PREVIOUS
    return Previous(
        read_snapshot(project.build / RECORD),
        read_snapshot(before) if before.exists() else None,
        chained=True,
    )


def build_record(findings, threads, evaluation, continuity: Continuity | None) -> Snapshot:
    """This build's record: its findings, every comment of its `threads`, the agreement
    in `evaluation`, and the ids `continuity` issued and retired."""
    if continuity is None:
        return snapshot_of(findings, threads, evaluation)
    return snapshot_of(
        findings,
        threads,
        evaluation,
        continuity.issued,
        continuity.retired,
        continuity.discovered,
    )


def write_records(project: Project, record: bytes, previous: bytes | None) -> None:
    """This build's record, and the one it was compared with (none: none is kept)."""
    from themesite.ingest.store import write_atomic

    if previous is None:
        (project.build / PREVIOUS).unlink(missing_ok=True)
    else:
        write_atomic(project.build / PREVIOUS, previous)
    write_atomic(project.build / RECORD, record)


def compare_builds(project: Project, old: Path | None = None, new: Path | None = None) -> Changes:
    """What changed between two records (or findings files): the two given, or the last
    build's and the one it was compared with."""
    if (old is None) != (new is None):
        raise ThemesiteError("give both OLD and NEW, or neither", "see 'themesite diff --help'")
    if old is None or new is None:
        old, new = project.build / PREVIOUS, project.build / RECORD
        if not new.exists():
            raise ThemesiteError(f"{new} does not exist", "run 'themesite build' first")
        return compare(read_snapshot(old) if old.exists() else None, read_snapshot(new))
    return compare(read_snapshot(old), read_snapshot(new))
