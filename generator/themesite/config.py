"""Project configuration: one schema with defaults, read from `themesite.yml` if present.

Every field has a type, a range where it has one (a `Rule`), a default and a docstring
here, so the file only lists what a project changes and `themesite.schema` can check
each value against its field. Every command that works on a project reads the whole
file, so a wrong or unknown setting anywhere stops every command, with its line. CLI
flags override the file only when given, and are checked the same way.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from pathlib import Path
from typing import Annotated, Literal

from themesite.errors import ThemesiteError
from themesite.schema import Problem, Rule, field_specs, is_codec, non_empty, read_sections

CONFIG_FILE = "themesite.yml"

_PATH = Rule(test=non_empty, allowed="a file path, relative to the project folder")
_POSITIVE = Rule(gt=0)
_SHARE = Rule(ge=0, le=1)


@dataclass(frozen=True)
class IngestConfig:
    max_source_mb: Annotated[float, _POSITIVE] = 25.0
    """Largest source file accepted; larger files are refused before they are read."""

    encoding: Annotated[
        str | None, Rule(test=is_codec, allowed="a Python codec name such as cp1252")
    ] = None
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
    taxonomy: Annotated[str, _PATH] = "corpus/taxonomy.yml"
    """The taxonomy file, relative to the project folder (or absolute)."""

    labels: Annotated[str, _PATH] = "corpus/labels/labels.csv"
    """The human coding that `themesite evaluate` compares against."""

    pipeline: Annotated[
        str,
        Rule(test=non_empty, allowed="blank:LANGUAGE or the name of an installed spaCy pipeline"),
    ] = "blank:en"
    """spaCy pipeline: 'blank:en' (rule-based, no download) or an installed trained one."""

    batch_size: Annotated[int, Rule(ge=1)] = 256
    """Texts per `nlp.pipe` batch."""

    processes: Annotated[int, Rule(ge=0)] = 0
    """NLP worker processes: 0 uses every core, 1 runs in the calling process (with the
    Dask engine and no scheduler: the workers of the local cluster it starts)."""

    engine: Literal["local", "dask"] = "local"
    """'local' (this machine) or 'dask' (partitions of the corpus as tasks on a Dask
    cluster; needs pip install 'themesite[dask]')."""

    scheduler: str | None = None
    """Address of the Dask scheduler (tcp://host:8786); unset starts a local cluster."""

    partition_mb: Annotated[float, _POSITIVE] = 16.0
    """With the Dask engine: the most thread files per partition, in MB of JSON (smaller
    partitions are made when needed to give each worker at least four)."""

    cache: bool = True
    """Reuse per-comment NLP results from build/cache/, so an added thread is cheap."""

    include_articles: bool = False
    """Analyse article paragraphs too; by default only comments are evidence."""

    seed: Annotated[int, Rule(ge=0, le=2**32 - 1)] = 13
    """Seed for every model, split and clustering, so runs are identical."""

    assign_threshold: Annotated[float, _SHARE] = 0.5
    """Calibrated confidence at which a statement is assigned a theme."""

    ambiguous_threshold: Annotated[float, _SHARE] = 0.3
    """Confidence from which a statement is 'ambiguous' for a theme (below: unassigned);
    at most `assign_threshold`."""

    encoder: str = ""
    """A sentence-transformers model folder on this machine whose sentence embeddings join
    the words-only scorer (half and half); empty: none. Nothing is ever downloaded."""

    quotes_max: Annotated[int, Rule(ge=1)] = 5
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

    search_comments: Annotated[int, Rule(ge=0)] = 20_000
    """Put comment text in the site's search index while the corpus has at most this many
    comments; above it, titles, articles, themes, quotes and names stay searchable and
    the index stays small enough for a browser (0: never, a huge number: always)."""


SECTIONS = {"ingest": IngestConfig, "analyse": AnalyseConfig, "site": SiteConfig}


@dataclass(frozen=True)
class Config:
    """The whole of themesite.yml, checked."""

    ingest: IngestConfig
    analyse: AnalyseConfig
    site: SiteConfig


class ConfigError(ThemesiteError):
    """themesite.yml (or a flag) has wrong values; one problem per line, each with its line."""

    def __init__(self, problems: list[str]) -> None:
        super().__init__("\n".join(problems))
        self.problems = problems


def load_config(project: Project) -> Config:
    """Every section of the project's themesite.yml, checked; defaults where it is silent.

    Raises ConfigError listing every problem, as `themesite.yml:LINE: key: what is wrong
    (what is allowed)`.
    """
    path = project.root / CONFIG_FILE
    if not path.exists():
        return Config(IngestConfig(), AnalyseConfig(), SiteConfig())
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise ThemesiteError(
            f"{path}: cannot be read as UTF-8 text", "save it as UTF-8 YAML"
        ) from exc
    problems: list[Problem] = []
    sections = read_sections(text, str(path), SECTIONS, problems)
    values = {
        name: replace(cls(), **{k: e.value for k, e in sections.get(name, {}).items()})
        for name, cls in SECTIONS.items()
    }
    analyse = values["analyse"]
    if analyse.ambiguous_threshold > analyse.assign_threshold:
        entry = sections["analyse"].get("ambiguous_threshold") or sections["analyse"].get(
            "assign_threshold"
        )
        problems.append(
            Problem(
                entry.line,
                f"{path}:{entry.line}: analyse.ambiguous_threshold: {analyse.ambiguous_threshold} "
                f"is above assign_threshold {analyse.assign_threshold} (a number from 0 up to "
                "assign_threshold)",
            )
        )
    if problems:
        raise ConfigError([problem.message for problem in sorted(problems)])
    return Config(**values)


def _with_flags(config, overrides: dict[str, object]):
    """`config` with the flags that were given; a wrong flag value is a ConfigError."""
    given = {k: v for k, v in overrides.items() if v is not None}
    specs = field_specs(type(config))
    problems = [
        f"--{name.replace('_', '-')}: {problem} ({specs[name].allowed()})"
        for name, value in given.items()
        if (problem := specs[name].problem(value))
    ]
    if problems:
        raise ConfigError(problems)
    return replace(config, **given)


def load_ingest_config(project: Project, **overrides: object) -> IngestConfig:
    return _with_flags(load_config(project).ingest, overrides)


def load_analyse_config(project: Project, **overrides: object) -> AnalyseConfig:
    return _with_flags(load_config(project).analyse, overrides)


def load_site_config(project: Project) -> SiteConfig:
    return load_config(project).site
