"""Where a build's time and memory go, step by step: the staged build of `run.py` alone.

    python benchmarks/steps.py --size 100k [--project DIR] [--runs N] [--json FILE]

Builds the synthetic corpus of `run.py` (or reuses the project in DIR when it is already
there: generating 100k comments takes minutes), runs the build stages in a child process
(`stages.py`) and prints, for every step the library reports (`progress.step`), its wall
time and the peak PSS of the process tree while it ran, medians over the runs. No floor,
no MkDocs timing of its own and no incremental build: `run.py` measures those; this is
the profile to read before changing a step, and after.
"""

from __future__ import annotations

import argparse
import json
import shutil
import statistics
import sys
import tempfile
from pathlib import Path

from procwatch import watch
from project import REPO, new_project
from seedtext import load as load_seeds
from synth import Synth, parse_size, write_corpus

HERE = Path(__file__).resolve().parent


def project_for(size: int, seed: int, root: Path) -> Path:
    """The synthetic project of `size` comments in `root`, made once."""
    project = root / "project"
    if not (project / "corpus" / "raw").is_dir():
        synth = Synth(size, seed, load_seeds(REPO / "corpus" / "threads"))
        sources = write_corpus(synth, root / "source", "pages")
        new_project(project, sources, REPO)
    return project


def profile(project: Path, log: Path) -> tuple[dict[str, float], dict[str, float]]:
    """(seconds, peak PSS MB) of each step of one staged build from a cold start."""
    for name in ("corpus/threads", "build", "site"):
        shutil.rmtree(project / name, ignore_errors=True)
    watched = watch([sys.executable, str(HERE / "stages.py"), str(project)], log)
    if watched.returncode or not watched.result:
        raise SystemExit(f"the staged build failed:\n{watched.stderr}")
    return watched.step_seconds, watched.step_peaks_pss_mb


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--size", type=parse_size, required=True, help="1k, 10k, 100k")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--runs", type=int, default=1)
    parser.add_argument("--project", type=Path, help="where the project is made or reused")
    parser.add_argument("--json", type=Path, help="write the figures here")
    args = parser.parse_args()
    root = args.project or Path(tempfile.mkdtemp(prefix="themesite-steps-"))
    root.mkdir(parents=True, exist_ok=True)
    project = project_for(args.size, args.seed, root)
    runs = [profile(project, root / f"steps-{n}.log") for n in range(args.runs)]
    steps = list(dict.fromkeys(name for seconds, _ in runs for name in seconds))
    rows = {
        name: {
            "s": round(statistics.median(r[0].get(name, 0.0) for r in runs), 2),
            "peak_pss_mb": round(statistics.median(r[1].get(name, 0.0) for r in runs), 1),
        }
        for name in steps
    }
    print(f"{args.size:,} comments, median of {args.runs} run(s); project in {root}")
    print("| step | s | peak PSS MB |\n|---|---:|---:|")
    for name, row in rows.items():
        print(f"| {name} | {row['s']:.2f} | {row['peak_pss_mb']:,.0f} |")
    if args.json:
        args.json.write_text(json.dumps({"size": args.size, "steps": rows}, indent=2) + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
