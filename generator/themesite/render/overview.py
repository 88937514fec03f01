"""Typed contexts of the overview pages: home, indexes, method and data.

Together with `context.py` (theme, thread and contributor pages) every template gets
exactly one typed record, named `page`.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from markupsafe import Markup

from themesite.analyse.records import OpinionSpace
from themesite.render.context import ThemeRow
from themesite.render.matrices import Matrix
from themesite.render.opinions import Agreement
from themesite.render.site_files import SiteText


@dataclass(frozen=True)
class Chart:
    matrix: Matrix
    svg: Markup


@dataclass(frozen=True)
class HomePage:
    about: SiteText
    headlines: tuple[str, ...]
    chart: Markup
    rows: tuple[ThemeRow, ...]
    corpus: dict[str, int]
    coverage: dict[str, int]
    over_time: Chart | None
    agreement: Agreement | None = None


@dataclass(frozen=True)
class ThemeIndexPage:
    rows: tuple[ThemeRow, ...]
    co_occurrence: Chart


@dataclass(frozen=True)
class PagerLink:
    label: str
    url: str
    current: bool


@dataclass(frozen=True)
class IndexPage:
    """One page of a paged index (threads or contributors)."""

    pages: tuple[Any, ...]
    pager: tuple[PagerLink, ...]
    total: int
    chart: Chart | None = None


@dataclass(frozen=True)
class Discovery:
    criterion: str = ""
    statements: int = 0
    chosen_k: int | None = None
    dropped: tuple[str, ...] = ()

    @classmethod
    def from_parameters(cls, parameters: dict[str, Any]) -> Discovery:
        found = parameters.get("discovery") or {}
        return cls(
            criterion=str(found.get("criterion", "")),
            statements=int(found.get("statements", 0) or 0),
            chosen_k=found.get("chosen_k"),
            dropped=tuple(found.get("dropped", ())),
        )


@dataclass(frozen=True)
class MethodPage:
    parameters: dict[str, Any]
    parameters_text: str
    discovery: Discovery
    evaluation: dict[str, Any] | None
    ledger: dict[str, int]
    taxonomy_text: str
    opinions: tuple[OpinionSpace, ...] = ()


@dataclass(frozen=True)
class DownloadFile:
    name: str
    description: str


@dataclass(frozen=True)
class DataPage:
    files: tuple[DownloadFile, ...]
    dictionary: tuple[tuple[str, str], ...]
    attributions: tuple[str, ...] = field(default_factory=tuple)
