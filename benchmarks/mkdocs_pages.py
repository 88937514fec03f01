"""MkDocs on a built project's pages, with and without themesite's two MkDocs plugins.

    python benchmarks/mkdocs_pages.py PROJECT [--runs 3] [--json FILE]

PROJECT is a project `themesite build` has built (its pages are in build/docs/; make one
with `run.py --keep` or `steps.py --project DIR`). Each run builds those pages with
MkDocs, in this process, five ways: plain MkDocs (neither plugin); with the raw HTML
plugin (`raw_html.py`, which every build uses); with it and an empty page cache, in one
process (what a cold `themesite build` pays on one core) and with the helper process
that makes pages ahead of MkDocs (`page_helper.py`, what it pays on two); and from that
cache with every page unchanged (the most a rebuild can save on MkDocs). Printed: the
median wall time of each, the cache's size, and the pages. Every site is compared with
the first: they must be byte-identical.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import shutil
import statistics
import sys
import tempfile
import time
from pathlib import Path

from report import machine

from themesite.render.site import _mkdocs
from themesite.render.site_files import SiteText, mkdocs_config

RAW_HTML = "themesite-raw-html"


def digest(site: Path) -> str:
    found = hashlib.sha256()
    for path in sorted(site.rglob("*")):
        if path.is_file():
            found.update(path.relative_to(site).as_posix().encode() + b"\0" + path.read_bytes())
    return found.hexdigest()


def cached(settings: dict, folder: Path, helper: bool) -> dict:
    """`settings` with the page cache in `folder`, its helper process on or off."""
    plugin = {"themesite-page-cache": {"folder": str(folder), "helper": helper}}
    return {**settings, "plugins": [*settings["plugins"], plugin]}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("project", type=Path)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--json", type=Path)
    args = parser.parse_args()
    docs = args.project / "build" / "docs"
    if not docs.is_dir():
        parser.error(f"{docs} is missing: build the project first")
    settings = mkdocs_config(args.project, SiteText(title="bench", description=""))
    plain = {**settings, "plugins": [p for p in settings["plugins"] if p != RAW_HTML]}
    ways = (
        "plain MkDocs",
        "raw HTML plugin",
        "filling the cache",
        "filling the cache, with the helper",
        "from the cache",
    )
    times: dict[str, list[float]] = {way: [] for way in ways}
    sites, size = set(), 0
    with tempfile.TemporaryDirectory(prefix="page-cache-") as work:
        for run in range(args.runs):
            one, two = (Path(work) / f"{name}-{run}" for name in ("one", "two"))
            for label, chosen in zip(
                ways,
                (
                    plain,
                    settings,
                    cached(settings, one, helper=False),
                    cached(settings, two, helper=True),
                    cached(settings, two, helper=False),
                ),
                strict=True,
            ):
                site = Path(work) / "site"
                started = time.perf_counter()
                _mkdocs(chosen, docs, site)
                times[label].append(time.perf_counter() - started)
                sites.add(digest(site))
                shutil.rmtree(site)
                print(f"run {run + 1} {label}: {times[label][-1]:.1f} s", flush=True)
            size = sum(p.stat().st_size for p in two.rglob("*") if p.is_file())
    pages = sum(1 for _ in docs.rglob("*.md"))
    result = {
        "machine": machine(),
        "pages": pages,
        "runs": args.runs,
        "median_s": {label: round(statistics.median(v), 2) for label, v in times.items()},
        "cache_mb": round(size / 2**20, 1),
        "identical": len(sites) == 1,
    }
    print(json.dumps(result, indent=2))
    if args.json:
        args.json.write_text(json.dumps(result, indent=2) + "\n", encoding="utf-8")
    return 0 if result["identical"] else 1


if __name__ == "__main__":
    sys.exit(main())
