"""What a killed command left behind, finished or removed by the next command.

Every command that reads or writes a project calls `recover` first. A corpus change
with a journal is completed and one without is rolled back (see
`themesite.ingest.transaction`); a build's staging folders and temporary files are
removed, and a site folder left aside by a swap is put back. A folder whose lock a live
command holds is left alone: its staging is not a leftover, and so is a folder this
process cannot write (a read-only copy of a project can still be checked and exported).
"""

from __future__ import annotations

import os
from pathlib import Path

from themesite.config import Project
from themesite.ingest.transaction import recover_corpus
from themesite.locks import try_lock
from themesite.wording import count


def recover(project: Project) -> list[str]:
    """Recover the project's corpus and build folders; one line per thing done."""
    done: list[str] = []
    if _writable(project.corpus):
        with try_lock(project.corpus) as free:
            if free:
                done += [str(recovery) for recovery in recover_corpus(project.corpus)]
    if _writable(project.build):
        from themesite.render.site import remove_abandoned

        with try_lock(project.build) as free:
            docs, site = project.build / "docs", project.root / "site"
            leftovers = remove_abandoned(docs, site) if free else 0
        if leftovers:
            done.append(f"removed {count(leftovers, 'leftover')} of an interrupted build")
    return done


def _writable(folder: Path) -> bool:
    return folder.is_dir() and os.access(folder, os.W_OK)
