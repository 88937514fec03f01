"""A codebook read back as `taxonomy.yml`, without clobbering the researcher's work.

An existing taxonomy is replaced only when asked (`replace`). Then every theme that
keeps its id (a code this tool exported, however it was renamed, or one whose name
makes the same id) keeps its patterns, examples and counter-examples: a codebook has
no place for them, and they are the researcher's work. The label, description and
place in the tree come from the codebook; themes it lacks are dropped. The new file is
checked by loading it before it atomically takes the old one's place.
"""

from __future__ import annotations

import tempfile
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

import yaml

from themesite.analyse.taxonomy import NO_TAXONOMY, Taxonomy, ThemeSpec, load_taxonomy
from themesite.errors import ThemesiteError
from themesite.qda.codebook import CodebookTheme, known_guids, read_codebook

HEADER = (
    "# Imported from a REFI-QDA codebook by 'themesite import-codebook'.\n"
    "# Codes became themes (label, description, sub_themes); see the README for the\n"
    "# rest of the format: patterns, examples and counter_examples make themes sharper.\n"
)


@dataclass(frozen=True)
class ImportedCodebook:
    taxonomy: Path
    themes: int
    kept: int  # themes that kept the patterns and examples of the theme they replace
    warnings: tuple[str, ...]


def import_codebook(
    source: Path, target: Path, replace: bool = False, known: Taxonomy = NO_TAXONOMY
) -> ImportedCodebook:
    """Write the codebook in `source` as the taxonomy `target`. `known`: a taxonomy whose
    ids are kept for the codes exported from it (the project's own)."""
    if target.exists() and not replace:
        raise ThemesiteError(
            f"{target} already exists",
            "pass --replace to replace it, keeping the patterns and examples of themes that "
            "keep their id; or --output ANOTHER.yml",
        )
    old = load_taxonomy(target) if target.exists() else NO_TAXONOMY
    ids = [t.id for t in (*old.themes, *known.themes)]
    themes, warnings = read_codebook(source, known_guids(ids))
    previous = {t.id: t for t in old.themes}
    text = taxonomy_text(themes, previous)
    _check(text, target)
    from themesite.ingest.store import write_atomic

    write_atomic(target, text.encode("utf-8"))
    kept = sum(1 for t in themes if t.id in previous)
    return ImportedCodebook(target, len(themes), kept, warnings)


def taxonomy_text(themes: Iterable[CodebookTheme], previous: dict[str, ThemeSpec]) -> str:
    """The taxonomy YAML of `themes` (in codebook order, sub-themes nested)."""
    themes = list(themes)
    children: dict[str | None, list[CodebookTheme]] = {}
    for theme in themes:
        children.setdefault(theme.parent, []).append(theme)

    def entry(theme: CodebookTheme) -> dict[str, object]:
        item: dict[str, object] = {
            "id": theme.id,
            "label": theme.label,
            "description": theme.description,
        }
        old = previous.get(theme.id)
        if old is not None:
            patterns: dict[str, object] = {}
            if old.phrases:
                patterns["phrases"] = list(old.phrases)
            if old.tokens:
                patterns["tokens"] = [[dict(t) for t in p] for p in old.tokens]
            if patterns:
                item["patterns"] = patterns
            if old.examples:
                item["examples"] = list(old.examples)
            if old.counter_examples:
                item["counter_examples"] = list(old.counter_examples)
        subs = children.get(theme.id, [])
        if subs:
            item["sub_themes"] = [entry(s) for s in subs]
        return item

    body = {"version": 1, "themes": [entry(t) for t in children.get(None, [])]}
    return HEADER + yaml.safe_dump(body, sort_keys=False, allow_unicode=True, width=88)


def _check(text: str, target: Path) -> None:
    """The new taxonomy must load; nothing is written if it does not."""
    with tempfile.TemporaryDirectory() as folder:
        copy = Path(folder) / target.name
        copy.write_text(text, encoding="utf-8")
        load_taxonomy(copy)
