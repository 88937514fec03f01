"""How long a reader waits for a search result on a built site, in a real Chromium.

    python benchmarks/search.py SITE [--query WORD ...] [--runs 3] [--json FILE]

SITE is a built site folder (`site/` of a project `themesite build` has built; `run.py
--keep` leaves the 100k one in its work folder). It is served from 127.0.0.1 by a
static file server, and Debian's Chromium (Playwright, the flags the browser tests use)
opens its home page in a fresh browser context each run, so nothing is cached:

- `first_result_s`: from asking for the home page to the first result of the first
  query, typed as soon as the search box exists. This is what a reader who searches at
  once waits: the page, the search index download and the search worker's indexing.
- `next_result_s`: on that same page, once it has answered, from typing each further
  query to its first result (the index is built by then).

Printed: medians over the runs, the search index's size, and the machine.
"""

from __future__ import annotations

import argparse
import functools
import http.server
import json
import statistics
import sys
import threading
import time
from pathlib import Path

from report import machine

CHROMIUM = "/usr/bin/chromium"
ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking"]
RESULT = ".md-search-result__item"


class _Quiet(http.server.SimpleHTTPRequestHandler):
    def log_message(self, *args: object) -> None:
        pass


def serve(folder: Path) -> tuple[http.server.ThreadingHTTPServer, str]:
    handler = functools.partial(_Quiet, directory=str(folder))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server, f"http://127.0.0.1:{server.server_address[1]}/"


def one_run(browser, url: str, queries: list[str], timeout_s: float) -> dict:
    """One reader in a fresh context: the first query at once, then the others."""
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    page = context.new_page()
    started = time.perf_counter()
    page.goto(url + "index.html", wait_until="domcontentloaded")
    box = page.locator("input.md-search__input")
    box.click()
    box.press_sequentially(queries[0])  # key events: Material searches on them, not on fill
    page.locator(RESULT).first.wait_for(timeout=timeout_s * 1000)
    first = time.perf_counter() - started
    following = []
    for query in queries[1:]:
        box.press("Control+a")
        box.press("Backspace")
        page.locator(RESULT).first.wait_for(state="detached", timeout=timeout_s * 1000)
        started = time.perf_counter()
        box.press_sequentially(query)
        page.locator(RESULT).first.wait_for(timeout=timeout_s * 1000)
        following.append(time.perf_counter() - started)
    context.close()
    return {"first_result_s": first, "next_result_s": following}


QUERIES = ("legacy", "budget", "marketing")


def available() -> bool:
    """Whether Chromium and Playwright are installed (`bash .ci/run` installs both)."""
    import importlib.util

    return Path(CHROMIUM).exists() and importlib.util.find_spec("playwright") is not None


def measure(site: Path, queries=QUERIES, runs: int = 1, timeout_s: float = 300.0) -> dict:
    """Medians over `runs` fresh readers of `site`, and each run's figures."""
    from playwright.sync_api import sync_playwright

    server, url = serve(site)
    found = []
    try:
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(executable_path=CHROMIUM, args=ARGS)
            for number in range(runs):
                found.append(one_run(browser, url, list(queries), timeout_s))
                print(f"search run {number + 1}/{runs}: {found[-1]}", file=sys.stderr)
            browser.close()
    finally:
        server.shutdown()
    following = [statistics.median(r["next_result_s"]) for r in found if r["next_result_s"]]
    return {
        "queries": list(queries),
        "first_result_s": round(statistics.median(r["first_result_s"] for r in found), 2),
        "next_result_s": round(statistics.median(following), 3) if following else None,
        "per_run": found,
    }


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("site", type=Path)
    parser.add_argument(
        "--query", action="append", help=f"a word to search for (repeat; default: {QUERIES})"
    )
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--timeout", type=float, default=300.0, help="seconds per result")
    parser.add_argument("--json", type=Path)
    args = parser.parse_args()
    index = args.site / "search" / "search_index.json"
    if not index.is_file():
        parser.error(f"{index} is missing: build the site first")
    if not available():
        parser.error(f"Chromium ({CHROMIUM}) or Playwright is missing: run 'bash .ci/run'")
    result = {
        "site": str(args.site),
        "pages": sum(1 for _ in args.site.rglob("*.html")),
        "search_index_mb": round(index.stat().st_size / 2**20, 2),
        "runs": args.runs,
        **measure(args.site, args.query or QUERIES, args.runs, args.timeout),
        "machine": machine(),
    }
    print(json.dumps({k: v for k, v in result.items() if k != "per_run"}, indent=2))
    if args.json:
        args.json.write_text(json.dumps(result, indent=2) + "\n", "utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
