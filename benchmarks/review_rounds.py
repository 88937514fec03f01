"""Rounds of review on ArgKP: does a researcher's judgement, fed back, make the themes better?

Each topic-stance group is one corpus whose themes are its key points in words only, as
in `argkp.py`. A simulated researcher then works in rounds: for every key point, the
first `--rows` rows of its review sheet (`themesite review` order) that they have not
answered yet, answered with the annotators' labels (`yes` for a matched key point; `no`
otherwise, with the argument's matched key point, if it has one, as `other_theme`).
The verdicts are applied as `themesite review --apply` records them, and the group is
analysed again, as the next `themesite build` would.

top1 (as in `argkp.py`: the most similar key point is one the annotators matched) is
reported after each round over two sets of matched arguments:

- held: those the researcher never reviewed in any round (the same set every round), the
  honest figure;
- all: every matched argument, the reviewed ones (whose own text is now an example) too.

    python benchmarks/review_rounds.py --argkp ../shared/corpora/argkp --split train \
        [--rounds 3] [--rows 10] [--json benchmarks/results/review-rounds.json]
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from collections import defaultdict
from pathlib import Path

import numpy as np

from themesite.analyse.engine import LocalEngine
from themesite.analyse.records import Findings
from themesite.analyse.shaping import NO, YES, Shaping, Verdict, supervised
from themesite.analyse.stage import analyse
from themesite.analyse.statements import NlpSettings
from themesite.analyse.taxonomy import Taxonomy, ThemeSpec
from themesite.config import AnalyseConfig
from themesite.review.sheet import review_rows

sys.path.insert(0, str(Path(__file__).parent))
from argkp import argument_thread, groups  # noqa: E402


def analysed(arguments: dict[str, str], taxonomy: Taxonomy, verdicts: list[Verdict]) -> Findings:
    """The group analysed with the verdicts so far, as `themesite build` would."""
    shaping = Shaping(verdicts=tuple(verdicts))
    texts = {f"c-{arg}": text for arg, text in arguments.items()}
    engine = LocalEngine.load(
        [argument_thread(arguments)], taxonomy, NlpSettings("blank:en", 256, 1), False
    )
    config = AnalyseConfig(discover=False, processes=1)
    return analyse(engine, supervised(taxonomy, shaping, texts), config, shaping=shaping).findings


def answers(findings: Findings, rows: int, matched, done: set, texts) -> list[Verdict]:
    """One round of the researcher: `rows` unanswered rows of every key point's sheet."""
    verdicts = []
    for item in findings.themes:
        theme = item.theme
        taken = 0
        for row in review_rows(findings, theme, texts):
            comment = str(row["comment_id"])
            if taken == rows:
                break
            if (comment, theme.id) in done:
                continue
            taken += 1
            truth = matched.get(comment[2:], set())
            decided = [(theme.id, YES if theme.id in truth else NO)]
            if theme.id not in truth and truth:
                decided.append((min(truth), YES))  # the sheet's other_theme column
            for theme_id, decision in decided:
                if (comment, theme_id) not in done:
                    done.add((comment, theme_id))
                    verdicts.append(Verdict(comment, theme_id, decision, "sim", "", "sim"))
    return verdicts


def best_points(findings: Findings) -> dict[str, str]:
    table = findings.scores
    return {
        comment[2:]: table.themes[int(np.argmax(row))]
        for comment, row in zip(table.comments, table.similarity, strict=True)
    }


def run_group(arguments, points, labels, rounds: int, rows: int) -> dict:
    matched: dict[str, set[str]] = defaultdict(set)
    for (arg, kp), label in labels.items():
        if label:
            matched[arg].add(kp)
    themes = tuple(ThemeSpec(kp, text, text) for kp, text in sorted(points.items()))
    taxonomy = Taxonomy("", themes)
    texts = {f"c-{arg}": text for arg, text in arguments.items()}
    verdicts: list[Verdict] = []
    done: set[tuple[str, str]] = set()
    best = []
    for round_ in range(rounds + 1):
        findings = analysed(arguments, taxonomy, verdicts)
        best.append(best_points(findings))
        if round_ < rounds:
            verdicts += answers(findings, rows, matched, done, texts)
    reviewed = {comment[2:] for comment, _ in done}
    graded = sorted(a for a in arguments if a in matched)
    held = [a for a in graded if a not in reviewed]

    def top1(found: dict[str, str], over: list[str]) -> float | None:
        return float(np.mean([found.get(a) in matched[a] for a in over])) if over else None

    return {
        "arguments": len(arguments),
        "graded": len(graded),
        "held": len(held),
        "reviewed": len(reviewed),
        "verdicts": len(verdicts),
        "top1_held": [top1(found, held) for found in best],
        "top1_all": [top1(found, graded) for found in best],
    }


def summary(rows: list[dict], rounds: int) -> dict:
    """Per round, top1 over every group's arguments (each group weighted by its count)."""

    def weighted(key: str, weight: str, r: int) -> float:
        pairs = [(g[key][r], g[weight]) for g in rows if g[key][r] is not None and g[weight]]
        return round(sum(v * w for v, w in pairs) / sum(w for _, w in pairs), 3)

    return {
        "groups": len(rows),
        "arguments": sum(g["arguments"] for g in rows),
        "graded": sum(g["graded"] for g in rows),
        "held": sum(g["held"] for g in rows),
        "reviewed": sum(g["reviewed"] for g in rows),
        "verdicts": sum(g["verdicts"] for g in rows),
        "top1_held": [weighted("top1_held", "held", r) for r in range(rounds + 1)],
        "top1_all": [weighted("top1_all", "graded", r) for r in range(rounds + 1)],
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--argkp", type=Path, required=True)
    parser.add_argument("--split", default="train")
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--rows", type=int, default=10, help="rows reviewed per theme per round")
    parser.add_argument("--limit", type=int, default=0, help="only the first N groups")
    parser.add_argument("--json", type=Path)
    args = parser.parse_args()
    started = time.perf_counter()
    rows = []
    found = list(groups(args.argkp, args.split).items())
    for (topic, stance), (arguments, points, labels) in found[: args.limit or None]:
        figures = run_group(arguments, points, labels, args.rounds, args.rows)
        rows.append({"topic": topic, "stance": stance, **figures})
        held = " ".join(f"{v:.3f}" if v is not None else "-" for v in figures["top1_held"])
        print(f"  {stance:>2} {topic[:48]:48} held {figures['held']:3} top1 {held}", flush=True)
    total = summary(rows, args.rounds)
    total["seconds"] = round(time.perf_counter() - started, 1)
    total["rows_per_theme"] = args.rows
    print(json.dumps(total), flush=True)
    if args.json:
        report = json.loads(args.json.read_text("utf-8")) if args.json.exists() else {}
        report[f"{args.split} rows={args.rows}"] = {"summary": total, "groups": rows}
        args.json.write_text(json.dumps(report, indent=2) + "\n", encoding="utf-8")


if __name__ == "__main__":
    main()
