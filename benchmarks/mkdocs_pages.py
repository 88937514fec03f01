"""MkDocs on a built project's pages: without the page cache, filling it, and from it.

    python benchmarks/page_cache.py PROJECT [--runs 3] [--json FILE]

PROJECT is a project `themesite build` has built (its pages are in build/docs/; make one
with `run.py --keep` or `steps.py --project DIR`). Each run builds those pages with
MkDocs, in this process, three ways: with no cache; into an empty cache (what a cold
`themesite build` pays); and from that cache with every page unchanged (the most a
rebuild can save on MkDocs). Printed: the median wall time of each, the cache's size,
and the pages. Every site is compared with the first: they must be byte-identical.
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

from themesite.render.site import _mkdocs, with_cache
from themesite.render.site_files import SiteText, mkdocs_config


def digest(site: Path) -> str:
    found = hashlib.sha256()
    for path in sorted(site.rglob("*")):
        if path.is_file():
            found.update(path.relative_to(site).as_posix().encode() + b"\0" + path.read_bytes())
    return found.hexdigest()


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
    times: dict[str, list[float]] = {"no cache": [], "filling the cache": [], "from the cache": []}
    sites, size = set(), 0
    with tempfile.TemporaryDirectory(prefix="page-cache-") as work:
        for run in range(args.runs):
            cache = Path(work) / f"cache-{run}"
            for label, folder in (
                ("no cache", None),
                ("filling the cache", cache),
                ("from the cache", cache),
            ):
                site = Path(work) / "site"
                started = time.perf_counter()
                _mkdocs(with_cache(settings, folder), docs, site)
                times[label].append(time.perf_counter() - started)
                sites.add(digest(site))
                shutil.rmtree(site)
                print(f"run {run + 1} {label}: {times[label][-1]:.1f} s", flush=True)
            size = sum(p.stat().st_size for p in cache.rglob("*") if p.is_file())
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
