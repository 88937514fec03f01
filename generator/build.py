"""The whole pipeline in stage order: ingest -> analyse -> render -> build.

Each function here does the I/O for one stage around the stage's pure core, and
`build` runs them in order, so this file is the one place that shows how a site is
made.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from themesite.config import AnalyseConfig, IngestConfig, Project
from themesite.errors import CorpusError, StrictError
from themesite.ingest.check import CheckReport, check_corpus
from themesite.ingest.corpus import is_current, rebuild

FINDINGS = "findings.json"
TEMPLATES = Path("site_templates")
MKDOCS_CONFIG = Path("mkdocs.yml")


@dataclass(frozen=True)
class BuildReport:
    reingested: bool
    check: CheckReport
    findings_path: Path | None = None
    themes: int = 0
    pages: int = 0


def ingest_stage(project: Project, config: IngestConfig) -> tuple[bool, CheckReport]:
    """Re-ingest when corpus/raw changed, then validate; errors (and warnings under strict) fail."""
    reingested = not is_current(project)
    if reingested:
        rebuild(project, config)
    report = check_corpus(project)
    if report.errors:
        count, first = len(report.errors), report.errors[0]
        raise CorpusError(f"the corpus has {count} error(s); first: {first}")
    if config.strict and report.warnings:
        raise StrictError(
            f"{len(report.warnings)} warning(s) under --strict; first: {report.warnings[0]}",
            "fix the source or drop --strict",
        )
    return reingested, report


def analyse_stage(
    project: Project,
    config: AnalyseConfig,
    taxonomy_path: Path | None = None,
    progress: Callable[[int], None] | None = None,
):
    """Analyse the corpus under a taxonomy and write build/findings.json atomically."""
    from themesite.analyse.findings import findings_to_json
    from themesite.analyse.stage import analyse
    from themesite.analyse.taxonomy import load_taxonomy
    from themesite.ingest.store import read_threads, write_atomic

    taxonomy = load_taxonomy(taxonomy_path or project.resolve(config.taxonomy))
    threads = read_threads(project.threads)
    if not threads:
        raise CorpusError("the corpus has no threads", "add sources with 'themesite add FILE'")
    analysis = analyse(threads, taxonomy, config, progress)
    write_atomic(project.build / FINDINGS, findings_to_json(analysis.findings).encode("utf-8"))
    return analysis


def read_findings(project: Project):
    from themesite.analyse.findings import findings_from_json

    path = project.build / FINDINGS
    if not path.exists():
        raise CorpusError(f"{path} does not exist", "run 'themesite analyse' first")
    return findings_from_json(path.read_text(encoding="utf-8"))


def render_stage(project: Project, config: AnalyseConfig, analysis, report: CheckReport) -> int:
    """Render the findings into pages and downloads, build the site, swap it in; page count."""
    from themesite.analyse.evaluate import evaluate_analysis
    from themesite.ingest.store import read_threads
    from themesite.render.context import build_site
    from themesite.render.downloads import DICTIONARY, downloads
    from themesite.render.overview import DataPage, Discovery, DownloadFile, MethodPage
    from themesite.render.pages import render_pages
    from themesite.render.site import write_site

    for needed in (TEMPLATES, MKDOCS_CONFIG):
        if not project.resolve(needed).exists():
            raise CorpusError(
                f"{project.resolve(needed)} does not exist",
                "copy site_templates/ and mkdocs.yml from the themesite repository "
                "into the project folder",
            )
    threads = read_threads(project.threads)
    taxonomy = project.resolve(config.taxonomy)
    labels = project.resolve(config.labels)
    evaluation = None
    if labels.exists():
        comment_ids = {c.id for t in threads for c in t.comments}
        evaluation = evaluate_analysis(analysis, labels, comment_ids)
    files, listing = downloads(threads, analysis.findings, taxonomy, labels)
    attributions = sorted(
        {t.attributes["attribution"] for t in threads if "attribution" in t.attributes}
    )
    parameters = analysis.findings.parameters
    pages = render_pages(
        build_site(analysis.findings, threads),
        project.resolve(TEMPLATES),
        method=MethodPage(
            parameters=parameters,
            parameters_text=json.dumps(parameters, indent=2, sort_keys=True),
            discovery=Discovery.from_parameters(parameters),
            evaluation=evaluation,
            ledger=report.as_json()["ledger"],
            taxonomy_text=taxonomy.read_text(encoding="utf-8"),
        ),
        data=DataPage(
            files=tuple(DownloadFile(**item) for item in listing),
            dictionary=DICTIONARY,
            attributions=tuple(attributions),
        ),
        threads=threads,
    )
    for asset, folder in (("themesite.css", "stylesheets"), ("themesite.js", "javascripts")):
        files[f"{folder}/{asset}"] = project.resolve(TEMPLATES / asset).read_bytes()
    write_site(
        project.resolve(MKDOCS_CONFIG),
        pages,
        files,
        project.build / "docs",
        project.root / "site",
    )
    return len(pages)


def build(project: Project, ingest: IngestConfig, analyse: AnalyseConfig) -> BuildReport:
    """The whole pipeline: ingest -> analyse -> render -> build."""
    reingested, report = ingest_stage(project, ingest)
    analysis = analyse_stage(project, analyse)
    pages = render_stage(project, analyse, analysis, report)
    return BuildReport(
        reingested=reingested,
        check=report,
        findings_path=project.build / FINDINGS,
        themes=len(analysis.findings.themes),
        pages=pages,
    )
