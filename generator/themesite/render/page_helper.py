"""A second process that makes pages for the page cache while MkDocs builds the site.

MkDocs builds on one core: it converts every page (first loop), then indexes each for
search and fills the theme's template (second loop). At 14,000 pages that is minutes
with the second core idle. The page cache (`page_cache.py`) already lets MkDocs take a
page's HTML and search entries from a file instead of making them, byte for byte, so a
helper process that writes such files ahead of MkDocs changes what MkDocs computes, not
what it builds:

- forked once the navigation is known, the helper walks the pages from the last one
  back, converting each and indexing it for search, while MkDocs walks forward; a page
  MkDocs has already converted gets only its search entry, which MkDocs needs in its
  second loop, and the helper stops where MkDocs' second loop has got to;
- MkDocs makes any page whose file is not there yet itself, as without the helper, so
  who got there first decides only the time;
- a page that logged a warning in the helper is not written, so MkDocs meets the
  warning itself (a strict build fails the same way);
- it runs only beside plugins whose page events only compute (Material's search and
  offline plugins and themesite's own), on a machine with more than one core, and never
  outlives the build.
"""

from __future__ import annotations

import logging
import multiprocessing
import os
import sys

from mkdocs.commands.build import _populate_page
from mkdocs.structure.pages import Page

#: Plugins whose page events may run a second time in the helper: they only compute
#: (Material's offline plugin has none; it rewrites the search index at the end).
HARMLESS = frozenset(
    {"search", "material/search", "material/offline", "themesite-raw-html", "themesite-page-cache"}
)


def available(config) -> bool:
    """Whether a helper may run beside this build."""
    cores = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count()
    return (cores or 1) > 1 and set(config.plugins) <= HARMLESS


class Helper:
    """The helper process and the two positions MkDocs has reached, which it reads."""

    def __init__(self, cache, config, files) -> None:
        self.pages = list(files.documentation_pages())
        self.order = {file.src_uri: number for number, file in enumerate(self.pages)}
        context = multiprocessing.get_context("fork")
        # MkDocs' position in each loop: the helper leaves pages up to it alone.
        self.converted = context.RawValue("l", -1)
        self.indexed = context.RawValue("l", -1)
        self.parent = os.getpid()
        self.process = context.Process(target=self._run, args=(cache, config, files))
        self.process.daemon = True
        self.process.start()

    def converting(self, page) -> None:
        """MkDocs' first loop has reached `page`."""
        self._reached(self.converted, page)

    def indexing(self, page) -> None:
        """MkDocs' second loop has reached `page`."""
        self._reached(self.indexed, page)

    def _reached(self, position, page) -> None:
        if os.getpid() == self.parent:  # the helper runs the same events: not its place
            position.value = self.order.get(page.file.src_uri, position.value)

    def stop(self) -> None:
        if self.process.is_alive():
            self.process.terminate()
        self.process.join()

    def _run(self, cache, config, files) -> None:
        _quiet()
        index = cache.search.search_index if cache.search is not None else None
        last = self.indexed if index is not None else self.converted
        for number in range(len(self.pages) - 1, -1, -1):
            if last.value >= number or os.getppid() != self.parent:
                return
            file = self.pages[number]
            if file.page is None:  # not in the navigation: MkDocs makes it in its loop
                Page(None, file, config)
            page = file.page
            only_search = self.converted.value >= number
            cache.warnings.seen = False
            try:
                _populate_page(page, config, files)
                if index is not None:
                    index.add_entry_from_context(page)
                    index.entries.clear()
            except Exception:  # MkDocs will meet it and say so
                cache.warnings.seen = True
            if not cache.warnings.seen:
                cache.flush(search_only=only_search)
            cache.pending.clear()
            page.markdown = page.content = None


def _quiet() -> None:
    """The helper's warnings are MkDocs' to report, when it meets them itself."""
    sys.stderr = open(os.devnull, "w")  # noqa: SIM115 - for the process's life
    for name in ("mkdocs", ""):
        logger = logging.getLogger(name)
        for handler in list(logger.handlers):
            if not getattr(handler, "themesite_counts_warnings", False):
                logger.removeHandler(handler)
    logging.getLogger("mkdocs").propagate = False
    logging.getLogger().addHandler(logging.NullHandler())
