"""The whole pipeline in stage order: ingest -> analyse -> render -> build.

Each function here does the I/O for one stage around the stage's pure core, and
`build` runs them in order, so this file is the one place that shows how a site is
made.
"""

from __future__ import annotations

import contextlib
import json
from dataclasses import dataclass, field, replace
from pathlib import Path

from themesite.config import AnalyseConfig, IngestConfig, Project, SiteConfig
from themesite.errors import CorpusError, StrictError
from themesite.faults import point
from themesite.history import Previous
from themesite.ingest.check import CheckReport, check_corpus
from themesite.ingest.corpus import current_threads, raw_digests, rebuild
from themesite.ingest.records import Thread
from themesite.isolated import run_isolated
from themesite.progress import QUIET, Progress
from themesite.stamp import Summary

FINDINGS = "findings.json"
CACHE = Path("cache") / "nlp.sqlite"


@dataclass(frozen=True)
class IngestedCorpus:
    """The validated threads, read once and handed to the later stages."""

    threads: list[Thread]
    check: CheckReport
    reingested: bool


@dataclass(frozen=True)
class RenderedSite:
    """Markdown pages and download files by path under docs/, and the MkDocs settings to
    build them with."""

    pages: dict[str, str]
    files: dict[str, bytes | Path]  # a Path: that file's bytes, copied when staged
    mkdocs: dict
    #: Label rows that no longer apply (comment or theme gone): shown, never fatal, since
    #: a build never needs human coding.
    warnings: tuple[str, ...] = ()
    #: This build's record (build/snapshot.json) and the previous one it was compared with.
    record: bytes = b""
    previous: bytes | None = None


@dataclass(frozen=True)
class BuildReport:
    reingested: bool
    check: CheckReport | None  # None when `unchanged`
    findings_path: Path | None = None
    themes: int = 0
    pages: int = 0
    processed: int = 0  # texts that went through the NLP (the others came from the cache)
    cached: int = 0
    mkdocs: dict = field(default_factory=dict)  # the settings the site was built with
    warnings: tuple[str, ...] = ()  # from the render stage (human coding out of date)
    #: The last build's summary, when nothing changed since and nothing was done.
    unchanged: Summary | None = None


def ingest_stage(
    project: Project, config: IngestConfig, progress: Progress = QUIET
) -> IngestedCorpus:
    """Re-ingest when corpus/raw changed, then validate; errors (and warnings under strict) fail."""
    progress.step("ingest: comparing corpus/raw with the threads")
    digests = raw_digests(project)
    threads = current_threads(project, digests)
    reingested = threads is None
    if threads is None:
        advance = progress.step("ingest: parsing corpus/raw", total=len(digests))
        threads = sorted(rebuild(project, config, advance).threads, key=lambda t: t.id)
    progress.step("ingest: checking the corpus")
    report = check_corpus(project, threads, digests)
    if report.errors:
        count, first = len(report.errors), report.errors[0]
        raise CorpusError(f"the corpus has {count} error(s); first: {first}")
    if config.strict and report.warnings:
        raise StrictError(
            f"{len(report.warnings)} warning(s) under --strict; first: {report.warnings[0]}",
            "fix the source or drop --strict",
        )
    return IngestedCorpus(threads=threads, check=report, reingested=reingested)


def analyse_stage(
    project: Project,
    config: AnalyseConfig,
    taxonomy_path: Path | None = None,
    progress: Progress = QUIET,
    threads: list[Thread] | None = None,
    previous=None,
    shaping=None,
):
    """Analyse the corpus under a taxonomy, with the researcher's reviews as supervision
    and their decisions applied, and write build/findings.json atomically; the
    discovered themes keep the ids of the previous build's record (`history.read_previous`)."""
    from themesite.analyse.shaping import supervised
    from themesite.review.apply import comment_texts, project_shaping

    taxonomy = project_taxonomy(project, config, taxonomy_path)
    shaping = shaping if shaping is not None else project_shaping(project)
    if shaping.verdicts:
        texts = (
            {c.id: c.text for t in threads for c in t.comments}
            if threads is not None
            else comment_texts(project)
        )
        taxonomy = supervised(taxonomy, shaping, texts)
    analysis = run_analysis(project, config, taxonomy, progress, threads, shaping, previous)
    progress.step("analyse: writing build/findings.json")
    write_findings(project, analysis)
    return analysis


def write_findings(project: Project, analysis) -> None:
    from themesite.analyse.findings import findings_bytes
    from themesite.ingest.store import write_atomic

    with build_lock(project):
        write_atomic(project.build / FINDINGS, findings_bytes(analysis.findings))
    point("findings")


def build_lock(project: Project) -> contextlib.AbstractContextManager[None]:
    """Held while build/ and site/ are written, so that the next command can tell a killed
    build's leftovers from a live build's staging folder."""
    from themesite.locks import exclusive

    busy = f"{project.build} is being written by another themesite command"
    return exclusive(project.build, busy)


def project_taxonomy(project: Project, config: AnalyseConfig, taxonomy_path: Path | None = None):
    """The taxonomy to analyse with: the given file, or the one the config names."""
    from themesite.analyse.taxonomy import load_taxonomy

    path = taxonomy_path or project.resolve(config.taxonomy)
    # A project's own taxonomy is optional (discovered themes only); a file named on the
    # command line must exist.
    taxonomy = load_taxonomy(path, missing_ok=taxonomy_path is None)
    if not taxonomy.path:
        return taxonomy
    # Findings name the taxonomy relative to the project, so the site does not depend on
    # where the project folder is.
    return replace(taxonomy, path=_shown(project, path))


def run_analysis(
    project: Project,
    config: AnalyseConfig,
    taxonomy,
    progress: Progress = QUIET,
    threads=None,
    shaping=None,
    previous=None,
):
    """The analysis of the project's corpus under `taxonomy`, on the configured engine,
    with what the votes kept beside its sources say (see `analyse.votes`), the
    researcher's decisions and reviews (`shaping`, see `analyse.shaping`) applied, and
    the discovered themes under the ids of the `previous` build's record."""
    from themesite.analyse.opinions import GroupSettings
    from themesite.analyse.shaping import NO_SHAPING
    from themesite.analyse.stage import analyse
    from themesite.analyse.votes import with_votes

    if config.encoder:
        # Paths in themesite.yml are relative to the project folder, wherever themesite runs.
        encoder = project.resolve(Path(config.encoder).expanduser())
        config = replace(config, encoder=str(encoder))
    settings = GroupSettings(seed=config.seed)
    progress.step("analyse: votes and opinion groups")
    opinions = read_opinions(project, settings, threads)
    with _engine(project, config, taxonomy, progress, threads) as engine:
        analysis = analyse(
            engine,
            taxonomy,
            config,
            opinions.opposed(),
            progress,
            shaping or NO_SHAPING,
            previous,
        )
    return replace(analysis, findings=with_votes(analysis.findings, opinions, settings))


def read_opinions(project: Project, settings, threads: list[Thread] | None):
    """Opinion groups and comment votes of the corpus, a thread at a time (read before a
    long analysis, so a broken votes file fails at once)."""
    from themesite.analyse.votes import Opinions, thread_opinions
    from themesite.ingest.store import read_thread, thread_files
    from themesite.ingest.votes import read_ballots

    # Without `threads` the Dask engine's workers read the corpus: here one file at a time.
    if threads is None:
        corpus = map(read_thread, thread_files(project.threads))
    else:
        corpus = sorted(threads, key=lambda t: t.id)
    return Opinions.join(
        thread_opinions(thread, read_ballots(project.raw, thread), settings) for thread in corpus
    )


@contextlib.contextmanager
def _engine(project, config: AnalyseConfig, taxonomy, progress: Progress, threads):
    """The corpus's partitions, statements extracted: in this process (with the NLP cache)
    or on a Dask cluster, whose workers read the thread files themselves."""
    from themesite.analyse.engine import DaskEngine, LocalEngine
    from themesite.analyse.statements import NlpSettings
    from themesite.ingest.store import read_threads, thread_files
    from themesite.parallel import cores

    settings = NlpSettings(config.pipeline, config.batch_size, cores(config.processes))
    if config.engine == "dask":
        corpus = thread_files(project.threads)
    else:
        corpus = threads if threads is not None else read_threads(project.threads)
    if not corpus:
        raise CorpusError("the corpus has no threads", "add sources with 'themesite add FILE'")
    texts = None  # the Dask engine's workers read the corpus; here it is not counted
    if config.engine == "local":
        texts = sum(1 for t in corpus for c in t.comments if not c.excluded)
        texts += sum(1 for t in corpus if t.article) if config.include_articles else 0
    advance = progress.step("analyse: statements and patterns (NLP)", total=texts)
    with contextlib.ExitStack() as stack:
        if config.engine == "dask":
            engine = DaskEngine.load(
                config.scheduler,
                corpus,
                int(config.partition_mb * 2**20),
                taxonomy,
                settings,
                config.include_articles,
                advance,
            )
        else:
            cache = None
            if config.cache:
                from themesite.analyse.cache import NlpCache, cache_key

                key = cache_key(config.pipeline, taxonomy)
                cache = stack.enter_context(NlpCache(project.build / CACHE, key))
            engine = LocalEngine.load(
                corpus,
                taxonomy,
                settings,
                config.include_articles,
                cache,
                advance,
            )
        stack.callback(engine.close)
        yield engine


def _shown(project: Project, path: Path) -> str:
    """`path` relative to the project folder when it is inside it."""
    try:
        return path.resolve().relative_to(project.root.resolve()).as_posix()
    except ValueError:
        return str(path)


def read_findings(project: Project):
    from themesite.analyse.findings import findings_from_json

    path = project.build / FINDINGS
    if not path.exists():
        raise CorpusError(f"{path} does not exist", "run 'themesite analyse' first")
    return findings_from_json(path.read_text(encoding="utf-8"))


def render_stage(
    project: Project,
    config: AnalyseConfig,
    analysis,
    corpus: IngestedCorpus,
    site_config: SiteConfig | None = None,
    previous: Previous | None = None,
) -> RenderedSite:
    """Render the findings into Markdown pages and download files (nothing is written);
    `previous` says which record the What changed page compares with."""
    site_config = site_config or SiteConfig()
    from themesite.analyse.changes import compare
    from themesite.analyse.evaluate import evaluate_analysis
    from themesite.analyse.snapshot import snapshot_to_json
    from themesite.history import build_record
    from themesite.render.changes import changes_page, redirect_pages
    from themesite.render.context import build_site
    from themesite.render.downloads import DICTIONARY, downloads
    from themesite.render.overview import DataPage, Discovery, DownloadFile, MethodPage
    from themesite.render.pages import render_pages
    from themesite.render.site_files import (
        assets,
        corpus_attributions,
        mkdocs_config,
        site_text,
        template_folders,
    )

    threads = corpus.threads
    taxonomy = project.resolve(config.taxonomy)
    labels = project.resolve(config.labels)
    evaluation = None
    if labels.exists():
        comment_ids = {c.id for t in threads for c in t.comments}
        evaluation = evaluate_analysis(analysis, labels, comment_ids)
        # The site names the labels file relative to the project, as the findings do the
        # taxonomy: a page must not depend on where the project folder is.
        evaluation = {**evaluation, "labels": _shown(project, labels)}
    files, listing = downloads(
        threads, analysis.findings, taxonomy, labels, project.build / FINDINGS
    )
    record = build_record(analysis.findings, threads, evaluation, analysis.continuity)
    baseline = (previous or Previous()).baseline(record)
    files.update(redirect_pages(record.retired, {t.id for t in record.themes}))
    about = site_text(site_config, threads)
    attributions = [site_config.licence] if site_config.licence else []
    attributions += corpus_attributions(threads)
    parameters = analysis.findings.parameters
    pages = render_pages(
        build_site(
            analysis.findings,
            threads,
            search_comments=corpus.check.comments <= site_config.search_comments,
        ),
        template_folders(project.root),
        about=about,
        method=MethodPage(
            parameters=parameters,
            parameters_text=json.dumps(parameters, indent=2, sort_keys=True),
            discovery=Discovery.from_parameters(parameters),
            evaluation=evaluation,
            ledger=corpus.check.as_json()["ledger"],
            opinions=analysis.findings.opinion_spaces,
            taxonomy_text=taxonomy.read_text(encoding="utf-8") if taxonomy.is_file() else "",
        ),
        data=DataPage(
            files=tuple(DownloadFile(**item) for item in listing),
            dictionary=DICTIONARY,
            attributions=tuple(attributions),
        ),
        threads=threads,
        changes=changes_page(compare(baseline, record), record),
    )
    files.update(assets(project.root))
    return RenderedSite(
        pages=pages,
        files=files,
        mkdocs=mkdocs_config(project.root, about),
        warnings=tuple(evaluation["warnings"]) if evaluation else (),
        record=snapshot_to_json(record),
        previous=snapshot_to_json(baseline) if baseline is not None else None,
    )


def site_stage(project: Project, site: RenderedSite) -> None:
    """Build the rendered site with MkDocs (strict) and swap it into build/docs and site/."""
    with build_lock(project):
        publish_site(project, stage_site(project, site), site.mkdocs)


def stage_site(project: Project, site: RenderedSite) -> Path:
    """Write the rendered site into a staging folder for `publish_site`."""
    from themesite.render.site import stage_docs

    return stage_docs(site.pages, site.files, project.build / "docs")


def publish_site(project: Project, staging: Path, mkdocs: dict) -> None:
    """Build the staged site with MkDocs (strict) and swap it into build/docs and site/."""
    from themesite.render.site import publish

    publish(
        mkdocs,
        staging,
        project.build / "docs",
        project.root / "site",
        project.build / "cache" / "pages",
    )


def build(
    project: Project,
    ingest: IngestConfig,
    analyse: AnalyseConfig,
    site_config: SiteConfig | None = None,
    progress: Progress = QUIET,
    previous_path: Path | None = None,
    force: bool = False,
) -> BuildReport:
    """The whole pipeline: ingest -> analyse -> render -> build; `previous_path` is the
    record to compare with and keep ids from (default: see `history.read_previous`).
    Nothing is done when nothing changed since the last build (see `stamp`), unless
    `force`."""
    from themesite.history import read_previous, write_records
    from themesite.render.site_files import SiteText, mkdocs_config
    from themesite.review.apply import project_shaping
    from themesite.stamp import forget, inputs_digest, unchanged, write_stamp

    def inputs() -> str:
        named = [project.resolve(analyse.taxonomy), project.resolve(analyse.labels)]
        named += [previous_path] if previous_path else []
        return inputs_digest(project, (ingest, analyse, site_config), named)

    if not force:
        last = unchanged(project, inputs())
        if last is not None:
            return BuildReport(reingested=False, check=None, unchanged=last)

    # The project's mkdocs.yml, the decisions and reviews and the previous record are read
    # first: a mistake there should not cost an analysis, nor change the corpus.
    mkdocs_config(project.root, SiteText(title="", description=""))
    shaping = project_shaping(project)
    previous = read_previous(project, previous_path)
    with build_lock(project):
        forget(project)
        # MkDocs holds every page of the site in memory while it builds: the analysis
        # runs in a child process, whose memory is the system's again when it ends.
        report, record, compared, staging = run_isolated(
            _staged, progress, project, ingest, analyse, site_config, previous, shaping
        )
        progress.step("build: MkDocs (strict) into site/")
        publish_site(project, staging, report.mkdocs)
        write_records(project, record, compared)
        write_stamp(project, inputs(), _summary(report))
    return report


def _staged(progress: Progress, project, ingest, analyse, site_config, previous, shaping):
    """Ingest, analyse and render into a staging folder: the report, this build's
    record, the one it was compared with, and the staging folder."""
    corpus = ingest_stage(project, ingest, progress)
    analysis = analyse_stage(
        project,
        analyse,
        progress=progress,
        threads=corpus.threads,
        previous=previous.record,
        shaping=shaping,
    )
    if ingest.strict and analysis.warnings:
        raise StrictError(
            f"{len(analysis.warnings)} warning(s) under --strict; first: {analysis.warnings[0]}",
            "fix the decisions or reviews it names, or drop --strict",
        )
    progress.step("render: pages and downloads")
    site = render_stage(project, analyse, analysis, corpus, site_config, previous)
    report = BuildReport(
        reingested=corpus.reingested,
        check=corpus.check,
        findings_path=project.build / FINDINGS,
        themes=len(analysis.findings.themes),
        pages=len(site.pages),
        processed=analysis.processed,
        cached=analysis.cached,
        mkdocs=site.mkdocs,
        warnings=(*analysis.warnings, *site.warnings),
    )
    progress.step(f"build: writing {len(site.pages)} pages")
    return report, site.record, site.previous, stage_site(project, site)


def _summary(report: BuildReport) -> Summary:
    check = report.check
    return Summary(
        threads=check.threads,
        comments=check.comments,
        highlights=check.highlights,
        unaccounted_lines=check.unaccounted_lines,
        themes=report.themes,
        pages=report.pages,
        warnings=(*check.warnings, *report.warnings),
    )
