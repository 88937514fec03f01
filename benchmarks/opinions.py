"""Opinion groups: agreement with Polis's own groups, and the cost at scale.

    python benchmarks/opinions.py polis [--folder DIR] [--json OUT]
    python benchmarks/opinions.py scale [--participants 10000] [--comments 2000]
                                        [--votes-each 60] [--runs 3] [--json OUT]

`polis` adds each conversation folder (default: the copies in tests/fixtures/polis)
to a fresh project, reads its votes and forms groups as a build does, then prints per
conversation: participants placed, the groups, the adjusted Rand index between our
groups and the `group-id` Polis itself wrote into participants-votes.csv (over the
participants both placed), and how many comments come out consensus, divisive and
rejected by every group. As a plain baseline beside it: the same pipeline told k = 2
(Polis's own number of groups in all four published conversations).

`scale` writes a synthetic conversation (a Polis comments.csv of short statements and
a participants-votes.csv in which each participant votes on `--votes-each` random
comments, two planted opinion camps), then times in child processes (so each gets a
fresh heap and its own peak RSS): reading the votes and forming the groups and vote
summaries (`votes`, scikit-learn loaded first, as a build has it loaded), against the
NLP floor on the same comments (`floor`: spaCy's blank English pipeline with the
sentencizer and lemmatizer over every comment, one
process). It prints the median of `--runs` runs of each, their ratio and peak memory.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
REPO = HERE.parent
FIXTURES = REPO / "tests" / "fixtures" / "polis"


def _project(folder: Path, root: Path):
    """The conversation added to a new project at `root`; its one thread."""
    from typer.testing import CliRunner

    from themesite.cli import app
    from themesite.ingest.store import read_threads

    (root / "corpus" / "raw").mkdir(parents=True)
    result = CliRunner().invoke(app, ["--project", str(root), "add", str(folder)])
    if result.exit_code:
        raise SystemExit(f"adding {folder} failed: {result.output}")
    (thread,) = read_threads(root / "corpus" / "threads")
    return thread


def polis(folder: Path) -> list[dict]:
    from themesite.analyse.opinions import GroupSettings
    from themesite.analyse.records import CONSENSUS, DIVISIVE, REJECTED
    from themesite.analyse.votes import thread_opinions
    from themesite.ingest.votes import read_ballots

    rows = []
    for conversation in sorted(p for p in folder.iterdir() if p.is_dir()):
        with tempfile.TemporaryDirectory() as tmp:
            thread = _project(conversation, Path(tmp))
            ballots = read_ballots(Path(tmp) / "corpus" / "raw", thread)
        assert ballots is not None, conversation
        row: dict[str, object] = {"conversation": conversation.name}
        for name, settings in (("ours", GroupSettings()), ("k=2", GroupSettings(k_max=2))):
            started = time.perf_counter()
            opinions = thread_opinions(thread, ballots, settings)
            elapsed = time.perf_counter() - started
            (space,) = opinions.spaces
            verdicts = [c.votes.verdict for c in opinions.comments]
            row[name] = {
                "placed": space.placed,
                "voters": space.voters,
                "groups": space.k,
                "sizes": [len(g.participants) for g in opinions.groups],
                "ari_vs_polis": space.reference_agreement,
                "silhouettes": space.silhouettes,
                "consensus": verdicts.count(CONSENSUS),
                "divisive": verdicts.count(DIVISIVE),
                "rejected": verdicts.count(REJECTED),
                "voted_comments": len(verdicts),
                "seconds": round(elapsed, 3),
            }
        polis_groups = [g for g in ballots.reference_groups if g]
        row["polis"] = {"placed": len(polis_groups), "groups": len(set(polis_groups))}
        rows.append(row)
    return rows


def _print_polis(rows: list[dict]) -> None:
    print(
        "| conversation | placed (Polis) | groups ours (Polis) | ARI vs Polis | ARI at k=2 |"
        " consensus | divisive | rejected | voted comments |"
    )
    print("|---|---|---|---|---|---|---|---|---|")
    for row in rows:
        ours, two, theirs = row["ours"], row["k=2"], row["polis"]
        print(
            f"| {row['conversation']} | {ours['placed']} ({theirs['placed']}) | "
            f"{ours['groups']} {ours['sizes']} ({theirs['groups']}) | {ours['ari_vs_polis']} | "
            f"{two['ari_vs_polis']} | {ours['consensus']} | {ours['divisive']} | "
            f"{ours['rejected']} | {ours['voted_comments']} |"
        )


def write_synthetic(folder: Path, participants: int, comments: int, each: int, seed: int) -> None:
    """A Polis-shaped conversation: comments.csv, summary.csv, participants-votes.csv."""
    import csv

    sys.path.insert(0, str(HERE))
    from seedtext import load
    from textgen import TextMaker

    from themesite.ingest.formats.polis import COLUMNS

    rng = random.Random(seed)
    maker = TextMaker(load(), rng)
    folder.mkdir(parents=True)
    with (folder / "comments.csv").open("w", newline="", encoding="utf-8") as handle:
        out = csv.writer(handle)
        out.writerow(COLUMNS)
        for i in range(comments):
            text = maker.comment().sentences[0]
            out.writerow([1500000000000 + i, "", i, i % participants, 0, 0, 1, text])
    (folder / "summary.csv").write_text(
        f"topic,Synthetic conversation\ncomments,{comments}\n", encoding="utf-8"
    )
    # Two camps: on each comment camp 0 agrees with probability p and camp 1 with 1 - p.
    lean = [rng.random() for _ in range(comments)]
    with (folder / "participants-votes.csv").open("w", newline="", encoding="utf-8") as handle:
        out = csv.writer(handle)
        out.writerow(
            [
                "participant",
                "group-id",
                "n-comments",
                "n-votes",
                "n-agree",
                "n-disagree",
                *range(comments),
            ]
        )
        for p in range(participants):
            camp = p % 2
            cells = [""] * comments
            for c in rng.sample(range(comments), min(each, comments)):
                agree = lean[c] if camp == 0 else 1 - lean[c]
                draw = rng.random()
                cells[c] = "0" if draw < 0.1 else ("1" if draw < 0.1 + 0.9 * agree else "-1")
            out.writerow([p, camp, 0, each, 0, 0, *cells])


def _child(kind: str, root: Path) -> None:
    """One timed measurement; prints a JSON line with seconds and peak RSS."""
    from themesite.ingest.store import read_threads

    (thread,) = read_threads(root / "corpus" / "threads")
    if kind == "votes":
        # Loaded before the clock starts: a build has loaded them for its own models.
        import sklearn.cluster  # noqa: F401
        import sklearn.decomposition  # noqa: F401
        import sklearn.metrics  # noqa: F401

        from themesite.analyse.opinions import GroupSettings
        from themesite.analyse.votes import thread_opinions
        from themesite.ingest.votes import read_ballots

        started = time.perf_counter()
        ballots = read_ballots(root / "corpus" / "raw", thread)
        opinions = thread_opinions(thread, ballots, GroupSettings())
        elapsed = time.perf_counter() - started
        extra = {"groups": len(opinions.groups), "ari": opinions.spaces[0].reference_agreement}
    else:
        from themesite.analyse.pipeline import build_pipeline

        texts = [c.text for c in thread.comments if not c.excluded]
        nlp = build_pipeline("blank:en")
        started = time.perf_counter()
        for _ in nlp.pipe(texts, batch_size=256):
            pass
        elapsed = time.perf_counter() - started
        extra = {"texts": len(texts)}
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(json.dumps({"seconds": round(elapsed, 3), "peak_mb": round(peak), **extra}))


def scale(participants: int, comments: int, each: int, runs: int) -> dict:
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp) / "incoming" / "synthetic"
        started = time.perf_counter()
        write_synthetic(folder, participants, comments, each, seed=7)
        root = Path(tmp) / "project"
        _project(folder, root)
        setup = time.perf_counter() - started
        size = (folder / "participants-votes.csv").stat().st_size
        results: dict[str, list[dict]] = {"votes": [], "floor": []}
        for _ in range(runs):
            for kind in results:
                done = subprocess.run(
                    [sys.executable, __file__, "child", kind, str(root)],
                    capture_output=True,
                    text=True,
                    check=True,
                    env=os.environ,
                )
                results[kind].append(json.loads(done.stdout.strip().splitlines()[-1]))
    medians = {k: statistics.median(r["seconds"] for r in v) for k, v in results.items()}
    return {
        "participants": participants,
        "comments": comments,
        "votes_each": each,
        "matrix_mb": round(size / 2**20, 1),
        "setup_s": round(setup, 1),
        "runs": results,
        "median_s": medians,
        "ratio_votes_to_floor": round(medians["votes"] / medians["floor"], 2),
        "peak_mb_votes": max(r["peak_mb"] for r in results["votes"]),
        "peak_mb_floor": max(r["peak_mb"] for r in results["floor"]),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    sub = parser.add_subparsers(dest="command", required=True)
    p = sub.add_parser("polis")
    p.add_argument("--folder", type=Path, default=FIXTURES)
    p.add_argument("--json", type=Path)
    s = sub.add_parser("scale")
    s.add_argument("--participants", type=int, default=10_000)
    s.add_argument("--comments", type=int, default=2_000)
    s.add_argument("--votes-each", type=int, default=60)
    s.add_argument("--runs", type=int, default=3)
    s.add_argument("--json", type=Path)
    c = sub.add_parser("child")
    c.add_argument("kind", choices=("votes", "floor"))
    c.add_argument("root", type=Path)
    args = parser.parse_args()
    if args.command == "child":
        _child(args.kind, args.root)
        return
    if args.command == "polis":
        result = polis(args.folder)
        _print_polis(result)
    else:
        result = scale(args.participants, args.comments, args.votes_each, args.runs)
        print(json.dumps({k: v for k, v in result.items() if k != "runs"}, indent=2))
    if args.json:
        args.json.write_text(json.dumps(result, indent=2) + "\n", encoding="utf-8")


if __name__ == "__main__":
    main()
