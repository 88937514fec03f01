"""Themes written in words, on a corpus nobody here has read: IBM ArgKP.

Each topic-stance group is one corpus whose themes are its key points, written in words
only (label = description = the key point; no patterns, no examples). The analysis runs
in this process, as `themesite build` runs it (local engine, one partition), with
discovery off. For every group it reports:

- top1: over the arguments annotators matched to a key point, whether the key point
  with the highest similarity is one they matched;
- char35: the same for a plain character 3-5-gram TF-IDF cosine, the reference;
- coverage: the share of all arguments assigned a key point;
- precision: over the assigned (argument, key point) pairs that annotators labelled
  (1 or 0), the share labelled 1.

`--shots K` gives each key point K of its matched arguments as examples (those with one
key point only, in id order) and holds them out of every figure. `--encoder DIR` adds a
sentence-transformers model folder.

    python benchmarks/argkp.py --argkp ../shared/corpora/argkp --split train --split dev \
        [--shots 0 --shots 5] [--encoder DIR] [--groups] [--json FILE]
"""

from __future__ import annotations

import argparse
import csv
import json
from collections import defaultdict
from pathlib import Path

import numpy as np

from themesite.analyse.engine import LocalEngine
from themesite.analyse.records import ASSIGNED
from themesite.analyse.stage import analyse
from themesite.analyse.statements import NlpSettings
from themesite.analyse.taxonomy import Taxonomy, ThemeSpec
from themesite.config import AnalyseConfig
from themesite.ingest.records import Comment, Thread


def groups(folder: Path, split: str) -> dict:
    """(topic, stance) -> arguments {id: text}, key points {id: text}, labels {(a, k): 0/1}."""
    found: dict = defaultdict(lambda: ({}, {}, {}))
    group_of = {}
    with (folder / f"arguments_{split}.csv").open(encoding="utf-8") as handle:
        for row in csv.DictReader(handle):
            found[(row["topic"], row["stance"])][0][row["arg_id"]] = row["argument"]
            group_of[row["arg_id"]] = (row["topic"], row["stance"])
    with (folder / f"key_points_{split}.csv").open(encoding="utf-8") as handle:
        for row in csv.DictReader(handle):
            found[(row["topic"], row["stance"])][1][row["key_point_id"]] = row["key_point"]
    with (folder / f"labels_{split}.csv").open(encoding="utf-8") as handle:
        for row in csv.DictReader(handle):
            key = (row["arg_id"], row["key_point_id"])
            found[group_of[row["arg_id"]]][2][key] = int(row["label"])
    return {key: found[key] for key in sorted(found)}


def argument_thread(arguments: dict[str, str]) -> Thread:
    comments = tuple(
        Comment(f"c-{arg}", i, None, None, None, None, None, None, (text,), i + 1, i + 1)
        for i, (arg, text) in enumerate(sorted(arguments.items()))
    )
    return Thread(
        "argkp", "ArgKP", "argkp.csv", "", "csv", None, None, (), (), None, comments, (), ()
    )


def run_group(arguments, points, labels, shots: int, encoder: str) -> dict:
    matched = defaultdict(set)
    for (arg, kp), label in labels.items():
        if label:
            matched[arg].add(kp)
    examples = {kp: [] for kp in points}
    for arg in sorted(matched):
        (only,) = matched[arg] if len(matched[arg]) == 1 else (None,)
        if only is not None and len(examples[only]) < shots:
            examples[only].append(arg)
    held = {arg for chosen in examples.values() for arg in chosen}
    scored = {arg: text for arg, text in arguments.items() if arg not in held}
    themes = tuple(
        ThemeSpec(kp, text, text, examples=tuple(arguments[a] for a in examples[kp]))
        for kp, text in sorted(points.items())
    )
    config = AnalyseConfig(discover=False, processes=1, encoder=encoder)
    taxonomy = Taxonomy("", themes)
    engine = LocalEngine.load(
        [argument_thread(scored)], taxonomy, NlpSettings("blank:en", 256, 1), False
    )
    return _figures(analyse(engine, taxonomy, config).findings, themes, scored, matched, labels)


def _figures(findings, themes, scored, matched, labels) -> dict:
    """An argument is one comment: its scores are those of its best statement."""
    table = findings.scores
    best = {
        comment[2:]: table.themes[int(np.argmax(row))]
        for comment, row in zip(table.comments, table.similarity, strict=True)
    }
    graded = [a for a in scored if a in matched]
    # With many examples held out, a small group may have no matched argument left.
    top1 = np.mean([best.get(a) in matched[a] for a in graded]) if graded else None
    assigned = [
        (item.unit_id[2:], item.theme_id)
        for item in findings.comment_assignments
        if item.status == ASSIGNED
    ]
    judged = [labels[pair] for pair in assigned if pair in labels]
    return {
        "arguments": len(scored),
        "graded": len(graded),
        "top1": round(float(top1), 3) if graded else None,
        "char35": round(_char35(scored, themes, matched), 3) if graded else None,
        "coverage": round(len({arg for arg, _ in assigned}) / len(scored), 3),
        "precision": round(float(np.mean(judged)), 3) if judged else None,
        "judged_pairs": len(judged),
    }


def _char35(scored, themes, matched) -> float:
    """The reference: character 3-5-gram TF-IDF cosine of each argument to each key point."""
    from sklearn.feature_extraction.text import TfidfVectorizer

    args = sorted(scored)
    vectorizer = TfidfVectorizer(analyzer="char_wb", ngram_range=(3, 5), sublinear_tf=True)
    x = vectorizer.fit_transform([scored[a] for a in args] + [t.label for t in themes])
    similarity = (x[: len(args)] @ x[len(args) :].T).toarray()
    graded = [i for i, a in enumerate(args) if a in matched]
    return float(
        np.mean([themes[int(np.argmax(similarity[i]))].id in matched[args[i]] for i in graded])
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--argkp", type=Path, required=True)
    parser.add_argument("--split", action="append", required=True)
    parser.add_argument("--shots", type=int, action="append")
    parser.add_argument("--encoder", default="")
    parser.add_argument("--groups", action="store_true", help="print every group's figures")
    parser.add_argument("--json", type=Path)
    args = parser.parse_args()
    report = {}
    for split in args.split:
        for shots in args.shots or [0]:
            rows = []
            for (topic, stance), (arguments, points, labels) in groups(args.argkp, split).items():
                figures = run_group(arguments, points, labels, shots, args.encoder)
                rows.append({"topic": topic, "stance": stance, **figures})
                if args.groups:
                    print(
                        f"  {split} k={shots} {stance:>2} {topic[:48]:48} {_line(figures)}",
                        flush=True,
                    )
            total = _summary(rows)
            report[f"{split} k={shots}"] = {"summary": total, "groups": rows}
            print(f"{split} k={shots}: {_line(total)}", flush=True)
    if args.json:
        args.json.write_text(json.dumps(report, indent=2) + "\n", encoding="utf-8")


def _summary(rows: list[dict]) -> dict:
    """Figures over all arguments of the split (each group weighted by its size)."""

    def weighted(key, weight):
        pairs = [(r[key], r[weight]) for r in rows if r[key] is not None and r[weight]]
        return round(sum(v * w for v, w in pairs) / sum(w for _, w in pairs), 3)

    return {
        "groups": len(rows),
        "arguments": sum(r["arguments"] for r in rows),
        "graded": sum(r["graded"] for r in rows),
        "top1": weighted("top1", "graded"),
        "char35": weighted("char35", "graded"),
        "coverage": weighted("coverage", "arguments"),
        "precision": weighted("precision", "judged_pairs"),
    }


def _line(figures: dict) -> str:
    return " ".join(f"{k} {figures[k]}" for k in ("top1", "char35", "coverage", "precision"))


if __name__ == "__main__":
    main()
