"""Project configuration: one schema with defaults, read from `themesite.yml` if present.

Every field has a default and a docstring here, so the file only lists what a
project changes. CLI flags override the file only when given.
"""

from __future__ import annotations

from dataclasses import dataclass, fields, replace
from pathlib import Path

import yaml

from themesite.errors import ThemesiteError

CONFIG_FILE = "themesite.yml"


@dataclass(frozen=True)
class IngestConfig:
    max_source_mb: float = 25.0
    """Largest source file accepted; larger files are refused before they are read."""

    encoding: str | None = None
    """Force one text encoding instead of detecting UTF-8, UTF-16 (BOM) or cp1252."""

    strict: bool = False
    """Treat warnings (count mismatch, unlinked highlight, duplicates) as errors."""


@dataclass(frozen=True)
class Project:
    """Where a project's files live; every command works on one project folder."""

    root: Path

    @property
    def corpus(self) -> Path:
        return self.root / "corpus"

    @property
    def raw(self) -> Path:
        return self.corpus / "raw"

    @property
    def threads(self) -> Path:
        return self.corpus / "threads"

    @property
    def build(self) -> Path:
        """Generated outputs (findings, site sources); never edited by hand."""
        return self.root / "build"

    def resolve(self, path: str | Path) -> Path:
        """A config path: relative ones are relative to the project folder."""
        path = Path(path)
        return path if path.is_absolute() else self.root / path


@dataclass(frozen=True)
class AnalyseConfig:
    taxonomy: str = "corpus/taxonomy.yml"
    """The taxonomy file, relative to the project folder (or absolute)."""

    labels: str = "corpus/labels/labels.csv"
    """The human coding that `themesite evaluate` compares against."""

    pipeline: str = "blank:en"
    """spaCy pipeline: 'blank:en' (rule-based, no download) or an installed trained one."""

    batch_size: int = 256
    """Texts per `nlp.pipe` batch."""

    processes: int = 0
    """NLP worker processes: 0 uses every core, 1 runs in the calling process (with the
    Dask engine and no scheduler: the workers of the local cluster it starts)."""

    engine: str = "local"
    """'local' (this machine) or 'dask' (partitions of the corpus as tasks on a Dask
    cluster; needs pip install 'themesite[dask]')."""

    scheduler: str | None = None
    """Address of the Dask scheduler (tcp://host:8786); unset starts a local cluster."""

    partition_mb: float = 16.0
    """With the Dask engine: the most thread files per partition, in MB of JSON (smaller
    partitions are made when needed to give each worker at least four)."""

    cache: bool = True
    """Reuse per-comment NLP results from build/cache/, so an added thread is cheap."""

    include_articles: bool = False
    """Analyse article paragraphs too; by default only comments are evidence."""

    seed: int = 13
    """Seed for every model, split and clustering, so runs are identical."""

    assign_threshold: float = 0.5
    """Calibrated confidence at which a statement is assigned a theme."""

    ambiguous_threshold: float = 0.3
    """Confidence from which a statement is 'ambiguous' for a theme (below: unassigned)."""

    encoder: str = ""
    """A sentence-transformers model folder on this machine whose sentence embeddings join
    the words-only scorer (half and half); empty: none. Nothing is ever downloaded."""

    quotes_max: int = 5
    """Representative quotes per theme (at least 3 where the theme has them)."""

    discover: bool = True
    """Cluster the statements the taxonomy leaves unexplained into discovered themes."""


@dataclass(frozen=True)
class SiteConfig:
    title: str = ""
    """The site's name, in every page's title bar; empty: the thread's title when the
    corpus has one thread, else a name that counts its threads."""

    description: str = ""
    """One or two sentences on what the corpus is, under the Findings heading and in the
    pages' meta description; empty: one made from the corpus's size and thread titles."""

    author: str = ""
    """Who made the report (the pages' author meta tag); empty: none."""

    licence: str = ""
    """Licence and attribution of the corpus, in every page's footer and on the Data page;
    empty: the attributions the sources carry (Polis exports carry theirs)."""

    search_comments: int = 20_000
    """Put comment text in the site's search index while the corpus has at most this many
    comments; above it, titles, articles, themes, quotes and names stay searchable and
    the index stays small enough for a browser (0: never, a huge number: always)."""


_SECTIONS = {"ingest": IngestConfig, "analyse": AnalyseConfig, "site": SiteConfig}


def _load_section(project: Project, section: str, cls: type, overrides: dict[str, object]):
    """Read one section of themesite.yml; overrides that are None are ignored."""
    path = project.root / CONFIG_FILE
    values: dict[str, object] = {}
    if path.exists():
        try:
            document = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
        except yaml.YAMLError as exc:
            raise ThemesiteError(f"{path}: not valid YAML: {exc}", "fix the syntax") from exc
        unknown_sections = sorted(set(document) - set(_SECTIONS))
        if unknown_sections:
            raise ThemesiteError(
                f"{path}: unknown section(s) {', '.join(unknown_sections)}",
                f"use {', '.join(_SECTIONS)}",
            )
        entries = document.get(section) or {}
        known = {f.name for f in fields(cls)}
        unknown = sorted(set(entries) - known)
        if unknown:
            raise ThemesiteError(
                f"{path}: unknown {section} setting(s) {', '.join(unknown)}",
                f"use one of {', '.join(sorted(known))}",
            )
        values.update(entries)
    values.update({k: v for k, v in overrides.items() if v is not None})
    return replace(cls(), **values)


def load_ingest_config(project: Project, **overrides: object) -> IngestConfig:
    return _load_section(project, "ingest", IngestConfig, overrides)


ENGINES = ("local", "dask")


def load_analyse_config(project: Project, **overrides: object) -> AnalyseConfig:
    config = _load_section(project, "analyse", AnalyseConfig, overrides)
    if config.engine not in ENGINES:
        raise ThemesiteError(
            f"unknown analysis engine {config.engine!r}", f"use one of {', '.join(ENGINES)}"
        )
    return config


def load_site_config(project: Project, **overrides: object) -> SiteConfig:
    return _load_section(project, "site", SiteConfig, overrides)
