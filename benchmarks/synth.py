"""A deterministic synthetic corpus of N comments, in the thread-page or the CSV layout.

    python benchmarks/synth.py --comments 10000 --out /tmp/corpus10k [--layout csv] [--verify]

The text is recombined from the shipped seed corpus (see `seedtext.py`, `textgen.py`):
about 100 words per comment, from one sentence to several paragraphs; about N/20
authors whose activity follows Zipf's law, each with a stable role; 1 to 60 comments
per thread (log-normal, median about 7); some replies; dates from 2010 to 2024.
Threads are generated and written one at a time, so memory stays small at any N.

`--verify` adds the files to a fresh project with the real `themesite add` and checks
with `themesite check --json` that every comment, reply and highlight is recognised,
no line is unaccounted for and nothing is reported as a duplicate.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import random
import sys
import time
from bisect import bisect_left
from collections.abc import Iterator
from dataclasses import asdict, dataclass
from datetime import date, timedelta
from itertools import accumulate
from pathlib import Path

import seedtext
from layouts import CsvExport, SynthComment, SynthThread, write_page
from textgen import Author, TextMaker, make_authors

LAYOUTS = ("pages", "csv")
_THREAD_MU, _THREAD_SIGMA, _THREAD_MAX = 2.0, 0.9, 60
_REPLY = 0.15
_HIGHLIGHTS = 0.4
_RELATED = 0.3
_PHOTO = 0.6
_FIRST_DAY, _DAYS = date(2010, 1, 1), 15 * 365


@dataclass
class Stats:
    """What was generated: the figures `themesite check` must reproduce."""

    comments: int = 0
    words: int = 0
    threads: int = 0
    authors: int = 0  # distinct authors that wrote at least one comment
    replies: int = 0
    highlights: int = 0
    seed_vocabulary: int = 0  # swappable words in the seeds
    coined_words: int = 0  # new words added to the vocabulary

    def as_json(self) -> dict[str, int]:
        return asdict(self)


def _normalized_digest(text: str) -> bytes:
    """The ingester's duplicate key, up to case and spacing (see ingest/text.py normalize)."""
    return hashlib.blake2b(" ".join(text.split()).casefold().encode(), digest_size=16).digest()


class Synth:
    """Threads for a corpus of `comments` comments; `seed` fixes every choice."""

    def __init__(self, comments: int, seed: int = 1, seeds: seedtext.SeedText | None = None):
        if comments < 1:
            raise ValueError("comments must be at least 1")
        self.total = comments
        self.seed = seed
        self.seeds = seeds or seedtext.load()
        people = max(5, round(comments / 20))
        self.authors = make_authors(people, self.seeds, random.Random(f"authors:{seed}"))
        self.cumulative = list(accumulate(1.0 / rank for rank in range(1, people + 1)))
        self.stats = Stats(seed_vocabulary=self.seeds.vocabulary)

    def threads(self, prefix: str = "t", offset: int = 0) -> Iterator[SynthThread]:
        """Generate the corpus (offset > 0: other content from the same authors)."""
        self.stats = Stats(seed_vocabulary=self.seeds.vocabulary)
        rng = random.Random(f"text:{self.seed}:{offset}")
        maker = TextMaker(self.seeds, rng)
        seen_texts: set[bytes] = set()
        seen_titles: set[str] = set()
        recent: list[str] = []
        used: set[str] = set()
        remaining, index = self.total, 0
        while remaining > 0:
            drawn = round(rng.lognormvariate(_THREAD_MU, _THREAD_SIGMA))
            size = min(remaining, _THREAD_MAX, max(1, drawn))
            index += 1
            key = f"{prefix}{index:06d}"
            thread = self._thread(rng, maker, key, size, seen_texts, seen_titles, recent)
            remaining -= size
            used.update(c.author.name for c in thread.comments)
            self._count(thread, used)
            self.stats.coined_words = maker.coined
            recent = (recent + [thread.title])[-5:]
            yield thread

    def single_thread(self, comments: int, offset: int) -> SynthThread:
        """One thread of exactly `comments` comments, from text stream `offset` (not counted)."""
        rng = random.Random(f"text:{self.seed}:{offset}")
        return self._thread(rng, TextMaker(self.seeds, rng), "x000001", comments, set(), set(), [])

    def _count(self, thread: SynthThread, used: set[str]) -> None:
        stats = self.stats
        stats.threads += 1
        stats.comments += len(thread.comments)
        stats.words += sum(c.body.words for c in thread.comments)
        stats.replies += sum(1 for c in thread.comments if c.reply_to is not None)
        stats.highlights += len(thread.highlights)
        stats.authors = len(used)

    def _thread(
        self,
        rng: random.Random,
        maker: TextMaker,
        key: str,
        size: int,
        seen_texts: set[bytes],
        seen_titles: set[str],
        recent: list[str],
    ) -> SynthThread:
        title = maker.title()
        for _ in range(10):
            if title.casefold() not in seen_titles:
                break
            title = maker.title()
        seen_titles.add(title.casefold())
        published = _FIRST_DAY + timedelta(days=rng.randrange(_DAYS))
        comments: list[SynthComment] = []
        minutes = 0
        for position in range(size):
            author = self._author(rng)
            body = maker.comment()
            while (digest := _normalized_digest("\n".join(body.paragraphs))) in seen_texts:
                body = maker.comment()
            seen_texts.add(digest)
            minutes += rng.randint(1, 600)
            comments.append(
                SynthComment(
                    key=f"{key}-c{position + 1:03d}",
                    author=author,
                    body=body,
                    reply_to=self._parent(rng, comments, author),
                    minutes=minutes,
                )
            )
        highlights: list[tuple[str, Author]] = []
        if size >= 3 and rng.random() < _HIGHLIGHTS:
            for comment in rng.sample(comments, rng.randint(1, 3)):
                highlights.append((rng.choice(comment.body.sentences), comment.author))
        return SynthThread(
            key=key,
            title=title,
            published=published,
            photo=f"Photo: Getty Images/{maker.word()}" if rng.random() < _PHOTO else None,
            article=tuple(maker.article()),
            questions=tuple(maker.questions()),
            comments=tuple(comments),
            highlights=tuple(highlights),
            related=tuple(recent[-3:]) if recent and rng.random() < _RELATED else (),
        )

    def _author(self, rng: random.Random) -> Author:
        """An author drawn with probability proportional to 1 / rank (Zipf)."""
        position = rng.random() * self.cumulative[-1]
        return self.authors[min(bisect_left(self.cumulative, position), len(self.authors) - 1)]

    @staticmethod
    def _parent(rng: random.Random, earlier: list[SynthComment], author: Author) -> int | None:
        """An earlier comment by someone else; pages name the parent only by its author, and
        the ingester links a reply to that author's latest earlier comment, so that one is
        chosen."""
        if not earlier or rng.random() >= _REPLY:
            return None
        candidate = earlier[rng.randrange(len(earlier))].author
        if candidate.name == author.name:
            return None
        return max(i for i, c in enumerate(earlier) if c.author.name == candidate.name)


def write_corpus(synth: Synth, out: Path, layout: str = "pages") -> list[Path]:
    """Write the corpus into `out`; returns the files written."""
    out.mkdir(parents=True, exist_ok=True)
    if layout == "csv":
        path = out / f"synth-{synth.total}.csv"
        export = CsvExport(path)
        try:
            for thread in synth.threads():
                export.write(thread)
        finally:
            export.close()
        synth.stats.highlights = 0  # an export has no BrainTrust quotes
        return [path]
    files = []
    for thread in synth.threads():
        path = out / f"{thread.key}.txt"
        write_page(thread, path)
        files.append(path)
    return files


def write_extra_thread(synth: Synth, out: Path, layout: str = "pages", comments: int = 20) -> Path:
    """One new thread by the corpus's authors, with content the corpus does not have."""
    thread = synth.single_thread(comments, offset=1)
    out.mkdir(parents=True, exist_ok=True)
    path = out / f"extra-{synth.seed}.{'csv' if layout == 'csv' else 'txt'}"
    if layout == "csv":
        export = CsvExport(path)
        export.write(thread)
        export.close()
    else:
        write_page(thread, path)
    return path


def parse_size(text: str) -> int:
    """'10k' -> 10000, '100k' -> 100000, '1m' -> 1000000, '2500' -> 2500."""
    text = text.strip().lower()
    factor = {"k": 1_000, "m": 1_000_000}.get(text[-1:], 1)
    return int(float(text[:-1] if factor > 1 else text) * factor)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--comments", type=parse_size, help="number of comments (1000, 10k)")
    parser.add_argument("--size", type=parse_size, help="same as --comments")
    parser.add_argument("--out", type=Path, required=True, help="folder to write into")
    parser.add_argument("--layout", choices=LAYOUTS, default="pages")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--extra", action="store_true", help="also write one extra new thread")
    parser.add_argument("--verify", action="store_true", help="ingest and check the files")
    args = parser.parse_args(argv)
    comments = args.comments or args.size
    if not comments:
        parser.error("give --comments N")
    synth = Synth(comments, args.seed)
    started = time.perf_counter()
    files = write_corpus(synth, args.out, args.layout)
    report = {
        "layout": args.layout,
        "files": len(files),
        "megabytes": round(sum(p.stat().st_size for p in files) / 1e6, 2),
        "seconds": round(time.perf_counter() - started, 2),
        **synth.stats.as_json(),
    }
    if args.extra:
        report["extra"] = str(write_extra_thread(synth, args.out, args.layout))
    if args.verify:
        from verify import verify_corpus

        problems, check = verify_corpus(files, synth.stats)
        report["check"] = {k: check.get(k) for k in ("threads", "comments", "unaccounted_lines")}
        report["problems"] = problems
    print(json.dumps(report, indent=2))
    return 1 if report.get("problems") else 0


if __name__ == "__main__":
    sys.exit(main())
