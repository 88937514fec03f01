"""How well the analysis does on corpora nobody here wrote a taxonomy for.

ArgKP (IBM, CDLA-Sharing 1.0): each topic-stance group is one project whose themes are
its key points written in words only (label = description = the key point). For every
argument the annotators matched to a key point, the theme themesite gives it the
highest confidence (assigned or ambiguous) is right or wrong; arguments with no theme
count as wrong. Beside it, in the same run: always the group's most frequent key point.

Polis: each conversation with no taxonomy at all (discovered themes only): how many
themes, and how many comments they cover.

    python benchmarks/agreement.py --argkp ../shared/corpora/argkp --split dev \
        --polis ../shared/corpora/polis [--revision REV] [--json FILE]
"""

from __future__ import annotations

import argparse
import csv
import json
import tempfile
from collections import Counter, defaultdict
from pathlib import Path

from project import snapshot, themesite


def _groups(folder: Path, split: str):
    """(topic, stance) -> (arguments {id: text}, key points {id: text}, matches {arg: kps})."""
    arguments: dict = defaultdict(dict)
    points: dict = defaultdict(dict)
    group_of = {}
    with (folder / f"arguments_{split}.csv").open(encoding="utf-8") as handle:
        for row in csv.DictReader(handle):
            key = (row["topic"], row["stance"])
            arguments[key][row["arg_id"]] = row["argument"]
            group_of[row["arg_id"]] = key
    with (folder / f"key_points_{split}.csv").open(encoding="utf-8") as handle:
        for row in csv.DictReader(handle):
            points[(row["topic"], row["stance"])][row["key_point_id"]] = row["key_point"]
    matches: dict = defaultdict(lambda: defaultdict(set))
    with (folder / f"labels_{split}.csv").open(encoding="utf-8") as handle:
        for row in csv.DictReader(handle):
            if row["label"] == "1":
                matches[group_of[row["arg_id"]]][row["arg_id"]].add(row["key_point_id"])
    return {key: (arguments[key], points[key], matches[key]) for key in sorted(arguments)}


def _theme_id(kp_id: str) -> str:
    return kp_id.replace("_", "-").lower()


def _project(root: Path, rows: list[dict], themes: dict[str, str] | None) -> Path:
    (root / "corpus" / "raw").mkdir(parents=True)
    source = root / "export.csv"
    with source.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.DictWriter(handle, fieldnames=["thread", "comment_id", "text"])
        writer.writeheader()
        writer.writerows(rows)
    lines = ["version: 1", "themes:" if themes else "themes: []"]
    for kp_id, text in (themes or {}).items():
        quoted = json.dumps(text)
        lines += [
            f"  - id: {_theme_id(kp_id)}",
            f"    label: {quoted}",
            f"    description: {quoted}",
        ]
    (root / "corpus" / "taxonomy.yml").write_text("\n".join(lines) + "\n", encoding="utf-8")
    themesite(root, "add", str(source))
    themesite(root, "analyse")
    return root


def _best_theme(root: Path, themes: set[str]) -> dict[str, str]:
    """Source id of each comment -> its highest-confidence theme among `themes` (the key
    points: a discovered theme's confidence is a typicality, not comparable)."""
    source_of = {}
    for path in (root / "corpus" / "threads").glob("*.json"):
        for comment in json.loads(path.read_text("utf-8"))["comments"]:
            source_of[comment["id"]] = comment["source_id"]
    findings = json.loads((root / "build" / "findings.json").read_text("utf-8"))
    best: dict[str, tuple[float, str]] = {}
    for item in findings["comment_assignments"]:
        if item["theme_id"] not in themes:
            continue
        key = source_of[item["unit_id"]]
        if key not in best or item["confidence"] > best[key][0]:
            best[key] = (item["confidence"], item["theme_id"])
    return {key: theme for key, (_, theme) in best.items()}


def argkp(folder: Path, split: str, work: Path) -> dict:
    right = majority = total = themed = 0
    for number, ((topic, stance), (arguments, points, matches)) in enumerate(
        _groups(folder, split).items()
    ):
        rows = [
            {"thread": f"{topic} ({stance})", "comment_id": a, "text": t}
            for a, t in arguments.items()
        ]
        best = _best_theme(
            _project(work / f"argkp-{split}-{number}", rows, points), {_theme_id(k) for k in points}
        )
        frequent = Counter(kp for kps in matches.values() for kp in kps).most_common(1)[0][0]
        for arg_id, kps in matches.items():
            total += 1
            themed += arg_id in best
            right += best.get(arg_id) in {_theme_id(kp) for kp in kps}
            majority += frequent in kps
    return {
        "split": split,
        "matched_arguments": total,
        "top_theme_accuracy": round(right / total, 3),
        "most_frequent_key_point": round(majority / total, 3),
        "arguments_with_a_theme": round(themed / total, 3),
        "right_when_a_theme_is_given": round(right / max(themed, 1), 3),
    }


def polis(folder: Path, work: Path) -> list[dict]:
    results = []
    for conversation in sorted(p for p in folder.iterdir() if p.is_dir()):
        root = work / f"polis-{conversation.name}"
        (root / "corpus" / "raw").mkdir(parents=True)
        try:
            themesite(root, "add", str(conversation))
            themesite(root, "analyse")
        except RuntimeError as exc:  # older revisions refuse a folder as published
            results.append({"conversation": conversation.name, "failed": str(exc)[-300:]})
            continue
        findings = json.loads((root / "build" / "findings.json").read_text("utf-8"))
        results.append(
            {
                "conversation": conversation.name,
                "comments": findings["corpus"]["comments"],
                "discovered_themes": len(findings["themes"]),
                "assigned": findings["coverage"]["assigned"],
            }
        )
    return results


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--argkp", type=Path)
    parser.add_argument("--split", action="append", default=[])
    parser.add_argument("--polis", type=Path)
    parser.add_argument("--revision", help="measure this git revision instead of the tree")
    parser.add_argument("--json", type=Path)
    args = parser.parse_args()
    work = Path(tempfile.mkdtemp(prefix="themesite-agreement-"))
    if args.revision:
        snapshot(args.revision, work / "checkout")
    report = {"revision": args.revision or "working tree"}
    if args.argkp:
        report["argkp"] = [argkp(args.argkp, split, work) for split in args.split or ["dev"]]
    if args.polis:
        report["polis"] = polis(args.polis, work)
    text = json.dumps(report, indent=2)
    print(text)
    if args.json:
        args.json.write_text(text + "\n", encoding="utf-8")


if __name__ == "__main__":
    main()
