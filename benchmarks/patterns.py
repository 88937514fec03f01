"""The taxonomy's pattern matching, with and without the token Matcher's filter.

`PatternMatcher` runs spaCy's token `Matcher` only on a Doc where some token pattern finds
every word it requires (`analyse/nlp.py`). This script times the matcher alone (the Docs
are made first, outside the timing) on a synthetic corpus made from the seeds, under the
shipped taxonomy, with the filter and without it, and checks the hits are identical.

    python benchmarks/patterns.py [--comments 5000] [--runs 5] [--json FILE]
"""

from __future__ import annotations

import argparse
import json
import platform
import statistics
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

from synth import Synth  # noqa: E402

from themesite.analyse.nlp import PatternMatcher  # noqa: E402
from themesite.analyse.pipeline import build_pipeline  # noqa: E402
from themesite.analyse.taxonomy import load_taxonomy  # noqa: E402


class Unfiltered(PatternMatcher):
    """The matcher as it was: the token Matcher on every Doc."""

    def may_match(self, doc) -> bool:
        return bool(self.needs)


def cpu_seconds(matcher: PatternMatcher, docs) -> tuple[float, list]:
    started = time.process_time()
    hits = [matcher(doc) for doc in docs]
    return time.process_time() - started, hits


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--comments", type=int, default=5000)
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--json", type=Path)
    args = parser.parse_args()

    texts = [
        "\n\n".join(c.body.paragraphs)
        for thread in Synth(args.comments).threads()
        for c in thread.comments
    ]
    nlp = build_pipeline("blank:en")
    taxonomy = load_taxonomy(HERE.parent / "corpus" / "taxonomy.yml")
    docs = list(nlp.pipe(texts, batch_size=256))
    filtered, unfiltered = PatternMatcher(nlp, taxonomy), Unfiltered(nlp, taxonomy)
    times = {"filtered": [], "unfiltered": []}
    for _ in range(args.runs):
        for name, matcher in (("unfiltered", unfiltered), ("filtered", filtered)):
            seconds, hits = cpu_seconds(matcher, docs)
            times[name].append(round(seconds, 3))
            if name == "unfiltered":
                expected = hits
            elif hits != expected:
                raise SystemExit("the filter changed the hits")
    median = {name: statistics.median(values) for name, values in times.items()}
    report = {
        "comments": len(texts),
        "token_patterns": len(filtered.needs),
        "docs_matched_by_tokens": sum(filtered.may_match(d) for d in docs),
        "runs": args.runs,
        "cpu_s": times,
        "median_cpu_s": median,
        "saved": round(1 - median["filtered"] / median["unfiltered"], 3),
        "machine": f"{platform.machine()}, {platform.python_version()}",
    }
    print(json.dumps(report, indent=2))
    if args.json:
        args.json.write_text(json.dumps(report, indent=2) + "\n", encoding="utf-8")


if __name__ == "__main__":
    main()
