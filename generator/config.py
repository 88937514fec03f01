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


def load_ingest_config(project: Project, **overrides: object) -> IngestConfig:
    """Read the `ingest:` section of themesite.yml; keyword overrides that are None are ignored."""
    path = project.root / CONFIG_FILE
    values: dict[str, object] = {}
    if path.exists():
        try:
            document = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
        except yaml.YAMLError as exc:
            raise ThemesiteError(f"{path}: not valid YAML: {exc}", "fix the syntax") from exc
        section = document.get("ingest") or {}
        known = {f.name for f in fields(IngestConfig)}
        unknown = sorted(set(section) - known)
        if unknown:
            raise ThemesiteError(
                f"{path}: unknown ingest setting(s) {', '.join(unknown)}",
                f"use one of {', '.join(sorted(known))}",
            )
        values.update(section)
    values.update({k: v for k, v in overrides.items() if v is not None})
    return replace(IngestConfig(), **values)
