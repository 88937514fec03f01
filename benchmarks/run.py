"""Benchmark `themesite build` on a synthetic corpus of N comments.

    python benchmarks/run.py --comments 10000 [--runs 3] [--json FILE] [--markdown FILE]
                             [--layout pages|csv] [--size 1k|10k|100k] [--seeds]

Each run builds a fresh project in a temporary folder and measures, in this order:
1. the build stages (ingest, analyse, render, MkDocs) in a child process, with the
   resident memory of its whole process tree sampled every 50 ms;
2. the NLP floor: spaCy's own processing of the same comments (see `floor.py`);
3. the site: pages, size, largest page, search index, and how long a reader waits
   for a search result in Chromium (`search.py`; skipped where it is not installed);
4. a cold `themesite build` and, after `themesite add` of one new thread, an
   incremental `themesite build`, both through the real command;
5. the stages once more on the unchanged project, to show where a rebuild spends
   its time.
Every figure is the median over the runs; times are also given as ratios to the
floor measured in the same run, which keeps them comparable on a busy machine.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from procwatch import watch
from project import REPO, commit_of, new_project, snapshot, themesite
from report import machine, markdown, summarise
from search import available as browser_available
from search import measure as search_wait
from seedtext import load as load_seeds
from synth import LAYOUTS, Synth, parse_size, write_corpus, write_extra_thread

HERE = Path(__file__).resolve().parent
STAGES = ("ingest", "analyse", "render", "mkdocs")


class BenchmarkError(Exception):
    pass


def site_figures(site: Path) -> dict:
    pages = sorted(site.rglob("*.html"))
    largest = max(pages, key=lambda p: p.stat().st_size)
    index = site / "search" / "search_index.json"
    return {
        "pages": len(pages),
        "size_mb": round(sum(p.stat().st_size for p in site.rglob("*") if p.is_file()) / 1e6, 2),
        "largest_page_bytes": largest.stat().st_size,
        "largest_page": largest.relative_to(site).as_posix(),
        "search_index_mb": round(index.stat().st_size / 1e6, 2) if index.exists() else None,
    }


def _cli_build(root: Path) -> tuple[float, str]:
    started = time.perf_counter()
    result = themesite(root, "build")
    return time.perf_counter() - started, result.stdout


def _pages(root: Path) -> dict[str, str]:
    docs = root / "build" / "docs"
    return {
        p.relative_to(docs).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in docs.rglob("*.md")
    }


def incremental(root: Path, extra: Path) -> dict:
    """A cold `themesite build`, then `add` of one new thread and a second build."""
    for name in ("corpus/threads", "build", "site"):
        shutil.rmtree(root / name, ignore_errors=True)
    cold, _ = _cli_build(root)
    before = _pages(root)
    themesite(root, "add", str(extra))
    warm, output = _cli_build(root)
    after = _pages(root)
    same, said = _cli_build(root)  # nothing changed since: the build should say so and stop
    nlp = re.search(r"NLP: (\d+) texts? processed, (\d+) from the cache", output)
    return {
        "cold_build_s": round(cold, 3),
        "incremental_build_s": round(warm, 3),
        "incremental_ratio": round(warm / cold, 3),
        # Pages whose Markdown the new thread left as it was: what the page cache reuses.
        "incremental_pages_unchanged": sum(after.get(page) == d for page, d in before.items()),
        "incremental_reingested": "re-ingested" in output,
        "incremental_nlp_processed": int(nlp.group(1)) if nlp else None,
        "incremental_nlp_cached": int(nlp.group(2)) if nlp else None,
        "unchanged_build_s": round(same, 3),
        "unchanged_ratio": round(same / cold, 4),
        "unchanged_build_stopped": "nothing changed since the last build" in said,
    }


def one_run(
    folder: Path, sources: list[Path], extra: Path, labels: Path | None, tree: Path
) -> dict:
    root = new_project(folder / "project", sources, tree)
    if labels is not None:
        (root / "corpus" / "labels").mkdir()
        shutil.copy(labels, root / "corpus" / "labels" / labels.name)
    load = os.getloadavg()[0]
    python = sys.executable
    staged = watch([python, str(HERE / "stages.py"), str(root)], folder / "stages.log")
    if staged.returncode or not staged.result:
        raise BenchmarkError(f"the staged build failed:\n{staged.stderr}")
    floor = watch([python, str(HERE / "floor.py"), str(root)], folder / "floor.log")
    if floor.returncode or not floor.result:
        raise BenchmarkError(f"the floor measurement failed:\n{floor.stderr}")
    record = {
        "load_average_at_start": load,
        **staged.result,
        "floor_s": floor.result["floor_s"],
        "floor_config": floor.result["floor_config"],
        "floor_timings_s": floor.result["timings_s"],
        "floor_batch_calibration_s": floor.result["calibration_s"],
        "floor_texts": floor.result["texts"],
        "floor_words": floor.result["words"],
        "floor_peak_rss_mb": floor.peak_mb,
        "peak_rss_mb": staged.peak_mb,
        "stage_peak_rss_mb": {s: staged.stage_peaks_mb.get(s) for s in ("import", *STAGES)},
        "peak_pss_mb": staged.peak_pss_mb,
        "stage_peak_pss_mb": {s: staged.stage_peaks_pss_mb.get(s) for s in ("import", *STAGES)},
        "step_peak_pss_mb": staged.step_peaks_pss_mb,
        "step_s": staged.step_seconds,
        "site": site_figures(root / "site"),
    }
    if browser_available():
        waited = search_wait(root / "site")
        record["search"] = {k: waited[k] for k in ("first_result_s", "next_result_s")}
    times = {s: record[f"{s}_s"] for s in STAGES}
    base = record["floor_s"]
    record["ratios"] = {
        **{f"{s}/floor": round(times[s] / base, 3) for s in STAGES if s != "mkdocs"},
        "(ingest+analyse+render)/floor": round(
            (times["ingest"] + times["analyse"] + times["render"]) / base, 3
        ),
        "mkdocs/floor": round(times["mkdocs"] / base, 3),
    }
    record.update(incremental(root, extra))
    again = watch([python, str(HERE / "stages.py"), str(root)], folder / "rebuild.log")
    if again.returncode or not again.result:
        raise BenchmarkError(f"the unchanged rebuild failed:\n{again.stderr}")
    record["unchanged_rebuild_s"] = {s: again.result[f"{s}_s"] for s in STAGES}
    return record


def _generator_modified() -> bool:
    status = subprocess.run(
        ["git", "status", "--porcelain", "--", "generator", "site_templates", "mkdocs.yml"],
        cwd=REPO,
        capture_output=True,
        text=True,
    )
    return bool(status.stdout.strip())


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--comments", type=parse_size, help="number of comments (10000, 10k)")
    parser.add_argument("--size", type=parse_size, help="1k, 10k or 100k (same as --comments)")
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--layout", choices=LAYOUTS, default="pages")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--seeds", action="store_true", help="build the shipped seed corpus")
    parser.add_argument("--json", type=Path, help="write the results here")
    parser.add_argument(
        "--markdown", type=Path, help="write the table here (default: next to --json)"
    )
    parser.add_argument("--workdir", type=Path, help="where the temporary projects go")
    parser.add_argument("--keep", action="store_true", help="keep the temporary projects")
    parser.add_argument(
        "--revision", help="measure this git revision (e.g. HEAD) instead of the working tree"
    )
    args = parser.parse_args(argv)
    comments = args.comments or args.size
    if not comments and not args.seeds:
        parser.error("give --comments N (or --size 10k, or --seeds)")
    work = Path(tempfile.mkdtemp(prefix="themesite-bench-", dir=args.workdir))
    commit = commit_of(args.revision or "HEAD")
    changed = not args.revision and bool(commit_of() and _generator_modified())
    tree = snapshot(commit, work / "checkout") if args.revision else REPO
    synth = Synth(comments or 20, args.seed, load_seeds(tree / "corpus" / "threads"))
    labels = None
    if args.seeds:
        sources = sorted((tree / "corpus" / "raw").glob("*.txt"))
        labels = tree / "corpus" / "labels" / "seeds.csv"
        corpus: dict = {"name": "seeds"}
    else:
        generated = time.perf_counter()
        sources = write_corpus(synth, work / "source", args.layout)
        corpus = {"name": "synthetic", **synth.stats.as_json()}
        corpus["generate_s"] = round(time.perf_counter() - generated, 2)
    extra = write_extra_thread(synth, work / "extra", "pages" if args.seeds else args.layout)
    records = []
    try:
        for number in range(1, args.runs + 1):
            print(f"run {number}/{args.runs} ...", file=sys.stderr, flush=True)
            records.append(one_run(work / f"run-{number}", sources, extra, labels, tree))
    except (BenchmarkError, RuntimeError) as exc:
        print(f"error: {exc}\n(the projects are kept in {work})", file=sys.stderr)
        return 1
    if not args.keep:
        shutil.rmtree(work, ignore_errors=True)
    layout = "pages" if args.seeds else args.layout
    report = summarise(records, corpus, layout, args.seed, machine(), commit, changed)
    table = markdown(report)
    print(table)
    if args.json:
        args.json.parent.mkdir(parents=True, exist_ok=True)
        args.json.write_text(json.dumps(report, indent=2) + "\n", encoding="utf-8")
    target = args.markdown or (args.json.with_suffix(".md") if args.json else None)
    if target:
        target.write_text(table, encoding="utf-8")
    if args.keep:
        print(f"projects kept in {work}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
