"""Write the rendered pages and downloads, build them with MkDocs, swap the result in.

Everything is written to a staging folder first and built there with `--strict`; only
a successful build replaces `build/docs/` and `site/`, so an interrupted or failed
build leaves the previous site intact. SOURCE_DATE_EPOCH is fixed so the sitemap (and
everything else) is byte-identical from one build to the next.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import tempfile
from pathlib import Path

from themesite.errors import ThemesiteError

#: A fixed build date: the site's content, not the clock, decides its bytes.
SOURCE_DATE_EPOCH = "315532800"  # 1980-01-01, the earliest date zip files allow


class SiteBuildError(ThemesiteError):
    """MkDocs refused the site (strict mode turns its warnings into this error)."""


def write_site(
    config_file: Path,
    pages: dict[str, str],
    files: dict[str, bytes],
    docs_dir: Path,
    site_dir: Path,
) -> None:
    """Stage docs (pages + files), build with MkDocs strictly, then swap docs and site in."""
    docs_dir.parent.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=".site-", dir=docs_dir.parent))
    try:
        staged_docs, staged_site = staging / "docs", staging / "site"
        for relative, text in sorted(pages.items()):
            target = staged_docs / relative
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_text(text, encoding="utf-8")
        for relative, data in sorted(files.items()):
            target = staged_docs / relative
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_bytes(data)
        _mkdocs(config_file, staged_docs, staged_site)
        _swap(staged_docs, docs_dir)
        _swap(staged_site, site_dir)
    finally:
        shutil.rmtree(staging, ignore_errors=True)


def _mkdocs(config_file: Path, docs: Path, site: Path) -> None:
    import logging

    from mkdocs.commands.build import build
    from mkdocs.config import load_config
    from mkdocs.exceptions import MkDocsException

    previous = os.environ.get("SOURCE_DATE_EPOCH")
    os.environ["SOURCE_DATE_EPOCH"] = SOURCE_DATE_EPOCH
    logging.getLogger("mkdocs").setLevel(logging.WARNING)
    try:
        config = load_config(str(config_file), docs_dir=str(docs), site_dir=str(site), strict=True)
        build(config)
    except (MkDocsException, SystemExit) as exc:
        raise SiteBuildError(
            f"MkDocs could not build the site: {exc}",
            "run 'themesite build --debug' for the details",
        ) from exc
    finally:
        if previous is None:
            os.environ.pop("SOURCE_DATE_EPOCH", None)
        else:
            os.environ["SOURCE_DATE_EPOCH"] = previous


def _swap(new: Path, current: Path) -> None:
    """Replace `current` by `new` with two renames; the old copy is removed afterwards."""
    retired = current.parent / f".{current.name}.old"
    shutil.rmtree(retired, ignore_errors=True)
    if current.exists():
        os.replace(current, retired)
    current.parent.mkdir(parents=True, exist_ok=True)
    os.replace(new, current)
    with contextlib.suppress(FileNotFoundError):
        shutil.rmtree(retired)
