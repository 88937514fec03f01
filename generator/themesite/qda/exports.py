"""A project's REFI-QDA exports, each one call for the command line: read what the
project has, return the bytes to write."""

from __future__ import annotations

from pathlib import Path

from themesite.config import Project, load_config


def project_codebook(project: Project, taxonomy: Path | None = None) -> bytes:
    """The project's taxonomy (or `taxonomy`) as a `.qdc` codebook."""
    from themesite.analyse.taxonomy import load_taxonomy
    from themesite.qda.codebook import codebook_xml

    config = load_config(project)
    path = taxonomy or project.resolve(config.analyse.taxonomy)
    return codebook_xml(load_taxonomy(path).themes)


def project_qdpx(project: Project) -> bytes:
    """The corpus and its last analysis (build/findings.json) as a `.qdpx` project, named
    after the site's title, else the project folder."""
    from themesite.build import read_findings
    from themesite.ingest.store import read_threads
    from themesite.qda.project import qdpx

    config = load_config(project)
    name = config.site.title or project.root.resolve().name or "themesite"
    return qdpx(name, read_threads(project.threads), read_findings(project))
