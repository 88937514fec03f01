"""Medians over runs, the targets from the performance issue, the machine, a Markdown table."""

from __future__ import annotations

import os
import platform
import statistics
from collections import Counter
from datetime import UTC, datetime
from importlib import metadata

MB = 1e6
#: The targets, as (figure, limit, the size the issue states them for).
TARGETS = {
    "(ingest+analyse+render)/floor <= 2": ("ratios.(ingest+analyse+render)/floor", 2.0, "100k"),
    "peak memory (PSS) < 2 GB": ("peak_pss_mb", 2048.0, "100k"),
    "incremental build <= 15% of cold": ("incremental_ratio", 0.15, "10k"),
    "unchanged build <= 5% of cold": ("unchanged_ratio", 0.05, "10k"),
    "cold build (whole site) <= 10 min": ("cold_build_s", 600.0, "100k"),
    "no page over 2 MB": ("site.largest_page_bytes", 2 * MB, "any"),
    "seed corpus build < 10 s": ("cold_build_s", 10.0, "seeds"),
}


def machine() -> dict:
    def version(package: str) -> str | None:
        try:
            return metadata.version(package)
        except metadata.PackageNotFoundError:
            return None

    def field(path: str, name: str) -> str | None:
        with open(path, encoding="utf-8") as handle:
            for line in handle:
                if line.startswith(name):
                    return line.split(":", 1)[1].strip()
        return None

    cpu = field("/proc/cpuinfo", "model name") or platform.processor()
    memory = int((field("/proc/meminfo", "MemTotal") or "0 kB").split()[0]) * 1024
    return {
        "cpu": cpu,
        "cores": len(os.sched_getaffinity(0)),
        "ram_gb": round(memory / 2**30, 1),
        "os": f"{platform.system()} {platform.release()}",
        "python": platform.python_version(),
        **{name: version(name) for name in ("spacy", "scikit-learn", "mkdocs", "mkdocs-material")},
        "themesite": version("themesite"),
    }


def _median(values: list):
    """Median of numbers; the most common value of anything else (a configuration's name)."""
    if not values:
        return None
    if all(isinstance(v, bool) for v in values):
        return Counter(values).most_common(1)[0][0]
    if all(isinstance(v, int | float) for v in values):
        return round(statistics.median(values), 3)
    if all(isinstance(v, dict) for v in values):
        keys = dict.fromkeys(k for v in values for k in v)
        return {k: _median([v[k] for v in values if v.get(k) is not None]) for k in keys}
    return Counter(map(str, values)).most_common(1)[0][0]


def _lookup(report: dict, dotted: str):
    head, _, rest = dotted.partition(".")
    if head in report and not isinstance(report[head], dict):
        return report[head]
    return report.get(head, {}).get(rest) if rest else report.get(head)


def summarise(
    records: list[dict],
    corpus: dict,
    layout: str,
    seed: int,
    host: dict,
    commit: str,
    modified: bool,
) -> dict:
    medians = _median(records)
    report = {
        "date": datetime.now(UTC).isoformat(timespec="seconds"),
        "commit": commit,
        "generator_changed": modified,
        "corpus": corpus["name"],
        "layout": layout,
        "seed": seed,
        "runs": len(records),
        "comments": medians["comments"],
        "words": corpus.get("words", medians["floor_words"]),
        "threads": medians["threads"],
        "authors": medians["authors"],
        "corpus_figures": corpus,
        **{k: v for k, v in medians.items() if k not in ("comments", "threads", "authors")},
        "machine": host,
        "per_run": records,
    }
    # The winning floor configuration of the run whose floor is the median one (names of
    # configurations have no median; the most common one can disagree with the timings).
    middle = min(records, key=lambda r: abs(r["floor_s"] - medians["floor_s"]))
    report["floor_config"] = middle["floor_config"]
    report["floor_configs"] = [r["floor_config"] for r in records]
    size = "seeds" if corpus["name"] == "seeds" else None
    report["targets"] = {}
    for name, (figure, limit, stated) in TARGETS.items():
        if (stated == "seeds") != (size == "seeds"):
            continue
        value = _lookup(report, figure)
        report["targets"][name] = {
            "value": value,
            "limit": limit,
            "met": value is not None and value <= limit,
            "stated_for": stated,
        }
    return report


COLUMNS = (
    ("comments", "comments"),
    ("words", "words"),
    ("threads", "threads"),
    ("authors", "authors"),
    ("floor s", "floor_s"),
    ("ingest s", "ingest_s"),
    ("analyse s", "analyse_s"),
    ("render s", "render_s"),
    ("mkdocs s", "mkdocs_s"),
    ("(i+a+r)/floor", "ratios.(ingest+analyse+render)/floor"),
    ("mkdocs/floor", "ratios.mkdocs/floor"),
    ("peak RSS MB", "peak_rss_mb"),
    ("peak PSS MB", "peak_pss_mb"),
    ("pages", "site.pages"),
    ("site MB", "site.size_mb"),
    ("largest page KB", "site.largest_page_bytes"),
    ("search index MB", "site.search_index_mb"),
    ("first search result s", "search.first_result_s"),
    ("next search result s", "search.next_result_s"),
    ("cold build s", "cold_build_s"),
    ("incremental s", "incremental_build_s"),
    ("incr/cold", "incremental_ratio"),
    ("pages unchanged by it", "incremental_pages_unchanged"),
)


def _cell(key: str, value) -> str:
    if value is None:
        return "–"
    if key == "site.largest_page_bytes":
        return f"{value / 1000:.0f}"
    if isinstance(value, float):
        return f"{value:.2f}" if value < 100 else f"{value:.0f}"
    return f"{value:,}" if isinstance(value, int) else str(value)


def table_header() -> str:
    names = [name for name, _ in COLUMNS]
    return "| " + " | ".join(names) + " |\n|" + "---:|" * len(names) + "\n"


def table_row(report: dict) -> str:
    return "| " + " | ".join(_cell(k, _lookup(report, k)) for _, k in COLUMNS) + " |\n"


def _heaviest(peaks: dict | None, shown: int = 8) -> str:
    """The steps whose peaks are highest: where memory is held."""
    if not peaks:
        return "not measured"
    top = sorted(peaks.items(), key=lambda item: -item[1])[:shown]
    return "; ".join(f"{name}: {mb:,.0f}" for name, mb in top)


def markdown(report: dict) -> str:
    host = report["machine"]
    lines = [
        f"Corpus: {report['corpus']} ({report['layout']} layout, seed {report['seed']}); "
        f"medians of {report['runs']} runs; {report['date']}, commit {report['commit']}"
        + (" + uncommitted changes" if report["generator_changed"] else ""),
        f"Machine: {host['cpu']}, {host['cores']} cores, {host['ram_gb']} GB RAM, "
        f"Python {host['python']}, spaCy {host['spacy']}, scikit-learn {host['scikit-learn']}, "
        f"MkDocs {host['mkdocs']}, Material {host['mkdocs-material']}",
        f"Floor: {report['floor_config']} (floor timings: {report['floor_timings_s']})",
        f"Peak RSS by stage (MB): {report['stage_peak_rss_mb']}",
        f"Peak PSS by stage (MB): {report.get('stage_peak_pss_mb')}",
        f"Peak PSS by step, heaviest first (MB): {_heaviest(report.get('step_peak_pss_mb'))}",
        "",
        table_header() + table_row(report),
        "| target | value | limit | stated for | met |",
        "|---|---:|---:|---|---|",
    ]
    for name, target in report["targets"].items():
        lines.append(
            f"| {name} | {_cell('', target['value'])} | {_cell('', target['limit'])} "
            f"| {target['stated_for']} | {'yes' if target['met'] else 'no'} |"
        )
    return "\n".join(lines) + "\n"
