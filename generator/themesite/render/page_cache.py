"""An MkDocs plugin that reuses what MkDocs made of a page the last time it saw it.

MkDocs has no incremental build: every build converts every page's Markdown and indexes
it for search again, about 15 ms a page, whatever changed. After one new thread most of
a large site's pages have the same Markdown as before, so this plugin keeps, for each
page, what `Page.render` computed (the HTML, the table of contents, the anchors and
links it found) and the search entries Material made of it, in files under the cache
folder named by a digest of everything they were made from:

- render: the page's Markdown as it reaches the converter (after every other plugin's
  `on_page_markdown`), its path and URL, the Markdown settings and the versions of
  MkDocs, Markdown and Material; plus every lookup of another file its links made,
  recorded while it was rendered and repeated on reuse (a link to a page that has gone,
  or moved, is a miss);
- search: the page's HTML as the search plugin receives it, its URL, title, metadata,
  table of contents and the search settings.

Anything else is a miss, and a miss is rendered and indexed by MkDocs itself, so a
build from the cache is byte-identical to one without (tests/test_page_cache.py).
No page that logged a warning is kept (a strict build that fails must not leave pages
that would then pass): this process writes its entries at the end, and only if the build
logged no warning; then entries this build did not use are removed.
A Markdown extension that reads other files (pymdownx.snippets) turns the cache off.
On a machine with more than one core a helper process fills the cache ahead of MkDocs
during the build (`page_helper.py`).
"""

from __future__ import annotations

import hashlib
import json
import logging
import os
import tempfile
from functools import partial
from pathlib import Path

from mkdocs.config import config_options
from mkdocs.config.base import Config
from mkdocs.plugins import BasePlugin, event_priority
from mkdocs.structure.pages import Page
from mkdocs.structure.toc import get_toc

from themesite.render import page_helper

#: Extensions whose output depends on more than the page's Markdown.
READS_FILES = frozenset({"pymdownx.snippets"})


class PageCacheConfig(Config):
    folder = config_options.Type(str, default="")
    #: A second process makes pages ahead of MkDocs where it can (`page_helper`).
    helper = config_options.Type(bool, default=True)


class PageCache(BasePlugin[PageCacheConfig]):
    def on_config(self, config):
        import markdown
        import mkdocs

        self.folder = Path(self.config.folder) if self.config.folder else None
        if READS_FILES & {str(name) for name in config.markdown_extensions}:
            self.folder = None
        self.settings = _digest(
            mkdocs.__version__,
            markdown.__version__,
            _version("mkdocs-material"),
            [str(name) for name in config.markdown_extensions],
            config.mdx_configs,
            config.use_directory_urls,
            repr(config.validation),
        )
        self.pending: dict[str, dict] = {}
        self.used: set[str] = set()
        self.warnings = _Warnings()
        self.helper: page_helper.Helper | None = None
        return config

    def on_pre_build(self, config):
        logging.getLogger("mkdocs").addHandler(self.warnings)
        self.search = next((p for p in config.plugins.values() if _indexes(p)), None)
        if self.folder is not None and self.search is not None:
            index = self.search.search_index
            original = index.add_entry_from_context
            index.add_entry_from_context = partial(self._index, index, original)

    @event_priority(-100)  # last: the pages are final, and MkDocs converts them next
    def on_nav(self, nav, config, files):
        if self.folder is not None and self.config.helper and page_helper.available(config):
            self.helper = page_helper.Helper(self, config, files)
        return nav

    @event_priority(-100)  # last: the key is the Markdown every other plugin left
    def on_page_markdown(self, markdown, page, config, files):
        if self.folder is not None:
            page.render = partial(self._render, page)  # this page's render, not the class's
        if self.helper is not None:
            self.helper.converting(page)
        return markdown

    def on_post_build(self, config):
        self._stop()
        if self.folder is None or self.warnings.seen:
            return
        self.flush()
        for path in sorted(self.folder.glob("*/*")):
            if path.suffix != ".json" or path.stem not in self.used:  # or left by a kill
                path.unlink()

    def on_build_error(self, error):
        self._stop()

    def flush(self, search_only: bool = False) -> None:
        """Write the entries made since the last flush (only the search entries)."""
        for key, entry in sorted(self.pending.items()):
            if not search_only or "entries" in entry:
                _write(self.folder / key[:2] / f"{key}.json", entry)

    def _stop(self) -> None:
        logging.getLogger("mkdocs").removeHandler(self.warnings)
        if self.helper is not None:
            self.helper.stop()
            self.helper = None

    def _render(self, page: Page, config, files) -> None:
        del page.render
        key = _digest("render", self.settings, page.file.src_uri, page.file.url, page.markdown)
        entry = self._read(key)
        if entry is not None and all(
            _lookup(files, path) == found for path, found in entry["lookups"]
        ):
            page.content = entry["content"]
            page.toc = get_toc(entry["toc"])
            page._title_from_render = entry["title"]
            page.present_anchor_ids = set(entry["anchors"])
            page.links_to_anchors = {
                files.get_file_from_path(path): links for path, links in entry["links"]
            }
            return
        recording = _Recording(files)
        Page.render(page, config, recording)
        if recording.complete:
            self.pending[key] = {
                "lookups": sorted(recording.lookups.items()),
                "content": page.content,
                "toc": [_token(item) for item in page.toc],
                "title": page._title_from_render,
                "anchors": sorted(page.present_anchor_ids or ()),
                "links": sorted(
                    (file.src_uri, links) for file, links in (page.links_to_anchors or {}).items()
                ),
            }
            self.used.add(key)

    def _index(self, index, original, page: Page) -> None:
        if self.helper is not None:
            self.helper.indexing(page)
        key = _digest(
            "search",
            self.settings,
            dict(self.search.config),
            page.url,
            page.title,
            page.meta,
            page.content,
            [_token(item) for item in page.toc],
        )
        entry = self._read(key)
        if entry is not None:
            index.entries.extend(entry["entries"])
            return
        before = len(index.entries)
        original(page)
        self.pending[key] = {"entries": index.entries[before:]}
        self.used.add(key)

    def _read(self, key: str) -> dict | None:
        try:
            text = (self.folder / key[:2] / f"{key}.json").read_text(encoding="utf-8")
            entry = json.loads(text)
        except (OSError, ValueError):  # absent, or cut short by a killed build: a miss
            return None
        self.used.add(key)
        return entry


class _Recording:
    """The build's files, noting which paths a page's links looked up and what they
    found; anything else asked of them makes the page's render uncacheable."""

    def __init__(self, files) -> None:
        self._files = files
        self.lookups: dict[str, list | None] = {}
        self.complete = True

    def get_file_from_path(self, path: str):
        self.lookups[path] = _lookup(self._files, path)
        return self._files.get_file_from_path(path)

    def __getattr__(self, name: str):
        self.complete = False
        return getattr(self._files, name)


class _Warnings(logging.Handler):
    themesite_counts_warnings = True  # the helper keeps this handler (`page_helper`)

    def __init__(self) -> None:
        super().__init__(logging.WARNING)
        self.seen = False

    def emit(self, record) -> None:
        self.seen = True


def _lookup(files, path: str) -> list | None:
    """What a link to `path` resolves to: the file's URL and whether it is excluded."""
    found = files.get_file_from_path(path)
    return None if found is None else [found.url, str(found.inclusion)]


def _token(item) -> dict:
    """A table-of-contents entry as the tokens `get_toc` reads."""
    children = [_token(child) for child in item.children]
    return {"level": item.level, "id": item.id, "name": item.title, "children": children}


def _indexes(plugin) -> bool:
    """Whether `plugin` is Material's search, whose index this plugin knows."""
    index = getattr(plugin, "search_index", None)
    return isinstance(getattr(index, "entries", None), list) and hasattr(
        index, "add_entry_from_context"
    )


def _digest(*parts) -> str:
    text = json.dumps(parts, sort_keys=True, default=str, ensure_ascii=False)
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def _version(distribution: str) -> str:
    from importlib.metadata import PackageNotFoundError, version

    try:
        return version(distribution)
    except PackageNotFoundError:
        return ""


def _write(path: Path, entry: dict) -> None:
    """Whole or not at all: a killed build leaves no entry half written."""
    path.parent.mkdir(parents=True, exist_ok=True)
    handle, temporary = tempfile.mkstemp(dir=path.parent, prefix=".", suffix=".tmp")
    with os.fdopen(handle, "w", encoding="utf-8") as out:
        json.dump(entry, out, ensure_ascii=False)
    os.replace(temporary, path)
