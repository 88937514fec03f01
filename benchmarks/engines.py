"""The analysis on the local engine vs on a Dask cluster of single-threaded worker processes.

    python benchmarks/engines.py --size 100k [--runs 3] [--workers 2] [--json FILE]
                                 [--project DIR] [--workdir DIR]

A synthetic project is generated and ingested once (or `--project` names an ingested
one). Each run then times `themesite analyse` (NLP cache off) twice, as a child
process: on the local engine, and with `--engine dask --scheduler ADDRESS` against a
fresh `LocalCluster` started in its own process, as an existing cluster would be.
Memory is sampled as PSS (shared pages divided among their sharers): the analysing
process with its children (for the local engine, its NLP workers; for Dask, the
client), each Dask worker process alone, and the scheduler with its nannies. Both
engines' `build/findings.json` are compared byte for byte.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from procwatch import descendants, pss_bytes
from project import new_project, themesite
from synth import parse_size

_CLUSTER = """
import json, os, sys
from distributed import Client, LocalCluster
cluster = LocalCluster(n_workers=int(sys.argv[1]), threads_per_worker=1, processes=True,
                       dashboard_address=None)
client = Client(cluster)
print(json.dumps({"address": cluster.scheduler_address,
                  "workers": sorted(client.run(os.getpid).values())}), flush=True)
sys.stdin.read()
client.close()
cluster.close()
"""


def _mb(value: int) -> float:
    return round(value / 2**20, 1)


def _sample(process: subprocess.Popen, workers: list[int], cluster: int | None) -> dict:
    """Peak PSS of the analysing process tree, of each worker and of the rest of the cluster."""
    client = 0
    each = dict.fromkeys(workers, 0)
    rest = 0
    while process.poll() is None:
        client = max(client, sum(pss_bytes(p) for p in descendants(process.pid)))
        for pid in workers:
            each[pid] = max(each[pid], pss_bytes(pid))
        if cluster is not None:
            others = descendants(cluster) - set(workers)
            rest = max(rest, sum(pss_bytes(p) for p in others))
        time.sleep(0.05)
    return {
        "client_mb": _mb(client),
        "worker_mb": [_mb(each[pid]) for pid in workers],
        "scheduler_mb": _mb(rest),
    }


def one_analysis(root: Path, engine: str, workers: int) -> dict:
    cluster = None
    info = {"address": None, "workers": []}
    if engine == "dask":
        cluster = subprocess.Popen(
            [sys.executable, "-c", _CLUSTER, str(workers)],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=subprocess.DEVNULL,
            text=True,
        )
        info = json.loads(cluster.stdout.readline())
    command = [sys.executable, "-m", "themesite", "--project", str(root), "analyse"]
    if engine == "dask":
        command += ["--engine", "dask", "--scheduler", info["address"]]
    started = time.perf_counter()
    with (root / f"analyse-{engine}.log").open("w") as log:
        process = subprocess.Popen(command, stdout=log, stderr=subprocess.STDOUT)
        memory = _sample(process, info["workers"], cluster.pid if cluster else None)
    seconds = time.perf_counter() - started
    if cluster:
        cluster.stdin.close()
        cluster.wait(timeout=60)
    if process.returncode:
        raise SystemExit(f"{engine} analysis failed: see {root}/analyse-{engine}.log")
    findings = root / "build" / "findings.json"
    shutil.copy(findings, root / f"findings-{engine}.json")
    return {"seconds": round(seconds, 2), **memory}


def summarise(runs: list[dict]) -> dict:
    median = statistics.median
    workers = len(runs[0]["worker_mb"])
    return {
        "seconds": median(r["seconds"] for r in runs),
        "client_mb": median(r["client_mb"] for r in runs),
        "worker_mb": [median(r["worker_mb"][i] for r in runs) for i in range(workers)],
        "scheduler_mb": median(r["scheduler_mb"] for r in runs),
    }


def table(summary: dict) -> str:
    local, dask = summary["local"], summary["dask"]
    workers = ", ".join(f"{m:,.0f}" for m in dask["worker_mb"])
    rows = [
        "| engine | analyse (s) | peak PSS: analysing process (MB) | per worker (MB) "
        "| scheduler + nannies (MB) |",
        "|---|---:|---:|---:|---:|",
        f"| local | {local['seconds']:.1f} | {local['client_mb']:,.0f} | | |",
        f"| dask, {len(dask['worker_mb'])} workers | {dask['seconds']:.1f} | "
        f"{dask['client_mb']:,.0f} (client) | {workers} | {dask['scheduler_mb']:,.0f} |",
    ]
    return "\n".join(rows)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--size", type=parse_size, default=parse_size("10k"))
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--project", type=Path, help="an ingested project to analyse")
    parser.add_argument("--workdir", type=Path)
    parser.add_argument("--json", type=Path)
    args = parser.parse_args(argv)

    root = args.project
    if root is None:
        root = Path(tempfile.mkdtemp(prefix="engines-", dir=args.workdir)) / "project"
        new_project(root)
        subprocess.run(
            [
                sys.executable,
                str(Path(__file__).with_name("synth.py")),
                "--comments",
                str(args.size),
                "--out",
                str(root / "corpus" / "raw"),
            ],
            check=True,
        )
        themesite(root, "ingest")
    (root / "themesite.yml").write_text("analyse:\n  cache: false\n", encoding="utf-8")
    runs: dict[str, list[dict]] = {"local": [], "dask": []}
    identical = True
    for run in range(args.runs):
        for engine in runs:
            runs[engine].append(one_analysis(root, engine, args.workers))
            print(f"run {run + 1} {engine}: {runs[engine][-1]}", flush=True)
        local = (root / "findings-local.json").read_bytes()
        identical &= local == (root / "findings-dask.json").read_bytes()
    comments = json.loads((root / "build" / "findings.json").read_bytes())["corpus"]["comments"]
    summary = {engine: summarise(items) for engine, items in runs.items()}
    result = {
        "comments": comments,
        "runs": args.runs,
        "workers": args.workers,
        "identical_findings": identical,
        "machine": f"{platform.processor() or platform.machine()}, {os.cpu_count()} cores, "
        f"Python {platform.python_version()}",
        "median": summary,
        "per_run": runs,
    }
    print(table(summary))
    print(f"findings identical on both engines: {identical}")
    if args.json:
        args.json.write_text(json.dumps(result, indent=2) + "\n", encoding="utf-8")
    return 0 if identical else 1


if __name__ == "__main__":
    sys.exit(main())
