"""Discovered themes on corpora nobody here tuned to: ArgKP, Polis, the seeds.

Every corpus is analysed in this process as `themesite build` analyses it (local engine,
one partition), with discovery on. Printed, beside plain baselines measured in the same
run:

- **ArgKP key-point recovery**, with an empty taxonomy, each topic-stance group one
  corpus of arguments without authors: discovered themes (their assigned comments) are
  matched one-to-one to the annotators' key points with at least 5 arguments (Hungarian
  matching on F1), and the F1 of each key point (0 when unmatched) is averaged weighted
  by its size. Baselines: k-means on word + character TF-IDF with LSA *told* the true
  number of key points, and one cluster of everything.
- **Polis**, empty taxonomy: every discovered theme with its name, size and two quotes;
  themes per conversation; the share of comments in some theme.
- **Seeds**, the shipped taxonomy: the discovered themes with names and quotes.
- **Stability**: the seeds, then the seeds plus one Polis conversation: the share of the
  first build's discovered themes whose name is kept and 80% of whose members stay in
  one theme.

    python benchmarks/discovery.py --argkp ../shared/corpora/argkp --split train \
        --split dev --polis ../shared/corpora/polis [--seeds corpus] [--json FILE]
"""

from __future__ import annotations

import argparse
import json
import sys
from collections import defaultdict
from pathlib import Path

import numpy as np

from themesite.analyse.engine import LocalEngine
from themesite.analyse.records import ASSIGNED, DISCOVERED
from themesite.analyse.stage import analyse
from themesite.analyse.statements import NlpSettings
from themesite.analyse.taxonomy import Taxonomy, load_taxonomy
from themesite.config import AnalyseConfig, IngestConfig

sys.path.insert(0, str(Path(__file__).parent))
from argkp import argument_thread, groups  # noqa: E402

#: Key points with fewer matched arguments are not scored (as in the reference figure).
MIN_KEY_POINT = 5
#: A theme that keeps this share of its members in one later theme is kept.
KEPT_MEMBERS = 0.8


def discovered(threads, taxonomy: Taxonomy) -> tuple[list, dict[str, set[str]], object]:
    """Discovered themes, their assigned comments, and the findings."""
    engine = LocalEngine.load(threads, taxonomy, NlpSettings("blank:en", 256, 1), False)
    findings = analyse(engine, taxonomy, AnalyseConfig(processes=1)).findings
    themes = [t for t in findings.themes if t.theme.kind == DISCOVERED]
    members: dict[str, set[str]] = defaultdict(set)
    for item in findings.comment_assignments:
        if item.status == ASSIGNED:
            members[item.theme_id].add(item.unit_id)
    return themes, {t.theme.id: members[t.theme.id] for t in themes}, findings


def recovery(clusters: list[set[str]], gold: dict[str, set[str]]) -> float:
    """Size-weighted F1 of the key points matched one-to-one to clusters."""
    from scipy.optimize import linear_sum_assignment

    points = sorted(p for p, members in gold.items() if len(members) >= MIN_KEY_POINT)
    if not points:
        return float("nan")
    f1 = np.zeros((len(points), max(1, len(clusters))))
    for i, p in enumerate(points):
        for j, cluster in enumerate(clusters):
            both = len(gold[p] & cluster)
            f1[i, j] = 2 * both / (len(gold[p]) + len(cluster)) if both else 0.0
    rows, cols = linear_sum_assignment(-f1)
    best = dict(zip(rows, f1[rows, cols], strict=True))
    sizes = np.array([len(gold[p]) for p in points], float)
    return float(sum(best.get(i, 0.0) * s for i, s in enumerate(sizes)) / sizes.sum())


def told_k(arguments: dict[str, str], k: int, seed: int = 13) -> list[set[str]]:
    """The reference: k-means on word + character TF-IDF with LSA, given the true k."""
    from scipy import sparse
    from sklearn.cluster import KMeans
    from sklearn.decomposition import TruncatedSVD
    from sklearn.feature_extraction.text import TfidfVectorizer
    from sklearn.preprocessing import normalize

    ids = sorted(arguments)
    texts = [arguments[a] for a in ids]
    words = TfidfVectorizer(stop_words="english", sublinear_tf=True).fit_transform(texts)
    chars = TfidfVectorizer(analyzer="char_wb", ngram_range=(3, 5), sublinear_tf=True)
    x = sparse.hstack([words, chars.fit_transform(texts)]).tocsr()
    lsa = normalize(TruncatedSVD(min(100, x.shape[1] - 1), random_state=seed).fit_transform(x))
    labels = KMeans(k, n_init=10, random_state=seed).fit_predict(lsa)
    return [{f"c-{ids[i]}" for i in np.flatnonzero(labels == c)} for c in range(k)]


def argkp(folder: Path, split: str) -> list[dict]:
    rows = []
    for (topic, stance), (arguments, _points, labels) in groups(folder, split).items():
        gold: dict[str, set[str]] = defaultdict(set)
        for (arg, kp), label in labels.items():
            if label:
                gold[kp].add(f"c-{arg}")
        themes, members, _ = discovered([argument_thread(arguments)], Taxonomy("", ()))
        scored = [kp for kp in gold if len(gold[kp]) >= MIN_KEY_POINT]
        rows.append(
            {
                "topic": topic,
                "stance": stance,
                "arguments": len(arguments),
                "key_points": len(scored),
                "themes": len(themes),
                "covered": round(len(set().union(*members.values())) / len(arguments), 3),
                "recovery": round(recovery(list(members.values()), gold), 3),
                "told_k": round(recovery(told_k(arguments, max(1, len(scored))), gold), 3),
                "one_cluster": round(recovery([{f"c-{a}" for a in arguments}], gold), 3),
                "names": [t.theme.label for t in themes],
            }
        )
    return rows


def _weighted(rows: list[dict], key: str) -> float:
    weights = np.array([r["arguments"] for r in rows], float)
    return round(float(np.dot([r[key] for r in rows], weights) / weights.sum()), 3)


def listing(themes, findings) -> list[dict]:
    quotes = {t.theme.id: t.quotes for t in findings.themes}
    return [
        {
            "id": t.theme.id,
            "name": t.theme.label,
            "key_terms": list(t.theme.key_terms[:6]),
            "comments": t.comments,
            "quotes": [q.text for q in quotes[t.theme.id][:2]],
        }
        for t in themes
    ]


def polis_threads(folder: Path):
    from themesite.ingest.pipeline import parse_file

    return parse_file(folder / "comments.csv", f"{folder.name}/comments.csv", IngestConfig())


def polis(folder: Path) -> list[dict]:
    report = []
    for conversation in sorted(p for p in folder.iterdir() if (p / "comments.csv").exists()):
        threads = polis_threads(conversation)
        themes, members, findings = discovered(threads, Taxonomy("", ()))
        analysed = sum(1 for t in threads for c in t.comments if not c.excluded)
        covered = len(set().union(set(), *members.values()))
        report.append(
            {
                "conversation": conversation.name,
                "comments": analysed,
                "themes": len(themes),
                "covered": round(covered / analysed, 3),
                "listing": listing(themes, findings),
            }
        )
    return report


def seeds(project: Path, polis_folder: Path | None) -> dict:
    from themesite.ingest.store import read_threads

    threads = read_threads(project / "threads")
    taxonomy = load_taxonomy(project / "taxonomy.yml")
    themes, members, findings = discovered(threads, taxonomy)
    result: dict = {"themes": len(themes), "listing": listing(themes, findings)}
    if polis_folder is not None:
        extra = polis_threads(polis_folder)
        after, after_members, _ = discovered(threads + extra, taxonomy)
        names = {t.theme.label for t in after}
        kept = [
            t.theme.label
            for t in themes
            if t.theme.label in names
            and max((len(members[t.theme.id] & m) for m in after_members.values()), default=0)
            >= KEPT_MEMBERS * len(members[t.theme.id])
        ]
        result["stability"] = {
            "added": polis_folder.name,
            "before": len(themes),
            "after": len(after),
            "kept": len(kept),
            "share": round(len(kept) / len(themes), 3) if themes else None,
        }
    return result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--argkp", type=Path)
    parser.add_argument("--split", action="append", default=[])
    parser.add_argument("--polis", type=Path)
    parser.add_argument("--seeds", type=Path, help="a corpus/ folder: threads/, taxonomy.yml")
    parser.add_argument("--stability-with", default="brexit-consensus")
    parser.add_argument("--json", type=Path)
    args = parser.parse_args()
    report: dict = {}
    for split in args.split if args.argkp else []:
        rows = argkp(args.argkp, split)
        for r in rows:
            print(
                f"  {split} {r['stance']:>2} {r['topic'][:50]:50} kp {r['key_points']:2} "
                f"themes {r['themes']:2} recovery {r['recovery']:.3f} told-k {r['told_k']:.3f} "
                f"one {r['one_cluster']:.3f} covered {r['covered']:.2f}",
                flush=True,
            )
        summary = {key: _weighted(rows, key) for key in ("recovery", "told_k", "one_cluster")}
        summary["covered"] = _weighted(rows, "covered")
        report[f"argkp {split}"] = {"summary": summary, "groups": rows}
        print(f"argkp {split}: {summary}", flush=True)
    if args.polis:
        report["polis"] = polis(args.polis)
        for c in report["polis"]:
            print(f"polis {c['conversation']}: {c['themes']} themes, covered {c['covered']}")
            for t in c["listing"]:
                print(f"  {t['name']} ({t['comments']}) [{', '.join(t['key_terms'])}]")
                for q in t["quotes"]:
                    print(f"      > {q[:110]}")
    if args.seeds:
        report["seeds"] = seeds(
            args.seeds, args.polis / args.stability_with if args.polis else None
        )
        for t in report["seeds"]["listing"]:
            print(f"seeds: {t['name']} ({t['comments']}) [{', '.join(t['key_terms'])}]")
            for q in t["quotes"]:
                print(f"      > {q[:110]}")
        print(f"stability: {report['seeds'].get('stability')}")
    if args.json:
        args.json.write_text(json.dumps(report, indent=2) + "\n", encoding="utf-8")


if __name__ == "__main__":
    main()
