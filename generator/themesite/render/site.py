"""Write the rendered pages and downloads, build them with MkDocs, swap the result in.

Everything is written to a staging folder first and built there with `--strict`; only
a successful build replaces `build/docs/` and `site/`, so an interrupted or failed
build leaves the previous site intact. A build killed between the two renames of a
swap leaves the previous folder aside, and `remove_abandoned` (run by the next
command) puts it back and removes the staging folders killed builds left.
SOURCE_DATE_EPOCH is fixed so the sitemap (and everything else) is byte-identical from
one build to the next.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import tempfile
from pathlib import Path

from themesite.errors import ThemesiteError
from themesite.faults import point

#: A fixed build date: the site's content, not the clock, decides its bytes.
SOURCE_DATE_EPOCH = "315532800"  # 1980-01-01, the earliest date zip files allow


class SiteBuildError(ThemesiteError):
    """MkDocs refused the site (strict mode turns its warnings into this error)."""


def stage_docs(pages: dict[str, str], files: dict[str, bytes | Path], docs_dir: Path) -> Path:
    """Write the pages and files (bytes, or a file to copy) into a new staging folder
    beside `docs_dir`; return it."""
    docs_dir.parent.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=".site-", dir=docs_dir.parent))
    try:
        for relative, content in sorted({**pages, **files}.items()):
            target = staging / "docs" / relative
            target.parent.mkdir(parents=True, exist_ok=True)
            if isinstance(content, str):
                target.write_text(content, encoding="utf-8")
            elif isinstance(content, Path):
                shutil.copyfile(content, target)
            else:
                target.write_bytes(content)
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise
    point("site-stage")
    return staging


def publish(
    settings: dict, staging: Path, docs_dir: Path, site_dir: Path, cache: Path | None = None
) -> None:
    """Build the staged docs with MkDocs strictly, then swap docs and site in; the staging
    folder is gone afterwards whatever happened. `cache` keeps what MkDocs made of each
    page for the next build (`page_cache`)."""
    try:
        _mkdocs(with_cache(settings, cache), staging / "docs", staging / "site")
        point("site-build")
        _swap(staging / "docs", docs_dir)
        _swap(staging / "site", site_dir)
    finally:
        shutil.rmtree(staging, ignore_errors=True)


def mkdocs_options(settings: dict, docs: Path, site: Path | None = None) -> dict:
    """`load_config` arguments for `settings`: they are given in full, and the package's
    default file only stands in as the configuration file MkDocs asks for."""
    from themesite.render.site_files import MKDOCS, default_folder

    options = {
        **settings,
        "config_file": str(default_folder() / MKDOCS),
        # MkDocs reads relative paths from the configuration file's folder.
        "docs_dir": str(docs.resolve()),
    }
    if site is not None:
        options["site_dir"] = str(site.resolve())
    return options


def with_cache(settings: dict, cache: Path | None) -> dict:
    """`settings` with the page cache plugin last among the plugins (or as they are)."""
    if cache is None:
        return settings
    plugins = list(settings.get("plugins") or [])
    return {**settings, "plugins": [*plugins, {"themesite-page-cache": {"folder": str(cache)}}]}


def _mkdocs(settings: dict, docs: Path, site: Path) -> None:
    import logging

    from mkdocs.commands.build import build
    from mkdocs.config import load_config
    from mkdocs.exceptions import MkDocsException

    previous = os.environ.get("SOURCE_DATE_EPOCH")
    os.environ["SOURCE_DATE_EPOCH"] = SOURCE_DATE_EPOCH
    logging.getLogger("mkdocs").setLevel(logging.WARNING)
    try:
        build(load_config(**mkdocs_options(settings, docs, site)))
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


def _retired(current: Path) -> Path:
    return current.parent / f".{current.name}.old"


def _swap(new: Path, current: Path) -> None:
    """Replace `current` by `new` with two renames; the old copy is removed afterwards."""
    retired = _retired(current)
    shutil.rmtree(retired, ignore_errors=True)
    if current.exists():
        os.replace(current, retired)
        point("site-swap")
    current.parent.mkdir(parents=True, exist_ok=True)
    os.replace(new, current)
    with contextlib.suppress(FileNotFoundError):
        shutil.rmtree(retired)
    point("site-swapped")


def remove_abandoned(docs_dir: Path, site_dir: Path) -> int:
    """Undo what killed builds left: put back a folder left aside by an unfinished swap,
    remove staging folders and temporary files. Call it holding the build folder's lock;
    returns how many leftovers it handled."""
    build = docs_dir.parent
    leftovers = 0
    for current in (docs_dir, site_dir):
        retired = _retired(current)
        if retired.is_dir():
            if current.exists():
                shutil.rmtree(retired)
            else:
                os.replace(retired, current)
            leftovers += 1
    for staging in build.glob(".site-*"):
        if staging.is_dir():
            shutil.rmtree(staging)
            leftovers += 1
    for tmp in build.glob(".*.tmp"):
        tmp.unlink()
        leftovers += 1
    return leftovers
