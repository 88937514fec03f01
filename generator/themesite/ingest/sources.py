"""Reading source files: size limit, decoding, and the companion files a format reads."""

from __future__ import annotations

from pathlib import Path

from themesite.config import IngestConfig
from themesite.errors import InputError
from themesite.ingest.decode import decode_source
from themesite.ingest.registry import Source, companion_names, source_kind
from themesite.ingest.text import split_lines


def read_source(path: Path, display: str, config: IngestConfig) -> Source:
    """Load one file as a `Source`; `display` is the name used in messages and records."""
    limit = int(config.max_source_mb * 1024 * 1024)
    try:
        size = path.stat().st_size
        if size > limit:
            raise InputError(
                display,
                f"the file is {size / 1024 / 1024:.1f} MB, "
                f"over the {config.max_source_mb:g} MB limit",
                hint="raise it with --max-source-mb or 'ingest: max_source_mb' in themesite.yml",
            )
        data = path.read_bytes()
    except OSError as exc:
        raise InputError(display, f"cannot read the file: {exc.strerror}") from exc
    text = decode_source(data, display, config.encoding)
    companions = {
        name: (path.parent / name).read_bytes()
        for name in sorted(companion_names())
        if name != path.name and (path.parent / name).is_file()
    }
    return Source(
        path=display,
        data=data,
        lines=tuple(split_lines(text)),
        companions=companions,
        kind=source_kind(path),
    )
