"""The whole pipeline in stage order: ingest -> analyse -> render -> build.

For now the pipeline ends after ingest: `build` brings the corpus up to date with
`corpus/raw/` and validates it. Later stages append here, in order, so this
function stays the one place that shows how a site is made.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from themesite.config import IngestConfig, Project
from themesite.errors import CorpusError, StrictError
from themesite.ingest.check import CheckReport, check_corpus
from themesite.ingest.corpus import is_current, rebuild


@dataclass(frozen=True)
class BuildReport:
    reingested: bool
    check: CheckReport


def build(
    project: Project, config: IngestConfig, progress: Callable[[str], None] | None = None
) -> BuildReport:
    reingested = not is_current(project)
    if reingested:
        rebuild(project, config, progress)
    report = check_corpus(project)
    if report.errors:
        raise CorpusError(
            f"the corpus has {len(report.errors)} error(s); first: {report.errors[0]}"
        )
    if config.strict and report.warnings:
        raise StrictError(
            f"{len(report.warnings)} warning(s) under --strict; first: {report.warnings[0]}",
            "fix the source or drop --strict",
        )
    return BuildReport(reingested=reingested, check=report)
