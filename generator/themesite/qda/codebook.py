"""The taxonomy as a REFI-QDA codebook (`.qdc`), and a codebook read back as themes.

A theme is a code: its label the code's name, its description the code's description,
its sub-themes the code's children. A code's GUID comes from the theme id, so the same
theme is the same code in every export, and reading a codebook back recognises the
codes it wrote even after a researcher renamed them in another tool.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Protocol

from lxml import etree

from themesite import __version__
from themesite.errors import InputError, ThemesiteError
from themesite.qda.schema import check_export, parse, require_valid
from themesite.qda.xmltext import (
    CODEBOOK_NS,
    code_guid,
    element,
    normal_guid,
    serialize,
    text_element,
)

ORIGIN = f"themesite {__version__}"


class ThemeLike(Protocol):
    """What a code is made of: a taxonomy theme and an analysed theme both have it."""

    id: str
    label: str
    description: str
    parent: str | None


@dataclass(frozen=True)
class CodebookTheme:
    """A code read from a codebook, as a taxonomy theme; `line` is where it is written."""

    id: str
    label: str
    description: str
    parent: str | None
    guid: str
    line: int


def add_codes(parent: etree._Element, ns: str, themes: Iterable[ThemeLike]) -> None:
    """The themes as nested Code elements of `parent` (a theme whose parent is not among
    them stands at the top), in the order given."""
    themes = list(themes)
    ids = {t.id for t in themes}
    children: dict[str | None, list[ThemeLike]] = {}
    for theme in themes:
        children.setdefault(theme.parent if theme.parent in ids else None, []).append(theme)

    def add(into: etree._Element, theme: ThemeLike) -> None:
        code = element(
            into, ns, "Code", guid=code_guid(theme.id), name=theme.label, isCodable="true"
        )
        if theme.description:
            text_element(code, ns, "Description", theme.description)
        for child in children.get(theme.id, []):
            add(code, child)

    for theme in children.get(None, []):
        add(parent, theme)


def codebook_xml(themes: Iterable[ThemeLike]) -> bytes:
    """The codebook document of `themes` (at least one), checked against the schema."""
    themes = list(themes)
    if not themes:
        raise ThemesiteError(
            "the taxonomy has no themes to export as a codebook",
            "add themes to corpus/taxonomy.yml (or pass --taxonomy FILE)",
        )
    root = element(None, CODEBOOK_NS, "CodeBook", origin=ORIGIN)
    add_codes(element(root, CODEBOOK_NS, "Codes"), CODEBOOK_NS, themes)
    data = serialize(root)
    check_export(data, "codebook")
    return data


def read_codebook(
    path: Path, known: Mapping[str, str] | None = None
) -> tuple[tuple[CodebookTheme, ...], tuple[str, ...]]:
    """The themes of the codebook in `path`, and warnings (codes without a description).

    `known` maps code GUIDs to the theme ids they were exported from (see
    `known_guids`); any other code gets an id made from its name. Raises InputError
    naming the file and line of the first problem."""
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise InputError(path, f"cannot read the codebook: {exc.strerror}") from exc
    root = parse(path, data)
    if root.tag != f"{{{CODEBOOK_NS}}}CodeBook":
        raise InputError(
            path,
            f"the root element is {etree.QName(root).localname!r}, not a REFI-QDA CodeBook "
            f"(namespace {CODEBOOK_NS})",
            line=root.sourceline,
            hint="export the codebook as .qdc from the QDA tool",
        )
    require_valid(path, root, "codebook")
    codes = list(root.iter(f"{{{CODEBOOK_NS}}}Code"))  # document order: parents first
    labels = [" ".join(code.get("name", "").split()) for code in codes]
    for code, label in zip(codes, labels, strict=True):
        if not label:
            raise InputError(
                path, "a code has an empty name", line=code.sourceline, hint="name every code"
            )
    guids = [normal_guid(code.get("guid", "")) for code in codes]
    ids = _ids(guids, labels, dict(known or {}))
    id_of = dict(zip(codes, ids, strict=True))
    themes: list[CodebookTheme] = []
    warnings: list[str] = []
    for code, label, guid, theme_id in zip(codes, labels, guids, ids, strict=True):
        found = code.find(f"{{{CODEBOOK_NS}}}Description")
        description = " ".join((found.text or "").split()) if found is not None else ""
        if not description:
            warnings.append(
                f"{path}:{code.sourceline}: code {label!r} has no description; its name "
                "stands in for one (write what a coder looks for in taxonomy.yml)"
            )
            description = label
        parent = id_of.get(code.getparent())
        themes.append(
            CodebookTheme(theme_id, label, description, parent, guid, code.sourceline or 0)
        )
    return tuple(themes), tuple(warnings)


def _ids(guids: list[str], labels: list[str], known: Mapping[str, str]) -> list[str]:
    """Each code's theme id: the one it was exported from, else one made from its name.
    Exported codes claim their ids first, so a new code named like an old theme cannot
    take the id the old theme (perhaps renamed) still has."""
    ids: list[str | None] = []
    taken: set[str] = set()
    for guid in guids:
        theme_id = known.get(guid)
        ids.append(theme_id if theme_id not in taken else None)
        if theme_id:
            taken.add(theme_id)
    for i, label in enumerate(labels):
        if ids[i] is None:
            ids[i] = _unique(slug(label), taken)
            taken.add(ids[i])
    return [theme_id for theme_id in ids if theme_id is not None]


def known_guids(theme_ids: Iterable[str]) -> dict[str, str]:
    """The GUID our exports give each of these theme ids, mapped back to the id."""
    return {code_guid(theme_id): theme_id for theme_id in theme_ids}


def slug(label: str) -> str:
    """A theme id made from a code's name: lower-case ASCII words joined by hyphens."""
    folded = unicodedata.normalize("NFKD", label).encode("ascii", "ignore").decode()
    return re.sub(r"[^a-z0-9]+", "-", folded.lower()).strip("-") or "code"


def _unique(theme_id: str, taken: set[str]) -> str:
    if theme_id not in taken:
        return theme_id
    n = 2
    while f"{theme_id}-{n}" in taken:
        n += 1
    return f"{theme_id}-{n}"
